/*
 * task_file.c - reading a task from its file or the command line (see task_file.h).
 */
#include "task_file.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/alloc.h"
#include "../common/log.h"
#include "../common/utf8.h"
#include "../model/timestamp.h"
#include "json_doc.h"

static const k2td_cm_enum_t log_level_names[] = {
    {"error", K2TD_LOG_ERROR}, {"warn", K2TD_LOG_WARN}, {"info", K2TD_LOG_INFO},
    {"debug", K2TD_LOG_DEBUG}, {"warning", K2TD_LOG_WARN}, {NULL, 0},
};

#define OFF(field) offsetof(k2td_task_options_t, field)

static const k2td_cm_entry_t option_keys[] = {
    {.key = "status_interval", .type = K2TD_CM_DURATION_MS, .def = "5s",
     .offset = OFF(status_interval_ms), .min = 1000, .max = 86400000,
     .desc = "How often the task reports its status and counters."},
    {.key = "stop_timeout", .type = K2TD_CM_DURATION_MS, .def = "10s",
     .offset = OFF(stop_timeout_ms), .min = 0, .max = 3600000,
     .desc = "On SIGTERM or Stop, how long the open batch's write may still take; an "
             "unanswered write is then given up and its messages are read again on the "
             "next start."},
    {.key = "startup_timeout", .type = K2TD_CM_DURATION_MS, .def = "0",
     .offset = OFF(startup_timeout_ms), .min = 0, .max = 604800000, .flags = K2TD_CM_FOREVER,
     .desc = "How long a starting task waits for a Kafka broker to answer (0 or never: "
             "until one does); then it fails as Kafka unreachable."},
    {.key = "log_level", .type = K2TD_CM_ENUM, .def = "info", .offset = OFF(log_level),
     .names = log_level_names, .desc = "Most verbose log level printed."},
    {.key = "timezone", .type = K2TD_CM_STRING, .def = "UTC", .offset = OFF(timezone),
     .desc = "Zone of message timestamps written without one: UTC or an offset like +08:00."},
    {.key = "plugins_home", .type = K2TD_CM_STRING, .def = "/usr/local/taos/plugins",
     .offset = OFF(plugins_home),
     .desc = "Folder whose parsers/ subfolder holds parser plugins (lib<name>.so)."},
    {.key = "data_dir", .type = K2TD_CM_STRING, .def = "k2td-data", .offset = OFF(data_dir),
     .desc = "Folder of the task's files: a relative parser.global.archive.location is "
             "<data_dir>/tasks/<id or name>/<location>."},
    {.key = "target_ca", .type = K2TD_CM_STRING, .offset = OFF(target_ca),
     .desc = "PEM file of the CA certificates an https target's certificate is checked "
             "against, instead of the system's store."},
    {.key = NULL},
};

static const char *const task_keys[] = {"name", "id", "from", "to", "parser", "options", NULL};

const k2td_cm_entry_t *k2td_task_option_keys(void) {
    return option_keys;
}

void k2td_task_free(k2td_task_t *t) {
    free(t->name);
    free(t->id);
    free(t->from);
    free(t->to);
    k2td_kafka_conf_free(&t->kafka);
    k2td_parser_conf_free(&t->parser);
    k2td_cm_free(option_keys, &t->options);
    memset(t, 0, sizeof(*t));
}

/* Sets o->timezone_offset_s from o->timezone. Returns 0, or -1 naming the key. */
static int options_finish(k2td_task_options_t *o, char *errstr, size_t errstr_size) {
    const char *tz = o->timezone;
    if (strcasecmp(tz, "UTC") == 0) {
        o->timezone_offset_s = 0;
        return 0;
    }
    if (k2td_ts_parse_zone(tz, strlen(tz), &o->timezone_offset_s) == 0) return 0;
    char q[K2TD_CM_QUOTE_MAX];
    k2td_errstr_set(errstr, errstr_size,
                   "key `timezone`: `%s` is not UTC or an offset such as +08:00",
                   k2td_cm_quote(tz, q));
    return -1;
}

/* Fills what both task forms derive the same way: the Kafka settings from
 * `from` (errors prefixed by from_label; policy as k2td_kafka_dsn_parse_as)
 * and the id rule. */
static int task_finish(k2td_task_t *t, const char *from_label, const k2td_dsn_policy_t *policy,
                       char *errstr, size_t errstr_size) {
    if (k2td_kafka_dsn_parse_as(t->from, policy, &t->kafka, errstr, errstr_size) != 0) {
        k2td_errstr_prefix(errstr, errstr_size, "%s: ", from_label);
        return -1;
    }
    const char *needs_id = t->kafka.with_task_id          ? "with_task_id"
                           : t->kafka.group_with_task_id  ? "group_with_task_id"
                           : t->kafka.client_with_task_id ? "client_id_with_task_id"
                                                          : NULL;
    if (needs_id && !t->id) {
        k2td_errstr_set(errstr, errstr_size, "%s: key `%s` is true but the task has no id",
                        from_label, needs_id);
        return -1;
    }
    return 0;
}

int k2td_task_name_check(const char *name, char *errstr, size_t errstr_size) {
    size_t n = strlen(name);
    if (n == 0)
        k2td_errstr_set(errstr, errstr_size, "must not be empty");
    else if (n > K2TD_TASK_NAME_MAX)
        k2td_errstr_set(errstr, errstr_size, "longer than %d bytes", K2TD_TASK_NAME_MAX);
    else if (k2td_utf8_text_len(name, n) != n)
        k2td_errstr_set(errstr, errstr_size,
                        "must be UTF-8 text without control characters (byte %zu is not)",
                        k2td_utf8_text_len(name, n) + 1);
    else
        return 0;
    return -1;
}

/* Reads the required non-empty string task.<key> into *out. */
static int read_string(const cJSON *root, const char *key, char **out, char *errstr,
                       size_t errstr_size) {
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!item) {
        k2td_errstr_set(errstr, errstr_size, "task: key `%s` is required", key);
        return -1;
    }
    if (!cJSON_IsString(item)) {
        k2td_errstr_set(errstr, errstr_size, "task.%s: must be a string, not %s", key,
                       k2td_json_kind(item));
        return -1;
    }
    if (!*item->valuestring) {
        k2td_errstr_set(errstr, errstr_size, "task.%s: must not be empty", key);
        return -1;
    }
    *out = k2td_strdup(item->valuestring);
    return 0;
}

/* Checks name by k2td_task_name_check; errstr starts with label. */
static int read_name(const char *name, const char *label, char *errstr, size_t errstr_size) {
    if (k2td_task_name_check(name, errstr, errstr_size) == 0) return 0;
    k2td_errstr_prefix(errstr, errstr_size, "%s", label);
    return -1;
}

/* Reads the optional task.id: text or an integer; "" means none. */
static int read_id(const cJSON *root, char **out, char *errstr, size_t errstr_size) {
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "id");
    if (!id || cJSON_IsNull(id)) return 0;
    int integer = cJSON_IsNumber(id) && id->valuedouble >= 0 &&
                  id->valuedouble < 9007199254740992.0 &&
                  id->valuedouble == (double)(int64_t)id->valuedouble;
    if (!cJSON_IsString(id) && !integer) {
        k2td_errstr_set(errstr, errstr_size, "task.id: must be a string or an integer >= 0, not %s",
                       cJSON_IsNumber(id) ? "a fraction or negative number" : k2td_json_kind(id));
        return -1;
    }
    char *text = k2td_json_scalar_text(id);
    if (*text) *out = text;
    else free(text);
    return 0;
}

/* Reads task.options into *o (which holds the defaults). */
static int read_options(const cJSON *options, k2td_task_options_t *o, char *errstr,
                        size_t errstr_size) {
    if (!options) return 0;
    if (!cJSON_IsObject(options)) {
        k2td_errstr_set(errstr, errstr_size, "task.options: must be an object, not %s",
                       k2td_json_kind(options));
        return -1;
    }
    const char *names[sizeof(option_keys) / sizeof(option_keys[0])];
    size_t n = 0;
    for (const k2td_cm_entry_t *e = option_keys; e->key; e++) names[n++] = e->key;
    names[n] = NULL;
    if (k2td_json_check_keys(options, "task.options", names, NULL, errstr, errstr_size) != 0)
        return -1;
    for (const cJSON *it = options->child; it; it = it->next) {
        char *text = k2td_json_scalar_text(it);
        if (!text) {
            k2td_errstr_set(errstr, errstr_size,
                           "task.options.%s: must be a string, number or boolean, not %s",
                           it->string, k2td_json_kind(it));
            return -1;
        }
        int rc = k2td_cm_apply(option_keys, o, it->string, text, errstr, errstr_size);
        free(text);
        if (rc != 0) {
            k2td_errstr_prefix(errstr, errstr_size, "task.options: ");
            return -1;
        }
    }
    if (options_finish(o, errstr, errstr_size) != 0) {
        k2td_errstr_prefix(errstr, errstr_size, "task.options: ");
        return -1;
    }
    return 0;
}

/* Reads task.parser: an object (read with parser_flags), or "@path"
 * relative to base_dir. */
static int read_parser(const cJSON *root, const char *base_dir, int parser_flags,
                       k2td_parser_conf_t *out, char *errstr, size_t errstr_size) {
    const cJSON *parser = cJSON_GetObjectItemCaseSensitive(root, "parser");
    if (!parser) {
        k2td_errstr_set(errstr, errstr_size, "task: key `parser` is required");
        return -1;
    }
    if (cJSON_IsObject(parser))
        return k2td_parser_conf_read(parser, "task.parser", parser_flags, out, errstr,
                                     errstr_size);
    if (!cJSON_IsString(parser) || parser->valuestring[0] != '@' || !parser->valuestring[1]) {
        k2td_errstr_set(errstr, errstr_size,
                       "task.parser: must be an object or \"@path/to/parser.json\", not %s",
                       k2td_json_kind(parser));
        return -1;
    }
    if (k2td_parser_conf_load(parser->valuestring, base_dir, out, errstr, errstr_size) != 0) {
        k2td_errstr_prefix(errstr, errstr_size, "task.parser: ");
        return -1;
    }
    return 0;
}

/* Refuses what only the operator may set in a task from an API client:
 * options.plugins_home (the folder parser plugins are loaded from),
 * options.target_ca (a file of the host; the service's config gives it)
 * and an archive location outside the task's own folder (absolute, or with
 * ".."). Returns 0 or -1 with errstr naming the key. */
static int task_check_client(const cJSON *root, const k2td_task_t *t, char *errstr,
                             size_t errstr_size) {
    static const char *const operator_keys[] = {"plugins_home", "target_ca", NULL};
    const cJSON *options = cJSON_GetObjectItemCaseSensitive(root, "options");
    for (const char *const *k = operator_keys; *k; k++)
        if (cJSON_GetObjectItemCaseSensitive(options, *k))
            return k2td_errstr_set(errstr, errstr_size,
                                   "task.options.%s: set by the service's operator", *k);
    return k2td_write_policy_check_confined(&t->parser.policy, "task.parser.global", errstr,
                                            errstr_size);
}

int k2td_task_read(const cJSON *root, const char *base_dir, int parser_flags,
                   const k2td_dsn_policy_t *policy, k2td_task_t *out, char *errstr,
                   size_t errstr_size) {
    memset(out, 0, sizeof(*out));
    k2td_cm_set_defaults(option_keys, &out->options);
    int rc = -1;
    if (!cJSON_IsObject(root))
        k2td_errstr_set(errstr, errstr_size, "task: must be an object, not %s",
                       k2td_json_kind(root));
    else if (k2td_json_check_keys(root, "task", task_keys, NULL, errstr, errstr_size) == 0 &&
             read_string(root, "name", &out->name, errstr, errstr_size) == 0 &&
             read_name(out->name, "task.name: ", errstr, errstr_size) == 0 &&
             read_string(root, "from", &out->from, errstr, errstr_size) == 0 &&
             read_string(root, "to", &out->to, errstr, errstr_size) == 0 &&
             read_id(root, &out->id, errstr, errstr_size) == 0 &&
             read_parser(root, base_dir, parser_flags, &out->parser, errstr, errstr_size) == 0 &&
             read_options(cJSON_GetObjectItemCaseSensitive(root, "options"), &out->options,
                          errstr, errstr_size) == 0)
        rc = task_finish(out, "task.from", policy, errstr, errstr_size);
    if (rc == 0 && policy) rc = task_check_client(root, out, errstr, errstr_size);
    if (rc != 0) k2td_task_free(out);
    return rc;
}

int k2td_task_from_json(const cJSON *root, const char *base_dir, k2td_task_t *out,
                        char *errstr, size_t errstr_size) {
    return k2td_task_read(root, base_dir, 0, NULL, out, errstr, errstr_size);
}

int k2td_task_load_file(const char *path, k2td_task_t *out, char *errstr, size_t errstr_size) {
    memset(out, 0, sizeof(*out));
    cJSON *root = k2td_json_load_file(path, errstr, errstr_size);
    if (!root) return -1;
    const char *slash = strrchr(path, '/');
    char *base_dir = slash ? k2td_strndup(path, slash == path ? 1 : (size_t)(slash - path)) : NULL;
    int rc = k2td_task_from_json(root, base_dir, out, errstr, errstr_size);
    free(base_dir);
    cJSON_Delete(root);
    if (rc != 0) k2td_errstr_prefix(errstr, errstr_size, "%s: ", path);
    return rc;
}

int k2td_task_set_from(k2td_task_t *t, const char *from, const char *label, char *errstr,
                       size_t errstr_size) {
    char *old_from = t->from;
    k2td_kafka_conf_t old_kafka = t->kafka;
    t->from = k2td_strdup(from);
    if (task_finish(t, label, NULL, errstr, errstr_size) != 0) {
        k2td_kafka_conf_free(&t->kafka); /* parsed, then refused by the id rule */
        free(t->from);
        t->from = old_from;
        t->kafka = old_kafka;
        return -1;
    }
    free(old_from);
    k2td_kafka_conf_free(&old_kafka);
    return 0;
}

int k2td_task_from_cli(const char *name, const char *from, const char *to, const char *parser,
                       k2td_task_t *out, char *errstr, size_t errstr_size) {
    memset(out, 0, sizeof(*out));
    const char *missing = !from || !*from       ? "--from"
                          : !to || !*to         ? "--to"
                          : !parser || !*parser ? "--parser"
                                                : NULL;
    if (missing) {
        k2td_errstr_set(errstr, errstr_size, "%s is required", missing);
        return -1;
    }
    if (name && *name && read_name(name, "--name: ", errstr, errstr_size) != 0) return -1;
    k2td_cm_set_defaults(option_keys, &out->options);
    out->name = k2td_strdup(name && *name ? name : "k2td");
    out->from = k2td_strdup(from);
    out->to = k2td_strdup(to);
    int rc = k2td_parser_conf_load(parser, NULL, &out->parser, errstr, errstr_size);
    if (rc != 0) k2td_errstr_prefix(errstr, errstr_size, "--parser: ");
    else rc = task_finish(out, "--from", NULL, errstr, errstr_size);
    if (rc != 0) k2td_task_free(out);
    return rc;
}
