/*
 * api_drafts.c - what the task form needs before a task is saved: the
 * connectivity check, sample messages from the brokers or from a file, and
 * the preview of a parser on samples (k2td_preview_run, as `k2td preview`).
 * Nothing here is stored or committed. A draft of a stored task may name it
 * ("task_id") to have its masked secrets restored (k2td_api_draft_body).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/errstr.h"
#include "../engine/preview.h"
#include "../engine/task_check.h"
#include "../parse/csv_parse.h"
#include "../sink/schema_load.h"
#include "../source/kafka_sample.h"
#include "../task/kafka_dsn.h"
#include "../task/taos_dsn.h"
#include "api.h"

#define DRAFT_CHECK_TIMEOUT_MS 5000
#define DRAFT_MAX_SAMPLES 1000

cJSON *k2td_api_draft_body(k2td_api_call_t *c) {
    cJSON *body = k2td_api_body(c);
    const cJSON *id = body ? cJSON_GetObjectItemCaseSensitive(body, "task_id") : NULL;
    if (!id || cJSON_IsNull(id)) return body;
    if (!cJSON_IsNumber(id) || id->valuedouble < 1 || id->valuedouble > 9007199254740991.0 ||
        id->valuedouble != (double)(int64_t)id->valuedouble) {
        k2td_api_bad(c, "task_id", "`task_id` must be the id of a task (a positive integer)");
        cJSON_Delete(body);
        return NULL;
    }
    k2td_task_rec_t rec;
    char err[512];
    int rc = k2td_task_store_get(c->svc->store, (int64_t)id->valuedouble, &rec, err, sizeof(err));
    if (rc == 0) {
        k2td_api_restore_secrets(body, rec.def);
        k2td_task_rec_clear(&rec);
        return body;
    }
    if (rc == K2TD_STORE_NOT_FOUND)
        k2td_http_error(c->resp, 404, "task_id", "task_id: no task with id `%lld`",
                        (long long)id->valuedouble);
    else
        k2td_api_internal(c, err);
    cJSON_Delete(body);
    return NULL;
}

/* Parses the source DSN body.from into *conf. Returns 0, or -1 after
 * answering 400 naming "from" or "from.<key>". */
static int draft_from(k2td_api_call_t *c, const char *from, k2td_kafka_conf_t *conf) {
    char err[1024], field[128];
    if (k2td_kafka_dsn_parse_as(from, &c->svc->policy, conf, err, sizeof(err)) == 0) return 0;
    const char *key = k2td_api_error_key(err);
    snprintf(field, sizeof(field), "from%s%.*s", key ? "." : "", key ? (int)strcspn(key, "`") : 0,
             key ? key : "");
    k2td_errstr_prefix(err, sizeof(err), "from: ");
    k2td_api_bad(c, field, err);
    return -1;
}

/* on_topic of the Kafka check: appends {"name","partitions"} to ctx. */
static void draft_topic(void *ctx, const char *topic, int partitions) {
    cJSON *t = cJSON_CreateObject();
    cJSON_AddStringToObject(t, "name", topic);
    cJSON_AddNumberToObject(t, "partitions", partitions);
    cJSON_AddItemToArray(ctx, t);
}

/* Returns TDengine's error code in errstr ("... (0x0388): ...") as
 * "0x0388", or NULL. */
static cJSON *draft_td_code(const char *errstr, int rc) {
    const char *p = strstr(errstr, "(0x");
    if (p && strlen(p) >= 8 && p[7] == ')') {
        char code[7];
        memcpy(code, p + 1, 6);
        code[6] = '\0';
        return cJSON_CreateString(code);
    }
    return rc == K2TD_SCHEMA_NO_DB ? cJSON_CreateString("0x0388") : cJSON_CreateNull();
}

void k2td_api_check(k2td_api_call_t *c) {
    cJSON *body = k2td_api_draft_body(c);
    const char *from = body ? k2td_api_string(c, body, "from", 1) : NULL;
    const char *to = from ? k2td_api_string(c, body, "to", 1) : NULL;
    k2td_kafka_conf_t conf = {0};
    char err[1024];
    k2td_taos_dsn_t dsn = {0};
    if (!to || draft_from(c, from, &conf) != 0) goto done;
    if (k2td_taos_dsn_parse_as(to, &c->svc->policy, &dsn, err, sizeof(err)) != 0) {
        k2td_errstr_prefix(err, sizeof(err), "to: ");
        k2td_api_bad(c, "to", err);
        goto done;
    }
    cJSON *doc = cJSON_CreateObject();
    cJSON *kafka = cJSON_AddObjectToObject(doc, "kafka");
    cJSON *topics = cJSON_CreateArray();
    k2td_engine_rc_t krc = k2td_check_kafka(&conf, NULL, DRAFT_CHECK_TIMEOUT_MS, draft_topic,
                                            topics, err, sizeof(err));
    cJSON_AddBoolToObject(kafka, "ok", krc == K2TD_ENGINE_OK);
    if (krc == K2TD_ENGINE_OK) {
        cJSON_AddItemToObject(kafka, "topics", topics);
    } else {
        cJSON_Delete(topics);
        cJSON_AddStringToObject(kafka, "error", err);
        /* a refused SASL login by name and password is the password's
         * (the source says "(SASL <mechanism> as user `u`)", kafka_source.c;
         * a Kerberos one is told by kinit and stays with the brokers) */
        int password = strstr(err, " (SASL ") && !strstr(err, " (SASL GSSAPI ");
        cJSON_AddStringToObject(kafka, "field",
                                krc == K2TD_ENGINE_KAFKA_NO_TOPIC   ? "from.topics"
                                : krc == K2TD_ENGINE_KAFKA_NO_GROUP ? "from.group"
                                : password                          ? "from.sasl.password"
                                                                    : "from");
    }
    cJSON *td = cJSON_AddObjectToObject(doc, "tdengine");
    k2td_precision_t prec = K2TD_PREC_MS;
    int trc = k2td_check_tdengine(to, c->svc->target_ca, NULL, DRAFT_CHECK_TIMEOUT_MS, &prec,
                                  err, sizeof(err));
    cJSON_AddBoolToObject(td, "ok", trc == K2TD_SCHEMA_OK);
    if (trc == K2TD_SCHEMA_OK) {
        cJSON_AddStringToObject(td, "database", dsn.db);
        cJSON_AddStringToObject(td, "precision", k2td_precision_name(prec));
    } else {
        cJSON_AddStringToObject(td, "error", err);
        cJSON_AddItemToObject(td, "code", draft_td_code(err, trc));
    }
    k2td_api_reply(c, 200, doc);
done:
    k2td_taos_dsn_clear(&dsn);
    k2td_kafka_conf_free(&conf);
    cJSON_Delete(body);
}

void k2td_api_samples(k2td_api_call_t *c) {
    cJSON *body = k2td_api_draft_body(c);
    const char *from = body ? k2td_api_string(c, body, "from", 1) : NULL;
    long count, timeout_ms;
    k2td_kafka_conf_t conf = {0};
    k2td_kafka_samples_t got = {0};
    if (!from ||
        k2td_api_int(c, body, "count", 1, DRAFT_MAX_SAMPLES, 10, &count) != 0 ||
        k2td_api_int(c, body, "timeout_ms", 100, 60000, 5000, &timeout_ms) != 0 ||
        draft_from(c, from, &conf) != 0)
        goto done;
    char err[1024];
    k2td_kafka_sample_rc_t rc = k2td_kafka_sample_fetch(&conf, NULL, (size_t)count,
                                                        (int)timeout_ms, &got, err, sizeof(err));
    if (rc == K2TD_KAFKA_SAMPLE_CONFIG) {
        k2td_api_bad(c, "from", err);
        goto done;
    }
    if (rc != K2TD_KAFKA_SAMPLE_OK) {
        k2td_http_error(c->resp, 502, "from", "%s", err);
        goto done;
    }
    cJSON *doc = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(doc, "samples");
    for (size_t i = 0; i < got.n; i++) {
        const k2td_kafka_sample_t *s = &got.items[i];
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "topic", s->topic);
        cJSON_AddNumberToObject(j, "partition", s->partition);
        cJSON_AddNumberToObject(j, "offset", (double)s->offset);
        cJSON_AddItemToObject(j, "key", s->key ? k2td_api_text(s->key, s->key_len)
                                               : cJSON_CreateNull());
        cJSON_AddItemToObject(j, "value", k2td_api_text(s->value, s->value_len));
        cJSON_AddItemToArray(arr, j);
    }
    cJSON_AddBoolToObject(doc, "timed_out", got.timed_out);
    k2td_api_reply(c, 200, doc);
done:
    k2td_kafka_samples_free(&got);
    k2td_kafka_conf_free(&conf);
    cJSON_Delete(body);
}

/* Appends {"value": ...} for the value column of a CSV with a header row
 * that has a column named "value" or "message". Returns the number added,
 * or -1 when the body is not such a CSV. */
static long draft_csv_samples(const char *text, size_t len, cJSON *arr) {
    k2td_csv_opts_t opts = {.header = 1};
    k2td_csv_t *csv = k2td_csv_new(&opts, NULL, 0);
    k2td_rowset_t rows;
    k2td_rowset_init(&rows);
    long added = -1;
    if (k2td_csv_parse(csv, text, len, 0, &rows, NULL, 0) >= 0) {
        for (size_t r = 0; r < rows.nrows && added < DRAFT_MAX_SAMPLES; r++) {
            size_t hint = 0;
            const k2td_field_t *f = k2td_rowset_find(&rows, r, "value", 5, &hint);
            if (!f) f = k2td_rowset_find(&rows, r, "message", 7, &hint);
            if (!f) break;
            if (added < 0) added = 0;
            cJSON *s = cJSON_CreateObject();
            cJSON_AddItemToObject(s, "value", k2td_api_text(f->v.str ? f->v.str : "", f->v.len));
            cJSON_AddItemToArray(arr, s);
            added++;
        }
    }
    k2td_rowset_free(&rows);
    k2td_csv_free(csv);
    return added;
}

void k2td_api_samples_upload(k2td_api_call_t *c) {
    const char *text = c->req->body;
    size_t len = c->req->body_len;
    if (len == 0) {
        k2td_api_bad(c, NULL, "the body (the file of samples) is empty");
        return;
    }
    cJSON *doc = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(doc, "samples");
    if (draft_csv_samples(text, len, arr) < 0) {
        cJSON_DeleteItemFromObject(doc, "samples");
        arr = cJSON_AddArrayToObject(doc, "samples");
        size_t n = 0;
        for (size_t i = 0; i < len && n < DRAFT_MAX_SAMPLES;) {
            size_t end = i;
            while (end < len && text[end] != '\n') end++;
            size_t line = end - i;
            if (line && text[i + line - 1] == '\r') line--;
            if (line) {
                cJSON *s = cJSON_CreateObject();
                cJSON_AddItemToObject(s, "value", k2td_api_text(text + i, line));
                cJSON_AddItemToArray(arr, s);
                n++;
            }
            i = end + 1;
        }
    }
    k2td_api_reply(c, 200, doc);
}

/* Returns the task a draft describes: body's to and parser with from (or
 * a placeholder source, as only its char_encoding matters); the parser may
 * have no model (K2TD_PARSER_MODEL_OPTIONAL). Returns 0, or -1 after
 * answering 400 naming the field. */
int k2td_api_draft_task(k2td_api_call_t *c, const cJSON *body, k2td_task_t *task) {
    const char *to = k2td_api_string(c, body, "to", 1);
    if (!to) return -1;
    char err[1024], field[128];
    k2td_taos_dsn_t dsn;
    int bad_to = k2td_taos_dsn_parse_as(to, &c->svc->policy, &dsn, err, sizeof(err));
    k2td_taos_dsn_clear(&dsn);
    if (bad_to) {
        k2td_errstr_prefix(err, sizeof(err), "to: ");
        k2td_api_bad(c, "to", err);
        return -1;
    }
    const cJSON *parser = cJSON_GetObjectItemCaseSensitive(body, "parser");
    if (!cJSON_IsObject(parser)) {
        k2td_api_bad(c, "parser", "`parser` must be a JSON object");
        return -1;
    }
    const cJSON *from = cJSON_GetObjectItemCaseSensitive(body, "from");
    if (from && !cJSON_IsNull(from) && !cJSON_IsString(from)) {
        k2td_api_bad(c, "from", "`from` must be a string");
        return -1;
    }
    cJSON *t = cJSON_CreateObject();
    cJSON_AddStringToObject(t, "name", "draft");
    cJSON_AddStringToObject(t, "from", cJSON_IsString(from)
                                           ? from->valuestring
                                           : "kafka://127.0.0.1:9092?topics=draft");
    cJSON_AddStringToObject(t, "to", to);
    cJSON_AddItemToObject(t, "parser", cJSON_Duplicate(parser, 1));
    int rc = k2td_task_read(t, NULL, K2TD_PARSER_MODEL_OPTIONAL, &c->svc->policy, task, err,
                            sizeof(err));
    cJSON_Delete(t);
    if (rc != 0) k2td_api_bad(c, k2td_api_task_field(err, field, sizeof(field)), err);
    return rc;
}

/* Reads body.samples (an array of 1 to 1000 strings) into a new array
 * (*out, *n). Returns 0, or -1 after answering 400. */
int k2td_api_draft_samples(k2td_api_call_t *c, const cJSON *body, k2td_preview_sample_t **out,
                           size_t *n) {
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(body, "samples");
    int count = cJSON_GetArraySize(arr);
    *out = NULL;
    *n = 0;
    if (!cJSON_IsArray(arr) || count < 1 || count > DRAFT_MAX_SAMPLES) {
        k2td_api_bad(c, "samples", "`samples` must be an array of 1 to 1000 strings");
        return -1;
    }
    *out = k2td_calloc((size_t)count, sizeof(**out));
    for (const cJSON *s = arr->child; s; s = s->next) {
        if (!cJSON_IsString(s)) {
            char field[32];
            snprintf(field, sizeof(field), "samples[%zu]", *n);
            k2td_api_bad(c, field, "every sample must be a string");
            free(*out);
            *out = NULL;
            *n = 0;
            return -1;
        }
        (*out)[(*n)++] = (k2td_preview_sample_t){.data = s->valuestring, .len = strlen(s->valuestring)};
    }
    return 0;
}

/* Answers the failure of opening a draft's runtime (preview or propose). */
void k2td_api_runtime_failed(k2td_api_call_t *c, k2td_engine_rc_t rc, const char *err) {
    switch (rc) {
    case K2TD_ENGINE_CONFIG: k2td_api_bad(c, "parser", err); break;
    case K2TD_ENGINE_TD_NO_DB: k2td_api_bad(c, "to", err); break;
    case K2TD_ENGINE_TD_NO_STABLE: k2td_api_bad(c, "parser.model.using", err); break;
    default: k2td_http_error(c->resp, 502, "to", "%s", err); break;
    }
}

void k2td_api_preview(k2td_api_call_t *c) {
    cJSON *body = k2td_api_draft_body(c);
    k2td_task_t task = {0};
    k2td_preview_sample_t *samples = NULL;
    size_t n = 0;
    if (!body || k2td_api_draft_task(c, body, &task) != 0 ||
        k2td_api_draft_samples(c, body, &samples, &n) != 0)
        goto done;
    cJSON *doc = NULL;
    char err[1024];
    k2td_engine_rc_t rc = k2td_preview_run(&task, samples, n, NULL, &doc, err, sizeof(err));
    if (rc == K2TD_ENGINE_OK)
        k2td_api_reply(c, 200, doc);
    else
        k2td_api_runtime_failed(c, rc, err);
done:
    free(samples);
    k2td_task_free(&task);
    cJSON_Delete(body);
}
