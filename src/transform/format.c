/*
 * format.c - ${expression} templates of the map rule `format` (see format.h).
 */
#include "format.h"

#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/errstr.h"
#include "stage.h"

/* A literal followed by a placeholder (e is NULL for the trailing literal). */
typedef struct fpart {
    char *lit;
    size_t lit_len;
    k2td_expr_t *e;
    char *src; /* the placeholder's text, for error messages */
} fpart_t;

struct k2td_format {
    fpart_t *parts;
    size_t n;
};

/* Returns the offset of the '}' closing the placeholder whose expression
 * starts at text[start], or 0 when it is not closed. */
static size_t placeholder_end(const char *text, size_t start) {
    size_t depth = 0;
    for (size_t i = start; text[i]; i++) {
        char c = text[i];
        if (c == '"' || c == '\'' || c == '`') {
            /* skip the quoted part; \ escapes only inside string quotes */
            for (i++; text[i] && text[i] != c; i++)
                if (text[i] == '\\' && c != '`' && text[i + 1]) i++;
            if (!text[i]) return 0;
        } else if (c == '{') {
            depth++;
        } else if (c == '}') {
            if (depth == 0) return i;
            depth--;
        }
    }
    return 0;
}

/* Appends a part with literal text[from..to) and, when expr_len > 0, the
 * expression at text[expr_at..expr_at+expr_len). Returns 0, or -1 with errstr. */
static int add_part(k2td_format_t *f, const char *text, size_t from, size_t to, size_t expr_at,
                    size_t expr_len, char *errstr, size_t errstr_size) {
    f->parts = k2td_realloc(f->parts, (f->n + 1) * sizeof(*f->parts));
    fpart_t *p = &f->parts[f->n++];
    memset(p, 0, sizeof(*p));
    p->lit_len = to - from;
    p->lit = k2td_strndup(text + from, p->lit_len);
    if (expr_len == 0) return 0;
    p->src = k2td_strndup(text + expr_at, expr_len);
    p->e = k2td_expr_compile(p->src, errstr, errstr_size);
    if (p->e) return 0;
    k2td_errstr_prefix(errstr, errstr_size, "offset %zu: placeholder `${%s}`: ", expr_at - 2,
                       p->src);
    return -1;
}

k2td_format_t *k2td_format_compile(const char *text, char *errstr, size_t errstr_size) {
    k2td_format_t *f = k2td_calloc(1, sizeof(*f));
    size_t lit = 0, i = 0;
    while (text[i]) {
        if (text[i] != '$' || text[i + 1] != '{') {
            i++;
            continue;
        }
        size_t start = i + 2, end = placeholder_end(text, start);
        int rc;
        if (end == 0)
            rc = k2td_errstr_set(errstr, errstr_size, "offset %zu: placeholder `%.40s` is not closed",
                                 i, text + i);
        else if (end == start)
            rc = k2td_errstr_set(errstr, errstr_size, "offset %zu: placeholder `${}` is empty", i);
        else
            rc = add_part(f, text, lit, i, start, end - start, errstr, errstr_size);
        if (rc != 0) {
            k2td_format_free(f);
            return NULL;
        }
        lit = i = end + 1;
    }
    if (add_part(f, text, lit, i, 0, 0, errstr, errstr_size) != 0) {
        k2td_format_free(f);
        return NULL;
    }
    return f;
}

void k2td_format_free(k2td_format_t *f) {
    if (!f) return;
    for (size_t i = 0; i < f->n; i++) {
        free(f->parts[i].lit);
        free(f->parts[i].src);
        k2td_expr_free(f->parts[i].e);
    }
    free(f->parts);
    free(f);
}

int k2td_format_expand(k2td_format_t *f, const k2td_rowset_t *rs, size_t row,
                       k2td_expr_ctx_t *ctx, k2td_buf_t *out, char *errstr, size_t errstr_size) {
    size_t len_before = out->len;
    for (size_t i = 0; i < f->n; i++) {
        fpart_t *p = &f->parts[i];
        k2td_buf_append(out, p->lit, p->lit_len);
        if (!p->e) continue;
        k2td_value_t v;
        if (k2td_expr_eval(p->e, rs, row, ctx, &v, errstr, errstr_size) != 0) {
            k2td_errstr_prefix(errstr, errstr_size, "placeholder `${%s}`: ", p->src);
            k2td_buf_truncate(out, len_before);
            return -1;
        }
        char tmp[32];
        size_t len;
        const char *s = k2td_transform_value_text(&v, tmp, &len);
        if (s) k2td_buf_append(out, s, len);
    }
    return 0;
}
