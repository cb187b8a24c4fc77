/*
 * fuzz_csv_parse.c - libFuzzer target for the CSV payload parser.
 *
 * Every input is parsed by three parsers: header mode with ',' and '"',
 * three configured columns with ',' and '"', and header mode with ';' and
 * '\''. Each parse runs after one fixed row already in the rowset, then:
 *   - a failure leaves that row exactly as it was, with an error naming a
 *     line the input has;
 *   - a success gives rows that all have one field per column, named
 *     (NUL-terminated, distinct), holding a string or NULL; a string either
 *     lies inside the input or is a copy holding the quote character (the
 *     only copies are de-doubled quoted fields);
 *   - the rows written back as CSV (every string quoted, quotes doubled,
 *     NULL as an empty unquoted field) parse to the very same rows.
 * The rowset is reset between inputs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "parse/csv_parse.h"

#define FUZZ_ASSERT(cond)                                                  \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__,     \
                    __LINE__, #cond);                                      \
            abort();                                                       \
        }                                                                  \
    } while (0)

static const char fuzz_first_row[] = "first,\"kept\"\"\",";
static const char *const fuzz_names[] = {"x", "y", "z"};

typedef struct fuzz_parser {
    k2td_csv_opts_t opts;
    k2td_csv_t *csv;
} fuzz_parser_t;

static fuzz_parser_t fuzz_parsers[] = {
    {{.header = 1}, NULL},
    {{.names = fuzz_names, .nnames = 3}, NULL},
    {{.delimiter = ';', .quote = '\'', .header = 1}, NULL},
};

#define FUZZ_NPARSERS (sizeof(fuzz_parsers) / sizeof(fuzz_parsers[0]))

/* Bytes read through fuzz_touch() land here, so the reads stay. */
static volatile unsigned fuzz_sink;

/* Returns a sum of every byte of s[0..n), so the sanitizer sees them read. */
static unsigned fuzz_touch(const char *s, size_t n) {
    unsigned sum = 0;
    for (size_t i = 0; i < n; i++) sum += (unsigned char)s[i];
    return sum;
}

/* Checks rows [first, nrows) of a successful parse of in[0..size) by fp. */
static void fuzz_check_rows(const k2td_rowset_t *rs, size_t first, const fuzz_parser_t *fp,
                            const char *in, size_t size) {
    char quote = fp->opts.quote ? fp->opts.quote : '"';
    size_t width = 0;
    for (size_t r = first; r < rs->nrows; r++) {
        const k2td_field_t *f;
        size_t n = k2td_rowset_row(rs, r, &f);
        if (r == first) width = n;
        FUZZ_ASSERT(n == width && n >= 1 && n <= K2TD_CSV_MAX_COLUMNS);
        if (!fp->opts.header) FUZZ_ASSERT(n == fp->opts.nnames);
        for (size_t i = 0; i < n; i++) {
            const k2td_value_t *v = &f[i].v;
            FUZZ_ASSERT(f[i].name != NULL && f[i].name_len > 0);
            FUZZ_ASSERT(f[i].name[f[i].name_len] == '\0');
            fuzz_sink += fuzz_touch(f[i].name, f[i].name_len);
            if (n <= 64)
                for (size_t j = 0; j < i; j++)
                    FUZZ_ASSERT(f[j].name_len != f[i].name_len ||
                                memcmp(f[j].name, f[i].name, f[i].name_len) != 0);
            /* an empty line is skipped, never a one-column row of NULL */
            if (v->type == K2TD_VAL_NULL) {
                FUZZ_ASSERT(n > 1);
                continue;
            }
            FUZZ_ASSERT(v->type == K2TD_VAL_STRING);
            FUZZ_ASSERT(v->str != NULL);
            fuzz_sink += fuzz_touch(v->str, v->len);
            if (v->str >= in && v->str < in + size)
                FUZZ_ASSERT(v->len <= (size_t)(in + size - v->str));
            else
                FUZZ_ASSERT(memchr(v->str, quote, v->len) != NULL);
        }
    }
}

/* Appends s[0..n) to b as a quoted CSV field. */
static void fuzz_put_quoted(k2td_buf_t *b, const char *s, size_t n, char quote) {
    k2td_buf_putc(b, quote);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == quote) k2td_buf_putc(b, quote);
        k2td_buf_putc(b, s[i]);
    }
    k2td_buf_putc(b, quote);
}

/* Writes rows [first, nrows) back as CSV text for fp, with a header line
 * in header mode. */
static void fuzz_write(const k2td_rowset_t *rs, size_t first, const fuzz_parser_t *fp,
                       k2td_buf_t *b) {
    char delim = fp->opts.delimiter ? fp->opts.delimiter : ',';
    char quote = fp->opts.quote ? fp->opts.quote : '"';
    const k2td_field_t *f;
    size_t n = k2td_rowset_row(rs, first, &f);
    if (fp->opts.header) {
        for (size_t i = 0; i < n; i++) {
            if (i) k2td_buf_putc(b, delim);
            fuzz_put_quoted(b, f[i].name, f[i].name_len, quote);
        }
        k2td_buf_puts(b, "\r\n");
    }
    for (size_t r = first; r < rs->nrows; r++) {
        n = k2td_rowset_row(rs, r, &f);
        for (size_t i = 0; i < n; i++) {
            if (i) k2td_buf_putc(b, delim);
            if (f[i].v.type == K2TD_VAL_STRING) fuzz_put_quoted(b, f[i].v.str, f[i].v.len, quote);
        }
        k2td_buf_putc(b, '\n');
    }
}

/* Checks that rows [a, a_end) and [b, nrows) hold the same names and values. */
static void fuzz_same_rows(const k2td_rowset_t *rs, size_t a, size_t a_end, size_t b) {
    for (; a < a_end; a++) {
        const k2td_field_t *fa, *fb;
        size_t na = k2td_rowset_row(rs, a, &fa);
        FUZZ_ASSERT(b < rs->nrows);
        size_t nb = k2td_rowset_row(rs, b++, &fb);
        FUZZ_ASSERT(na == nb);
        for (size_t i = 0; i < na; i++) {
            FUZZ_ASSERT(fa[i].name_len == fb[i].name_len &&
                        memcmp(fa[i].name, fb[i].name, fa[i].name_len) == 0);
            FUZZ_ASSERT(fa[i].v.type == fb[i].v.type && fa[i].v.len == fb[i].v.len);
            if (fa[i].v.len) FUZZ_ASSERT(memcmp(fa[i].v.str, fb[i].v.str, fa[i].v.len) == 0);
        }
    }
    FUZZ_ASSERT(b == rs->nrows);
}

/* Parses in[0..size) with fp after the fixed first row and checks it all. */
static void fuzz_one(k2td_rowset_t *rs, const fuzz_parser_t *fp, const k2td_csv_t *first,
                     const char *in, size_t size) {
    char err[256];
    k2td_rowset_reset(rs);
    FUZZ_ASSERT(k2td_csv_parse(first, fuzz_first_row, sizeof(fuzz_first_row) - 1, 0, rs, err,
                               sizeof(err)) == 1);
    size_t nfields_before = rs->nfields;

    int n = k2td_csv_parse(fp->csv, in, size, 1, rs, err, sizeof(err));
    if (n < 0) {
        FUZZ_ASSERT(n == -1);
        FUZZ_ASSERT(rs->nrows == 1 && rs->nfields == nfields_before);
        unsigned long line = 0;
        FUZZ_ASSERT(sscanf(err, "line %lu: ", &line) == 1);
        size_t lines = 1;
        for (size_t i = 0; i < size; i++) lines += in[i] == '\n';
        FUZZ_ASSERT(line >= 1 && line <= lines);
        FUZZ_ASSERT(strlen(err) > strlen("line 1: "));
    } else {
        FUZZ_ASSERT(rs->nrows == 1 + (size_t)n);
        FUZZ_ASSERT(err[0] == '\0');
        for (size_t r = 1; r < rs->nrows; r++) FUZZ_ASSERT(rs->row_msg[r] == 1);
        fuzz_check_rows(rs, 1, fp, in, size);
        if (n > 0) {
            k2td_buf_t text = K2TD_BUF_INIT;
            fuzz_write(rs, 1, fp, &text);
            size_t nrows = rs->nrows;
            int m = k2td_csv_parse(fp->csv, text.data, text.len, 2, rs, err, sizeof(err));
            if (m < 0) fprintf(stderr, "written back: %s\n", err);
            FUZZ_ASSERT(m == n);
            fuzz_same_rows(rs, 1, nrows, nrows);
            k2td_buf_free(&text);
        }
    }
    /* the row parsed before the input is untouched either way */
    const k2td_field_t *f;
    FUZZ_ASSERT(k2td_rowset_row(rs, 0, &f) == 3);
    FUZZ_ASSERT(strcmp(f[0].name, "x") == 0 && f[0].v.len == 5);
    FUZZ_ASSERT(f[1].v.type == K2TD_VAL_STRING && f[1].v.len == 5 &&
                memcmp(f[1].v.str, "kept\"", 5) == 0);
    FUZZ_ASSERT(f[2].v.type == K2TD_VAL_NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static k2td_rowset_t rs;
    static int ready;
    char err[256];
    if (!ready) {
        k2td_rowset_init(&rs);
        for (size_t i = 0; i < FUZZ_NPARSERS; i++) {
            fuzz_parsers[i].csv = k2td_csv_new(&fuzz_parsers[i].opts, err, sizeof(err));
            FUZZ_ASSERT(fuzz_parsers[i].csv != NULL);
        }
        ready = 1;
    }
    /* the configured-names parser also reads the fixed first row */
    const k2td_csv_t *first = fuzz_parsers[1].csv;
    for (size_t i = 0; i < FUZZ_NPARSERS; i++)
        fuzz_one(&rs, &fuzz_parsers[i], first, (const char *)data, size);
    return 0;
}
