/*
 * main.c - the `k2td` command: dispatches to a sub-command.
 */
#include <curl/curl.h>
#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char main_usage[] =
    "k2td " K2TD_VERSION " - moves data from Apache Kafka into TDengine\n"
    "\n"
    "usage: k2td <command> [arguments]\n"
    "commands:\n"
    "  run TASK.json | --from DSN --to DSN --parser @FILE   run a task until it finishes\n"
    "  check TASK.json | --from DSN --to DSN --parser @FILE check brokers, topics, TDengine,\n"
    "                                                       credentials, database, supertable\n"
    "  preview TASK.json | --from .. --to .. --parser @FILE show what a task would do with\n"
    "          [--count N | --sample FILE|-] [--json]       sample messages read from Kafka\n"
    "                                                       (or a file), writing nothing\n"
    "  keys                                                 list the Kafka DSN keys\n"
    "  serve [--listen HOST:PORT] [--data-dir DIR]          the HTTP API and web page that\n"
    "        [--config FILE]                                manage and run tasks\n"
    "options: --help, --version; `k2td <command> --help` for a command's options\n"
    "exit codes: 0 ok, 1 failed, 2 bad usage or task, 3 Kafka unreachable, 4 topic missing,\n"
    "            5 TDengine unreachable, 6 credentials refused, 7 database missing,\n"
    "            8 supertable missing\n";

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        fputs(main_usage, stderr);
        return K2TD_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(main_usage, stdout);
        return K2TD_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("k2td %s (librdkafka %s, %s)\n", K2TD_VERSION, rd_kafka_version_str(),
               curl_version());
        return K2TD_EXIT_OK;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc;
    if (strcmp(cmd, "run") == 0)
        rc = k2td_cli_run(argc - 1, argv + 1);
    else if (strcmp(cmd, "check") == 0)
        rc = k2td_cli_check(argc - 1, argv + 1);
    else if (strcmp(cmd, "preview") == 0)
        rc = k2td_cli_preview(argc - 1, argv + 1);
    else if (strcmp(cmd, "serve") == 0)
        rc = k2td_cli_serve(argc - 1, argv + 1);
    else if (strcmp(cmd, "keys") == 0)
        rc = k2td_cli_keys();
    else {
        fprintf(stderr, "k2td: unknown command `%s`\n%s", cmd, main_usage);
        rc = K2TD_EXIT_USAGE;
    }
    curl_global_cleanup();
    return rc;
}
