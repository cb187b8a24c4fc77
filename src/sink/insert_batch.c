#include "insert_batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "sql_text.h"

typedef struct insert_table {
    size_t name_off, name_len; /* in names */
    size_t tags_off, tags_len; /* in names */
    size_t nrows;              /* rows of this table, then start offset after sealing */
} insert_table_t;

typedef struct insert_row {
    uint32_t table;
    size_t origin;
    size_t values_off, values_len; /* in values */
} insert_row_t;

struct k2td_insert_batch {
    k2td_buf_t head;  /* "INSERT INTO" */
    k2td_buf_t using; /* " USING `db`.`stb` (`t`,...) TAGS (" or empty when no tags */
    k2td_buf_t cols;  /* " (`ts`,...) VALUES " */
    k2td_buf_t db_prefix; /* " `db`." */
    size_t ncols;         /* columns a row writes, the timestamp included */
    size_t max_sql;

    insert_table_t *tables;
    size_t ntables, tables_cap;
    uint32_t *slots; /* open addressing: table index + 1, 0 = free */
    size_t nslots;
    k2td_buf_t names;

    insert_row_t *rows;
    size_t nrows, rows_cap;
    size_t *order; /* sealed order of row indexes */
    k2td_buf_t values;
};

static void batch_prefixes(k2td_insert_batch_t *b, const k2td_stable_schema_t *s,
                           const size_t *col_idx, size_t ncols, const size_t *tag_idx,
                           size_t ntags) {
    k2td_buf_puts(&b->head, "INSERT INTO");
    k2td_buf_putc(&b->db_prefix, ' ');
    k2td_sql_append_ident(&b->db_prefix, s->db, strlen(s->db));
    k2td_buf_putc(&b->db_prefix, '.');
    if (ntags) {
        k2td_buf_puts(&b->using, " USING ");
        k2td_sql_append_ident(&b->using, s->db, strlen(s->db));
        k2td_buf_putc(&b->using, '.');
        k2td_sql_append_ident(&b->using, s->stable, strlen(s->stable));
        k2td_buf_puts(&b->using, " (");
        for (size_t i = 0; i < ntags; i++) {
            if (i) k2td_buf_putc(&b->using, ',');
            const char *n = s->cols[tag_idx[i]].name;
            k2td_sql_append_ident(&b->using, n, strlen(n));
        }
        k2td_buf_puts(&b->using, ") TAGS (");
    }
    k2td_buf_puts(&b->cols, " (");
    for (size_t i = 0; i < ncols; i++) {
        if (i) k2td_buf_putc(&b->cols, ',');
        const char *n = s->cols[col_idx[i]].name;
        k2td_sql_append_ident(&b->cols, n, strlen(n));
    }
    k2td_buf_puts(&b->cols, ") VALUES ");
}

k2td_insert_batch_t *k2td_insert_batch_new(const k2td_stable_schema_t *schema,
                                           const size_t *col_idx, size_t ncols,
                                           const size_t *tag_idx, size_t ntags,
                                           size_t max_sql_bytes) {
    k2td_insert_batch_t *b = k2td_calloc(1, sizeof(*b));
    b->max_sql = max_sql_bytes;
    b->ncols = ncols;
    batch_prefixes(b, schema, col_idx, ncols, tag_idx, ntags);
    b->nslots = 1024;
    b->slots = k2td_calloc(b->nslots, sizeof(uint32_t));
    return b;
}

void k2td_insert_batch_free(k2td_insert_batch_t *b) {
    if (!b) return;
    k2td_buf_free(&b->head);
    k2td_buf_free(&b->using);
    k2td_buf_free(&b->cols);
    k2td_buf_free(&b->db_prefix);
    k2td_buf_free(&b->names);
    k2td_buf_free(&b->values);
    free(b->tables);
    free(b->slots);
    free(b->rows);
    free(b->order);
    free(b);
}

void k2td_insert_batch_reset(k2td_insert_batch_t *b) {
    b->ntables = 0;
    b->nrows = 0;
    memset(b->slots, 0, b->nslots * sizeof(uint32_t));
    k2td_buf_reset(&b->names);
    k2td_buf_reset(&b->values);
}

size_t k2td_insert_batch_columns(const k2td_insert_batch_t *b) {
    return b->ncols;
}

size_t k2td_insert_batch_rows(const k2td_insert_batch_t *b) {
    return b->nrows;
}

static uint64_t name_hash(const char *s, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static void batch_rehash(k2td_insert_batch_t *b) {
    b->nslots *= 2;
    free(b->slots);
    b->slots = k2td_calloc(b->nslots, sizeof(uint32_t));
    for (size_t t = 0; t < b->ntables; t++) {
        const insert_table_t *it = &b->tables[t];
        size_t i = name_hash(b->names.data + it->name_off, it->name_len) & (b->nslots - 1);
        while (b->slots[i]) i = (i + 1) & (b->nslots - 1);
        b->slots[i] = (uint32_t)t + 1;
    }
}

/* Returns the index of table name, adding it (with its tags) when new. */
static uint32_t batch_table(k2td_insert_batch_t *b, const char *name, size_t len,
                            const char *tags, size_t tags_len) {
    size_t mask = b->nslots - 1;
    size_t i = name_hash(name, len) & mask;
    while (b->slots[i]) {
        insert_table_t *t = &b->tables[b->slots[i] - 1];
        if (t->name_len == len && memcmp(b->names.data + t->name_off, name, len) == 0)
            return b->slots[i] - 1;
        i = (i + 1) & mask;
    }
    if (b->ntables == b->tables_cap) {
        b->tables_cap = b->tables_cap ? b->tables_cap * 2 : 256;
        b->tables = k2td_realloc(b->tables, b->tables_cap * sizeof(insert_table_t));
    }
    insert_table_t *t = &b->tables[b->ntables];
    t->name_off = b->names.len;
    t->name_len = len;
    k2td_buf_append(&b->names, name, len);
    k2td_buf_putc(&b->names, '\0');
    t->tags_off = b->names.len;
    t->tags_len = tags_len;
    k2td_buf_append(&b->names, tags, tags_len);
    t->nrows = 0;
    b->slots[i] = (uint32_t)++b->ntables;
    if (b->ntables * 2 > b->nslots) batch_rehash(b);
    return (uint32_t)(b->ntables - 1);
}

/* Returns the bytes a table clause adds before its first row. */
static size_t clause_bytes(const k2td_insert_batch_t *b, size_t name_len, size_t tags_len) {
    /* the ident may double backticks: count the worst case */
    size_t n = b->db_prefix.len + 2 * name_len + 2 + b->cols.len;
    if (b->using.len) n += b->using.len + tags_len + 1;
    return n;
}

int k2td_insert_batch_add(k2td_insert_batch_t *b, const char *table, size_t table_len,
                          const char *tags, size_t tags_len, const char *values,
                          size_t values_len, size_t origin, char *errstr, size_t errstr_size) {
    size_t need = b->head.len + clause_bytes(b, table_len, tags_len) + values_len + 2;
    if (need > b->max_sql) {
        snprintf(errstr, errstr_size,
                 "row needs %zu bytes of SQL, more than the statement limit of %zu bytes",
                 need, b->max_sql);
        return -1;
    }
    uint32_t t = batch_table(b, table, table_len, tags, tags_len);
    if (b->nrows == b->rows_cap) {
        b->rows_cap = b->rows_cap ? b->rows_cap * 2 : 1024;
        b->rows = k2td_realloc(b->rows, b->rows_cap * sizeof(insert_row_t));
        b->order = k2td_realloc(b->order, b->rows_cap * sizeof(size_t));
    }
    insert_row_t *r = &b->rows[b->nrows++];
    r->table = t;
    r->origin = origin;
    r->values_off = b->values.len;
    r->values_len = values_len;
    k2td_buf_append(&b->values, values, values_len);
    b->tables[t].nrows++;
    return 0;
}

void k2td_insert_batch_seal(k2td_insert_batch_t *b) {
    /* counting sort by table: nrows becomes each table's start offset */
    size_t start = 0;
    for (size_t t = 0; t < b->ntables; t++) {
        size_t n = b->tables[t].nrows;
        b->tables[t].nrows = start;
        start += n;
    }
    for (size_t i = 0; i < b->nrows; i++) b->order[b->tables[b->rows[i].table].nrows++] = i;
    for (size_t t = 0; t < b->ntables; t++) b->tables[t].nrows = 0;
}

size_t k2td_insert_batch_render(k2td_insert_batch_t *b, size_t first, size_t limit,
                                k2td_buf_t *sql) {
    k2td_buf_reset(sql);
    k2td_buf_append(sql, b->head.data, b->head.len);
    uint32_t cur = UINT32_MAX;
    size_t taken = 0;
    for (size_t i = first; i < b->nrows && taken < limit; i++) {
        const insert_row_t *r = &b->rows[b->order[i]];
        const insert_table_t *t = &b->tables[r->table];
        size_t need = r->values_len + 2;
        if (r->table != cur) need += clause_bytes(b, t->name_len, t->tags_len);
        if (taken && sql->len + need > b->max_sql) break;
        if (r->table != cur) {
            cur = r->table;
            k2td_buf_append(sql, b->db_prefix.data, b->db_prefix.len);
            k2td_sql_append_ident(sql, b->names.data + t->name_off, t->name_len);
            if (b->using.len) {
                k2td_buf_append(sql, b->using.data, b->using.len);
                k2td_buf_append(sql, b->names.data + t->tags_off, t->tags_len);
                k2td_buf_putc(sql, ')');
            }
            k2td_buf_append(sql, b->cols.data, b->cols.len);
        }
        k2td_buf_putc(sql, '(');
        k2td_buf_append(sql, b->values.data + r->values_off, r->values_len);
        k2td_buf_putc(sql, ')');
        taken++;
    }
    return taken;
}

size_t k2td_insert_batch_origin(const k2td_insert_batch_t *b, size_t i) {
    return b->rows[b->order[i]].origin;
}

const char *k2td_insert_batch_table(const k2td_insert_batch_t *b, size_t i) {
    return b->names.data + b->tables[b->rows[b->order[i]].table].name_off;
}
