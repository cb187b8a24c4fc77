/*
 * broker_wait.h - a starting task's wait for its Kafka brokers.
 *
 * A broker that does not answer when a task starts (connection refused, no
 * answer) is taken as transient: the brokers are checked again and again, in
 * attempts of 1 s doubling to 30 s, each ending as soon as a broker answers.
 * After each failed attempt a warning names the brokers and the cause
 * librdkafka reported (redacted). Meanwhile librdkafka reconnects on its own
 * (reconnect.backoff.ms, reconnect.backoff.max.ms). What does not fix itself
 * ends the wait at once: a refused login or TLS handshake, a missing topic,
 * a topic or consumer group the user is not authorised for.
 */
#ifndef K2TD_BROKER_WAIT_H
#define K2TD_BROKER_WAIT_H

#include <signal.h>
#include <stdint.h>

#include "../source/kafka_source.h"
#include "engine.h"

/*
 * Waits until a broker of src (whose list is brokers, for messages) answers
 * and every topic exists, for at most timeout_ms (0: no bound), or until
 * *stop becomes non-zero. Returns K2TD_ENGINE_OK (answered, or stopped: the
 * caller looks at *stop); K2TD_ENGINE_KAFKA_DOWN with errstr naming the cause
 * when a broker refused the login or the TLS handshake or when timeout_ms
 * passed; K2TD_ENGINE_KAFKA_NO_TOPIC or K2TD_ENGINE_KAFKA_NO_GROUP with
 * errstr naming the topic or group missing or not authorised.
 */
/* Returns the engine's code for rc, a result of k2td_kafka_source_check or
 * k2td_kafka_source_denied: K2TD_ENGINE_OK for 0, K2TD_ENGINE_KAFKA_DOWN for
 * -1, K2TD_ENGINE_KAFKA_NO_TOPIC or K2TD_ENGINE_KAFKA_NO_GROUP. */
k2td_engine_rc_t k2td_broker_rc(int rc);

k2td_engine_rc_t k2td_broker_wait(k2td_kafka_source_t *src, const char *brokers,
                                  int64_t timeout_ms, volatile sig_atomic_t *stop, char *errstr,
                                  size_t errstr_size);

#endif
