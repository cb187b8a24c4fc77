/*
 * expr_text.c - the text side of expression values: a value as text, new
 * strings in the evaluation's arena, and counting UTF-8 characters.
 */
#include "expr_text.h"

#include "../common/num_text.h"
#include "expr_funcs.h"
#include "expr_types.h"

void k2td_expr_text(k2td_expr_env_t *env, const k2td_value_t *v, const char **s, size_t *len) {
    char *buf;
    switch (v->type) {
    case K2TD_VAL_STRING:
        *s = v->str ? v->str : "";
        *len = v->len;
        return;
    case K2TD_VAL_BOOL:
        *s = v->n.b ? "true" : "false";
        *len = v->n.b ? 4 : 5;
        return;
    default: break;
    }
    if (v->str && v->len) {
        *s = v->str;
        *len = v->len;
        return;
    }
    buf = k2td_arena_alloc(env->ctx->arena, K2TD_NUM_TEXT_MAX);
    if (v->type == K2TD_VAL_INT)
        *len = k2td_num_text_i64(v->n.i, buf);
    else if (v->type == K2TD_VAL_UINT)
        *len = k2td_num_text_u64(v->n.u, buf);
    else
        *len = k2td_num_text_double(v->n.f, buf);
    *s = buf;
}

char *k2td_expr_new_string(k2td_expr_env_t *env, const k2td_expr_node_t *n, size_t len) {
    if (len > K2TD_EXPR_STR_MAX) {
        if (n->op == K2TD_EXPR_CALL)
            k2td_expr_fail(env, n->offset, "%s would build a string longer than %d bytes",
                           n->fn->name, K2TD_EXPR_STR_MAX);
        else
            k2td_expr_fail(env, n->offset, "'%s' would build a string longer than %d bytes",
                           k2td_expr_op_text(n->op), K2TD_EXPR_STR_MAX);
        return NULL;
    }
    char *p = k2td_arena_alloc(env->ctx->arena, len + 1);
    p[len] = '\0';
    return p;
}

/* Returns non-zero for ASCII white space. */
static int is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

void k2td_expr_trim(const char **s, size_t *len) {
    while (*len && is_space((*s)[0])) (*s)++, (*len)--;
    while (*len && is_space((*s)[*len - 1])) (*len)--;
}

/* Returns non-zero when s[i] starts a character: the first byte always
 * does, later ones unless they are UTF-8 continuation bytes. */
static int char_starts(const char *s, size_t i) {
    return i == 0 || ((unsigned char)s[i] & 0xC0) != 0x80;
}

size_t k2td_expr_utf8_count(const char *s, size_t len) {
    size_t count = 0;
    for (size_t i = 0; i < len; i++) count += char_starts(s, i);
    return count;
}

size_t k2td_expr_utf8_offset(const char *s, size_t len, size_t k) {
    for (size_t i = 0, seen = 0; i < len; i++)
        if (char_starts(s, i) && seen++ == k) return i;
    return len;
}
