/*
 * test_kafka_sample.c - reading sample messages from Kafka: how the count is
 * shared over partitions, and the failures that need no broker (a property
 * librdkafka refuses, brokers that do not answer).
 */
#include <stdlib.h>

#include "source/kafka_sample.h"
#include "test.h"

/* Checks that sharing count over avail[0..n) gives want[0..n) and the sum. */
static void check_quota(const int64_t *avail, size_t n, int64_t count, const int64_t *want,
                        int64_t want_total) {
    int64_t quota[8];
    CHECK_INT(k2td_kafka_sample_quota(avail, n, count, quota), want_total);
    for (size_t i = 0; i < n; i++) CHECK_INT(quota[i], want[i]);
}

static void test_quota_even_and_remainder(void) {
    int64_t avail[] = {20, 20, 20, 20};
    check_quota(avail, 4, 8, (int64_t[]){2, 2, 2, 2}, 8);
    check_quota(avail, 4, 10, (int64_t[]){3, 3, 2, 2}, 10);
    check_quota(avail, 4, 3, (int64_t[]){1, 1, 1, 0}, 3);
    check_quota(avail, 4, 1, (int64_t[]){1, 0, 0, 0}, 1);
}

static void test_quota_short_partitions_give_way(void) {
    int64_t avail[] = {1, 20, 20};
    check_quota(avail, 3, 9, (int64_t[]){1, 4, 4}, 9);
    int64_t mixed[] = {0, 2, 100, 5};
    check_quota(mixed, 4, 12, (int64_t[]){0, 2, 5, 5}, 12);
    check_quota(mixed, 4, 13, (int64_t[]){0, 2, 6, 5}, 13);
}

static void test_quota_limits(void) {
    int64_t avail[] = {3, 0, 4};
    check_quota(avail, 3, 1000, (int64_t[]){3, 0, 4}, 7); /* everything there is */
    check_quota(avail, 3, 0, (int64_t[]){0, 0, 0}, 0);
    int64_t empty[] = {0, 0};
    check_quota(empty, 2, 10, (int64_t[]){0, 0}, 0);
    CHECK_INT(k2td_kafka_sample_quota(NULL, 0, 10, NULL), 0);
}

/* Fetches from dsn with a short timeout; returns the result code and leaves
 * the error in err. */
static k2td_kafka_sample_rc_t fetch(const char *dsn, char *err, size_t size) {
    k2td_kafka_conf_t conf;
    char perr[256];
    if (k2td_kafka_dsn_parse(dsn, &conf, perr, sizeof(perr)) != 0) {
        fprintf(stderr, "bad test DSN: %s\n", perr);
        return (k2td_kafka_sample_rc_t)-1;
    }
    k2td_kafka_samples_t out;
    k2td_kafka_sample_rc_t rc = k2td_kafka_sample_fetch(&conf, NULL, 5, 300, &out, err, size);
    CHECK(out.items == NULL && out.n == 0 && out.timed_out == 0);
    k2td_kafka_samples_free(&out);
    k2td_kafka_conf_free(&conf);
    return rc;
}

static void test_refused_property_is_a_config_error(void) {
    char err[512];
    CHECK_INT(fetch("kafka://127.0.0.1:1?topics=t&socket.timeout.ms=soon", err, sizeof(err)),
              K2TD_KAFKA_SAMPLE_CONFIG);
    CHECK(strstr(err, "socket.timeout.ms") != NULL);
    CHECK_INT(fetch("kafka://127.0.0.1:1?topics=t&ssl.key.password.x=hunter2", err, sizeof(err)),
              K2TD_KAFKA_SAMPLE_CONFIG);
    CHECK(strstr(err, "ssl.key.password.x") != NULL && strstr(err, "hunter2") == NULL);
}

static void test_silent_brokers_are_named(void) {
    char err[512];
    CHECK_INT(fetch("kafka://127.0.0.1:1,127.0.0.1:2?topics=t", err, sizeof(err)),
              K2TD_KAFKA_SAMPLE_DOWN);
    CHECK(strstr(err, "brokers 127.0.0.1:1,127.0.0.1:2 did not answer within 300 ms") != NULL);
}

int main(void) {
    RUN(test_quota_even_and_remainder);
    RUN(test_quota_short_partitions_give_way);
    RUN(test_quota_limits);
    RUN(test_refused_property_is_a_config_error);
    RUN(test_silent_brokers_are_named);
    return test_finish();
}
