/*
 * expr_fn_math.c - the math functions of expressions (sqrt, ln, floor...).
 *
 * Results are doubles and must be finite: sqrt(-1), ln(0) or exp(1000) is
 * an evaluation error, never NaN or infinity. The rounding family keeps
 * integers as they are, so they stay exact.
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>

#include "../common/num_text.h"
#include "expr_funcs.h"
#include "expr_ops.h"

#define T_NUM K2TD_EXPR_T_NUM
#define T_FLOAT K2TD_EXPR_T_FLOAT

/* Sets *out to r, the result of the call on x, and returns 0; or returns
 * -1 naming the call and x when r is not finite. */
static int set_finite(k2td_expr_env_t *env, const k2td_expr_node_t *call, double x, double r,
                      k2td_value_t *out) {
    if (!isfinite(r)) {
        char text[K2TD_NUM_TEXT_MAX];
        k2td_num_text_double(x, text);
        return k2td_expr_fail(env, call->offset, "%s(%s) has no finite result", call->fn->name,
                              text);
    }
    k2td_expr_set_float(out, r);
    return 0;
}

/* The one-argument libm functions: the table entry says which. */
static int fn_math(k2td_expr_env_t *env, const k2td_expr_node_t *call, const k2td_value_t *args,
                   size_t nargs, k2td_value_t *out) {
    double x = k2td_expr_to_double(&args[0]);
    return set_finite(env, call, x, call->fn->math(x), out);
}

/* log(x) in base 10, log(x, base) in that base. */
static int fn_log(k2td_expr_env_t *env, const k2td_expr_node_t *call, const k2td_value_t *args,
                  size_t nargs, k2td_value_t *out) {
    double x = k2td_expr_to_double(&args[0]);
    double r = nargs > 1 ? log(x) / log(k2td_expr_to_double(&args[1])) : log10(x);
    return set_finite(env, call, x, r, out);
}

/* floor, ceiling, round, int: integers are already whole and come back as
 * they are; floats go through the entry's libm function. */
static int fn_whole(k2td_expr_env_t *env, const k2td_expr_node_t *call, const k2td_value_t *args,
                    size_t nargs, k2td_value_t *out) {
    if (args[0].type != K2TD_VAL_FLOAT) {
        *out = args[0];
        return 0;
    }
    return fn_math(env, call, args, nargs, out);
}

/* The part after the point, with x's sign; 0 for an integer. */
static int fn_fraction(k2td_expr_env_t *env, const k2td_expr_node_t *call,
                       const k2td_value_t *args, size_t nargs, k2td_value_t *out) {
    if (args[0].type != K2TD_VAL_FLOAT) {
        k2td_expr_set_int(out, 0);
        return 0;
    }
    double x = args[0].n.f;
    return set_finite(env, call, x, x - trunc(x), out);
}

/* |x|, keeping x's kind; fails for INT64_MIN, whose |x| is no int64. */
static int fn_abs(k2td_expr_env_t *env, const k2td_expr_node_t *call, const k2td_value_t *args,
                  size_t nargs, k2td_value_t *out) {
    const k2td_value_t *v = &args[0];
    if (v->type == K2TD_VAL_INT && v->n.i == INT64_MIN)
        return k2td_expr_fail(env, call->offset, "integer overflow in abs(%" PRId64 ")",
                              v->n.i);
    if (v->type == K2TD_VAL_INT)
        k2td_expr_set_int(out, v->n.i < 0 ? -v->n.i : v->n.i);
    else if (v->type == K2TD_VAL_UINT)
        *out = *v;
    else
        k2td_expr_set_float(out, fabs(v->n.f));
    return 0;
}

#define MATH(name, f) {name, {"x"}, 1, 1, {T_NUM}, T_FLOAT, 0, fn_math, f}
#define WHOLE(name, f) {name, {"x"}, 1, 1, {T_NUM}, 0, 0, fn_whole, f}

const k2td_expr_func_t k2td_expr_math_funcs[] = {
    MATH("sin", sin),
    MATH("cos", cos),
    MATH("tan", tan),
    MATH("sinh", sinh),
    MATH("cosh", cosh),
    MATH("asin", asin),
    MATH("acos", acos),
    MATH("atan", atan),
    MATH("asinh", asinh),
    MATH("acosh", acosh),
    MATH("sqrt", sqrt),
    MATH("exp", exp),
    MATH("ln", log),
    {"log", {"x", "base"}, 1, 2, {T_NUM, T_NUM}, T_FLOAT, 0, fn_log, NULL},
    WHOLE("floor", floor),
    WHOLE("ceiling", ceil),
    WHOLE("round", round),
    WHOLE("int", trunc),
    {"fraction", {"x"}, 1, 1, {T_NUM}, 0, 0, fn_fraction, NULL},
    {"abs", {"x"}, 1, 1, {T_NUM}, 0, 0, fn_abs, NULL},
    {NULL, {NULL}, 0, 0, {0}, 0, 0, NULL, NULL},
};
