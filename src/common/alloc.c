#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void alloc_fail(size_t n) {
    fprintf(stderr, "k2td: FATAL: out of memory allocating %zu bytes\n", n);
    abort();
}

void *k2td_malloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) alloc_fail(n);
    return p;
}

void *k2td_calloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) alloc_fail(n * size);
    return p;
}

void *k2td_realloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) alloc_fail(n);
    return q;
}

char *k2td_strndup(const char *s, size_t n) {
    char *p = k2td_malloc(n + 1);
    if (n) memcpy(p, s, n); /* s may be NULL when n is 0 */
    p[n] = '\0';
    return p;
}

char *k2td_strdup(const char *s) {
    return s ? k2td_strndup(s, strlen(s)) : NULL;
}

void k2td_free_secret(char *s) {
    if (!s) return;
    /* volatile so the wipe is not optimised away before free() */
    volatile char *p = s;
    while (*p) *p++ = '\0';
    free(s);
}
