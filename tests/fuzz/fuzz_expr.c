/*
 * fuzz_expr.c - libFuzzer target: arbitrary bytes as an expression,
 * compiled, listed and evaluated against a fixed small rowset.
 *
 * Invariants checked beyond "no crash, no sanitizer report":
 *   - a failed compile says where ("offset N: ...") or that the text is
 *     empty; a failed evaluation says where;
 *   - every listed field name is non-empty;
 *   - evaluating the rows forwards, then backwards (so the cached field
 *     positions are wrong), gives the same outcomes;
 *   - k2td_expr_eval_bool() agrees with k2td_expr_eval();
 *   - a string result is at most K2TD_EXPR_STR_MAX bytes unless it is a
 *     piece of the one longer field.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "expr/expr.h"
#include "model/value.h"

#define NROWS 3

static k2td_rowset_t rows;
static char long_text[70000];

static k2td_field_t *add(const char *name, k2td_val_type_t type, const char *s, size_t n) {
    k2td_field_t *f = k2td_rowset_add_field(&rows, name, strlen(name));
    f->v.type = type;
    f->v.str = s;
    f->v.len = n;
    return f;
}

/* Three rows: every kind of value and awkward ones (NaN, infinity, the
 * integer limits, NUL bytes, broken UTF-8, a string longer than any the
 * language may build), the same names in another order with other kinds,
 * and an almost empty row. */
static void build_rows(void) {
    static const char nul_text[] = "a\0b";
    memset(long_text, 'x', sizeof(long_text));
    k2td_rowset_init(&rows);
    k2td_rowset_begin_row(&rows, 0);
    add("ts", K2TD_VAL_STRING, "2025-11-24T12:00:00Z", 20);
    add("voltage", K2TD_VAL_INT, "220", 3)->v.n.i = 220;
    add("current", K2TD_VAL_FLOAT, "10.50", 5)->v.n.f = 10.5;
    add("location", K2TD_VAL_STRING, "California.SanFrancisco", 23);
    add("name", K2TD_VAL_STRING, "北京\x80\xe4", 8);
    add("inuse", K2TD_VAL_BOOL, NULL, 0)->v.n.b = 1;
    add("n", K2TD_VAL_NULL, NULL, 0);
    add("u", K2TD_VAL_UINT, "18446744073709551615", 20)->v.n.u = UINT64_MAX;
    add("min", K2TD_VAL_INT, NULL, 0)->v.n.i = INT64_MIN;
    add("max", K2TD_VAL_INT, NULL, 0)->v.n.i = INT64_MAX;
    add("nan", K2TD_VAL_FLOAT, NULL, 0)->v.n.f = NAN;
    add("inf", K2TD_VAL_FLOAT, "1e999", 5)->v.n.f = INFINITY;
    add("tiny", K2TD_VAL_FLOAT, NULL, 0)->v.n.f = 5e-324;
    add("z", K2TD_VAL_STRING, nul_text, 3);
    add("e", K2TD_VAL_STRING, "", 0);
    add("long", K2TD_VAL_STRING, long_text, sizeof(long_text));
    add("num", K2TD_VAL_STRING, " -12.5e1 ", 9);
    add("a.b", K2TD_VAL_INT, "1", 1)->v.n.i = 1;
    add("ms", K2TD_VAL_INT, NULL, 0)->v.ts_unit = K2TD_TS_MS;
    rows.fields[rows.nfields - 1].v.n.i = 1764028800000;
    k2td_rowset_begin_row(&rows, 1);
    add("location", K2TD_VAL_STRING, "SF", 2);
    add("voltage", K2TD_VAL_STRING, "220", 3);
    add("ts", K2TD_VAL_INT, NULL, 0)->v.n.i = -1;
    add("inuse", K2TD_VAL_BOOL, NULL, 0)->v.n.b = 0;
    add("current", K2TD_VAL_INT, NULL, 0)->v.n.i = 0;
    k2td_rowset_begin_row(&rows, 2);
    add("e", K2TD_VAL_STRING, NULL, 0);
}

typedef struct outcome {
    int rc;
    k2td_value_t v;
} outcome_t;

static int same(const outcome_t *a, const outcome_t *b) {
    if (a->rc != b->rc) return 0;
    if (a->rc != 0) return 1;
    if (a->v.type != b->v.type) return 0;
    switch (a->v.type) {
    case K2TD_VAL_NULL: return 1;
    case K2TD_VAL_BOOL: return a->v.n.b == b->v.n.b;
    case K2TD_VAL_INT: return a->v.n.i == b->v.n.i;
    case K2TD_VAL_UINT: return a->v.n.u == b->v.n.u;
    case K2TD_VAL_FLOAT:
        return a->v.n.f == b->v.n.f || (isnan(a->v.n.f) && isnan(b->v.n.f));
    default:
        return a->v.len == b->v.len && (a->v.len == 0 || memcmp(a->v.str, b->v.str, a->v.len) == 0);
    }
}

/* Evaluates row r, checks the error text and the bool form. */
static outcome_t eval_row(k2td_expr_t *e, k2td_expr_ctx_t *ctx, size_t r) {
    outcome_t o;
    char err[256] = "";
    o.rc = k2td_expr_eval(e, &rows, r, ctx, &o.v, err, sizeof(err));
    if (o.rc != 0 && strncmp(err, "offset ", 7) != 0) __builtin_trap();
    if (o.rc == 0 && o.v.type == K2TD_VAL_STRING && o.v.len > K2TD_EXPR_STR_MAX &&
        !(o.v.str >= long_text && o.v.str + o.v.len <= long_text + sizeof(long_text)))
        __builtin_trap();
    int b = k2td_expr_eval_bool(e, &rows, r, ctx, err, sizeof(err));
    int want = o.rc != 0                        ? -1
               : o.v.type == K2TD_VAL_BOOL      ? o.v.n.b != 0
               : o.v.type == K2TD_VAL_NULL      ? 0
                                                : -1;
    if (b != want) __builtin_trap();
    return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static k2td_arena_t arena;
    if (rows.nrows == 0) {
        build_rows();
        k2td_arena_init(&arena, 0);
    }
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char err[256] = "";
    k2td_expr_t *e = k2td_expr_compile(text, err, sizeof(err));
    if (!e) {
        if (strncmp(err, "offset ", 7) != 0 && strcmp(err, "the expression is empty") != 0)
            __builtin_trap();
        free(text);
        return 0;
    }
    for (size_t i = 0; i < k2td_expr_nfields(e); i++)
        if (!k2td_expr_field(e, i)[0]) __builtin_trap();
    k2td_expr_check_bool(e, err, sizeof(err));
    k2td_expr_ctx_t ctx;
    k2td_expr_ctx_init(&ctx, &arena, INT64_C(1764028800000000));
    outcome_t first[NROWS];
    for (size_t r = 0; r < NROWS; r++) first[r] = eval_row(e, &ctx, r);
    for (size_t r = NROWS; r-- > 0;) {
        outcome_t again = eval_row(e, &ctx, r);
        if (!same(&first[r], &again)) __builtin_trap();
    }
    k2td_arena_reset(&arena);
    k2td_expr_free(e);
    free(text);
    return 0;
}
