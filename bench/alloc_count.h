/*
 * alloc_count.h - counts malloc/calloc/realloc calls in a benchmark.
 *
 * Include it in exactly one file of a benchmark executable: it defines
 * malloc, calloc and realloc (forwarded to glibc's __libc_* functions) and
 * counts the calls made while `alloc_counting` is non-zero. Sanitizer builds
 * have their own allocator, so there nothing is interposed and
 * ALLOC_COUNT_ENABLED is 0.
 */
#ifndef K2TD_BENCH_ALLOC_COUNT_H
#define K2TD_BENCH_ALLOC_COUNT_H

#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__)
#define ALLOC_COUNT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ALLOC_COUNT_SANITIZED 1
#endif
#endif

static size_t alloc_calls; /* counted only while alloc_counting */
static int alloc_counting;

#ifndef ALLOC_COUNT_SANITIZED
#define ALLOC_COUNT_ENABLED 1
void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);

void *malloc(size_t n) {
    alloc_calls += (size_t)alloc_counting;
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t size) {
    alloc_calls += (size_t)alloc_counting;
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n) {
    alloc_calls += (size_t)alloc_counting;
    return __libc_realloc(p, n);
}
#else
#define ALLOC_COUNT_ENABLED 0
#endif

#endif
