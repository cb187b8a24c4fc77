/*
 * format.h - the templates of the map rule `format`: literal text with
 * ${expression} placeholders, e.g. "${year}-${month}" or
 * "v=${value.pad(5, \"0\")}".
 *
 * A placeholder runs from "${" to the '}' that closes it: braces of the
 * expression (if/else blocks) nest, and braces inside quoted strings or
 * back-quoted names do not count. A '$' not followed by '{' is literal.
 */
#ifndef K2TD_TRANSFORM_FORMAT_H
#define K2TD_TRANSFORM_FORMAT_H

#include <stddef.h>

#include "../common/buf.h"
#include "../expr/expr.h"
#include "../model/value.h"

typedef struct k2td_format k2td_format_t;

/* Compiles the NUL-terminated text. Returns the template, owned by the
 * caller (k2td_format_free()), which keeps its own copy of the literals; or
 * NULL with errstr saying where and why, e.g.
 *   offset 3: placeholder `${id` is not closed
 *   offset 0: placeholder `${a +}`: offset 3: ... */
k2td_format_t *k2td_format_compile(const char *text, char *errstr, size_t errstr_size);

/* Releases f (NULL is fine). */
void k2td_format_free(k2td_format_t *f);

/* Appends to out the expansion for row `row` of rs: literals as they are,
 * each placeholder's value as text (numbers as their literal text, bools as
 * true/false, null as nothing). Returns 0, or -1 with errstr naming the
 * placeholder and the evaluation error. One thread at a time per f. */
int k2td_format_expand(k2td_format_t *f, const k2td_rowset_t *rs, size_t row,
                       k2td_expr_ctx_t *ctx, k2td_buf_t *out, char *errstr, size_t errstr_size);

#endif
