/*
 * expr_types.c - the type rules of expressions: which kinds of value each
 * operator and function accepts and gives, and the messages for a mismatch.
 */
#include "expr_types.h"

#include <stdio.h>
#include <string.h>

#include "../common/errstr.h"
#include "expr_funcs.h"

#define T_NULL K2TD_EXPR_T_NULL
#define T_BOOL K2TD_EXPR_T_BOOL
#define T_INT K2TD_EXPR_T_INT
#define T_FLOAT K2TD_EXPR_T_FLOAT
#define T_STR K2TD_EXPR_T_STR
#define T_NUM K2TD_EXPR_T_NUM
#define T_TEXT K2TD_EXPR_T_TEXT

unsigned k2td_expr_kind(const k2td_value_t *v) {
    switch (v->type) {
    case K2TD_VAL_BOOL: return T_BOOL;
    case K2TD_VAL_INT:
    case K2TD_VAL_UINT: return T_INT;
    case K2TD_VAL_FLOAT: return T_FLOAT;
    case K2TD_VAL_STRING: return T_STR;
    default: return T_NULL;
    }
}

/* Returns the kind of the result of arithmetic on kinds a and b, or 0. */
static unsigned numeric_kind(unsigned a, unsigned b) {
    if (!(a & T_NUM) || !(b & T_NUM)) return 0;
    return a == T_FLOAT || b == T_FLOAT ? T_FLOAT : T_INT;
}

unsigned k2td_expr_pair_kind(k2td_expr_op_t op, unsigned a, unsigned b) {
    switch (op) {
    case K2TD_EXPR_ADD:
        if ((a == T_STR && (b & T_TEXT)) || (b == T_STR && (a & T_TEXT))) return T_STR;
        return numeric_kind(a, b);
    case K2TD_EXPR_SUB:
    case K2TD_EXPR_MUL:
    case K2TD_EXPR_DIV:
    case K2TD_EXPR_MOD: return numeric_kind(a, b);
    case K2TD_EXPR_EQ:
    case K2TD_EXPR_NE: return (a == b || ((a & T_NUM) && (b & T_NUM))) ? T_BOOL : 0;
    case K2TD_EXPR_LT:
    case K2TD_EXPR_LE:
    case K2TD_EXPR_GT:
    case K2TD_EXPR_GE:
        return (((a & T_NUM) && (b & T_NUM)) || (a == T_STR && b == T_STR)) ? T_BOOL : 0;
    default: return 0;
    }
}

unsigned k2td_expr_operand_kinds(k2td_expr_op_t op) {
    switch (op) {
    case K2TD_EXPR_NOT:
    case K2TD_EXPR_AND:
    case K2TD_EXPR_OR:
    case K2TD_EXPR_IF: return T_BOOL;
    default: return T_NUM;
    }
}

const char *k2td_expr_op_text(k2td_expr_op_t op) {
    static const char *const text[] = {
        [K2TD_EXPR_NEG] = "-", [K2TD_EXPR_NOT] = "!",  [K2TD_EXPR_ADD] = "+",
        [K2TD_EXPR_SUB] = "-", [K2TD_EXPR_MUL] = "*",  [K2TD_EXPR_DIV] = "/",
        [K2TD_EXPR_MOD] = "%", [K2TD_EXPR_EQ] = "==",  [K2TD_EXPR_NE] = "!=",
        [K2TD_EXPR_LT] = "<",  [K2TD_EXPR_LE] = "<=",  [K2TD_EXPR_GT] = ">",
        [K2TD_EXPR_GE] = ">=", [K2TD_EXPR_AND] = "&&", [K2TD_EXPR_OR] = "||",
        [K2TD_EXPR_IF] = "if",
    };
    return (size_t)op < sizeof(text) / sizeof(text[0]) && text[op] ? text[op] : "";
}

const char *k2td_expr_kinds_text(unsigned mask, char *buf, size_t size) {
    static const char *const words[] = {"null", "a bool", "an integer", "a float", "a string"};
    size_t len = 0;
    buf[0] = '\0';
    for (unsigned k = 0; k < 5; k++) {
        if (!(mask & (1u << k))) continue;
        int n = snprintf(buf + len, size - len, "%s%s", len ? " or " : "", words[k]);
        if (n < 0 || (size_t)n >= size - len) break;
        len += (size_t)n;
    }
    if (!len) snprintf(buf, size, "nothing");
    return buf;
}

/* Writes what operand o of kinds found is, for a message: "a string", or
 * "`voltage` (a string)" when o reads a field ("`voltage`" when it can be
 * anything). Null is left out when o can be something else: it is never
 * what makes an operand wrong. */
static const char *describe(const k2td_expr_node_t *o, unsigned found, char *buf, size_t size) {
    char kinds[96];
    if (found != T_NULL) found &= ~(unsigned)T_NULL;
    k2td_expr_kinds_text(found, kinds, sizeof(kinds));
    if (o && o->op == K2TD_EXPR_FIELD && found == (K2TD_EXPR_T_ANY & ~(unsigned)T_NULL))
        snprintf(buf, size, "`%s`", o->name);
    else if (o && o->op == K2TD_EXPR_FIELD)
        snprintf(buf, size, "`%s` (%s)", o->name, kinds);
    else
        snprintf(buf, size, "%s", kinds);
    return buf;
}

/* Returns what an argument of kinds `accepts` must be, in words. */
static const char *needs_text(unsigned accepts, char *buf, size_t size) {
    if (accepts == T_NUM) return "a number";
    if (accepts == T_TEXT) return "a string";
    if (accepts == (T_STR | T_INT)) return "a timestamp string or an integer epoch";
    return k2td_expr_kinds_text(accepts, buf, size);
}

int k2td_expr_operand_error(char *errstr, size_t errstr_size, const k2td_expr_node_t *n,
                            unsigned i, unsigned found) {
    static const char *const ordinal[] = {"1st", "2nd", "3rd"};
    char what[160], needs[64];
    describe(n->kid[i], found, what, sizeof(what));
    switch (n->op) {
    case K2TD_EXPR_CALL:
        return k2td_errstr_set(errstr, errstr_size,
                               "offset %zu: %s needs %s as its %s argument, found %s", n->offset,
                               n->fn->name, needs_text(n->fn->arg_kinds[i], needs, sizeof(needs)),
                               ordinal[i], what);
    case K2TD_EXPR_IF:
        return k2td_errstr_set(errstr, errstr_size,
                               "offset %zu: the condition of if needs a bool, found %s", n->offset,
                               what);
    default:
        return k2td_errstr_set(errstr, errstr_size, "offset %zu: '%s' needs %s, found %s",
                               n->offset, k2td_expr_op_text(n->op),
                               k2td_expr_operand_kinds(n->op) == T_BOOL ? "bools" : "numbers",
                               what);
    }
}

int k2td_expr_pair_error(char *errstr, size_t errstr_size, const k2td_expr_node_t *n,
                         unsigned found_a, unsigned found_b) {
    char a[160], b[160];
    describe(n->kid[0], found_a, a, sizeof(a));
    describe(n->kid[1], found_b, b, sizeof(b));
    if (n->op == K2TD_EXPR_ADD)
        return k2td_errstr_set(errstr, errstr_size, "offset %zu: '+' cannot combine %s with %s",
                               n->offset, a, b);
    return k2td_errstr_set(errstr, errstr_size, "offset %zu: '%s' between %s and %s is always %s",
                           n->offset, k2td_expr_op_text(n->op), a, b,
                           n->op == K2TD_EXPR_NE ? "true" : "false");
}

/* Returns non-zero when an operand of kinds t cannot work where kinds
 * `accepts` are needed: it can be something, but nothing accepted. Null
 * alone is fine (the result is null); null besides a wrong kind is not. */
static int wrong_kinds(unsigned t, unsigned accepts) {
    return t != T_NULL && !(t & accepts);
}

/* Sets the types of a binary operator from those of its operands. */
static int infer_binary(k2td_expr_node_t *n, char *errstr, size_t errstr_size) {
    unsigned a = n->kid[0]->types, b = n->kid[1]->types, result = 0;
    for (unsigned x = T_BOOL; x <= T_STR; x <<= 1)
        for (unsigned y = T_BOOL; y <= T_STR; y <<= 1)
            if ((a & x) && (b & y)) result |= k2td_expr_pair_kind(n->op, x, y);
    int nullable = ((a | b) & T_NULL) != 0;
    if (k2td_expr_is_comparison(n->op)) {
        /* null == null is the one comparison with null that can be true */
        if (!result && !((n->op == K2TD_EXPR_EQ || n->op == K2TD_EXPR_NE) && (a & b & T_NULL)))
            return k2td_expr_pair_error(errstr, errstr_size, n, a, b);
        n->types = T_BOOL;
        return 0;
    }
    if (n->op != K2TD_EXPR_ADD)
        for (unsigned i = 0; i < 2; i++)
            if (wrong_kinds(n->kid[i]->types, K2TD_EXPR_T_NUM))
                return k2td_expr_operand_error(errstr, errstr_size, n, i, n->kid[i]->types);
    if (!result && a != T_NULL && b != T_NULL)
        return k2td_expr_pair_error(errstr, errstr_size, n, a, b);
    n->types = result | (nullable ? T_NULL : 0);
    return 0;
}

/* Checks that operand i can be of a kind in accepts. */
static int check_operand(k2td_expr_node_t *n, unsigned i, unsigned accepts, char *errstr,
                         size_t errstr_size) {
    unsigned t = n->kid[i]->types;
    if (!wrong_kinds(t, accepts)) return 0;
    return k2td_expr_operand_error(errstr, errstr_size, n, i, t);
}

int k2td_expr_types_infer(k2td_expr_node_t *n, char *errstr, size_t errstr_size) {
    unsigned nullable = 0;
    for (unsigned i = 0; i < n->nkids; i++)
        if (n->kid[i]) nullable |= n->kid[i]->types & T_NULL;
    switch (n->op) {
    case K2TD_EXPR_LIT: n->types = k2td_expr_kind(&n->lit); return 0;
    case K2TD_EXPR_FIELD: n->types = K2TD_EXPR_T_ANY; return 0;
    case K2TD_EXPR_NEG:
    case K2TD_EXPR_NOT: {
        unsigned accepts = k2td_expr_operand_kinds(n->op);
        if (check_operand(n, 0, accepts, errstr, errstr_size)) return -1;
        n->types = n->kid[0]->types & (accepts | T_NULL);
        return 0;
    }
    case K2TD_EXPR_AND:
    case K2TD_EXPR_OR:
        for (unsigned i = 0; i < 2; i++)
            if (check_operand(n, i, T_BOOL, errstr, errstr_size)) return -1;
        n->types = T_BOOL | nullable;
        return 0;
    case K2TD_EXPR_IF:
        if (check_operand(n, 0, T_BOOL, errstr, errstr_size)) return -1;
        n->types = n->kid[1]->types | (n->kid[2] ? n->kid[2]->types : T_NULL);
        return 0;
    case K2TD_EXPR_CALL:
        for (unsigned i = 0; i < n->nkids; i++)
            if (check_operand(n, i, n->fn->arg_kinds[i], errstr, errstr_size)) return -1;
        n->types = (n->fn->result ? n->fn->result : n->kid[0]->types & T_NUM) | nullable;
        return 0;
    default: return infer_binary(n, errstr, errstr_size);
    }
}
