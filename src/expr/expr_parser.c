/*
 * expr_parser.c - compiles an expression's text into a checked tree.
 *
 * A recursive-descent parser over the lexer's tokens, one function per
 * precedence level. Every node is type-checked as it is built
 * (expr_types.c), and a node whose operands are all constants is computed
 * right away and replaced by its value, so "1 / 0" or sqrt("x") fail the
 * compile and evaluation never repeats constant work.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/errstr.h"
#include "expr.h"
#include "expr_funcs.h"
#include "expr_lexer.h"
#include "expr_node.h"
#include "expr_types.h"

typedef struct parser {
    k2td_expr_lexer_t lx;
    k2td_expr_token_t tok; /* the next token, not consumed yet */
    k2td_expr_t *e;
    unsigned depth; /* sub-expressions being parsed, one inside the other */
    char *errstr;
    size_t errstr_size;
} parser_t;

static k2td_expr_node_t *parse_expr(parser_t *p);

/* Reads the next token into p->tok. Returns 0, or -1 on a lexical error. */
static int advance(parser_t *p) {
    return k2td_expr_lex(&p->lx, &p->tok, p->errstr, p->errstr_size);
}

static k2td_expr_node_t *expected(parser_t *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Fails with "offset <next token>: expected <what fmt says>, found <next
 * token>". Returns NULL. */
static k2td_expr_node_t *expected(parser_t *p, const char *fmt, ...) {
    char found[64], what[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    k2td_errstr_set(p->errstr, p->errstr_size, "offset %zu: expected %s, found %s", p->tok.offset,
                    what, k2td_expr_token_text(&p->lx, &p->tok, found, sizeof(found)));
    return NULL;
}

/* Counts one more level of nesting; fails beyond K2TD_EXPR_MAX_DEPTH. */
static int enter(parser_t *p) {
    if (++p->depth <= K2TD_EXPR_MAX_DEPTH) return 0;
    return k2td_errstr_set(p->errstr, p->errstr_size,
                           "offset %zu: the expression nests deeper than %d levels", p->tok.offset,
                           K2TD_EXPR_MAX_DEPTH);
}

/* Returns non-zero when t is the plain name word. */
static int is_name(const k2td_expr_token_t *t, const char *word) {
    return t->kind == K2TD_TOK_NAME && t->name_len == strlen(word) &&
           memcmp(t->name, word, t->name_len) == 0;
}

/* Returns a zeroed node of kind op from offset, in the expression's arena. */
static k2td_expr_node_t *new_node(parser_t *p, k2td_expr_op_t op, size_t offset) {
    k2td_expr_node_t *n = k2td_arena_alloc(&p->e->arena, sizeof(*n));
    memset(n, 0, sizeof(*n));
    n->op = op;
    n->offset = offset;
    n->depth = 1;
    return n;
}

/* Returns non-zero when n can be computed now: its operands are all
 * constants and it reads neither a field nor the clock. */
static int is_constant(const k2td_expr_node_t *n) {
    if (n->op == K2TD_EXPR_LIT || n->op == K2TD_EXPR_FIELD) return 0;
    if (n->op == K2TD_EXPR_CALL && (n->fn->flags & K2TD_EXPR_FN_NOW)) return 0;
    for (unsigned i = 0; i < n->nkids; i++)
        if (n->kid[i] && n->kid[i]->op != K2TD_EXPR_LIT) return 0;
    return 1;
}

/* Completes a node whose operands are set: checks its depth and types and
 * computes it when it is constant. Returns n, or NULL with errstr set. */
static k2td_expr_node_t *finish(parser_t *p, k2td_expr_node_t *n) {
    for (unsigned i = 0; i < n->nkids; i++)
        if (n->kid[i] && n->kid[i]->depth + 1 > n->depth) n->depth = n->kid[i]->depth + 1;
    if (n->depth > K2TD_EXPR_MAX_DEPTH) {
        k2td_errstr_set(p->errstr, p->errstr_size,
                        "offset %zu: the expression nests deeper than %d levels", n->offset,
                        K2TD_EXPR_MAX_DEPTH);
        return NULL;
    }
    if (k2td_expr_types_infer(n, p->errstr, p->errstr_size)) return NULL;
    if (!is_constant(n)) return n;
    /* constant strings it builds go to the expression's own arena */
    k2td_expr_ctx_t ctx;
    k2td_expr_ctx_init(&ctx, &p->e->arena, 0);
    k2td_expr_env_t env = {p->e, NULL, 0, &ctx, p->errstr, p->errstr_size};
    k2td_value_t v;
    if (k2td_expr_eval_node(&env, n, &v)) return NULL;
    memset(n->kid, 0, sizeof(n->kid));
    n->nkids = 0;
    n->op = K2TD_EXPR_LIT;
    n->lit = v;
    n->types = k2td_expr_kind(&v);
    return n;
}

/* Returns the finished node for unary (b NULL) or binary operator op, or
 * NULL with errstr set. */
static k2td_expr_node_t *new_operator(parser_t *p, k2td_expr_op_t op, size_t offset,
                                      k2td_expr_node_t *a, k2td_expr_node_t *b) {
    k2td_expr_node_t *n = new_node(p, op, offset);
    n->kid[0] = a;
    n->kid[1] = b;
    n->nkids = b ? 2 : 1;
    return finish(p, n);
}

/* Returns the node reading field name[0..len), registering the name. */
static k2td_expr_node_t *new_field(parser_t *p, const char *name, size_t len, size_t offset) {
    k2td_expr_t *e = p->e;
    size_t k = 0;
    while (k < e->nfields &&
           !(e->fields[k].len == len && memcmp(e->fields[k].name, name, len) == 0))
        k++;
    if (k == e->nfields) {
        if (e->nfields == e->fields_cap) {
            e->fields_cap = e->fields_cap ? e->fields_cap * 2 : 4;
            e->fields = k2td_realloc(e->fields, e->fields_cap * sizeof(*e->fields));
        }
        e->fields[e->nfields++] =
            (k2td_expr_field_t){k2td_arena_strndup(&e->arena, name, len), len, 0};
    }
    k2td_expr_node_t *n = new_node(p, K2TD_EXPR_FIELD, offset);
    n->field = k;
    n->name = e->fields[k].name;
    return finish(p, n);
}

/* Checks the argument count of a call to f (receiver included). */
static int check_arity(parser_t *p, const k2td_expr_func_t *f, int method, unsigned nargs,
                       size_t offset) {
    if (nargs >= f->min_args && nargs <= f->max_args) return 0;
    char sig[96], count[48];
    unsigned skip = method ? 1 : 0, lo = f->min_args - skip, hi = f->max_args - skip;
    if (hi == 0)
        snprintf(count, sizeof(count), "no arguments");
    else if (lo == hi)
        snprintf(count, sizeof(count), "%u argument%s", lo, lo == 1 ? "" : "s");
    else
        snprintf(count, sizeof(count), "%u or %u arguments", lo, hi);
    return k2td_errstr_set(p->errstr, p->errstr_size, "offset %zu: %s%s takes %s, got %u", offset,
                           method ? "method " : "",
                           k2td_expr_func_signature(f, method, sig, sizeof(sig)), count,
                           nargs - skip);
}

/* Parses the parenthesised arguments of a call to f named at offset, the
 * next token being '('. receiver is the value before the '.' of a method
 * call, or NULL. */
static k2td_expr_node_t *parse_call(parser_t *p, const k2td_expr_func_t *f, size_t offset,
                                    k2td_expr_node_t *receiver) {
    k2td_expr_node_t *n = new_node(p, K2TD_EXPR_CALL, offset);
    unsigned nargs = 0;
    n->fn = f;
    if (receiver) n->kid[nargs++] = receiver;
    if (advance(p)) return NULL;
    if (p->tok.kind != K2TD_TOK_RPAREN) {
        for (;;) {
            k2td_expr_node_t *arg = parse_expr(p);
            if (!arg) return NULL;
            if (nargs < K2TD_EXPR_MAX_ARGS) n->kid[nargs] = arg;
            nargs++;
            if (p->tok.kind == K2TD_TOK_RPAREN) break;
            if (p->tok.kind != K2TD_TOK_COMMA && nargs >= f->max_args)
                return expected(p, "')' after the arguments of %s", f->name);
            if (p->tok.kind != K2TD_TOK_COMMA)
                return expected(p, "',' or ')' after an argument of %s", f->name);
            if (advance(p)) return NULL;
        }
    }
    if (advance(p)) return NULL;
    if (check_arity(p, f, receiver != NULL, nargs, offset)) return NULL;
    n->nkids = nargs;
    return finish(p, n);
}

/* Parses "{ expr }" after `after` ("the condition of if", "else"). */
static k2td_expr_node_t *parse_block(parser_t *p, const char *after) {
    if (p->tok.kind != K2TD_TOK_LBRACE) return expected(p, "'{' after %s", after);
    size_t open = p->tok.offset;
    if (advance(p)) return NULL;
    k2td_expr_node_t *n = parse_expr(p);
    if (!n) return NULL;
    if (p->tok.kind != K2TD_TOK_RBRACE)
        return expected(p, "'}' to close the '{' at offset %zu", open);
    if (advance(p)) return NULL;
    return n;
}

/* Parses "if cond { a } [else { b } | else if ...]", the next token being `if`. */
static k2td_expr_node_t *parse_if(parser_t *p) {
    k2td_expr_node_t *n = new_node(p, K2TD_EXPR_IF, p->tok.offset);
    if (enter(p) || advance(p)) return NULL;
    if (!(n->kid[0] = parse_expr(p)) || !(n->kid[1] = parse_block(p, "the condition of if")))
        return NULL;
    n->nkids = 3;
    if (is_name(&p->tok, "else")) {
        if (advance(p)) return NULL;
        n->kid[2] = is_name(&p->tok, "if") ? parse_if(p) : parse_block(p, "else");
        if (!n->kid[2]) return NULL;
    }
    p->depth--;
    return finish(p, n);
}

/* Parses a literal, a field, a call, an if or a parenthesised expression. */
static k2td_expr_node_t *parse_primary(parser_t *p) {
    k2td_expr_token_t t = p->tok;
    k2td_expr_node_t *n;
    switch (t.kind) {
    case K2TD_TOK_INT:
    case K2TD_TOK_FLOAT:
    case K2TD_TOK_STRING:
        n = new_node(p, K2TD_EXPR_LIT, t.offset);
        n->lit = t.value;
        return advance(p) ? NULL : finish(p, n);
    case K2TD_TOK_QUOTED: return advance(p) ? NULL : new_field(p, t.name, t.name_len, t.offset);
    case K2TD_TOK_LPAREN:
        if (advance(p) || !(n = parse_expr(p))) return NULL;
        if (p->tok.kind != K2TD_TOK_RPAREN)
            return expected(p, "')' to close the '(' at offset %zu", t.offset);
        return advance(p) ? NULL : n;
    case K2TD_TOK_NAME: break;
    default: return expected(p, "an expression");
    }
    if (is_name(&t, "if")) return parse_if(p);
    if (is_name(&t, "true") || is_name(&t, "false") || is_name(&t, "null")) {
        n = new_node(p, K2TD_EXPR_LIT, t.offset);
        n->lit.type = t.name[0] == 'n' ? K2TD_VAL_NULL : K2TD_VAL_BOOL;
        n->lit.n.b = t.name[0] == 't';
        return advance(p) ? NULL : finish(p, n);
    }
    if (is_name(&t, "else")) return expected(p, "an expression");
    if (advance(p)) return NULL;
    if (p->tok.kind != K2TD_TOK_LPAREN) return new_field(p, t.name, t.name_len, t.offset);
    const k2td_expr_func_t *f = k2td_expr_func_find(t.name, t.name_len);
    if (!f) {
        k2td_errstr_set(p->errstr, p->errstr_size, "offset %zu: unknown function '%.*s'",
                        t.offset, (int)(t.name_len > 40 ? 40 : t.name_len), t.name);
        return NULL;
    }
    return parse_call(p, f, t.offset, NULL);
}

/* Parses a primary followed by any number of .method(...) or .property. */
static k2td_expr_node_t *parse_postfix(parser_t *p) {
    k2td_expr_node_t *n = parse_primary(p);
    while (n && p->tok.kind == K2TD_TOK_DOT) {
        if (advance(p)) return NULL;
        k2td_expr_token_t t = p->tok;
        if (t.kind != K2TD_TOK_NAME) return expected(p, "a method name after '.'");
        if (advance(p)) return NULL;
        const k2td_expr_func_t *f = k2td_expr_func_find(t.name, t.name_len);
        int call = p->tok.kind == K2TD_TOK_LPAREN;
        if (!f || (!call && !(f->flags & K2TD_EXPR_FN_PROPERTY))) {
            int w = (int)(t.name_len > 40 ? 40 : t.name_len);
            if (call || !f)
                k2td_errstr_set(p->errstr, p->errstr_size, "offset %zu: unknown %s '%.*s'%s",
                                t.offset, call ? "method" : "property", w, t.name,
                                call ? "" : " (a field name with a '.' is written `a.b`)");
            else
                k2td_errstr_set(p->errstr, p->errstr_size,
                                "offset %zu: %.*s is a method: write %.*s()", t.offset, w, t.name,
                                w, t.name);
            return NULL;
        }
        if (call) {
            n = parse_call(p, f, t.offset, n);
        } else {
            k2td_expr_node_t *prop = new_node(p, K2TD_EXPR_CALL, t.offset);
            prop->fn = f;
            prop->kid[0] = n;
            prop->nkids = 1;
            n = finish(p, prop);
        }
    }
    return n;
}

/* Parses any number of prefix ! and - before a postfix expression. */
static k2td_expr_node_t *parse_unary(parser_t *p) {
    k2td_expr_op_t op;
    if (p->tok.kind == K2TD_TOK_NOT)
        op = K2TD_EXPR_NOT;
    else if (p->tok.kind == K2TD_TOK_MINUS)
        op = K2TD_EXPR_NEG;
    else
        return parse_postfix(p);
    size_t offset = p->tok.offset;
    if (enter(p) || advance(p)) return NULL;
    k2td_expr_node_t *a = parse_unary(p);
    if (!a) return NULL;
    p->depth--;
    return new_operator(p, op, offset, a, NULL);
}

/* Binary operators: precedence level (0 binds loosest) and node kind. */
static int binary_op(k2td_expr_tok_t kind, k2td_expr_op_t *op) {
    switch (kind) {
    case K2TD_TOK_OR: *op = K2TD_EXPR_OR; return 0;
    case K2TD_TOK_AND: *op = K2TD_EXPR_AND; return 1;
    case K2TD_TOK_EQ: *op = K2TD_EXPR_EQ; return 2;
    case K2TD_TOK_NE: *op = K2TD_EXPR_NE; return 2;
    case K2TD_TOK_LT: *op = K2TD_EXPR_LT; return 3;
    case K2TD_TOK_LE: *op = K2TD_EXPR_LE; return 3;
    case K2TD_TOK_GT: *op = K2TD_EXPR_GT; return 3;
    case K2TD_TOK_GE: *op = K2TD_EXPR_GE; return 3;
    case K2TD_TOK_PLUS: *op = K2TD_EXPR_ADD; return 4;
    case K2TD_TOK_MINUS: *op = K2TD_EXPR_SUB; return 4;
    case K2TD_TOK_STAR: *op = K2TD_EXPR_MUL; return 5;
    case K2TD_TOK_SLASH: *op = K2TD_EXPR_DIV; return 5;
    case K2TD_TOK_PERCENT: *op = K2TD_EXPR_MOD; return 5;
    default: return -1;
    }
}

#define BINARY_LEVELS 6

/* Parses operands joined by the binary operators of level and above,
 * left-associative. */
static k2td_expr_node_t *parse_binary(parser_t *p, int level) {
    if (level == BINARY_LEVELS) return parse_unary(p);
    k2td_expr_node_t *lhs = parse_binary(p, level + 1);
    k2td_expr_op_t op = K2TD_EXPR_LIT;
    while (lhs && binary_op(p->tok.kind, &op) == level) {
        size_t offset = p->tok.offset;
        if (advance(p)) return NULL;
        k2td_expr_node_t *rhs = parse_binary(p, level + 1);
        if (!rhs) return NULL;
        lhs = new_operator(p, op, offset, lhs, rhs);
    }
    return lhs;
}

/* Parses a whole (sub-)expression. Every parse_* returns the node, or
 * NULL with errstr set. */
static k2td_expr_node_t *parse_expr(parser_t *p) {
    if (enter(p)) return NULL;
    k2td_expr_node_t *n = parse_binary(p, 0);
    p->depth--;
    return n;
}

k2td_expr_t *k2td_expr_compile(const char *text, char *errstr, size_t errstr_size) {
    k2td_expr_t *e = k2td_calloc(1, sizeof(*e));
    k2td_arena_init(&e->arena, 4096);
    size_t len = strlen(text);
    parser_t p = {.e = e, .errstr = errstr, .errstr_size = errstr_size};
    k2td_expr_lexer_init(&p.lx, k2td_arena_strndup(&e->arena, text, len), len, &e->arena);
    if (advance(&p)) goto fail;
    if (p.tok.kind == K2TD_TOK_END) {
        k2td_errstr_set(errstr, errstr_size, "the expression is empty");
        goto fail;
    }
    e->root = parse_expr(&p);
    if (!e->root) goto fail;
    if (p.tok.kind != K2TD_TOK_END) {
        expected(&p, "an operator or the end of the expression");
        goto fail;
    }
    return e;
fail:
    k2td_expr_free(e);
    return NULL;
}

void k2td_expr_free(k2td_expr_t *e) {
    if (!e) return;
    k2td_arena_free(&e->arena);
    free(e->fields);
    free(e);
}

int k2td_expr_check_bool(const k2td_expr_t *e, char *errstr, size_t errstr_size) {
    if ((e->root->types & K2TD_EXPR_T_BOOL) || e->root->types == K2TD_EXPR_T_NULL) return 0;
    char kinds[96]; /* null is fine for a filter: it is not what is wrong */
    unsigned types = e->root->types & ~(unsigned)K2TD_EXPR_T_NULL;
    return k2td_errstr_set(errstr, errstr_size, "the expression gives %s, never a bool",
                           k2td_expr_kinds_text(types, kinds, sizeof(kinds)));
}

size_t k2td_expr_nfields(const k2td_expr_t *e) {
    return e->nfields;
}

const char *k2td_expr_field(const k2td_expr_t *e, size_t i) {
    return e->fields[i].name;
}
