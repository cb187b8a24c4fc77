/*
 * stage.h - what every transformation stage of the `mutate` step shares.
 *
 * A stage (extract, filter, map) reads the rows of an input rowset and
 * appends its output rows to an output rowset; between stages the caller
 * swaps the two with k2td_transform_swap(). Fields are copied by value, so
 * names and strings still point into the input (its payloads and arena),
 * and into the arenas of every earlier stage's output: both rowsets' arenas
 * must stay untouched for the whole batch (k2td_rowset_reset() both, and
 * free the payloads, only when the batch is done). Strings a stage builds
 * go into the output rowset's arena. row_msg is carried over, so a later error can
 * still name the message's topic, partition and offset.
 * A row a stage drops is reported, with the reason, through the context's
 * callback, e.g. for a preview: "row 3 dropped by filter `id != 1`".
 */
#ifndef K2TD_TRANSFORM_STAGE_H
#define K2TD_TRANSFORM_STAGE_H

#include <stddef.h>
#include <stdint.h>

#include "../expr/expr.h"
#include "../model/value.h"

/* Called once per dropped row: `row` is its index in the stage's input
 * rowset `in` (in->row_msg[row] names the message); filtered is non-zero
 * when a filter left the row out (not true), zero when a rule failed on it;
 * reason is only valid during the call. */
typedef void (*k2td_transform_drop_fn)(void *opaque, const k2td_rowset_t *in, size_t row,
                                       int filtered, const char *reason);

/* What a stage needs besides its rows. The caller owns all of it. */
typedef struct k2td_transform_ctx {
    int64_t now_ms;           /* the batch's ingest time: generator "now" and expressions' now */
    int32_t default_offset_s; /* zone of zone-less timestamp strings in expressions */
    k2td_transform_drop_fn on_drop; /* NULL: dropped rows are only counted */
    void *opaque;             /* passed to on_drop */
} k2td_transform_ctx_t;

/* Fills ctx for a batch ingested at now_ms: UTC, no drop callback. */
void k2td_transform_ctx_init(k2td_transform_ctx_t *ctx, int64_t now_ms);

/* Reports row `row` of in as dropped (filtered: by a filter that is not
 * true) for reason (calls ctx->on_drop). */
void k2td_transform_drop(const k2td_transform_ctx_t *ctx, const k2td_rowset_t *in, size_t row,
                         int filtered, const char *reason);

/* Makes the last stage's output (*out) the next stage's input (*in) and
 * empties the other rowset's rows for the next output, keeping its arena,
 * which still holds strings the rows refer to. */
void k2td_transform_swap(k2td_rowset_t **in, k2td_rowset_t **out);

/* What applying a stage to a row gave (k2td_transform_apply_fn). */
enum {
    K2TD_TRANSFORM_FAILED = -1,  /* a rule failed on the row: drop it as bad data */
    K2TD_TRANSFORM_KEEP = 0,
    K2TD_TRANSFORM_FILTERED = 1, /* a filter is not true: leave the row out */
};

/*
 * Applies a stage to the last row of rows, in place: fields set or added,
 * built strings in ectx->arena (rows->arena). Returns K2TD_TRANSFORM_KEEP,
 * or K2TD_TRANSFORM_FILTERED / K2TD_TRANSFORM_FAILED with the reason the row
 * is dropped (rows may then hold a partly changed row, which the caller
 * truncates).
 */
typedef int (*k2td_transform_apply_fn)(void *stage, k2td_rowset_t *rows,
                                       k2td_expr_ctx_t *ectx, char *reason,
                                       size_t reason_size);

/* Runs one stage over a rowset: appends to out a copy of every row of in
 * with apply run on it, or reports the row through ctx->on_drop and leaves
 * it out. Returns the number of rows dropped. */
size_t k2td_transform_run(void *stage, k2td_transform_apply_fn apply, const k2td_rowset_t *in,
                          k2td_rowset_t *out, const k2td_transform_ctx_t *ctx);

/* Returns the field named name in the last row of out, adding it at the end
 * of the row when the row has none, for the caller to (over)write; an added
 * field is NULL. name must live as long as out's rows. The pointer is valid
 * until the next field is added to out. */
k2td_field_t *k2td_transform_set_field(k2td_rowset_t *out, const char *name, size_t name_len);

/* Returns the text of a non-null value and sets *len: a string's bytes, a
 * number's literal text (digits written into tmp when it has none), or
 * true/false. Returns NULL for NULL. */
const char *k2td_transform_value_text(const k2td_value_t *v, char tmp[32], size_t *len);

#endif
