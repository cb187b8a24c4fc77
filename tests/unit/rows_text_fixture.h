/*
 * rows_text_fixture.h - rows as text, for the parser tests to compare.
 *
 * rows_text_with() renders rows [first, nrows) of a rowset with " | "
 * between rows and a space between fields, each field written by the
 * test's own function. rows_text() is the payload parsers' rendering:
 * "name=value", a NULL field as "name:N", bytes outside printable ASCII as
 * \xHH, "~" after a value that does not point into the payload in[0..len)
 * (copied to the arena), and "!BAD" after a field whose name is not
 * NUL-terminated or whose type is neither string nor NULL. Both return a
 * malloc'ed string the caller frees.
 */
#ifndef K2TD_ROWS_TEXT_FIXTURE_H
#define K2TD_ROWS_TEXT_FIXTURE_H

#include "common/buf.h"
#include "model/value.h"

/* Appends one field to b; ctx is rows_text_with()'s. */
typedef void (*rows_text_field_fn)(k2td_buf_t *b, const k2td_field_t *f, const void *ctx);

static inline char *rows_text_with(const k2td_rowset_t *rs, size_t first, rows_text_field_fn fn,
                                   const void *ctx) {
    k2td_buf_t b = K2TD_BUF_INIT;
    for (size_t r = first; r < rs->nrows; r++) {
        if (r > first) k2td_buf_puts(&b, " | ");
        const k2td_field_t *f;
        size_t n = k2td_rowset_row(rs, r, &f);
        for (size_t i = 0; i < n; i++) {
            if (i) k2td_buf_putc(&b, ' ');
            fn(&b, &f[i], ctx);
        }
    }
    return k2td_buf_detach(&b);
}

/* Appends s[0..n) with bytes outside printable ASCII, and '\\', as \xHH. */
static inline void rows_text_bytes(k2td_buf_t *b, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c >= 0x7f || c == '\\') k2td_buf_printf(b, "\\x%02x", c);
        else k2td_buf_putc(b, (char)c);
    }
}

/* The payload in rows_text(). */
typedef struct rows_text_payload {
    const char *in;
    size_t len;
} rows_text_payload_t;

static inline void rows_text_payload_field(k2td_buf_t *b, const k2td_field_t *f,
                                           const void *ctx) {
    const rows_text_payload_t *p = ctx;
    const k2td_value_t *v = &f->v;
    rows_text_bytes(b, f->name, f->name_len);
    if (f->name[f->name_len] != '\0') k2td_buf_puts(b, "!BAD");
    if (v->type == K2TD_VAL_NULL) {
        k2td_buf_puts(b, ":N");
        return;
    }
    k2td_buf_putc(b, '=');
    rows_text_bytes(b, v->str, v->len);
    if (v->type != K2TD_VAL_STRING) k2td_buf_puts(b, "!BAD");
    else if (v->len && (v->str < p->in || v->str + v->len > p->in + p->len)) k2td_buf_putc(b, '~');
}

static inline char *rows_text(const k2td_rowset_t *rs, size_t first, const char *in,
                              size_t len) {
    rows_text_payload_t p = {in, len};
    return rows_text_with(rs, first, rows_text_payload_field, &p);
}

#endif
