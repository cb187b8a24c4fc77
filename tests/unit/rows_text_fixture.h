/*
 * rows_text_fixture.h - the text the payload parser tests compare rows by.
 *
 * rows_text() renders rows [first, nrows) of a rowset as "name=value ..."
 * with " | " between rows: a NULL field is "name:N", bytes outside
 * printable ASCII are \xHH, a value that does not point into the payload
 * in[0..len) (copied to the arena) is followed by "~", and "!BAD" marks a
 * field whose name is not NUL-terminated or whose type is neither string
 * nor NULL. Returns a malloc'ed string the caller frees.
 */
#ifndef K2TD_ROWS_TEXT_FIXTURE_H
#define K2TD_ROWS_TEXT_FIXTURE_H

#include "common/buf.h"
#include "model/value.h"

/* Appends s[0..n) with bytes outside printable ASCII as \xHH. */
static inline void rows_text_bytes(k2td_buf_t *b, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c >= 0x7f) k2td_buf_printf(b, "\\x%02x", c);
        else k2td_buf_putc(b, (char)c);
    }
}

static inline char *rows_text(const k2td_rowset_t *rs, size_t first, const char *in,
                              size_t len) {
    k2td_buf_t b = K2TD_BUF_INIT;
    for (size_t r = first; r < rs->nrows; r++) {
        if (r > first) k2td_buf_puts(&b, " | ");
        const k2td_field_t *f;
        size_t n = k2td_rowset_row(rs, r, &f);
        for (size_t i = 0; i < n; i++) {
            const k2td_value_t *v = &f[i].v;
            if (i) k2td_buf_putc(&b, ' ');
            rows_text_bytes(&b, f[i].name, f[i].name_len);
            if (f[i].name[f[i].name_len] != '\0') k2td_buf_puts(&b, "!BAD");
            if (v->type == K2TD_VAL_NULL) {
                k2td_buf_puts(&b, ":N");
                continue;
            }
            k2td_buf_putc(&b, '=');
            rows_text_bytes(&b, v->str, v->len);
            if (v->type != K2TD_VAL_STRING) k2td_buf_puts(&b, "!BAD");
            else if (v->len && (v->str < in || v->str + v->len > in + len)) k2td_buf_putc(&b, '~');
        }
    }
    return k2td_buf_detach(&b);
}

#endif
