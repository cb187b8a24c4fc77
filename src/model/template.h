/*
 * template.h - table-name templates such as "t_{id}" or "d_${groupid}_{loc}".
 *
 * A template is literal text with placeholders {name} or ${name}; the name is
 * every byte between the braces, exactly (case and spaces kept). A template
 * is compiled once from the task's configuration and expanded per row with
 * that row's field values. '{' inside a placeholder and '}' outside one are
 * errors; a '$' not followed by '{' is literal text.
 */
#ifndef K2TD_TEMPLATE_H
#define K2TD_TEMPLATE_H

#include <stddef.h>

#include "../common/buf.h"
#include "value.h"

/* Longest table name TDengine accepts, in bytes. */
#define K2TD_TABLE_NAME_MAX 192

typedef struct k2td_template k2td_template_t;

/* Compiles the NUL-terminated text. Returns a template that the caller owns
 * and releases with k2td_template_free(), or NULL with the reason and byte
 * offset in errstr (empty text, unclosed '{', '{' inside a placeholder, stray
 * '}', empty name). The template keeps its own copy of text. */
k2td_template_t *k2td_template_compile(const char *text, char *errstr, size_t errstr_size);

/* Appends to out the expansion of t for row `row` of rs: literal text as is,
 * a variable as its field's value (string bytes, a number's literal text,
 * true/false). The result is raw, neither checked (see
 * k2td_table_name_check()) nor quoted. Returns 0, or -1 with out unchanged
 * and "template variable `x` is missing" in errstr when the row lacks the
 * field or it is NULL.
 * t is not const: it caches where each field was found in the last row, so
 * one template must not be expanded by two threads at the same time. */
int k2td_template_expand(k2td_template_t *t, const k2td_rowset_t *rs, size_t row,
                         k2td_buf_t *out, char *errstr, size_t errstr_size);

/* k2td_template_expand, except that when missing is not NULL a variable
 * the row lacks (or that is NULL) expands to the text missing and counts
 * into *nmissing instead of failing. */
int k2td_template_expand_or(k2td_template_t *t, const k2td_rowset_t *rs, size_t row,
                            const char *missing, size_t *nmissing, k2td_buf_t *out, char *errstr,
                            size_t errstr_size);

/* Returns how many distinct variables t uses. */
size_t k2td_template_nvars(const k2td_template_t *t);

/* Returns the i-th distinct variable name (NUL-terminated, owned by t), in
 * order of first appearance; i < k2td_template_nvars(t). */
const char *k2td_template_var(const k2td_template_t *t, size_t i);

/* Releases t (NULL is fine). */
void k2td_template_free(k2td_template_t *t);

/* Checks that s[0..n) can name a TDengine table: non-empty, at most 192
 * bytes, no '.', no NUL byte. Returns 0, or -1 with the reason in errstr. */
int k2td_table_name_check(const char *s, size_t n, char *errstr, size_t errstr_size);

#endif
