/*
 * task_check.h - checks both ends of a task without running it: the Kafka
 * brokers and topics, and TDengine's reachability, credentials, database
 * and supertables. `k2td check` prints the results; the service's
 * connectivity check answers them as JSON.
 */
#ifndef K2TD_TASK_CHECK_H
#define K2TD_TASK_CHECK_H

#include <stddef.h>

#include "../model/schema.h"
#include "../source/kafka_source.h"
#include "../task/parser_config.h"
#include "engine.h"

/*
 * Checks that a broker of conf answers within timeout_ms, every topic
 * exists and the user may describe it and the consumer group; on_topic
 * (may be NULL) gets each topic found with its partition count. Returns
 * K2TD_ENGINE_OK, K2TD_ENGINE_CONFIG (librdkafka refused a property),
 * K2TD_ENGINE_KAFKA_DOWN, K2TD_ENGINE_KAFKA_NO_TOPIC (missing or not
 * authorised) or K2TD_ENGINE_KAFKA_NO_GROUP (not authorised) with errstr
 * naming the brokers, the topic or the group.
 */
k2td_engine_rc_t k2td_check_kafka(const k2td_kafka_conf_t *conf, const char *task_id,
                                  int timeout_ms, k2td_kafka_topic_fn on_topic, void *ctx,
                                  char *errstr, size_t errstr_size);

/*
 * Checks the target DSN text `to` (an https target's certificate against
 * the CAs of ca_file, NULL for the system's store): TDengine answers
 * within timeout_ms, accepts the credentials, has the database (its
 * precision goes to *precision when not NULL) and, when pc is not NULL,
 * every supertable a model of pc names plainly (a templated `using` is
 * only known per row).
 * Returns a k2td_schema_rc_t (schema_load.h) with errstr set unless OK, or
 * -1 when the DSN does not parse.
 */
int k2td_check_tdengine(const char *to, const char *ca_file, const k2td_parser_conf_t *pc,
                        long timeout_ms, k2td_precision_t *precision, char *errstr,
                        size_t errstr_size);

#endif
