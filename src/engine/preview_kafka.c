/*
 * preview_kafka.c - a preview of messages read from Kafka (see
 * preview_kafka.h).
 */
#include "preview_kafka.h"

#include <stdlib.h>

#include "../common/alloc.h"
#include "preview.h"

k2td_engine_rc_t k2td_preview_kafka_rc(k2td_kafka_sample_rc_t rc) {
    switch (rc) {
    case K2TD_KAFKA_SAMPLE_OK: return K2TD_ENGINE_OK;
    case K2TD_KAFKA_SAMPLE_CONFIG: return K2TD_ENGINE_CONFIG;
    case K2TD_KAFKA_SAMPLE_DOWN: return K2TD_ENGINE_KAFKA_DOWN;
    case K2TD_KAFKA_SAMPLE_NO_TOPIC: return K2TD_ENGINE_KAFKA_NO_TOPIC;
    default: return K2TD_ENGINE_FAILED;
    }
}

k2td_engine_rc_t k2td_preview_kafka(const k2td_task_t *task, size_t count, int timeout_ms,
                                    const k2td_preview_opts_t *opts, cJSON **out, int *timed_out, char *errstr,
                                    size_t errstr_size) {
    k2td_kafka_samples_t got;
    *out = NULL;
    *timed_out = 0;
    k2td_kafka_sample_rc_t src = k2td_kafka_sample_fetch(&task->kafka, task->id, count,
                                                         timeout_ms, &got, errstr, errstr_size);
    if (src != K2TD_KAFKA_SAMPLE_OK) return k2td_preview_kafka_rc(src);
    /* the preview samples borrow from got, which outlives the preview */
    k2td_preview_sample_t *samples = k2td_calloc(got.n ? got.n : 1, sizeof(*samples));
    for (size_t i = 0; i < got.n; i++) {
        const k2td_kafka_sample_t *g = &got.items[i];
        samples[i] = (k2td_preview_sample_t){g->value, g->value_len, g->topic, g->partition,
                                             g->offset};
    }
    k2td_engine_rc_t rc = k2td_preview_run(task, samples, got.n, opts, out, errstr, errstr_size);
    *timed_out = got.timed_out;
    free(samples);
    k2td_kafka_samples_free(&got);
    return rc;
}
