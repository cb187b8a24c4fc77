#include "mapper.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/errstr.h"
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
    const k2td_write_policy_t *policy; /* NULL: no repairs */
    int auto_cols;                      /* every field maps to a column by name */
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
            snprintf(errstr, errstr_size, "%s: `%s` is not a %s of supertable `%s`.`%s`",
                     want_tag ? "tags" : "columns", names[i], want_tag ? "tag" : "column",
                     s->db, s->stable);
            return -1;
        }
        for (size_t j = 0; j < count; j++) {
            if ((*out)[j].col == (size_t)idx) {
                snprintf(errstr, errstr_size, "%s: `%s` is listed twice",
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
    m->policy = spec->policy;
    m->auto_cols = spec->columns == NULL;
    char err[256];
    m->name = k2td_template_compile(spec->name_template, err, sizeof(err));
    if (!m->name) {
        snprintf(errstr, errstr_size, "name: %s", err);
        goto fail;
    }
    long n = mapper_targets(schema, spec->columns, spec->ncolumns, 0, &m->cols, errstr, errstr_size);
    if (n < 0) goto fail;
    m->ncols = (size_t)n;
    if (m->ncols == 0 || schema->cols[m->cols[0].col].type != K2TD_COL_TIMESTAMP ||
        m->cols[0].col != 0) {
        snprintf(errstr, errstr_size,
                 "columns: the first column must be the primary timestamp `%s`",
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

/* Returns the policy action for p, or `none` when the mapper has no
 * policy. */
#define POLICY_ACT(m, key, none) ((m)->policy ? (m)->policy->key.action : (none))

/* Returns non-zero when action a is one of the truncating repairs. */
static int mapper_truncates(k2td_policy_action_t a) {
    return a == K2TD_ACT_TRUNCATE || a == K2TD_ACT_TRUNCATE_AND_ARCHIVE;
}

/* Converts v into col's literal on out, repairing what the policy allows
 * (a NULL primary timestamp, a value too long). Returns 0, or -1 with
 * o->fault and errstr set. */
static int mapper_value(k2td_mapper_t *m, const k2td_value_t *v, const k2td_column_t *col,
                        int primary, const char *missing, k2td_buf_t *out, k2td_map_outcome_t *o,
                        char *errstr, size_t errstr_size) {
    k2td_value_t fixed;
    char tmp[32];
    if (primary && v->type == K2TD_VAL_NULL) {
        if (POLICY_ACT(m, primary_timestamp_null, K2TD_ACT_SKIP) != K2TD_ACT_USE_CURRENT_TIME) {
            o->fault = K2TD_FAULT_TS_NULL;
            return k2td_errstr_set(errstr, errstr_size, "primary timestamp `%s` is %s", col->name,
                                   missing);
        }
        memset(&fixed, 0, sizeof(fixed));
        fixed.type = K2TD_VAL_INT;
        fixed.n.i = m->opts.now;
        fixed.ts_unit = m->opts.precision == K2TD_PREC_NS   ? K2TD_TS_NS
                        : m->opts.precision == K2TD_PREC_US ? K2TD_TS_US
                                                            : K2TD_TS_MS;
        v = &fixed;
        o->repairs++;
    }
    int rc = k2td_convert_append(v, col, &m->opts, out, errstr, errstr_size);
    if (rc == K2TD_CONVERT_TOO_LONG &&
        mapper_truncates(POLICY_ACT(m, field_length_overflow, K2TD_ACT_SKIP))) {
        k2td_convert_fit_length(v, col, tmp, &fixed);
        rc = k2td_convert_append(&fixed, col, &m->opts, out, errstr, errstr_size);
        o->repairs++;
        o->archive_too |= m->policy->field_length_overflow.action == K2TD_ACT_TRUNCATE_AND_ARCHIVE;
    }
    if (rc == 0) return 0;
    o->fault = rc == K2TD_CONVERT_TOO_LONG   ? K2TD_FAULT_VALUE_LONG
               : rc == K2TD_CONVERT_TS_RANGE ? K2TD_FAULT_TS_RANGE
                                             : K2TD_FAULT_DATA;
    if (o->fault == K2TD_FAULT_VALUE_LONG) {
        o->col = (size_t)(col - m->schema->cols);
        k2td_value_t whole;
        k2td_convert_fit_length(v, &(k2td_column_t){.type = col->type}, tmp, &whole);
        o->need = whole.len; /* bytes: enough for NCHAR too */
    }
    return -1;
}

/* Renders the targets' values as "v1,v2,..." into out. Returns 0 or -1. */
static int mapper_render(k2td_mapper_t *m, mapper_target_t *targets, size_t n,
                         const k2td_rowset_t *rs, size_t row, k2td_buf_t *out,
                         k2td_map_outcome_t *o, char *errstr, size_t errstr_size) {
    static const k2td_value_t null_value = {.type = K2TD_VAL_NULL};
    k2td_buf_reset(out);
    for (size_t i = 0; i < n; i++) {
        const k2td_column_t *col = &m->schema->cols[targets[i].col];
        const k2td_field_t *f =
            k2td_rowset_find_ci(rs, row, col->name, strlen(col->name), &targets[i].hint);
        if (i) k2td_buf_putc(out, ',');
        int primary = !col->is_tag && targets[i].col == 0;
        if (mapper_value(m, f ? &f->v : &null_value, col, primary, f ? "null" : "missing", out,
                         o, errstr, errstr_size) != 0)
            return -1;
    }
    return 0;
}

/* Returns non-zero when the subtable name template reads field f. */
static int mapper_names_table(const k2td_mapper_t *m, const k2td_field_t *f) {
    for (size_t i = 0; i < k2td_template_nvars(m->name); i++)
        if (strcmp(k2td_template_var(m->name, i), f->name) == 0) return 1;
    return 0;
}

/* Finds a field of the row that has no column or tag (only when fields map
 * by name and the policy does not ignore them); a NULL field and a field
 * the subtable name uses need none. Returns 0, or -1 with the fault set. */
static int mapper_unknown_fields(k2td_mapper_t *m, const k2td_rowset_t *rs, size_t row,
                                 k2td_map_outcome_t *o, char *errstr, size_t errstr_size) {
    if (!m->auto_cols || POLICY_ACT(m, field_name_not_found, K2TD_ACT_IGNORE) == K2TD_ACT_IGNORE)
        return 0;
    const k2td_field_t *f;
    size_t n = k2td_rowset_row(rs, row, &f);
    for (size_t i = 0; i < n; i++) {
        if (f[i].v.type == K2TD_VAL_NULL || k2td_schema_find(m->schema, f[i].name, 0) >= 0 ||
            k2td_schema_find(m->schema, f[i].name, 1) >= 0 || mapper_names_table(m, &f[i]))
            continue;
        o->fault = K2TD_FAULT_FIELD_UNKNOWN;
        o->field = &f[i];
        return k2td_errstr_set(errstr, errstr_size, "field `%s` has no column in `%s`.`%s`",
                               f[i].name, m->schema->db, m->schema->stable);
    }
    return 0;
}

/* Replaces every '.' of the name with text. */
static void mapper_replace_dots(k2td_buf_t *name, const char *text) {
    k2td_buf_t fixed = K2TD_BUF_INIT;
    for (size_t i = 0; i < name->len; i++) {
        if (name->data[i] == '.')
            k2td_buf_puts(&fixed, text);
        else
            k2td_buf_putc(&fixed, name->data[i]);
    }
    k2td_buf_reset(name);
    k2td_buf_append(name, fixed.data ? fixed.data : "", fixed.len);
    k2td_buf_free(&fixed);
}

/* Cuts the name to K2TD_TABLE_NAME_MAX bytes, at a character boundary. */
static void mapper_cut_name(k2td_buf_t *name) {
    size_t n = K2TD_TABLE_NAME_MAX;
    while (n > 0 && ((unsigned char)name->data[n] & 0xc0) == 0x80) n--;
    k2td_buf_truncate(name, n);
}

/* Builds the row's subtable name into m->table, repairing what the policy
 * allows. Returns 0, or -1 with the fault set. */
static int mapper_table(k2td_mapper_t *m, const k2td_rowset_t *rs, size_t row,
                        k2td_map_outcome_t *o, char *errstr, size_t errstr_size) {
    const k2td_policy_t *var = m->policy ? &m->policy->variable_not_exist_in_table_name_template
                                         : NULL;
    /* only a non-empty replacement names the row: an empty placeholder never
     * makes a name (write_policy.h) */
    const char *missing =
        var && var->action == K2TD_ACT_REPLACE && var->replace_to[0] ? var->replace_to : NULL;
    char err[256];
    size_t nmissing = 0;
    k2td_buf_reset(&m->table);
    if (k2td_template_expand_or(m->name, rs, row, missing, &nmissing, &m->table, err,
                                sizeof(err)) != 0) {
        o->fault = K2TD_FAULT_NAME_VAR;
        return k2td_errstr_set(errstr, errstr_size, "subtable name: %s", err);
    }
    o->repairs += nmissing ? 1 : 0;
    if (m->table.len && memchr(m->table.data, '.', m->table.len) &&
        POLICY_ACT(m, table_name_contains_illegal_char, K2TD_ACT_SKIP) == K2TD_ACT_REPLACE) {
        mapper_replace_dots(&m->table, m->policy->table_name_contains_illegal_char.replace_to);
        o->repairs++;
    }
    k2td_policy_action_t cut = POLICY_ACT(m, table_name_length_overflow, K2TD_ACT_SKIP);
    if (m->table.len > K2TD_TABLE_NAME_MAX && mapper_truncates(cut)) {
        mapper_cut_name(&m->table);
        o->repairs++;
        o->archive_too |= cut == K2TD_ACT_TRUNCATE_AND_ARCHIVE;
    }
    if (k2td_table_name_check(m->table.data, m->table.len, err, sizeof(err)) == 0) return 0;
    o->fault = m->table.len > K2TD_TABLE_NAME_MAX                 ? K2TD_FAULT_NAME_LONG
               : m->table.len && memchr(m->table.data, '.', m->table.len) ? K2TD_FAULT_NAME_CHAR
                                                                  : K2TD_FAULT_DATA;
    return k2td_errstr_set(errstr, errstr_size, "subtable name: %s", err);
}

int k2td_mapper_map_row(k2td_mapper_t *m, const k2td_rowset_t *rs, size_t row, size_t origin,
                        k2td_insert_batch_t *batch, k2td_map_outcome_t *out, char *errstr,
                        size_t errstr_size) {
    memset(out, 0, sizeof(*out));
    if (mapper_table(m, rs, row, out, errstr, errstr_size) != 0 ||
        mapper_unknown_fields(m, rs, row, out, errstr, errstr_size) != 0 ||
        mapper_render(m, m->tags, m->ntags, rs, row, &m->tag_sql, out, errstr, errstr_size) != 0 ||
        mapper_render(m, m->cols, m->ncols, rs, row, &m->values, out, errstr, errstr_size) != 0)
        return -1;
    if (k2td_insert_batch_add(batch, m->table.data, m->table.len, m->tag_sql.data,
                              m->tag_sql.len, m->values.data, m->values.len, origin, errstr,
                              errstr_size) != 0) {
        out->fault = K2TD_FAULT_DATA;
        return -1;
    }
    return 0;
}
