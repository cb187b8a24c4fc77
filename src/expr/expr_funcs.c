/*
 * expr_funcs.c - looking functions up by name and calling them.
 */
#include "expr_funcs.h"

#include <stdio.h>
#include <string.h>

#include "expr_types.h"

const k2td_expr_func_t *k2td_expr_func_find(const char *name, size_t len) {
    static const k2td_expr_func_t *const tables[] = {k2td_expr_string_funcs, k2td_expr_math_funcs,
                                                     k2td_expr_convert_funcs};
    for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
        for (const k2td_expr_func_t *f = tables[t]; f->name; f++)
            if (strlen(f->name) == len && memcmp(f->name, name, len) == 0) return f;
    return NULL;
}

const char *k2td_expr_func_signature(const k2td_expr_func_t *f, int method, char *buf,
                                     size_t size) {
    size_t len = 0;
    int n = snprintf(buf, size, "%s(", f->name);
    for (unsigned i = method ? 1 : 0; i < f->max_args && n >= 0 && (size_t)n < size - len; i++) {
        len += (size_t)n;
        int first = i == (method ? 1u : 0u);
        n = snprintf(buf + len, size - len, "%s%s%s", i >= f->min_args ? "[" : "",
                     first ? "" : ", ", f->params[i]);
    }
    if (n >= 0 && (size_t)n < size - len) {
        len += (size_t)n;
        unsigned optional = f->max_args - f->min_args;
        for (unsigned i = 0; i < optional && len + 2 < size; i++) buf[len++] = ']';
        snprintf(buf + len, size - len, ")");
    }
    return buf;
}

int k2td_expr_func_call(k2td_expr_env_t *env, const k2td_expr_node_t *call,
                        const k2td_value_t *args, k2td_value_t *out) {
    const k2td_expr_func_t *f = call->fn;
    for (unsigned i = 0; i < call->nkids; i++) {
        unsigned kind = k2td_expr_kind(&args[i]);
        if (kind == K2TD_EXPR_T_NULL) {
            k2td_expr_set_null(out);
            return 0;
        }
        if (!(kind & f->arg_kinds[i]))
            return k2td_expr_operand_error(env->errstr, env->errstr_size, call, i, kind);
    }
    return f->fn(env, call, args, call->nkids, out);
}
