/*
 * test_engine_watch.c - the watch's log hook: every line is activity,
 * WARN/ERROR lines are errors with the topic, partition and offset a line
 * names; the queues keep the newest lines; health before any publish.
 */
#include <stdlib.h>

#include "common/log.h"
#include "engine/engine_watch.h"
#include "test.h"

static void test_events_and_origins(void) {
    k2td_engine_watch_t *w = k2td_engine_watch_new();
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
    k2td_engine_watch_t *w = k2td_engine_watch_new();
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
    k2td_engine_watch_t *w = k2td_engine_watch_new();
    k2td_engine_stats_t st;
    CHECK_INT(k2td_engine_watch_stats(w, &st), 0);
    CHECK_INT(st.written_rows, 0);
    CHECK_STR(k2td_engine_watch_health(w), "Ready");
    CHECK(k2td_engine_watch_rate(w) == 0);
    cJSON *lag = k2td_engine_watch_lag_json(w);
    CHECK_INT(cJSON_GetArraySize(lag), 0);
    cJSON_Delete(lag);
    k2td_engine_watch_free(w);
}

int main(void) {
    RUN(test_events_and_origins);
    RUN(test_queues_keep_the_newest);
    RUN(test_nothing_published);
    return test_finish();
}
