#include "sink_writer.h"

#include <stdio.h>
#include <string.h>

#include "../common/log.h"

typedef struct sink_run {
    k2td_rest_t *rest;
    k2td_insert_batch_t *batch;
    const k2td_sink_hooks_t *hooks;
    k2td_sink_stats_t *stats;
    k2td_buf_t sql;
    int code; /* TDengine's code in the last answer (0 without one) */
    char *errstr;
    size_t errstr_size;
} sink_run_t;

#define SINK_BACKOFF_FIRST_MS 200
#define SINK_BACKOFF_MAX_MS 5000

/* Sends sql, retrying transient failures. Returns the final class; errstr
 * holds the message of a non-OK answer. */
static k2td_rest_class_t sink_exec(sink_run_t *run, int *abandoned) {
    int backoff = SINK_BACKOFF_FIRST_MS;
    for (;;) {
        k2td_rest_answer_t answer;
        memset(&answer, 0, sizeof(answer));
        k2td_rest_class_t cls = k2td_rest_exec(run->rest, run->sql.data, run->sql.len, &answer,
                                               run->errstr, run->errstr_size);
        run->code = answer.code;
        k2td_rest_answer_clear(&answer);
        if (cls != K2TD_REST_TRANSIENT) return cls;
        if (run->hooks->wait(run->hooks->ctx, backoff, run->errstr)) {
            *abandoned = 1;
            return K2TD_REST_TRANSIENT;
        }
        run->stats->retries++;
        backoff = backoff * 2 > SINK_BACKOFF_MAX_MS ? SINK_BACKOFF_MAX_MS : backoff * 2;
    }
}

static k2td_sink_result_t sink_isolate(sink_run_t *run, size_t first, size_t count);

/* Counts an accepted statement of n rows of batch. */
static void sink_count_written(k2td_sink_stats_t *stats, const k2td_insert_batch_t *batch,
                               size_t n) {
    size_t cols = k2td_insert_batch_columns(batch);
    stats->inserted_sqls++;
    stats->written_rows += n;
    stats->written_points += (uint64_t)n * (cols > 0 ? cols - 1 : 0);
}

/* Handles sealed rows [first, first+count) whose statement TDengine refused
 * for its data: reports a single row, or splits the range. */
static k2td_sink_result_t sink_refused(sink_run_t *run, size_t first, size_t count) {
    run->stats->failed_sqls++;
    if (count > 1) return sink_isolate(run, first, count);
    run->stats->failed_rows++;
    run->hooks->row_failed(run->hooks->ctx, k2td_insert_batch_origin(run->batch, first),
                           k2td_insert_batch_table(run->batch, first), run->errstr);
    return K2TD_SINK_OK;
}

/* Writes sealed rows [first, first+count), which fit one statement, as two
 * halves, splitting further on data errors. Returns a sink result. */
static k2td_sink_result_t sink_isolate(sink_run_t *run, size_t first, size_t count) {
    size_t half = count / 2;
    size_t parts[2][2] = {{first, half}, {first + half, count - half}};
    for (int p = 0; p < 2; p++) {
        size_t f = parts[p][0], n = parts[p][1];
        if (!n) continue;
        k2td_insert_batch_render(run->batch, f, n, &run->sql);
        int abandoned = 0;
        k2td_rest_class_t cls = sink_exec(run, &abandoned);
        if (abandoned) return K2TD_SINK_ABANDONED;
        if (cls == K2TD_REST_OK) {
            sink_count_written(run->stats, run->batch, n);
            continue;
        }
        if (cls != K2TD_REST_DATA) return K2TD_SINK_FATAL;
        k2td_sink_result_t r = sink_refused(run, f, n);
        if (r != K2TD_SINK_OK) return r;
    }
    return K2TD_SINK_OK;
}

/* Hands sealed rows [first, rows) of the batch, whose statement TDengine
 * refused because their supertable does not exist, to the stable_missing
 * hook. Returns the result for the batch, or K2TD_SINK_OK with *resend set
 * when the statement is to be sent again. */
static k2td_sink_result_t sink_missing(sink_run_t *run, size_t first, size_t rows, int *resend) {
    run->stats->failed_sqls++;
    k2td_log_warn("tdengine: %s: the statement's supertable is gone; looking it up again",
                  run->errstr);
    switch (run->hooks->stable_missing(run->hooks->ctx, run->batch, first, rows - first)) {
    case K2TD_SINK_MISSING_SETTLED: return K2TD_SINK_OK;
    case K2TD_SINK_MISSING_BACK: *resend = 1; return K2TD_SINK_OK;
    case K2TD_SINK_MISSING_GIVE_UP: return K2TD_SINK_ABANDONED;
    case K2TD_SINK_MISSING_FAILED: break;
    }
    return K2TD_SINK_FATAL;
}

k2td_sink_result_t k2td_sink_write(k2td_rest_t *rest, k2td_insert_batch_t *batch,
                                   const k2td_sink_hooks_t *hooks, k2td_sink_stats_t *stats,
                                   char *errstr, size_t errstr_size) {
    sink_run_t run = {rest, batch, hooks, stats, K2TD_BUF_INIT, 0, errstr, errstr_size};
    k2td_sink_result_t result = K2TD_SINK_OK;
    size_t rows = k2td_insert_batch_rows(batch);
    int resent = 0; /* the statement at i goes again: its supertable came back */
    k2td_insert_batch_seal(batch);
    for (size_t i = 0; i < rows && result == K2TD_SINK_OK;) {
        size_t taken = k2td_insert_batch_render(batch, i, rows - i, &run.sql);
        int abandoned = 0;
        k2td_rest_class_t cls = sink_exec(&run, &abandoned);
        if (abandoned) {
            result = K2TD_SINK_ABANDONED;
        } else if (cls == K2TD_REST_OK) {
            sink_count_written(stats, batch, taken);
        } else if (cls == K2TD_REST_DATA) {
            k2td_log_warn("tdengine: a statement of %zu rows was refused (%s); isolating the "
                          "rows at fault", taken, errstr);
            result = sink_refused(&run, i, taken);
        } else if (k2td_rest_table_missing(run.code) && !resent) {
            int resend = 0;
            result = sink_missing(&run, i, rows, &resend);
            if (resend) {
                resent = 1;
                continue;
            }
            break; /* the hook settled every row from i on */
        } else {
            result = K2TD_SINK_FATAL;
        }
        resent = 0;
        i += taken;
    }
    k2td_buf_free(&run.sql);
    return result;
}
