/*
 * engine.h - one running task: Kafka -> parse -> map -> TDengine.
 *
 * The engine runs on the calling thread. It polls messages into a batch
 * (at most batch_size messages, 16 MiB of payloads or batch_timeout old),
 * parses each message as it arrives, maps the rows onto the supertable,
 * writes them, and only then stores the batch's offsets. While TDengine is
 * unreachable it pauses the partitions and keeps polling (so the group
 * membership stays alive) until the write goes through. Memory is bounded
 * by one batch plus librdkafka's prefetch limit.
 */
#ifndef K2TD_ENGINE_H
#define K2TD_ENGINE_H

#include <signal.h>
#include <stdint.h>

#include "../task/task_file.h"

typedef struct k2td_engine k2td_engine_t;

/* What a task has done, with taosX's metric names where they exist. */
typedef struct k2td_engine_stats {
    uint64_t kafka_consumed_messages;
    uint64_t malformed_messages; /* payloads the parser refused */
    uint64_t parsed_rows;
    uint64_t filtered_rows;      /* rows a filter rule left out (filter_skipped_rows) */
    uint64_t invalid_rows;       /* refused rows a policy skipped (bad value, name, rule) */
    uint64_t archived_rows;      /* refused rows a policy archived */
    uint64_t repaired_rows;      /* rows written after a policy repair (truncate, ...) */
    uint64_t altered_columns;    /* columns add_field/field_length_extend added or widened */
    uint64_t written_rows;
    uint64_t written_points;     /* values of the written rows, timestamps not counted */
    uint64_t failed_rows;        /* rows TDengine refused */
    uint64_t processed_batches;
    uint64_t inserted_sqls;
    uint64_t failed_sqls;
    uint64_t retries;
    uint64_t kafka_errors;
    int64_t active_ms;           /* first message consumed -> last batch confirmed */
} k2td_engine_stats_t;

/* Why an engine run or start failed; the CLI maps these to exit codes. */
typedef enum k2td_engine_rc {
    K2TD_ENGINE_OK = 0,
    K2TD_ENGINE_FAILED,          /* a runtime error stopped the task */
    K2TD_ENGINE_CONFIG,          /* the task does not fit the target (columns, template) */
    K2TD_ENGINE_KAFKA_DOWN,      /* no broker answered */
    K2TD_ENGINE_KAFKA_NO_TOPIC,  /* a topic does not exist or is not authorised */
    K2TD_ENGINE_KAFKA_NO_GROUP,  /* the consumer group is not authorised */
    K2TD_ENGINE_TD_DOWN,         /* TDengine unreachable */
    K2TD_ENGINE_TD_AUTH,         /* credentials rejected */
    K2TD_ENGINE_TD_NO_DB,        /* database missing */
    K2TD_ENGINE_TD_NO_STABLE,    /* supertable missing */
    K2TD_ENGINE_NOT_FINISHED,    /* the timeout passed before the partitions were read to their end */
} k2td_engine_rc_t;

struct k2td_engine_watch;

typedef struct k2td_engine_opts {
    int status_lines; /* print a status line every status_interval */
    struct k2td_engine_watch *watch; /* NULL, or where the engine publishes its
                                        counters for other threads (engine_watch.h) */
} k2td_engine_opts_t;

/*
 * Connects to TDengine (reads the supertable's schema) and creates the
 * Kafka consumer (the brokers are contacted by k2td_engine_run). Returns the
 * engine, or NULL with *rc and errstr saying which part failed. task must
 * outlive the engine.
 */
k2td_engine_t *k2td_engine_new(const k2td_task_t *task, const k2td_engine_opts_t *opts,
                               k2td_engine_rc_t *rc, char *errstr, size_t errstr_size);

/*
 * First waits for a Kafka broker to answer and the topics to exist
 * (broker_wait.h: a broker that does not answer is waited for, up to the
 * task's options.startup_timeout). Then runs until *stop becomes non-zero
 * (then writes the open batch and commits), until the task has held its
 * partitions at their end for the task's timeout without a message (a clean
 * finish), or until a fatal error. Returns K2TD_ENGINE_OK,
 * K2TD_ENGINE_KAFKA_DOWN, K2TD_ENGINE_KAFKA_NO_TOPIC or
 * K2TD_ENGINE_KAFKA_NO_GROUP when the start-up check failed for good or the
 * brokers refused the user the topic or group later (errstr names it and
 * the user), K2TD_ENGINE_NOT_FINISHED when the timeout passed
 * without a message while the task held no partition or had not read them
 * to their end, or K2TD_ENGINE_FAILED (errstr says why).
 */
k2td_engine_rc_t k2td_engine_run(k2td_engine_t *e, volatile sig_atomic_t *stop, char *errstr,
                                 size_t errstr_size);

/* Returns the counters so far. */
const k2td_engine_stats_t *k2td_engine_stats(const k2td_engine_t *e);

/* Commits what was confirmed, closes the consumer and frees the engine. */
void k2td_engine_free(k2td_engine_t *e);

#endif
