/*
 * preview_kafka.h - previews a task on messages read from its own Kafka
 * topics: k2td_kafka_sample_fetch (where the task would start, without
 * joining its group or committing) feeding k2td_preview_run.
 */
#ifndef K2TD_PREVIEW_KAFKA_H
#define K2TD_PREVIEW_KAFKA_H

#include <stddef.h>

#include <cJSON.h>

#include "../source/kafka_sample.h"
#include "../task/task_file.h"
#include "engine.h"
#include "preview.h"

/* Returns the engine result a failed sample fetch stands for: CONFIG,
 * KAFKA_DOWN, KAFKA_NO_TOPIC or FAILED (OK for OK). */
k2td_engine_rc_t k2td_preview_kafka_rc(k2td_kafka_sample_rc_t rc);

/*
 * Reads up to count messages from the task's topics within timeout_ms and
 * previews the task on them with the schema as opts says (preview.h; NULL:
 * from TDengine; each "messages" entry has its topic,
 * partition and offset). Returns K2TD_ENGINE_OK with *out set (the caller
 * releases it with cJSON_Delete) and *timed_out set when the timeout cut the
 * reading short, or a k2td_preview_kafka_rc() / k2td_preview_run() failure
 * with *out NULL and errstr saying what failed.
 */
k2td_engine_rc_t k2td_preview_kafka(const k2td_task_t *task, size_t count, int timeout_ms,
                                    const k2td_preview_opts_t *opts, cJSON **out, int *timed_out, char *errstr,
                                    size_t errstr_size);

#endif
