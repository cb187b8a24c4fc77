#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "decimal.h"

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
    {"DECIMAL", K2TD_COL_DECIMAL},
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

/* Reads "(p, s)" or "(p)" (spaces allowed) at text into col's DECIMAL
 * precision and scale. Returns 0, or -1 when malformed or out of range. */
static int decimal_args(const char *text, k2td_column_t *col) {
    int p = -1, s = 0, used = 0;
    if (sscanf(text, " ( %d , %d ) %n", &p, &s, &used) != 2 || text[used] != '\0') {
        used = 0;
        s = 0;
        if (sscanf(text, " ( %d ) %n", &p, &used) != 1 || text[used] != '\0') return -1;
    }
    if (p < 1 || p > K2TD_DECIMAL_MAX_PRECISION || s < 0 || s > p) return -1;
    col->dec_precision = p;
    col->dec_scale = s;
    return 0;
}

int k2td_column_set_type(k2td_column_t *col, const char *text) {
    size_t n = strcspn(text, "(");
    while (n > 0 && text[n - 1] == ' ') n--;
    char name[32];
    if (n >= sizeof(name)) return -1;
    memcpy(name, text, n);
    name[n] = '\0';
    col->type = k2td_coltype_from_name(name);
    if (col->type == K2TD_COL_DECIMAL) return decimal_args(text + strcspn(text, "("), col);
    return col->type == K2TD_COL_UNKNOWN ? -1 : 0;
}

const char *k2td_column_type_text(const k2td_column_t *col, char out[K2TD_COLTYPE_TEXT_MAX]) {
    const char *name = k2td_coltype_name(col->type);
    if (col->type == K2TD_COL_DECIMAL)
        snprintf(out, K2TD_COLTYPE_TEXT_MAX, "%s(%d, %d)", name, col->dec_precision,
                 col->dec_scale);
    else if (col->type >= K2TD_COL_VARCHAR && col->type <= K2TD_COL_JSON)
        snprintf(out, K2TD_COLTYPE_TEXT_MAX, "%s(%d)", name, (int)col->length);
    else
        snprintf(out, K2TD_COLTYPE_TEXT_MAX, "%s", name);
    return out;
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

int k2td_schema_check_layout(const k2td_stable_schema_t *s, char *errstr, size_t errstr_size) {
    size_t ntags = 0;
    for (size_t i = 0; i < s->ncols; i++) {
        const k2td_column_t *c = &s->cols[i];
        if (c->is_tag) {
            ntags++;
        } else if (ntags > 0) {
            snprintf(errstr, errstr_size, "lists column `%s` after the tags", c->name);
            return -1;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(s->cols[j].name, c->name) == 0) {
                snprintf(errstr, errstr_size, "names `%s` twice", c->name);
                return -1;
            }
        }
    }
    if (s->ncols < 2 || s->cols[0].is_tag || s->cols[0].type != K2TD_COL_TIMESTAMP) {
        snprintf(errstr, errstr_size, "does not start with a TIMESTAMP column");
        return -1;
    }
    if (ntags == 0) {
        snprintf(errstr, errstr_size, "has no tags: it is not a supertable");
        return -1;
    }
    return 0;
}

void k2td_stable_schema_clear(k2td_stable_schema_t *s) {
    for (size_t i = 0; i < s->ncols; i++) free(s->cols[i].name);
    free(s->cols);
    free(s->db);
    free(s->stable);
    memset(s, 0, sizeof(*s));
}
