/*
 * runtime.h - what a task needs at run time, built from its definition:
 * the REST client and the target's schema, the payload parser (with its
 * character decoder), the mutate stages, the mapper and an insert batch.
 * `k2td run` (engine.c) and `k2td preview` (preview.c) open the same
 * runtime, so a preview shows exactly what a run would do.
 */
#ifndef K2TD_RUNTIME_H
#define K2TD_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "../model/convert.h"
#include "../model/mapper.h"
#include "../parse/charset.h"
#include "../parse/payload_parser.h"
#include "../sink/rest_client.h"
#include "../task/taos_dsn.h"
#include "../transform/pipeline.h"
#include "engine.h"

#define K2TD_MAX_SQL_BYTES (1024 * 1024)

typedef struct k2td_runtime {
    const k2td_task_t *task;
    k2td_taos_dsn_t dsn;
    k2td_rest_t *rest;
    k2td_stable_schema_t schema;
    k2td_payload_parser_t *parser;
    k2td_charset_decoder_t *decoder; /* NULL for UTF-8 values */
    k2td_pipeline_t *pipeline;       /* the mutate stages (possibly none) */
    k2td_mapper_t *mapper;
    k2td_insert_batch_t *batch;
} k2td_runtime_t;

/*
 * Builds rt for task (which must outlive it), reading the supertable's
 * schema with requests of at most timeout_ms (0: the client's default).
 * Returns K2TD_ENGINE_OK, or the failing part with errstr set; rt must be
 * closed either way.
 */
k2td_engine_rc_t k2td_runtime_open(k2td_runtime_t *rt, const k2td_task_t *task, long timeout_ms,
                                   char *errstr, size_t errstr_size);

/* Releases everything rt holds (a zeroed rt is fine). */
void k2td_runtime_close(k2td_runtime_t *rt);

/* Gives the mapper the database's accepted time range as of now and
 * returns now in epoch milliseconds (the batch's ingest time). */
int64_t k2td_runtime_refresh(k2td_runtime_t *rt);

/*
 * Decodes (char_encoding) and parses one payload into rows of rs tagged
 * with msg_index. Returns the number of rows, or -1 with errstr set and rs
 * unchanged. Decoded text lives in rs's arena.
 */
int k2td_runtime_parse(k2td_runtime_t *rt, const char *payload, size_t len, size_t msg_index,
                       k2td_rowset_t *rs, char *errstr, size_t errstr_size);

#endif
