/*
 * parser_config.h - the task's "parser": how a message becomes rows of a table.
 *
 * The JSON is taosX's parser definition. Supported so far:
 *
 *     {"parse": {"value": {"json": ""}},                      // or [] : every field
 *      "model": {"name": "t_{id}", "using": "meters",
 *                "tags": ["groupid"], "columns": ["ts", "current"]}}
 *
 * with parse.value.json either "" / [] (take every field) or an array of
 * field specs ("name", "name::type", "$.path=alias::type") that are kept as
 * text here and compiled by the JSON parser. Explorer's wrapper
 * {"parser": {...}, "input": [...samples...]} is accepted too.
 *
 * taosX keys not implemented yet (global, mutate, rules, s_model, other parse
 * kinds, model as an array) are rejected with "... is not supported yet", and
 * any other key is an error naming its JSON path: the parser never silently
 * ignores part of a definition. Each part is its own struct so that those
 * later additions are new fields.
 */
#ifndef K2TD_PARSER_CONFIG_H
#define K2TD_PARSER_CONFIG_H

#include <stddef.h>

#include <cJSON.h>

#include "config_map.h"

/* How the message value is parsed. */
typedef enum k2td_parse_kind {
    K2TD_PARSE_JSON = 1,
} k2td_parse_kind_t;

typedef struct k2td_parse_conf {
    k2td_parse_kind_t kind;
    k2td_strlist_t json_fields; /* JSON: field specs as written; empty = every field */
} k2td_parse_conf_t;

/* The target of each row. */
typedef struct k2td_model_conf {
    char *name;             /* child-table name template ("t_{id}", "d${id}"); no '.' */
    char *stable;           /* `using`: the supertable (may be a template); no '.' */
    k2td_strlist_t tags;    /* tag columns to fill; empty = the supertable's tags */
    k2td_strlist_t columns; /* data columns; empty = every field that is not a tag */
} k2td_model_conf_t;

typedef struct k2td_parser_conf {
    k2td_parse_conf_t value; /* parse.value */
    cJSON *mutate;           /* the `mutate` stages as given (NULL: none), owned;
                              * compiled by src/transform/pipeline.h */
    k2td_model_conf_t model;
} k2td_parser_conf_t;

/* Reads the parser definition root, whose JSON path is path ("parser",
 * "task.parser"), into *out (the caller then owns it). Returns 0, or -1 with
 * *out empty and errstr naming the JSON path and the reason. */
int k2td_parser_conf_from_json(const cJSON *root, const char *path, k2td_parser_conf_t *out,
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
