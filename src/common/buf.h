/*
 * buf.h - a growable byte buffer, always NUL-terminated.
 *
 * Used to build SQL text, log lines and JSON. The buffer owns its memory;
 * k2td_buf_free() releases it. Growth aborts on OOM (see alloc.h).
 */
#ifndef K2TD_BUF_H
#define K2TD_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef struct k2td_buf {
    char *data; /* NUL-terminated; NULL until the first append */
    size_t len; /* bytes used, excluding the NUL */
    size_t cap; /* bytes allocated */
} k2td_buf_t;

#define K2TD_BUF_INIT {NULL, 0, 0}

/* Makes room for at least n more bytes (plus the NUL). */
void k2td_buf_reserve(k2td_buf_t *b, size_t n);

/* Appends n bytes of s. */
void k2td_buf_append(k2td_buf_t *b, const char *s, size_t n);

/* Appends the NUL-terminated s. */
void k2td_buf_puts(k2td_buf_t *b, const char *s);

/* Appends one byte. */
void k2td_buf_putc(k2td_buf_t *b, char c);

/* Appends printf-style formatted text. */
void k2td_buf_printf(k2td_buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends the decimal text of v (faster than printf; the hot path uses it). */
void k2td_buf_put_i64(k2td_buf_t *b, int64_t v);

/* Appends the decimal text of v. */
void k2td_buf_put_u64(k2td_buf_t *b, uint64_t v);

/* Cuts the buffer back to len bytes (len <= b->len). */
void k2td_buf_truncate(k2td_buf_t *b, size_t len);

/* Empties the buffer but keeps its memory. */
void k2td_buf_reset(k2td_buf_t *b);

/* Releases the memory; the buffer is empty and reusable afterwards. */
void k2td_buf_free(k2td_buf_t *b);

/* Hands the data to the caller (who frees it) and empties the buffer.
 * Returns "" copied when nothing was appended; never NULL. */
char *k2td_buf_detach(k2td_buf_t *b);

#endif
