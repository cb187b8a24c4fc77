/*
 * test_task_file.c - task files and the command-line form: every key, the
 * options and their defaults, the parser given inline or by file, and the
 * error for each missing, unknown or malformed key.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "task/task_file.h"
#include "test.h"

static char dir[] = "/tmp/k2td_test_task_XXXXXX";

#define PARSER \
    "{\"parse\":{\"value\":{\"json\":\"\"}},\"model\":{\"name\":\"t_{id}\",\"using\":\"meters\"}}"
#define FROM "\"from\":\"kafka://h:9092?topics=t\""
#define TO "\"to\":\"taos+http://root:taosdata@td:6041/db\""
#define WITH_OPTIONS(o) "{\"name\":\"n\"," FROM "," TO ",\"parser\":" PARSER ",\"options\":" o "}"

/* Writes text to dir/name and returns the path (static buffer). */
static const char *write_file(const char *name, const char *text) {
    static char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return path;
}

/* Reads a task from JSON text (parser paths relative to dir). */
static int task_from_text(const char *text, k2td_task_t *t, char *err, size_t n) {
    cJSON *root = cJSON_Parse(text);
    CHECK(root != NULL);
    if (!root) return -2;
    int rc = k2td_task_from_json(root, dir, t, err, n);
    cJSON_Delete(root);
    return rc;
}

static void test_full_task(void) {
    k2td_task_t t;
    char err[512] = "";
    int rc = task_from_text("{\"name\":\"meters\",\"id\":\"100\"," FROM "," TO ",\"parser\":" PARSER
                            ",\"options\":{\"status_interval\":\"10s\",\"log_level\":\"debug\","
                            "\"timezone\":\"+08:00\"}}",
                            &t, err, sizeof(err));
    if (rc) fprintf(stderr, "%s\n", err);
    CHECK_INT(rc, 0);
    CHECK_STR(t.name, "meters");
    CHECK_STR(t.id, "100");
    CHECK_STR(t.from, "kafka://h:9092?topics=t");
    CHECK_STR(t.to, "taos+http://root:taosdata@td:6041/db");
    CHECK_STR(t.kafka.brokers, "h:9092");
    CHECK_STR(t.kafka.topics.items[0], "t");
    CHECK_STR(t.parser.routes[0].models[0].name, "t_{id}");
    CHECK_STR(t.parser.routes[0].models[0].stable, "meters");
    CHECK_INT(t.options.status_interval_ms, 10000);
    CHECK_INT(t.options.log_level, K2TD_LOG_DEBUG);
    CHECK_STR(t.options.timezone, "+08:00");
    CHECK_INT(t.options.timezone_offset_s, 8 * 3600);
    k2td_task_free(&t);
    CHECK(t.name == NULL && t.kafka.brokers == NULL && t.parser.routes == NULL &&
          t.options.timezone == NULL);
    k2td_task_free(&t);
}

static void test_defaults_and_option_values(void) {
    k2td_task_t t;
    char err[512] = "";
    CHECK_INT(task_from_text("{\"name\":\"n\"," FROM "," TO ",\"parser\":" PARSER "}", &t, err,
                             sizeof(err)),
              0);
    CHECK(t.id == NULL);
    CHECK_INT(t.options.status_interval_ms, 5000);
    CHECK_INT(t.options.log_level, K2TD_LOG_INFO);
    CHECK_STR(t.options.timezone, "UTC");
    CHECK_INT(t.options.timezone_offset_s, 0);
    k2td_task_free(&t);

    static const struct {
        const char *options;
        int64_t status_ms;
        int level;
        int32_t offset_s;
        int64_t startup_ms; /* 0 (wait for a broker until one answers) unless set */
    } cases[] = {
        {"{}", 5000, K2TD_LOG_INFO, 0, 0},
        {"{\"status_interval\":2000}", 2000, K2TD_LOG_INFO, 0, 0},
        {"{\"status_interval\":\"1m\"}", 60000, K2TD_LOG_INFO, 0, 0},
        {"{\"log_level\":\"ERROR\"}", 5000, K2TD_LOG_ERROR, 0, 0},
        {"{\"log_level\":\"warn\"}", 5000, K2TD_LOG_WARN, 0, 0},
        {"{\"log_level\":\"warning\"}", 5000, K2TD_LOG_WARN, 0, 0},
        {"{\"timezone\":\"utc\"}", 5000, K2TD_LOG_INFO, 0, 0},
        {"{\"timezone\":\"-05:30\"}", 5000, K2TD_LOG_INFO, -(5 * 3600 + 30 * 60), 0},
        {"{\"timezone\":\"+00:00\"}", 5000, K2TD_LOG_INFO, 0, 0},
        {"{\"startup_timeout\":\"45s\"}", 5000, K2TD_LOG_INFO, 0, 45000},
        {"{\"startup_timeout\":\"never\"}", 5000, K2TD_LOG_INFO, 0, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[512];
        snprintf(text, sizeof(text),
                 "{\"name\":\"n\"," FROM "," TO ",\"parser\":" PARSER ",\"options\":%s}",
                 cases[i].options);
        int rc = task_from_text(text, &t, err, sizeof(err));
        if (rc) fprintf(stderr, "case %zu: %s\n", i, err);
        CHECK_INT(rc, 0);
        CHECK_INT(t.options.status_interval_ms, cases[i].status_ms);
        CHECK_INT(t.options.log_level, cases[i].level);
        CHECK_INT(t.options.timezone_offset_s, cases[i].offset_s);
        CHECK_INT(t.options.startup_timeout_ms, cases[i].startup_ms);
        k2td_task_free(&t);
    }
}

static void test_ids(void) {
    static const struct {
        const char *id, *want;
    } cases[] = {
        {"\"abc\"", "abc"}, {"100", "100"}, {"0", "0"}, {"\"\"", NULL}, {"null", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[512], err[512] = "";
        snprintf(text, sizeof(text), "{\"name\":\"n\",\"id\":%s," FROM "," TO ",\"parser\":"
            "" PARSER "}",
                 cases[i].id);
        k2td_task_t t;
        CHECK_INT(task_from_text(text, &t, err, sizeof(err)), 0);
        if (cases[i].want) CHECK_STR(t.id, cases[i].want);
        else CHECK(t.id == NULL);
        k2td_task_free(&t);
    }
}

/* 128 bytes: the longest name */
#define LONG_NAME                                                                        \
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"                   \
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void test_errors(void) {
    static const struct {
        const char *json, *err;
    } cases[] = {
        {"[]", "task: must be an object, not an array"},
        {"{" FROM "," TO ",\"parser\":" PARSER "}", "task: key `name` is required"},
        {"{\"name\":\"n\"," TO ",\"parser\":" PARSER "}", "task: key `from` is required"},
        {"{\"name\":\"n\"," FROM ",\"parser\":" PARSER "}", "task: key `to` is required"},
        {"{\"name\":\"n\"," FROM "," TO "}", "task: key `parser` is required"},
        {"{\"name\":\"n\"," FROM "," TO ",\"parser\":" PARSER ",\"labels\":[]}",
         "task.labels: unknown key"},
        {"{\"name\":\"n\",\"form\":\"x\"," TO ",\"parser\":" PARSER "}",
         "task.form: unknown key (did you mean `from`?)"},
        {"{\"name\":\"n\",\"name\":\"m\"," FROM "," TO ",\"parser\":" PARSER "}",
         "task.name: key given twice"},
        {"{\"name\":5," FROM "," TO ",\"parser\":" PARSER "}", "task.name: must be a string, not a "
         "number"},
        {"{\"name\":\"\"," FROM "," TO ",\"parser\":" PARSER "}", "task.name: must not be empty"},
        {"{\"name\":\"a\\u001b[2J\"," FROM "," TO ",\"parser\":" PARSER "}",
         "task.name: must be UTF-8 text without control characters (byte 2 is not)"},
        {"{\"name\":\"two\\nlines\"," FROM "," TO ",\"parser\":" PARSER "}",
         "task.name: must be UTF-8 text without control characters (byte 4 is not)"},
        {"{\"name\":\"bad\xff\"," FROM "," TO ",\"parser\":" PARSER "}",
         "task.name: must be UTF-8 text without control characters (byte 4 is not)"},
        {"{\"name\":\"c1\\u009b\"," FROM "," TO ",\"parser\":" PARSER "}",
         "task.name: must be UTF-8 text without control characters (byte 3 is not)"},
        {"{\"name\":\"" LONG_NAME "x\"," FROM "," TO ",\"parser\":" PARSER "}",
         "task.name: longer than 128 bytes"},
        {"{\"name\":\"n\",\"from\":\"\"," TO ",\"parser\":" PARSER "}", "task.from: must not be "
         "empty"},
        {"{\"name\":\"n\"," FROM ",\"to\":{},\"parser\":" PARSER "}",
         "task.to: must be a string, not an object"},
        {"{\"name\":\"n\",\"id\":1.5," FROM "," TO ",\"parser\":" PARSER "}",
         "task.id: must be a string or an integer >= 0, not a fraction or negative number"},
        {"{\"name\":\"n\",\"id\":[]," FROM "," TO ",\"parser\":" PARSER "}",
         "task.id: must be a string or an integer >= 0, not an array"},
        {"{\"name\":\"n\",\"from\":\"kafka://h:9092\"," TO ",\"parser\":" PARSER "}",
         "task.from: key `topics` is required"},
        {"{\"name\":\"n\",\"from\":\"mqtt://h:1883\"," TO ",\"parser\":" PARSER "}",
         "task.from: kafka DSN: must start with kafka://"},
        {"{\"name\":\"n\",\"from\":\"kafka://h:9092?topics=t&with_task_id=true\"," TO
         ",\"parser\":" PARSER "}",
         "task.from: key `with_task_id` is true but the task has no id"},
        {"{\"name\":\"n\",\"from\":\"kafka://h:9092?topics=t&client_id_with_task_id=true\"," TO
         ",\"parser\":" PARSER "}",
         "task.from: key `client_id_with_task_id` is true but the task has no id"},
        {"{\"name\":\"n\"," FROM "," TO ",\"parser\":\"parser.json\"}",
         "task.parser: must be an object or \"@path/to/parser.json\", not a string"},
        {"{\"name\":\"n\"," FROM "," TO ",\"parser\":[]}",
         "task.parser: must be an object or \"@path/to/parser.json\", not an array"},
        {"{\"name\":\"n\"," FROM "," TO ",\"parser\":{\"parse\":{\"value\":{\"json\":\"\"}},"
         "\"model\":{\"name\":\"t\",\"using\":\"s\",\"colums\":[]}}}",
         "task.parser.model.colums: unknown key (did you mean `columns`?)"},
        {"{\"name\":\"n\"," FROM "," TO ",\"parser\":{\"rules\":[]}}",
         "task.parser: key `parse` is required"},
        {WITH_OPTIONS("[]"), "task.options: must be an object, not an array"},
        {WITH_OPTIONS("{\"id_prefix\":\"x\"}"), "task.options.id_prefix: unknown key"},
        {WITH_OPTIONS("{\"log_levl\":\"x\"}"),
         "task.options.log_levl: unknown key (did you mean `log_level`?)"},
        {WITH_OPTIONS("{\"status_interval\":\"5q\"}"),
         "task.options: key `status_interval`: `5q` is not a duration "
         "(use e.g. 500ms, 5s, 5m, 6h, 1d)"},
        {WITH_OPTIONS("{\"status_interval\":10}"),
         "task.options: key `status_interval`: `10` is out of range (1s..1d)"},
        {WITH_OPTIONS("{\"status_interval\":[1]}"),
         "task.options.status_interval: must be a string, number or boolean, not an array"},
        {WITH_OPTIONS("{\"log_level\":\"trace\"}"),
         "task.options: key `log_level`: `trace` is not one of error, warn, info, debug"},
        {WITH_OPTIONS("{\"timezone\":\"Asia/Shanghai\"}"),
         "task.options: key `timezone`: `Asia/Shanghai` is not UTC or an offset such as +08:00"},
        {WITH_OPTIONS("{\"timezone\":\"+25:00\"}"),
         "task.options: key `timezone`: `+25:00` is not UTC or an offset such as +08:00"},
        {WITH_OPTIONS("{\"timezone\":8}"),
         "task.options: key `timezone`: `8` is not UTC or an offset such as +08:00"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        k2td_task_t t;
        char err[512] = "";
        CHECK_INT(task_from_text(cases[i].json, &t, err, sizeof(err)), -1);
        CHECK_STR(err, cases[i].err);
        CHECK(t.name == NULL && t.from == NULL && t.kafka.brokers == NULL &&
              t.options.timezone == NULL);
    }
}

static void test_to_password_never_in_errors(void) {
    k2td_task_t t;
    char err[512] = "";
    CHECK_INT(task_from_text("{\"name\":\"n\",\"from\":\"kafka://u:hunter2@h:1?topics=t\","
                             "\"to\":\"taos+http://root:hunter3@td:6041/db\",\"parser\":"
                                 "" PARSER "}",
                             &t, err, sizeof(err)),
              -1);
    CHECK(strstr(err, "hunter2") == NULL && strstr(err, "hunter3") == NULL);
}

/* \u0000 would cut a string short in cJSON: refused, naming where it is */
static void test_escaped_nul_is_refused(void) {
    char want[600], err[512];
    k2td_task_t t;
    const char *path = write_file("nul.json", "{\"name\":\"a\\u0000b\"," FROM "," TO
                                              ",\"parser\":" PARSER "}");
    CHECK_INT(k2td_task_load_file(path, &t, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s.name: must not hold a NUL character (\\u0000)", path);
    CHECK_STR(err, want);
    path = write_file("nul2.json", "{\"name\":\"n\"," FROM "," TO ",\"parser\":{\"x\":[1,"
                                   "{\"k\\u0000\":2}]}}");
    CHECK_INT(k2td_task_load_file(path, &t, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s.parser.x[1].k\\u0000: must not hold a NUL character (\\u0000)",
             path);
    CHECK_STR(err, want);
    path = write_file("esc.json",
                      "{\"name\":\"a\\\\u0000\"," FROM "," TO ",\"parser\":" PARSER "}");
    CHECK_INT(k2td_task_load_file(path, &t, err, sizeof(err)), 0); /* a backslash, then text */
    CHECK_STR(t.name, "a\\u0000");
    k2td_task_free(&t);
}

static void test_files(void) {
    char sub[300], want[600], err[512];
    snprintf(sub, sizeof(sub), "%s/parsers", dir);
    CHECK_INT(mkdir(sub, 0700), 0);
    write_file("parsers/p.json", PARSER);
    const char *path = write_file("task.json", "{\"name\":\"n\"," FROM "," TO
                                               ",\"parser\":\"@parsers/p.json\"}");
    k2td_task_t t;
    int rc = k2td_task_load_file(path, &t, err, sizeof(err));
    if (rc) fprintf(stderr, "%s\n", err);
    CHECK_INT(rc, 0);
    CHECK_STR(t.parser.routes[0].models[0].stable, "meters");
    k2td_task_free(&t);

    /* the parser path is relative to the task file's folder, not the working one */
    char task_path[300];
    snprintf(task_path, sizeof(task_path), "%s/parsers/task.json", dir);
    write_file("parsers/task.json", "{\"name\":\"n\"," FROM "," TO ",\"parser\":\"@p.json\"}");
    CHECK_INT(k2td_task_load_file(task_path, &t, err, sizeof(err)), 0);
    k2td_task_free(&t);

    path = write_file("missing_parser.json", "{\"name\":\"n\"," FROM "," TO
                                             ",\"parser\":\"@nope.json\"}");
    CHECK_INT(k2td_task_load_file(path, &t, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s: task.parser: %s/nope.json: cannot read: No such file or "
        "directory",
             path, dir);
    CHECK_STR(err, want);

    write_file("parsers/bad.json", "{\"parse\":{\"value\":{\"json\":\"\"}},\"model\":{\"name\":"
        "\"t\"}}");
    path = write_file("bad_parser.json", "{\"name\":\"n\"," FROM "," TO
                                         ",\"parser\":\"@parsers/bad.json\"}");
    CHECK_INT(k2td_task_load_file(path, &t, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s: task.parser: %s/parsers/bad.json: parser.model: key `using` "
        "is required",
             path, dir);
    CHECK_STR(err, want);

    path = write_file("broken.json", "{\n  \"name\": \"n\",\n  \"from\" \"x\"\n}\n");
    CHECK_INT(k2td_task_load_file(path, &t, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s: invalid JSON near line 3, column 10", path);
    CHECK_STR(err, want);

    path = write_file("no_from.json", "{\"name\":\"n\"," TO ",\"parser\":" PARSER "}");
    CHECK_INT(k2td_task_load_file(path, &t, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s: task: key `from` is required", path);
    CHECK_STR(err, want);

    snprintf(task_path, sizeof(task_path), "%s/none.json", dir);
    CHECK_INT(k2td_task_load_file(task_path, &t, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s: cannot read: No such file or directory", task_path);
    CHECK_STR(err, want);
}

static void test_from_cli(void) {
    k2td_task_t t;
    char err[512] = "", arg[300];
    write_file("cli.json", PARSER);
    snprintf(arg, sizeof(arg), "@%s/cli.json", dir);
    CHECK_INT(k2td_task_from_cli(NULL, "kafka://h:9092?topics=t", "taos+http://td:6041/db", arg, &t,
                                 err, sizeof(err)),
              0);
    CHECK_STR(t.name, "k2td");
    CHECK(t.id == NULL);
    CHECK_STR(t.to, "taos+http://td:6041/db");
    CHECK_STR(t.parser.routes[0].models[0].name, "t_{id}");
    CHECK_INT(t.options.status_interval_ms, 5000);
    CHECK_STR(t.options.timezone, "UTC");
    k2td_task_free(&t);

    CHECK_INT(k2td_task_from_cli("mine", "kafka://h:9092?topics=t", "taos+http://td:"
        "6041/db", PARSER,
                                 &t, err, sizeof(err)),
              0);
    CHECK_STR(t.name, "mine");
    k2td_task_free(&t);
    CHECK_INT(k2td_task_from_cli("a\x1b[2J", "kafka://h:9092?topics=t", "taos+http://td:6041/db",
                                 PARSER, &t, err, sizeof(err)),
              -1);
    CHECK_STR(err, "--name: must be UTF-8 text without control characters (byte 2 is not)");
    CHECK_INT(k2td_task_from_cli(LONG_NAME, "kafka://h:9092?topics=t", "taos+http://td:6041/db",
                                 PARSER, &t, err, sizeof(err)),
              0);
    k2td_task_free(&t);

    static const struct {
        const char *from, *to, *parser, *err;
    } cases[] = {
        {NULL, "taos+http://td:6041/db", PARSER, "--from is required"},
        {"", "taos+http://td:6041/db", PARSER, "--from is required"},
        {"kafka://h:9092?topics=t", NULL, PARSER, "--to is required"},
        {"kafka://h:9092?topics=t", "taos+http://td:6041/db", NULL, "--parser is required"},
        {"kafka://h:9092?topics=t", "taos+http://td:6041/db", "{\"model\":1",
         "--parser: parser: invalid JSON near line 1, column 11"},
        {"kafka://h:9092?topics=t", "taos+http://td:6041/db", "{\"model\":1}",
         "--parser: parser: key `parse` is required"},
        {"kafka://h:9092?topics=t", "taos+http://td:6041/db", "p.json",
         "--parser: parser: give a file as @path/to/parser.json or the JSON itself"},
        {"kafka://h:9092", "taos+http://td:6041/db", PARSER, "--from: key `topics` is required"},
        {"kafka://h:9092?topics=t&with_task_id=true", "taos+http://td:6041/db", PARSER,
         "--from: key `with_task_id` is true but the task has no id"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CHECK_INT(k2td_task_from_cli("n", cases[i].from, cases[i].to, cases[i].parser, &t, err,
                                     sizeof(err)),
                  -1);
        CHECK_STR(err, cases[i].err);
        CHECK(t.name == NULL && t.parser.routes == NULL);
    }
}

static void test_option_help(void) {
    k2td_buf_t b = K2TD_BUF_INIT;
    k2td_cm_help(k2td_task_option_keys(), &b);
    CHECK(strstr(b.data, "  status_interval (duration 1s..1d; default 5s)") != NULL);
    CHECK(strstr(b.data, "  log_level (error|warn|info|debug; also warning; default "
        "info)") != NULL);
    CHECK(strstr(b.data, "  timezone (text; default UTC)") != NULL);
    k2td_buf_free(&b);
}

int main(void) {
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_full_task);
    RUN(test_escaped_nul_is_refused);
    RUN(test_defaults_and_option_values);
    RUN(test_ids);
    RUN(test_errors);
    RUN(test_to_password_never_in_errors);
    RUN(test_files);
    RUN(test_from_cli);
    RUN(test_option_help);
    static const char *const files[] = {
        "parsers/p.json", "parsers/task.json", "parsers/bad.json", "parsers", "task.json",
        "missing_parser.json", "bad_parser.json", "broken.json", "no_from.json", "cli.json",
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char path[300];
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        remove(path);
    }
    rmdir(dir);
    return test_finish();
}
