/*
 * broker_wait.c - a starting task's wait for its Kafka brokers (see
 * broker_wait.h).
 */
#include "broker_wait.h"

#include "../common/clock.h"
#include "../common/errstr.h"
#include "../common/log.h"

#define BROKER_WAIT_FIRST_MS 1000 /* the first attempt */
#define BROKER_WAIT_MAX_MS 30000  /* the longest attempt */
#define BROKER_WAIT_STEP_MS 1000  /* how often a stop request is looked at */

/* Checks src until a broker answers, the check fails for good, *stop is set
 * or the monotonic clock reaches end_ms. Returns the last check's result
 * (k2td_kafka_source_check) and sets *refused as k2td_kafka_source_cause. */
static int broker_attempt(k2td_kafka_source_t *src, int64_t end_ms, volatile sig_atomic_t *stop,
                          int *refused, char *errstr, size_t errstr_size) {
    int rc;
    do {
        int64_t left = end_ms - k2td_clock_mono_ms();
        int step = left >= BROKER_WAIT_STEP_MS ? BROKER_WAIT_STEP_MS : left > 0 ? (int)left : 1;
        rc = k2td_kafka_source_check(src, step, errstr, errstr_size);
        k2td_kafka_source_cause(src, refused);
    } while (rc == -1 && !*refused && !*stop && k2td_clock_mono_ms() < end_ms);
    return rc;
}

k2td_engine_rc_t k2td_broker_rc(int rc) {
    switch (rc) {
    case 0: return K2TD_ENGINE_OK;
    case K2TD_KAFKA_NO_TOPIC: return K2TD_ENGINE_KAFKA_NO_TOPIC;
    case K2TD_KAFKA_NO_GROUP: return K2TD_ENGINE_KAFKA_NO_GROUP;
    default: return K2TD_ENGINE_KAFKA_DOWN;
    }
}

k2td_engine_rc_t k2td_broker_wait(k2td_kafka_source_t *src, const char *brokers,
                                  int64_t timeout_ms, volatile sig_atomic_t *stop, char *errstr,
                                  size_t errstr_size) {
    int64_t start_ms = k2td_clock_mono_ms(), attempt_ms = BROKER_WAIT_FIRST_MS;
    for (int attempts = 1;; attempts++) {
        int64_t end_ms = k2td_clock_mono_ms() + attempt_ms;
        if (timeout_ms > 0 && end_ms > start_ms + timeout_ms) end_ms = start_ms + timeout_ms;
        int refused = 0;
        int rc = broker_attempt(src, end_ms, stop, &refused, errstr, errstr_size);
        double waited_s = (double)(k2td_clock_mono_ms() - start_ms) / 1000.0;
        if (rc == 0) {
            if (attempts > 1) k2td_log_info("kafka: brokers %s answer after %.1f s", brokers, waited_s);
            return K2TD_ENGINE_OK;
        }
        if (rc != -1) return k2td_broker_rc(rc);
        if (refused) return K2TD_ENGINE_KAFKA_DOWN;
        if (*stop) return K2TD_ENGINE_OK;
        const char *cause = k2td_kafka_source_cause(src, NULL);
        if (!cause[0]) cause = "no answer";
        if (timeout_ms > 0 && k2td_clock_mono_ms() >= start_ms + timeout_ms) {
            k2td_errstr_set(errstr, errstr_size,
                            "kafka: brokers %s did not answer within options.startup_timeout "
                            "(%lld ms): %s",
                            brokers, (long long)timeout_ms, cause);
            return K2TD_ENGINE_KAFKA_DOWN;
        }
        attempt_ms = attempt_ms * 2 < BROKER_WAIT_MAX_MS ? attempt_ms * 2 : BROKER_WAIT_MAX_MS;
        k2td_log_warn("kafka: brokers %s do not answer after %.1f s: %s; waiting up to %lld s "
                      "more for one to answer",
                      brokers, waited_s, cause, (long long)(attempt_ms / 1000));
    }
}
