#include "cli_task.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/log.h"
#include "../service/secrets.h"
#include "cli.h"

/* Parses argv into args; from_overrides lets --from come with a task file. */
static int cli_args_parse(int argc, char **argv, const char *usage, int from_overrides,
                          k2td_cli_args_t *args) {
    static const struct option longopts[] = {
        {"from", required_argument, NULL, 'f'},     {"to", required_argument, NULL, 't'},
        {"parser", required_argument, NULL, 'p'},   {"name", required_argument, NULL, 'n'},
        {"log-level", required_argument, NULL, 'l'}, {"status", no_argument, NULL, 's'},
        {"member", required_argument, NULL, 'm'},   {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(args, 0, sizeof(*args));
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': args->from = optarg; break;
        case 't': args->to = optarg; break;
        case 'p': args->parser = optarg; break;
        case 'n': args->name = optarg; break;
        case 'm': args->member = optarg; break;
        case 'l': args->log_level = optarg; break;
        case 's': args->status = 1; break;
        case 'h': fputs(usage, stdout); return 1;
        default: fputs(usage, stderr); return -1;
        }
    }
    if (optind < argc) args->task_file = argv[optind++];
    if (optind < argc) {
        fprintf(stderr, "k2td: unexpected argument `%s`\n%s", argv[optind], usage);
        return -1;
    }
    if (args->task_file && ((args->from && !from_overrides) || args->to || args->parser)) {
        fprintf(stderr, "k2td: give either a task file or --from/--to/--parser, not both\n");
        return -1;
    }
    if (!args->task_file && !(args->from && args->to && args->parser)) {
        fprintf(stderr, "k2td: a task file, or all of --from, --to and --parser, is required\n%s",
                usage);
        return -1;
    }
    if (args->log_level && k2td_log_level_from_name(args->log_level) < 0) {
        fprintf(stderr, "k2td: --log-level: `%s` is not one of error, warn, info, debug\n",
                args->log_level);
        return -1;
    }
    return 0;
}

int k2td_cli_args_parse(int argc, char **argv, const char *usage, k2td_cli_args_t *args) {
    return cli_args_parse(argc, argv, usage, 0, args);
}

int k2td_cli_args_parse_from_override(int argc, char **argv, const char *usage,
                                      k2td_cli_args_t *args) {
    return cli_args_parse(argc, argv, usage, 1, args);
}

int k2td_cli_task_load(const k2td_cli_args_t *args, k2td_task_t *task) {
    char err[1024];
    int rc = args->task_file
                 ? k2td_task_load_file(args->task_file, task, err, sizeof(err))
                 : k2td_task_from_cli(args->name ? args->name : "cli", args->from, args->to,
                                      args->parser, task, err, sizeof(err));
    if (rc == 0 && args->task_file && args->from &&
        k2td_task_set_from(task, args->from, "--from", err, sizeof(err)) != 0) {
        k2td_task_free(task);
        rc = -1;
    }
    if (rc != 0) {
        fprintf(stderr, "k2td: %s\n", err);
        return -1;
    }
    if (args->member) { /* this process's member name: over the task's instance_name */
        free(task->kafka.instance_name);
        task->kafka.instance_name = k2td_strdup(args->member);
    }
    k2td_log_set_level(args->log_level
                           ? (k2td_log_level_t)k2td_log_level_from_name(args->log_level)
                           : (k2td_log_level_t)task->options.log_level);
    return 0;
}

/* Overwrites the argument string arg (which the process may rewrite: it
 * is argv's) with masked, cut or NUL-padded to arg's length; frees masked. */
static void cli_overwrite(const char *arg, char *masked) {
    char *p = (char *)arg;
    size_t n = strlen(p), m = strlen(masked);
    if (strcmp(p, masked) != 0) {
        memcpy(p, masked, m < n ? m : n);
        if (m < n) memset(p + m, 0, n - m);
    }
    free(masked);
}

void k2td_cli_hide_secrets(const k2td_cli_args_t *args) {
    if (args->from) cli_overwrite(args->from, k2td_secret_redact_from(args->from));
    if (args->to) cli_overwrite(args->to, k2td_secret_redact_to(args->to));
}

int k2td_cli_exit_code(k2td_engine_rc_t rc) {
    switch (rc) {
    case K2TD_ENGINE_OK: return K2TD_EXIT_OK;
    case K2TD_ENGINE_CONFIG: return K2TD_EXIT_USAGE;
    case K2TD_ENGINE_KAFKA_DOWN: return K2TD_EXIT_KAFKA_DOWN;
    case K2TD_ENGINE_KAFKA_NO_TOPIC: return K2TD_EXIT_KAFKA_NO_TOPIC;
    case K2TD_ENGINE_KAFKA_NO_GROUP: return K2TD_EXIT_KAFKA_DOWN;
    case K2TD_ENGINE_TD_DOWN: return K2TD_EXIT_TD_DOWN;
    case K2TD_ENGINE_TD_AUTH: return K2TD_EXIT_TD_AUTH;
    case K2TD_ENGINE_TD_NO_DB: return K2TD_EXIT_TD_NO_DB;
    case K2TD_ENGINE_TD_NO_STABLE: return K2TD_EXIT_TD_NO_STABLE;
    case K2TD_ENGINE_NOT_FINISHED: return K2TD_EXIT_NOT_FINISHED;
    default: return K2TD_EXIT_FAILED;
    }
}
