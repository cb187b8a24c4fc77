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

void k2td_utf8_escape(k2td_buf_t *b, const char *s, size_t n) {
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t len = u[i] ? k2td_utf8_seq_len(u + i, n - i) : 0;
        if (len)
            k2td_buf_append(b, s + i, len);
        else
            k2td_buf_printf(b, "\\x%02x", u[i]);
        i += len ? len : 1;
    }
}
