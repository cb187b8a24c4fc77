/*
 * expr_fixture.h - rows and a table runner shared by the expression tests.
 *
 * Include after test.h. expr_rows() builds three rows (see below) and
 * expr_run() compiles each case, evaluates it against its row with "now"
 * fixed at 2025-11-25T00:00:00Z and compares the outcome with the case's
 * expectation, written as text:
 *   "null", "true", "false", "i:42" (INT), "u:184..." (UINT), "f:1.5"
 *   (FLOAT, compared as the double strtod reads), "s:text" (STRING),
 *   "compile:<message>" or "error:<message>" (the exact errstr).
 */
#ifndef K2TD_EXPR_FIXTURE_H
#define K2TD_EXPR_FIXTURE_H

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr/expr.h"
#include "model/value.h"

/* 2025-11-25T00:00:00Z in microseconds */
#define EXPR_NOW_US INT64_C(1764028800000000)

typedef struct expr_case {
    const char *text;
    size_t row;
    const char *want;
} expr_case_t;

static inline k2td_field_t *expr_add(k2td_rowset_t *rs, const char *name, k2td_val_type_t type) {
    k2td_field_t *f = k2td_rowset_add_field(rs, name, strlen(name));
    f->v.type = type;
    return f;
}

static inline void expr_add_str(k2td_rowset_t *rs, const char *name, const char *s) {
    k2td_field_t *f = expr_add(rs, name, K2TD_VAL_STRING);
    f->v.str = s;
    f->v.len = strlen(s);
}

/* text: the number's literal text as a parser would keep it, or NULL */
static inline void expr_add_int(k2td_rowset_t *rs, const char *name, int64_t i, const char *text) {
    k2td_field_t *f = expr_add(rs, name, K2TD_VAL_INT);
    f->v.n.i = i;
    f->v.str = text;
    f->v.len = text ? strlen(text) : 0;
}

static inline void expr_add_float(k2td_rowset_t *rs, const char *name, double d, const char *text) {
    k2td_field_t *f = expr_add(rs, name, K2TD_VAL_FLOAT);
    f->v.n.f = d;
    f->v.str = text;
    f->v.len = text ? strlen(text) : 0;
}

static inline void expr_add_bool(k2td_rowset_t *rs, const char *name, int b) {
    expr_add(rs, name, K2TD_VAL_BOOL)->v.n.b = b;
}

/*
 * Row 0: a "meters" message with every kind of value (see the adds).
 * Row 1: the same names in another order, some missing, voltage a string,
 *        ts an epoch in seconds 100 s before now.
 * Row 2: the digest's examples (a, b, c, value, v0) and an epoch whose
 *        field spec says milliseconds.
 */
static inline void expr_rows(k2td_rowset_t *rs) {
    k2td_rowset_init(rs);
    k2td_rowset_begin_row(rs, 0);
    expr_add_str(rs, "ts", "2025-11-24T12:00:00Z");           /* 12 h before now */
    expr_add_int(rs, "ts_ms", INT64_C(1764025200000), NULL);   /* 1 h before now */
    expr_add_str(rs, "old", "2025-11-01T00:00:00Z");          /* 24 days before now */
    expr_add_float(rs, "current", 10.5, "10.50");
    expr_add_int(rs, "voltage", 220, "220");
    expr_add_float(rs, "phase", 0.31, "0.31");
    expr_add_str(rs, "location", "California.SanFrancisco");
    expr_add_int(rs, "groupid", 2, NULL);
    expr_add_int(rs, "temperature", 20, "20");
    expr_add_str(rs, "name", "北京市");
    expr_add_bool(rs, "inuse", 1);
    expr_add_str(rs, "empty", "");
    expr_add(rs, "nothing", K2TD_VAL_NULL);
    expr_add(rs, "big", K2TD_VAL_UINT)->v.n.u = UINT64_MAX;
    expr_add_int(rs, "neg", -5, "-5");
    expr_add_int(rs, "zero", 0, "0");
    expr_add_str(rs, "snum", "56");
    expr_add_str(rs, "sfloat", "12.3");
    expr_add_str(rs, "spaced", "  hi there \t");
    expr_add_int(rs, "id", 1, "1");
    expr_add_float(rs, "data.temp", 1.5, "1.5");
    expr_add_str(rs, "modelQualifier", "air_robot_v");
    expr_add_int(rs, "fmin", INT64_MIN, NULL);
    expr_add_int(rs, "fmax", INT64_MAX, NULL);
    expr_add_float(rs, "huge", 1e308, "1e308");
    expr_add_float(rs, "inf", INFINITY, "1e999");
    expr_add_int(rs, "温度", 25, "25");
    expr_add_str(rs, "bad", "\x80" "a\xe4");
    expr_add_str(rs, "if", "keyword");

    k2td_rowset_begin_row(rs, 1);
    expr_add_str(rs, "voltage", "220");
    expr_add_bool(rs, "inuse", 0);
    expr_add_int(rs, "id", 2, "2");
    expr_add_float(rs, "current", 9.0, "9.0");
    expr_add_int(rs, "ts", INT64_C(1764028700), "1764028700");
    expr_add_int(rs, "zero", 0, "0");

    k2td_rowset_begin_row(rs, 2);
    expr_add_str(rs, "location", "beijing.chaoyang");
    expr_add_int(rs, "voltage", 230, "230");
    expr_add_int(rs, "a", 5, "5");
    expr_add_int(rs, "b", 3, "3");
    expr_add_int(rs, "c", 1, "1");
    expr_add_int(rs, "value", 3, "3");
    expr_add_str(rs, "v0", "s1s");
    k2td_field_t *f = expr_add(rs, "tms", K2TD_VAL_INT);
    f->v.n.i = INT64_C(1764028700);
    f->v.ts_unit = K2TD_TS_MS;
}

/* Writes the outcome v as the expectation syntax into buf. */
static inline const char *expr_outcome(const k2td_value_t *v, char *buf, size_t size) {
    switch (v->type) {
    case K2TD_VAL_NULL: snprintf(buf, size, "null"); break;
    case K2TD_VAL_BOOL: snprintf(buf, size, "%s", v->n.b ? "true" : "false"); break;
    case K2TD_VAL_INT: snprintf(buf, size, "i:%" PRId64, v->n.i); break;
    case K2TD_VAL_UINT: snprintf(buf, size, "u:%" PRIu64, v->n.u); break;
    case K2TD_VAL_FLOAT: snprintf(buf, size, "f:%.17g", v->n.f); break;
    default: snprintf(buf, size, "s:%.*s", (int)v->len, v->str); break;
    }
    return buf;
}

/* Returns non-zero when the value v matches want. */
static inline int expr_matches(const k2td_value_t *v, const char *want) {
    char got[512];
    if (v->type == K2TD_VAL_FLOAT && strncmp(want, "f:", 2) == 0)
        return v->n.f == strtod(want + 2, NULL);
    if (v->type == K2TD_VAL_STRING && strncmp(want, "s:", 2) == 0)
        return v->len == strlen(want + 2) && memcmp(v->str, want + 2, v->len) == 0;
    return strcmp(expr_outcome(v, got, sizeof(got)), want) == 0;
}

/* Runs one case against rs; returns non-zero when it passed (and reports
 * the case on stderr when it did not). */
static inline int expr_run_one(const expr_case_t *c, const k2td_rowset_t *rs, k2td_arena_t *arena) {
    char err[512] = "", got[600];
    k2td_expr_ctx_t ctx;
    k2td_expr_ctx_init(&ctx, arena, EXPR_NOW_US);
    k2td_expr_t *e = k2td_expr_compile(c->text, err, sizeof(err));
    int ok;
    if (!e) {
        snprintf(got, sizeof(got), "compile:%s", err);
        ok = strcmp(got, c->want) == 0;
    } else {
        k2td_value_t v;
        if (k2td_expr_eval(e, rs, c->row, &ctx, &v, err, sizeof(err)) != 0) {
            snprintf(got, sizeof(got), "error:%s", err);
            ok = strcmp(got, c->want) == 0;
        } else {
            expr_outcome(&v, got, sizeof(got));
            ok = expr_matches(&v, c->want);
        }
        k2td_expr_free(e);
    }
    if (!ok)
        fprintf(stderr, "  case `%s` (row %zu): got %s, expected %s\n", c->text, c->row, got,
                c->want);
    return ok;
}

/* Runs every case of the table; one failed check per failing case. */
#define EXPR_RUN(cases)                                                        \
    do {                                                                       \
        k2td_rowset_t rs_;                                                     \
        k2td_arena_t arena_;                                                   \
        expr_rows(&rs_);                                                       \
        k2td_arena_init(&arena_, 0);                                           \
        for (size_t i_ = 0; i_ < sizeof(cases) / sizeof(cases[0]); i_++)      \
            CHECK(expr_run_one(&cases[i_], &rs_, &arena_));                    \
        k2td_arena_free(&arena_);                                              \
        k2td_rowset_free(&rs_);                                                \
    } while (0)

#endif
