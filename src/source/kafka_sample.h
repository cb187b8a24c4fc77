/*
 * kafka_sample.h - reads a few messages from a task's topics to show them,
 * leaving no trace in the task's consumer group.
 *
 * Where each partition starts is where the task would start (kafka_source.h):
 * the group's committed offset when there is one, else fallback_offset -
 * earliest: the low watermark; ByTime: the first message at or after
 * start_time (none: nothing from that partition); latest: the LAST messages
 * of the partition, because "what is produced from now on" would show
 * nothing at all. A committed offset outside the partition's range (removed by
 * retention) counts as none. A group that has read everything gives no
 * samples: that is what the task would see next.
 *
 * The count is spread over the partitions fairly: each gets an equal share
 * of what is left, a partition with fewer messages gives its rest to the
 * others (k2td_kafka_sample_quota). Offsets are counted from the watermarks,
 * so a partition with gaps (compaction, transaction markers) may give fewer
 * than its share. Reading stops when every partition gave its share or
 * reached its end, or at the timeout; an empty topic returns at once. A
 * partition that fails while being read is logged and left out; the fetch
 * fails only when nothing at all could be read.
 *
 * The consumer uses the task's own configuration (same brokers, group id,
 * SASL/SSL passthrough keys) but partitions are assign()ed - the group is
 * never joined, so a running task sees no rebalance - and auto-commit and
 * offset storing are forced off after the passthrough keys: nothing is ever
 * committed.
 */
#ifndef K2TD_KAFKA_SAMPLE_H
#define K2TD_KAFKA_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "../task/kafka_dsn.h"

/* One message; every pointer is owned by the array it is in. */
typedef struct k2td_kafka_sample {
    char *topic;
    int32_t partition;
    int64_t offset;
    char *key;        /* NULL when the message has no key, else key_len bytes + NUL */
    size_t key_len;
    char *value;      /* value_len bytes + NUL ("" for a message without a value) */
    size_t value_len;
} k2td_kafka_sample_t;

/* The messages read, in topic order (as configured), then partition, then
 * offset. */
typedef struct k2td_kafka_samples {
    k2td_kafka_sample_t *items;
    size_t n;
    int timed_out; /* the timeout passed before every partition was done */
} k2td_kafka_samples_t;

/* Why a fetch failed. */
typedef enum k2td_kafka_sample_rc {
    K2TD_KAFKA_SAMPLE_OK = 0,
    K2TD_KAFKA_SAMPLE_CONFIG,   /* librdkafka refused a property */
    K2TD_KAFKA_SAMPLE_DOWN,     /* no broker answered */
    K2TD_KAFKA_SAMPLE_NO_TOPIC, /* a topic does not exist or is not authorised */
    K2TD_KAFKA_SAMPLE_FAILED,   /* offsets could not be read, fallback_offset=error, ... */
} k2td_kafka_sample_rc_t;

/*
 * Reads up to count messages from the topics of conf, as described above,
 * within timeout_ms in all. task_id is the task's id (NULL when none) for the
 * group id rule. Returns K2TD_KAFKA_SAMPLE_OK with *out filled (the caller
 * releases it with k2td_kafka_samples_free; a timeout is not a failure: *out
 * holds what came and timed_out is set), or another code with *out empty and
 * errstr naming the brokers, the topic or the partition and the reason.
 */
k2td_kafka_sample_rc_t k2td_kafka_sample_fetch(const k2td_kafka_conf_t *conf, const char *task_id,
                                               size_t count, int timeout_ms,
                                               k2td_kafka_samples_t *out, char *errstr,
                                               size_t errstr_size);

/* Releases everything *s owns and zeroes it; safe on a zeroed struct. */
void k2td_kafka_samples_free(k2td_kafka_samples_t *s);

/*
 * Shares count out over n partitions that hold avail[i] messages each:
 * every round each partition not yet full gets an equal share of what is
 * left; when less is left than there are such partitions, the first ones get
 * one each. Sets quota[i] <= avail[i]; the quotas add up to
 * min(count, sum of avail). Returns that sum.
 */
int64_t k2td_kafka_sample_quota(const int64_t *avail, size_t n, int64_t count, int64_t *quota);

#endif
