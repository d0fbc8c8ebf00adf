#ifndef DRIFTLESS_CMALLOC_SHIM_H
#define DRIFTLESS_CMALLOC_SHIM_H
/* glibc's allocator controls (mallopt), which Swift's Glibc module does not export.
 * Used by Pipeline's MallocTuning only. */
#if defined(__linux__)
#include <features.h> /* defines __GLIBC__ when glibc is the C library */
#endif
#if defined(__GLIBC__)
#include <malloc.h>
static inline int driftless_has_mallopt(void) { return 1; }
static inline int driftless_mallopt(int parameter, int value) { return mallopt(parameter, value); }
static const int DRIFTLESS_M_MMAP_THRESHOLD = M_MMAP_THRESHOLD;
static const int DRIFTLESS_M_TRIM_THRESHOLD = M_TRIM_THRESHOLD;
static const int DRIFTLESS_M_TOP_PAD = M_TOP_PAD;
#else
static inline int driftless_has_mallopt(void) { return 0; }
static inline int driftless_mallopt(int parameter, int value) { (void)parameter; (void)value; return 0; }
static const int DRIFTLESS_M_MMAP_THRESHOLD = 0;
static const int DRIFTLESS_M_TRIM_THRESHOLD = 0;
static const int DRIFTLESS_M_TOP_PAD = 0;
#endif
#endif
