// libpq's types and constants only: easeml-ci does not link libpq. `PostgresLibrary` loads it with
// dlopen when a ledger URL names a PostgreSQL server, so the binary (and the pre-commit hook's
// start-up) does not carry libpq and its dependencies (Kerberos, LDAP, OpenSSL) otherwise.
// Debian's libpq-dev puts the header under postgresql/ (its own includes are relative to it), so
// no include path (and no pkg-config, whose `-lpq` would link the library) is needed.
#include <postgresql/libpq-fe.h>
