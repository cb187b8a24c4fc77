/*
 * expr_fn_convert.c - the functions that read numbers and timestamps out
 * of values: parse_int, parse_float and between_time_range.
 *
 * parse_int and parse_float follow Rust's integer and float parsing after
 * trimming white space (an optional sign, digits, for floats a fraction
 * and an exponent) and give null for anything else, including a result
 * outside int64 or a float that is not finite ("inf", "NaN", "1e999").
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/timestamp.h"
#include "expr_funcs.h"
#include "expr_text.h"

#define T_TEXT K2TD_EXPR_T_TEXT
#define T_NUM K2TD_EXPR_T_NUM
#define T_INT K2TD_EXPR_T_INT
#define T_FLOAT K2TD_EXPR_T_FLOAT
#define T_NULL K2TD_EXPR_T_NULL

/* Sets *s and *len to the text of v without white space around it. */
static void trimmed_text(k2td_expr_env_t *env, const k2td_value_t *v, const char **s,
                         size_t *len) {
    k2td_expr_text(env, v, s, len);
    k2td_expr_trim(s, len);
}

/* Returns the number of decimal digits at s[i..len). */
static size_t digits(const char *s, size_t len, size_t i) {
    size_t start = i;
    while (i < len && s[i] >= '0' && s[i] <= '9') i++;
    return i - start;
}

/* The int64 in s, or null (set, returning 0) when s holds none. */
static int fn_parse_int(k2td_expr_env_t *env, const k2td_expr_node_t *call,
                        const k2td_value_t *args, size_t nargs, k2td_value_t *out) {
    const char *s;
    size_t len, i = 0;
    trimmed_text(env, &args[0], &s, &len);
    int neg = len && s[0] == '-';
    if (len && (s[0] == '-' || s[0] == '+')) i++;
    k2td_expr_set_null(out);
    if (digits(s, len, i) != len - i || i == len) return 0;
    uint64_t mag = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < len; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (mag > (limit - d) / 10) return 0;
        mag = mag * 10 + d;
    }
    /* mag may be 2^63, which only its negation fits */
    k2td_expr_set_int(out, neg && mag ? -(int64_t)(mag - 1) - 1 : (int64_t)mag);
    return 0;
}

/* Returns non-zero when s[0..len) is [+-] digits [. digits] [e [+-] digits]
 * with at least one mantissa digit. */
static int float_syntax(const char *s, size_t len) {
    size_t i = len && (s[0] == '-' || s[0] == '+');
    size_t whole = digits(s, len, i), frac = 0;
    i += whole;
    if (i < len && s[i] == '.') {
        frac = digits(s, len, i + 1);
        i += 1 + frac;
    }
    if (whole + frac == 0) return 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '-' || s[i] == '+')) i++;
        size_t exp = digits(s, len, i);
        if (!exp) return 0;
        i += exp;
    }
    return i == len;
}

/* The finite double in s, or null (set, returning 0) when s holds none. */
static int fn_parse_float(k2td_expr_env_t *env, const k2td_expr_node_t *call,
                          const k2td_value_t *args, size_t nargs, k2td_value_t *out) {
    const char *s;
    size_t len;
    char small[64];
    trimmed_text(env, &args[0], &s, &len);
    k2td_expr_set_null(out);
    if (!float_syntax(s, len)) return 0;
    /* strtod needs a terminated copy */
    char *copy = len < sizeof(small) ? small : k2td_arena_alloc(env->ctx->arena, len + 1);
    memcpy(copy, s, len);
    copy[len] = '\0';
    double d = strtod(copy, NULL);
    if (isfinite(d)) k2td_expr_set_float(out, d);
    return 0;
}

/* Returns v seconds (a number) in microseconds, saturated to int64. */
static int64_t seconds_to_us(const k2td_value_t *v) {
    int64_t us;
    switch (v->type) {
    case K2TD_VAL_INT:
        if (__builtin_mul_overflow(v->n.i, 1000000, &us)) us = v->n.i < 0 ? INT64_MIN : INT64_MAX;
        return us;
    case K2TD_VAL_UINT: return INT64_MAX;
    default: {
        double d = v->n.f * 1e6;
        if (!(d > -9.2e18 && d < 9.2e18)) return d > 0 ? INT64_MAX : INT64_MIN; /* NaN too */
        return (int64_t)round(d);
    }
    }
}

/* Returns a + b, saturated to int64. */
static int64_t add_saturated(int64_t a, int64_t b) {
    int64_t r;
    if (__builtin_add_overflow(a, b, &r)) r = b < 0 ? INT64_MIN : INT64_MAX;
    return r;
}

/* true when now+from <= ts <= now+to, in microseconds; fails when ts is
 * not a timestamp (malformed text, an epoch beyond int64). */
static int fn_between_time_range(k2td_expr_env_t *env, const k2td_expr_node_t *call,
                                 const k2td_value_t *args, size_t nargs, k2td_value_t *out) {
    const k2td_value_t *ts = &args[0];
    const char *s;
    size_t len;
    int64_t t = 0;
    char why[160];
    int rc = -1;
    k2td_expr_text(env, ts, &s, &len);
    if (ts->type == K2TD_VAL_STRING)
        rc = k2td_ts_parse(s, len, ts->ts_unit, K2TD_PREC_US, env->ctx->default_offset_s, &t, why,
                           sizeof(why));
    else if (ts->type == K2TD_VAL_INT)
        rc = k2td_ts_from_epoch(ts->n.i, ts->ts_unit, K2TD_PREC_US, &t, why, sizeof(why));
    else
        snprintf(why, sizeof(why), "the epoch overflows 64 bits");
    if (rc != 0) {
        return k2td_expr_fail(env, call->offset,
                              "between_time_range cannot read the timestamp '%.*s%s': %s",
                              (int)(len > 40 ? 40 : len), s, len > 40 ? "..." : "", why);
    }
    int64_t now = env->ctx->now_us;
    int64_t lo = add_saturated(now, seconds_to_us(&args[1]));
    int64_t hi = add_saturated(now, seconds_to_us(&args[2]));
    k2td_expr_set_bool(out, lo <= t && t <= hi);
    return 0;
}

const k2td_expr_func_t k2td_expr_convert_funcs[] = {
    {"parse_int", {"s"}, 1, 1, {T_TEXT}, T_INT | T_NULL, 0, fn_parse_int, NULL},
    {"parse_float", {"s"}, 1, 1, {T_TEXT}, T_FLOAT | T_NULL, 0, fn_parse_float, NULL},
    {"between_time_range", {"ts", "from", "to"}, 3, 3,
     {K2TD_EXPR_T_STR | T_INT, T_NUM, T_NUM}, K2TD_EXPR_T_BOOL, K2TD_EXPR_FN_NOW,
     fn_between_time_range, NULL},
    {NULL, {NULL}, 0, 0, {0}, 0, 0, NULL, NULL},
};
