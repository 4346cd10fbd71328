// libgit2's initialisation without its eager CA bundle parse (see CGitStartup.h).
//
// libgit2 calls mbedtls_x509_crt_parse_file/_path through its PLT; the executable exports its
// symbols (SwiftPM links it with --export-dynamic) and comes first in the dynamic linker's search
// order, so these definitions are the ones libgit2 binds to. Outside the deferral they forward to
// mbedtls' own (the next definition, RTLD_NEXT), so nothing else changes.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>

#include "CGitStartup.h"

typedef int (*easeml_parse_function)(struct mbedtls_x509_crt *, const char *);

// MBEDTLS_ERR_X509_FILE_IO_ERROR: what mbedtls returns for an unreadable file. libgit2's init then
// loads no CA chain, as when the bundle is missing, and goes on.
#define EASEML_X509_FILE_IO_ERROR (-0x2900)

static atomic_int deferring;
static atomic_long deferred;

void easeml_git_defer_ca_bundle(int defer) { atomic_store(&deferring, defer); }

long easeml_git_deferred_ca_loads(void) { return atomic_load(&deferred); }

static int forward(const char *name, struct mbedtls_x509_crt *chain, const char *path) {
    if (atomic_load(&deferring)) {
        atomic_fetch_add(&deferred, 1);
        return EASEML_X509_FILE_IO_ERROR;
    }
    easeml_parse_function next = (easeml_parse_function)dlsym(RTLD_NEXT, name);
    return next ? next(chain, path) : EASEML_X509_FILE_IO_ERROR;
}

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path) {
    return forward("mbedtls_x509_crt_parse_file", chain, path);
}

int mbedtls_x509_crt_parse_path(struct mbedtls_x509_crt *chain, const char *path) {
    return forward("mbedtls_x509_crt_parse_path", chain, path);
}
