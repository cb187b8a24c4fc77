/*
 * csv_parse.c - the CSV payload parser (see csv_parse.h).
 *
 * One pass over the payload: each line is read field by field straight into
 * the rowset. Field values point into the payload unless a quoted field has
 * doubled quotes to undo, which is the only copy besides header names.
 */
#include "csv_parse.h"

#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/errstr.h"

typedef struct csv_name {
    const char *s; /* NUL-terminated */
    size_t len;
} csv_name_t;

struct k2td_csv {
    char delim, quote;
    int header;
    csv_name_t *names; /* configured names (owned), or NULL in header mode */
    size_t nnames;
};

/* How a field ended. */
typedef enum csv_end {
    CSV_END_DELIM, /* a delimiter: another field follows */
    CSV_END_LINE,  /* a line end or the end of the payload: the row is complete */
} csv_end_t;

typedef struct csv_parser {
    const k2td_csv_t *csv;
    const char *p; /* next unread byte */
    const char *end;
    size_t line; /* line of p, from 1 */
    k2td_rowset_t *rs;
    size_t msg_index;
    const csv_name_t *names; /* the columns: configured or from the header */
    size_t nnames;
    char *errstr;
    size_t errstr_size;
} csv_parser_t;

/* Returns 0 when c may be a delimiter or quote character, else -1. */
static int csv_char_ok(char c) {
    return c == '\r' || c == '\n' || (unsigned char)c >= 0x80 ? -1 : 0;
}

/* Checks that names[0..n) are non-empty and distinct, and copies them into
 * csv. Returns 0, or -1 with errstr set. */
static int csv_copy_names(k2td_csv_t *csv, const char *const *names, size_t n, char *errstr,
                          size_t errstr_size) {
    if (n > K2TD_CSV_MAX_COLUMNS) {
        return k2td_errstr_set(errstr, errstr_size, "CSV has %zu column names, more than %d", n,
                               K2TD_CSV_MAX_COLUMNS);
    }
    csv->names = k2td_calloc(n, sizeof(csv_name_t));
    for (size_t i = 0; i < n; i++) {
        if (!names[i] || !names[i][0])
            return k2td_errstr_set(errstr, errstr_size, "CSV column %zu has an empty name", i + 1);
        for (size_t j = 0; j < i; j++) {
            if (strcmp(names[i], csv->names[j].s) == 0)
                return k2td_errstr_set(errstr, errstr_size,
                                       "CSV column %zu has the same name as column %zu ('%.64s')",
                                       i + 1, j + 1, names[i]);
        }
        csv->names[i].len = strlen(names[i]);
        csv->names[i].s = k2td_strndup(names[i], csv->names[i].len);
        csv->nnames = i + 1;
    }
    return 0;
}

k2td_csv_t *k2td_csv_new(const k2td_csv_opts_t *opts, char *errstr, size_t errstr_size) {
    if (errstr && errstr_size) errstr[0] = '\0';
    char delim = opts->delimiter ? opts->delimiter : ',';
    char quote = opts->quote ? opts->quote : '"';
    if (csv_char_ok(delim) != 0 || csv_char_ok(quote) != 0 || delim == quote) {
        k2td_errstr_set(errstr, errstr_size,
                        "CSV delimiter and quote must be two different ASCII characters other "
                        "than CR and LF");
        return NULL;
    }
    if ((opts->header != 0) == (opts->nnames != 0)) {
        k2td_errstr_set(errstr, errstr_size,
                        "CSV needs either a header line or column names (exactly one of the two)");
        return NULL;
    }
    k2td_csv_t *csv = k2td_calloc(1, sizeof(*csv));
    csv->delim = delim;
    csv->quote = quote;
    csv->header = opts->header != 0;
    if (!csv->header && csv_copy_names(csv, opts->names, opts->nnames, errstr, errstr_size) != 0) {
        k2td_csv_free(csv);
        return NULL;
    }
    return csv;
}

void k2td_csv_free(k2td_csv_t *csv) {
    if (!csv) return;
    for (size_t i = 0; i < csv->nnames; i++) free((char *)csv->names[i].s);
    free(csv->names);
    free(csv);
}

/* Reads what ends the field at cp->p: a delimiter, a line end or the end of
 * the payload, and moves past it. Returns 0 with *how set, or -1 when
 * something else is there (field_no names the field in the error). */
static int csv_field_end(csv_parser_t *cp, size_t field_no, csv_end_t *how) {
    const char *p = cp->p, *end = cp->end;
    if (p < end && *p == cp->csv->delim) {
        cp->p = p + 1;
        *how = CSV_END_DELIM;
        return 0;
    }
    if (p < end && *p == '\r' && (p + 1 == end || p[1] == '\n')) p++;
    if (p < end && *p == '\n') {
        p++;
        cp->line++;
    } else if (p < end) {
        return k2td_errstr_set(cp->errstr, cp->errstr_size,
                               "line %zu: field %zu: unexpected character after the closing quote",
                               cp->line, field_no);
    }
    cp->p = p;
    *how = CSV_END_LINE;
    return 0;
}

/* Reads the quoted field whose opening quote is at cp->p into v (copying it
 * to the arena only when it holds doubled quotes). Returns 0 or -1. */
static int csv_quoted(csv_parser_t *cp, size_t field_no, k2td_value_t *v) {
    const char q = cp->csv->quote;
    const char *s = cp->p + 1, *p = s, *end = cp->end;
    size_t line0 = cp->line, doubled = 0;
    for (;;) {
        const char *hit = memchr(p, q, (size_t)(end - p));
        if (!hit)
            return k2td_errstr_set(cp->errstr, cp->errstr_size,
                                   "line %zu: field %zu: unterminated quoted field", line0,
                                   field_no);
        if (hit + 1 < end && hit[1] == q) {
            doubled++;
            p = hit + 2;
            continue;
        }
        p = hit;
        break;
    }
    for (const char *c = memchr(s, '\n', (size_t)(p - s)); c;
         c = memchr(c + 1, '\n', (size_t)(p - c - 1)))
        cp->line++;
    v->type = K2TD_VAL_STRING;
    v->len = (size_t)(p - s) - doubled;
    if (doubled == 0) {
        v->str = s;
    } else {
        char *out = k2td_arena_alloc(&cp->rs->arena, v->len), *o = out;
        for (const char *c = s; c < p; c++) {
            *o++ = *c;
            if (*c == q) c++; /* the second quote of the pair */
        }
        v->str = out;
    }
    cp->p = p + 1;
    return 0;
}

/* Reads the field at cp->p (field_no counts from 1) into v and moves past
 * what ends it. Returns 0 with *how set, or -1. */
static int csv_field(csv_parser_t *cp, size_t field_no, k2td_value_t *v, csv_end_t *how) {
    memset(v, 0, sizeof(*v));
    if (cp->p < cp->end && *cp->p == cp->csv->quote) {
        if (csv_quoted(cp, field_no, v) != 0) return -1;
        return csv_field_end(cp, field_no, how);
    }
    const char d = cp->csv->delim;
    const char *s = cp->p, *p = s, *end = cp->end;
    while (p < end && *p != d && *p != '\n') p++;
    size_t n = (size_t)(p - s);
    if (n > 0 && s[n - 1] == '\r' && (p == end || *p == '\n')) n--; /* part of the line end */
    if (n > 0) {
        v->type = K2TD_VAL_STRING;
        v->str = s;
        v->len = n;
    }
    cp->p = s + n;
    return csv_field_end(cp, field_no, how);
}

/* Returns 1 after moving past an empty line at cp->p, else 0. */
static int csv_skip_empty_line(csv_parser_t *cp) {
    const char *p = cp->p, *end = cp->end;
    if (*p == '\r' && (p + 1 == end || p[1] == '\n')) p++;
    if (p == end) {
        cp->p = p;
        return 1;
    }
    if (*p != '\n') return 0;
    cp->p = p + 1;
    cp->line++;
    return 1;
}

/* Reads the header line at cp->p into cp->names (arena memory). Returns 0
 * or -1 (an empty or repeated name, too many columns, bad quoting). */
static int csv_header(csv_parser_t *cp) {
    k2td_arena_t *arena = &cp->rs->arena;
    size_t line0 = cp->line, cap = 16, n = 0;
    csv_name_t *names = k2td_arena_alloc(arena, cap * sizeof(csv_name_t));
    csv_end_t how;
    do {
        k2td_value_t v;
        if (csv_field(cp, n + 1, &v, &how) != 0) return -1;
        if (v.len == 0)
            return k2td_errstr_set(cp->errstr, cp->errstr_size,
                                   "line %zu: column %zu has an empty name", line0, n + 1);
        if (n == K2TD_CSV_MAX_COLUMNS)
            return k2td_errstr_set(cp->errstr, cp->errstr_size, "line %zu: more than %d columns",
                                   line0, K2TD_CSV_MAX_COLUMNS);
        /* O(n^2), but n is a header's width, and bounded */
        for (size_t j = 0; j < n; j++)
            if (names[j].len == v.len && memcmp(names[j].s, v.str, v.len) == 0)
                return k2td_errstr_set(cp->errstr, cp->errstr_size,
                                       "line %zu: column %zu has the same name as column %zu",
                                       line0, n + 1, j + 1);
        if (n == cap) {
            csv_name_t *bigger = k2td_arena_alloc(arena, 2 * cap * sizeof(csv_name_t));
            memcpy(bigger, names, n * sizeof(csv_name_t));
            names = bigger;
            cap *= 2;
        }
        names[n].s = k2td_arena_strndup(arena, v.str, v.len);
        names[n].len = v.len;
        n++;
    } while (how == CSV_END_DELIM);
    cp->names = names;
    cp->nnames = n;
    return 0;
}

/* Reads the data line at cp->p as a new row. Returns 0, or -1 (bad quoting,
 * or not one field per column). */
static int csv_row(csv_parser_t *cp) {
    k2td_rowset_t *rs = cp->rs;
    size_t line0 = cp->line, n = 0;
    k2td_rowset_begin_row(rs, cp->msg_index);
    csv_end_t how;
    do {
        k2td_value_t v;
        if (csv_field(cp, n + 1, &v, &how) != 0) return -1;
        if (n < cp->nnames) {
            k2td_field_t *f = k2td_rowset_add_field(rs, cp->names[n].s, cp->names[n].len);
            f->v = v;
        }
        n++;
    } while (how == CSV_END_DELIM);
    if (n != cp->nnames)
        return k2td_errstr_set(cp->errstr, cp->errstr_size, "line %zu: %zu field%s, expected %zu",
                               line0, n, n == 1 ? "" : "s", cp->nnames);
    return 0;
}

/* Parses the whole payload. Returns 0 or -1. */
static int csv_payload(csv_parser_t *cp) {
    if (cp->end - cp->p >= 3 && memcmp(cp->p, "\xEF\xBB\xBF", 3) == 0) cp->p += 3;
    int any_line = 0;
    while (cp->p < cp->end) {
        if (csv_skip_empty_line(cp)) continue;
        int is_header = !cp->names;
        any_line = 1;
        if ((is_header ? csv_header(cp) : csv_row(cp)) != 0) return -1;
    }
    if (!any_line)
        return k2td_errstr_set(cp->errstr, cp->errstr_size, "line %zu: empty payload", cp->line);
    return 0;
}

int k2td_csv_parse(const k2td_csv_t *csv, const char *buf, size_t len, size_t msg_index,
                   k2td_rowset_t *out, char *errstr, size_t errstr_size) {
    csv_parser_t cp = {
        .csv = csv,
        .p = buf,
        .end = buf + len,
        .line = 1,
        .rs = out,
        .msg_index = msg_index,
        .names = csv->names,
        .nnames = csv->nnames,
        .errstr = errstr,
        .errstr_size = errstr_size,
    };
    size_t nrows_before = out->nrows;
    if (errstr && errstr_size) errstr[0] = '\0';
    if (csv_payload(&cp) != 0) {
        k2td_rowset_truncate(out, nrows_before);
        return -1;
    }
    return (int)(out->nrows - nrows_before);
}
