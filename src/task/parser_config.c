/*
 * parser_config.c - reading the parser definition (see parser_config.h).
 */
#include "parser_config.h"

#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "../transform/pipeline.h"
#include "json_doc.h"

static const char *const root_keys[] = {"parse", "mutate", "model", NULL};
static const char *const root_not_yet[] = {"global", "rules", "s_model", NULL};
static const char *const wrapper_keys[] = {"parser", "input", NULL};
static const char *const parse_keys[] = {"value", NULL};
static const char *const parse_not_yet[] = {"key", NULL};
static const char *const value_keys[] = {"json", "regex", "csv", "udt", "plugin", NULL};
static const char *const value_not_yet[] = {"keep", NULL};
static const char *const csv_keys[] = {"header", "names", "delimiter", "quote", NULL};
static const char *const plugin_keys[] = {"name", "config", NULL};
static const char *const model_keys[] = {"name", "using", "tags", "columns", NULL};

void k2td_parser_conf_free(k2td_parser_conf_t *c) {
    k2td_strlist_free(&c->value.json_fields);
    free(c->value.text);
    free(c->value.plugin_config);
    k2td_strlist_free(&c->value.csv_names);
    free(c->model.name);
    free(c->model.stable);
    k2td_strlist_free(&c->model.tags);
    k2td_strlist_free(&c->model.columns);
    cJSON_Delete(c->mutate);
    memset(c, 0, sizeof(*c));
}

/* Appends ".key" to the JSON path; returns the length to cut back to. */
static size_t path_push(k2td_buf_t *path, const char *key) {
    size_t mark = path->len;
    k2td_buf_printf(path, ".%s", key);
    return mark;
}

/* Returns 0 when item (at path) is an object, else -1 with the reason. */
static int need_object(const cJSON *item, const k2td_buf_t *path, char *errstr,
                       size_t errstr_size) {
    if (cJSON_IsObject(item)) return 0;
    k2td_errstr_set(errstr, errstr_size, "%s: must be an object, not %s", path->data,
                   k2td_json_kind(item));
    return -1;
}

/* Reads the JSON parser's field list (at path). */
static int read_json_fields(const cJSON *json, const k2td_buf_t *path, k2td_parse_conf_t *out,
                            char *errstr, size_t errstr_size) {
    out->kind = K2TD_PARSE_JSON;
    if (cJSON_IsString(json) && !*json->valuestring) return 0;
    if (cJSON_IsArray(json))
        return k2td_json_strlist(json, path->data, &out->json_fields, errstr, errstr_size);
    return k2td_errstr_set(errstr, errstr_size,
                           "%s: must be \"\" (every field) or an array of field specs, not %s",
                           path->data,
                           cJSON_IsString(json) ? "a non-empty string" : k2td_json_kind(json));
}

/* Copies the non-empty string item (at path) into *out. */
static int read_text(const cJSON *item, const char *path, char **out, char *errstr,
                     size_t errstr_size) {
    if (!cJSON_IsString(item) || !*item->valuestring)
        return k2td_errstr_set(errstr, errstr_size, "%s: must be a non-empty string, not %s",
                               path, cJSON_IsString(item) ? "an empty one" : k2td_json_kind(item));
    *out = k2td_strdup(item->valuestring);
    return 0;
}

/* Reads one optional single-character option of the CSV parser. */
static int read_csv_char(const cJSON *csv, const k2td_buf_t *path, const char *key, char dflt,
                         char *out, char *errstr, size_t errstr_size) {
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(csv, key);
    *out = dflt;
    if (!item) return 0;
    if (!cJSON_IsString(item) || strlen(item->valuestring) != 1)
        return k2td_errstr_set(errstr, errstr_size, "%s.%s: must be one character", path->data,
                               key);
    *out = item->valuestring[0];
    return 0;
}

/* Reads the CSV parser's options (at path). */
static int read_csv(const cJSON *csv, k2td_buf_t *path, k2td_parse_conf_t *out, char *errstr,
                    size_t errstr_size) {
    out->kind = K2TD_PARSE_CSV;
    if (need_object(csv, path, errstr, errstr_size) != 0 ||
        k2td_json_check_keys(csv, path->data, csv_keys, NULL, errstr, errstr_size) != 0 ||
        read_csv_char(csv, path, "delimiter", ',', &out->csv_delimiter, errstr, errstr_size) ||
        read_csv_char(csv, path, "quote", '"', &out->csv_quote, errstr, errstr_size))
        return -1;
    const cJSON *header = cJSON_GetObjectItemCaseSensitive(csv, "header");
    const cJSON *names = cJSON_GetObjectItemCaseSensitive(csv, "names");
    if (header && !cJSON_IsBool(header))
        return k2td_errstr_set(errstr, errstr_size, "%s.header: must be true or false",
                               path->data);
    out->csv_header = cJSON_IsTrue(header);
    if (out->csv_header == (names != NULL))
        return k2td_errstr_set(errstr, errstr_size,
                               "%s: give either \"header\": true or \"names\": [...]",
                               path->data);
    if (!names) return 0;
    size_t mark = path_push(path, "names");
    int rc = k2td_json_strlist(names, path->data, &out->csv_names, errstr, errstr_size);
    k2td_buf_truncate(path, mark);
    return rc;
}

/* Reads the plugin parser's options (at path). */
static int read_plugin(const cJSON *plugin, k2td_buf_t *path, k2td_parse_conf_t *out,
                       char *errstr, size_t errstr_size) {
    out->kind = K2TD_PARSE_PLUGIN;
    if (need_object(plugin, path, errstr, errstr_size) != 0 ||
        k2td_json_check_keys(plugin, path->data, plugin_keys, NULL, errstr, errstr_size) != 0)
        return -1;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(plugin, "name");
    if (!name)
        return k2td_errstr_set(errstr, errstr_size, "%s: key `name` is required", path->data);
    size_t mark = path_push(path, "name");
    int rc = read_text(name, path->data, &out->text, errstr, errstr_size);
    k2td_buf_truncate(path, mark);
    if (rc != 0) return -1;
    const cJSON *config = cJSON_GetObjectItemCaseSensitive(plugin, "config");
    if (config && !cJSON_IsString(config))
        return k2td_errstr_set(errstr, errstr_size, "%s.config: must be a string", path->data);
    out->plugin_config = k2td_strdup(config ? config->valuestring : "");
    return 0;
}

/* Reads parse.value (at path) into *out: exactly one parser. */
static int read_parse_value(const cJSON *value, k2td_buf_t *path, k2td_parse_conf_t *out,
                            char *errstr, size_t errstr_size) {
    if (need_object(value, path, errstr, errstr_size) != 0 ||
        k2td_json_check_keys(value, path->data, value_keys, value_not_yet, errstr,
                             errstr_size) != 0)
        return -1;
    const cJSON *parser = value->child;
    if (!parser)
        return k2td_errstr_set(errstr, errstr_size,
                               "%s: no parser given (write {\"json\": \"\"})", path->data);
    if (parser->next)
        return k2td_errstr_set(errstr, errstr_size, "%s: give one parser, not `%s` and `%s`",
                               path->data, parser->string, parser->next->string);
    size_t mark = path_push(path, parser->string);
    int rc;
    if (strcmp(parser->string, "json") == 0) {
        rc = read_json_fields(parser, path, out, errstr, errstr_size);
    } else if (strcmp(parser->string, "csv") == 0) {
        rc = read_csv(parser, path, out, errstr, errstr_size);
    } else if (strcmp(parser->string, "plugin") == 0) {
        rc = read_plugin(parser, path, out, errstr, errstr_size);
    } else {
        out->kind = strcmp(parser->string, "regex") == 0 ? K2TD_PARSE_REGEX : K2TD_PARSE_UDT;
        rc = read_text(parser, path->data, &out->text, errstr, errstr_size);
    }
    k2td_buf_truncate(path, mark);
    return rc;
}

/* Reads `parse` (at path) into *out. */
static int read_parse(const cJSON *parse, k2td_buf_t *path, k2td_parse_conf_t *out, char *errstr,
                      size_t errstr_size) {
    if (need_object(parse, path, errstr, errstr_size) != 0 ||
        k2td_json_check_keys(parse, path->data, parse_keys, parse_not_yet, errstr,
                             errstr_size) != 0)
        return -1;
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(parse, "value");
    if (!value) {
        k2td_errstr_set(errstr, errstr_size, "%s: key `value` is required", path->data);
        return -1;
    }
    size_t mark = path_push(path, "value");
    int rc = read_parse_value(value, path, out, errstr, errstr_size);
    k2td_buf_truncate(path, mark);
    return rc;
}

/* Reads the required string model.<key> (model at path): non-empty, no '.'. */
static int read_model_name(const cJSON *model, const k2td_buf_t *path, const char *key,
                           char **out, char *errstr, size_t errstr_size) {
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(model, key);
    const char *p = path->data;
    char q[K2TD_CM_QUOTE_MAX];
    if (!item)
        k2td_errstr_set(errstr, errstr_size, "%s: key `%s` is required", p, key);
    else if (!cJSON_IsString(item))
        k2td_errstr_set(errstr, errstr_size, "%s.%s: must be a string, not %s", p, key,
                       k2td_json_kind(item));
    else if (!*item->valuestring)
        k2td_errstr_set(errstr, errstr_size, "%s.%s: must not be empty", p, key);
    else if (strchr(item->valuestring, '.'))
        k2td_errstr_set(errstr, errstr_size, "%s.%s: `%s` must not contain `.`", p, key,
                       k2td_cm_quote(item->valuestring, q));
    else {
        *out = k2td_strdup(item->valuestring);
        return 0;
    }
    return -1;
}

/* Checks a model name list read from path: non-empty, without repeats and,
 * when tags is given, without any of its names. */
static int check_model_list(const k2td_strlist_t *list, const char *path, const char *if_absent,
                            const k2td_strlist_t *tags, char *errstr, size_t errstr_size) {
    char q[K2TD_CM_QUOTE_MAX];
    if (list->n == 0) {
        k2td_errstr_set(errstr, errstr_size, "%s: must not be empty (leave it out %s)", path,
                       if_absent);
        return -1;
    }
    for (size_t i = 0; i < list->n; i++) {
        const char *name = list->items[i];
        const char *why = k2td_strlist_find(list, name) != (long)i     ? "is listed twice"
                          : tags && k2td_strlist_find(tags, name) >= 0 ? "is also listed in tags"
                                                                      : NULL;
        if (why) {
            k2td_errstr_set(errstr, errstr_size, "%s[%zu]: `%s` %s", path, i,
                           k2td_cm_quote(name, q), why);
            return -1;
        }
    }
    return 0;
}

/* Reads the optional name list model.<key> (model at path); see
 * check_model_list for the rules. */
static int read_model_list(const cJSON *model, k2td_buf_t *path, const char *key,
                           const char *if_absent, const k2td_strlist_t *tags, k2td_strlist_t *out,
                           char *errstr, size_t errstr_size) {
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(model, key);
    if (!item) return 0;
    size_t mark = path_push(path, key);
    int rc = k2td_json_strlist(item, path->data, out, errstr, errstr_size);
    if (rc == 0) rc = check_model_list(out, path->data, if_absent, tags, errstr, errstr_size);
    k2td_buf_truncate(path, mark);
    return rc;
}

/* Reads `model` (at path) into *out. */
static int read_model(const cJSON *model, k2td_buf_t *path, k2td_model_conf_t *out,
                      char *errstr, size_t errstr_size) {
    if (cJSON_IsArray(model)) {
        k2td_errstr_set(errstr, errstr_size, "%s: a list of models is not supported yet",
                       path->data);
        return -1;
    }
    if (need_object(model, path, errstr, errstr_size) != 0 ||
        k2td_json_check_keys(model, path->data, model_keys, NULL, errstr, errstr_size) != 0 ||
        read_model_name(model, path, "name", &out->name, errstr, errstr_size) != 0 ||
        read_model_name(model, path, "using", &out->stable, errstr, errstr_size) != 0 ||
        read_model_list(model, path, "tags", "to use the supertable's tags", NULL, &out->tags,
                        errstr, errstr_size) != 0 ||
        read_model_list(model, path, "columns", "to take every field that is not a tag",
                        &out->tags, &out->columns, errstr, errstr_size) != 0)
        return -1;
    return 0;
}

/* Reads the definition itself (no wrapper) at path into *out. */
static int read_definition(const cJSON *root, k2td_buf_t *path, k2td_parser_conf_t *out,
                           char *errstr, size_t errstr_size) {
    if (need_object(root, path, errstr, errstr_size) != 0 ||
        k2td_json_check_keys(root, path->data, root_keys, root_not_yet, errstr, errstr_size) != 0)
        return -1;
    const cJSON *parse = cJSON_GetObjectItemCaseSensitive(root, "parse");
    const cJSON *model = cJSON_GetObjectItemCaseSensitive(root, "model");
    const char *missing = !parse ? "parse" : !model ? "model" : NULL;
    if (missing) {
        k2td_errstr_set(errstr, errstr_size, "%s: key `%s` is required", path->data, missing);
        return -1;
    }
    size_t mark = path_push(path, "parse");
    int rc = read_parse(parse, path, &out->value, errstr, errstr_size);
    k2td_buf_truncate(path, mark);
    if (rc != 0) return -1;
    const cJSON *mutate = cJSON_GetObjectItemCaseSensitive(root, "mutate");
    if (mutate) {
        /* compiled here only to report a bad stage now; the engine compiles
         * its own from the copy kept in out->mutate */
        path_push(path, "mutate");
        k2td_pipeline_t *check = k2td_pipeline_compile(mutate, path->data, errstr, errstr_size);
        k2td_buf_truncate(path, mark);
        if (!check) return -1;
        k2td_pipeline_free(check);
        out->mutate = cJSON_Duplicate(mutate, 1);
    }
    path_push(path, "model");
    rc = read_model(model, path, &out->model, errstr, errstr_size);
    k2td_buf_truncate(path, mark);
    return rc;
}

/* Reads Explorer's wrapper {"parser": {...}, "input": [...]} at path. */
static int read_wrapper(const cJSON *root, k2td_buf_t *path, k2td_parser_conf_t *out,
                        char *errstr, size_t errstr_size) {
    const cJSON *input = cJSON_GetObjectItemCaseSensitive(root, "input");
    if (k2td_json_check_keys(root, path->data, wrapper_keys, NULL, errstr, errstr_size) != 0)
        return -1;
    if (input && !cJSON_IsArray(input)) {
        k2td_errstr_set(errstr, errstr_size, "%s.input: must be an array, not %s", path->data,
                       k2td_json_kind(input));
        return -1;
    }
    path_push(path, "parser");
    return read_definition(cJSON_GetObjectItemCaseSensitive(root, "parser"), path, out, errstr,
                           errstr_size);
}

int k2td_parser_conf_from_json(const cJSON *root, const char *path, k2td_parser_conf_t *out,
                               char *errstr, size_t errstr_size) {
    memset(out, 0, sizeof(*out));
    k2td_buf_t where = K2TD_BUF_INIT;
    k2td_buf_puts(&where, path);
    int rc;
    if (cJSON_IsObject(root) && cJSON_GetObjectItemCaseSensitive(root, "parser"))
        rc = read_wrapper(root, &where, out, errstr, errstr_size);
    else
        rc = read_definition(root, &where, out, errstr, errstr_size);
    k2td_buf_free(&where);
    if (rc != 0) k2td_parser_conf_free(out);
    return rc;
}

int k2td_parser_conf_from_text(const char *text, k2td_parser_conf_t *out, char *errstr,
                               size_t errstr_size) {
    memset(out, 0, sizeof(*out));
    cJSON *root = k2td_json_parse(text, strlen(text), "parser", errstr, errstr_size);
    if (!root) return -1;
    int rc = k2td_parser_conf_from_json(root, "parser", out, errstr, errstr_size);
    cJSON_Delete(root);
    return rc;
}

int k2td_parser_conf_from_file(const char *path, k2td_parser_conf_t *out, char *errstr,
                               size_t errstr_size) {
    memset(out, 0, sizeof(*out));
    cJSON *root = k2td_json_load_file(path, errstr, errstr_size);
    if (!root) return -1;
    int rc = k2td_parser_conf_from_json(root, "parser", out, errstr, errstr_size);
    cJSON_Delete(root);
    if (rc != 0) k2td_errstr_prefix(errstr, errstr_size, "%s: ", path);
    return rc;
}

int k2td_parser_conf_load(const char *arg, const char *base_dir, k2td_parser_conf_t *out,
                          char *errstr, size_t errstr_size) {
    const char *first = arg + strspn(arg, " \t\r\n");
    if (*first == '{') return k2td_parser_conf_from_text(arg, out, errstr, errstr_size);
    memset(out, 0, sizeof(*out));
    if (arg[0] != '@' || !arg[1]) {
        k2td_errstr_set(errstr, errstr_size,
                       "parser: give a file as @path/to/parser.json or the JSON itself");
        return -1;
    }
    const char *path = arg + 1;
    char *full;
    if (path[0] == '/' || !base_dir || !*base_dir) {
        full = k2td_strdup(path);
    } else {
        k2td_buf_t b = K2TD_BUF_INIT;
        k2td_buf_printf(&b, "%s/%s", base_dir, path);
        full = k2td_buf_detach(&b);
    }
    int rc = k2td_parser_conf_from_file(full, out, errstr, errstr_size);
    free(full);
    return rc;
}
