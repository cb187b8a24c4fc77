/*
 * sink_writer.h - writes an insert batch to TDengine, isolating bad rows.
 *
 * Statements go out one at a time over the REST client. A transient failure
 * (TDengine unreachable, 503, timeout) is retried with backoff for as long as
 * the caller's wait hook allows; a statement whose data TDengine rejects is
 * split in halves until the refused rows are found, so the good rows of the
 * batch still land and each bad row is reported with its origin. A statement
 * refused because its supertable does not exist (dropped while the task
 * runs) is handed to the caller's stable_missing hook, which sends it again
 * or settles its rows and the rest of the batch. Any other failure stops the
 * write with TDengine's own message.
 */
#ifndef K2TD_SINK_WRITER_H
#define K2TD_SINK_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "insert_batch.h"
#include "rest_client.h"

/* What the stable_missing hook made of a missing supertable. */
typedef enum k2td_sink_missing {
    K2TD_SINK_MISSING_SETTLED = 0, /* it is gone: the hook settled the rows */
    K2TD_SINK_MISSING_BACK,        /* it exists again: send the statement again */
    K2TD_SINK_MISSING_GIVE_UP,     /* stop requested or partitions revoked */
    K2TD_SINK_MISSING_FAILED,      /* it could not be looked up: stop the write */
} k2td_sink_missing_t;

typedef struct k2td_sink_hooks {
    /* A row TDengine refused: origin as given to k2td_insert_batch_add. */
    void (*row_failed)(void *ctx, size_t origin, const char *table, const char *reason);
    /* TDengine did not answer (reason): logs the retry and waits about
     * wait_ms before it (the engine keeps the consumer alive meanwhile).
     * Returns non-zero to give the batch up (stop requested, partitions
     * revoked, or a policy that stops the task). */
    int (*wait)(void *ctx, int wait_ms, const char *reason);
    /* TDengine answered that the supertable of sealed rows [first,
     * first+count) of batch (the statement's rows and every later one) does
     * not exist. Returns what became of it (k2td_sink_missing_t). */
    k2td_sink_missing_t (*stable_missing)(void *ctx, const k2td_insert_batch_t *batch,
                                          size_t first, size_t count);
    void *ctx;
} k2td_sink_hooks_t;

typedef struct k2td_sink_stats {
    uint64_t inserted_sqls; /* statements TDengine accepted */
    uint64_t failed_sqls;   /* statements TDengine refused (before splitting) */
    uint64_t written_rows;  /* rows in accepted statements */
    uint64_t written_points; /* their values, the timestamp not counted */
    uint64_t failed_rows;   /* rows refused on their own */
    uint64_t retries;       /* transient failures retried */
} k2td_sink_stats_t;

typedef enum k2td_sink_result {
    K2TD_SINK_OK = 0,    /* every row was written or reported as failed */
    K2TD_SINK_ABANDONED, /* the wait hook gave up; rows may be partly written */
    K2TD_SINK_FATAL,     /* a non-data error: errstr holds TDengine's message */
} k2td_sink_result_t;

/* Writes every row of batch (sealing it first). Counts into stats. */
k2td_sink_result_t k2td_sink_write(k2td_rest_t *rest, k2td_insert_batch_t *batch,
                                   const k2td_sink_hooks_t *hooks, k2td_sink_stats_t *stats,
                                   char *errstr, size_t errstr_size);

#endif
