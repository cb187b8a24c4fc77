/*
 * parser_config.c - reading the parser definition (see parser_config.h).
 */
#include "parser_config.h"

#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/buf.h"
#include "json_doc.h"

static const char *const root_keys[] = {"global", "parse", "mutate", "model", "rules", NULL};
static const char *const root_not_yet[] = {"s_model", NULL};
static const char *const wrapper_keys[] = {"parser", "input", NULL};
static const char *const parse_keys[] = {"value", NULL};
static const char *const parse_not_yet[] = {"key", NULL};
static const char *const value_keys[] = {"json", "regex", "csv", "udt", "plugin", NULL};
static const char *const value_not_yet[] = {"keep", NULL};
static const char *const csv_keys[] = {"header", "names", "delimiter", "quote", NULL};
static const char *const plugin_keys[] = {"name", "config", NULL};

void k2td_parser_conf_free(k2td_parser_conf_t *c) {
    k2td_strlist_free(&c->value.json_fields);
    free(c->value.text);
    free(c->value.plugin_config);
    k2td_strlist_free(&c->value.csv_names);
    k2td_route_conf_free(c->routes, c->nroutes);
    k2td_write_policy_free(&c->policy);
    cJSON_Delete(c->mutate);
    memset(c, 0, sizeof(*c));
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
    if (k2td_json_need_object(csv, path->data, errstr, errstr_size) != 0 ||
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
    size_t mark = k2td_json_path_push(path, "names");
    int rc = k2td_json_strlist(names, path->data, &out->csv_names, errstr, errstr_size);
    k2td_buf_truncate(path, mark);
    return rc;
}

/* Reads the plugin parser's options (at path). */
static int read_plugin(const cJSON *plugin, k2td_buf_t *path, k2td_parse_conf_t *out,
                       char *errstr, size_t errstr_size) {
    out->kind = K2TD_PARSE_PLUGIN;
    if (k2td_json_need_object(plugin, path->data, errstr, errstr_size) != 0 ||
        k2td_json_check_keys(plugin, path->data, plugin_keys, NULL, errstr, errstr_size) != 0)
        return -1;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(plugin, "name");
    if (!name)
        return k2td_errstr_set(errstr, errstr_size, "%s: key `name` is required", path->data);
    size_t mark = k2td_json_path_push(path, "name");
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
    if (k2td_json_need_object(value, path->data, errstr, errstr_size) != 0 ||
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
    size_t mark = k2td_json_path_push(path, parser->string);
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
    if (k2td_json_need_object(parse, path->data, errstr, errstr_size) != 0 ||
        k2td_json_check_keys(parse, path->data, parse_keys, parse_not_yet, errstr,
                             errstr_size) != 0)
        return -1;
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(parse, "value");
    if (!value) {
        k2td_errstr_set(errstr, errstr_size, "%s: key `value` is required", path->data);
        return -1;
    }
    size_t mark = k2td_json_path_push(path, "value");
    int rc = read_parse_value(value, path, out, errstr, errstr_size);
    k2td_buf_truncate(path, mark);
    return rc;
}

/* Reads the definition itself (no wrapper) at path into *out. */
static int read_definition(const cJSON *root, k2td_buf_t *path, int flags,
                           k2td_parser_conf_t *out, char *errstr, size_t errstr_size) {
    if (k2td_json_need_object(root, path->data, errstr, errstr_size) != 0 ||
        k2td_json_check_keys(root, path->data, root_keys, root_not_yet, errstr, errstr_size) != 0)
        return -1;
    const cJSON *parse = cJSON_GetObjectItemCaseSensitive(root, "parse");
    const cJSON *model = cJSON_GetObjectItemCaseSensitive(root, "model");
    const cJSON *rules = cJSON_GetObjectItemCaseSensitive(root, "rules");
    int need_model = !(flags & K2TD_PARSER_MODEL_OPTIONAL);
    const char *missing = !parse ? "parse" : need_model && !model && !rules ? "model" : NULL;
    if (missing) {
        k2td_errstr_set(errstr, errstr_size, "%s: key `%s` is required", path->data, missing);
        return -1;
    }
    size_t mark = k2td_json_path_push(path, "global");
    int rc = k2td_write_policy_from_json(cJSON_GetObjectItemCaseSensitive(root, "global"),
                                         path->data, &out->policy, errstr, errstr_size);
    k2td_buf_truncate(path, mark);
    if (rc != 0) return -1;
    k2td_json_path_push(path, "parse");
    rc = read_parse(parse, path, &out->value, errstr, errstr_size);
    k2td_buf_truncate(path, mark);
    if (rc != 0) return -1;
    const cJSON *mutate = cJSON_GetObjectItemCaseSensitive(root, "mutate");
    if (mutate) {
        k2td_json_path_push(path, "mutate");
        rc = k2td_mutate_conf_read(mutate, path->data, &out->mutate, errstr, errstr_size);
        k2td_buf_truncate(path, mark);
        if (rc != 0) return -1;
    }
    if (rules) {
        k2td_json_path_push(path, "rules");
        rc = k2td_route_conf_read_rules(rules, path, &out->routes, &out->nroutes, errstr,
                                        errstr_size);
        k2td_buf_truncate(path, mark);
        if (rc != 0) return -1;
    }
    if (model) {
        k2td_json_path_push(path, "model");
        rc = k2td_route_conf_read_model(model, path, &out->routes, &out->nroutes, errstr,
                                        errstr_size);
        k2td_buf_truncate(path, mark);
    }
    return rc;
}

/* Reads Explorer's wrapper {"parser": {...}, "input": [...]} at path. */
static int read_wrapper(const cJSON *root, k2td_buf_t *path, int flags, k2td_parser_conf_t *out,
                        char *errstr, size_t errstr_size) {
    const cJSON *input = cJSON_GetObjectItemCaseSensitive(root, "input");
    if (k2td_json_check_keys(root, path->data, wrapper_keys, NULL, errstr, errstr_size) != 0)
        return -1;
    if (input && !cJSON_IsArray(input)) {
        k2td_errstr_set(errstr, errstr_size, "%s.input: must be an array, not %s", path->data,
                       k2td_json_kind(input));
        return -1;
    }
    k2td_json_path_push(path, "parser");
    return read_definition(cJSON_GetObjectItemCaseSensitive(root, "parser"), path, flags, out,
                           errstr, errstr_size);
}

int k2td_parser_conf_read(const cJSON *root, const char *path, int flags, k2td_parser_conf_t *out,
                          char *errstr, size_t errstr_size) {
    memset(out, 0, sizeof(*out));
    k2td_buf_t where = K2TD_BUF_INIT;
    k2td_buf_puts(&where, path);
    int rc;
    if (cJSON_IsObject(root) && cJSON_GetObjectItemCaseSensitive(root, "parser"))
        rc = read_wrapper(root, &where, flags, out, errstr, errstr_size);
    else
        rc = read_definition(root, &where, flags, out, errstr, errstr_size);
    k2td_buf_free(&where);
    if (rc != 0) k2td_parser_conf_free(out);
    return rc;
}

int k2td_parser_conf_from_json(const cJSON *root, const char *path, k2td_parser_conf_t *out,
                               char *errstr, size_t errstr_size) {
    return k2td_parser_conf_read(root, path, 0, out, errstr, errstr_size);
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
