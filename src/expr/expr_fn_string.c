/*
 * expr_fn_string.c - the string functions of expressions: tests (contains,
 * starts_with, ...), measures (len) and builders (pad, replace, ...).
 *
 * Arguments arrive non-null and of the kinds the table allows; numbers and
 * bools are read as their text. Results that are a piece of an argument
 * (trim, sub_string, an unchanged string) point into it: only new text is
 * written to the evaluation's arena.
 */
#include <stdint.h>
#include <string.h>

#include "expr_funcs.h"
#include "expr_text.h"

#define T_TEXT K2TD_EXPR_T_TEXT
#define T_INT K2TD_EXPR_T_INT

typedef struct text {
    const char *s;
    size_t len;
} text_t;

/* Returns the text of the argument v (see k2td_expr_text()). */
static text_t arg_text(k2td_expr_env_t *env, const k2td_value_t *v) {
    text_t t;
    k2td_expr_text(env, v, &t.s, &t.len);
    return t;
}

/* Returns an integer argument, a UINT one (above INT64_MAX) saturated. */
static int64_t arg_int(const k2td_value_t *v) {
    return v->type == K2TD_VAL_INT ? v->n.i : INT64_MAX;
}

/* Returns the offset of the first needle[0..nlen) in hay[0..hlen) at or
 * after from, or SIZE_MAX. An empty needle is found at from. */
static size_t find(const char *hay, size_t hlen, size_t from, const char *needle, size_t nlen) {
    if (nlen == 0) return from <= hlen ? from : SIZE_MAX;
    while (from < hlen && hlen - from >= nlen) {
        const char *p = memchr(hay + from, needle[0], hlen - from - nlen + 1);
        if (!p) break;
        size_t at = (size_t)(p - hay);
        if (memcmp(p, needle, nlen) == 0) return at;
        from = at + 1;
    }
    return SIZE_MAX;
}

/* Every fn_* below computes one function for arguments the table
 * allows, sets *out and returns 0; only builders can fail (-1, for a
 * result longer than K2TD_EXPR_STR_MAX). */

/* true when sub occurs in s (an empty sub always does). */
static int fn_contains(k2td_expr_env_t *env, const k2td_expr_node_t *call,
                       const k2td_value_t *args, size_t nargs, k2td_value_t *out) {
    text_t s = arg_text(env, &args[0]), sub = arg_text(env, &args[1]);
    k2td_expr_set_bool(out, find(s.s, s.len, 0, sub.s, sub.len) != SIZE_MAX);
    return 0;
}

/* true when s begins with prefix. */
static int fn_starts_with(k2td_expr_env_t *env, const k2td_expr_node_t *call,
                          const k2td_value_t *args, size_t nargs, k2td_value_t *out) {
    text_t s = arg_text(env, &args[0]), p = arg_text(env, &args[1]);
    k2td_expr_set_bool(out, p.len <= s.len && memcmp(s.s, p.s, p.len) == 0);
    return 0;
}

/* true when s ends with suffix. */
static int fn_ends_with(k2td_expr_env_t *env, const k2td_expr_node_t *call,
                        const k2td_value_t *args, size_t nargs, k2td_value_t *out) {
    text_t s = arg_text(env, &args[0]), p = arg_text(env, &args[1]);
    k2td_expr_set_bool(out, p.len <= s.len && memcmp(s.s + s.len - p.len, p.s, p.len) == 0);
    return 0;
}

/* true for "" (a number or bool is never empty). */
static int fn_is_empty(k2td_expr_env_t *env, const k2td_expr_node_t *call,
                       const k2td_value_t *args, size_t nargs, k2td_value_t *out) {
    k2td_expr_set_bool(out, arg_text(env, &args[0]).len == 0);
    return 0;
}

/* The number of characters of s. */
static int fn_len(k2td_expr_env_t *env, const k2td_expr_node_t *call, const k2td_value_t *args,
                  size_t nargs, k2td_value_t *out) {
    text_t s = arg_text(env, &args[0]);
    k2td_expr_set_int(out, (int64_t)k2td_expr_utf8_count(s.s, s.len));
    return 0;
}

/* s without ASCII white space around it: a piece of s. */
static int fn_trim(k2td_expr_env_t *env, const k2td_expr_node_t *call, const k2td_value_t *args,
                   size_t nargs, k2td_value_t *out) {
    text_t s = arg_text(env, &args[0]);
    k2td_expr_trim(&s.s, &s.len);
    k2td_expr_set_string(out, s.s, s.len);
    return 0;
}

/* Characters start .. start+len of s, clamped to s: a piece of s. */
static int fn_sub_string(k2td_expr_env_t *env, const k2td_expr_node_t *call,
                         const k2td_value_t *args, size_t nargs, k2td_value_t *out) {
    text_t s = arg_text(env, &args[0]);
    int64_t chars = (int64_t)k2td_expr_utf8_count(s.s, s.len);
    int64_t start = arg_int(&args[1]);
    if (start < 0) start = start < -chars ? 0 : chars + start;
    if (start >= chars) start = chars;
    int64_t count = nargs > 2 ? arg_int(&args[2]) : chars - start;
    if (count < 0) count = 0;
    if (count > chars - start) count = chars - start;
    size_t from = k2td_expr_utf8_offset(s.s, s.len, (size_t)start);
    size_t to = k2td_expr_utf8_offset(s.s, s.len, (size_t)(start + count));
    k2td_expr_set_string(out, s.s + from, to - from);
    return 0;
}

/* s followed by chars, repeated and cut, up to len characters. */
static int fn_pad(k2td_expr_env_t *env, const k2td_expr_node_t *call, const k2td_value_t *args,
                  size_t nargs, k2td_value_t *out) {
    text_t s = arg_text(env, &args[0]), pad = arg_text(env, &args[2]);
    int64_t target = arg_int(&args[1]);
    size_t have = k2td_expr_utf8_count(s.s, s.len);
    if (target <= (int64_t)have || pad.len == 0) {
        k2td_expr_set_string(out, s.s, s.len);
        return 0;
    }
    uint64_t need = (uint64_t)target - have; /* characters to add */
    size_t bytes = SIZE_MAX;                 /* too long unless computed below */
    if (need <= K2TD_EXPR_STR_MAX) {
        size_t pad_chars = k2td_expr_utf8_count(pad.s, pad.len);
        bytes = s.len + (size_t)(need / pad_chars) * pad.len +
                k2td_expr_utf8_offset(pad.s, pad.len, (size_t)(need % pad_chars));
    }
    char *p = k2td_expr_new_string(env, call, bytes);
    if (!p) return -1;
    memcpy(p, s.s, s.len);
    for (size_t at = s.len; at < bytes; at += pad.len)
        memcpy(p + at, pad.s, bytes - at < pad.len ? bytes - at : pad.len);
    k2td_expr_set_string(out, p, bytes);
    return 0;
}

/* s with every non-overlapping old, left to right, replaced by new. */
static int fn_replace(k2td_expr_env_t *env, const k2td_expr_node_t *call,
                      const k2td_value_t *args, size_t nargs, k2td_value_t *out) {
    text_t s = arg_text(env, &args[0]), old = arg_text(env, &args[1]),
           rep = arg_text(env, &args[2]);
    size_t count = 0;
    if (old.len)
        for (size_t at = find(s.s, s.len, 0, old.s, old.len); at != SIZE_MAX;
             at = find(s.s, s.len, at + old.len, old.s, old.len))
            count++;
    if (count == 0) {
        k2td_expr_set_string(out, s.s, s.len);
        return 0;
    }
    size_t added, bytes; /* count * old.len <= s.len cannot overflow */
    if (__builtin_mul_overflow(count, rep.len, &added) ||
        __builtin_add_overflow(s.len - count * old.len, added, &bytes))
        bytes = SIZE_MAX;
    char *p = k2td_expr_new_string(env, call, bytes);
    if (!p) return -1;
    size_t o = 0, from = 0;
    for (size_t at = find(s.s, s.len, 0, old.s, old.len); at != SIZE_MAX;
         at = find(s.s, s.len, from, old.s, old.len)) {
        memcpy(p + o, s.s + from, at - from);
        o += at - from;
        memcpy(p + o, rep.s, rep.len);
        o += rep.len;
        from = at + old.len;
    }
    memcpy(p + o, s.s + from, s.len - from);
    k2td_expr_set_string(out, p, bytes);
    return 0;
}

/* Copies s with ASCII letters changed to upper case (upper) or lower case;
 * s itself when no letter changes. */
static int change_case(k2td_expr_env_t *env, const k2td_expr_node_t *call,
                       const k2td_value_t *arg, int upper, k2td_value_t *out) {
    text_t s = arg_text(env, arg);
    char lo = upper ? 'a' : 'A', hi = upper ? 'z' : 'Z';
    size_t first = 0;
    while (first < s.len && !(s.s[first] >= lo && s.s[first] <= hi)) first++;
    if (first == s.len) {
        k2td_expr_set_string(out, s.s, s.len);
        return 0;
    }
    char *p = k2td_expr_new_string(env, call, s.len);
    if (!p) return -1;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.s[i];
        p[i] = (c >= lo && c <= hi) ? (char)(c ^ 0x20) : c;
    }
    k2td_expr_set_string(out, p, s.len);
    return 0;
}

/* s with ASCII letters in upper case. */
static int fn_to_upper(k2td_expr_env_t *env, const k2td_expr_node_t *call,
                       const k2td_value_t *args, size_t nargs, k2td_value_t *out) {
    return change_case(env, call, &args[0], 1, out);
}

/* s with ASCII letters in lower case. */
static int fn_to_lower(k2td_expr_env_t *env, const k2td_expr_node_t *call,
                       const k2td_value_t *args, size_t nargs, k2td_value_t *out) {
    return change_case(env, call, &args[0], 0, out);
}

#define B K2TD_EXPR_T_BOOL
#define S K2TD_EXPR_T_STR
#define PROP K2TD_EXPR_FN_PROPERTY

const k2td_expr_func_t k2td_expr_string_funcs[] = {
    {"is_empty", {"s"}, 1, 1, {T_TEXT}, B, PROP, fn_is_empty, NULL},
    {"len", {"s"}, 1, 1, {T_TEXT}, T_INT, PROP, fn_len, NULL},
    {"contains", {"s", "sub"}, 2, 2, {T_TEXT, T_TEXT}, B, 0, fn_contains, NULL},
    {"starts_with", {"s", "prefix"}, 2, 2, {T_TEXT, T_TEXT}, B, 0, fn_starts_with, NULL},
    {"ends_with", {"s", "suffix"}, 2, 2, {T_TEXT, T_TEXT}, B, 0, fn_ends_with, NULL},
    {"trim", {"s"}, 1, 1, {T_TEXT}, S, 0, fn_trim, NULL},
    {"sub_string", {"s", "start", "len"}, 2, 3, {T_TEXT, T_INT, T_INT}, S, 0, fn_sub_string,
     NULL},
    {"pad", {"s", "len", "chars"}, 3, 3, {T_TEXT, T_INT, T_TEXT}, S, 0, fn_pad, NULL},
    {"replace", {"s", "old", "new"}, 3, 3, {T_TEXT, T_TEXT, T_TEXT}, S, 0, fn_replace, NULL},
    {"to_upper", {"s"}, 1, 1, {T_TEXT}, S, 0, fn_to_upper, NULL},
    {"to_lower", {"s"}, 1, 1, {T_TEXT}, S, 0, fn_to_lower, NULL},
    {NULL, {NULL}, 0, 0, {0}, 0, 0, NULL, NULL},
};
