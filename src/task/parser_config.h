/*
 * parser_config.h - the task's "parser": how a message becomes rows of a table.
 *
 * The JSON is taosX's parser definition. Supported so far:
 *
 *     {"global": {...row error policies...},
 *      "parse": {"value": <parser>},
 *      "mutate": [ ...stages, see src/transform/pipeline.h... ],
 *      "model": {"name": "t_{id}", "using": "meters",
 *                "tags": ["groupid"], "columns": ["ts", "current"]} | [...],
 *      "rules": [{"matches": {"expr": "..."}, "mutate": [...], "model": ...}]}
 *
 * where <parser> is one of
 *     {"json": ""}  or {"json": ["name", "name::type", "$.path=alias::type"]}
 *     {"regex": "(?<name>...)"}            named groups become string fields
 *     {"csv": {"header": true, "delimiter": ",", "quote": "\""}}
 *     {"csv": {"names": ["id", "ts", ...]}}  (k2td's; taosX has no CSV payloads)
 *     {"udt": "<Lua script>"}              k2td runs UDT scripts in Lua, not Rhai
 *     {"plugin": {"name": "kv", "config": "<text for parser_new>"}}
 * Field specs are kept as text here and compiled by the JSON parser.
 * Explorer's wrapper {"parser": {...}, "input": [...samples...]} is accepted.
 *
 * `model` and `rules` are read by route_config.h, `global` by
 * write_policy.h. taosX keys not implemented yet (s_model, parse.key, keep)
 * are rejected with "... is not supported yet", and any
 * other key is an error naming its JSON path: the parser never silently
 * ignores part of a definition.
 */
#ifndef K2TD_PARSER_CONFIG_H
#define K2TD_PARSER_CONFIG_H

#include <stddef.h>

#include <cJSON.h>

#include "config_map.h"
#include "route_config.h"
#include "write_policy.h"

/* How the message value is parsed. */
typedef enum k2td_parse_kind {
    K2TD_PARSE_JSON = 1,
    K2TD_PARSE_REGEX,
    K2TD_PARSE_CSV,
    K2TD_PARSE_UDT,
    K2TD_PARSE_PLUGIN,
} k2td_parse_kind_t;

typedef struct k2td_parse_conf {
    k2td_parse_kind_t kind;
    k2td_strlist_t json_fields; /* JSON: field specs as written; empty = every field */
    char *text;                 /* REGEX: the pattern; UDT: the script; PLUGIN: its name */
    char *plugin_config;        /* PLUGIN: the text given to parser_new ("" when absent) */
    int csv_header;             /* CSV: the first line of a message names the columns */
    char csv_delimiter, csv_quote;
    k2td_strlist_t csv_names;   /* CSV: the column names when there is no header */
} k2td_parse_conf_t;

typedef struct k2td_parser_conf {
    k2td_parse_conf_t value; /* parse.value */
    cJSON *mutate;           /* the `mutate` stages as given (NULL: none), owned;
                              * compiled by src/transform/pipeline.h */
    k2td_route_conf_t *routes; /* `rules` in order, then `model`; at least one
                                * (none only when read K2TD_PARSER_MODEL_OPTIONAL) */
    size_t nroutes;
    k2td_write_policy_t policy; /* `global`: the row error policies */
} k2td_parser_conf_t;

/* Reads the parser definition root, whose JSON path is path ("parser",
 * "task.parser"), into *out (the caller then owns it). Returns 0, or -1 with
 * *out empty and errstr naming the JSON path and the reason. */
int k2td_parser_conf_from_json(const cJSON *root, const char *path, k2td_parser_conf_t *out,
                               char *errstr, size_t errstr_size);

/* Flags of k2td_parser_conf_read. K2TD_PARSER_MODEL_OPTIONAL: a draft that
 * is only previewed (the service's draft endpoints) may have neither `model`
 * nor `rules`; it is read with nroutes 0. A task that runs never takes it. */
#define K2TD_PARSER_MODEL_OPTIONAL 1

/* k2td_parser_conf_from_json with flags (above). Returns 0, or -1 with *out
 * empty and errstr naming the JSON path and the reason. */
int k2td_parser_conf_read(const cJSON *root, const char *path, int flags, k2td_parser_conf_t *out,
                          char *errstr, size_t errstr_size);

/* Parses the JSON text into *out, as k2td_parser_conf_from_json with path
 * "parser". Syntax errors give "parser: invalid JSON near line L, column C". */
int k2td_parser_conf_from_text(const char *text, k2td_parser_conf_t *out, char *errstr,
                               size_t errstr_size);

/* Reads the JSON file at path into *out. Errors start with the file path:
 * "p.json: parser.model.name: must not contain `.`". */
int k2td_parser_conf_from_file(const char *path, k2td_parser_conf_t *out, char *errstr,
                               size_t errstr_size);

/* Reads the parser given as "@file.json" (relative paths resolved against
 * base_dir; NULL or "" = the working directory) or as inline JSON text
 * starting with '{'. Returns 0 or -1 as the functions above. */
int k2td_parser_conf_load(const char *arg, const char *base_dir, k2td_parser_conf_t *out,
                          char *errstr, size_t errstr_size);

/* Releases everything *c owns and zeroes it; safe on a zeroed struct. */
void k2td_parser_conf_free(k2td_parser_conf_t *c);

#endif
