/*
 * cli.h - the `k2td` command line: sub-commands and exit codes.
 */
#ifndef K2TD_CLI_H
#define K2TD_CLI_H

/* Exit codes, one per kind of failure, so scripts can tell them apart. */
enum {
    K2TD_EXIT_OK = 0,
    K2TD_EXIT_FAILED = 1,          /* a runtime error stopped the task */
    K2TD_EXIT_USAGE = 2,           /* bad arguments, task file, DSN or parser */
    K2TD_EXIT_KAFKA_DOWN = 3,      /* no Kafka broker answered, or one refused the
                                      login, the TLS handshake or the consumer group */
    K2TD_EXIT_KAFKA_NO_TOPIC = 4,  /* a topic does not exist or is not authorised */
    K2TD_EXIT_TD_DOWN = 5,         /* TDengine unreachable */
    K2TD_EXIT_TD_AUTH = 6,         /* TDengine refused the credentials */
    K2TD_EXIT_TD_NO_DB = 7,        /* the target database does not exist */
    K2TD_EXIT_TD_NO_STABLE = 8,    /* the target supertable does not exist */
    K2TD_EXIT_NOT_FINISHED = 9,    /* the timeout passed before the partitions were read to their end */
};

/* `k2td run ...`: runs a task until it finishes or is stopped. Returns an
 * exit code. */
int k2td_cli_run(int argc, char **argv);

/* `k2td check ...`: checks both ends of a task. Returns an exit code. */
int k2td_cli_check(int argc, char **argv);

/* `k2td preview ...`: shows what a task would do with sample messages,
 * writing nothing. Returns an exit code. */
int k2td_cli_preview(int argc, char **argv);

/* `k2td serve ...`: runs the HTTP API, the web page and their tasks until
 * SIGTERM or SIGINT. Returns an exit code. */
int k2td_cli_serve(int argc, char **argv);

/* `k2td keys`: prints the Kafka DSN keys with defaults and meanings. */
int k2td_cli_keys(void);

#endif
