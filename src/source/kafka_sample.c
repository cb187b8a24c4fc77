/*
 * kafka_sample.c - reads a few messages from a task's topics without
 * joining or committing (see kafka_sample.h).
 */
#include "kafka_sample.h"

#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/alloc.h"
#include "../common/errstr.h"
#include "../common/log.h"
#include "kafka_source.h"

/* How a partition's start was decided (for the log line). */
enum { FROM_COMMITTED, FROM_EARLIEST, FROM_LAST, FROM_TIME };

/* One partition of the configured topics. */
typedef struct sample_part {
    const char *topic; /* borrowed from conf->topics */
    int32_t partition;
    int64_t lo, hi;    /* watermarks when the fetch began */
    int64_t start;     /* first offset to read */
    int from;          /* FROM_* */
    int64_t quota;     /* messages to read here */
    int64_t got;
    size_t slot;       /* where its messages go in the result */
    int done;
} sample_part_t;

typedef struct sampler {
    const k2td_kafka_conf_t *conf;
    k2td_kinit_t *kinit; /* kinit's error output with GSSAPI, else NULL; freed after rk */
    rd_kafka_t *rk;
    int timeout_ms;
    int64_t deadline_ms;
    sample_part_t *parts;
    size_t nparts;
    k2td_kafka_sample_t *slots; /* quota slots per partition, in part order */
} sampler_t;

static int64_t sample_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Returns the milliseconds left before the deadline (0 when past). */
static int sample_left(const sampler_t *s) {
    int64_t left = s->deadline_ms - sample_now_ms();
    return left > 0 ? (int)left : 0;
}

/* Returns the consumer's group id, copied into buf ("" when unreadable). */
static const char *sample_group(const sampler_t *s, char *buf, size_t size) {
    if (rd_kafka_conf_get(rd_kafka_conf(s->rk), "group.id", buf, &size) != RD_KAFKA_CONF_OK)
        return "";
    return buf;
}

/* Creates the consumer: the task's configuration with committing, offset
 * storing and cooperative assignment forced off (after the passthrough keys)
 * and end-of-partition events on. */
static k2td_kafka_sample_rc_t sample_open(sampler_t *s, const char *task_id, char *errstr,
                                          size_t errstr_size) {
    static const char *const forced[][2] = {
        {"enable.auto.commit", "false"},
        {"enable.auto.offset.store", "false"},
        {"enable.partition.eof", "true"},
        /* never used (the group is not joined) but cooperative-sticky aborts
         * on close in librdkafka 2.0.2 (issue #4312) */
        {"partition.assignment.strategy", "range,roundrobin"},
    };
    s->kinit = k2td_kinit_new(s->conf);
    rd_kafka_conf_t *rc =
        k2td_kafka_source_conf(s->conf, task_id, s->kinit, errstr, errstr_size);
    if (!rc) return K2TD_KAFKA_SAMPLE_CONFIG;
    char err[512];
    for (size_t i = 0; i < sizeof(forced) / sizeof(forced[0]); i++) {
        if (rd_kafka_conf_set(rc, forced[i][0], forced[i][1], err, sizeof(err)) !=
            RD_KAFKA_CONF_OK) {
            rd_kafka_conf_destroy(rc);
            k2td_errstr_set(errstr, errstr_size, "librdkafka property `%s`: %s", forced[i][0],
                            err);
            return K2TD_KAFKA_SAMPLE_CONFIG;
        }
    }
    s->rk = rd_kafka_new(RD_KAFKA_CONSUMER, rc, err, sizeof(err));
    if (!s->rk) {
        rd_kafka_conf_destroy(rc); /* rd_kafka_new owns rc only on success */
        k2td_kafka_source_new_failed(s->conf, err, errstr, errstr_size);
        return K2TD_KAFKA_SAMPLE_CONFIG;
    }
    rd_kafka_poll_set_consumer(s->rk);
    return K2TD_KAFKA_SAMPLE_OK;
}

/* Lists the partitions of every configured topic from the brokers'
 * metadata. Fails with DOWN naming the brokers or NO_TOPIC naming the topic
 * missing or not authorised for the user. */
static k2td_kafka_sample_rc_t sample_partitions(sampler_t *s, char *errstr,
                                                size_t errstr_size) {
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t err = rd_kafka_metadata(s->rk, 1, NULL, &md, sample_left(s));
    if (err) {
        char kinit[600];
        k2td_kinit_describe(s->kinit, s->conf, kinit, sizeof(kinit));
        k2td_errstr_set(errstr, errstr_size,
                        "kafka: brokers %s did not answer within %d ms: %s%s", s->conf->brokers,
                        s->timeout_ms, kinit, rd_kafka_err2str(err));
        return K2TD_KAFKA_SAMPLE_DOWN;
    }
    k2td_kafka_sample_rc_t rc = K2TD_KAFKA_SAMPLE_OK;
    for (size_t t = 0; t < s->conf->topics.n && rc == K2TD_KAFKA_SAMPLE_OK; t++) {
        const char *want = s->conf->topics.items[t];
        const struct rd_kafka_metadata_topic *mt = NULL;
        for (int i = 0; i < md->topic_cnt && !mt; i++)
            if (strcmp(md->topics[i].topic, want) == 0 && md->topics[i].err == 0 &&
                md->topics[i].partition_cnt > 0)
                mt = &md->topics[i];
        if (!mt) {
            k2td_kafka_topic_missing(s->rk, s->conf, want, errstr, errstr_size);
            rc = K2TD_KAFKA_SAMPLE_NO_TOPIC;
            break;
        }
        s->parts = k2td_realloc(s->parts, (s->nparts + (size_t)mt->partition_cnt) *
                                              sizeof(*s->parts));
        /* Kafka numbers a topic's partitions 0..partition_cnt-1 */
        for (int i = 0; i < mt->partition_cnt; i++) {
            sample_part_t *p = &s->parts[s->nparts + (size_t)i];
            memset(p, 0, sizeof(*p));
            p->topic = want;
            p->partition = i;
        }
        s->nparts += (size_t)mt->partition_cnt;
    }
    rd_kafka_metadata_destroy(md);
    return rc;
}

/* Returns 1 after a short pause when err is a passing condition (a leader or
 * coordinator being elected, as right after a topic was created) and time is
 * left, so the caller asks again; else 0. */
static int sample_retry(const sampler_t *s, rd_kafka_resp_err_t err) {
    switch (err) {
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_REPLICA_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
    case RD_KAFKA_RESP_ERR_FENCED_LEADER_EPOCH:
    case RD_KAFKA_RESP_ERR_UNKNOWN_LEADER_EPOCH:
    case RD_KAFKA_RESP_ERR_OFFSET_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_UNSTABLE_OFFSET_COMMIT: break;
    default: return 0;
    }
    if (sample_left(s) < 100) return 0;
    nanosleep(&(struct timespec){0, 100 * 1000000L}, NULL);
    return 1;
}

/* Reads every partition's watermarks. */
static k2td_kafka_sample_rc_t sample_watermarks(sampler_t *s, char *errstr,
                                                size_t errstr_size) {
    for (size_t i = 0; i < s->nparts; i++) {
        sample_part_t *p = &s->parts[i];
        rd_kafka_resp_err_t err;
        do
            err = rd_kafka_query_watermark_offsets(s->rk, p->topic, p->partition, &p->lo, &p->hi,
                                                   sample_left(s));
        while (sample_retry(s, err));
        if (err) {
            k2td_errstr_set(errstr, errstr_size,
                            "kafka: topic `%s` partition %d: cannot read its offsets: %s",
                            p->topic, (int)p->partition, rd_kafka_err2str(err));
            return K2TD_KAFKA_SAMPLE_FAILED;
        }
    }
    return K2TD_KAFKA_SAMPLE_OK;
}

/* A librdkafka call on a partition list: rd_kafka_committed or
 * rd_kafka_offsets_for_times. */
typedef rd_kafka_resp_err_t (*sample_list_fn)(rd_kafka_t *rk,
                                              rd_kafka_topic_partition_list_t *parts,
                                              int timeout_ms);

/* Calls fn on a list of s's partitions (in part order) each given offset,
 * again while it fails for a passing reason. Returns the list (the caller
 * destroys it), or NULL with errstr saying `what` failed (and for which
 * partition, when only some did). */
static rd_kafka_topic_partition_list_t *sample_list_call(sampler_t *s, sample_list_fn fn,
                                                         int64_t offset, const char *what,
                                                         char *errstr, size_t errstr_size) {
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new((int)s->nparts);
    for (size_t i = 0; i < s->nparts; i++)
        rd_kafka_topic_partition_list_add(l, s->parts[i].topic, s->parts[i].partition);
    rd_kafka_resp_err_t err;
    const rd_kafka_topic_partition_t *bad;
    do {
        for (int i = 0; i < l->cnt; i++) {
            l->elems[i].offset = offset;
            l->elems[i].err = RD_KAFKA_RESP_ERR_NO_ERROR;
        }
        err = fn(s->rk, l, sample_left(s));
        bad = NULL;
        for (int i = 0; !err && i < l->cnt; i++)
            if (l->elems[i].err) err = (bad = &l->elems[i])->err;
    } while (sample_retry(s, err));
    if (!err) return l;
    if (bad)
        k2td_errstr_set(errstr, errstr_size, "kafka: %s: topic `%s` partition %d: %s", what,
                        bad->topic, (int)bad->partition, rd_kafka_err2str(err));
    else
        k2td_errstr_set(errstr, errstr_size, "kafka: %s: %s", what, rd_kafka_err2str(err));
    rd_kafka_topic_partition_list_destroy(l);
    return NULL;
}

/* Finds the starts the ByTime fallback gives the partitions marked FROM_TIME:
 * the first message at or after start_time, or the end when there is none. */
static k2td_kafka_sample_rc_t sample_by_time(sampler_t *s, char *errstr, size_t errstr_size) {
    rd_kafka_topic_partition_list_t *l =
        sample_list_call(s, rd_kafka_offsets_for_times, s->conf->start_time_ms,
                         "cannot find the offsets for start_time", errstr, errstr_size);
    if (!l) return K2TD_KAFKA_SAMPLE_FAILED;
    for (size_t i = 0; i < s->nparts; i++) {
        sample_part_t *p = &s->parts[i];
        int64_t at = l->elems[i].offset;
        if (p->from == FROM_TIME) p->start = at < 0 ? p->hi : at < p->lo ? p->lo : at;
    }
    rd_kafka_topic_partition_list_destroy(l);
    return K2TD_KAFKA_SAMPLE_OK;
}

/* Decides where each partition starts: its committed offset when it lies in
 * [lo, hi], else fallback_offset (see kafka_sample.h). */
static k2td_kafka_sample_rc_t sample_starts(sampler_t *s, char *errstr, size_t errstr_size) {
    char group[256], what[320];
    snprintf(what, sizeof(what), "cannot read the committed offsets of group `%s`",
             sample_group(s, group, sizeof(group)));
    rd_kafka_topic_partition_list_t *l =
        sample_list_call(s, rd_kafka_committed, RD_KAFKA_OFFSET_INVALID, what, errstr,
                         errstr_size);
    if (!l) return K2TD_KAFKA_SAMPLE_FAILED;
    int by_time = 0;
    k2td_kafka_sample_rc_t rc = K2TD_KAFKA_SAMPLE_OK;
    for (size_t i = 0; i < s->nparts && rc == K2TD_KAFKA_SAMPLE_OK; i++) {
        sample_part_t *p = &s->parts[i];
        int64_t c = l->elems[i].offset;
        p->start = p->lo; /* for FROM_LAST: all there is, cut to the share later */
        if (c >= p->lo && c <= p->hi) {
            p->start = c;
            p->from = FROM_COMMITTED;
            continue;
        }
        switch (s->conf->fallback_offset) {
        case K2TD_KAFKA_OFFSET_EARLIEST: p->from = FROM_EARLIEST; break;
        case K2TD_KAFKA_OFFSET_LATEST: p->from = FROM_LAST; break;
        case K2TD_KAFKA_OFFSET_BYTIME:
            p->from = FROM_TIME;
            by_time = 1;
            break;
        default:
            k2td_errstr_set(errstr, errstr_size,
                            "kafka: topic `%s` partition %d has no committed offset in group "
                            "`%s` and fallback_offset is error: the task would not read it",
                            p->topic, (int)p->partition, sample_group(s, group, sizeof(group)));
            rc = K2TD_KAFKA_SAMPLE_FAILED;
        }
    }
    rd_kafka_topic_partition_list_destroy(l);
    if (rc == K2TD_KAFKA_SAMPLE_OK && by_time) rc = sample_by_time(s, errstr, errstr_size);
    return rc;
}

int64_t k2td_kafka_sample_quota(const int64_t *avail, size_t n, int64_t count, int64_t *quota) {
    int64_t left = count > 0 ? count : 0;
    for (size_t i = 0; i < n; i++) quota[i] = 0;
    for (;;) {
        int64_t open = 0;
        for (size_t i = 0; i < n; i++) open += quota[i] < avail[i];
        if (!open || !left) break;
        int64_t share = left / open;
        for (size_t i = 0; i < n && left; i++) {
            if (quota[i] >= avail[i]) continue;
            int64_t give = share ? share : 1;
            if (give > avail[i] - quota[i]) give = avail[i] - quota[i];
            quota[i] += give;
            left -= give;
        }
    }
    return (count > 0 ? count : 0) - left;
}

/* Shares count out over the partitions, settles where "last messages"
 * partitions start, and assigns the partitions that have a share. Returns
 * the number of messages to read, or -1 with errstr set. */
static int64_t sample_assign(sampler_t *s, size_t count, char *errstr, size_t errstr_size) {
    static const char *const from_names[] = {"committed", "earliest", "the last messages",
                                             "start_time"};
    int64_t *avail = k2td_calloc(s->nparts ? s->nparts : 1, sizeof(*avail));
    int64_t *quota = k2td_calloc(s->nparts ? s->nparts : 1, sizeof(*quota));
    for (size_t i = 0; i < s->nparts; i++)
        avail[i] = s->parts[i].hi > s->parts[i].start ? s->parts[i].hi - s->parts[i].start : 0;
    int64_t total = k2td_kafka_sample_quota(avail, s->nparts, (int64_t)count, quota);
    s->slots = k2td_calloc(total ? (size_t)total : 1, sizeof(*s->slots));
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new((int)s->nparts);
    size_t slot = 0;
    for (size_t i = 0; i < s->nparts; i++) {
        sample_part_t *p = &s->parts[i];
        p->quota = quota[i];
        p->slot = slot;
        slot += (size_t)p->quota;
        p->done = p->quota == 0;
        if (p->done) continue;
        if (p->from == FROM_LAST) p->start = p->hi - p->quota;
        rd_kafka_topic_partition_list_add(l, p->topic, p->partition)->offset = p->start;
        k2td_log_info("kafka: sampling %s [%d] from offset %lld (%s), %lld message(s) at most",
                      p->topic, (int)p->partition, (long long)p->start, from_names[p->from],
                      (long long)p->quota);
    }
    free(avail);
    free(quota);
    rd_kafka_resp_err_t err = l->cnt ? rd_kafka_assign(s->rk, l) : 0;
    rd_kafka_topic_partition_list_destroy(l);
    if (err)
        return k2td_errstr_set(errstr, errstr_size, "kafka: assign failed: %s",
                               rd_kafka_err2str(err));
    return total;
}

/* Returns the partition m belongs to, or NULL. */
static sample_part_t *sample_part_of(sampler_t *s, const rd_kafka_message_t *m) {
    if (!m->rkt) return NULL;
    const char *topic = rd_kafka_topic_name(m->rkt);
    for (size_t i = 0; i < s->nparts; i++)
        if (s->parts[i].partition == m->partition && strcmp(s->parts[i].topic, topic) == 0)
            return &s->parts[i];
    return NULL;
}

/* Returns an owned copy of len bytes at data plus a NUL. */
static char *sample_copy(const void *data, size_t len) {
    char *c = k2td_malloc(len + 1);
    if (len) memcpy(c, data, len);
    c[len] = '\0';
    return c;
}

/* Takes one polled event: a message goes into its partition's slots; an
 * end-of-partition or a partition error ends that partition (the error is
 * kept in errstr). Returns how many partitions it finished (0 or 1). */
static int sample_take(sampler_t *s, const rd_kafka_message_t *m, char *errstr,
                       size_t errstr_size) {
    sample_part_t *p = sample_part_of(s, m);
    if (m->err && !p) {
        k2td_log_warn("kafka: %s", rd_kafka_message_errstr(m)); /* e.g. a broker went away */
        return 0;
    }
    if (!p || p->done) return 0;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        p->done = 1;
        return 1;
    }
    if (m->err) {
        k2td_errstr_set(errstr, errstr_size, "kafka: topic `%s` partition %d: %s", p->topic,
                        (int)p->partition, rd_kafka_message_errstr(m));
        k2td_log_warn("%s", errstr);
        p->done = 1;
        return 1;
    }
    if (m->offset >= p->start) {
        k2td_kafka_sample_t *d = &s->slots[p->slot + (size_t)p->got++];
        d->topic = k2td_strdup(p->topic);
        d->partition = p->partition;
        d->offset = m->offset;
        d->key = m->key ? sample_copy(m->key, m->key_len) : NULL;
        d->key_len = m->key ? m->key_len : 0;
        d->value = sample_copy(m->payload, m->payload ? m->len : 0);
        d->value_len = m->payload ? m->len : 0;
    }
    p->done = p->got >= p->quota || m->offset + 1 >= p->hi;
    return p->done;
}

/* Polls until every assigned partition is done or the deadline passes.
 * Returns 0, or -1 when some partition failed (errstr says which) and
 * nothing was read at all. */
static int sample_poll(sampler_t *s, int *timed_out, char *errstr, size_t errstr_size) {
    size_t pending = 0, got = 0;
    for (size_t i = 0; i < s->nparts; i++) pending += !s->parts[i].done;
    errstr[0] = '\0';
    while (pending) {
        int left = sample_left(s);
        if (!left) {
            *timed_out = 1;
            break;
        }
        rd_kafka_message_t *m = rd_kafka_consumer_poll(s->rk, left < 200 ? left : 200);
        if (!m) continue;
        pending -= (size_t)sample_take(s, m, errstr, errstr_size);
        rd_kafka_message_destroy(m);
    }
    for (size_t i = 0; i < s->nparts; i++) got += (size_t)s->parts[i].got;
    return got == 0 && errstr[0] ? -1 : 0;
}

/* Moves the filled slots into out, in slot order. */
static void sample_collect(sampler_t *s, k2td_kafka_samples_t *out) {
    size_t n = 0;
    for (size_t i = 0; i < s->nparts; i++) n += (size_t)s->parts[i].got;
    out->items = k2td_calloc(n ? n : 1, sizeof(*out->items));
    for (size_t i = 0; i < s->nparts; i++) {
        const sample_part_t *p = &s->parts[i];
        if (p->got) /* slots is NULL when no partition got a message */
            memcpy(out->items + out->n, s->slots + p->slot, (size_t)p->got * sizeof(*out->items));
        out->n += (size_t)p->got;
    }
    free(s->slots);
    s->slots = NULL;
}

/* Frees every sample in slots[0..n) (partly filled slots included). */
static void sample_free_items(k2td_kafka_sample_t *items, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free(items[i].topic);
        free(items[i].key);
        free(items[i].value);
    }
    free(items);
}

k2td_kafka_sample_rc_t k2td_kafka_sample_fetch(const k2td_kafka_conf_t *conf, const char *task_id,
                                               size_t count, int timeout_ms,
                                               k2td_kafka_samples_t *out, char *errstr,
                                               size_t errstr_size) {
    memset(out, 0, sizeof(*out));
    sampler_t s = {.conf = conf, .timeout_ms = timeout_ms > 0 ? timeout_ms : 0};
    s.deadline_ms = sample_now_ms() + s.timeout_ms;
    char err[1024];
    k2td_kafka_sample_rc_t rc = sample_open(&s, task_id, errstr, errstr_size);
    if (rc == K2TD_KAFKA_SAMPLE_OK) rc = sample_partitions(&s, errstr, errstr_size);
    if (rc == K2TD_KAFKA_SAMPLE_OK) rc = sample_watermarks(&s, errstr, errstr_size);
    if (rc == K2TD_KAFKA_SAMPLE_OK) rc = sample_starts(&s, errstr, errstr_size);
    if (rc == K2TD_KAFKA_SAMPLE_OK && sample_assign(&s, count, errstr, errstr_size) < 0)
        rc = K2TD_KAFKA_SAMPLE_FAILED;
    if (rc == K2TD_KAFKA_SAMPLE_OK && sample_poll(&s, &out->timed_out, err, sizeof(err)) != 0) {
        k2td_errstr_set(errstr, errstr_size, "%s", err);
        rc = K2TD_KAFKA_SAMPLE_FAILED;
    }
    if (rc == K2TD_KAFKA_SAMPLE_OK) {
        sample_collect(&s, out);
    } else {
        int64_t total = 0;
        for (size_t i = 0; i < s.nparts; i++) total += s.parts[i].quota;
        if (s.slots) sample_free_items(s.slots, (size_t)total);
        out->timed_out = 0;
    }
    if (s.rk) {
        /* nothing was stored and auto-commit is off: closing commits nothing */
        rd_kafka_consumer_close(s.rk);
        rd_kafka_destroy(s.rk);
    }
    k2td_kinit_free(s.kinit); /* librdkafka's threads are gone: no kinit runs */
    free(s.parts);
    return rc;
}

void k2td_kafka_samples_free(k2td_kafka_samples_t *s) {
    sample_free_items(s->items, s->n);
    memset(s, 0, sizeof(*s));
}
