/*
 * row_policy.h - what happens to a row the mapper or TDengine refused: the
 * task's write policies (parser.global, see src/task/write_policy.h).
 *
 * Each refusal is settled one way and counted: the row is archived (a JSON
 * line in the task's archive, src/sink/archive.h), skipped (logged), or it
 * stops the task (break); or the supertable is changed so the row fits
 * (add_field: ALTER STABLE ... ADD COLUMN; field_length_extend: ALTER STABLE
 * ... MODIFY COLUMN) and the caller maps the batch again. The archive is
 * opened at its first record and synced before the batch's offsets are
 * stored, so an archived row is on disk before its message counts as done.
 *
 * When the archive cannot be written and archive.on_fail is wait, the
 * caller's back-off hook is called between tries (the engine pauses the
 * consumer, keeping its group membership) until the row goes in; the hook
 * gives up when the task stops or its partitions are revoked, and the row
 * is then K2TD_ROW_GIVE_UP: its batch must not be committed.
 */
#ifndef K2TD_ROW_POLICY_H
#define K2TD_ROW_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "../model/mapper.h"
#include "../sink/rest_client.h"
#include "../task/write_policy.h"
#include "target_set.h"

/* Where a row came from. */
typedef struct k2td_row_origin {
    const char *topic;
    int32_t partition;
    int64_t offset;
    const void *payload;
    size_t len;
} k2td_row_origin_t;

/* How each refusal was settled. */
typedef struct k2td_row_policy_stats {
    uint64_t archived_rows;
    uint64_t skipped_rows;
    uint64_t repaired_rows;   /* written after a repair (truncate, replace, ...) */
    uint64_t altered_columns; /* columns added or widened */
} k2td_row_policy_stats_t;

typedef enum k2td_row_verdict {
    K2TD_ROW_ARCHIVED = 0,
    K2TD_ROW_SKIPPED,
    K2TD_ROW_ALTERED,     /* the supertable changed: map the batch again */
    K2TD_ROW_BREAK,       /* stop the task: errstr says why */
    K2TD_ROW_UNREACHABLE, /* TDengine did not answer the ALTER: try again later */
    K2TD_ROW_GIVE_UP,     /* archive.on_fail wait was cut short: drop the batch, read it again */
} k2td_row_verdict_t;

/* The back-off between two tries to archive under archive.on_fail = wait:
 * waits *wait_ms (reason says why), then grows *wait_ms up to its cap.
 * Returns non-zero when waiting must stop (the task stops, or its partitions
 * were revoked). Called on the thread that settles rows. */
typedef int (*k2td_row_policy_backoff_fn)(void *ctx, int *wait_ms, const char *reason);

typedef struct k2td_row_policy k2td_row_policy_t;

/* Returns the policies of a task whose files live in task_dir (a relative
 * archive.location is taken from there). policy and rest must outlive it;
 * backoff (with its ctx) is called under archive.on_fail = wait. */
k2td_row_policy_t *k2td_row_policy_new(const k2td_write_policy_t *policy, const char *task_dir,
                                       k2td_rest_t *rest, k2td_row_policy_backoff_fn backoff,
                                       void *backoff_ctx);

/* Syncs and closes the archive, and releases rp (NULL is fine). */
void k2td_row_policy_free(k2td_row_policy_t *rp);

/*
 * Settles a row refused with outcome o (reason: the mapper's or TDengine's
 * message) for target t (NULL when none was found) and counts it; schema
 * changes are tried only when may_alter is non-zero. Returns the verdict;
 * for K2TD_ROW_BREAK errstr names the origin and the reason ("topic [p]
 * offset o: primary timestamp `ts` is null (policy primary_timestamp_null:
 * break)").
 */
k2td_row_verdict_t k2td_row_policy_settle(k2td_row_policy_t *rp, const k2td_map_outcome_t *o,
                                          const k2td_target_t *t, int may_alter,
                                          const k2td_row_origin_t *origin, const char *reason,
                                          char *errstr, size_t errstr_size);

/* Counts a row written after a repair; archives it too when archive_too
 * (a truncate_and_archive repair, k2td_map_outcome_t.archive_too). Returns
 * K2TD_ROW_ARCHIVED (also when nothing was to archive, or on_fail skip
 * dropped it), K2TD_ROW_BREAK (errstr) when the archive failed and
 * archive.on_fail says break, or K2TD_ROW_GIVE_UP. */
k2td_row_verdict_t k2td_row_policy_repaired(k2td_row_policy_t *rp, int archive_too,
                             const k2td_row_origin_t *origin, const char *table, char *errstr,
                             size_t errstr_size);

/* Writes into out what the policies do with a row refused with outcome o:
 * the policy key and its action, e.g. "primary_timestamp_null: archive". */
void k2td_row_policy_describe(const k2td_write_policy_t *p, const k2td_map_outcome_t *o,
                              char *out, size_t size);

/* Makes what was archived durable. Returns 0, or -1 with errstr. */
int k2td_row_policy_sync(k2td_row_policy_t *rp, char *errstr, size_t errstr_size);

/* Returns the counters so far. */
const k2td_row_policy_stats_t *k2td_row_policy_stats(const k2td_row_policy_t *rp);

#endif
