#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../engine/preview.h"
#include "../engine/runtime.h"
#include "../engine/task_check.h"
#include "../source/kafka_sample.h"
#include "../task/kafka_allow.h"
#include "../task/kafka_security.h"
#include "../sink/schema_load.h"
#include "cli.h"
#include "cli_task.h"

/* How many messages the name check reads, and for how long at most. */
#define CHECK_SAMPLES 10
#define CHECK_SAMPLES_TIMEOUT_MS 5000

static const char check_usage[] =
    "usage: k2td check TASK.json\n"
    "       k2td check --from KAFKA_DSN --to TAOS_DSN --parser @parser.json|JSON\n"
    "Checks, each with its own message and exit code: the Kafka brokers answer, every topic\n"
    "exists, TDengine answers, it accepts the credentials, the database and the supertable "
    "exist,\n"
    "and the task's parser, stages and mapping build as `k2td run` builds them (exit 2 when\n"
    "not). Then up to 10 messages from where the task would start are run through its parser\n"
    "and stages: a name that none of their rows carries (a misspelt filter field or subtable\n"
    "placeholder) is a `warn` line, which does not change the exit code.\n";

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
    return check_report(K2TD_EXIT_OK, "kafka topics", "every topic exists");
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

/* Runs up to CHECK_SAMPLES messages from where the task would start
 * through its parser and stages and prints a `warn` line for each name
 * their rows never carry (preview_lint.h). Warnings change no exit code. */
static void check_names(const k2td_task_t *task) {
    char err[1024];
    k2td_kafka_samples_t got;
    if (k2td_kafka_sample_fetch(&task->kafka, task->id, CHECK_SAMPLES, CHECK_SAMPLES_TIMEOUT_MS,
                                &got, err, sizeof(err)) != K2TD_KAFKA_SAMPLE_OK) {
        printf("warn  names: not checked, no sample message could be read: %s\n", err);
        return;
    }
    k2td_preview_sample_t *samples = k2td_calloc(got.n ? got.n : 1, sizeof(*samples));
    for (size_t i = 0; i < got.n; i++)
        samples[i] = (k2td_preview_sample_t){got.items[i].value, got.items[i].value_len,
                                             got.items[i].topic, got.items[i].partition,
                                             got.items[i].offset};
    cJSON *warnings = got.n ? k2td_preview_warnings(task, samples, got.n, err, sizeof(err)) : NULL;
    if (!got.n)
        printf("ok    names: not checked, no message where the task would start\n");
    else if (!cJSON_GetArraySize(warnings))
        printf("ok    names: every name the task reads is in the rows of %zu sample message(s)\n",
               got.n);
    const cJSON *w;
    cJSON_ArrayForEach(w, warnings) {
        printf("warn  %s: %s\n",
               cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(w, "path")),
               cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(w, "message")));
    }
    cJSON_Delete(warnings);
    free(samples);
    k2td_kafka_samples_free(&got);
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
    if (kafka == K2TD_EXIT_OK && td == K2TD_EXIT_OK) check_names(&task);
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
