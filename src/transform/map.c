/*
 * map.c - the `map` stage: target fields from mapping, value, now, join,
 * format, sum and expr rules (see map.h).
 */
#include "map.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/arena.h"
#include "../common/buf.h"
#include "../common/errstr.h"
#include "../expr/expr.h"
#include "../parse/json_flat.h"
#include "format.h"

/* A field a rule reads, with k2td_rowset_find()'s position cache. */
typedef struct mfield {
    const char *name;
    size_t len, hint;
} mfield_t;

typedef struct mrule {
    k2td_map_kind_t kind;
    const char *target;
    size_t target_len;
    mfield_t *fields; /* mapping: the source; join, sum: the fields */
    size_t nfields;
    k2td_value_t value; /* value, mapping's default */
    const char *sep;    /* join */
    size_t sep_len;
    k2td_expr_t *expr;     /* expr */
    k2td_format_t *format; /* format */
    const char *label;     /* "map rule 2 (`f`, expr)" */
} mrule_t;

struct k2td_map {
    size_t n;
    mrule_t *rules;
    k2td_arena_t mem; /* names, constants and labels the rules own */
    k2td_buf_t buf;   /* join and format text, reused for every row */
    k2td_value_t *vals; /* the rules' values for the row being mapped */
};

static const char *const kind_names[] = {"mapping", "value", "now", "join", "format", "sum", "expr"};

static const char *mem_strdup(k2td_map_t *m, const char *s) {
    return k2td_arena_strndup(&m->mem, s, strlen(s));
}

/* Copies the n field names into r. Returns 0, or -1 with errstr. */
static int copy_fields(k2td_map_t *m, mrule_t *r, const char *const *names, size_t n,
                       char *errstr, size_t errstr_size) {
    if (!names || n == 0) return k2td_errstr_set(errstr, errstr_size, "no source field");
    r->fields = k2td_arena_alloc(&m->mem, n * sizeof(*r->fields));
    for (size_t i = 0; i < n; i++) {
        if (!names[i] || !names[i][0])
            return k2td_errstr_set(errstr, errstr_size, "source field %zu is empty", i + 1);
        r->fields[i] = (mfield_t){mem_strdup(m, names[i]), strlen(names[i]), 0};
    }
    r->nfields = n;
    return 0;
}

/* Fills r from the caller's rule. Returns 0, or -1 with the reason
 * (without the rule's label) in errstr. */
static int mrule_compile(k2td_map_t *m, mrule_t *r, const k2td_map_rule_t *src, char *errstr,
                         size_t errstr_size) {
    r->kind = src->kind;
    switch (src->kind) {
    case K2TD_MAP_MAPPING:
    case K2TD_MAP_VALUE:
        r->value = src->value;
        if (src->value.str) r->value.str = k2td_arena_strndup(&m->mem, src->value.str, src->value.len);
        return src->kind == K2TD_MAP_VALUE
                   ? 0
                   : copy_fields(m, r, &src->source, 1, errstr, errstr_size);
    case K2TD_MAP_NOW:
        return 0;
    case K2TD_MAP_JOIN:
        r->sep = mem_strdup(m, src->separator ? src->separator : "");
        r->sep_len = strlen(r->sep);
        return copy_fields(m, r, src->fields, src->nfields, errstr, errstr_size);
    case K2TD_MAP_SUM:
        return copy_fields(m, r, src->fields, src->nfields, errstr, errstr_size);
    case K2TD_MAP_FORMAT:
        if (!src->text || !src->text[0])
            return k2td_errstr_set(errstr, errstr_size, "template is empty");
        r->format = k2td_format_compile(src->text, errstr, errstr_size);
        return r->format ? 0 : -1;
    case K2TD_MAP_EXPR:
        if (!src->text || !src->text[0])
            return k2td_errstr_set(errstr, errstr_size, "expression is empty");
        r->expr = k2td_expr_compile(src->text, errstr, errstr_size);
        return r->expr ? 0 : -1;
    }
    return k2td_errstr_set(errstr, errstr_size, "unknown rule kind %d", (int)src->kind);
}

k2td_map_t *k2td_map_compile(const k2td_map_rule_t *rules, size_t n, char *errstr,
                             size_t errstr_size) {
    if (n == 0) {
        k2td_errstr_set(errstr, errstr_size, "map has no rule");
        return NULL;
    }
    k2td_map_t *m = k2td_calloc(1, sizeof(*m));
    k2td_arena_init(&m->mem, 4096);
    m->rules = k2td_calloc(n, sizeof(*m->rules));
    m->vals = k2td_calloc(n, sizeof(*m->vals));
    for (size_t i = 0; i < n; i++, m->n++) {
        const k2td_map_rule_t *src = &rules[i];
        mrule_t *r = &m->rules[i];
        unsigned kind = (unsigned)src->kind;
        const char *target = src->target ? src->target : "";
        char label[256];
        snprintf(label, sizeof(label), "map rule %zu (`%s`, %s)", i + 1, target,
                 kind < 7 ? kind_names[kind] : "unknown");
        r->label = mem_strdup(m, label);
        r->target = mem_strdup(m, target);
        r->target_len = strlen(target);
        int rc = target[0] ? mrule_compile(m, r, src, errstr, errstr_size)
                           : k2td_errstr_set(errstr, errstr_size, "target is empty");
        if (rc != 0) {
            k2td_errstr_prefix(errstr, errstr_size, "%s: ", label);
            m->n++;
            k2td_map_free(m);
            return NULL;
        }
    }
    return m;
}

void k2td_map_free(k2td_map_t *m) {
    if (!m) return;
    for (size_t i = 0; i < m->n; i++) {
        k2td_expr_free(m->rules[i].expr);
        k2td_format_free(m->rules[i].format);
    }
    free(m->rules);
    free(m->vals);
    k2td_arena_free(&m->mem);
    k2td_buf_free(&m->buf);
    free(m);
}

/* Returns the value of field f in row `row` of in, or NULL when it is
 * missing or null. */
static const k2td_value_t *read_field(const k2td_rowset_t *in, size_t row, mfield_t *f) {
    const k2td_field_t *fd = k2td_rowset_find(in, row, f->name, f->len, &f->hint);
    return fd && fd->v.type != K2TD_VAL_NULL ? &fd->v : NULL;
}

/* Sets *out to m->buf's text copied into arena. */
static void buf_to_value(k2td_map_t *m, k2td_arena_t *arena, k2td_value_t *out) {
    out->type = K2TD_VAL_STRING;
    out->len = m->buf.len;
    out->str = k2td_arena_strndup(arena, m->buf.data ? m->buf.data : "", m->buf.len);
}

static void eval_join(k2td_map_t *m, mrule_t *r, const k2td_rowset_t *in, size_t row,
                      k2td_arena_t *arena, k2td_value_t *out) {
    int any = 0;
    k2td_buf_reset(&m->buf);
    for (size_t i = 0; i < r->nfields; i++) {
        const k2td_value_t *v = read_field(in, row, &r->fields[i]);
        if (!v) continue;
        char tmp[32];
        size_t len;
        const char *s = k2td_transform_value_text(v, tmp, &len);
        if (any) k2td_buf_append(&m->buf, r->sep, r->sep_len);
        k2td_buf_append(&m->buf, s, len);
        any = 1;
    }
    if (any) buf_to_value(m, arena, out);
}

/* Adds the fields of a sum rule into *out. Returns 0, or -1 with errstr. */
static int eval_sum(mrule_t *r, const k2td_rowset_t *in, size_t row, k2td_value_t *out,
                    char *errstr, size_t errstr_size) {
    int64_t isum = 0;
    double fsum = 0;
    int any = 0, is_float = 0;
    for (size_t i = 0; i < r->nfields; i++) {
        const k2td_value_t *v = read_field(in, row, &r->fields[i]);
        if (!v) continue;
        k2td_value_t num = *v;
        if (v->type == K2TD_VAL_STRING && k2td_json_parse_number(v->str, v->len, &num) != 0)
            return k2td_errstr_set(errstr, errstr_size, "field `%s` is not a number: \"%.*s\"",
                                   r->fields[i].name, (int)(v->len > 40 ? 40 : v->len), v->str);
        if (num.type == K2TD_VAL_BOOL)
            return k2td_errstr_set(errstr, errstr_size, "field `%s` is a bool, not a number",
                                   r->fields[i].name);
        any = 1;
        int64_t next;
        if (!is_float && num.type == K2TD_VAL_INT && !__builtin_add_overflow(isum, num.n.i, &next)) {
            isum = next;
            continue;
        }
        if (!is_float) fsum = (double)isum;
        is_float = 1;
        fsum += num.type == K2TD_VAL_INT ? (double)num.n.i
                : num.type == K2TD_VAL_UINT ? (double)num.n.u : num.n.f;
    }
    if (!any) return 0;
    if (is_float && !isfinite(fsum))
        return k2td_errstr_set(errstr, errstr_size, "the sum is not a finite number");
    out->type = is_float ? K2TD_VAL_FLOAT : K2TD_VAL_INT;
    if (is_float) out->n.f = fsum;
    else out->n.i = isum;
    return 0;
}

/* Computes rule r's value for row `row` of in into *out (NULL when it has
 * none). Returns 0, or -1 with errstr. */
static int eval_rule(k2td_map_t *m, mrule_t *r, const k2td_rowset_t *in, size_t row,
                     k2td_expr_ctx_t *ectx, k2td_value_t *out, char *errstr,
                     size_t errstr_size) {
    memset(out, 0, sizeof(*out));
    switch (r->kind) {
    case K2TD_MAP_MAPPING: {
        const k2td_value_t *v = read_field(in, row, &r->fields[0]);
        *out = v ? *v : r->value;
        return 0;
    }
    case K2TD_MAP_VALUE: *out = r->value; return 0;
    case K2TD_MAP_NOW:
        out->type = K2TD_VAL_INT;
        out->ts_unit = K2TD_TS_MS;
        out->n.i = ectx->now_us / 1000; /* the batch's ingest time, in ms */
        return 0;
    case K2TD_MAP_JOIN: eval_join(m, r, in, row, ectx->arena, out); return 0;
    case K2TD_MAP_SUM: return eval_sum(r, in, row, out, errstr, errstr_size);
    case K2TD_MAP_FORMAT:
        k2td_buf_reset(&m->buf);
        if (k2td_format_expand(r->format, in, row, ectx, &m->buf, errstr, errstr_size) != 0)
            return -1;
        buf_to_value(m, ectx->arena, out);
        return 0;
    case K2TD_MAP_EXPR: return k2td_expr_eval(r->expr, in, row, ectx, out, errstr, errstr_size);
    }
    return 0;
}

int k2td_map_apply(k2td_map_t *m, k2td_rowset_t *rows, k2td_expr_ctx_t *ectx, char *reason,
                   size_t reason_size) {
    /* every rule reads the row as it came in: all values first, then set */
    size_t row = rows->nrows - 1;
    for (size_t i = 0; i < m->n; i++) {
        mrule_t *r = &m->rules[i];
        if (eval_rule(m, r, rows, row, ectx, &m->vals[i], reason, reason_size) == 0) continue;
        k2td_errstr_prefix(reason, reason_size, "%s: ", r->label);
        return K2TD_TRANSFORM_FAILED;
    }
    for (size_t i = 0; i < m->n; i++)
        k2td_transform_set_field(rows, m->rules[i].target, m->rules[i].target_len)->v =
            m->vals[i];
    return K2TD_TRANSFORM_KEEP;
}

/* k2td_map_apply() as a k2td_transform_apply_fn. */
static int map_apply_fn(void *stage, k2td_rowset_t *rows, k2td_expr_ctx_t *ectx, char *reason,
                        size_t reason_size) {
    return k2td_map_apply(stage, rows, ectx, reason, reason_size);
}

size_t k2td_map_run(k2td_map_t *m, const k2td_rowset_t *in, k2td_rowset_t *out,
                    const k2td_transform_ctx_t *ctx) {
    return k2td_transform_run(m, map_apply_fn, in, out, ctx);
}
