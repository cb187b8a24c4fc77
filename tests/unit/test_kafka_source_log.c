/*
 * test_kafka_source_log.c - librdkafka's own log lines reach the log hook of
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

int main(void) {
    RUN(test_librdkafka_lines_reach_the_polling_thread);
    return test_finish();
}
