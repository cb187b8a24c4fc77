/*
 * test_kafka_source_log.c - what the Kafka source logs: librdkafka's own
 * lines, and the warning about SCRAM with an old librdkafka.
 *
 * librdkafka's own log lines reach the log hook of
 * the thread that polls the source (a service task's activity log), not
 * only stderr from librdkafka's threads. Needs no broker: a broker address
 * nobody listens on makes librdkafka's broker thread report the failed
 * connection.
 */
#include <stdlib.h>

#include "common/log.h"
#include "source/kafka_source.h"
#include "test.h"

typedef struct seen {
    int kafka_lines;   /* lines from librdkafka's log callback */
    int broker_thread; /* of them, lines its broker thread logged */
} seen_t;

static void on_line(void *ctx, k2td_log_level_t level, int64_t time_ms, const char *message) {
    (void)level;
    (void)time_ms;
    seen_t *s = ctx;
    if (strncmp(message, "kafka: ", 7) != 0) return;
    s->kafka_lines++;
    if (strstr(message, "[thrd:127.0.0.1:1/bootstrap]")) s->broker_thread++;
}

static void test_librdkafka_lines_reach_the_polling_thread(void) {
    k2td_kafka_conf_t conf;
    char err[512];
    int rc = k2td_kafka_dsn_parse("kafka://127.0.0.1:1?topics=t",
                                  &conf, err, sizeof(err));
    CHECK_INT(rc, 0);
    if (rc != 0) return;
    seen_t seen = {0, 0};
    k2td_log_set_thread_hook(on_line, &seen, K2TD_LOG_DEBUG, NULL);
    k2td_kafka_source_t *s = k2td_kafka_source_new(&conf, NULL, err, sizeof(err));
    CHECK(s != NULL);
    /* the lines wait in librdkafka's queue until this thread polls */
    for (int i = 0; s && i < 50 && !seen.broker_thread; i++) {
        rd_kafka_message_t *m = k2td_kafka_source_poll(s, 100, NULL);
        if (m) rd_kafka_message_destroy(m);
    }
    CHECK(seen.kafka_lines > 0);
    CHECK(seen.broker_thread > 0);
    if (s) k2td_kafka_source_close(s);
    k2td_log_set_thread_hook(NULL, NULL, K2TD_LOG_ERROR, NULL);
    k2td_kafka_conf_free(&conf);
}

/* Counts the lines that warn about librdkafka's SCRAM with Kafka 4. */
static void on_scram_line(void *ctx, k2td_log_level_t level, int64_t time_ms,
                          const char *message) {
    (void)time_ms;
    if (level == K2TD_LOG_WARN && strstr(message, "librdkafka#4895")) ++*(int *)ctx;
}

/* Returns how many SCRAM warnings creating a consumer for dsn logs. */
static int scram_warnings(const char *dsn) {
    k2td_kafka_conf_t conf;
    char err[512];
    if (k2td_kafka_dsn_parse(dsn, &conf, err, sizeof(err)) != 0) {
        fprintf(stderr, "bad test DSN: %s\n", err);
        return -1;
    }
    int n = 0;
    k2td_log_set_thread_hook(on_scram_line, &n, K2TD_LOG_DEBUG, NULL);
    rd_kafka_conf_t *rc = k2td_kafka_source_conf(&conf, NULL, NULL, err, sizeof(err));
    k2td_log_set_thread_hook(NULL, NULL, K2TD_LOG_ERROR, NULL);
    CHECK(rc != NULL);
    if (rc) rd_kafka_conf_destroy(rc);
    k2td_kafka_conf_free(&conf);
    return n;
}

static void test_scram_warns_about_kafka_4_with_old_librdkafka(void) {
    int old = rd_kafka_version() < 0x020601ff;
    CHECK_INT(scram_warnings("kafka://127.0.0.1:1?topics=t&sasl_mechanism=SCRAM-SHA-256"
                             "&sasl_username=u&sasl_password=p"),
              old);
    CHECK_INT(scram_warnings("kafka://127.0.0.1:1?topics=t&sasl.mechanisms=scram-sha-512"
                             "&security.protocol=sasl_plaintext"),
              old);
    CHECK_INT(scram_warnings("kafka://127.0.0.1:1?topics=t&sasl_mechanism=PLAIN"
                             "&sasl_username=u&sasl_password=p"),
              0);
}

int main(void) {
    RUN(test_librdkafka_lines_reach_the_polling_thread);
    RUN(test_scram_warns_about_kafka_4_with_old_librdkafka);
    return test_finish();
}
