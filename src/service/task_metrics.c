/*
 * task_metrics.c - the metric names and their source counters.
 */
#include "task_metrics.h"

#include <string.h>

const char *const k2td_metric_names[K2TD_METRIC_COUNT] = {
    [K2TD_M_CONSUMED] = "kafka_consumed_messages",
    [K2TD_M_PARSED] = "parsed_rows",
    [K2TD_M_FILTERED] = "filter_skipped_rows",
    [K2TD_M_WRITTEN] = "written_rows",
    [K2TD_M_POINTS] = "written_points",
    [K2TD_M_FAILED] = "failed_rows",
    [K2TD_M_ARCHIVED] = "archived_rows",
    [K2TD_M_SQLS] = "inserted_sqls",
    [K2TD_M_FAILED_SQLS] = "failed_sqls",
    [K2TD_M_BATCHES] = "processed_batches",
    [K2TD_M_MALFORMED] = "malformed_messages",
    [K2TD_M_INVALID] = "invalid_rows",
};

void k2td_metrics_from_stats(k2td_metrics_t *m, const k2td_engine_stats_t *st) {
    int64_t execute_ms = m->execute_ms;
    memset(m, 0, sizeof(*m));
    m->execute_ms = execute_ms;
    m->v[K2TD_M_CONSUMED] = st->kafka_consumed_messages;
    m->v[K2TD_M_PARSED] = st->parsed_rows;
    m->v[K2TD_M_FILTERED] = st->filtered_rows;
    m->v[K2TD_M_WRITTEN] = st->written_rows;
    m->v[K2TD_M_POINTS] = st->written_points;
    m->v[K2TD_M_FAILED] = st->failed_rows;
    m->v[K2TD_M_ARCHIVED] = st->archived_rows;
    m->v[K2TD_M_SQLS] = st->inserted_sqls;
    m->v[K2TD_M_FAILED_SQLS] = st->failed_sqls;
    m->v[K2TD_M_BATCHES] = st->processed_batches;
    m->v[K2TD_M_MALFORMED] = st->malformed_messages;
    m->v[K2TD_M_INVALID] = st->invalid_rows;
}
