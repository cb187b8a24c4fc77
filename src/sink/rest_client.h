/*
 * rest_client.h - runs one SQL statement at a time against TDengine's REST
 * endpoint (taosAdapter, POST /rest/sql/<db>).
 *
 * A client owns one libcurl handle, so consecutive statements reuse the same
 * keep-alive connection. A client is NOT thread-safe: give each thread its
 * own. Creating clients from several threads at once is safe (libcurl's global
 * initialisation runs exactly once, on first use).
 */
#ifndef K2TD_REST_CLIENT_H
#define K2TD_REST_CLIENT_H

#include <stddef.h>

#include "rest_answer.h"
#include "../task/taos_dsn.h"

typedef struct k2td_rest k2td_rest_t;

typedef struct k2td_rest_opts {
    long connect_timeout_ms; /* TCP (+TLS) connect; 0 means 5000 */
    long timeout_ms;         /* whole request, answer included; 0 means 60000 */
    /* Asked about once a second while a request runs (libcurl's progress
     * callback, on the thread that called k2td_rest_exec); non-zero abandons
     * the request, which then fails as a transient transport error. NULL:
     * never. */
    int (*abort)(void *ctx);
    void *abort_ctx;
    const char *ca_file;     /* https: PEM file of the CAs trusted instead of the
                                system's store; NULL: the system's store */
} k2td_rest_opts_t;

/* Returns a client for dsn (which is copied; the caller keeps its own) with
 * opts (NULL for the defaults); release it with k2td_rest_free(). No
 * connection is made yet. Never returns NULL: when libcurl cannot be
 * initialised (out of memory) the program ends, as on any allocation failure. */
k2td_rest_t *k2td_rest_new(const k2td_taos_dsn_t *dsn, const k2td_rest_opts_t *opts);

/* Closes the connection and releases the client; NULL is fine. */
void k2td_rest_free(k2td_rest_t *r);

/* Returns "http://host:port" (no credentials), for messages. */
const char *k2td_rest_base_url(const k2td_rest_t *r);

/* Sends sql[0..len) as one statement and waits for the answer. Returns its
 * class (see k2td_rest_classify). *answer is always set, zeroed when no HTTP
 * answer arrived; the caller releases it with k2td_rest_answer_clear. Unless
 * the class is OK, errstr holds TDengine's description with its code, or
 * libcurl's error text; neither ever contains the password. An answer larger
 * than 64 MiB is refused (FATAL). Statements are never retried here. */
k2td_rest_class_t k2td_rest_exec(k2td_rest_t *r, const char *sql, size_t len,
                                 k2td_rest_answer_t *answer, char *errstr, size_t errstr_size);

#endif
