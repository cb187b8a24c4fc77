/*
 * expr_ops.c - what the operators do to values: arithmetic with overflow
 * checks, joining strings, comparing, negating.
 */
#include "expr_ops.h"

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "expr_text.h"
#include "expr_types.h"

#define T_NULL K2TD_EXPR_T_NULL
#define T_FLOAT K2TD_EXPR_T_FLOAT
#define T_STR K2TD_EXPR_T_STR
#define T_BOOL K2TD_EXPR_T_BOOL

/* Result of comparing two values: ordered, or not comparable at all
 * (null, NaN, different kinds, two different bools). */
enum { CMP_LT = -1, CMP_EQ = 0, CMP_GT = 1, CMP_NONE = 2 };

double k2td_expr_to_double(const k2td_value_t *v) {
    switch (v->type) {
    case K2TD_VAL_INT: return (double)v->n.i;
    case K2TD_VAL_UINT: return (double)v->n.u;
    default: return v->n.f;
    }
}

/* Returns the CMP_* order of d against 0. */
static int sign(double d) {
    return (d > 0) - (d < 0);
}

/* Compares the double d with the integer v (INT or UINT) exactly. */
static int cmp_float_int(double d, const k2td_value_t *v) {
    if (isnan(d)) return CMP_NONE;
    if (v->type == K2TD_VAL_INT) {
        if (d < -9223372036854775808.0) return CMP_LT;
        if (d >= 9223372036854775808.0) return CMP_GT;
        int64_t t = (int64_t)d; /* in range: truncates towards zero */
        if (t != v->n.i) return t < v->n.i ? CMP_LT : CMP_GT;
        return sign(d - (double)t);
    }
    if (d < 0) return CMP_LT;
    if (d >= 18446744073709551616.0) return CMP_GT;
    uint64_t t = (uint64_t)d;
    if (t != v->n.u) return t < v->n.u ? CMP_LT : CMP_GT;
    return sign(d - (double)t);
}

/* Returns the CMP_* order of a against b. */
static int cmp_u64(uint64_t a, uint64_t b) {
    return (a > b) - (a < b);
}

/* Compares two numbers exactly, across INT, UINT and FLOAT. */
static int cmp_numbers(const k2td_value_t *a, const k2td_value_t *b) {
    if (a->type == K2TD_VAL_FLOAT && b->type == K2TD_VAL_FLOAT) {
        if (isnan(a->n.f) || isnan(b->n.f)) return CMP_NONE;
        return a->n.f < b->n.f ? CMP_LT : a->n.f > b->n.f ? CMP_GT : CMP_EQ;
    }
    if (a->type == K2TD_VAL_FLOAT) return cmp_float_int(a->n.f, b);
    if (b->type == K2TD_VAL_FLOAT) {
        int r = cmp_float_int(b->n.f, a);
        return r == CMP_NONE ? r : -r;
    }
    if (a->type == K2TD_VAL_INT && b->type == K2TD_VAL_INT)
        return (a->n.i > b->n.i) - (a->n.i < b->n.i);
    if (a->type == K2TD_VAL_INT) return a->n.i < 0 ? CMP_LT : cmp_u64((uint64_t)a->n.i, b->n.u);
    if (b->type == K2TD_VAL_INT) return b->n.i < 0 ? CMP_GT : cmp_u64(a->n.u, (uint64_t)b->n.i);
    return cmp_u64(a->n.u, b->n.u);
}

/* Returns the CMP_* order of a (of kind ka) against b (of kind kb). */
static int compare(const k2td_value_t *a, unsigned ka, const k2td_value_t *b, unsigned kb) {
    if ((ka & K2TD_EXPR_T_NUM) && (kb & K2TD_EXPR_T_NUM)) return cmp_numbers(a, b);
    if (ka != kb) return CMP_NONE;
    if (ka == T_BOOL) return a->n.b == b->n.b ? CMP_EQ : CMP_NONE;
    if (ka != T_STR) return CMP_NONE;
    size_t n = a->len < b->len ? a->len : b->len;
    int r = n ? memcmp(a->str, b->str, n) : 0;
    if (r) return r < 0 ? CMP_LT : CMP_GT;
    return (a->len > b->len) - (a->len < b->len);
}

/* Sets *out to the bool the comparison n gives for a and b. Returns 0. */
static int apply_comparison(const k2td_expr_node_t *n, const k2td_value_t *a, unsigned ka,
                            const k2td_value_t *b, unsigned kb, k2td_value_t *out) {
    int c = compare(a, ka, b, kb), r;
    switch (n->op) {
    case K2TD_EXPR_EQ: r = c == CMP_EQ || (ka == T_NULL && kb == T_NULL); break;
    case K2TD_EXPR_NE: r = !(c == CMP_EQ || (ka == T_NULL && kb == T_NULL)); break;
    case K2TD_EXPR_LT: r = c == CMP_LT; break;
    case K2TD_EXPR_LE: r = c == CMP_LT || c == CMP_EQ; break;
    case K2TD_EXPR_GT: r = c == CMP_GT; break;
    default: r = c == CMP_GT || c == CMP_EQ; break;
    }
    k2td_expr_set_bool(out, r);
    return 0;
}

/* Sets *out to the texts of a and b joined in ctx's arena. Returns 0, or
 * -1 when the result would be longer than K2TD_EXPR_STR_MAX. */
static int join(k2td_expr_env_t *env, const k2td_expr_node_t *n, const k2td_value_t *a,
                const k2td_value_t *b, k2td_value_t *out) {
    const char *sa, *sb;
    size_t la, lb;
    k2td_expr_text(env, a, &sa, &la);
    k2td_expr_text(env, b, &sb, &lb);
    char *p = k2td_expr_new_string(env, n, la + lb);
    if (!p) return -1;
    memcpy(p, sa, la);
    memcpy(p + la, sb, lb);
    k2td_expr_set_string(out, p, la + lb);
    return 0;
}

/* Integer arithmetic on x and y. Fails on overflow and on division or
 * modulo by zero. */
static int int_arith(k2td_expr_env_t *env, const k2td_expr_node_t *n, int64_t x, int64_t y,
                     k2td_value_t *out) {
    int64_t r = 0;
    int overflow = 0;
    switch (n->op) {
    case K2TD_EXPR_ADD: overflow = __builtin_add_overflow(x, y, &r); break;
    case K2TD_EXPR_SUB: overflow = __builtin_sub_overflow(x, y, &r); break;
    case K2TD_EXPR_MUL: overflow = __builtin_mul_overflow(x, y, &r); break;
    default:
        if (y == 0)
            return k2td_expr_fail(env, n->offset, "%s by zero",
                                  n->op == K2TD_EXPR_DIV ? "division" : "modulo");
        overflow = x == INT64_MIN && y == -1;
        if (!overflow) r = n->op == K2TD_EXPR_DIV ? x / y : x % y;
        break;
    }
    if (overflow)
        return k2td_expr_fail(env, n->offset, "integer overflow: %" PRId64 " %s %" PRId64, x,
                              k2td_expr_op_text(n->op), y);
    k2td_expr_set_int(out, r);
    return 0;
}

/* Double arithmetic. Fails on division or modulo by zero and on a result
 * that is not finite. */
static int float_arith(k2td_expr_env_t *env, const k2td_expr_node_t *n, double x, double y,
                       k2td_value_t *out) {
    double r;
    switch (n->op) {
    case K2TD_EXPR_ADD: r = x + y; break;
    case K2TD_EXPR_SUB: r = x - y; break;
    case K2TD_EXPR_MUL: r = x * y; break;
    default:
        if (y == 0)
            return k2td_expr_fail(env, n->offset, "%s by zero",
                                  n->op == K2TD_EXPR_DIV ? "division" : "modulo");
        r = n->op == K2TD_EXPR_DIV ? x / y : fmod(x, y);
        break;
    }
    if (!isfinite(r))
        return k2td_expr_fail(env, n->offset, "the result of '%s' is not a finite number",
                              k2td_expr_op_text(n->op));
    k2td_expr_set_float(out, r);
    return 0;
}

/* Fails when v is a UINT: integer arithmetic is int64 only. */
static int check_int64(k2td_expr_env_t *env, const k2td_expr_node_t *n, const k2td_value_t *v) {
    if (v->type != K2TD_VAL_UINT || v->n.u <= INT64_MAX) return 0;
    return k2td_expr_fail(env, n->offset,
                          "integer overflow: %" PRIu64 " in '%s' does not fit int64", v->n.u,
                          k2td_expr_op_text(n->op));
}

/* Returns the INT or (small) UINT v as int64. */
static int64_t as_int64(const k2td_value_t *v) {
    return v->type == K2TD_VAL_INT ? v->n.i : (int64_t)v->n.u;
}

int k2td_expr_apply_binary(k2td_expr_env_t *env, const k2td_expr_node_t *n, const k2td_value_t *a,
                           const k2td_value_t *b, k2td_value_t *out) {
    unsigned ka = k2td_expr_kind(a), kb = k2td_expr_kind(b);
    if (k2td_expr_is_comparison(n->op)) return apply_comparison(n, a, ka, b, kb, out);
    if (ka == T_NULL || kb == T_NULL) {
        k2td_expr_set_null(out);
        return 0;
    }
    unsigned kind = k2td_expr_pair_kind(n->op, ka, kb);
    if (!kind && n->op == K2TD_EXPR_ADD)
        return k2td_expr_pair_error(env->errstr, env->errstr_size, n, ka, kb);
    if (!kind)
        return k2td_expr_operand_error(env->errstr, env->errstr_size, n,
                                       (ka & K2TD_EXPR_T_NUM) ? 1 : 0,
                                       (ka & K2TD_EXPR_T_NUM) ? kb : ka);
    if (kind == T_STR) return join(env, n, a, b, out);
    if (kind == T_FLOAT)
        return float_arith(env, n, k2td_expr_to_double(a), k2td_expr_to_double(b), out);
    if (check_int64(env, n, a) || check_int64(env, n, b)) return -1;
    return int_arith(env, n, as_int64(a), as_int64(b), out);
}

int k2td_expr_apply_unary(k2td_expr_env_t *env, const k2td_expr_node_t *n, const k2td_value_t *a,
                          k2td_value_t *out) {
    unsigned ka = k2td_expr_kind(a);
    if (ka == T_NULL) {
        k2td_expr_set_null(out);
        return 0;
    }
    if (!(ka & k2td_expr_operand_kinds(n->op)))
        return k2td_expr_operand_error(env->errstr, env->errstr_size, n, 0, ka);
    if (n->op == K2TD_EXPR_NOT) {
        k2td_expr_set_bool(out, !a->n.b);
        return 0;
    }
    if (a->type == K2TD_VAL_FLOAT) {
        k2td_expr_set_float(out, -a->n.f);
        return 0;
    }
    /* -9223372036854775808 arrives as the UINT 2^63 negated */
    if (a->type == K2TD_VAL_UINT && a->n.u == (uint64_t)INT64_MAX + 1) {
        k2td_expr_set_int(out, INT64_MIN);
        return 0;
    }
    if (check_int64(env, n, a)) return -1;
    if (as_int64(a) == INT64_MIN)
        return k2td_expr_fail(env, n->offset, "integer overflow: -(%" PRId64 ")", as_int64(a));
    k2td_expr_set_int(out, -as_int64(a));
    return 0;
}
