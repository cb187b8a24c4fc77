/*
 * pipeline.h - the `mutate` step of taosX's parser JSON, compiled once.
 *
 * `mutate` is an array of stages applied in order to the parsed rows:
 *
 *   {"extract": {"<field>": {"split": {"separator": "-", "count": 2}}}}
 *   {"extract": {"<field>": {"regex": "^(?<v>[0-9]+)(?<unit>[a-z]+)$"}}}
 *   {"extract": {"<field>": {"convert": {"from value": "to value", ...}}}}
 *   {"extract": {"<field>": {"json": ""}}}
 *   {"filter": ["id != 1", "voltage > 200"]}          (several expressions: AND)
 *   {"map": {"<target>": {"cast": "<source>", "default": <value>, "as": "INT"},
 *            "<target>": {"value": <value>}, "<target>": {"generator": "now"},
 *            "<target>": {"format": "${a}-${b.pad(5, \"0\")}"},
 *            "<target>": {"join": ["a", "b"], "with": "-"},
 *            "<target>": {"sum": ["a", "b"]}, "<target>": {"expr": "a * 1.8 + 32"}}}
 *
 * The extract object is keyed by source field as in taosX's
 * {"payload": {"json": ""}}; the split/regex/convert shapes are k2td's
 * choice where taosX's are not published. `as` is accepted and checked to be
 * a type name; values are converted to the target column's type by the
 * mapper, so `as` does not change the result.
 */
#ifndef K2TD_TRANSFORM_PIPELINE_H
#define K2TD_TRANSFORM_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "../model/value.h"

typedef struct k2td_pipeline k2td_pipeline_t;

typedef enum k2td_stage_kind {
    K2TD_STAGE_EXTRACT,
    K2TD_STAGE_FILTER,
    K2TD_STAGE_MAP,
    K2TD_STAGE_ROUTE, /* no rule of the parser's `rules` took the row (router.h) */
} k2td_stage_kind_t;

/* A dropped row: kind of the stage that dropped it, its index in that
 * stage's input rowset `in` (in->row_msg[row] names the message), and
 * whether it was filtered out (a filter not true, or no routing rule took
 * it) rather than failed by a rule. */
typedef void (*k2td_pipeline_drop_fn)(void *opaque, k2td_stage_kind_t kind,
                                      const k2td_rowset_t *in, size_t row, int filtered,
                                      const char *reason);

/*
 * Compiles the `mutate` array (mutate may be NULL: no stage). path names it
 * in errors ("parser.mutate"). Returns the pipeline, or NULL with errstr
 * naming the JSON path and the reason. The pipeline keeps its own copy of
 * what it needs from mutate.
 */
k2td_pipeline_t *k2td_pipeline_compile(const cJSON *mutate, const char *path, char *errstr,
                                       size_t errstr_size);

/* Returns the number of stages. */
size_t k2td_pipeline_stages(const k2td_pipeline_t *p);

/* Returns the kind of stage i (i < k2td_pipeline_stages()). */
k2td_stage_kind_t k2td_pipeline_stage_kind(const k2td_pipeline_t *p, size_t i);

/*
 * Runs stage i alone: rows of in are appended, transformed, to out (which
 * the caller empties first). Returns the number of rows dropped; on_drop (may
 * be NULL) is told about each. Used by the preview to show every stage.
 */
size_t k2td_pipeline_run_stage(k2td_pipeline_t *p, size_t i, const k2td_rowset_t *in,
                               k2td_rowset_t *out, int64_t now_ms, int32_t default_offset_s,
                               k2td_pipeline_drop_fn on_drop, void *opaque);

/*
 * Runs every stage over *rows, the final rows going into *spare; then swaps
 * the two, so *rows is the final rowset. Each row is copied once and every
 * stage changes that copy in place, so the result is what running the
 * stages one after the other (k2td_pipeline_run_stage) gives. Both
 * rowsets' arenas must stay untouched until the batch is done (see
 * stage.h); strings the stages build go into the final rowset's arena.
 * Returns the number of rows dropped; on_drop (may be NULL) is told about
 * each, with the row's index in the original *rows.
 */
size_t k2td_pipeline_run(k2td_pipeline_t *p, k2td_rowset_t **rows, k2td_rowset_t **spare,
                         int64_t now_ms, int32_t default_offset_s, k2td_pipeline_drop_fn on_drop,
                         void *opaque);

/* Releases the pipeline (NULL is fine). */
void k2td_pipeline_free(k2td_pipeline_t *p);

#endif
