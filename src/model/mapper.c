#include "mapper.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "template.h"

typedef struct mapper_target {
    size_t col;  /* index into schema->cols */
    size_t hint; /* where the field was found in the previous row */
} mapper_target_t;

struct k2td_mapper {
    const k2td_stable_schema_t *schema;
    k2td_template_t *name;
    k2td_convert_opts_t opts;
    mapper_target_t *cols; /* cols[0] is the primary timestamp */
    size_t ncols;
    mapper_target_t *tags;
    size_t ntags;
    k2td_buf_t table, tag_sql, values;
};

/* Fills targets from the named list, or with every column/tag when names is
 * NULL. Returns the count, or -1 with errstr set. */
static long mapper_targets(const k2td_stable_schema_t *s, const char *const *names, size_t n,
                           int want_tag, mapper_target_t **out, char *errstr, size_t errstr_size) {
    *out = k2td_calloc(s->ncols, sizeof(mapper_target_t));
    size_t count = 0;
    if (!names) {
        for (size_t i = 0; i < s->ncols; i++)
            if (s->cols[i].is_tag == want_tag) (*out)[count++].col = i;
        return (long)count;
    }
    for (size_t i = 0; i < n; i++) {
        long idx = k2td_schema_find(s, names[i], want_tag);
        if (idx < 0) {
            snprintf(errstr, errstr_size, "model.%s: `%s` is not a %s of supertable `%s`.`%s`",
                     want_tag ? "tags" : "columns", names[i], want_tag ? "tag" : "column",
                     s->db, s->stable);
            return -1;
        }
        for (size_t j = 0; j < count; j++) {
            if ((*out)[j].col == (size_t)idx) {
                snprintf(errstr, errstr_size, "model.%s: `%s` is listed twice",
                         want_tag ? "tags" : "columns", names[i]);
                return -1;
            }
        }
        (*out)[count++].col = (size_t)idx;
    }
    return (long)count;
}

k2td_mapper_t *k2td_mapper_new(const k2td_stable_schema_t *schema, const k2td_mapper_spec_t *spec,
                               const k2td_convert_opts_t *opts, char *errstr, size_t errstr_size) {
    k2td_mapper_t *m = k2td_calloc(1, sizeof(*m));
    m->schema = schema;
    m->opts = *opts;
    char err[256];
    m->name = k2td_template_compile(spec->name_template, err, sizeof(err));
    if (!m->name) {
        snprintf(errstr, errstr_size, "model.name: %s", err);
        goto fail;
    }
    long n = mapper_targets(schema, spec->columns, spec->ncolumns, 0, &m->cols, errstr, errstr_size);
    if (n < 0) goto fail;
    m->ncols = (size_t)n;
    if (m->ncols == 0 || schema->cols[m->cols[0].col].type != K2TD_COL_TIMESTAMP ||
        m->cols[0].col != 0) {
        snprintf(errstr, errstr_size,
                 "model.columns: the first column must be the primary timestamp `%s`",
                 schema->ncols ? schema->cols[0].name : "ts");
        goto fail;
    }
    n = mapper_targets(schema, spec->tags, spec->ntags, 1, &m->tags, errstr, errstr_size);
    if (n < 0) goto fail;
    m->ntags = (size_t)n;
    return m;
fail:
    k2td_mapper_free(m);
    return NULL;
}

void k2td_mapper_free(k2td_mapper_t *m) {
    if (!m) return;
    k2td_template_free(m->name);
    free(m->cols);
    free(m->tags);
    k2td_buf_free(&m->table);
    k2td_buf_free(&m->tag_sql);
    k2td_buf_free(&m->values);
    free(m);
}

k2td_insert_batch_t *k2td_mapper_batch_new(const k2td_mapper_t *m, size_t max_sql_bytes) {
    size_t *cols = k2td_calloc(m->ncols, sizeof(size_t));
    size_t *tags = k2td_calloc(m->ntags ? m->ntags : 1, sizeof(size_t));
    for (size_t i = 0; i < m->ncols; i++) cols[i] = m->cols[i].col;
    for (size_t i = 0; i < m->ntags; i++) tags[i] = m->tags[i].col;
    k2td_insert_batch_t *b =
        k2td_insert_batch_new(m->schema, cols, m->ncols, tags, m->ntags, max_sql_bytes);
    free(cols);
    free(tags);
    return b;
}

void k2td_mapper_set_opts(k2td_mapper_t *m, const k2td_convert_opts_t *opts) {
    m->opts = *opts;
}

const k2td_convert_opts_t *k2td_mapper_opts(const k2td_mapper_t *m) {
    return &m->opts;
}

/* Renders the targets' values as "v1,v2,..." into out. Returns 0 or -1. */
static int mapper_render(k2td_mapper_t *m, mapper_target_t *targets, size_t n,
                         const k2td_rowset_t *rs, size_t row, k2td_buf_t *out, char *errstr,
                         size_t errstr_size) {
    static const k2td_value_t null_value = {.type = K2TD_VAL_NULL};
    k2td_buf_reset(out);
    for (size_t i = 0; i < n; i++) {
        const k2td_column_t *col = &m->schema->cols[targets[i].col];
        const k2td_field_t *f =
            k2td_rowset_find_ci(rs, row, col->name, strlen(col->name), &targets[i].hint);
        const k2td_value_t *v = f ? &f->v : &null_value;
        if (i) k2td_buf_putc(out, ',');
        if (v->type == K2TD_VAL_NULL && !col->is_tag && targets[i].col == 0) {
            snprintf(errstr, errstr_size, "primary timestamp `%s` is %s", col->name,
                     f ? "null" : "missing");
            return -1;
        }
        if (k2td_convert_append(v, col, &m->opts, out, errstr, errstr_size) != 0) return -1;
    }
    return 0;
}

int k2td_mapper_map_row(k2td_mapper_t *m, const k2td_rowset_t *rs, size_t row, size_t origin,
                        k2td_insert_batch_t *batch, char *errstr, size_t errstr_size) {
    k2td_buf_reset(&m->table);
    char err[256];
    if (k2td_template_expand(m->name, rs, row, &m->table, err, sizeof(err)) != 0 ||
        k2td_table_name_check(m->table.data, m->table.len, err, sizeof(err)) != 0) {
        snprintf(errstr, errstr_size, "subtable name: %s", err);
        return -1;
    }
    if (mapper_render(m, m->tags, m->ntags, rs, row, &m->tag_sql, errstr, errstr_size) != 0 ||
        mapper_render(m, m->cols, m->ncols, rs, row, &m->values, errstr, errstr_size) != 0)
        return -1;
    return k2td_insert_batch_add(batch, m->table.data, m->table.len, m->tag_sql.data,
                                 m->tag_sql.len, m->values.data, m->values.len, origin, errstr,
                                 errstr_size);
}
