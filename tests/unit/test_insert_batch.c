/* Unit tests of src/sink/insert_batch.c: grouping by subtable, statement
 * rendering and the size limit. */
#include "schema_fixture.h"
#include "sink/insert_batch.h"
#include "test.h"

static const size_t cols[] = {0, 2};
static const size_t tags[] = {4, 5};

static k2td_insert_batch_t *new_batch(k2td_stable_schema_t *s, size_t max_sql) {
    fixture_meters(s, "db");
    return k2td_insert_batch_new(s, cols, 2, tags, 2, max_sql);
}

static void add(k2td_insert_batch_t *b, const char *table, const char *tags_sql,
                const char *values, size_t origin) {
    char err[256];
    CHECK_INT(k2td_insert_batch_add(b, table, strlen(table), tags_sql, strlen(tags_sql), values,
                                    strlen(values), origin, err, sizeof(err)),
              0);
}

static void test_rows_group_by_table_in_arrival_order(void) {
    k2td_stable_schema_t s;
    k2td_insert_batch_t *b = new_batch(&s, 1 << 20);
    add(b, "d_1", "1,'a'", "1000,1", 0);
    add(b, "d_2", "2,'b'", "1000,2", 1);
    add(b, "d_1", "9,'z'", "1001,3", 2); /* tags of a known table are not repeated */
    k2td_insert_batch_seal(b);
    k2td_buf_t sql = K2TD_BUF_INIT;
    CHECK_INT(k2td_insert_batch_render(b, 0, 10, &sql), 3);
    CHECK_STR(sql.data,
              "INSERT INTO `db`.`d_1` USING `db`.`meters` (`groupid`,`location`) TAGS (1,'a') "
              "(`ts`,`voltage`) VALUES (1000,1)(1001,3) `db`.`d_2` USING `db`.`meters` "
              "(`groupid`,`location`) TAGS (2,'b') (`ts`,`voltage`) VALUES (1000,2)");
    CHECK_INT(k2td_insert_batch_origin(b, 0), 0);
    CHECK_INT(k2td_insert_batch_origin(b, 1), 2);
    CHECK_INT(k2td_insert_batch_origin(b, 2), 1);
    CHECK_STR(k2td_insert_batch_table(b, 2), "d_2");
    k2td_buf_free(&sql);
    k2td_insert_batch_free(b);
    k2td_stable_schema_clear(&s);
}

static void test_render_respects_limit_and_ranges(void) {
    k2td_stable_schema_t s;
    k2td_insert_batch_t *b = new_batch(&s, 1 << 20);
    for (size_t i = 0; i < 5; i++) add(b, "t", "1,'a'", "1,1", i);
    k2td_insert_batch_seal(b);
    k2td_buf_t sql = K2TD_BUF_INIT;
    CHECK_INT(k2td_insert_batch_render(b, 1, 2, &sql), 2);
    CHECK(strstr(sql.data, "VALUES (1,1)(1,1)") && !strstr(sql.data, "(1,1)(1,1)(1,1)"));
    CHECK_INT(k2td_insert_batch_render(b, 4, 10, &sql), 1);
    k2td_buf_free(&sql);
    k2td_insert_batch_free(b);
    k2td_stable_schema_clear(&s);
}

static void test_statements_are_cut_at_max_sql(void) {
    k2td_stable_schema_t s;
    size_t max_sql = 400;
    k2td_insert_batch_t *b = new_batch(&s, max_sql);
    char name[16];
    for (size_t i = 0; i < 40; i++) {
        snprintf(name, sizeof(name), "dev_%zu", i % 7);
        add(b, name, "1,'a'", "1764000000000,123456", i);
    }
    k2td_insert_batch_seal(b);
    k2td_buf_t sql = K2TD_BUF_INIT;
    size_t total = 0, statements = 0;
    while (total < 40) {
        size_t n = k2td_insert_batch_render(b, total, 40 - total, &sql);
        CHECK(n >= 1);
        CHECK(sql.len <= max_sql);
        total += n;
        statements++;
    }
    CHECK_INT(total, 40);
    CHECK(statements > 1);
    k2td_buf_free(&sql);
    k2td_insert_batch_free(b);
    k2td_stable_schema_clear(&s);
}

static void test_row_too_big_for_a_statement_is_refused(void) {
    k2td_stable_schema_t s;
    k2td_insert_batch_t *b = new_batch(&s, 100);
    char err[256] = "";
    const char *v = "1764000000000,1234567890123456789012345678901234567890";
    CHECK_INT(k2td_insert_batch_add(b, "t", 1, "1,'a'", 5, v, strlen(v), 0, err, sizeof(err)),
              -1);
    CHECK(strstr(err, "statement limit") != NULL);
    CHECK_INT(k2td_insert_batch_rows(b), 0);
    k2td_insert_batch_free(b);
    k2td_stable_schema_clear(&s);
}

static void test_reset_forgets_rows_and_tables(void) {
    k2td_stable_schema_t s;
    k2td_insert_batch_t *b = new_batch(&s, 1 << 20);
    char name[16];
    for (size_t i = 0; i < 3000; i++) { /* forces the table hash to grow */
        snprintf(name, sizeof(name), "t%zu", i);
        add(b, name, "1,'a'", "1,1", i);
    }
    CHECK_INT(k2td_insert_batch_rows(b), 3000);
    k2td_insert_batch_reset(b);
    CHECK_INT(k2td_insert_batch_rows(b), 0);
    add(b, "x`y", "2,'b'", "2,2", 0);
    k2td_insert_batch_seal(b);
    k2td_buf_t sql = K2TD_BUF_INIT;
    CHECK_INT(k2td_insert_batch_render(b, 0, 10, &sql), 1);
    CHECK(strstr(sql.data, "`db`.`x``y` USING") != NULL);
    CHECK(strstr(sql.data, "TAGS (2,'b')") != NULL);
    k2td_buf_free(&sql);
    k2td_insert_batch_free(b);
    k2td_stable_schema_clear(&s);
}

int main(void) {
    RUN(test_rows_group_by_table_in_arrival_order);
    RUN(test_render_respects_limit_and_ranges);
    RUN(test_statements_are_cut_at_max_sql);
    RUN(test_row_too_big_for_a_statement_is_refused);
    RUN(test_reset_forgets_rows_and_tables);
    return test_finish();
}
