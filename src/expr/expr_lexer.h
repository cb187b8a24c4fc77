/*
 * expr_lexer.h - splits an expression's text into tokens.
 *
 * Literals come out as values (numbers parsed, strings unescaped); names
 * as text. Everything a token points to lives in the text itself or in the
 * arena given to the lexer, i.e. as long as the compiled expression.
 */
#ifndef K2TD_EXPR_LEXER_H
#define K2TD_EXPR_LEXER_H

#include <stddef.h>

#include "../common/arena.h"
#include "../model/value.h"

typedef enum k2td_expr_tok {
    K2TD_TOK_END = 0,
    K2TD_TOK_INT,    /* value: INT, or UINT above INT64_MAX */
    K2TD_TOK_FLOAT,  /* value: FLOAT */
    K2TD_TOK_STRING, /* value: STRING, unescaped */
    K2TD_TOK_NAME,   /* name/name_len: an identifier (or a keyword) */
    K2TD_TOK_QUOTED, /* name/name_len: a back-quoted name, unescaped */
    K2TD_TOK_LPAREN,
    K2TD_TOK_RPAREN,
    K2TD_TOK_LBRACE,
    K2TD_TOK_RBRACE,
    K2TD_TOK_COMMA,
    K2TD_TOK_DOT,
    K2TD_TOK_NOT,
    K2TD_TOK_PLUS,
    K2TD_TOK_MINUS,
    K2TD_TOK_STAR,
    K2TD_TOK_SLASH,
    K2TD_TOK_PERCENT,
    K2TD_TOK_EQ,
    K2TD_TOK_NE,
    K2TD_TOK_LT,
    K2TD_TOK_LE,
    K2TD_TOK_GT,
    K2TD_TOK_GE,
    K2TD_TOK_AND,
    K2TD_TOK_OR,
} k2td_expr_tok_t;

typedef struct k2td_expr_token {
    k2td_expr_tok_t kind;
    size_t offset, span; /* bytes of the text the token covers */
    const char *name;    /* NAME, QUOTED */
    size_t name_len;
    k2td_value_t value;  /* INT, FLOAT, STRING */
} k2td_expr_token_t;

typedef struct k2td_expr_lexer {
    const char *text; /* NUL-terminated; tokens point into it */
    size_t len, pos;
    k2td_arena_t *arena; /* unescaped strings and names */
} k2td_expr_lexer_t;

/* Starts lexing text[0..len), which must be NUL-terminated and live as
 * long as the tokens. */
void k2td_expr_lexer_init(k2td_expr_lexer_t *lx, const char *text, size_t len,
                          k2td_arena_t *arena);

/* Reads the next token into *tok (END at the end of the text). Returns 0,
 * or -1 with errstr "offset N: <why>" for an unclosed string or name, an
 * unknown escape, a malformed or too large number, or a character that
 * starts no token. */
int k2td_expr_lex(k2td_expr_lexer_t *lx, k2td_expr_token_t *tok, char *errstr,
                  size_t errstr_size);

/* Writes how tok reads in a message: 'x', or "the end of the expression".
 * Returns buf. */
const char *k2td_expr_token_text(const k2td_expr_lexer_t *lx, const k2td_expr_token_t *tok,
                                 char *buf, size_t size);

#endif
