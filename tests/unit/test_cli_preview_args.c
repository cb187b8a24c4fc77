/*
 * test_cli_preview_args.c - `k2td preview` arguments that are refused before
 * anything is contacted (--count's range, --count with --sample), --from
 * beside a task file, and replacing a task's `from`.
 */
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/cli_task.h"
#include "task/task_file.h"
#include "test.h"

#define FROM "kafka://127.0.0.1:1?topics=a"
#define TO "taos+http://root:taosdata@127.0.0.1:1/db"
#define PARSER \
    "{\"parse\": {\"value\": {\"json\": \"\"}}, \"model\": {\"name\": \"t\", \"using\": \"s\"}}"

/* Runs `preview --from .. --to .. --parser .. <extra...>`; returns the exit code. */
static int preview(const char *a1, const char *a2, const char *a3, const char *a4) {
    char *argv[] = {"preview", "--from", FROM, "--to", TO, "--parser", PARSER,
                    (char *)a1, (char *)a2, (char *)a3, (char *)a4, NULL};
    int argc = 7;
    while (argv[argc]) argc++;
    return k2td_cli_preview(argc, argv);
}

static void test_count_out_of_range_is_a_usage_error(void) {
    static const char *const bad[] = {"0", "1001", "ten", "-3", "", " 5", "5x",
                                      "99999999999999999999"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK_INT(preview("--count", bad[i], NULL, NULL), K2TD_EXIT_USAGE);
    CHECK_INT(preview("--count=0", NULL, NULL, NULL), K2TD_EXIT_USAGE);
    CHECK_INT(preview("--count", NULL, NULL, NULL), K2TD_EXIT_USAGE);
    /* an existing file: were the pair accepted, the preview would go on to
     * TDengine and fail with another code */
    CHECK_INT(preview("--count", "5", "--sample", "/dev/null"), K2TD_EXIT_USAGE);
}

static void test_from_beside_a_task_file(void) {
    char *argv[] = {"preview", "task.json", "--from", FROM, NULL};
    k2td_cli_args_t args;
    CHECK_INT(k2td_cli_args_parse(4, argv, "", &args), -1);
    CHECK_INT(k2td_cli_args_parse_from_override(4, argv, "", &args), 0);
    CHECK_STR(args.task_file, "task.json");
    CHECK_STR(args.from, FROM);
    char *with_to[] = {"preview", "task.json", "--to", TO, NULL};
    CHECK_INT(k2td_cli_args_parse_from_override(4, with_to, "", &args), -1);
}

static void test_set_from(void) {
    k2td_task_t t;
    char err[512];
    CHECK_INT(k2td_task_from_cli("n", FROM, TO, PARSER, &t, err, sizeof(err)), 0);
    CHECK_INT(k2td_task_set_from(&t, "kafka://h:9092?topics=b,c&group=g", "--from", err,
                                 sizeof(err)), 0);
    CHECK_STR(t.from, "kafka://h:9092?topics=b,c&group=g");
    CHECK_STR(t.kafka.brokers, "h:9092");
    CHECK_INT(t.kafka.topics.n, 2);
    CHECK_STR(t.kafka.topics.items[1], "c");

    /* refused: the task keeps what it had */
    CHECK_INT(k2td_task_set_from(&t, "kafka://h:9092", "--from", err, sizeof(err)), -1);
    CHECK(strncmp(err, "--from: ", 8) == 0 && strstr(err, "topics") != NULL);
    CHECK_INT(k2td_task_set_from(&t, "kafka://h:9092?topics=x&with_task_id=true", "--from", err,
                                 sizeof(err)), -1);
    CHECK(strstr(err, "with_task_id") != NULL);
    CHECK_STR(t.from, "kafka://h:9092?topics=b,c&group=g");
    CHECK_STR(t.kafka.topics.items[0], "b");
    CHECK_STR(t.kafka.group, "g");
    k2td_task_free(&t);
}

int main(void) {
    RUN(test_count_out_of_range_is_a_usage_error);
    RUN(test_from_beside_a_task_file);
    RUN(test_set_from);
    return test_finish();
}
