/*
 * alloc.h - allocation wrappers.
 *
 * k2td treats running out of memory as fatal: the wrappers print one line on
 * stderr and abort, so callers never check for NULL. Memory use is bounded by
 * design (batch sizes, queue lengths), so OOM means a bug or a machine that is
 * too small, not an input the program can recover from.
 */
#ifndef K2TD_ALLOC_H
#define K2TD_ALLOC_H

#include <stddef.h>

/* Returns n bytes of uninitialised memory. Never returns NULL. */
void *k2td_malloc(size_t n);

/* Returns n*size zeroed bytes. Never returns NULL. */
void *k2td_calloc(size_t n, size_t size);

/* Resizes p to n bytes (p may be NULL). Never returns NULL. */
void *k2td_realloc(void *p, size_t n);

/* Returns a NUL-terminated copy of the first n bytes of s. Never returns NULL. */
char *k2td_strndup(const char *s, size_t n);

/* Returns a copy of the NUL-terminated s, or NULL when s is NULL. */
char *k2td_strdup(const char *s);

/* Overwrites the NUL-terminated s with NULs, so that a secret does not
 * linger in freed memory, and frees it; NULL is fine. */
void k2td_free_secret(char *s);

#endif
