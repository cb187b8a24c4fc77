/*
 * sql_text.c - quoting names and string values for TDengine SQL.
 */
#include "sql_text.h"

#include <string.h>

void k2td_sql_append_ident(k2td_buf_t *b, const char *s, size_t n) {
    k2td_buf_reserve(b, n * 2 + 2);
    char *o = b->data + b->len;
    *o++ = '`';
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '`') *o++ = '`';
        *o++ = s[i];
    }
    *o++ = '`';
    b->len = (size_t)(o - b->data);
    b->data[b->len] = '\0';
}

int k2td_sql_append_string(k2td_buf_t *b, const char *s, size_t n) {
    if (n && memchr(s, '\0', n)) return -1;
    /* Worst case every byte is escaped; reserving it up front keeps the loop
     * free of bounds checks. */
    k2td_buf_reserve(b, n * 2 + 2);
    char *o = b->data + b->len;
    *o++ = '\'';
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\'' || c == '\\') *o++ = '\\';
        *o++ = c;
    }
    *o++ = '\'';
    b->len = (size_t)(o - b->data);
    b->data[b->len] = '\0';
    return 0;
}

void k2td_sql_append_hex(k2td_buf_t *b, const char *s, size_t n) {
    static const char digits[] = "0123456789abcdef";
    if (n == 0) {
        k2td_buf_append(b, "''", 2);
        return;
    }
    k2td_buf_reserve(b, n * 2 + 4);
    char *o = b->data + b->len;
    *o++ = '\'';
    *o++ = '\\';
    *o++ = 'x';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        *o++ = digits[c >> 4];
        *o++ = digits[c & 15];
    }
    *o++ = '\'';
    b->len = (size_t)(o - b->data);
    b->data[b->len] = '\0';
}
