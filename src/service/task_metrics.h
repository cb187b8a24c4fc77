/*
 * task_metrics.h - the counters a task reports, by taosX's metric names.
 *
 * One fixed list of names serves the store (one column each), the status
 * endpoint ("run" and "total_"-prefixed "total") and /metrics.
 */
#ifndef K2TD_TASK_METRICS_H
#define K2TD_TASK_METRICS_H

#include <stdint.h>

#include "../engine/engine.h"

enum {
    K2TD_M_CONSUMED = 0,
    K2TD_M_PARSED,
    K2TD_M_FILTERED,
    K2TD_M_WRITTEN,
    K2TD_M_POINTS,
    K2TD_M_FAILED,
    K2TD_M_ARCHIVED,
    K2TD_M_SQLS,
    K2TD_M_FAILED_SQLS,
    K2TD_M_BATCHES,
    K2TD_M_MALFORMED,
    K2TD_M_INVALID,
    K2TD_METRIC_COUNT
};

typedef struct k2td_metrics {
    uint64_t v[K2TD_METRIC_COUNT];
    int64_t execute_ms; /* wall time the run(s) spent running */
} k2td_metrics_t;

/* The names, indexed like k2td_metrics_t.v ("kafka_consumed_messages", ...). */
extern const char *const k2td_metric_names[K2TD_METRIC_COUNT];

/* Fills m's counters from an engine's (execute_ms is kept). */
void k2td_metrics_from_stats(k2td_metrics_t *m, const k2td_engine_stats_t *st);

#endif
