/*
 * utf8.c - well-formed UTF-8 sequences (see utf8.h).
 */
#include "utf8.h"

size_t k2td_utf8_seq_len(const unsigned char *s, size_t n) {
    unsigned lead = s[0];
    if (lead < 0x80) return 1;
    /* the sequence length and the range its second byte must fall in,
     * which is what rules out overlong forms, surrogates and > U+10FFFF */
    size_t len = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
    unsigned char min2 = 0x80, max2 = 0xbf;
    if (lead < 0xc2 || lead > 0xf4) return 0;
    if (lead == 0xe0) min2 = 0xa0;
    else if (lead == 0xed) max2 = 0x9f;
    else if (lead == 0xf0) min2 = 0x90;
    else if (lead == 0xf4) max2 = 0x8f;
    if (n < len || s[1] < min2 || s[1] > max2) return 0;
    for (size_t i = 2; i < len; i++)
        if ((s[i] & 0xc0) != 0x80) return 0;
    return len;
}

int k2td_utf8_is_control(const unsigned char *s, size_t len) {
    if (len == 1) return s[0] < 0x20 || s[0] == 0x7f;
    return len == 2 && s[0] == 0xc2 && s[1] < 0xa0;
}

size_t k2td_utf8_text_len(const char *s, size_t n) {
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t len = k2td_utf8_seq_len(u + i, n - i);
        if (!len || k2td_utf8_is_control(u + i, len)) break;
        i += len;
    }
    return i;
}

/* Appends s[0..n) to b, bytes that are not well-formed (and NUL) as \xNN;
 * with controls, control characters too (see k2td_utf8_escape_controls). */
static void utf8_escape(k2td_buf_t *b, const char *s, size_t n, int controls) {
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t len = u[i] ? k2td_utf8_seq_len(u + i, n - i) : 0;
        if (len && !(controls && k2td_utf8_is_control(u + i, len))) {
            k2td_buf_append(b, s + i, len);
            i += len;
            continue;
        }
        size_t bad = len ? len : 1;
        for (size_t j = i; j < i + bad; j++) {
            const char *named = u[j] == '\n'   ? "\\n"
                                : u[j] == '\r' ? "\\r"
                                : u[j] == '\t' ? "\\t"
                                                : NULL;
            if (named && controls) k2td_buf_puts(b, named);
            else k2td_buf_printf(b, "\\x%02x", u[j]);
        }
        i += bad;
    }
}

void k2td_utf8_escape(k2td_buf_t *b, const char *s, size_t n) {
    utf8_escape(b, s, n, 0);
}

void k2td_utf8_escape_controls(k2td_buf_t *b, const char *s, size_t n) {
    utf8_escape(b, s, n, 1);
}
