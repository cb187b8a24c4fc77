/*
 * expr_eval.c - evaluates a compiled expression against one row.
 *
 * A direct walk of the tree: fields are looked up with the position hint
 * the expression keeps per field, so a row laid out like the previous one
 * costs one name comparison per field; operators and functions work on
 * values in place, and only strings they build take arena memory.
 */
#include <stdarg.h>
#include <stdio.h>

#include "../common/errstr.h"
#include "expr.h"
#include "expr_funcs.h"
#include "expr_node.h"
#include "expr_ops.h"
#include "expr_types.h"

void k2td_expr_ctx_init(k2td_expr_ctx_t *ctx, k2td_arena_t *arena, int64_t now_us) {
    ctx->arena = arena;
    ctx->now_us = now_us;
    ctx->default_offset_s = 0;
}

int k2td_expr_fail(k2td_expr_env_t *env, size_t offset, const char *fmt, ...) {
    if (!env->errstr || !env->errstr_size) return -1;
    int n = snprintf(env->errstr, env->errstr_size, "offset %zu: ", offset);
    if (n < 0 || (size_t)n >= env->errstr_size) return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(env->errstr + n, env->errstr_size - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

/* Evaluates operand i of n (&&, || or the condition of if) and checks it
 * is a bool or null. */
static int eval_bool_operand(k2td_expr_env_t *env, const k2td_expr_node_t *n, unsigned i,
                             k2td_value_t *v) {
    if (k2td_expr_eval_node(env, n->kid[i], v)) return -1;
    unsigned kind = k2td_expr_kind(v);
    if (kind == K2TD_EXPR_T_BOOL || kind == K2TD_EXPR_T_NULL) return 0;
    return k2td_expr_operand_error(env->errstr, env->errstr_size, n, i, kind);
}

/* && and || with three-valued logic: false decides &&, true decides ||,
 * either side; otherwise null wins over the neutral bool. */
static int eval_logic(k2td_expr_env_t *env, const k2td_expr_node_t *n, k2td_value_t *out) {
    int decider = n->op == K2TD_EXPR_OR;
    k2td_value_t a, b;
    if (eval_bool_operand(env, n, 0, &a)) return -1;
    if (a.type == K2TD_VAL_BOOL && a.n.b == decider) {
        *out = a;
        return 0;
    }
    if (eval_bool_operand(env, n, 1, &b)) return -1;
    if (b.type == K2TD_VAL_BOOL && b.n.b == decider) {
        *out = b;
        return 0;
    }
    *out = a.type == K2TD_VAL_NULL ? a : b;
    return 0;
}

/* if: the then branch for a true condition, else the else branch (null
 * when there is none). */
static int eval_if(k2td_expr_env_t *env, const k2td_expr_node_t *n, k2td_value_t *out) {
    k2td_value_t cond;
    if (eval_bool_operand(env, n, 0, &cond)) return -1;
    if (cond.type == K2TD_VAL_BOOL && cond.n.b) return k2td_expr_eval_node(env, n->kid[1], out);
    if (n->kid[2]) return k2td_expr_eval_node(env, n->kid[2], out);
    k2td_expr_set_null(out);
    return 0;
}

/* Sets *out to the value of field node n in the current row (null when the
 * row has no such field). */
static inline void eval_field(k2td_expr_env_t *env, const k2td_expr_node_t *n,
                              k2td_value_t *out) {
    k2td_expr_field_t *f = &env->e->fields[n->field];
    const k2td_field_t *found =
        env->rs ? k2td_rowset_find(env->rs, env->row, f->name, f->len, &f->hint) : NULL;
    if (found)
        *out = found->v;
    else
        k2td_expr_set_null(out);
}

/* Evaluates operand n of an operator: literals and fields in place (most
 * operands are one of them), anything else by recursion. */
static inline int eval_operand(k2td_expr_env_t *env, const k2td_expr_node_t *n,
                               k2td_value_t *out) {
    if (n->op == K2TD_EXPR_LIT) {
        *out = n->lit;
        return 0;
    }
    if (n->op == K2TD_EXPR_FIELD) {
        eval_field(env, n, out);
        return 0;
    }
    return k2td_expr_eval_node(env, n, out);
}

int k2td_expr_eval_node(k2td_expr_env_t *env, const k2td_expr_node_t *n, k2td_value_t *out) {
    k2td_value_t v[K2TD_EXPR_MAX_ARGS];
    switch (n->op) {
    case K2TD_EXPR_LIT: *out = n->lit; return 0;
    case K2TD_EXPR_FIELD: eval_field(env, n, out); return 0;
    case K2TD_EXPR_NEG:
    case K2TD_EXPR_NOT:
        if (eval_operand(env, n->kid[0], &v[0])) return -1;
        return k2td_expr_apply_unary(env, n, &v[0], out);
    case K2TD_EXPR_AND:
    case K2TD_EXPR_OR: return eval_logic(env, n, out);
    case K2TD_EXPR_IF: return eval_if(env, n, out);
    case K2TD_EXPR_CALL:
        for (unsigned i = 0; i < n->nkids; i++)
            if (eval_operand(env, n->kid[i], &v[i])) return -1;
        return k2td_expr_func_call(env, n, v, out);
    default:
        if (eval_operand(env, n->kid[0], &v[0]) || eval_operand(env, n->kid[1], &v[1]))
            return -1;
        return k2td_expr_apply_binary(env, n, &v[0], &v[1], out);
    }
}

int k2td_expr_eval(k2td_expr_t *e, const k2td_rowset_t *rs, size_t row, k2td_expr_ctx_t *ctx,
                   k2td_value_t *out, char *errstr, size_t errstr_size) {
    k2td_expr_env_t env = {e, rs, row, ctx, errstr, errstr_size};
    return k2td_expr_eval_node(&env, e->root, out);
}

int k2td_expr_eval_bool(k2td_expr_t *e, const k2td_rowset_t *rs, size_t row,
                        k2td_expr_ctx_t *ctx, char *errstr, size_t errstr_size) {
    k2td_value_t v;
    if (k2td_expr_eval(e, rs, row, ctx, &v, errstr, errstr_size)) return -1;
    if (v.type == K2TD_VAL_BOOL) return v.n.b != 0;
    if (v.type == K2TD_VAL_NULL) return 0;
    char kinds[32];
    return k2td_errstr_set(errstr, errstr_size, "the expression gives %s, not a bool",
                           k2td_expr_kinds_text(k2td_expr_kind(&v), kinds, sizeof(kinds)));
}
