// libpq's types and constants only: easeml-ci does not link libpq. `PostgresLibrary` loads it with
// dlopen when a ledger URL names a PostgreSQL server, so the binary (and the pre-commit hook's
// start-up) does not carry libpq and its dependencies (Kerberos, LDAP, OpenSSL) otherwise.
#include <libpq-fe.h>
