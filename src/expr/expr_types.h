/*
 * expr_types.h - the type rules of expressions: which kinds of value each
 * operator and function accepts and gives, and the messages for a mismatch.
 *
 * The same rules serve the compiler, which applies them to the masks of
 * kinds a node can give (refusing only what must fail for every row), and
 * the evaluator, which applies them to the kinds of actual values; so a
 * type error reads the same whether it is found early or late.
 */
#ifndef K2TD_EXPR_TYPES_H
#define K2TD_EXPR_TYPES_H

#include <stddef.h>

#include "expr_node.h"

/* Returns the kind of result a binary operator gives for one operand of
 * kind a and one of kind b (single K2TD_EXPR_T_* bits, null excluded), or 0
 * when it refuses them. Comparisons give 0 for kinds they always find
 * unequal or unordered (the evaluator then gives false, not an error). */
unsigned k2td_expr_pair_kind(k2td_expr_op_t op, unsigned a, unsigned b);

/* Returns the mask of kinds the operand of a unary operator (or the
 * condition of if, or an operand of && and ||) must have, null aside. */
unsigned k2td_expr_operand_kinds(k2td_expr_op_t op);

/* Returns the operator's text ("+", "&&") for messages. */
const char *k2td_expr_op_text(k2td_expr_op_t op);

/* Sets n->types from its operands (already set), or returns -1 with
 * errstr set when an operand cannot work whatever the row holds, other
 * than by being null: "a" * 2, !5, !s.len, sqrt("x"), "a" < 1,
 * if 3 { ... }. Returns 0 otherwise. */
int k2td_expr_types_infer(k2td_expr_node_t *n, char *errstr, size_t errstr_size);

/* Writes the message for operand i of n having the kind(s) found, where
 * the operator or function needs something else, e.g.
 *   "offset 6: '*' needs numbers, found `location` (a string)"
 *   "offset 0: sqrt needs a number as its 1st argument, found a string"
 * Always returns -1. */
int k2td_expr_operand_error(char *errstr, size_t errstr_size, const k2td_expr_node_t *n,
                            unsigned i, unsigned found);

/* Writes the message for a binary operator n refusing the kinds found_a
 * and found_b of its two operands, e.g.
 *   "offset 5: '+' cannot combine a bool with an integer"
 *   "offset 2: '<' between a string and an integer is always false"
 * Always returns -1. */
int k2td_expr_pair_error(char *errstr, size_t errstr_size, const k2td_expr_node_t *n,
                         unsigned found_a, unsigned found_b);

/* Writes into buf the kinds of mask as words: "a string", "an integer or
 * a float", "null". Returns buf. */
const char *k2td_expr_kinds_text(unsigned mask, char *buf, size_t size);

#endif
