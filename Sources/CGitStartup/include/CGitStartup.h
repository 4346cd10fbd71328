#ifndef EASEML_CGITSTARTUP_H
#define EASEML_CGITSTARTUP_H

/// While `defer` is non-zero, a load of a CA bundle by libgit2's TLS back end (mbedtls) is refused
/// at once instead of parsing the file: set around git_libgit2_init, which otherwise parses the
/// system's whole bundle (≈ 200 KB of PEM, a seventh of a short command's start) for HTTPS that
/// easeml-ci never does through libgit2 (it reads local repositories only; remotes go through the
/// git command). A later explicit load (GIT_OPT_SET_SSL_CERT_LOCATIONS) reaches mbedtls as usual.
void easeml_git_defer_ca_bundle(int defer);

/// How many CA bundle loads were refused while deferred (0 means the deferral does not bind).
long easeml_git_deferred_ca_loads(void);

struct mbedtls_x509_crt;

/// The definitions libgit2 binds to: refused while deferred, else mbedtls' own.
int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path);
int mbedtls_x509_crt_parse_path(struct mbedtls_x509_crt *chain, const char *path);

#endif
