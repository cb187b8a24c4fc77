/*
 * task_file.h - a task: one Kafka source, one TDengine target, one parser.
 *
 * A task file is JSON:
 *
 *     {"name": "meters",                     required
 *      "id": "100",                          optional text (or integer) task id
 *      "from": "kafka://h:9092?topics=t",    required, see kafka_dsn.h
 *      "to": "taos+http://u:p@h:6041/db",    required, kept as text for the caller
 *      "parser": {...} | "@parser.json",     required; a relative path is taken
 *                                            from the task file's folder
 *      "options": {"status_interval": "5s", "log_level": "info", "timezone": "UTC"}}
 *
 * Unknown or repeated keys anywhere are errors naming the key's JSON path.
 * A name is 1 to K2TD_TASK_NAME_MAX bytes of UTF-8 text without control
 * characters (it reaches logs, file names, metrics labels and answers).
 * The same task can be built from command-line arguments (--from, --to,
 * --parser @file.json). The `to` text holds a password: never log it.
 */
#ifndef K2TD_TASK_FILE_H
#define K2TD_TASK_FILE_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "config_map.h"
#include "kafka_dsn.h"
#include "parser_config.h"

#define K2TD_TASK_NAME_MAX 128 /* bytes */

typedef struct k2td_task_options {
    int64_t status_interval_ms; /* how often the task's status is reported */
    int64_t stop_timeout_ms;    /* after a stop request, how long a write
                                   already sent to TDengine may still take */
    int64_t startup_timeout_ms; /* how long a start waits for a Kafka broker
                                   to answer; 0: until one does */
    int log_level;              /* k2td_log_level_t */
    char *timezone;             /* as written: "UTC" or an offset such as "+08:00" */
    int32_t timezone_offset_s;  /* timezone in seconds east of UTC: applied to
                                   timestamps in messages that carry no zone */
    char *plugins_home;         /* parser plugins live in <plugins_home>/parsers */
    char *data_dir;             /* the task's files (archive) live under
                                   <data_dir>/tasks/<id or name> */
    char *target_ca;            /* PEM file of the CAs trusted for an https target
                                   (NULL: the system's store); the operator's */
} k2td_task_options_t;

typedef struct k2td_task {
    char *name;
    char *id;                   /* NULL when the task has none */
    char *from;                 /* the source DSN as written (may hold secrets) */
    char *to;                   /* the target DSN as written (holds a password); the
                                   caller parses it */
    k2td_kafka_conf_t kafka;    /* `from`, parsed */
    k2td_parser_conf_t parser;
    k2td_task_options_t options;
} k2td_task_t;

/* Reads the task file at path into *out (the caller then owns it; release
 * with k2td_task_free). Returns 0, or -1 with *out empty and errstr starting
 * with the path, then the JSON path and the reason
 * ("tasks/a.json: task: key `from` is required"). */
int k2td_task_load_file(const char *path, k2td_task_t *out, char *errstr, size_t errstr_size);

/* Reads a task from its JSON tree; base_dir resolves a relative "@parser"
 * path (NULL or "" = the working directory). Returns 0 or -1 as above,
 * without the file path in errstr. */
int k2td_task_from_json(const cJSON *root, const char *base_dir, k2td_task_t *out,
                        char *errstr, size_t errstr_size);

/* k2td_task_from_json with the flags of k2td_parser_conf_read for an
 * object task.parser (K2TD_PARSER_MODEL_OPTIONAL for a draft that is only
 * previewed) and, for a task from an API client, the service's policy:
 * on its source DSN (k2td_kafka_dsn_parse_as), and no options.plugins_home
 * or archive location outside the task's folder (NULL = the operator's task).
 * Returns 0 or -1 as above. */
int k2td_task_read(const cJSON *root, const char *base_dir, int parser_flags,
                   const k2td_dsn_policy_t *policy, k2td_task_t *out, char *errstr,
                   size_t errstr_size);

/* Builds a task from the command-line form: --name (NULL = "k2td"), --from,
 * --to and --parser ("@file.json", relative to the working directory, or the
 * JSON text); the task has no id and default options. Returns 0, or -1 with
 * *out empty and errstr naming the argument ("--from is required", "--parser:
 * ...") and the reason. */
int k2td_task_from_cli(const char *name, const char *from, const char *to, const char *parser,
                       k2td_task_t *out, char *errstr, size_t errstr_size);

/* Replaces the task's `from` (and its parsed Kafka settings) with from.
 * Returns 0, or -1 with the task unchanged and errstr starting with label
 * ("--from: key `topics` is required"). */
int k2td_task_set_from(k2td_task_t *t, const char *from, const char *label, char *errstr,
                       size_t errstr_size);

/* Checks a task name (see above). Returns 0, or -1 with errstr saying why
 * ("longer than 128 bytes"), without a key name. */
int k2td_task_name_check(const char *name, char *errstr, size_t errstr_size);

/* Releases everything *t owns and zeroes it; safe on a zeroed struct. */
void k2td_task_free(k2td_task_t *t);

/* Returns the key table of "options" (for the help text and the UI). */
const k2td_cm_entry_t *k2td_task_option_keys(void);

#endif
