#include "buf.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "num_text.h"
#include <stdlib.h>

void k2td_buf_reserve(k2td_buf_t *b, size_t n) {
    if (b->len + n + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1) cap *= 2;
    b->data = k2td_realloc(b->data, cap);
    b->cap = cap;
}

void k2td_buf_append(k2td_buf_t *b, const char *s, size_t n) {
    k2td_buf_reserve(b, n);
    if (n) memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void k2td_buf_puts(k2td_buf_t *b, const char *s) {
    k2td_buf_append(b, s, strlen(s));
}

void k2td_buf_putc(k2td_buf_t *b, char c) {
    k2td_buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void k2td_buf_printf(k2td_buf_t *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n > 0) {
        k2td_buf_reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
}

void k2td_buf_put_u64(k2td_buf_t *b, uint64_t v) {
    char tmp[K2TD_NUM_TEXT_MAX];
    k2td_buf_append(b, tmp, k2td_num_text_u64(v, tmp));
}

void k2td_buf_put_i64(k2td_buf_t *b, int64_t v) {
    if (v < 0) {
        k2td_buf_putc(b, '-');
        k2td_buf_put_u64(b, (uint64_t)0 - (uint64_t)v);
    } else {
        k2td_buf_put_u64(b, (uint64_t)v);
    }
}

void k2td_buf_truncate(k2td_buf_t *b, size_t len) {
    if (len < b->len) {
        b->len = len;
        b->data[len] = '\0';
    }
}

void k2td_buf_reset(k2td_buf_t *b) {
    k2td_buf_truncate(b, 0);
}

void k2td_buf_free(k2td_buf_t *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *k2td_buf_detach(k2td_buf_t *b) {
    char *p = b->data ? b->data : k2td_strdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
