/*
 * test_schema_file.c - supertable schemas given as JSON (`preview --schema`):
 * both forms, the defaults, lookups by name, and every refusal naming the
 * file and the entry.
 */
#include <stdlib.h>

#include "task/schema_file.h"
#include "test.h"

#define TS "{\"name\": \"ts\", \"type\": \"TIMESTAMP\"}"
#define TAG "{\"name\": \"id\", \"type\": \"INT\", \"note\": \"TAG\"}"

/* Parses text as "s.json"; returns the result and fills err. */
static int parse(const char *text, k2td_schema_file_t *f, char *err, size_t err_size) {
    err[0] = '\0';
    return k2td_schema_file_parse(text, strlen(text), "s.json", f, err, err_size);
}

static void test_array_stands_for_every_supertable(void) {
    k2td_schema_file_t f;
    char err[512];
    CHECK_INT(parse("[" TS ", {\"name\": \"v\", \"type\": \"VARCHAR\", \"length\": 16},"
                    " {\"name\": \"n\", \"type\": \"nchar(8)\"},"
                    " {\"name\": \"d\", \"type\": \"DECIMAL(18, 4)\", \"note\": \"\"},"
                    " {\"name\": \"u\", \"type\": \"TINYINT UNSIGNED\", \"length\": 1},"
                    " {\"name\": \"loc\", \"type\": \"BINARY(24)\", \"note\": \"tag\"}, " TAG "]",
                    &f, err, sizeof(err)),
              0);
    CHECK_STR(err, "");
    CHECK_INT(f.precision, K2TD_PREC_MS);
    CHECK_INT(f.keep_days, K2TD_SCHEMA_FILE_KEEP_DAYS);
    k2td_stable_schema_t s;
    CHECK_INT(k2td_schema_file_get(&f, "kdb", "anything", &s, err, sizeof(err)), 0);
    CHECK_STR(s.db, "kdb");
    CHECK_STR(s.stable, "anything");
    CHECK_INT(s.ncols, 7);
    CHECK_INT(s.cols[0].type, K2TD_COL_TIMESTAMP);
    CHECK_INT(s.cols[1].type, K2TD_COL_VARCHAR);
    CHECK_INT(s.cols[1].length, 16);
    CHECK_INT(s.cols[2].type, K2TD_COL_NCHAR);
    CHECK_INT(s.cols[2].length, 8);
    CHECK_INT(s.cols[3].dec_precision, 18);
    CHECK_INT(s.cols[3].dec_scale, 4);
    CHECK_INT(s.cols[4].type, K2TD_COL_UTINYINT);
    CHECK_INT(s.cols[5].is_tag, 1);
    CHECK_INT(s.cols[5].length, 24);
    CHECK_STR(s.cols[6].name, "id");
    CHECK_INT(s.cols[6].is_tag, 1);
    CHECK_INT(s.cols[4].is_tag, 0);
    k2td_stable_schema_clear(&s);
    k2td_schema_file_free(&f);
}

static void test_object_names_each_supertable(void) {
    k2td_schema_file_t f;
    char err[512];
    CHECK_INT(parse("{\"precision\": \"us\", \"keep\": 30, \"stables\": {"
                    "\"a\": [" TS ", {\"name\": \"x\", \"type\": \"INT\"}, " TAG "],"
                    "\"b\": [" TS ", {\"name\": \"y\", \"type\": \"DOUBLE\"}, " TAG "]}}",
                    &f, err, sizeof(err)),
              0);
    CHECK_INT(f.precision, K2TD_PREC_US);
    CHECK_INT(f.keep_days, 30);
    k2td_stable_schema_t s;
    CHECK_INT(k2td_schema_file_get(&f, "kdb", "b", &s, err, sizeof(err)), 0);
    CHECK_STR(s.cols[1].name, "y");
    CHECK_INT(s.precision, K2TD_PREC_US);
    CHECK_INT(s.keep_days, 30);
    k2td_stable_schema_clear(&s);
    /* the database alone */
    CHECK_INT(k2td_schema_file_get(&f, "kdb", NULL, &s, err, sizeof(err)), 0);
    CHECK_INT(s.ncols, 0);
    CHECK_INT(s.precision, K2TD_PREC_US);
    k2td_stable_schema_clear(&s);
    /* names match exactly */
    CHECK_INT(k2td_schema_file_get(&f, "kdb", "A", &s, err, sizeof(err)), -1);
    CHECK_STR(err, "s.json: describes no supertable `A` (only `a`, `b`)");
    k2td_stable_schema_clear(&s);
    k2td_schema_file_free(&f);
}

static void test_refusals_name_the_file_and_the_entry(void) {
    static const struct {
        const char *text, *err;
    } cases[] = {
        {"{nope", "s.json: invalid JSON near line 1, column 3"},
        {"42", "s.json: schema: must be an array of columns and tags, or an object with "
               "\"stables\", not a number"},
        {"[]", "s.json: schema: must be an array of 1 to 4096 columns and tags"},
        {"[" TS ", {\"type\": \"INT\"}, " TAG "]",
         "s.json: schema[1].name: must be a non-empty string, not missing"},
        {"[" TS ", {\"name\": \"\", \"type\": \"INT\"}, " TAG "]",
         "s.json: schema[1].name: must be a non-empty string, not an empty one"},
        {"[" TS ", {\"name\": \"v\"}, " TAG "]", "s.json: schema[1].type: must be a string, not missing"},
        {"[" TS ", {\"name\": \"v\", \"type\": \"INTEGER\"}, " TAG "]",
         "s.json: schema[1].type: unknown type `INTEGER` (expected a TDengine type: TIMESTAMP, "
         "BOOL, TINYINT, SMALLINT, INT, BIGINT, their UNSIGNED forms, FLOAT, DOUBLE, VARCHAR, "
         "BINARY, NCHAR, VARBINARY, GEOMETRY, JSON or DECIMAL(p, s))"},
        {"[" TS ", {\"name\": \"v\", \"type\": \"VARCHAR\"}, " TAG "]",
         "s.json: schema[1]: type VARCHAR needs a length (\"length\": 24, or \"VARCHAR(24)\")"},
        {"[" TS ", {\"name\": \"v\", \"type\": \"INT(4)\"}, " TAG "]",
         "s.json: schema[1].type: `INT(4)` is not a type name with a length in parentheses "
         "(VARCHAR(24))"},
        {"[" TS ", {\"name\": \"v\", \"type\": \"VARCHAR(0)\"}, " TAG "]",
         "s.json: schema[1].type: `VARCHAR(0)` is not a type name with a length in parentheses "
         "(VARCHAR(24))"},
        {"[" TS ", {\"name\": \"v\", \"type\": \"VARCHAR(8)\", \"length\": 9}, " TAG "]",
         "s.json: schema[1].length: 9, but the type says 8"},
        {"[" TS ", {\"name\": \"v\", \"type\": \"VARCHAR\", \"length\": 1.5}, " TAG "]",
         "s.json: schema[1].length: must be a whole number from 1 to 1000000"},
        {"[" TS ", {\"name\": \"v\", \"type\": \"INT\", \"note\": \"TAGS\"}, " TAG "]",
         "s.json: schema[1].note: must be \"TAG\" for a tag or \"\" for a column"},
        {"[" TS ", {\"name\": \"v\", \"type\": \"INT\", \"colour\": 1}, " TAG "]",
         "s.json: schema[1].colour: unknown key"},
        {"[" TS ", {\"name\": \"v\", \"type\": \"INT\"}]",
         "s.json: schema: has no tags: it is not a supertable"},
        {"[" TAG ", " TS "]", "s.json: schema: lists column `ts` after the tags"},
        {"[{\"name\": \"v\", \"type\": \"INT\"}, " TAG "]",
         "s.json: schema: does not start with a TIMESTAMP column"},
        {"[" TS ", " TS ", " TAG "]", "s.json: schema: names `ts` twice"},
        {"[" TS ", 7, " TAG "]", "s.json: schema[1]: must be an object, not a number"},
        {"{\"precision\": \"xs\", \"stables\": {}}",
         "s.json: schema.precision: must be \"ms\", \"us\" or \"ns\""},
        {"{\"keep\": 0, \"stables\": {}}",
         "s.json: schema.keep: must be a whole number of days from 1 to 365000"},
        {"{\"stables\": {}}",
         "s.json: schema.stables: must be an object naming each supertable, not an empty one"},
        {"{\"stable\": {}}", "s.json: schema.stable: unknown key (did you mean `stables`?)"},
        {"{\"stables\": {\"a\": [" TS ", " TAG "], \"a\": [" TS ", " TAG "]}}",
         "s.json: schema.stables.a: supertable given twice"},
        {"{\"stables\": {\"a\": {}}}",
         "s.json: schema.stables.a: must be an array of 1 to 4096 columns and tags"},
        {"{\"stables\": {\"a\": [" TS ", {\"name\": \"v\", \"type\": \"BLOB\"}, " TAG "]}}",
         "s.json: schema.stables.a[1].type: unknown type `BLOB` (expected a TDengine type: "
         "TIMESTAMP, BOOL, TINYINT, SMALLINT, INT, BIGINT, their UNSIGNED forms, FLOAT, DOUBLE, "
         "VARCHAR, BINARY, NCHAR, VARBINARY, GEOMETRY, JSON or DECIMAL(p, s))"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        k2td_schema_file_t f;
        char err[512];
        CHECK_INT(parse(cases[i].text, &f, err, sizeof(err)), -1);
        CHECK_STR(err, cases[i].err);
        k2td_schema_file_free(&f);
    }
}

static void test_load_names_the_file(void) {
    k2td_schema_file_t f;
    char err[512];
    CHECK_INT(k2td_schema_file_load("/nonexistent/s.json", &f, err, sizeof(err)), -1);
    CHECK_STR(err, "/nonexistent/s.json: cannot read: No such file or directory");
    k2td_schema_file_free(&f);
}

int main(void) {
    RUN(test_array_stands_for_every_supertable);
    RUN(test_object_names_each_supertable);
    RUN(test_refusals_name_the_file_and_the_entry);
    RUN(test_load_names_the_file);
    return test_finish();
}
