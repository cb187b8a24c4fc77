/*
 * test_engine_watch.c - the watch's log hook: every line is activity,
 * WARN/ERROR lines are errors with the topic, partition and offset a line
 * names; the queues keep the newest lines; health before any publish and
 * by the task's thresholds.
 */
#include <stdlib.h>

#include "common/log.h"
#include "engine/engine_watch.h"
#include "task/kafka_dsn.h"
#include "test.h"

static const k2td_health_limits_t limits = {10000, 100, 0};

static void test_events_and_origins(void) {
    k2td_engine_watch_t *w = k2td_engine_watch_new(&limits);
    k2td_engine_watch_log(w, K2TD_LOG_INFO, 1, "task `t` running");
    k2td_engine_watch_log(w, K2TD_LOG_WARN, 2,
                          "skipped malformed message meters.v1 [3] offset 1234: bad; payload: x");
    k2td_engine_watch_log(w, K2TD_LOG_ERROR, 3, "TDengine is unreachable");
    k2td_engine_watch_log(w, K2TD_LOG_WARN, 4, "odd [x] offset 5 and ] offset 9");
    k2td_watch_event_t *act, *err;
    size_t na, ne;
    k2td_engine_watch_take_events(w, &act, &na, &err, &ne);
    CHECK_INT(na, 4);
    CHECK_INT(ne, 3);
    CHECK_STR(act[0].message, "task `t` running");
    CHECK_INT(act[0].level, K2TD_LOG_INFO);
    CHECK_STR(err[0].topic, "meters.v1");
    CHECK_INT(err[0].partition, 3);
    CHECK_INT(err[0].offset, 1234);
    CHECK_INT(err[0].time_ms, 2);
    CHECK(err[1].topic == NULL);
    CHECK(err[2].topic == NULL);
    k2td_watch_events_free(act, na);
    k2td_watch_events_free(err, ne);
    k2td_engine_watch_take_events(w, &act, &na, &err, &ne);
    CHECK_INT(na, 0);
    CHECK_INT(ne, 0);
    k2td_engine_watch_free(w);
}

static void test_queues_keep_the_newest(void) {
    k2td_engine_watch_t *w = k2td_engine_watch_new(&limits);
    char line[64];
    for (int i = 0; i < 500; i++) {
        snprintf(line, sizeof(line), "line %d", i);
        k2td_engine_watch_log(w, K2TD_LOG_WARN, i, line);
    }
    k2td_watch_event_t *act, *err;
    size_t na, ne;
    k2td_engine_watch_take_events(w, &act, &na, &err, &ne);
    CHECK_INT(na, 200);
    CHECK_INT(ne, 50);
    CHECK_STR(act[0].message, "line 300");
    CHECK_STR(act[199].message, "line 499");
    CHECK_STR(err[0].message, "line 450");
    k2td_watch_events_free(act, na);
    k2td_watch_events_free(err, ne);
    k2td_engine_watch_free(w);
}

static void test_nothing_published(void) {
    k2td_engine_watch_t *w = k2td_engine_watch_new(&limits);
    k2td_engine_stats_t st;
    CHECK_INT(k2td_engine_watch_stats(w, &st), 0);
    CHECK_INT(st.written_rows, 0);
    CHECK_STR(k2td_engine_watch_health(w), "Waiting");
    CHECK(k2td_engine_watch_rate(w) == 0);
    cJSON *lag = k2td_engine_watch_lag_json(w);
    CHECK_INT(cJSON_GetArraySize(lag), 0);
    cJSON_Delete(lag);
    k2td_engine_watch_free(w);
}

/* Publishes counters: toggling sink_waiting forces a publish at once. */
static void publish(k2td_engine_watch_t *w, uint64_t consumed, uint64_t refused) {
    k2td_engine_stats_t st = {0};
    st.kafka_consumed_messages = consumed;
    st.failed_rows = refused;
    k2td_engine_watch_tick(w, &st, NULL, 0, 100, 1, 0);
    k2td_engine_watch_tick(w, &st, NULL, 0, 100, 0, 0);
}

/* max_errors_in_window decides when refused rows make the health Bounce. */
static void test_bounce_threshold(void) {
    char err[256];
    k2td_kafka_conf_t c;
    CHECK_INT(k2td_kafka_dsn_parse("kafka://h:1?topics=t&health_check_window_in_second=60"
                                   "&max_errors_in_window=2&busy_threshold=80%25",
                                   &c, err, sizeof(err)),
              0);
    k2td_health_limits_t l;
    k2td_health_limits_from_conf(&c, &l);
    CHECK_INT(l.window_ms, 60000);
    CHECK_INT(l.max_errors, 2);
    CHECK_INT(l.busy_pct, 80);
    k2td_kafka_conf_free(&c);
    k2td_engine_watch_t *w = k2td_engine_watch_new(&l);
    publish(w, 10, 0);
    publish(w, 20, 2); /* 2 refused: not more than 2 */
    CHECK_STR(k2td_engine_watch_health(w), "Ready");
    publish(w, 30, 3); /* 3 refused in the window */
    CHECK_STR(k2td_engine_watch_health(w), "Bounce");
    k2td_engine_watch_free(w);
    w = k2td_engine_watch_new(&limits); /* the default: any refused row */
    publish(w, 10, 0);
    publish(w, 20, 1);
    CHECK_STR(k2td_engine_watch_health(w), "Bounce");
    k2td_engine_watch_free(w);
}

/* A task without partitions is Waiting, whatever else its counters say,
 * and the change is published at once. */
static void test_waiting_for_partitions(void) {
    k2td_engine_watch_t *w = k2td_engine_watch_new(&limits);
    k2td_engine_stats_t st = {.kafka_consumed_messages = 5};
    k2td_engine_watch_tick(w, &st, NULL, 0, 100, 0, 0);
    CHECK_STR(k2td_engine_watch_health(w), "Ready");
    st.failed_rows = 3;
    k2td_engine_watch_tick(w, &st, NULL, 0, 100, 0, 1); /* within 500 ms */
    CHECK_STR(k2td_engine_watch_health(w), "Waiting");
    k2td_engine_watch_tick(w, &st, NULL, 0, 100, 0, 0);
    CHECK_STR(k2td_engine_watch_health(w), "Bounce");
    k2td_engine_watch_free(w);
}

/* Bad health settings are errors naming the key. */
static void test_bad_settings(void) {
    static const struct {
        const char *query, *err;
    } cases[] = {
        {"busy_threshold=0%25", "key `busy_threshold`: `0%` is not a percentage from 1% to 100%"},
        {"busy_threshold=120", "key `busy_threshold`: `120` is not a percentage from 1% to 100%"},
        {"busy_threshold=%2550", "key `busy_threshold`: `%50` is not a percentage from 1% to 100%"},
        {"busy_threshold=50%%", "key `busy_threshold`: bad percent-escape in the value (write "
                                "%XX, not %00)"},
        {"health_check_window_in_second=601", "key `health_check_window_in_second`"},
        {"max_errors_in_window=-1", "key `max_errors_in_window`"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char dsn[128], err[256] = "";
        snprintf(dsn, sizeof(dsn), "kafka://h:1?topics=t&%s", cases[i].query);
        k2td_kafka_conf_t c;
        CHECK_INT(k2td_kafka_dsn_parse(dsn, &c, err, sizeof(err)), -1);
        if (!strstr(err, cases[i].err)) fprintf(stderr, "case %zu: %s\n", i, err);
        CHECK(strstr(err, cases[i].err) != NULL);
    }
}

int main(void) {
    RUN(test_events_and_origins);
    RUN(test_queues_keep_the_newest);
    RUN(test_nothing_published);
    RUN(test_bounce_threshold);
    RUN(test_waiting_for_partitions);
    RUN(test_bad_settings);
    return test_finish();
}
