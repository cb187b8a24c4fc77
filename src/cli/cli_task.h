/*
 * cli_task.h - reads a task from the command line, either a task file or
 * --from/--to/--parser, plus the options shared by `run` and `check`.
 */
#ifndef K2TD_CLI_TASK_H
#define K2TD_CLI_TASK_H

#include "../engine/engine.h"
#include "../task/task_file.h"

typedef struct k2td_cli_args {
    const char *task_file;
    const char *from, *to, *parser, *name;
    const char *member; /* --member: the kafka source's instance_name for this process */
    const char *log_level;
    int status; /* --status: status lines even when stderr is not a terminal */
} k2td_cli_args_t;

/*
 * Parses argv (after the sub-command) into args. Returns 0, 1 when --help
 * was asked (usage printed), or -1 with a message printed on stderr.
 */
int k2td_cli_args_parse(int argc, char **argv, const char *usage, k2td_cli_args_t *args);

/* As k2td_cli_args_parse, but --from may also come with a task file; then
 * k2td_cli_task_load replaces the task's `from` with it. */
int k2td_cli_args_parse_from_override(int argc, char **argv, const char *usage,
                                      k2td_cli_args_t *args);

/* Loads the task the arguments describe (a task file with a --from given
 * beside it reads from that source) into *task. Returns 0, or -1 with
 * the error printed on stderr. The caller frees the task with k2td_task_free. */
int k2td_cli_task_load(const k2td_cli_args_t *args, k2td_task_t *task);

/* Masks the secrets of --from and --to (secrets.h) in the argument
 * strings themselves, so that `ps` and /proc/<pid>/cmdline no longer show
 * them; call it once the task is loaded (it keeps its own copies). */
void k2td_cli_hide_secrets(const k2td_cli_args_t *args);

/* Returns the exit code (cli.h) for an engine result. */
int k2td_cli_exit_code(k2td_engine_rc_t rc);

#endif
