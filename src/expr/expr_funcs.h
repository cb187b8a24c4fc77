/*
 * expr_funcs.h - the functions expressions can call: their descriptions,
 * looking them up by name, and calling one.
 *
 * Each family (string, math, conversion) lives in its own file and exposes
 * a table of descriptions; expr_funcs.c searches the tables and does what
 * every call shares (null in gives null out, argument kinds checked).
 */
#ifndef K2TD_EXPR_FUNCS_H
#define K2TD_EXPR_FUNCS_H

#include <stddef.h>

#include "expr_node.h"

/* Computes one call. args[i] are non-null and of a kind arg_kinds[i]
 * allows; there are between min_args and max_args of them. Returns 0 with
 * *out set, or -1 with env's errstr set. */
typedef int (*k2td_expr_fn_t)(k2td_expr_env_t *env, const k2td_expr_node_t *call,
                              const k2td_value_t *args, size_t nargs, k2td_value_t *out);

/* The function may be read as a property: s.len, s.is_empty. */
#define K2TD_EXPR_FN_PROPERTY 1u
/* The result depends on ctx->now: never computed at compile time. */
#define K2TD_EXPR_FN_NOW 2u

struct k2td_expr_func {
    const char *name;
    const char *params[K2TD_EXPR_MAX_ARGS]; /* parameter names, for messages */
    unsigned min_args, max_args;            /* a method's receiver counts as the 1st */
    unsigned arg_kinds[K2TD_EXPR_MAX_ARGS]; /* kinds each argument accepts, null aside */
    unsigned result;                        /* kinds of the result; 0: that of the 1st argument */
    unsigned flags;                         /* K2TD_EXPR_FN_* */
    k2td_expr_fn_t fn;
    double (*math)(double); /* the libm function a math entry applies, else NULL */
};

/* The tables of each family, ended by an entry whose name is NULL. */
extern const k2td_expr_func_t k2td_expr_string_funcs[];
extern const k2td_expr_func_t k2td_expr_math_funcs[];
extern const k2td_expr_func_t k2td_expr_convert_funcs[];

/* Returns the function named name[0..len), or NULL. */
const k2td_expr_func_t *k2td_expr_func_find(const char *name, size_t len);

/* Writes f's signature into buf: "sub_string(s, start[, len])", or as a
 * method "sub_string(start[, len])" (the receiver left out). Returns buf. */
const char *k2td_expr_func_signature(const k2td_expr_func_t *f, int method, char *buf,
                                     size_t size);

/* Calls call->fn with the values of its arguments: null when one of them
 * is null, an error naming the argument when its kind does not fit.
 * Returns 0 with *out set, or -1 with env's errstr set. */
int k2td_expr_func_call(k2td_expr_env_t *env, const k2td_expr_node_t *call,
                        const k2td_value_t *args, k2td_value_t *out);

#endif
