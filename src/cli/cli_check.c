#include <stdio.h>
#include <string.h>

#include "../engine/task_check.h"
#include "../task/kafka_allow.h"
#include "../task/kafka_security.h"
#include "../sink/schema_load.h"
#include "cli.h"
#include "cli_task.h"

static const char check_usage[] =
    "usage: k2td check TASK.json\n"
    "       k2td check --from KAFKA_DSN --to TAOS_DSN --parser @parser.json|JSON\n"
    "Checks, each with its own message and exit code: the Kafka brokers answer, every topic\n"
    "exists, TDengine answers, it accepts the credentials, the database and the supertable "
    "exist.\n";

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

int k2td_cli_check(int argc, char **argv) {
    k2td_cli_args_t args;
    int a = k2td_cli_args_parse(argc, argv, check_usage, &args);
    if (a != 0) return a > 0 ? K2TD_EXIT_OK : K2TD_EXIT_USAGE;
    k2td_task_t task;
    if (k2td_cli_task_load(&args, &task) != 0) return K2TD_EXIT_USAGE;
    int kafka = check_kafka(&task);
    int td = check_tdengine(&task);
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
