#include "runtime.h"

#include <stdio.h>
#include <string.h>
#include <time.h>


/* Returns the convert options for rt's database as of now; *now_ms gets
 * the wall clock in milliseconds. */
static k2td_convert_opts_t runtime_convert_opts(const k2td_runtime_t *rt, int64_t *now_ms) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    *now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    k2td_precision_t p = rt->db.precision;
    int64_t ticks = p == K2TD_PREC_NS   ? (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec
                    : p == K2TD_PREC_US ? (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000
                                        : *now_ms;
    k2td_convert_opts_t co;
    k2td_convert_opts_init(&co, p, rt->db.keep_days, ticks);
    co.default_offset_s = rt->task->options.timezone_offset_s;
    return co;
}

/* Builds the parser side: decoder, payload parser, mutate stages. */
static k2td_engine_rc_t runtime_open_parsing(k2td_runtime_t *rt, char *errstr,
                                             size_t errstr_size) {
    const k2td_task_t *t = rt->task;
    k2td_charset_t cs;
    if (k2td_charset_lookup(t->kafka.char_encoding, &cs, errstr, errstr_size) != 0)
        return K2TD_ENGINE_CONFIG;
    if (cs != K2TD_CHARSET_UTF8 &&
        !(rt->decoder = k2td_charset_decoder_new(cs, errstr, errstr_size)))
        return K2TD_ENGINE_CONFIG;
    rt->parser = k2td_payload_parser_new(&t->parser.value, t->options.plugins_home, errstr,
                                         errstr_size);
    if (!rt->parser) return K2TD_ENGINE_CONFIG;
    rt->pipeline = k2td_pipeline_compile(t->parser.mutate, "parser.mutate", errstr, errstr_size);
    if (!rt->pipeline) return K2TD_ENGINE_CONFIG;
    rt->router = k2td_router_new(t->parser.routes, t->parser.nroutes, errstr, errstr_size);
    return rt->router ? K2TD_ENGINE_OK : K2TD_ENGINE_CONFIG;
}

/* Reads the database's options and opens the targets through rt->schemas,
 * as k2td_runtime_open does after the parsing side is built. */
static k2td_engine_rc_t runtime_open_targets(k2td_runtime_t *rt, char *errstr,
                                             size_t errstr_size) {
    const k2td_task_t *task = rt->task;
    int64_t now_ms;
    k2td_convert_opts_t co;
    int src = k2td_schema_source_load(&rt->schemas, rt->dsn.db, NULL, NULL, &rt->db, errstr,
                                      errstr_size);
    if (src == K2TD_SCHEMA_OK) {
        co = runtime_convert_opts(rt, &now_ms);
        rt->targets = k2td_target_set_new(&rt->schemas, rt->dsn.db, task->parser.routes,
                                          task->parser.nroutes, &task->parser.policy, &co);
        src = k2td_target_set_open(rt->targets, errstr, errstr_size);
    }
    switch (src) {
    case K2TD_SCHEMA_OK: return K2TD_ENGINE_OK;
    case K2TD_SCHEMA_UNREACHABLE: return K2TD_ENGINE_TD_DOWN;
    case K2TD_SCHEMA_AUTH: return K2TD_ENGINE_TD_AUTH;
    case K2TD_SCHEMA_NO_DB: return K2TD_ENGINE_TD_NO_DB;
    case K2TD_SCHEMA_NO_STABLE: return K2TD_ENGINE_TD_NO_STABLE;
    default: return rt->targets ? K2TD_ENGINE_CONFIG : K2TD_ENGINE_FAILED;
    }
}

/* Starts rt for task: zeroes it, reads the target DSN and builds the
 * parsing side. Returns K2TD_ENGINE_OK or K2TD_ENGINE_CONFIG with errstr. */
static k2td_engine_rc_t runtime_begin(k2td_runtime_t *rt, const k2td_task_t *task, char *errstr,
                                      size_t errstr_size) {
    memset(rt, 0, sizeof(*rt));
    rt->task = task;
    if (k2td_taos_dsn_parse(task->to, &rt->dsn, errstr, errstr_size) != 0)
        return K2TD_ENGINE_CONFIG;
    return runtime_open_parsing(rt, errstr, errstr_size);
}

k2td_engine_rc_t k2td_runtime_open(k2td_runtime_t *rt, const k2td_task_t *task,
                                   const k2td_rest_opts_t *rest_opts, char *errstr,
                                   size_t errstr_size) {
    k2td_engine_rc_t rc = runtime_begin(rt, task, errstr, errstr_size);
    if (rc != K2TD_ENGINE_OK) return rc;
    k2td_rest_opts_t ro = rest_opts ? *rest_opts : (k2td_rest_opts_t){0};
    ro.ca_file = task->options.target_ca; /* the operator's CAs for an https target */
    rt->rest = k2td_rest_new(&rt->dsn, &ro);
    rt->schemas = (k2td_schema_source_t){.from = K2TD_SCHEMA_FROM_TDENGINE, .rest = rt->rest};
    return runtime_open_targets(rt, errstr, errstr_size);
}

k2td_engine_rc_t k2td_runtime_open_offline(k2td_runtime_t *rt, const k2td_task_t *task,
                                           const k2td_schema_file_t *file, char *errstr,
                                           size_t errstr_size) {
    k2td_engine_rc_t rc = runtime_begin(rt, task, errstr, errstr_size);
    if (rc != K2TD_ENGINE_OK) return rc;
    rt->schemas = file ? (k2td_schema_source_t){.from = K2TD_SCHEMA_FROM_FILE, .file = file}
                       : (k2td_schema_source_t){.from = K2TD_SCHEMA_FROM_MAPPING,
                                                .parser = &task->parser};
    return runtime_open_targets(rt, errstr, errstr_size);
}

void k2td_runtime_close(k2td_runtime_t *rt) {
    k2td_target_set_free(rt->targets);
    k2td_router_free(rt->router);
    k2td_pipeline_free(rt->pipeline);
    k2td_payload_parser_free(rt->parser);
    k2td_charset_decoder_free(rt->decoder);
    k2td_stable_schema_clear(&rt->db);
    k2td_rest_free(rt->rest);
    k2td_taos_dsn_clear(&rt->dsn);
    memset(rt, 0, sizeof(*rt));
}

int64_t k2td_runtime_refresh(k2td_runtime_t *rt) {
    int64_t now_ms;
    k2td_convert_opts_t co = runtime_convert_opts(rt, &now_ms);
    k2td_target_set_opts(rt->targets, &co);
    return now_ms;
}

int k2td_runtime_parse(k2td_runtime_t *rt, const char *payload, size_t len, size_t msg_index,
                       k2td_rowset_t *rs, char *errstr, size_t errstr_size) {
    if (!payload) {
        snprintf(errstr, errstr_size, "empty payload");
        return -1;
    }
    if (rt->decoder && k2td_charset_decode(rt->decoder, payload, len, &rs->arena, &payload, &len,
                                           errstr, errstr_size) != 0)
        return -1;
    return k2td_payload_parser_parse(rt->parser, payload, len, msg_index, rs, errstr,
                                     errstr_size);
}

size_t k2td_runtime_models(const k2td_runtime_t *rt, size_t route) {
    return rt->task->parser.routes[route].nmodels;
}

k2td_map_rc_t k2td_runtime_map(k2td_runtime_t *rt, size_t route, size_t model,
                               const k2td_rowset_t *rs, size_t row, size_t origin,
                               k2td_target_t **target, k2td_map_outcome_t *o, char *errstr,
                               size_t errstr_size) {
    *target = NULL;
    memset(o, 0, sizeof(*o));
    int rc = k2td_target_set_get(rt->targets, route, model, rs, row, target, errstr, errstr_size);
    if (rc == K2TD_SCHEMA_UNREACHABLE) return K2TD_MAP_UNREACHABLE;
    if (rc != K2TD_SCHEMA_OK) {
        o->fault = rc == K2TD_SCHEMA_NO_STABLE ? K2TD_FAULT_STABLE_MISSING : K2TD_FAULT_DATA;
        return K2TD_MAP_REFUSED;
    }
    k2td_target_t *t = *target;
    if (k2td_mapper_map_row(t->mapper, rs, row, origin, t->batch, o, errstr, errstr_size) != 0)
        return K2TD_MAP_REFUSED;
    return K2TD_MAP_OK;
}

k2td_engine_rc_t k2td_runtime_open_parsing(k2td_runtime_t *rt, const k2td_task_t *task,
                                           char *errstr, size_t errstr_size) {
    memset(rt, 0, sizeof(*rt));
    rt->task = task;
    return runtime_open_parsing(rt, errstr, errstr_size);
}
