// Process control calls Swift cannot make directly: prctl(2) is variadic, and Swift does not
// import variadic C functions. Header-only (static inline), so there is nothing to link.
#include <sys/prctl.h>

/// Makes the calling process the reaper of its orphaned descendants (PR_SET_CHILD_SUBREAPER):
/// a descendant whose parent exits becomes its child rather than init's, even after setsid(2),
/// so a prediction script cannot leave a process behind that nobody waits for. 0 on success.
static inline int easeml_set_child_subreaper(int on) {
    return prctl(PR_SET_CHILD_SUBREAPER, (unsigned long)on, 0UL, 0UL, 0UL);
}

#include <malloc.h>

/// Sets one of glibc's allocator parameters (mallopt(3)); 1 on success.
static inline int easeml_set_allocator_parameter(int parameter, int value) {
    return mallopt(parameter, value);
}

/// mallopt(3)'s parameters, which Swift does not import as constants from <malloc.h>.
static const int easeml_malloc_mmap_threshold = M_MMAP_THRESHOLD;
static const int easeml_malloc_trim_threshold = M_TRIM_THRESHOLD;
