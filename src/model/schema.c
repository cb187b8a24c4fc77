#include "schema.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    k2td_coltype_t type;
} coltype_names[] = {
    {"TIMESTAMP", K2TD_COL_TIMESTAMP},
    {"BOOL", K2TD_COL_BOOL},
    {"TINYINT", K2TD_COL_TINYINT},
    {"SMALLINT", K2TD_COL_SMALLINT},
    {"INT", K2TD_COL_INT},
    {"BIGINT", K2TD_COL_BIGINT},
    {"TINYINT UNSIGNED", K2TD_COL_UTINYINT},
    {"SMALLINT UNSIGNED", K2TD_COL_USMALLINT},
    {"INT UNSIGNED", K2TD_COL_UINT},
    {"BIGINT UNSIGNED", K2TD_COL_UBIGINT},
    {"FLOAT", K2TD_COL_FLOAT},
    {"DOUBLE", K2TD_COL_DOUBLE},
    {"VARCHAR", K2TD_COL_VARCHAR},
    {"BINARY", K2TD_COL_VARCHAR},
    {"NCHAR", K2TD_COL_NCHAR},
    {"VARBINARY", K2TD_COL_VARBINARY},
    {"GEOMETRY", K2TD_COL_GEOMETRY},
    {"JSON", K2TD_COL_JSON},
};

k2td_coltype_t k2td_coltype_from_name(const char *name) {
    for (size_t i = 0; i < sizeof(coltype_names) / sizeof(coltype_names[0]); i++)
        if (strcasecmp(name, coltype_names[i].name) == 0) return coltype_names[i].type;
    return K2TD_COL_UNKNOWN;
}

const char *k2td_coltype_name(k2td_coltype_t t) {
    for (size_t i = 0; i < sizeof(coltype_names) / sizeof(coltype_names[0]); i++)
        if (coltype_names[i].type == t) return coltype_names[i].name;
    return "UNKNOWN";
}

int k2td_precision_from_name(const char *name) {
    if (strcasecmp(name, "ms") == 0) return K2TD_PREC_MS;
    if (strcasecmp(name, "us") == 0) return K2TD_PREC_US;
    if (strcasecmp(name, "ns") == 0) return K2TD_PREC_NS;
    return -1;
}

const char *k2td_precision_name(k2td_precision_t p) {
    return p == K2TD_PREC_US ? "us" : p == K2TD_PREC_NS ? "ns" : "ms";
}

long k2td_schema_find(const k2td_stable_schema_t *s, const char *name, int want_tag) {
    for (int ci = 0; ci < 2; ci++)
        for (size_t i = 0; i < s->ncols; i++)
            if (s->cols[i].is_tag == want_tag &&
                (ci ? strcasecmp(s->cols[i].name, name) : strcmp(s->cols[i].name, name)) == 0)
                return (long)i;
    return -1;
}

void k2td_stable_schema_clear(k2td_stable_schema_t *s) {
    for (size_t i = 0; i < s->ncols; i++) free(s->cols[i].name);
    free(s->cols);
    free(s->db);
    free(s->stable);
    memset(s, 0, sizeof(*s));
}
