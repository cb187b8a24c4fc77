/*
 * test_kafka_ids.c - the group and client ids a task's consumer gets from
 * its DSN: id_prefix, the task id where a switch asks for it, the text; one
 * switch per id, and taosX's with_task_id for both.
 */
#include <stdlib.h>

#include "source/kafka_consumer_conf.h"
#include "task/kafka_dsn.h"
#include "test.h"

/* Checks the ids of the DSN with the query keys `keys` for task "100". */
static void check_ids(const char *keys, const char *want_group, const char *want_client) {
    char dsn[256], err[256] = "";
    snprintf(dsn, sizeof(dsn), "kafka://h:9092?topics=t&group=foo&client_id=bar%s", keys);
    k2td_kafka_conf_t c;
    int rc = k2td_kafka_dsn_parse(dsn, &c, err, sizeof(err));
    CHECK_INT(rc, 0);
    if (rc != 0) {
        fprintf(stderr, "`%s`: %s\n", dsn, err);
        return;
    }
    char *group, *client;
    k2td_kafka_consumer_ids(&c, "100", &group, &client);
    CHECK_STR(group, want_group);
    CHECK_STR(client, want_client);
    free(group);
    free(client);
    k2td_kafka_conf_free(&c);
}

static void test_each_id_has_its_own_switch(void) {
    check_ids("", "taosxfoo", "taosxbar");
    check_ids("&with_task_id=true", "taosx100foo", "taosx100bar");
    check_ids("&group_with_task_id=true", "taosx100foo", "taosxbar");
    check_ids("&client_id_with_task_id=true", "taosxfoo", "taosx100bar");
    check_ids("&group_with_task_id=true&client_id_with_task_id=true", "taosx100foo",
              "taosx100bar");
    check_ids("&id_prefix=&client_id_with_task_id=true", "foo", "100bar");
}

int main(void) {
    RUN(test_each_id_has_its_own_switch);
    return test_finish();
}
