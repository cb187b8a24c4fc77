#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/preview_kafka.h"
#include "../engine/runtime.h"
#include "../engine/task_check.h"
#include "../source/kafka_consumer_conf.h"
#include "../task/kafka_allow.h"
#include "../task/kafka_security.h"
#include "../sink/schema_load.h"
#include "cli.h"
#include "cli_task.h"

/* How many messages the sample check reads, and for how long at most. */
#define CHECK_SAMPLES 10
#define CHECK_SAMPLES_TIMEOUT_MS 5000

static const char check_usage[] =
    "usage: k2td check TASK.json\n"
    "       k2td check --from KAFKA_DSN --to TAOS_DSN --parser @parser.json|JSON\n"
    "Checks, each with its own message and exit code: the Kafka brokers answer, every topic\n"
    "exists, the Kafka user may describe the topics and the consumer group, TDengine\n"
    "answers, it accepts the credentials, the database and the supertable exist,\n"
    "and the task's parser, stages and mapping build as `k2td run` builds them (exit 2 when\n"
    "not). Then the task is previewed on up to 10 messages from where it would start: a name\n"
    "none of their rows carries (a misspelt filter field or subtable placeholder), a subtable\n"
    "that exists under another supertable or with other tags, and rows that would not be\n"
    "written are `warn` lines, which do not change the exit code.\n";

/* Prints one check result line; returns code. */
static int check_report(int code, const char *what, const char *detail) {
    printf("%-5s %s%s%s\n", code == K2TD_EXIT_OK ? "ok" : "FAIL", what, detail ? ": " : "",
           detail ? detail : "");
    return code;
}

static int check_kafka(const k2td_task_t *task) {
    char err[1024];
    k2td_engine_rc_t rc = k2td_check_kafka(&task->kafka, task->id, 10000, NULL, NULL, err,
                                           sizeof(err));
    if (rc == K2TD_ENGINE_CONFIG) return check_report(K2TD_EXIT_USAGE, "kafka configuration", err);
    if (rc == K2TD_ENGINE_KAFKA_DOWN) return check_report(K2TD_EXIT_KAFKA_DOWN, "kafka brokers", err);
    check_report(K2TD_EXIT_OK, "kafka brokers", task->kafka.brokers);
    if (rc == K2TD_ENGINE_KAFKA_NO_TOPIC)
        return check_report(K2TD_EXIT_KAFKA_NO_TOPIC, "kafka topics", err);
    check_report(K2TD_EXIT_OK, "kafka topics", "every topic exists");
    if (rc == K2TD_ENGINE_KAFKA_NO_GROUP)
        return check_report(K2TD_EXIT_KAFKA_DOWN, "kafka group", err);
    char *group, *client;
    k2td_kafka_consumer_ids(&task->kafka, task->id, &group, &client);
    int code = check_report(K2TD_EXIT_OK, "kafka group", group);
    free(group);
    free(client);
    return code;
}

static int check_tdengine(const k2td_task_t *task) {
    char err[1024];
    int rc = k2td_check_tdengine(task->to, task->options.target_ca, &task->parser, 10000,
                                 NULL, err, sizeof(err));
    if (rc < 0) return check_report(K2TD_EXIT_USAGE, "tdengine target", err);
    static const struct {
        int schema_rc, exit_code;
        const char *what;
    } steps[] = {
        {K2TD_SCHEMA_UNREACHABLE, K2TD_EXIT_TD_DOWN, "tdengine reachable"},
        {K2TD_SCHEMA_AUTH, K2TD_EXIT_TD_AUTH, "tdengine credentials"},
        {K2TD_SCHEMA_NO_DB, K2TD_EXIT_TD_NO_DB, "tdengine database"},
        {K2TD_SCHEMA_NO_STABLE, K2TD_EXIT_TD_NO_STABLE, "tdengine supertable"},
    };
    int code = K2TD_EXIT_OK;
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]) && code == K2TD_EXIT_OK; i++) {
        if (rc == steps[i].schema_rc)
            code = check_report(steps[i].exit_code, steps[i].what, err);
        else
            check_report(K2TD_EXIT_OK, steps[i].what, NULL);
    }
    if (code == K2TD_EXIT_OK && rc != K2TD_SCHEMA_OK)
        code = check_report(K2TD_EXIT_FAILED, "tdengine supertable schema", err);
    return code;
}

/* Builds what `k2td run` builds at its start - the parser, the stages,
 * the routes and each model's mapping onto its supertable - and reports
 * the first refusal. Returns the exit code. */
static int check_task(const k2td_task_t *task) {
    char err[1024];
    k2td_runtime_t rt;
    const k2td_rest_opts_t ro = {.timeout_ms = 10000};
    k2td_engine_rc_t rc = k2td_runtime_open(&rt, task, &ro, err, sizeof(err));
    k2td_runtime_close(&rt);
    return check_report(k2td_cli_exit_code(rc), "task parser, stages and mapping",
                        rc == K2TD_ENGINE_OK ? NULL : err);
}

/* Returns the string at key of obj, or "" when there is none. */
static const char *check_str(const cJSON *obj, const char *key) {
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, key));
    return s ? s : "";
}

/* Prints, for a preview document, how many of its mapped rows would not be
 * written, with the first one's message, place and reason. */
static void check_refused_rows(const cJSON *doc) {
    const cJSON *mapped = cJSON_GetObjectItemCaseSensitive(doc, "mapped"), *row, *first = NULL;
    int refused = 0;
    cJSON_ArrayForEach(row, mapped) {
        if (!cJSON_GetObjectItemCaseSensitive(row, "error")) continue;
        if (!first) first = row;
        refused++;
    }
    if (!first) {
        printf("ok    samples: the %d row(s) they map to would all be written\n",
               cJSON_GetArraySize(mapped));
        return;
    }
    int index = (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(first, "message"));
    const cJSON *msg =
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "messages"), index);
    const char *policy = check_str(first, "policy");
    printf("warn  samples: %d of %d mapped row(s) would not be written; the first, of %s [%d] "
           "offset %lld: %s%s%s\n",
           refused, cJSON_GetArraySize(mapped), check_str(msg, "topic"),
           (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(msg, "partition")),
           (long long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(msg, "offset")),
           check_str(first, "error"), policy[0] ? "; " : "", policy);
}

/* Previews the task on up to CHECK_SAMPLES messages from where it would
 * start (preview_kafka.h) and prints a `warn` line for each warning of the
 * preview (a name no row carries, a subtable that exists elsewhere) and for
 * the rows that would not be written. Warnings change no exit code. */
static void check_samples(const k2td_task_t *task) {
    char err[1024];
    cJSON *doc;
    int timed_out;
    if (k2td_preview_kafka(task, CHECK_SAMPLES, CHECK_SAMPLES_TIMEOUT_MS, NULL, &doc, &timed_out,
                           err, sizeof(err)) != K2TD_ENGINE_OK) {
        printf("warn  samples: not checked: %s\n", err);
        return;
    }
    int n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "messages"));
    const cJSON *warnings = cJSON_GetObjectItemCaseSensitive(doc, "warnings"), *w;
    if (!n) {
        printf("ok    samples: not checked, no message where the task would start\n");
    } else {
        printf("ok    samples: %d message(s) read where the task would start\n", n);
        cJSON_ArrayForEach(w, warnings) {
            printf("warn  %s: %s\n", check_str(w, "path"), check_str(w, "message"));
        }
        check_refused_rows(doc);
    }
    cJSON_Delete(doc);
}

int k2td_cli_check(int argc, char **argv) {
    k2td_cli_args_t args;
    int a = k2td_cli_args_parse(argc, argv, check_usage, &args);
    if (a != 0) return a > 0 ? K2TD_EXIT_OK : K2TD_EXIT_USAGE;
    k2td_task_t task;
    if (k2td_cli_task_load(&args, &task) != 0) return K2TD_EXIT_USAGE;
    int kafka = check_kafka(&task);
    int td = check_tdengine(&task);
    if (td == K2TD_EXIT_OK) td = check_task(&task);
    if (kafka == K2TD_EXIT_OK && td == K2TD_EXIT_OK) check_samples(&task);
    k2td_task_free(&task);
    return kafka != K2TD_EXIT_OK ? kafka : td;
}

int k2td_cli_keys(void) {
    k2td_buf_t out = K2TD_BUF_INIT;
    k2td_cm_help(k2td_kafka_dsn_keys(), &out);
    k2td_kafka_security_help(&out);
    k2td_kafka_allow_help(&out);
    fputs(out.data ? out.data : "", stdout);
    k2td_buf_free(&out);
    return K2TD_EXIT_OK;
}
