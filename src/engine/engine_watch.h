/*
 * engine_watch.h - what a running engine shows to other threads.
 *
 * The engine's thread owns its counters; other threads (the HTTP API, the
 * service's bookkeeping) must not read them directly. A watch is the
 * hand-off: the engine calls k2td_engine_watch_tick() from its loop (cheap:
 * it publishes a copy of the counters, the health inputs and the lag of
 * every assigned partition under a mutex at most every 500 ms), and the log
 * hook of the engine's thread feeds the watch its activity lines and errors
 * (k2td_engine_watch_log as a k2td_log_hook_fn). Readers take consistent
 * copies under the same mutex.
 *
 * Health, from the samples of the health window (the task's
 * health_check_window_in_second, limits below):
 *   Waiting      the task holds no partition (before the first assignment,
 *                while its group joins or rebalances, or while the group's
 *                coordinator cannot be reached): nothing can flow
 *   SinkError    the sink is waiting for TDengine (retrying) now
 *   SourceError  the consumer reported errors in the window
 *   Bounce       rows or messages were refused (failed, invalid, archived, malformed)
 *                in the window, more than max_errors_in_window
 *   Busy         the open batch reached busy_threshold of batch_size in the
 *                window and the consumer still lags
 *   Idle         no message was consumed in the window
 *   Ready        otherwise
 * (Fatal, a failed task, is decided by the task's owner.)
 */
#ifndef K2TD_ENGINE_WATCH_H
#define K2TD_ENGINE_WATCH_H

#include <cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/log.h"
#include "../source/kafka_source.h"
#include "engine.h"

/* The health window when the task sets none (health_check_window_in_second=0). */
#define K2TD_HEALTH_WINDOW_S 10

/* The thresholds of the health rules. */
typedef struct k2td_health_limits {
    int64_t window_ms;  /* how far back the rules look */
    int busy_pct;       /* Busy: open batch at this % of batch_size (1..100) */
    int64_t max_errors; /* Bounce: more refused rows than this in the window */
} k2td_health_limits_t;

/* Fills *out from the task's source settings (health_check_window_in_second,
 * busy_threshold, max_errors_in_window). */
void k2td_health_limits_from_conf(const k2td_kafka_conf_t *c, k2td_health_limits_t *out);

typedef struct k2td_engine_watch k2td_engine_watch_t;

/* One activity line or error, as the log hook received it. */
typedef struct k2td_watch_event {
    int64_t time_ms;
    k2td_log_level_t level;
    char *message;     /* owned */
    char *topic;       /* owned; NULL when the line names no topic/partition/offset */
    int32_t partition;
    int64_t offset;
} k2td_watch_event_t;

/* Returns a new watch judging health by limits (copied); release with
 * k2td_engine_watch_free. */
k2td_engine_watch_t *k2td_engine_watch_new(const k2td_health_limits_t *limits);

/* Releases w and what it holds (NULL is fine). */
void k2td_engine_watch_free(k2td_engine_watch_t *w);

/*
 * Engine side, on the engine's thread: records one loop iteration (src may
 * be NULL before the consumer exists: no partitions, no errors). open_msgs
 * is the size of the open batch, batch_size its limit, sink_waiting non-zero
 * while the sink waits for TDengine, source_waiting non-zero while the task
 * holds no partition. Publishes when 500 ms passed since the last publish
 * (or at once when sink_waiting or source_waiting changed). Until the first
 * publish the health is Waiting.
 */
void k2td_engine_watch_tick(k2td_engine_watch_t *w, const k2td_engine_stats_t *st,
                            k2td_kafka_source_t *src, size_t open_msgs, size_t batch_size,
                            int sink_waiting, int source_waiting);

/* A k2td_log_hook_fn: ctx is the watch. Keeps every line as activity and
 * every WARN/ERROR line as an error, with the topic, partition and offset
 * when the line names them ("<topic> [<partition>] offset <offset>"). */
void k2td_engine_watch_log(void *ctx, k2td_log_level_t level, int64_t time_ms,
                           const char *message);

/* Reader side: copies the last published counters into *st. Returns 0 when
 * nothing was published yet (st zeroed), 1 otherwise. */
int k2td_engine_watch_stats(k2td_engine_watch_t *w, k2td_engine_stats_t *st);

/* Returns the health name by the rules above: "Ready", "Idle", ... */
const char *k2td_engine_watch_health(k2td_engine_watch_t *w);

/* Returns rows written per second over the health window. */
double k2td_engine_watch_rate(k2td_engine_watch_t *w);

/* Returns [{"topic","partition","committed","end","lag"}...] for the
 * partitions assigned at the last publish ("committed": the offset stored
 * for commit after the last confirmed batch, null before the first). */
cJSON *k2td_engine_watch_lag_json(k2td_engine_watch_t *w);

/* Moves the events logged since the last call to the caller: *activity
 * (n_activity) and *errors (n_errors), newest last; the caller frees them
 * with k2td_watch_events_free. At most the newest 200 activity lines and
 * 50 errors are kept between calls. */
void k2td_engine_watch_take_events(k2td_engine_watch_t *w, k2td_watch_event_t **activity,
                                   size_t *n_activity, k2td_watch_event_t **errors,
                                   size_t *n_errors);

/* Frees an array of n events. */
void k2td_watch_events_free(k2td_watch_event_t *ev, size_t n);

#endif
