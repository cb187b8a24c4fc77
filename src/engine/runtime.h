/*
 * runtime.h - what a task needs at run time, built from its definition:
 * the REST client and the database's precision, the payload parser (with
 * its character decoder), the shared mutate stages, the router of the
 * parser's rules and the targets (supertables, mappers, insert batches).
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
#include "../transform/router.h"
#include "engine.h"
#include "schema_source.h"
#include "target_set.h"

#define K2TD_MAX_SQL_BYTES (1024 * 1024)

typedef struct k2td_runtime {
    const k2td_task_t *task;
    k2td_taos_dsn_t dsn;
    k2td_rest_t *rest;
    k2td_stable_schema_t db;         /* the database alone: precision and KEEP */
    k2td_payload_parser_t *parser;
    k2td_charset_decoder_t *decoder; /* NULL for UTF-8 values */
    k2td_pipeline_t *pipeline;       /* the shared mutate stages (possibly none) */
    k2td_router_t *router;           /* rules, each with its own stages */
    k2td_schema_source_t schemas;    /* where the targets' schemas come from */
    k2td_target_set_t *targets;      /* supertables, mappers and batches */
} k2td_runtime_t;

/* How mapping one row onto one model went. */
typedef enum k2td_map_rc {
    K2TD_MAP_OK = 0,
    K2TD_MAP_REFUSED,     /* the row cannot be written there: errstr says why */
    K2TD_MAP_UNREACHABLE, /* TDengine did not answer a schema query: try again */
} k2td_map_rc_t;

/*
 * Builds rt for task (which must outlive it), its REST client made with
 * rest_opts (copied; NULL for the client's defaults), and reads the
 * supertable's schema. Returns K2TD_ENGINE_OK, or the failing part with
 * errstr set; rt must be closed either way.
 */
k2td_engine_rc_t k2td_runtime_open(k2td_runtime_t *rt, const k2td_task_t *task,
                                   const k2td_rest_opts_t *rest_opts, char *errstr,
                                   size_t errstr_size);

/* Builds rt for task as k2td_runtime_open does, but with no REST client
 * (rt->rest NULL) and the database's options and the supertables' schemas
 * taken from file (which must outlive rt), or from the mapping when file is
 * NULL (schema_source.h); TDengine is not contacted. Returns
 * K2TD_ENGINE_OK, K2TD_ENGINE_TD_NO_STABLE for a supertable the file does
 * not describe, or K2TD_ENGINE_CONFIG with errstr; rt must be closed
 * either way. For looking at what a task would do, never for writing. */
k2td_engine_rc_t k2td_runtime_open_offline(k2td_runtime_t *rt, const k2td_task_t *task,
                                           const k2td_schema_file_t *file, char *errstr,
                                           size_t errstr_size);

/* Builds only the parsing side of rt for task: decoder, payload parser,
 * shared mutate stages and rule router; TDengine is not contacted. Returns
 * K2TD_ENGINE_OK or K2TD_ENGINE_CONFIG with errstr; rt must be closed
 * either way. Used to look at parsed rows before a supertable exists. */
k2td_engine_rc_t k2td_runtime_open_parsing(k2td_runtime_t *rt, const k2td_task_t *task,
                                           char *errstr, size_t errstr_size);

/* Releases everything rt holds (a zeroed rt is fine). */
void k2td_runtime_close(k2td_runtime_t *rt);

/* Gives the mappers the database's accepted time range as of now and
 * returns now in epoch milliseconds (the batch's ingest time). */
int64_t k2td_runtime_refresh(k2td_runtime_t *rt);

/*
 * Decodes (char_encoding) and parses one payload into rows of rs tagged
 * with msg_index. Returns the number of rows, or -1 with errstr set and rs
 * unchanged. Decoded text lives in rs's arena.
 */
int k2td_runtime_parse(k2td_runtime_t *rt, const char *payload, size_t len, size_t msg_index,
                       k2td_rowset_t *rs, char *errstr, size_t errstr_size);

/*
 * Maps row `row` of rs (the final rows of route `route`) onto model `model`
 * of that route, into its target's batch with origin `origin`; *target is
 * set to the target used (NULL when none could be found) and *o to what
 * happened (the fault of a refused row: see k2td_mapper_map_row).
 */
k2td_map_rc_t k2td_runtime_map(k2td_runtime_t *rt, size_t route, size_t model,
                               const k2td_rowset_t *rs, size_t row, size_t origin,
                               k2td_target_t **target, k2td_map_outcome_t *o, char *errstr,
                               size_t errstr_size);

/* Returns the number of models of route `route`. */
size_t k2td_runtime_models(const k2td_runtime_t *rt, size_t route);

#endif
