/*
 * engine_watch.c - the published view of a running engine (see
 * engine_watch.h).
 */
#include "engine_watch.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/clock.h"

#define WATCH_PUBLISH_MS 500
#define WATCH_MAX_ACTIVITY 200
#define WATCH_MAX_ERRORS 50

/* The health inputs at one publish. */
typedef struct watch_sample {
    int64_t ms;
    uint64_t consumed, refused, kafka_errors, full_batches, written;
} watch_sample_t;

typedef struct watch_lag {
    char *topic;
    int32_t partition;
    int64_t stored, end, lag;
} watch_lag_t;

/* A list of partitions being collected or published. */
typedef struct watch_lags {
    watch_lag_t *v;
    size_t n, cap;
    int64_t total;
} watch_lags_t;

/* A bounded queue of events, oldest first. */
typedef struct watch_queue {
    k2td_watch_event_t *ev;
    size_t n, max;
} watch_queue_t;

struct k2td_engine_watch {
    pthread_mutex_t lock;
    /* engine thread only */
    int64_t next_publish_ms;
    uint64_t full_batches;      /* ticks with the open batch at the busy threshold */
    k2td_health_limits_t limits;
    int last_sink_waiting, last_source_waiting;
    /* under lock */
    int published;
    k2td_engine_stats_t stats;
    int sink_waiting;
    int source_waiting; /* no partition held at the last publish (or nothing published) */
    watch_sample_t *samples; /* ring of nsamples_max, one per publish */
    size_t nsamples, sample_next, nsamples_max;
    watch_lags_t lags;
    watch_queue_t activity, errors;
};

void k2td_health_limits_from_conf(const k2td_kafka_conf_t *c, k2td_health_limits_t *out) {
    out->window_ms = (c->health_window_s ? c->health_window_s : K2TD_HEALTH_WINDOW_S) * 1000;
    out->busy_pct = c->busy_pct;
    out->max_errors = c->max_errors_in_window;
}

k2td_engine_watch_t *k2td_engine_watch_new(const k2td_health_limits_t *limits) {
    k2td_engine_watch_t *w = k2td_calloc(1, sizeof(*w));
    pthread_mutex_init(&w->lock, NULL);
    w->limits = *limits;
    w->source_waiting = w->last_source_waiting = 1;
    w->nsamples_max = (size_t)(limits->window_ms / WATCH_PUBLISH_MS) + 2;
    w->samples = k2td_calloc(w->nsamples_max, sizeof(*w->samples));
    w->activity.max = WATCH_MAX_ACTIVITY;
    w->errors.max = WATCH_MAX_ERRORS;
    w->activity.ev = k2td_calloc(WATCH_MAX_ACTIVITY, sizeof(k2td_watch_event_t));
    w->errors.ev = k2td_calloc(WATCH_MAX_ERRORS, sizeof(k2td_watch_event_t));
    return w;
}

/* Frees a partition list. */
static void watch_lags_free(watch_lags_t *l) {
    for (size_t i = 0; i < l->n; i++) free(l->v[i].topic);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

void k2td_watch_events_free(k2td_watch_event_t *ev, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free(ev[i].message);
        free(ev[i].topic);
    }
    free(ev);
}

void k2td_engine_watch_free(k2td_engine_watch_t *w) {
    if (!w) return;
    watch_lags_free(&w->lags);
    k2td_watch_events_free(w->activity.ev, w->activity.n);
    k2td_watch_events_free(w->errors.ev, w->errors.n);
    pthread_mutex_destroy(&w->lock);
    free(w->samples);
    free(w);
}

/* kafka_source's partition callback: appends one partition to the
 * watch_lags_t ctx. */
static void watch_add_part(void *ctx, const char *topic, int32_t partition, int64_t stored,
                           int64_t position, int64_t end) {
    watch_lags_t *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = k2td_realloc(l->v, l->cap * sizeof(*l->v));
    }
    int64_t from = stored >= 0 ? stored : position;
    int64_t lag = end >= 0 && from >= 0 && end > from ? end - from : 0;
    l->v[l->n++] = (watch_lag_t){k2td_strdup(topic), partition, stored, end, lag};
    l->total += lag;
}

void k2td_engine_watch_tick(k2td_engine_watch_t *w, const k2td_engine_stats_t *st,
                            k2td_kafka_source_t *src, size_t open_msgs, size_t batch_size,
                            int sink_waiting, int source_waiting) {
    if (batch_size > 0 && open_msgs * 100 >= batch_size * (size_t)w->limits.busy_pct)
        w->full_batches++;
    int64_t now = k2td_clock_mono_ms();
    if (now < w->next_publish_ms && sink_waiting == w->last_sink_waiting &&
        source_waiting == w->last_source_waiting)
        return;
    w->next_publish_ms = now + WATCH_PUBLISH_MS;
    w->last_sink_waiting = sink_waiting;
    w->last_source_waiting = source_waiting;
    /* collected before locking: the lock is never held while librdkafka
     * is called (it may log, and logging takes the lock) */
    watch_lags_t lags = {0};
    uint64_t kafka_errors = 0;
    if (src) {
        k2td_kafka_source_partitions(src, watch_add_part, &lags);
        kafka_errors = k2td_kafka_source_errors(src);
    }
    pthread_mutex_lock(&w->lock);
    w->published = 1;
    w->stats = *st;
    w->stats.kafka_errors = kafka_errors;
    w->sink_waiting = sink_waiting;
    w->source_waiting = source_waiting;
    watch_lags_t old = w->lags;
    w->lags = lags;
    watch_sample_t *s = &w->samples[w->sample_next];
    *s = (watch_sample_t){now, st->kafka_consumed_messages,
                          st->failed_rows + st->invalid_rows + st->malformed_messages +
                              st->archived_rows,
                          kafka_errors, w->full_batches, st->written_rows};
    w->sample_next = (w->sample_next + 1) % w->nsamples_max;
    if (w->nsamples < w->nsamples_max) w->nsamples++;
    pthread_mutex_unlock(&w->lock);
    watch_lags_free(&old);
}

/* Returns the newest sample and, in *old, the oldest one not older than the
 * health window (lock held; nsamples > 0). */
static const watch_sample_t *watch_window(const k2td_engine_watch_t *w,
                                          const watch_sample_t **old) {
    size_t newest = (w->sample_next + w->nsamples_max - 1) % w->nsamples_max;
    const watch_sample_t *cur = &w->samples[newest];
    *old = cur;
    for (size_t k = 1; k < w->nsamples; k++) {
        const watch_sample_t *s = &w->samples[(newest + w->nsamples_max - k) % w->nsamples_max];
        if (cur->ms - s->ms > w->limits.window_ms) break;
        *old = s;
    }
    return cur;
}

const char *k2td_engine_watch_health(k2td_engine_watch_t *w) {
    pthread_mutex_lock(&w->lock);
    const char *h = "Ready";
    if (w->source_waiting) {
        h = "Waiting";
    } else if (w->nsamples) {
        const watch_sample_t *old, *cur = watch_window(w, &old);
        /* with a single sample, the run's start (all zero) is the window's start */
        watch_sample_t zero = {0};
        if (old == cur) old = &zero;
        if (w->sink_waiting)
            h = "SinkError";
        else if (cur->kafka_errors > old->kafka_errors)
            h = "SourceError";
        else if (cur->refused - old->refused > (uint64_t)w->limits.max_errors)
            h = "Bounce";
        else if (cur->full_batches > old->full_batches && w->lags.total > 0)
            h = "Busy";
        else if (cur->consumed == old->consumed)
            h = "Idle";
    }
    pthread_mutex_unlock(&w->lock);
    return h;
}

double k2td_engine_watch_rate(k2td_engine_watch_t *w) {
    pthread_mutex_lock(&w->lock);
    double rate = 0;
    if (w->nsamples > 1) {
        const watch_sample_t *old, *cur = watch_window(w, &old);
        if (cur->ms > old->ms)
            rate = (double)(cur->written - old->written) * 1000.0 / (double)(cur->ms - old->ms);
    }
    pthread_mutex_unlock(&w->lock);
    return rate;
}

int k2td_engine_watch_stats(k2td_engine_watch_t *w, k2td_engine_stats_t *st) {
    pthread_mutex_lock(&w->lock);
    int published = w->published;
    if (published)
        *st = w->stats;
    else
        memset(st, 0, sizeof(*st));
    pthread_mutex_unlock(&w->lock);
    return published;
}

cJSON *k2td_engine_watch_lag_json(k2td_engine_watch_t *w) {
    cJSON *arr = cJSON_CreateArray();
    pthread_mutex_lock(&w->lock);
    for (size_t i = 0; i < w->lags.n; i++) {
        const watch_lag_t *l = &w->lags.v[i];
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "topic", l->topic);
        cJSON_AddNumberToObject(p, "partition", l->partition);
        if (l->stored >= 0)
            cJSON_AddNumberToObject(p, "committed", (double)l->stored);
        else
            cJSON_AddNullToObject(p, "committed");
        if (l->end >= 0)
            cJSON_AddNumberToObject(p, "end", (double)l->end);
        else
            cJSON_AddNullToObject(p, "end");
        cJSON_AddNumberToObject(p, "lag", (double)l->lag);
        cJSON_AddItemToArray(arr, p);
    }
    pthread_mutex_unlock(&w->lock);
    return arr;
}

/* Finds "<topic> [<partition>] offset <offset>" in msg and fills ev's
 * fields; leaves them unset when the line names no message. */
static void watch_origin(const char *msg, k2td_watch_event_t *ev) {
    const char *mark = strstr(msg, "] offset ");
    if (!mark) return;
    char *end;
    long long off = strtoll(mark + 9, &end, 10);
    if (end == mark + 9 || off < 0) return;
    const char *p = mark;
    while (p > msg && p[-1] >= '0' && p[-1] <= '9') p--;
    if (p == mark || p - msg < 3 || p[-1] != '[' || p[-2] != ' ') return;
    long part = strtol(p, NULL, 10);
    const char *topic_end = p - 2, *topic = topic_end;
    while (topic > msg && topic[-1] != ' ') topic--;
    if (topic == topic_end) return;
    ev->topic = k2td_strndup(topic, (size_t)(topic_end - topic));
    ev->partition = (int32_t)part;
    ev->offset = off;
}

/* Appends ev to q, dropping the oldest event when q is full (lock held). */
static void watch_push(watch_queue_t *q, k2td_watch_event_t ev) {
    if (q->n == q->max) {
        free(q->ev[0].message);
        free(q->ev[0].topic);
        memmove(q->ev, q->ev + 1, (q->max - 1) * sizeof(*q->ev));
        q->n--;
    }
    q->ev[q->n++] = ev;
}

void k2td_engine_watch_log(void *ctx, k2td_log_level_t level, int64_t time_ms,
                           const char *message) {
    k2td_engine_watch_t *w = ctx;
    k2td_watch_event_t ev = {time_ms, level, k2td_strdup(message), NULL, -1, -1};
    k2td_watch_event_t err = {0};
    if (level <= K2TD_LOG_WARN) {
        err = (k2td_watch_event_t){time_ms, level, k2td_strdup(message), NULL, -1, -1};
        watch_origin(message, &err);
    }
    pthread_mutex_lock(&w->lock);
    watch_push(&w->activity, ev);
    if (err.message) watch_push(&w->errors, err);
    pthread_mutex_unlock(&w->lock);
}

/* Moves q's events into a new array (*out, *n) and empties q (lock held). */
static void watch_take(watch_queue_t *q, k2td_watch_event_t **out, size_t *n) {
    *n = q->n;
    *out = NULL;
    if (!q->n) return;
    *out = k2td_malloc(q->n * sizeof(**out));
    memcpy(*out, q->ev, q->n * sizeof(**out));
    q->n = 0;
}

void k2td_engine_watch_take_events(k2td_engine_watch_t *w, k2td_watch_event_t **activity,
                                   size_t *n_activity, k2td_watch_event_t **errors,
                                   size_t *n_errors) {
    pthread_mutex_lock(&w->lock);
    watch_take(&w->activity, activity, n_activity);
    watch_take(&w->errors, errors, n_errors);
    pthread_mutex_unlock(&w->lock);
}
