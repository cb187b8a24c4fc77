/*
 * insert_batch.h - rows grouped by subtable and cut into INSERT statements.
 *
 * The mapper adds rows whose values are already SQL literal text; this module
 * groups them by subtable and renders multi-table statements
 *
 *   INSERT INTO `db`.`t1` USING `db`.`stb` (`tag`,...) TAGS (...) (`c`,...)
 *   VALUES (...)(...) `db`.`t2` USING ... VALUES (...)
 *
 * each at most max_sql_bytes long. A statement covers a contiguous range of
 * the batch's rows in table order, so a rejected statement can be split in
 * halves to isolate the rows TDengine refuses.
 */
#ifndef K2TD_INSERT_BATCH_H
#define K2TD_INSERT_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "../common/buf.h"
#include "../model/schema.h"

typedef struct k2td_insert_batch k2td_insert_batch_t;

/* Returns a batch writing into schema's supertable, writing the given
 * columns and tags (indexes into schema->cols, column list starting with the
 * timestamp). The schema must outlive the batch. */
k2td_insert_batch_t *k2td_insert_batch_new(const k2td_stable_schema_t *schema,
                                           const size_t *col_idx, size_t ncols,
                                           const size_t *tag_idx, size_t ntags,
                                           size_t max_sql_bytes);

/* Releases the batch. */
void k2td_insert_batch_free(k2td_insert_batch_t *b);

/* Forgets every row (keeps memory and the table cache). */
void k2td_insert_batch_reset(k2td_insert_batch_t *b);

/*
 * Adds one row. table/table_len is the subtable name, tags the rendered tag
 * list "v1,v2" (used only the first time a table is seen in a batch), values
 * the rendered "v1,v2,..." without parentheses. origin is an opaque index
 * (the message) reported back for failed rows. Returns 0, or -1 when a single
 * row cannot fit in a statement of max_sql_bytes (errstr says so).
 */
int k2td_insert_batch_add(k2td_insert_batch_t *b, const char *table, size_t table_len,
                          const char *tags, size_t tags_len, const char *values,
                          size_t values_len, size_t origin, char *errstr, size_t errstr_size);

/* Returns the number of columns each row writes, the timestamp included. */
size_t k2td_insert_batch_columns(const k2td_insert_batch_t *b);

/* Returns the number of rows added since the last reset. */
size_t k2td_insert_batch_rows(const k2td_insert_batch_t *b);

/* Orders the rows by table (stable within a table) so that statements can be
 * rendered; call once after the last add and before render/origin. */
void k2td_insert_batch_seal(k2td_insert_batch_t *b);

/*
 * Renders into sql the statement that starts at sealed row `first` and takes
 * as many rows as fit (at most `limit`). Returns the number of rows taken
 * (>= 1 when first < rows).
 */
size_t k2td_insert_batch_render(k2td_insert_batch_t *b, size_t first, size_t limit,
                                k2td_buf_t *sql);

/* Returns the origin of sealed row i. */
size_t k2td_insert_batch_origin(const k2td_insert_batch_t *b, size_t i);

/* Returns the subtable name of sealed row i (NUL-terminated, owned by b). */
const char *k2td_insert_batch_table(const k2td_insert_batch_t *b, size_t i);

#endif
