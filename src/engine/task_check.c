/*
 * task_check.c - the checks of `k2td check` and of the service's
 * connectivity check (see task_check.h).
 */
#include "task_check.h"

#include <string.h>

#include "../sink/schema_load.h"
#include "broker_wait.h"
#include "../task/taos_dsn.h"

k2td_engine_rc_t k2td_check_kafka(const k2td_kafka_conf_t *conf, const char *task_id,
                                  int timeout_ms, k2td_kafka_topic_fn on_topic, void *ctx,
                                  char *errstr, size_t errstr_size) {
    k2td_kafka_source_t *src = k2td_kafka_source_new(conf, task_id, errstr, errstr_size);
    if (!src) return K2TD_ENGINE_CONFIG;
    int rc = k2td_kafka_source_topics(src, timeout_ms, on_topic, ctx, errstr, errstr_size);
    k2td_kafka_source_close(src);
    return k2td_broker_rc(rc);
}

/* Checks the database, then each supertable a model names plainly. Returns
 * a k2td_schema_rc_t. */
static int check_targets(k2td_rest_t *rest, const char *db, const k2td_parser_conf_t *pc,
                         k2td_precision_t *precision, char *err, size_t err_size) {
    k2td_stable_schema_t s;
    int rc = k2td_schema_load(rest, db, NULL, &s, err, err_size);
    if (rc == K2TD_SCHEMA_OK && precision) *precision = s.precision;
    k2td_stable_schema_clear(&s);
    for (size_t r = 0; pc && r < pc->nroutes && rc == K2TD_SCHEMA_OK; r++)
        for (size_t m = 0; m < pc->routes[r].nmodels && rc == K2TD_SCHEMA_OK; m++)
            if (!strchr(pc->routes[r].models[m].stable, '{'))
                rc = k2td_schema_check(rest, db, pc->routes[r].models[m].stable, err, err_size);
    return rc;
}

int k2td_check_tdengine(const char *to, const char *ca_file, const k2td_parser_conf_t *pc,
                        long timeout_ms, k2td_precision_t *precision, char *errstr,
                        size_t errstr_size) {
    k2td_taos_dsn_t dsn;
    if (k2td_taos_dsn_parse(to, &dsn, errstr, errstr_size) != 0) return -1;
    k2td_rest_opts_t ro = {.timeout_ms = timeout_ms, .ca_file = ca_file};
    k2td_rest_t *rest = k2td_rest_new(&dsn, &ro);
    int rc = check_targets(rest, dsn.db, pc, precision, errstr, errstr_size);
    k2td_rest_free(rest);
    k2td_taos_dsn_clear(&dsn);
    return rc;
}
