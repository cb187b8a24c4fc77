/*
 * expr_node.h - the compiled form of an expression, shared by the files of
 * src/expr (not part of the public API, see expr.h).
 *
 * A compiled expression is a tree of nodes living in the expression's own
 * arena, with every constant part already computed. Each node knows the
 * byte offset it came from (for messages) and the set of kinds of value it
 * can give (a mask of K2TD_EXPR_T_*), which the compiler uses to refuse
 * type errors that need no row data.
 */
#ifndef K2TD_EXPR_NODE_H
#define K2TD_EXPR_NODE_H

#include <stddef.h>
#include <stdint.h>

#include "../common/arena.h"
#include "../model/value.h"
#include "expr.h"

/* Kinds of value, as bits of a mask. INT covers K2TD_VAL_INT and UINT. */
enum {
    K2TD_EXPR_T_NULL = 1,
    K2TD_EXPR_T_BOOL = 2,
    K2TD_EXPR_T_INT = 4,
    K2TD_EXPR_T_FLOAT = 8,
    K2TD_EXPR_T_STR = 16,
};
#define K2TD_EXPR_T_NUM (K2TD_EXPR_T_INT | K2TD_EXPR_T_FLOAT)
/* What a string function accepts: numbers and bools are read as their text. */
#define K2TD_EXPR_T_TEXT (K2TD_EXPR_T_STR | K2TD_EXPR_T_NUM | K2TD_EXPR_T_BOOL)
#define K2TD_EXPR_T_ANY (K2TD_EXPR_T_NULL | K2TD_EXPR_T_BOOL | K2TD_EXPR_T_NUM | K2TD_EXPR_T_STR)

/* The most arguments a function takes, receiver included. */
#define K2TD_EXPR_MAX_ARGS 3

typedef enum k2td_expr_op {
    K2TD_EXPR_LIT = 0, /* lit */
    K2TD_EXPR_FIELD,   /* field: index into k2td_expr.fields */
    K2TD_EXPR_NEG,     /* kid[0] */
    K2TD_EXPR_NOT,
    K2TD_EXPR_ADD, /* kid[0] op kid[1] */
    K2TD_EXPR_SUB,
    K2TD_EXPR_MUL,
    K2TD_EXPR_DIV,
    K2TD_EXPR_MOD,
    K2TD_EXPR_EQ,
    K2TD_EXPR_NE,
    K2TD_EXPR_LT,
    K2TD_EXPR_LE,
    K2TD_EXPR_GT,
    K2TD_EXPR_GE,
    K2TD_EXPR_AND,
    K2TD_EXPR_OR,
    K2TD_EXPR_IF,   /* if kid[0] { kid[1] } else { kid[2] }; kid[2] may be NULL */
    K2TD_EXPR_CALL, /* fn(kid[0], ..., kid[nkids-1]) */
} k2td_expr_op_t;

typedef struct k2td_expr_node k2td_expr_node_t;
typedef struct k2td_expr_func k2td_expr_func_t;

struct k2td_expr_node {
    k2td_expr_op_t op;
    unsigned types;  /* mask of K2TD_EXPR_T_* this node can give */
    unsigned depth;  /* 1 + the depth of its deepest operand */
    size_t offset;   /* byte offset in the text: the operator, name or literal */
    unsigned nkids;
    k2td_expr_node_t *kid[K2TD_EXPR_MAX_ARGS];
    k2td_value_t lit;            /* LIT */
    size_t field;                /* FIELD: index into k2td_expr.fields */
    const char *name;            /* FIELD: the field's name, for messages */
    const k2td_expr_func_t *fn;  /* CALL */
};

typedef struct k2td_expr_field {
    char *name; /* NUL-terminated, in the expression's arena */
    size_t len;
    size_t hint; /* where the field was in the last row (k2td_rowset_find) */
} k2td_expr_field_t;

struct k2td_expr {
    k2td_arena_t arena; /* the text's copy, nodes, names, constant strings */
    k2td_expr_node_t *root;
    k2td_expr_field_t *fields; /* owned array */
    size_t nfields, fields_cap;
};

/* One evaluation: the row, the caller's context and where errors go. */
typedef struct k2td_expr_env {
    k2td_expr_t *e;
    const k2td_rowset_t *rs; /* NULL while the compiler folds constants */
    size_t row;
    k2td_expr_ctx_t *ctx;
    char *errstr;
    size_t errstr_size;
} k2td_expr_env_t;

/* Writes "offset <offset>: " and the printf-style message into env's
 * errstr. Always returns -1. */
int k2td_expr_fail(k2td_expr_env_t *env, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Evaluates node n into *out. Returns 0, or -1 with env's errstr set. */
int k2td_expr_eval_node(k2td_expr_env_t *env, const k2td_expr_node_t *n, k2td_value_t *out);

/* Returns the K2TD_EXPR_T_* bit of v's kind. */
unsigned k2td_expr_kind(const k2td_value_t *v);

/* Returns non-zero for == != < <= > >=. */
static inline int k2td_expr_is_comparison(k2td_expr_op_t op) {
    return op >= K2TD_EXPR_EQ && op <= K2TD_EXPR_GE;
}

/* Value builders: set every member, so no stale text or unit survives. */
static inline void k2td_expr_set_null(k2td_value_t *v) {
    *v = (k2td_value_t){.type = K2TD_VAL_NULL};
}

static inline void k2td_expr_set_bool(k2td_value_t *v, int b) {
    *v = (k2td_value_t){.type = K2TD_VAL_BOOL, .n.b = b != 0};
}

static inline void k2td_expr_set_int(k2td_value_t *v, int64_t i) {
    *v = (k2td_value_t){.type = K2TD_VAL_INT, .n.i = i};
}

static inline void k2td_expr_set_float(k2td_value_t *v, double f) {
    *v = (k2td_value_t){.type = K2TD_VAL_FLOAT, .n.f = f};
}

static inline void k2td_expr_set_string(k2td_value_t *v, const char *s, size_t len) {
    *v = (k2td_value_t){.type = K2TD_VAL_STRING, .str = s ? s : "", .len = len};
}

#endif
