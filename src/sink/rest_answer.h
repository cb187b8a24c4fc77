/*
 * rest_answer.h - reads what TDengine's /rest/sql answered and decides what
 * kind of outcome it is.
 *
 * An answer body is {"code":0,"column_meta":[[name,type,len],...],"data":[[...]],
 * "rows":n} on success and {"code":N,"desc":"..."} on failure, where N is the
 * low 16 bits of TDengine's error code in decimal. The HTTP status is usually
 * 200 either way, so the body's code decides; 401 and 502/503/504 decide alone.
 */
#ifndef K2TD_REST_ANSWER_H
#define K2TD_REST_ANSWER_H

#include <stddef.h>

#include <cJSON.h>

/* The code k2td_rest_answer_parse() reports when the body is not an answer. */
#define K2TD_REST_CODE_MALFORMED (-1)
/* ... and when the answer ends early (empty, or JSON cut off at its end): the
 * connection broke while the answer came, so whether the statement was
 * carried out is unknown. libcurl reports a 200 with no body when the
 * connection closes in the middle of the headers. */
#define K2TD_REST_CODE_CUT (-2)

typedef enum k2td_rest_class {
    K2TD_REST_OK = 0,
    K2TD_REST_TRANSIENT, /* TDengine unreachable, overloaded or timing out: retry later */
    K2TD_REST_AUTH,      /* credentials rejected: stop and say so */
    K2TD_REST_DATA,      /* the statement's data was rejected: the rows are at fault */
    K2TD_REST_FATAL,     /* anything else: schema, configuration or a bug; stop */
} k2td_rest_class_t;

typedef struct k2td_rest_answer {
    int code;            /* 0 on success; TDengine's code; K2TD_REST_CODE_MALFORMED or _CUT */
    char *desc;          /* what went wrong (NULL on success); owned */
    long affected_rows;  /* for INSERT/DDL answers; -1 when the answer is a result set */
    cJSON *column_meta;  /* [[name, type, length], ...] or NULL; owned */
    cJSON *data;         /* [[v, ...], ...] or NULL; owned */
    int rows;            /* number of rows in data */
} k2td_rest_answer_t;

/* Parses body[0..len) received with http_status into *out (which the caller
 * releases with k2td_rest_answer_clear, whatever this returns). Returns 0 when
 * it is a success answer (status 2xx and code 0); -1 otherwise, with code and
 * desc saying why: TDengine's code and desc for an error answer, or
 * K2TD_REST_CODE_MALFORMED and a desc quoting up to 200 bytes of a body that
 * is not a /rest/sql answer, or K2TD_REST_CODE_CUT for an answer that ends
 * early (classified transient). */
int k2td_rest_answer_parse(const char *body, size_t len, long http_status, k2td_rest_answer_t *out);

/* Releases what the answer owns and zeroes it; safe on a zeroed answer. */
void k2td_rest_answer_clear(k2td_rest_answer_t *a);

/* Returns the class of an outcome. transport_error is 0 when an HTTP answer
 * arrived, otherwise the libcurl CURLcode that stopped the request; code is
 * the answer's code (0 when there is no body code). */
k2td_rest_class_t k2td_rest_classify(long http_status, int code, int transport_error);

/* Returns 1 when code is TDengine's answer about a table or supertable that
 * does not exist (9731 "Table does not exist", which an INSERT ... USING a
 * dropped supertable gets; 866 "STable not exist"; 1562 "Supertable does not
 * exist"), else 0. */
int k2td_rest_table_missing(int code);

/* Returns "ok", "transient", "auth", "data" or "fatal". */
const char *k2td_rest_class_name(k2td_rest_class_t c);

#endif
