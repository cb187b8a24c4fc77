/*
 * rest_client.c - one keep-alive libcurl handle posting SQL to /rest/sql (see rest_client.h).
 */
#include "rest_client.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../common/percent.h"

#define ANSWER_MAX ((size_t)64 << 20)
#define DEFAULT_CONNECT_TIMEOUT_MS 5000L
#define DEFAULT_TIMEOUT_MS 60000L

struct k2td_rest {
    CURL *curl;
    struct curl_slist *headers;
    char *base_url;
    char *url;                     /* base_url + "/rest/sql/" + db */
    int ca_given;                  /* the CAs come from opts->ca_file */
    k2td_buf_t body;               /* the answer being received */
    int too_large;                 /* set when the answer passed ANSWER_MAX */
    int (*abort)(void *ctx);       /* k2td_rest_opts_t.abort, or NULL */
    void *abort_ctx;
    int aborted;                   /* set when abort() gave the request up */
    char curl_err[CURL_ERROR_SIZE];
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

/* Runs libcurl's global initialisation; called once through pthread_once. */
static void curl_init_once(void) {
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* libcurl's write callback: collects the answer. Returns the bytes taken,
 * or 0 (which aborts the transfer) once the answer passes ANSWER_MAX. */
static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata) {
    k2td_rest_t *r = userdata;
    size_t n = size * nmemb;
    if (r->body.len + n > ANSWER_MAX) {
        r->too_large = 1;
        return 0; /* makes libcurl stop with CURLE_WRITE_ERROR */
    }
    k2td_buf_append(&r->body, data, n);
    return n;
}

/* libcurl's progress callback: asks the owner's abort hook. Returns
 * non-zero (libcurl then ends with CURLE_ABORTED_BY_CALLBACK) to give the
 * request up. */
static int on_progress(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow) {
    k2td_rest_t *r = userdata;
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    if (!r->abort(r->abort_ctx)) return 0;
    r->aborted = 1;
    return 1;
}

/* libcurl fails to initialise only when memory (or the TLS library) is
 * missing; like an allocation failure, that ends the program. */
static void curl_init_failed(const char *what) {
    fprintf(stderr, "k2td: FATAL: libcurl cannot be initialised (%s)\n", what);
    abort();
}

k2td_rest_t *k2td_rest_new(const k2td_taos_dsn_t *dsn, const k2td_rest_opts_t *opts) {
    pthread_once(&curl_once, curl_init_once);
    if (curl_init_rc != CURLE_OK) curl_init_failed(curl_easy_strerror(curl_init_rc));
    CURL *curl = curl_easy_init();
    if (!curl) curl_init_failed("curl_easy_init");

    k2td_rest_t *r = k2td_calloc(1, sizeof(*r));
    r->curl = curl;
    r->base_url = k2td_strdup(dsn->base_url);
    char *db = curl_easy_escape(curl, dsn->db, 0);
    if (!db) curl_init_failed("curl_easy_escape");
    k2td_buf_t url = K2TD_BUF_INIT;
    k2td_buf_printf(&url, "%s/rest/sql/%s", dsn->base_url, db);
    curl_free(db);
    if (dsn->token) {
        k2td_buf_puts(&url, "?token=");
        k2td_percent_encode(&url, dsn->token, "");
    }
    r->url = k2td_buf_detach(&url);

    /* Without "Expect:" libcurl would wait for a 100-continue before sending
     * large statements. */
    r->headers = curl_slist_append(NULL, "Content-Type: text/plain");
    r->headers = curl_slist_append(r->headers, "Expect:");
    long connect_ms = opts && opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms
                                                           : DEFAULT_CONNECT_TIMEOUT_MS;
    long total_ms = opts && opts->timeout_ms > 0 ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;

    /* Basic authentication is left to libcurl, which encodes user:password
     * and sends it with the first request when Basic is the only scheme
     * allowed; the credentials never appear in the URL or in our headers.
     * A DSN with a token and no credentials sends none: the token, in the
     * URL as TDengine Cloud wants it, is all. */
    int ok = r->headers != NULL &&
             curl_easy_setopt(curl, CURLOPT_URL, r->url) == CURLE_OK &&
             curl_easy_setopt(curl, CURLOPT_POST, 1L) == CURLE_OK &&
             curl_easy_setopt(curl, CURLOPT_HTTPHEADER, r->headers) == CURLE_OK &&
             (!dsn->user ||
              (curl_easy_setopt(curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC) == CURLE_OK &&
               curl_easy_setopt(curl, CURLOPT_USERNAME, dsn->user) == CURLE_OK &&
               curl_easy_setopt(curl, CURLOPT_PASSWORD, dsn->password ? dsn->password : "") ==
                   CURLE_OK)) &&
             curl_easy_setopt(curl, CURLOPT_USERAGENT, "k2td/" K2TD_VERSION) == CURLE_OK &&
             curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK &&
             curl_easy_setopt(curl, CURLOPT_WRITEDATA, r) == CURLE_OK &&
             curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, r->curl_err) == CURLE_OK &&
             curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
             curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L) == CURLE_OK &&
             curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, connect_ms) == CURLE_OK &&
             curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, total_ms) == CURLE_OK;
    /* The operator's CAs replace the system's (file and directory both). */
    r->ca_given = opts && opts->ca_file;
    if (ok && r->ca_given)
        ok = curl_easy_setopt(curl, CURLOPT_CAINFO, opts->ca_file) == CURLE_OK &&
             curl_easy_setopt(curl, CURLOPT_CAPATH, NULL) == CURLE_OK;
    if (ok && opts && opts->abort) {
        r->abort = opts->abort;
        r->abort_ctx = opts->abort_ctx;
        ok = curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress) == CURLE_OK &&
             curl_easy_setopt(curl, CURLOPT_XFERINFODATA, r) == CURLE_OK &&
             curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L) == CURLE_OK;
    }
    if (!ok) curl_init_failed("curl_easy_setopt");
    return r;
}

void k2td_rest_free(k2td_rest_t *r) {
    if (!r) return;
    curl_easy_cleanup(r->curl);
    curl_slist_free_all(r->headers);
    free(r->base_url);
    k2td_free_secret(r->url); /* may hold the token */
    k2td_buf_free(&r->body);
    free(r);
}

const char *k2td_rest_base_url(const k2td_rest_t *r) {
    return r->base_url;
}

/* Returns what to add to libcurl's message for the transport failure cc:
 * where the trusted CAs come from when the server's certificate is not
 * trusted or the CA file is unusable; "" otherwise. */
static const char *tls_advice(CURLcode cc, int ca_given) {
    if (cc == CURLE_PEER_FAILED_VERIFICATION)
        return ca_given ? " (the certificate is checked against the CAs of options.target_ca)"
                        : " (the certificate is checked against the system's CAs; give the CA "
                          "that signed it with options.target_ca, or target_ca in k2td serve's "
                          "--config)";
    if (cc == CURLE_SSL_CACERT_BADFILE)
        return " (options.target_ca must be a readable PEM file of CA certificates)";
    return "";
}

/* Writes the reason of a failed answer: TDengine's code and desc, or the
 * parser's description of a body that was not an answer. */
static void describe_failure(const k2td_rest_answer_t *a, long status, char *errstr, size_t errstr_size) {
    char http[32] = "";
    if (status != 200) snprintf(http, sizeof(http), " (HTTP %ld)", status);
    if (a->code > 0)
        snprintf(errstr, errstr_size, "TDengine error %d (0x%04X): %s%s", a->code, (unsigned)a->code,
                 a->desc ? a->desc : "", http);
    else if (a->desc)
        snprintf(errstr, errstr_size, "%s", a->desc);
    else
        snprintf(errstr, errstr_size, "TDengine answered HTTP %ld", status);
}

k2td_rest_class_t k2td_rest_exec(k2td_rest_t *r, const char *sql, size_t len,
                                 k2td_rest_answer_t *answer, char *errstr, size_t errstr_size) {
    memset(answer, 0, sizeof(*answer));
    k2td_buf_reset(&r->body);
    r->too_large = r->aborted = 0;
    r->curl_err[0] = '\0';
    /* Never NULL: libcurl would then read the body from stdin. */
    curl_easy_setopt(r->curl, CURLOPT_POSTFIELDS, sql ? sql : "");
    curl_easy_setopt(r->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(sql ? len : 0));

    CURLcode cc = curl_easy_perform(r->curl);
    if (cc != CURLE_OK) {
        if (r->too_large)
            snprintf(errstr, errstr_size, "TDengine at %s sent an answer larger than %zu MiB", r->base_url,
                     ANSWER_MAX >> 20);
        else if (r->aborted)
            snprintf(errstr, errstr_size, "the request to TDengine at %s was given up unanswered "
                     "(the task is stopping); its rows may or may not be written", r->base_url);
        else
            snprintf(errstr, errstr_size, "cannot talk to TDengine at %s: %s%s", r->base_url,
                     r->curl_err[0] ? r->curl_err : curl_easy_strerror(cc),
                     tls_advice(cc, r->ca_given));
        return k2td_rest_classify(0, 0, (int)cc);
    }
    long status = 0;
    curl_easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, &status);
    k2td_rest_answer_parse(r->body.data, r->body.len, status, answer);
    k2td_rest_class_t cls = k2td_rest_classify(status, answer->code, 0);
    if (cls != K2TD_REST_OK) describe_failure(answer, status, errstr, errstr_size);
    return cls;
}
