/*
 * rest_answer.c - parses /rest/sql answers and classifies outcomes (see rest_answer.h).
 */
#include "rest_answer.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/utf8.h"

#define QUOTE_MAX 200

/* TDengine codes (low 16 bits) meaning "the cluster cannot serve right now". */
static const int transient_codes[] = {
    0x000B, /* RPC network unavailable: cannot establish connection */
    0x000C, /* RPC app error (TDengine 2.x) */
    0x0018, /* RPC broken link */
    0x0019, /* RPC timeout */
    0x0020, /* some node not connected (vgroup unreachable) */
    0x0021, /* some node broken link */
    0x0022, /* RPC max sessions */
    0x0023, /* RPC network error */
    0x0024, /* RPC network busy */
    0x0101, /* memory corrupted (TDengine 2.x) */
    0x0102, /* out of memory */
    0x0105, /* reference table out of memory (TDengine 2.x) */
    0x0126, /* out of RPC memory queue */
    0x012C, /* timeout */
    0x012E, /* not enough disk space */
    0x0130, /* "Database is starting up" */
    0x0131, /* "Database is closing down": taosAdapter's answer to a request
             * that reached it while taosd was shutting down */
    0x03B1, /* not enough memory in dnode */
    0x0408, /* dnode is offline */
    0x0529, /* "Vnode stopped": an INSERT in flight while taosd shut down */
    0x0903, /* sync timeout (a leader switch) */
    0x090C, /* sync leader is unreachable (an election) */
    0x0911, /* sync not ready to propose (recovery not completed) */
    0x0914, /* sync leader is restoring (replaying its log after a restart) */
    0xE002, /* taosAdapter: connection / pool errors */
    0xE003,
    0xE004,
};

/* TDengine codes meaning "these values cannot be written" (the statement's
 * data, not the setup, is at fault). */
static const int data_codes[] = {
    0x0200, /* invalid operation: tbname too long or containing '.' */
    0x0216, /* syntax error near a value: invalid data, overflow, bad timestamp */
    0x060B, /* timestamp out of range (older than KEEP or too far ahead) */
    0x061D, /* child table exists in another supertable */
    0x2617, /* table name contains '.' */
    0x2653, /* value too long for column/tag */
};

/* TDengine codes meaning "these credentials are refused": the login
 * failures 0x0350..0x0357, and the client's length checks, which answer
 * before any login (taosAdapter 3.3.7: a user name of 24 bytes or more, a
 * password of 256 bytes or more). */
#define CODE_INVALID_USER_LENGTH 0x0207
#define CODE_INVALID_PASS_LENGTH 0x0208

/* Returns 1 when code is one of list[0..n). */
static int in_list(int code, const int *list, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (list[i] == code) return 1;
    return 0;
}

/* Returns the class of a request that libcurl could not complete. */
static k2td_rest_class_t classify_transport(int curl_code) {
    switch (curl_code) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_ABORTED_BY_CALLBACK: /* the caller gave the request up (rest_client.h) */
        return K2TD_REST_TRANSIENT;
    default: /* TLS verification, bad URL, answer too large ...: retrying cannot help */
        return K2TD_REST_FATAL;
    }
}

k2td_rest_class_t k2td_rest_classify(long http_status, int code, int transport_error) {
    if (transport_error) return classify_transport(transport_error);
    if (http_status == 401) return K2TD_REST_AUTH;
    if (code == K2TD_REST_CODE_CUT) return K2TD_REST_TRANSIENT;
    if (http_status == 502 || http_status == 503 || http_status == 504 || http_status == 408 ||
        http_status == 429)
        return K2TD_REST_TRANSIENT;
    if (code == 0) return http_status >= 200 && http_status < 300 ? K2TD_REST_OK : K2TD_REST_FATAL;
    if ((code >= 0x0350 && code <= 0x0357) || code == CODE_INVALID_USER_LENGTH ||
        code == CODE_INVALID_PASS_LENGTH)
        return K2TD_REST_AUTH;
    if (in_list(code, transient_codes, sizeof(transient_codes) / sizeof(transient_codes[0])))
        return K2TD_REST_TRANSIENT;
    if (in_list(code, data_codes, sizeof(data_codes) / sizeof(data_codes[0]))) return K2TD_REST_DATA;
    return K2TD_REST_FATAL;
}

int k2td_rest_table_missing(int code) {
    return code == 0x2603 || code == 0x0362 || code == 0x061A;
}

const char *k2td_rest_class_name(k2td_rest_class_t c) {
    switch (c) {
    case K2TD_REST_OK: return "ok";
    case K2TD_REST_TRANSIENT: return "transient";
    case K2TD_REST_AUTH: return "auth";
    case K2TD_REST_DATA: return "data";
    case K2TD_REST_FATAL: break;
    }
    return "fatal";
}

/* Sets a->code to MALFORMED and a->desc to "HTTP <status>: <why>: '<start of body>'". */
static int malformed(k2td_rest_answer_t *a, long http_status, const char *why, const char *body,
                     size_t len) {
    k2td_buf_t b = K2TD_BUF_INIT;
    k2td_buf_printf(&b, "HTTP %ld: %s", http_status, why);
    if (len > 0) {
        size_t n = len < QUOTE_MAX ? len : QUOTE_MAX;
        k2td_buf_puts(&b, ": '");
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)body[i];
            k2td_buf_putc(&b, c >= 0x20 && c < 0x7f ? (char)c : '.');
        }
        k2td_buf_puts(&b, len > n ? "'..." : "'");
    }
    a->code = K2TD_REST_CODE_MALFORMED;
    a->desc = k2td_buf_detach(&b);
    return -1;
}

/* Returns 1 when body[0..len) is JSON text that ends inside an object,
 * array or string (so it was cut off), 0 otherwise. */
static int json_ends_open(const char *body, size_t len) {
    long depth = 0;
    int in_string = 0;
    for (size_t i = 0; i < len; i++) {
        char c = body[i];
        if (in_string) {
            if (c == '\\') i++;
            else if (c == '"') in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (--depth < 0) return 0;
        }
    }
    return body[0] == '{' && (in_string || depth > 0);
}

/* Returns the affected-rows count of an INSERT/DDL answer, -1 for a result set. */
static long affected_rows_of(const cJSON *meta, const cJSON *data) {
    const cJSON *col = cJSON_GetArrayItem(meta, 0);
    const cJSON *name = cJSON_GetArrayItem(col, 0);
    const cJSON *v = cJSON_GetArrayItem(cJSON_GetArrayItem(data, 0), 0);
    if (cJSON_GetArraySize(meta) != 1 || !cJSON_IsString(name) ||
        strcmp(name->valuestring, "affected_rows") != 0 || !cJSON_IsNumber(v) || v->valuedouble < 0 ||
        v->valuedouble > 9.0e15)
        return -1;
    return (long)v->valuedouble;
}

int k2td_rest_answer_parse(const char *body, size_t len, long http_status, k2td_rest_answer_t *out) {
    memset(out, 0, sizeof(*out));
    out->affected_rows = -1;
    if (!body || len == 0) {
        malformed(out, http_status, "the answer is empty (cut short?)", NULL, 0);
        out->code = K2TD_REST_CODE_CUT;
        return -1;
    }
    cJSON *root = cJSON_ParseWithLength(body, len);
    if (!root) {
        int cut = json_ends_open(body, len);
        malformed(out, http_status, cut ? "the answer was cut short" : "the answer is not JSON",
                  body, len);
        if (cut) out->code = K2TD_REST_CODE_CUT;
        return -1;
    }
    if (cJSON_IsString(root)) { /* a gateway's own message: taosAdapter's 503s */
        k2td_buf_t b = K2TD_BUF_INIT;
        k2td_buf_printf(&b, "HTTP %ld: ", http_status);
        k2td_utf8_escape_controls(&b, root->valuestring, strlen(root->valuestring));
        cJSON_Delete(root);
        out->code = K2TD_REST_CODE_MALFORMED;
        out->desc = k2td_buf_detach(&b);
        return -1;
    }
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(root, "code");
    if (!cJSON_IsObject(root) || !cJSON_IsNumber(code) || code->valuedouble != (double)code->valueint ||
        code->valueint < 0) {
        cJSON_Delete(root);
        return malformed(out, http_status, "the answer has no numeric \"code\"", body, len);
    }
    out->code = code->valueint;
    int rc = 0;
    if (out->code != 0) {
        const cJSON *desc = cJSON_GetObjectItemCaseSensitive(root, "desc");
        out->desc = k2td_strdup(cJSON_IsString(desc) ? desc->valuestring : "(no description)");
        rc = -1;
    } else if (http_status < 200 || http_status >= 300) {
        k2td_buf_t b = K2TD_BUF_INIT;
        k2td_buf_printf(&b, "HTTP %ld with code 0", http_status);
        out->desc = k2td_buf_detach(&b);
        rc = -1;
    } else {
        cJSON *meta = cJSON_DetachItemFromObjectCaseSensitive(root, "column_meta");
        cJSON *data = cJSON_DetachItemFromObjectCaseSensitive(root, "data");
        if ((meta && !cJSON_IsArray(meta)) || (data && !cJSON_IsArray(data))) {
            cJSON_Delete(meta);
            cJSON_Delete(data);
            cJSON_Delete(root);
            return malformed(out, http_status, "\"column_meta\" or \"data\" is not an array", body, len);
        }
        out->column_meta = meta;
        out->data = data;
        out->rows = cJSON_GetArraySize(data);
        out->affected_rows = affected_rows_of(meta, data);
    }
    cJSON_Delete(root);
    return rc;
}

void k2td_rest_answer_clear(k2td_rest_answer_t *a) {
    free(a->desc);
    cJSON_Delete(a->column_meta);
    cJSON_Delete(a->data);
    memset(a, 0, sizeof(*a));
}
