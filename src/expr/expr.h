/*
 * expr.h - k2td's expression language: compile once, evaluate per row.
 *
 * Expressions appear in filter rules (mutate[].filter), in the map rule
 * `expr`, inside `format` template placeholders and in the routing rules
 * (rules[].matches.expr). The language follows the Rhai-like expressions
 * taosX task files contain, e.g.
 *     id != 1
 *     location.starts_with("beijing") && voltage > 200
 *     between_time_range(ts, -604800, 0)
 *     temperature * 1.8 + 32
 *     if value > 1 { "high" } else { "low" }
 *
 * Values: null, bools, 64-bit integers, doubles and strings (k2td_value_t).
 *
 * Literals: 42, 1.5, 2e-3 (no sign: -1 is unary minus applied to 1), "text"
 * and 'text' with the escapes \" \' \\ \n \t \r, true, false, null.
 *
 * Fields: a name made of letters, digits, '_' and UTF-8 bytes, not starting
 * with a digit, reads the field of that name in the current row (exact,
 * case-sensitive). Any other name is written between back-quotes, with a
 * back-quote inside doubled: `data.temp`, `a``b`. A missing field is null.
 * The words true, false, null, if and else are reserved; write `if` to read
 * a field named if.
 *
 * Operators, from the loosest to the tightest binding:
 *     ||    &&    == !=    < <= > >=    + -    * / %    unary ! -    .method
 *   - Arithmetic works on numbers. Two integers give an integer (int64;
 *     overflow is an error, division truncates, x / 0 and x % 0 are errors);
 *     any float operand gives a double, and a result that is not a finite
 *     double is an error. An integer above INT64_MAX (a UINT field) is an
 *     error in integer arithmetic.
 *   - + with a string on either side joins the texts (numbers and bools are
 *     written as text: 1.5, 42, true).
 *   - == and != compare any two values: numbers by value across integer and
 *     float, strings byte by byte, bools; values of different kinds are
 *     unequal, null equals only null, and != is always the negation of ==.
 *   - < <= > >= order two numbers or two strings (bytewise); with null, or
 *     with operands of different kinds, they are false.
 *   - ! and && || take bools with SQL's three-valued logic for null:
 *     !null is null, false && null is false, true || null is true, otherwise
 *     null wins. && and || evaluate their right side only when needed.
 *   - if cond { a } else { b } (else optional, giving null; `else if`
 *     chains) picks a branch; a null condition takes the else branch.
 *
 * Functions, callable as f(x, ...) or as methods x.f(...); `len` and
 * `is_empty` may also be read as properties (s.len). Every function gives
 * null when any argument is null. String functions take a number or a
 * bool as its text, and count in characters (UTF-8 code points).
 *     parse_int(s) parse_float(s)   the number in s (spaces around it are
 *                                   allowed) or null when s holds none
 *     is_empty(s) len(s) contains(s, sub) starts_with(s, p) ends_with(s, p)
 *     between_time_range(ts, from, to)  true when now+from <= ts <= now+to,
 *                                   offsets in seconds; ts is an RFC 3339
 *                                   string or an integer epoch (unit as the
 *                                   field's spec says, else by magnitude)
 *     sin cos tan sinh cosh asin acos atan asinh acosh sqrt exp ln (one
 *     number, a double result); log(x) base 10, log(x, base);
 *     floor ceiling round int fraction abs (integers stay integers: floor,
 *     ceiling, round and int return them as they are, fraction gives 0)
 *     pad(s, len, chars)   s padded on the right with chars, repeated and
 *                          cut, to len characters; a longer s is kept whole
 *     trim(s)              without ASCII white space at either end
 *     sub_string(s, start[, len])  start < 0 counts from the end; len <= 0
 *                          gives ""; without len, up to the end
 *     replace(s, old, new) every occurrence (an empty old changes nothing)
 *     to_upper(s) to_lower(s)  ASCII letters only
 * A string an expression builds may hold at most K2TD_EXPR_STR_MAX bytes.
 *
 * Compile-time checks: syntax, unknown functions, argument counts, and any
 * type error visible without row data (e.g. "a" * 2, sqrt("x"), 1 / 0,
 * "a" < 1) fail the compile with the byte offset in the text. Constant
 * parts are computed once, at compile time.
 */
#ifndef K2TD_EXPR_H
#define K2TD_EXPR_H

#include <stddef.h>
#include <stdint.h>

#include "../common/arena.h"
#include "../model/value.h"

/* Longest string (bytes) an expression may build with +, pad or replace. */
#define K2TD_EXPR_STR_MAX 65536

/* Deepest nesting of operators, calls and parentheses an expression may have. */
#define K2TD_EXPR_MAX_DEPTH 256

typedef struct k2td_expr k2td_expr_t;

/* What an evaluation needs besides the row. The caller owns all of it. */
typedef struct k2td_expr_ctx {
    k2td_arena_t *arena;       /* strings the evaluation builds; reset it per batch */
    int64_t now_us;            /* "now" for between_time_range, microseconds since 1970 UTC */
    int32_t default_offset_s;  /* zone of zone-less timestamp strings, seconds east of UTC */
} k2td_expr_ctx_t;

/* Fills ctx: strings go into arena, now is now_us, zone-less timestamps are UTC. */
void k2td_expr_ctx_init(k2td_expr_ctx_t *ctx, k2td_arena_t *arena, int64_t now_us);

/*
 * Compiles the NUL-terminated text. Returns the expression, owned by the
 * caller (k2td_expr_free()), which keeps no pointer into text; or NULL with
 * errstr saying where and why, e.g.
 *   location.contains("a" x)
 *       offset 22: expected ')' after the arguments of contains, found 'x'
 *   sqr(2)     offset 0: unknown function 'sqr'
 *   "a" * 2    offset 4: '*' needs numbers, found a string
 */
k2td_expr_t *k2td_expr_compile(const char *text, char *errstr, size_t errstr_size);

/* Releases e (NULL is fine). */
void k2td_expr_free(k2td_expr_t *e);

/*
 * Evaluates e against row `row` of rs (rs may be NULL: every field then
 * reads as null) and sets *out. Returns 0, or -1 with errstr naming the
 * offset in the expression and the reason (a string where a number was
 * needed, integer overflow, division by zero, a malformed timestamp, a
 * string longer than K2TD_EXPR_STR_MAX...).
 * Ownership: a string in *out points into rs (its payloads and arena),
 * into ctx->arena or into e, so it lives as long as all three. Nothing is
 * malloc'ed here; built strings take ctx->arena memory, which allocates
 * only when it has to grow.
 * Threads: e is not const because it caches where each field was found in
 * the last row (as k2td_rowset_find()'s hint). One expression must not be
 * evaluated by two threads at the same time; compile one per thread.
 */
int k2td_expr_eval(k2td_expr_t *e, const k2td_rowset_t *rs, size_t row, k2td_expr_ctx_t *ctx,
                   k2td_value_t *out, char *errstr, size_t errstr_size);

/*
 * Evaluates e as a filter: returns 1 when it gives true, 0 when it gives
 * false or null, -1 with errstr on an evaluation error or when the result
 * is not a bool ("the expression gives an integer, not a bool").
 */
int k2td_expr_eval_bool(k2td_expr_t *e, const k2td_rowset_t *rs, size_t row,
                        k2td_expr_ctx_t *ctx, char *errstr, size_t errstr_size);

/* Returns 0 when e can give a bool (filters and routing rules need one), or
 * -1 with errstr saying what it gives instead, e.g. "the expression gives
 * an integer or a float, never a bool". */
int k2td_expr_check_bool(const k2td_expr_t *e, char *errstr, size_t errstr_size);

/* Returns how many distinct fields e reads. */
size_t k2td_expr_nfields(const k2td_expr_t *e);

/* Returns the i-th distinct field name e reads (NUL-terminated, owned by e),
 * in order of first appearance; i < k2td_expr_nfields(e). */
const char *k2td_expr_field(const k2td_expr_t *e, size_t i);

#endif
