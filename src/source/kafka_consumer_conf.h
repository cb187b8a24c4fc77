/*
 * kafka_consumer_conf.h - the librdkafka configuration of a task's
 * consumer: its group, client and instance ids, the fetch and commit
 * settings k2td relies on (offsets stored only by k2td, bounded prefetch,
 * eager assignment, k2td's quoted kinit command) and the task's passthrough
 * properties. Callbacks are the caller's (kafka_source.c).
 */
#ifndef K2TD_KAFKA_CONSUMER_CONF_H
#define K2TD_KAFKA_CONSUMER_CONF_H

#include <librdkafka/rdkafka.h>
#include <stddef.h>

#include "../task/kafka_dsn.h"
#include "kafka_kinit.h"

/* Sets one librdkafka property; returns 0 or -1 with errstr naming it. */
int k2td_kafka_conf_set(rd_kafka_conf_t *c, const char *key, const char *value, char *errstr,
                        size_t errstr_size);

/* Sets *group_id and *client_id (new strings, "" for no client id) by the id
 * rule of kafka_dsn.h; without a group a stable one is derived, as the
 * high-level consumer needs one. */
void k2td_kafka_consumer_ids(const k2td_kafka_conf_t *c, const char *task_id, char **group_id,
                             char **client_id);

/* Returns group.instance.id for a member of group_id (a new string), or NULL
 * when c turns static membership off: group_id, the task id when there is
 * one, the instance name (default: the host name) with the member slot
 * this process claimed on this host (kafka_member.h) and a hash of the
 * topics, joined by '-'. The hash gives a task whose topics changed a new
 * identity: a static member rejoining under its old one with other topics
 * is handed its old assignment by the coordinator. *claim is set to the
 * socket holding the slot, which the caller closes with the consumer, or
 * -1 (no static membership, or no claim could be made). */
char *k2td_kafka_consumer_instance_id(const k2td_kafka_conf_t *c, const char *group_id,
                                      const char *task_id, int *claim);

/* Returns 1 when c asks for SCRAM from a librdkafka older than 2.6.1: its
 * SCRAM proof repeats the client nonce, which brokers of Apache Kafka 4.0
 * and later refuse as invalid credentials (confluentinc/librdkafka#4895;
 * older brokers accept it). */
int k2td_kafka_scram_at_risk(const k2td_kafka_conf_t *c);

/* What a SCRAM login refused for k2td_kafka_scram_at_risk() may mean. */
#define K2TD_KAFKA_SCRAM_HINT                                                                \
    "brokers of Apache Kafka 4.0 and later refuse this librdkafka's SCRAM login as invalid " \
    "credentials (fixed in librdkafka 2.6.1, confluentinc/librdkafka#4895); older brokers "  \
    "accept it. With Kafka 4 use PLAIN over SSL, or a newer librdkafka"

/* Builds the librdkafka configuration for c with the given ids (instance_id
 * may be NULL), without a rebalance callback; kinit (may be NULL) gives the
 * kinit command, after c's own properties. Returns NULL with errstr set. */
rd_kafka_conf_t *k2td_kafka_consumer_conf(const k2td_kafka_conf_t *c, const char *group_id,
                                          const char *client_id, const char *instance_id,
                                          const k2td_kinit_t *kinit, char *errstr,
                                          size_t errstr_size);

#endif
