#include "value.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/alloc.h"

void k2td_rowset_init(k2td_rowset_t *rs) {
    memset(rs, 0, sizeof(*rs));
    k2td_arena_init(&rs->arena, 0);
}

void k2td_rowset_reset(k2td_rowset_t *rs) {
    rs->nfields = 0;
    rs->nrows = 0;
    k2td_arena_reset(&rs->arena);
}

void k2td_rowset_free(k2td_rowset_t *rs) {
    free(rs->fields);
    free(rs->row_start);
    free(rs->row_msg);
    k2td_arena_free(&rs->arena);
    memset(rs, 0, sizeof(*rs));
}

void k2td_rowset_begin_row(k2td_rowset_t *rs, size_t msg_index) {
    if (rs->nrows == rs->rows_cap) {
        rs->rows_cap = rs->rows_cap ? rs->rows_cap * 2 : 256;
        rs->row_start = k2td_realloc(rs->row_start, rs->rows_cap * sizeof(size_t));
        rs->row_msg = k2td_realloc(rs->row_msg, rs->rows_cap * sizeof(size_t));
    }
    rs->row_start[rs->nrows] = rs->nfields;
    rs->row_msg[rs->nrows] = msg_index;
    rs->nrows++;
}

/* Makes room for n more fields. */
static void fields_reserve(k2td_rowset_t *rs, size_t n) {
    if (rs->nfields + n <= rs->fields_cap) return;
    while (rs->nfields + n > rs->fields_cap)
        rs->fields_cap = rs->fields_cap ? rs->fields_cap * 2 : 2048;
    rs->fields = k2td_realloc(rs->fields, rs->fields_cap * sizeof(k2td_field_t));
}

k2td_field_t *k2td_rowset_add_field(k2td_rowset_t *rs, const char *name, size_t name_len) {
    fields_reserve(rs, 1);
    k2td_field_t *f = &rs->fields[rs->nfields++];
    memset(f, 0, sizeof(*f));
    f->name = name;
    f->name_len = name_len;
    return f;
}

void k2td_rowset_copy_row(k2td_rowset_t *rs, const k2td_rowset_t *src, size_t r) {
    /* every mutate stage copies every row: one call with the memcpy, no
     * helpers per field */
    size_t start = src->row_start[r];
    size_t n = (r + 1 < src->nrows ? src->row_start[r + 1] : src->nfields) - start;
    k2td_rowset_begin_row(rs, src->row_msg[r]);
    if (n == 0) return;
    fields_reserve(rs, n);
    memcpy(rs->fields + rs->nfields, src->fields + start, n * sizeof(k2td_field_t));
    rs->nfields += n;
}

void k2td_rowset_truncate(k2td_rowset_t *rs, size_t nrows_keep) {
    if (nrows_keep >= rs->nrows) return;
    rs->nfields = rs->row_start[nrows_keep];
    rs->nrows = nrows_keep;
}

size_t k2td_rowset_row(const k2td_rowset_t *rs, size_t r, const k2td_field_t **first) {
    size_t start = rs->row_start[r];
    size_t end = r + 1 < rs->nrows ? rs->row_start[r + 1] : rs->nfields;
    *first = k2td_rowset_field_at(rs, start);
    return end - start;
}

/* Returns the first field of row r whose name equals name (ASCII case
 * ignored when ci) and sets *hint to its position, or returns NULL. */
static const k2td_field_t *rowset_scan(const k2td_rowset_t *rs, size_t r, const char *name,
                                       size_t name_len, size_t *hint, int ci) {
    const k2td_field_t *f;
    size_t n = k2td_rowset_row(rs, r, &f);
    for (size_t i = 0; i < n; i++) {
        if (f[i].name_len != name_len) continue;
        if (ci ? strncasecmp(f[i].name, name, name_len) == 0
               : memcmp(f[i].name, name, name_len) == 0) {
            *hint = i;
            return &f[i];
        }
    }
    return NULL;
}

const k2td_field_t *k2td_rowset_find(const k2td_rowset_t *rs, size_t r,
                                     const char *name, size_t name_len, size_t *hint) {
    /* the hinted position first, without the scan's loop: rows of one
     * stream are usually laid out alike */
    size_t start = rs->row_start[r], h = start + *hint;
    size_t end = r + 1 < rs->nrows ? rs->row_start[r + 1] : rs->nfields;
    if (h < end) { /* so fields is allocated */
        const k2td_field_t *f = rs->fields + h;
        if (f->name_len == name_len && memcmp(f->name, name, name_len) == 0) return f;
    }
    return rowset_scan(rs, r, name, name_len, hint, 0);
}

const k2td_field_t *k2td_rowset_find_ci(const k2td_rowset_t *rs, size_t r,
                                        const char *name, size_t name_len, size_t *hint) {
    /* the hinted position was chosen on an earlier row with exact matches
     * preferred, so a case-insensitive hit there is the answer */
    const k2td_field_t *f;
    size_t n = k2td_rowset_row(rs, r, &f), h = *hint;
    if (h < n && f[h].name_len == name_len &&
        (memcmp(f[h].name, name, name_len) == 0 || strncasecmp(f[h].name, name, name_len) == 0))
        return &f[h];
    const k2td_field_t *exact = rowset_scan(rs, r, name, name_len, hint, 0);
    return exact ? exact : rowset_scan(rs, r, name, name_len, hint, 1);
}
