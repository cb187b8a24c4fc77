/*
 * expr_ops.h - what the operators do to values: arithmetic with overflow
 * checks, joining strings, comparing, negating.
 *
 * && and || are not here: they decide whether to evaluate their right
 * operand at all, so the evaluator handles them (expr_eval.c).
 */
#ifndef K2TD_EXPR_OPS_H
#define K2TD_EXPR_OPS_H

#include "expr_node.h"

/* Applies the unary operator n (NEG or NOT) to a. Returns 0 with *out set
 * (null for a null operand), or -1 with env's errstr set for an operand of
 * the wrong kind or -INT64_MIN. */
int k2td_expr_apply_unary(k2td_expr_env_t *env, const k2td_expr_node_t *n, const k2td_value_t *a,
                          k2td_value_t *out);

/* Applies the binary operator n (ADD to GE) to a and b. Returns 0 with
 * *out set, or -1 with env's errstr set for operands of the wrong kinds,
 * integer overflow, division by zero, a float result that is not finite or
 * a joined string longer than K2TD_EXPR_STR_MAX. */
int k2td_expr_apply_binary(k2td_expr_env_t *env, const k2td_expr_node_t *n, const k2td_value_t *a,
                           const k2td_value_t *b, k2td_value_t *out);

/* Returns the number v (INT, UINT or FLOAT) as a double. */
double k2td_expr_to_double(const k2td_value_t *v);

#endif
