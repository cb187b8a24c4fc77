/*
 * test_rest_answer.c - parsing /rest/sql answers (good, error and malformed
 * bodies) and classifying every kind of outcome.
 */
#include <curl/curl.h>

#include "sink/rest_answer.h"
#include "test.h"

static int parse(const char *body, long status, k2td_rest_answer_t *a) {
    return k2td_rest_answer_parse(body, body ? strlen(body) : 0, status, a);
}

static void test_insert_answer(void) {
    k2td_rest_answer_t a;
    CHECK_INT(parse("{\"code\":0,\"column_meta\":[[\"affected_rows\",\"INT\",4]],\"data\":[[3]],\"rows\":1}",
                    200, &a),
              0);
    CHECK_INT(a.code, 0);
    CHECK(a.desc == NULL);
    CHECK_INT(a.affected_rows, 3);
    CHECK_INT(a.rows, 1);
    CHECK(cJSON_IsArray(a.column_meta) && cJSON_IsArray(a.data));
    k2td_rest_answer_clear(&a);
    CHECK(a.column_meta == NULL && a.data == NULL && a.desc == NULL);
    k2td_rest_answer_clear(&a); /* twice is harmless */
}

static void test_query_answer(void) {
    k2td_rest_answer_t a;
    const char *body =
        "{\"code\":0,\"column_meta\":[[\"name\",\"VARCHAR\",64],[\"precision\",\"VARCHAR\",2]],"
        "\"data\":[[\"kdb\",\"ms\"],[\"kdbus\",\"us\"]],\"rows\":2}";
    CHECK_INT(parse(body, 200, &a), 0);
    CHECK_INT(a.rows, 2);
    CHECK_INT(a.affected_rows, -1);
    const cJSON *v = cJSON_GetArrayItem(cJSON_GetArrayItem(a.data, 1), 1);
    CHECK(cJSON_IsString(v) && strcmp(v->valuestring, "us") == 0);
    k2td_rest_answer_clear(&a);

    /* An empty result set. */
    CHECK_INT(parse("{\"code\":0,\"column_meta\":[[\"name\",\"VARCHAR\",64]],\"data\":[],\"rows\":0}", 200,
                    &a),
              0);
    CHECK_INT(a.rows, 0);
    k2td_rest_answer_clear(&a);

    /* A result set whose only column happens to be numeric is not an insert answer. */
    CHECK_INT(parse("{\"code\":0,\"column_meta\":[[\"count(*)\",\"BIGINT\",8]],\"data\":[[7]],\"rows\":1}",
                    200, &a),
              0);
    CHECK_INT(a.affected_rows, -1);
    k2td_rest_answer_clear(&a);
}

static void test_error_answer(void) {
    k2td_rest_answer_t a;
    CHECK_INT(parse("{\"code\":9731,\"desc\":\"Table does not exist\"}", 200, &a), -1);
    CHECK_INT(a.code, 9731);
    CHECK_STR(a.desc, "Table does not exist");
    CHECK(a.data == NULL);
    k2td_rest_answer_clear(&a);

    CHECK_INT(parse("{\"code\":534}", 400, &a), -1);
    CHECK_INT(a.code, 534);
    CHECK_STR(a.desc, "(no description)");
    k2td_rest_answer_clear(&a);

    /* code 0 with a failure status is not a success */
    CHECK_INT(parse("{\"code\":0,\"desc\":\"\"}", 404, &a), -1);
    CHECK_INT(a.code, 0);
    CHECK(a.desc && strstr(a.desc, "HTTP 404") != NULL);
    k2td_rest_answer_clear(&a);
}

static void test_malformed(void) {
    static const struct {
        const char *body;
        long status;
        const char *expect;
    } cases[] = {
        {"<html><body>Bad Gateway</body></html>", 502,
         "HTTP 502: the answer is not JSON: '<html><body>Bad Gateway</body></html>'"},
        {"{\"code\":0,]}", 200, "not JSON: '{\"code\":0,]}'"},
        {"[1,2]", 200, "no numeric \"code\""},
        {"{\"code\":\"0\"}", 200, "no numeric \"code\""},
        {"{\"code\":1.5,\"desc\":\"x\"}", 200, "no numeric \"code\""},
        {"{\"code\":-3}", 200, "no numeric \"code\""},
        {"{\"desc\":\"x\"}", 200, "no numeric \"code\""},
        {"{\"code\":0,\"data\":{\"a\":1}}", 200, "not an array"},
        {"{\"code\":0,\"column_meta\":7}", 200, "not an array"},
        {"line1\nline2\t\x01", 500, "not JSON: 'line1.line2..'"},
        /* taosAdapter's own messages are JSON strings: shown as they are */
        {"\"memory exceeds threshold\"", 503, "HTTP 503: memory exceeds threshold"},
        {"\"a\\nb\"", 503, "HTTP 503: a\\nb"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        k2td_rest_answer_t a;
        CHECK_INT(parse(cases[i].body, cases[i].status, &a), -1);
        CHECK_INT(a.code, K2TD_REST_CODE_MALFORMED);
        if (!a.desc || !strstr(a.desc, cases[i].expect))
            fprintf(stderr, "case %zu: desc \"%s\"\n", i, a.desc ? a.desc : "(null)");
        CHECK(a.desc && strstr(a.desc, cases[i].expect) != NULL);
        CHECK(a.data == NULL && a.column_meta == NULL);
        k2td_rest_answer_clear(&a);
    }
}

/* An answer that ends early (the connection broke) is CUT, which is
 * transient: the statement may or may not have been carried out. */
static void test_cut_short(void) {
    static const struct {
        const char *body;
        long status;
        const char *expect;
    } cases[] = {
        {NULL, 200, "HTTP 200: the answer is empty (cut short?)"},
        {"", 502, "HTTP 502: the answer is empty"},
        {"{\"code\":0,", 200, "HTTP 200: the answer was cut short: '{\"code\":0,'"},
        {"{\"code\":0,\"column_meta\":[[\"affected_rows\",\"INT\",4]],\"data\":[[10", 200,
         "cut short"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        k2td_rest_answer_t a;
        CHECK_INT(parse(cases[i].body, cases[i].status, &a), -1);
        CHECK_INT(a.code, K2TD_REST_CODE_CUT);
        CHECK(a.desc && strstr(a.desc, cases[i].expect) != NULL);
        CHECK_INT(k2td_rest_classify(cases[i].status, a.code, 0), K2TD_REST_TRANSIENT);
        k2td_rest_answer_clear(&a);
    }
}

/* Only the first 200 bytes of a long body are quoted. */
static void test_malformed_quote_is_bounded(void) {
    char body[501];
    memset(body, 'x', 500);
    body[500] = '\0';
    k2td_rest_answer_t a;
    CHECK_INT(k2td_rest_answer_parse(body, 500, 503, &a), -1);
    const char *q = a.desc ? strchr(a.desc, '\'') : NULL;
    CHECK(q != NULL);
    if (q) {
        CHECK_INT(strspn(q + 1, "x"), 200);
        CHECK_STR(q + 201, "'...");
    }
    k2td_rest_answer_clear(&a);

    /* The body need not be NUL-terminated: only len bytes are read. */
    CHECK_INT(k2td_rest_answer_parse("{\"code\":0}garbage", 10, 200, &a), 0);
    k2td_rest_answer_clear(&a);
}

static void test_classify_ok(void) {
    CHECK_INT(k2td_rest_classify(200, 0, 0), K2TD_REST_OK);
    CHECK_INT(k2td_rest_classify(204, 0, 0), K2TD_REST_OK);
}

static void test_classify_transient(void) {
    static const int codes[] = {0x000B, 0x000C, 0x0022, 0x0126, 0x0102, 0x0101, 0x0105,
                                0x012E, 0x0130, 0x0131, 0x03B1, 0x0408, 0x0529, 0x0903,
                                0x090C, 0x0911, 0x0914, 0xE002, 0xE003, 0xE004};
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        CHECK_INT(k2td_rest_classify(200, codes[i], 0), K2TD_REST_TRANSIENT);
    CHECK_INT(k2td_rest_classify(502, 0x000B, 0), K2TD_REST_TRANSIENT); /* httpCodeServerError=true */
    CHECK_INT(k2td_rest_classify(500, 0x0131, 0), K2TD_REST_TRANSIENT); /* the same, taosd stopping */
    static const long statuses[] = {502, 503, 504};
    for (size_t i = 0; i < 3; i++) {
        CHECK_INT(k2td_rest_classify(statuses[i], 0, 0), K2TD_REST_TRANSIENT);
        CHECK_INT(k2td_rest_classify(statuses[i], K2TD_REST_CODE_MALFORMED, 0), K2TD_REST_TRANSIENT);
        CHECK_INT(k2td_rest_classify(statuses[i], 9731, 0), K2TD_REST_TRANSIENT);
    }
    static const int transport[] = {CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_RECV_ERROR,
                                    CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_COULDNT_RESOLVE_HOST};
    for (size_t i = 0; i < sizeof(transport) / sizeof(transport[0]); i++)
        CHECK_INT(k2td_rest_classify(0, 0, transport[i]), K2TD_REST_TRANSIENT);
}

static void test_table_missing(void) {
    CHECK_INT(k2td_rest_table_missing(9731), 1); /* an INSERT ... USING a dropped supertable */
    CHECK_INT(k2td_rest_table_missing(866), 1);
    CHECK_INT(k2td_rest_table_missing(1562), 1);
    CHECK_INT(k2td_rest_table_missing(904), 0); /* the database: not a table */
    CHECK_INT(k2td_rest_table_missing(0), 0);
}

static void test_classify_auth(void) {
    CHECK_INT(k2td_rest_classify(401, 0, 0), K2TD_REST_AUTH);
    CHECK_INT(k2td_rest_classify(401, K2TD_REST_CODE_MALFORMED, 0), K2TD_REST_AUTH);
    CHECK_INT(k2td_rest_classify(401, 0x0357, 0), K2TD_REST_AUTH);
    for (int c = 0x0350; c <= 0x0357; c++) CHECK_INT(k2td_rest_classify(200, c, 0), K2TD_REST_AUTH);
    CHECK_INT(k2td_rest_classify(200, 0x034F, 0), K2TD_REST_FATAL);
    CHECK_INT(k2td_rest_classify(200, 0x0358, 0), K2TD_REST_FATAL);
    /* taosAdapter 3.3.7: a user name of 24 bytes or more, a password of 256 or more */
    CHECK_INT(k2td_rest_classify(200, 0x0207, 0), K2TD_REST_AUTH);
    CHECK_INT(k2td_rest_classify(200, 0x0208, 0), K2TD_REST_AUTH);
    CHECK_INT(k2td_rest_classify(200, 0x0209, 0), K2TD_REST_FATAL);
}

static void test_classify_data(void) {
    static const int codes[] = {534, 9811, 1547, 512, 9751, 1565};
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        CHECK_INT(k2td_rest_classify(200, codes[i], 0), K2TD_REST_DATA);
        CHECK_INT(k2td_rest_classify(400, codes[i], 0), K2TD_REST_DATA); /* httpCodeServerError=true */
    }
}

static void test_classify_fatal(void) {
    static const int codes[] = {904, 9731, 9730, 9728, 537, 9729, 9791, 866, 1};
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        CHECK_INT(k2td_rest_classify(200, codes[i], 0), K2TD_REST_FATAL);
        CHECK_INT(k2td_rest_classify(500, codes[i], 0), K2TD_REST_FATAL);
    }
    CHECK_INT(k2td_rest_classify(200, K2TD_REST_CODE_MALFORMED, 0), K2TD_REST_FATAL);
    CHECK_INT(k2td_rest_classify(404, 0, 0), K2TD_REST_FATAL);
    CHECK_INT(k2td_rest_classify(500, K2TD_REST_CODE_MALFORMED, 0), K2TD_REST_FATAL);
    CHECK_INT(k2td_rest_classify(0, 0, CURLE_PEER_FAILED_VERIFICATION), K2TD_REST_FATAL);
    CHECK_INT(k2td_rest_classify(0, 0, CURLE_URL_MALFORMAT), K2TD_REST_FATAL);
    CHECK_INT(k2td_rest_classify(0, 0, CURLE_WRITE_ERROR), K2TD_REST_FATAL);
}

/* Parsing then classifying, as the client does. */
static void test_parse_then_classify(void) {
    static const struct {
        const char *body;
        long status;
        k2td_rest_class_t cls;
    } cases[] = {
        {"{\"code\":0,\"column_meta\":[[\"affected_rows\",\"INT\",4]],\"data\":[[1]],\"rows\":1}", 200,
         K2TD_REST_OK},
        {"{\"code\":855,\"desc\":\"Authentication failure\"}", 401, K2TD_REST_AUTH},
        {"{\"code\":9811,\"desc\":\"Value too long for column/tag: note\"}", 200, K2TD_REST_DATA},
        {"{\"code\":904,\"desc\":\"Database not exist\"}", 200, K2TD_REST_FATAL},
        {"{\"code\":11,\"desc\":\"Unable to establish connection\"}", 200, K2TD_REST_TRANSIENT},
        {"{\"code\":305,\"desc\":\"Database is closing down\"}", 200, K2TD_REST_TRANSIENT},
        {"\"memory exceeds threshold\"", 503, K2TD_REST_TRANSIENT},
        {"404 page not found", 404, K2TD_REST_FATAL},
        {"<html>ok</html>", 200, K2TD_REST_FATAL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        k2td_rest_answer_t a;
        k2td_rest_answer_parse(cases[i].body, strlen(cases[i].body), cases[i].status, &a);
        CHECK_INT(k2td_rest_classify(cases[i].status, a.code, 0), cases[i].cls);
        k2td_rest_answer_clear(&a);
    }
}

static void test_class_names(void) {
    CHECK_STR(k2td_rest_class_name(K2TD_REST_OK), "ok");
    CHECK_STR(k2td_rest_class_name(K2TD_REST_TRANSIENT), "transient");
    CHECK_STR(k2td_rest_class_name(K2TD_REST_AUTH), "auth");
    CHECK_STR(k2td_rest_class_name(K2TD_REST_DATA), "data");
    CHECK_STR(k2td_rest_class_name(K2TD_REST_FATAL), "fatal");
}

int main(void) {
    RUN(test_insert_answer);
    RUN(test_query_answer);
    RUN(test_error_answer);
    RUN(test_malformed);
    RUN(test_cut_short);
    RUN(test_malformed_quote_is_bounded);
    RUN(test_classify_ok);
    RUN(test_classify_transient);
    RUN(test_table_missing);
    RUN(test_classify_auth);
    RUN(test_classify_data);
    RUN(test_classify_fatal);
    RUN(test_parse_then_classify);
    RUN(test_class_names);
    return test_finish();
}
