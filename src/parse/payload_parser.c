#include "payload_parser.h"

#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/errstr.h"
#include "csv_parse.h"
#include "json_fields.h"
#include "json_flat.h"
#include "plugin.h"
#include "regex_parse.h"
#include "udt_lua.h"

struct k2td_payload_parser {
    k2td_parse_kind_t kind;
    k2td_json_fields_t *fields; /* JSON with field specs */
    k2td_regex_t *regex;
    k2td_csv_t *csv;
    k2td_udt_t *udt;
    k2td_plugin_t *plugin;
};

k2td_payload_parser_t *k2td_payload_parser_new(const k2td_parse_conf_t *conf,
                                               const char *plugins_home, char *errstr,
                                               size_t errstr_size) {
    k2td_payload_parser_t *p = k2td_calloc(1, sizeof(*p));
    p->kind = conf->kind;
    char err[512] = "";
    int ok = 1;
    switch (conf->kind) {
    case K2TD_PARSE_JSON:
        if (conf->json_fields.n)
            ok = (p->fields = k2td_json_fields_compile((const char *const *)conf->json_fields.items,
                                                       conf->json_fields.n, err,
                                                       sizeof(err))) != NULL;
        break;
    case K2TD_PARSE_REGEX:
        ok = (p->regex = k2td_regex_compile(conf->text, 0, err, sizeof(err))) != NULL;
        break;
    case K2TD_PARSE_CSV: {
        k2td_csv_opts_t o = {conf->csv_delimiter, conf->csv_quote, conf->csv_header,
                             (const char *const *)conf->csv_names.items, conf->csv_names.n};
        ok = (p->csv = k2td_csv_new(&o, err, sizeof(err))) != NULL;
        break;
    }
    case K2TD_PARSE_UDT:
        ok = (p->udt = k2td_udt_compile(conf->text, strlen(conf->text), NULL, err,
                                        sizeof(err))) != NULL;
        break;
    case K2TD_PARSE_PLUGIN:
        ok = (p->plugin = k2td_plugin_open(plugins_home, conf->text, conf->plugin_config,
                                           strlen(conf->plugin_config), err,
                                           sizeof(err))) != NULL;
        break;
    }
    if (ok) return p;
    k2td_errstr_set(errstr, errstr_size, "parser.parse.value: %s", err);
    k2td_payload_parser_free(p);
    return NULL;
}

int k2td_payload_parser_parse(k2td_payload_parser_t *p, const char *buf, size_t len,
                              size_t msg_index, k2td_rowset_t *out, char *errstr,
                              size_t errstr_size) {
    size_t first = out->nrows;
    int n;
    switch (p->kind) {
    case K2TD_PARSE_REGEX:
        return k2td_regex_parse(p->regex, buf, len, msg_index, out, errstr, errstr_size);
    case K2TD_PARSE_CSV:
        return k2td_csv_parse(p->csv, buf, len, msg_index, out, errstr, errstr_size);
    case K2TD_PARSE_UDT:
        return k2td_udt_parse(p->udt, buf, len, msg_index, out, errstr, errstr_size);
    case K2TD_PARSE_PLUGIN:
        return k2td_plugin_parse(p->plugin, buf, len, msg_index, out, errstr, errstr_size);
    case K2TD_PARSE_JSON:
    default:
        n = k2td_json_flat_parse(buf, len, msg_index, out, errstr, errstr_size);
        if (n >= 0 && p->fields &&
            k2td_json_fields_apply(p->fields, out, first, errstr, errstr_size) != 0) {
            k2td_rowset_truncate(out, first);
            return -1;
        }
        return n;
    }
}

void k2td_payload_parser_free(k2td_payload_parser_t *p) {
    if (!p) return;
    k2td_json_fields_free(p->fields);
    k2td_regex_free(p->regex);
    k2td_csv_free(p->csv);
    k2td_udt_free(p->udt);
    k2td_plugin_free(p->plugin);
    free(p);
}
