/*
 * expr_lexer.c - splits an expression's text into tokens.
 */
#include "expr_lexer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/errstr.h"

void k2td_expr_lexer_init(k2td_expr_lexer_t *lx, const char *text, size_t len,
                          k2td_arena_t *arena) {
    lx->text = text;
    lx->len = len;
    lx->pos = 0;
    lx->arena = arena;
}

/* Returns non-zero for an ASCII digit. */
static int is_digit(char c) {
    return c >= '0' && c <= '9';
}

/* Letters, '_' and every byte of a UTF-8 sequence may start a name. */
static int is_name_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (unsigned char)c >= 0x80;
}

/* Letters, digits, '_' and UTF-8 bytes may continue a name. */
static int is_name_char(char c) {
    return is_name_start(c) || is_digit(c);
}

/* Reads a number: digits [. digits] [e [+-] digits], INT when it has no
 * fraction or exponent (UINT above INT64_MAX), else FLOAT. Returns 0, or
 * -1 for a malformed or too large number. */
static int lex_number(k2td_expr_lexer_t *lx, k2td_expr_token_t *tok, char *errstr,
                      size_t errstr_size) {
    const char *s = lx->text;
    size_t i = lx->pos;
    int is_float = 0, bad = 0;
    while (is_digit(s[i])) i++;
    if (s[i] == '.' && is_digit(s[i + 1])) {
        is_float = 1;
        for (i++; is_digit(s[i]); i++) {
        }
    }
    if (s[i] == 'e' || s[i] == 'E') {
        i += 1 + (s[i + 1] == '+' || s[i + 1] == '-');
        is_float = 1;
        bad = !is_digit(s[i]);
        while (is_digit(s[i])) i++;
    }
    if (bad || is_name_char(s[i])) {
        while (is_name_char(s[i])) i++;
        return k2td_errstr_set(errstr, errstr_size, "offset %zu: malformed number '%.*s'", lx->pos,
                               (int)(i - lx->pos > 32 ? 32 : i - lx->pos), s + lx->pos);
    }
    tok->offset = lx->pos;
    tok->span = i - lx->pos;
    memset(&tok->value, 0, sizeof(tok->value));
    if (is_float) {
        double d = strtod(s + lx->pos, NULL); /* stops where the syntax above did */
        if (!isfinite(d))
            return k2td_errstr_set(errstr, errstr_size,
                                   "offset %zu: number %.*s is too large for a double", lx->pos,
                                   (int)(tok->span > 32 ? 32 : tok->span), s + lx->pos);
        tok->kind = K2TD_TOK_FLOAT;
        tok->value.type = K2TD_VAL_FLOAT;
        tok->value.n.f = d;
    } else {
        uint64_t u = 0;
        for (size_t k = lx->pos; k < i; k++) {
            unsigned d = (unsigned)(s[k] - '0');
            if (u > (UINT64_MAX - d) / 10)
                return k2td_errstr_set(errstr, errstr_size,
                                       "offset %zu: integer %.*s is too large for 64 bits", lx->pos,
                                       (int)(tok->span > 32 ? 32 : tok->span), s + lx->pos);
            u = u * 10 + d;
        }
        tok->kind = K2TD_TOK_INT;
        if (u <= INT64_MAX) {
            tok->value.type = K2TD_VAL_INT;
            tok->value.n.i = (int64_t)u;
        } else {
            tok->value.type = K2TD_VAL_UINT;
            tok->value.n.u = u;
        }
    }
    lx->pos = i;
    return 0;
}

/* Returns the byte an escape "\c" stands for, or -1 when c is no escape. */
static int escape_char(char c) {
    switch (c) {
    case '"': return '"';
    case '\'': return '\'';
    case '\\': return '\\';
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    default: return -1;
    }
}

/* Reads a string literal (quote ' or ") or a back-quoted name (quote `,
 * where `` stands for one back-quote). */
static int lex_quoted(k2td_expr_lexer_t *lx, k2td_expr_token_t *tok, char *errstr,
                      size_t errstr_size) {
    const char *s = lx->text;
    char quote = s[lx->pos];
    int is_name = quote == '`';
    size_t start = lx->pos + 1, i = start, escapes = 0;
    for (;; i++) {
        if (i >= lx->len)
            return k2td_errstr_set(errstr, errstr_size, "offset %zu: %s is not closed", lx->pos,
                                   is_name ? "back-quoted name" : "string");
        if (s[i] == quote && !(is_name && s[i + 1] == quote)) break;
        if (s[i] == quote) { /* `` in a name */
            escapes++;
            i++;
        } else if (!is_name && s[i] == '\\') {
            if (i + 1 < lx->len && escape_char(s[i + 1]) < 0)
                return k2td_errstr_set(errstr, errstr_size,
                                       "offset %zu: unknown escape '\\%c' in a string", i,
                                       s[i + 1]);
            escapes++;
            i++;
        }
    }
    size_t len = i - start - escapes;
    const char *text = s + start;
    if (escapes) {
        char *p = k2td_arena_alloc(lx->arena, len + 1);
        for (size_t k = start, o = 0; k < i; k++) {
            char c = s[k];
            if (c == quote) /* the first of `` */
                k++;
            else if (!is_name && c == '\\')
                c = (char)escape_char(s[++k]);
            p[o++] = c;
        }
        p[len] = '\0';
        text = p;
    }
    if (is_name && len == 0)
        return k2td_errstr_set(errstr, errstr_size, "offset %zu: empty name between back-quotes",
                               lx->pos);
    tok->offset = lx->pos;
    tok->span = i + 1 - lx->pos;
    memset(&tok->value, 0, sizeof(tok->value));
    if (is_name) {
        tok->kind = K2TD_TOK_QUOTED;
        tok->name = text;
        tok->name_len = len;
    } else {
        tok->kind = K2TD_TOK_STRING;
        tok->value.type = K2TD_VAL_STRING;
        tok->value.str = text;
        tok->value.len = len;
    }
    lx->pos = i + 1;
    return 0;
}

/* Operators, two-character ones first. */
static const struct {
    const char *text;
    k2td_expr_tok_t kind;
} operators[] = {
    {"==", K2TD_TOK_EQ},     {"!=", K2TD_TOK_NE},     {"<=", K2TD_TOK_LE},
    {">=", K2TD_TOK_GE},     {"&&", K2TD_TOK_AND},    {"||", K2TD_TOK_OR},
    {"(", K2TD_TOK_LPAREN},  {")", K2TD_TOK_RPAREN},  {"{", K2TD_TOK_LBRACE},
    {"}", K2TD_TOK_RBRACE},  {",", K2TD_TOK_COMMA},   {".", K2TD_TOK_DOT},
    {"!", K2TD_TOK_NOT},     {"+", K2TD_TOK_PLUS},    {"-", K2TD_TOK_MINUS},
    {"*", K2TD_TOK_STAR},    {"/", K2TD_TOK_SLASH},   {"%", K2TD_TOK_PERCENT},
    {"<", K2TD_TOK_LT},      {">", K2TD_TOK_GT},
};

int k2td_expr_lex(k2td_expr_lexer_t *lx, k2td_expr_token_t *tok, char *errstr,
                  size_t errstr_size) {
    const char *s = lx->text;
    while (lx->pos < lx->len &&
           (s[lx->pos] == ' ' || s[lx->pos] == '\t' || s[lx->pos] == '\r' || s[lx->pos] == '\n'))
        lx->pos++;
    size_t at = lx->pos;
    char c = s[at];
    if (at >= lx->len) {
        tok->kind = K2TD_TOK_END;
        tok->offset = at;
        tok->span = 0;
        return 0;
    }
    if (is_digit(c)) return lex_number(lx, tok, errstr, errstr_size);
    if (c == '"' || c == '\'' || c == '`') return lex_quoted(lx, tok, errstr, errstr_size);
    if (is_name_start(c)) {
        size_t i = at;
        while (i < lx->len && is_name_char(s[i])) i++;
        tok->kind = K2TD_TOK_NAME;
        tok->offset = at;
        tok->span = i - at;
        tok->name = s + at;
        tok->name_len = i - at;
        lx->pos = i;
        return 0;
    }
    for (size_t k = 0; k < sizeof(operators) / sizeof(operators[0]); k++) {
        size_t n = strlen(operators[k].text);
        if (at + n <= lx->len && memcmp(s + at, operators[k].text, n) == 0) {
            tok->kind = operators[k].kind;
            tok->offset = at;
            tok->span = n;
            lx->pos = at + n;
            return 0;
        }
    }
    if (c == '=' || c == '&' || c == '|')
        return k2td_errstr_set(errstr, errstr_size, "offset %zu: unknown operator '%c' (use '%s')",
                               at, c, c == '=' ? "==" : c == '&' ? "&&" : "||");
    if ((unsigned char)c >= 0x20 && c != 0x7f)
        return k2td_errstr_set(errstr, errstr_size, "offset %zu: unexpected character '%c'", at, c);
    return k2td_errstr_set(errstr, errstr_size, "offset %zu: unexpected byte 0x%02x", at,
                           (unsigned char)c);
}

const char *k2td_expr_token_text(const k2td_expr_lexer_t *lx, const k2td_expr_token_t *tok,
                                 char *buf, size_t size) {
    if (tok->kind == K2TD_TOK_END)
        snprintf(buf, size, "the end of the expression");
    else
        snprintf(buf, size, "'%.*s%s'", (int)(tok->span > 24 ? 24 : tok->span),
                 lx->text + tok->offset, tok->span > 24 ? "..." : "");
    return buf;
}
