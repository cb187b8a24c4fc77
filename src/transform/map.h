/*
 * map.h - the `map` stage of `mutate`: computes target fields by name.
 *
 * Every rule sets one target field of each row, computed from the row as
 * the stage received it (rules do not see each other's results); the target
 * replaces a field of that name in place, else is added at the end of the
 * row. Fields no rule targets pass through unchanged (matching the rest by
 * name happens later, in the mapper). When two rules name the same target,
 * the later one wins. Rules:
 *   mapping    the source field's value; when the field is missing or null,
 *              the default value (NULL when none is given)
 *   value      a constant
 *   now        the batch's ingest time: an integer in milliseconds, the same
 *              for every row of the batch (k2td_transform_ctx_t.now_ms)
 *   join       the fields' texts joined with a separator; missing and null
 *              fields are left out, and the target is NULL when all are
 *   format     a template like "${year}-${month}": literal text with
 *              placeholders ${expression} (expr.h), so ${id} reads a field
 *              and ${a.pad(5, "0")} calls a function; a null placeholder
 *              writes nothing; a '$' not followed by '{' is literal
 *   sum        the numeric fields added: integers stay integers unless the
 *              sum overflows int64 or a float takes part; strings holding a
 *              JSON number count as that number (split and regex give
 *              strings); missing and null fields are left out (NULL when
 *              all are); any other value drops the row
 *   expr       an expression's value
 * Type casts (taosX's "as") belong to the mapper, not here.
 */
#ifndef K2TD_TRANSFORM_MAP_H
#define K2TD_TRANSFORM_MAP_H

#include <stddef.h>

#include "../model/value.h"
#include "stage.h"

typedef enum k2td_map_kind {
    K2TD_MAP_MAPPING,
    K2TD_MAP_VALUE,
    K2TD_MAP_NOW,
    K2TD_MAP_JOIN,
    K2TD_MAP_FORMAT,
    K2TD_MAP_SUM,
    K2TD_MAP_EXPR,
} k2td_map_kind_t;

/* One rule as the caller builds it; compiling copies everything it needs. */
typedef struct k2td_map_rule {
    k2td_map_kind_t kind;
    const char *target;  /* NUL-terminated, non-empty */
    const char *source;  /* mapping: the source field */
    k2td_value_t value;  /* value: the constant; mapping: the default (NULL type: none) */
    const char *const *fields; /* join, sum: the fields, at least one */
    size_t nfields;
    const char *separator; /* join (NULL is "") */
    const char *text;      /* format: the template; expr: the expression */
} k2td_map_rule_t;

typedef struct k2td_map k2td_map_t;

/*
 * Validates and compiles the n rules (n >= 1). Returns the stage, owned by
 * the caller (k2td_map_free()), which keeps no pointer into rules; or NULL
 * with errstr naming the rule and why, e.g.
 *   map rule 1 (`tbname`, format): offset 3: placeholder `${id` is not closed
 *   map rule 2 (`f`, expr): offset 2: unknown function 'sqr'
 */
k2td_map_t *k2td_map_compile(const k2td_map_rule_t *rules, size_t n, char *errstr,
                             size_t errstr_size);

/* Releases m (NULL is fine). */
void k2td_map_free(k2td_map_t *m);

/*
 * Appends to out every row of in with the rules' targets set (row_msg kept)
 * and reports each row a rule fails on through ctx->on_drop, e.g.
 * "map rule 3 (`f`, expr): offset 2: division by zero". Returns the number
 * of rows dropped.
 * Ownership: target names and constants point into m, copied values into
 * in, built strings into out->arena: m and in must outlive out's rows.
 * Nothing is malloc'ed per row once m's scratch buffer has grown. One
 * thread at a time per m.
 */
size_t k2td_map_run(k2td_map_t *m, const k2td_rowset_t *in, k2td_rowset_t *out,
                    const k2td_transform_ctx_t *ctx);

/* Sets the rules' targets on the last row of rows, in place; every rule
 * reads the row as it was before the call. Returns K2TD_TRANSFORM_KEEP, or
 * K2TD_TRANSFORM_FAILED with the failing rule's reason as for k2td_map_run
 * (no target is set then). Built strings go into ectx->arena; "now" is
 * ectx->now_us. */
int k2td_map_apply(k2td_map_t *m, k2td_rowset_t *rows, k2td_expr_ctx_t *ectx, char *reason,
                   size_t reason_size);

#endif
