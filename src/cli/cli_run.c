#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/log.h"
#include "../engine/engine.h"
#include "cli.h"
#include "cli_task.h"
#include "log_reload.h"

static const char run_usage[] =
    "usage: k2td run TASK.json [options]\n"
    "       k2td run --from KAFKA_DSN --to TAOS_DSN --parser @parser.json|JSON [options]\n"
    "options:\n"
    "  --name NAME         task name for logs (with --from)\n"
    "  --member NAME       this process's name in the consumer group (the task's\n"
    "                      instance_name; default: the host name); see below\n"
    "  --status            print a status line every status_interval even when stderr is not a "
    "terminal\n"
    "  --log-level LEVEL   error, warn, info (default) or debug\n"
    "Signals: SIGTERM or SIGINT stops the task (the open batch is written, within\n"
    "options.stop_timeout, and the confirmed offsets committed); SIGHUP sets the log\n"
    "level to the task file's options.log_level again.\n"
    "Members: processes of one task share its consumer group. Each joins as a static\n"
    "member (group.instance.id) named by --member, else the task's instance_name, else\n"
    "the host name; a second process of the task on the same host takes NAME-1, a\n"
    "third NAME-2 (the lowest slot free on this host), and a restarted process takes\n"
    "the slot of the one that died, with its partitions, at once.\n"
    "Secrets: once read, the passwords in --from and --to are overwritten in the\n"
    "process's arguments (ps shows ******). To keep them off the command line\n"
    "altogether, write a secret value as ${env:NAME} or ${file:PATH}\n"
    "(sasl_password=${env:KAFKA_PW}, taos+http://root:${file:/etc/k2td/td.pw}@h:6041/db).\n";

static volatile sig_atomic_t run_stop;

static void run_on_signal(int sig) {
    run_stop = sig;
}

/* k2td_log_level_read_fn for SIGHUP: the task file's options.log_level. */
static int run_read_level(void *ctx, const char *file, k2td_log_level_t *level, char *errstr,
                          size_t errstr_size) {
    k2td_task_t t;
    (void)ctx;
    if (k2td_task_load_file(file, &t, errstr, errstr_size) != 0) return -1;
    *level = (k2td_log_level_t)t.options.log_level;
    k2td_task_free(&t);
    return 0;
}

static double run_seconds_since(const struct timespec *t0) {
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

int k2td_cli_run(int argc, char **argv) {
    k2td_cli_args_t args;
    int a = k2td_cli_args_parse(argc, argv, run_usage, &args);
    if (a != 0) return a > 0 ? K2TD_EXIT_OK : K2TD_EXIT_USAGE;
    k2td_task_t task;
    if (k2td_cli_task_load(&args, &task) != 0) return K2TD_EXIT_USAGE;
    k2td_cli_hide_secrets(&args);
    k2td_hup_block(); /* before librdkafka's threads start */
    k2td_hup_watch_t *hup = k2td_hup_watch_start(args.task_file, run_read_level, NULL);

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = run_on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char err[1024] = "";
    k2td_engine_opts_t opts = {.status_lines = args.status || isatty(STDERR_FILENO)};
    k2td_engine_rc_t rc;
    k2td_engine_t *engine = k2td_engine_new(&task, &opts, &rc, err, sizeof(err));
    if (!engine) {
        k2td_log_error("task `%s` cannot start: %s", task.name, err);
        k2td_hup_watch_stop(hup);
        k2td_task_free(&task);
        return k2td_cli_exit_code(rc);
    }
    rc = k2td_engine_run(engine, &run_stop, err, sizeof(err));
    if (rc != K2TD_ENGINE_OK) k2td_log_error("task `%s` failed: %s", task.name, err);
    k2td_engine_stats_t st = *k2td_engine_stats(engine);
    k2td_engine_free(engine); /* commits the confirmed offsets */
    k2td_hup_watch_stop(hup);
    k2td_log_info("summary: task `%s` %s after %.1f s: consumed %llu messages, wrote %llu rows, "
                  "%llu rows refused by TDengine, %llu rows skipped, %llu rows archived, "
                  "%llu rows repaired, %llu columns altered, %llu rows filtered, "
                  "%llu malformed messages, "
                  "%llu statements, %llu retries; %.0f msg/s over %.3f s of activity",
                  task.name,
                  rc == K2TD_ENGINE_NOT_FINISHED ? "not finished"
                  : rc != K2TD_ENGINE_OK         ? "failed"
                  : run_stop                     ? "stopped"
                                                 : "finished",
                  run_seconds_since(&t0), (unsigned long long)st.kafka_consumed_messages,
                  (unsigned long long)st.written_rows, (unsigned long long)st.failed_rows,
                  (unsigned long long)st.invalid_rows, (unsigned long long)st.archived_rows,
                  (unsigned long long)st.repaired_rows, (unsigned long long)st.altered_columns,
                  (unsigned long long)st.filtered_rows,
                  (unsigned long long)st.malformed_messages,
                  (unsigned long long)st.inserted_sqls, (unsigned long long)st.retries,
                  st.active_ms > 0 ? (double)st.kafka_consumed_messages * 1000.0 /
                                         (double)st.active_ms
                                   : 0.0,
                  (double)st.active_ms / 1000.0);
    k2td_task_free(&task);
    return k2td_cli_exit_code(rc);
}
