/*
 * udt_json.c - builds the UDT's `data`: a JSON payload as Lua values.
 *
 * A recursive-descent reader that pushes Lua values as it reads, with no
 * tree in between. cJSON would be less code, but it keeps every number as
 * a double only: 1 and 1.0 could not be told apart and integers above 2^53
 * (nanosecond timestamps) would be rounded. k2td_json_flat_parse cannot
 * serve either, since it flattens. The grammar is the JSON parser's: numbers
 * go through k2td_json_parse_number, strings reject control characters,
 * bad escapes and lone surrogates, and nesting is bounded by
 * K2TD_JSON_MAX_DEPTH (so is the C stack).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "json_flat.h"
#include "udt_conv.h"

const char k2td_udt_null_tag = 0;

typedef struct jl_reader {
    lua_State *L;
    const char *buf; /* start of the payload: error offsets count from here */
    const char *p;   /* next unread byte */
    const char *end;
    k2td_buf_t *scratch;
    char *errstr;
    size_t errstr_size;
} jl_reader_t;

/* Writes "offset N: <reason>" to errstr. Always returns -1. */
static int jl_fail(jl_reader_t *r, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int jl_fail(jl_reader_t *r, const char *at, const char *fmt, ...) {
    if (!r->errstr || r->errstr_size == 0) return -1;
    int n = snprintf(r->errstr, r->errstr_size, "offset %zu: ", (size_t)(at - r->buf));
    if (n >= 0 && (size_t)n < r->errstr_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->errstr + n, r->errstr_size - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Reports that `what` was expected at the current position. Returns -1. */
static int jl_expected(jl_reader_t *r, const char *what) {
    if (r->p >= r->end) return jl_fail(r, r->p, "expected %s, found end of input", what);
    return jl_fail(r, r->p, "expected %s", what);
}

static void jl_skip_ws(jl_reader_t *r) {
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
        r->p++;
}

/* Returns the value of the 4 hex digits at s (s + 4 <= end), or -1. */
static long jl_hex4(const char *s) {
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int c = (unsigned char)s[i], d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') d = (c | 0x20) - 'a' + 10;
        else return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Appends code point cp as UTF-8. */
static void jl_put_utf8(k2td_buf_t *b, long cp) {
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    k2td_buf_append(b, u, n);
}

/* Decodes the escape at r->p (a backslash) into scratch and moves past it.
 * Returns 0 or -1. */
static int jl_escape(jl_reader_t *r) {
    const char *esc = r->p;
    if (r->end - esc < 2) return jl_fail(r, esc, "unterminated string");
    static const char simple_in[] = "\"\\/bfnrt", simple_out[] = "\"\\/\b\f\n\r\t";
    const char *hit = esc[1] ? strchr(simple_in, esc[1]) : NULL;
    if (hit) {
        k2td_buf_putc(r->scratch, simple_out[hit - simple_in]);
        r->p = esc + 2;
        return 0;
    }
    if (esc[1] != 'u') return jl_fail(r, esc, "invalid escape in string");
    long cp = r->end - esc >= 6 ? jl_hex4(esc + 2) : -1;
    if (cp < 0) return jl_fail(r, esc, "invalid \\u escape in string");
    r->p = esc + 6;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return jl_fail(r, esc, "lone low surrogate in string");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        const char *s = r->p;
        long lo = r->end - s >= 6 && s[0] == '\\' && s[1] == 'u' ? jl_hex4(s + 2) : -1;
        if (lo < 0xDC00 || lo > 0xDFFF)
            return jl_fail(r, esc, "high surrogate not followed by a low surrogate in string");
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        r->p = s + 6;
    }
    jl_put_utf8(r->scratch, cp);
    return 0;
}

/* Pushes the string whose opening quote is at r->p and moves past it.
 * Returns 0 or -1. */
static int jl_string(jl_reader_t *r) {
    const char *s = ++r->p;
    const char *p = s;
    while (p < r->end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20) p++;
    if (p < r->end && *p == '"') { /* no escape: straight from the payload */
        lua_pushlstring(r->L, s, (size_t)(p - s));
        r->p = p + 1;
        return 0;
    }
    k2td_buf_reset(r->scratch);
    k2td_buf_append(r->scratch, s, (size_t)(p - s));
    r->p = p;
    for (;;) {
        if (r->p >= r->end) return jl_fail(r, s - 1, "unterminated string");
        char c = *r->p;
        if (c == '"') break;
        if ((unsigned char)c < 0x20) return jl_fail(r, r->p, "control character in string");
        if (c == '\\') {
            if (jl_escape(r) != 0) return -1;
        } else {
            k2td_buf_putc(r->scratch, c);
            r->p++;
        }
    }
    r->p++;
    lua_pushlstring(r->L, r->scratch->len ? r->scratch->data : "", r->scratch->len);
    return 0;
}

/* Pushes the number at r->p: an integer when it fits int64, else a float.
 * Returns 0 or -1. */
static int jl_number(jl_reader_t *r) {
    const char *s = r->p;
    while (r->p < r->end && *r->p && strchr("0123456789+-.eE", *r->p)) r->p++;
    k2td_value_t v;
    if (k2td_json_parse_number(s, (size_t)(r->p - s), &v) != 0)
        return jl_fail(r, s, "invalid number");
    if (v.type == K2TD_VAL_INT) lua_pushinteger(r->L, (lua_Integer)v.n.i);
    else if (v.type == K2TD_VAL_UINT) lua_pushnumber(r->L, (lua_Number)v.n.u);
    else lua_pushnumber(r->L, (lua_Number)v.n.f);
    return 0;
}

/* Matches the literal word at r->p. Returns 0 (r->p past it) or -1. */
static int jl_literal(jl_reader_t *r, const char *word) {
    size_t n = strlen(word);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
        return jl_fail(r, r->p, "invalid literal (expected %s)", word);
    r->p += n;
    return 0;
}

static int jl_value(jl_reader_t *r, int depth);

/* Pushes the object or array at r->p as a table; depth counts the open
 * containers, this one included. Returns 0 or -1. */
static int jl_container(jl_reader_t *r, int depth) {
    if (depth > K2TD_JSON_MAX_DEPTH)
        return jl_fail(r, r->p, "nesting deeper than %d levels", K2TD_JSON_MAX_DEPTH);
    int is_object = *r->p == '{';
    char close = is_object ? '}' : ']';
    luaL_checkstack(r->L, 3, "JSON nesting");
    lua_newtable(r->L);
    r->p++;
    jl_skip_ws(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        return 0;
    }
    for (lua_Integer i = 1;; i++) {
        if (is_object) {
            if (r->p >= r->end || *r->p != '"') return jl_expected(r, "a string key");
            if (jl_string(r) != 0) return -1;
            jl_skip_ws(r);
            if (r->p >= r->end || *r->p != ':') return jl_expected(r, "':' after object key");
            r->p++;
            jl_skip_ws(r);
        }
        if (jl_value(r, depth) != 0) return -1;
        if (is_object) lua_rawset(r->L, -3); /* a repeated key: the last value wins */
        else lua_rawseti(r->L, -2, i);
        jl_skip_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            jl_skip_ws(r);
            continue;
        }
        if (r->p < r->end && *r->p == close) {
            r->p++;
            return 0;
        }
        return jl_expected(r, is_object ? "',' or '}' after object member"
                                        : "',' or ']' after array element");
    }
}

/* Pushes the value at r->p; depth is the number of enclosing containers.
 * Returns 0 or -1. */
static int jl_value(jl_reader_t *r, int depth) {
    if (r->p >= r->end) return jl_expected(r, "a value");
    switch (*r->p) {
    case '{':
    case '[': return jl_container(r, depth + 1);
    case '"': return jl_string(r);
    case 't':
        if (jl_literal(r, "true") != 0) return -1;
        lua_pushboolean(r->L, 1);
        return 0;
    case 'f':
        if (jl_literal(r, "false") != 0) return -1;
        lua_pushboolean(r->L, 0);
        return 0;
    case 'n':
        if (jl_literal(r, "null") != 0) return -1;
        lua_pushlightuserdata(r->L, K2TD_UDT_NULL);
        return 0;
    default:
        if (*r->p != '-' && (unsigned)(*r->p - '0') > 9) return jl_expected(r, "a value");
        return jl_number(r);
    }
}

int k2td_udt_json_push(lua_State *L, const char *buf, size_t len, k2td_buf_t *scratch,
                       char *errstr, size_t errstr_size) {
    jl_reader_t r = {L, buf, buf, buf + len, scratch, errstr, errstr_size};
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) r.p += 3;
    jl_skip_ws(&r);
    if (r.p >= r.end) return jl_fail(&r, r.p, "empty payload");
    if (jl_value(&r, 0) != 0) return -1;
    jl_skip_ws(&r);
    if (r.p < r.end) return jl_fail(&r, r.p, "unexpected data after the JSON value");
    return 0;
}
