/*
 * api_util.c - what the API handlers share: JSON bodies in, JSON answers
 * and errors out (see api.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/utf8.h"
#include "../task/json_doc.h"
#include "api.h"

void k2td_api_reply(k2td_api_call_t *c, int status, cJSON *doc) {
    c->resp->status = status;
    k2td_buf_reset(&c->resp->body);
    if (!doc) return;
    char *text = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    k2td_buf_puts(&c->resp->body, text);
    free(text);
}

void k2td_api_bad(k2td_api_call_t *c, const char *field, const char *errstr) {
    k2td_http_error(c->resp, 400, field, "%s", errstr);
}

void k2td_api_internal(k2td_api_call_t *c, const char *errstr) {
    k2td_http_error(c->resp, 500, NULL, "%s", errstr);
}

void k2td_api_store_failed(k2td_api_call_t *c, int rc, const char *errstr) {
    k2td_http_error(c->resp, rc == K2TD_STORE_UNWRITABLE ? 503 : 500, NULL, "%s", errstr);
}

int k2td_api_tasks_read(k2td_api_call_t *c, k2td_task_rec_t **recs, size_t *n) {
    char err[512];
    if (k2td_task_store_list(c->svc->store, recs, n, err, sizeof(err)) == 0) return 0;
    k2td_api_internal(c, err);
    return -1;
}

cJSON *k2td_api_text(const char *s, size_t n) {
    k2td_buf_t b = K2TD_BUF_INIT;
    k2td_utf8_escape(&b, s, n);
    cJSON *j = cJSON_CreateString(b.data ? b.data : "");
    k2td_buf_free(&b);
    return j;
}

void k2td_api_no_task(k2td_api_call_t *c) {
    k2td_http_error(c->resp, 404, NULL, "no task with id `%s`", c->match->id_text);
}

cJSON *k2td_api_body(k2td_api_call_t *c) {
    char err[256];
    if (c->req->body_len == 0) {
        k2td_api_bad(c, NULL, "the request needs a JSON object as its body");
        return NULL;
    }
    cJSON *doc = k2td_json_parse(c->req->body, c->req->body_len, "body", err, sizeof(err));
    if (!doc) {
        /* "body.name: must not hold ..." names the field name */
        char field[128] = "";
        if (strncmp(err, "body.", 5) == 0)
            snprintf(field, sizeof(field), "%.*s", (int)strcspn(err + 5, ":"), err + 5);
        k2td_api_bad(c, field[0] ? field : NULL, err);
        return NULL;
    }
    if (!cJSON_IsObject(doc)) {
        snprintf(err, sizeof(err), "body: must be a JSON object, not %s", k2td_json_kind(doc));
        cJSON_Delete(doc);
        k2td_api_bad(c, NULL, err);
        return NULL;
    }
    return doc;
}

const char *k2td_api_string(k2td_api_call_t *c, const cJSON *body, const char *key,
                            int required) {
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(body, key);
    char err[256];
    if (!item || (cJSON_IsNull(item) && !required)) {
        if (!required) return NULL;
        snprintf(err, sizeof(err), "`%s` is required", key);
    } else if (!cJSON_IsString(item)) {
        snprintf(err, sizeof(err), "`%s` must be a string, not %s", key, k2td_json_kind(item));
    } else if (required && !item->valuestring[0]) {
        snprintf(err, sizeof(err), "`%s` must not be empty", key);
    } else {
        return item->valuestring;
    }
    k2td_api_bad(c, key, err);
    return NULL;
}

int k2td_api_int(k2td_api_call_t *c, const cJSON *body, const char *key, long min, long max,
                 long def, long *out) {
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(body, key);
    *out = def;
    if (!item || cJSON_IsNull(item)) return 0;
    if (cJSON_IsNumber(item) && item->valuedouble >= (double)min &&
        item->valuedouble <= (double)max && item->valuedouble == (double)(long)item->valuedouble) {
        *out = (long)item->valuedouble;
        return 0;
    }
    char err[256];
    snprintf(err, sizeof(err), "`%s` must be an integer from %ld to %ld", key, min, max);
    k2td_api_bad(c, key, err);
    return -1;
}

const char *k2td_api_error_key(const char *msg) {
    if (strncmp(msg, "key `", 5) == 0) return msg + 5;
    if (strncmp(msg, "unknown key `", 13) == 0) return msg + 13;
    return NULL;
}

const char *k2td_api_task_field(const char *errstr, char *field, size_t field_size) {
    field[0] = '\0';
    if (strncmp(errstr, "task", 4) != 0 || (errstr[4] != '.' && errstr[4] != ':')) return NULL;
    const char *path = errstr[4] == '.' ? errstr + 5 : errstr + 4;
    size_t plen = strcspn(path, ":");
    const char *rest = path[plen] ? path + plen + 1 : "";
    while (*rest == ' ') rest++;
    const char *key = k2td_api_error_key(rest);
    size_t klen = key ? strcspn(key, "`") : 0;
    snprintf(field, field_size, "%.*s%s%.*s", (int)plen, path, plen && key ? "." : "",
             (int)klen, key ? key : "");
    return field[0] ? field : NULL;
}
