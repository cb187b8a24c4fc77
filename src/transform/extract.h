/*
 * extract.h - the `extract` stage of `mutate`: derives new fields from one
 * field of each row ("extract or split from columns").
 *
 * Rules apply in order to every row, each to its named source field, and a
 * rule sees the fields earlier rules produced (split `message`, then convert
 * `message_0`). The source field stays in the row. A produced field replaces
 * a field of the same name in place, otherwise it is added at the end of the
 * row. A rule whose source field is missing or null leaves the row as is.
 *   split    separator + count N: fields {field}_0 .. {field}_{N-1}, strings.
 *            With more than N parts the last field keeps the rest, separators
 *            included ("a-b-c" on "-", N = 2: "a", "b-c"); with fewer, the
 *            missing fields are set to NULL. Numbers and bools are split as
 *            their text.
 *   regex    a PCRE2 pattern (regex_parse.h) whose named groups become string
 *            fields; the first match counts. No match leaves the row as is;
 *            a payload that is not UTF-8 or a runaway match drops the row.
 *   convert  a lookup table: when the field's text (a string's bytes, a
 *            number's literal text, true/false) equals a key, the field's
 *            value becomes that key's value. Keys are searched in order.
 *   json     the field's text parsed as JSON (json_flat.h) and its flattened
 *            fields merged into the row, unprefixed (taosX's
 *            {"payload": {"json": ""}}); it must give exactly one row, else
 *            the row is dropped with the reason.
 */
#ifndef K2TD_TRANSFORM_EXTRACT_H
#define K2TD_TRANSFORM_EXTRACT_H

#include <stddef.h>

#include "../model/value.h"
#include "stage.h"

typedef enum k2td_extract_kind {
    K2TD_EXTRACT_SPLIT,
    K2TD_EXTRACT_REGEX,
    K2TD_EXTRACT_CONVERT,
    K2TD_EXTRACT_JSON,
} k2td_extract_kind_t;

/* One entry of a convert table: a field whose text is `from` becomes `to`. */
typedef struct k2td_extract_pair {
    const char *from; /* NUL-terminated */
    k2td_value_t to;  /* any type; a string or number's str/len is copied */
} k2td_extract_pair_t;

/* One rule as the caller builds it; compiling copies everything it needs. */
typedef struct k2td_extract_rule {
    k2td_extract_kind_t kind;
    const char *field;     /* source field, NUL-terminated, non-empty */
    const char *separator; /* split: non-empty */
    size_t count;          /* split: N >= 1 */
    const char *pattern;   /* regex: PCRE2 pattern with named groups */
    const k2td_extract_pair_t *pairs; /* convert: the table */
    size_t npairs;                    /* convert: >= 1 */
} k2td_extract_rule_t;

typedef struct k2td_extract k2td_extract_t;

/*
 * Validates and compiles the n rules (n >= 1). Returns the stage, owned by
 * the caller (k2td_extract_free()), which keeps no pointer into rules; or
 * NULL with errstr naming the rule and why, e.g.
 *   extract rule 2 (split on `message`): separator is empty
 *   extract rule 1 (regex on `v`): pattern offset 3: missing closing parenthesis
 */
k2td_extract_t *k2td_extract_compile(const k2td_extract_rule_t *rules, size_t n, char *errstr,
                                     size_t errstr_size);

/* Releases x (NULL is fine). */
void k2td_extract_free(k2td_extract_t *x);

/*
 * Appends to out every row of in with the rules applied (row_msg kept) and
 * reports each row a rule fails on through ctx->on_drop, e.g.
 * "extract rule 1 (json on `payload`): offset 0: ...". Returns the number of
 * rows dropped.
 * Ownership: produced names and converted values point into x, split and
 * regex values into in's strings, json fields into out->arena: x and in
 * must outlive out's rows. One thread at a time per x (it reuses scratch
 * state).
 */
size_t k2td_extract_run(k2td_extract_t *x, const k2td_rowset_t *in, k2td_rowset_t *out,
                        const k2td_transform_ctx_t *ctx);

/*
 * Applies the rules, in order, to the last row of rows, in place (the
 * pipeline runs its stages this way, one copy of each row for all of
 * them). Returns K2TD_TRANSFORM_KEEP, or K2TD_TRANSFORM_FAILED with the
 * failing rule's reason, e.g. "extract rule 1 (json on `payload`): offset 0: ...";
 * ownership as for k2td_extract_run with rows as both in and out.
 */
int k2td_extract_apply(k2td_extract_t *x, k2td_rowset_t *rows, char *reason,
                       size_t reason_size);

#endif
