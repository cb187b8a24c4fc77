/*
 * kafka_source.h - the Kafka side of a task: one librdkafka consumer.
 *
 * Offsets are never stored automatically: the engine calls
 * k2td_kafka_source_store() for the messages of a batch only after TDengine
 * confirmed it, and librdkafka's auto-commit commits what was stored every
 * commit_interval (the at-least-once pattern of librdkafka's INTRODUCTION).
 *
 * Start position: a committed offset of the group always wins. A partition
 * without one starts at fallback_offset: earliest; latest, resolved when the
 * partition is assigned (so it means "what is produced from now on"); or -
 * for ByTime - the first message whose timestamp is >= start_time
 * (offsets-for-times), or the end of the partition when there is none.
 * A start offset resolved this way is stored for commit at once, so a
 * partition that receives nothing keeps its place for the next run.
 *
 * Rebalances: when partitions are revoked the source commits what was stored
 * and bumps its epoch; the engine sees the new epoch, abandons its unwritten
 * batch and calls k2td_kafka_source_rewind() so that retained partitions
 * re-read it. Nothing unwritten is ever committed.
 *
 * Not thread-safe: one thread owns a source.
 */
#ifndef K2TD_KAFKA_SOURCE_H
#define K2TD_KAFKA_SOURCE_H

#include <librdkafka/rdkafka.h>
#include <stddef.h>
#include <stdint.h>

#include "../task/kafka_dsn.h"
#include "kafka_kinit.h"

typedef struct k2td_kafka_source k2td_kafka_source_t;

/*
 * Returns a consumer for conf (not yet subscribed), or NULL with errstr set
 * (e.g. a passthrough key librdkafka rejects). task_id may be NULL; it is
 * used by the group/client id rule. conf must outlive the source. With
 * GSSAPI its kinit command writes its errors to a private file
 * (kafka_kinit.h), so the consumer's messages can name kinit's reason.
 * librdkafka's lines and errors are logged redacted (k2td_kafka_conf_redact).
 */
k2td_kafka_source_t *k2td_kafka_source_new(const k2td_kafka_conf_t *conf, const char *task_id,
                                           char *errstr, size_t errstr_size);

/*
 * Returns the librdkafka configuration a task's consumer starts from: brokers,
 * the group and client ids of the id rule (task_id as for
 * k2td_kafka_source_new), the fetch and commit settings, the log callback,
 * then the passthrough properties (so SASL/SSL keys apply as in a run); no
 * rebalance callback. With GSSAPI, kinit is the capture of kinit's errors
 * (k2td_kafka_kinit.h, or NULL): it must outlive the consumer. The caller
 * owns the result (rd_kafka_new takes it on success, else
 * rd_kafka_conf_destroy). Returns NULL with errstr naming the property
 * librdkafka refused (never quoting a secret value).
 */
rd_kafka_conf_t *k2td_kafka_source_conf(const k2td_kafka_conf_t *conf, const char *task_id,
                                        const k2td_kinit_t *kinit, char *errstr,
                                        size_t errstr_size);

/* Writes the error of a consumer of conf librdkafka refused to create (its
 * message err, redacted by k2td_kafka_conf_redact) to errstr, with the
 * likely cause when librdkafka's words hide it (a client key it could not
 * decrypt). */
void k2td_kafka_source_new_failed(const k2td_kafka_conf_t *conf, const char *err, char *errstr,
                                  size_t errstr_size);

/* Returns the effective group id and client id ("" when unset). */
const char *k2td_kafka_source_group_id(const k2td_kafka_source_t *s);
const char *k2td_kafka_source_client_id(const k2td_kafka_source_t *s);

/* Returns the group.instance.id the consumer joins with (static membership,
 * enable_group_instance_id), or NULL when it has none. */
const char *k2td_kafka_source_instance_id(const k2td_kafka_source_t *s);

/* What a check of the brokers or polling found that the task cannot get
 * past (besides -1, brokers that do not answer or refuse the login). */
enum {
    K2TD_KAFKA_NO_TOPIC = -2, /* a topic does not exist or is not authorised */
    K2TD_KAFKA_NO_GROUP = -3, /* the consumer group is not authorised */
};

/*
 * Checks that the brokers answer, every configured topic exists and the
 * user may describe it and the consumer group. Returns 0; -1 when no broker
 * answered within timeout_ms, or at once when a broker refused the login or
 * the TLS handshake; K2TD_KAFKA_NO_TOPIC when a topic is missing or not
 * authorised for the user; K2TD_KAFKA_NO_GROUP when the group is not
 * authorised for the user. errstr names the brokers and the cause
 * librdkafka reported (the refused login, the certificate that failed, the
 * refused connection) - after kinit's own reason when its last run failed
 * (kafka_kinit.h) - or the topic or group and the user (its name, never a
 * secret). What it quotes is redacted (k2td_kafka_conf_redact).
 */
int k2td_kafka_source_check(k2td_kafka_source_t *s, int timeout_ms, char *errstr,
                            size_t errstr_size);

/* Returns the last broker failure librdkafka reported to s, redacted ("" when
 * none), and sets *refused (when not NULL) to non-zero when it was a refused
 * login or TLS handshake, a failure that does not fix itself. */
const char *k2td_kafka_source_cause(const k2td_kafka_source_t *s, int *refused);

/* Receives one configured topic that exists, with its partition count. */
typedef void (*k2td_kafka_topic_fn)(void *ctx, const char *topic, int partitions);

/* Like k2td_kafka_source_check, and calls fn (may be NULL) for each
 * configured topic found, in the configured order, until one is missing. */
int k2td_kafka_source_topics(k2td_kafka_source_t *s, int timeout_ms, k2td_kafka_topic_fn fn,
                             void *ctx, char *errstr, size_t errstr_size);

/* Writes why topic, which rk's brokers (rk a consumer of conf) left out of
 * their list of every topic, is missing to errstr: "kafka: topic `t` is not
 * authorised for user `u` on BROKERS" when, asked for by name, they refuse
 * it to the user (Kafka answers so whether or not it exists), else "kafka:
 * topic `t` does not exist on BROKERS". */
void k2td_kafka_topic_missing(rd_kafka_t *rk, const k2td_kafka_conf_t *conf, const char *topic,
                              char *errstr, size_t errstr_size);

/* Subscribes to the topics. Returns 0 or -1 with errstr set. */
int k2td_kafka_source_subscribe(k2td_kafka_source_t *s, char *errstr, size_t errstr_size);

/*
 * Waits up to timeout_ms for the next message and returns it (the caller
 * owns it: rd_kafka_message_destroy), or NULL when none came. Consumer errors
 * are logged and counted here, never returned. Rebalance callbacks run here.
 * Sets *fatal (when not NULL) on an unrecoverable consumer error.
 */
rd_kafka_message_t *k2td_kafka_source_poll(k2td_kafka_source_t *s, int timeout_ms, int *fatal);

/* Returns K2TD_KAFKA_NO_TOPIC or K2TD_KAFKA_NO_GROUP with errstr naming the
 * topic or group and the user when polling met the brokers' refusal to let
 * the user read the topic or use the group (which does not fix itself: the
 * task must end), else 0 with errstr untouched. */
int k2td_kafka_source_denied(const k2td_kafka_source_t *s, char *errstr, size_t errstr_size);

/* Returns non-zero when the consumer failed fatally because it fenced
 * itself: its session timed out while the coordinator was unreachable, it
 * lost its assignment, and its rejoin with the same group.instance.id
 * fenced the member it had been (librdkafka 2.0.2, static membership). A
 * new consumer of the same ids may take its place; a fencing by another
 * process using the same instance id is not this. */
int k2td_kafka_source_self_fenced(const k2td_kafka_source_t *s);

/* Returns a counter that grows each time partitions are revoked. */
uint64_t k2td_kafka_source_epoch(const k2td_kafka_source_t *s);

/*
 * Stores, for every partition present in msgs, the offset after its highest
 * message, to be committed by auto-commit. Returns 0, or -1 with errstr set
 * when librdkafka refused (e.g. the partition is no longer assigned).
 */
int k2td_kafka_source_store(k2td_kafka_source_t *s, rd_kafka_message_t *const *msgs, size_t n,
                            char *errstr, size_t errstr_size);

/* Seeks every partition that is still assigned back to its lowest offset in
 * msgs, so an abandoned batch is read again. */
void k2td_kafka_source_rewind(k2td_kafka_source_t *s, rd_kafka_message_t *const *msgs, size_t n);

/* Pauses / resumes fetching on every assigned partition (while the sink is
 * retrying, so memory stays bounded and the group membership stays alive). */
void k2td_kafka_source_pause(k2td_kafka_source_t *s);
void k2td_kafka_source_resume(k2td_kafka_source_t *s);

/* Returns the summed lag (high watermark - position) of the assigned
 * partitions, from librdkafka's cached watermarks, where a partition that
 * consumed nothing yet stands at its offset stored this run, else at its
 * committed offset. Returns -1 when no partition is assigned or the end of
 * one is not known yet (no fetch answered for it). Makes no request. */
int64_t k2td_kafka_source_lag(k2td_kafka_source_t *s);

/* Receives one assigned partition: the offset stored for commit after the
 * last confirmed batch of this run (-1 before the first), the consumer's
 * position (-1 when unknown) and the high watermark from librdkafka's cache
 * (-1 when unknown). */
typedef void (*k2td_kafka_part_fn)(void *ctx, const char *topic, int32_t partition,
                                   int64_t stored, int64_t position, int64_t end);

/* Calls fn for every assigned partition. Makes no request to the brokers
 * and logs nothing. */
void k2td_kafka_source_partitions(k2td_kafka_source_t *s, k2td_kafka_part_fn fn, void *ctx);

/* Returns the number of partitions currently assigned. */
size_t k2td_kafka_source_assigned(const k2td_kafka_source_t *s);

/* Returns the number of consumer errors seen so far. */
uint64_t k2td_kafka_source_errors(const k2td_kafka_source_t *s);

/* Commits the stored offsets synchronously, leaves the group and frees the
 * source. Returns 0, or -1 when the final commit failed (logged). */
int k2td_kafka_source_close(k2td_kafka_source_t *s);

#endif
