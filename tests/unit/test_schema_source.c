/*
 * test_schema_source.c - supertable schemas taken from the mapping (the
 * model's columns and tags, typed by the JSON field list) and from a schema
 * file, as the targets of a task load them.
 */
#include <stdlib.h>

#include "engine/schema_source.h"
#include "test.h"

/* Reads parser JSON text into *p; returns 0 or -1. */
static int parser(const char *text, k2td_parser_conf_t *p) {
    char err[512];
    if (k2td_parser_conf_from_text(text, p, err, sizeof(err)) == 0) return 0;
    fprintf(stderr, "parser: %s\n", err);
    return -1;
}

/* Loads the schema of model 0 of route 0 of the parser text (supertable
 * `stb`) from the mapping. Returns the k2td_schema_rc_t; err gets the message. */
static int from_mapping(const char *text, k2td_stable_schema_t *s, char *err, size_t err_size) {
    k2td_parser_conf_t p;
    memset(s, 0, sizeof(*s));
    if (parser(text, &p) != 0) return -1;
    k2td_schema_source_t src = {.from = K2TD_SCHEMA_FROM_MAPPING, .parser = &p};
    err[0] = '\0';
    int rc = k2td_schema_source_load(&src, "kdb", &p.routes[0].models[0], "stb", s, err, err_size);
    k2td_parser_conf_free(&p);
    return rc;
}

static void test_model_names_with_field_list_types(void) {
    k2td_stable_schema_t s;
    char err[512], type[K2TD_COLTYPE_TEXT_MAX];
    CHECK_INT(from_mapping("{\"parse\": {\"value\": {\"json\": [\"ts::bigint\", \"v::float\", "
                           "\"name::nchar(8)\", \"$.a.b=gid::int unsigned\", \"loc\"]}},"
                           " \"model\": {\"name\": \"t_{gid}\", \"using\": \"stb\","
                           " \"columns\": [\"ts\", \"V\", \"name\", \"note\"],"
                           " \"tags\": [\"gid\", \"loc\"]}}",
                           &s, err, sizeof(err)),
              K2TD_SCHEMA_OK);
    CHECK_STR(err, "");
    CHECK_STR(s.db, "kdb");
    CHECK_STR(s.stable, "stb");
    CHECK_INT(s.precision, K2TD_PREC_MS);
    CHECK_INT(s.keep_days, 3650);
    static const char *const want[][2] = {
        {"ts", "TIMESTAMP"},  {"V", "FLOAT"},          {"name", "NCHAR(8)"},
        {"note", "VARCHAR(4096)"}, {"gid", "INT UNSIGNED"}, {"loc", "VARCHAR(4096)"}};
    CHECK_INT(s.ncols, 6);
    for (size_t i = 0; i < s.ncols && i < 6; i++) {
        CHECK_STR(s.cols[i].name, want[i][0]);
        CHECK_STR(k2td_column_type_text(&s.cols[i], type), want[i][1]);
        CHECK_INT(s.cols[i].is_tag, i >= 4);
    }
    k2td_stable_schema_clear(&s);
}

static void test_columns_from_the_field_list(void) {
    k2td_stable_schema_t s;
    char err[512];
    CHECK_INT(from_mapping("{\"parse\": {\"value\": {\"json\": [\"id::int\", \"ts\", "
                           "\"v::double\", \"s::varchar\"]}},"
                           " \"model\": {\"name\": \"t_{id}\", \"using\": \"stb\","
                           " \"tags\": [\"id\"]}}",
                           &s, err, sizeof(err)),
              K2TD_SCHEMA_OK);
    CHECK_INT(s.ncols, 4);
    if (s.ncols == 4) {
        CHECK_STR(s.cols[0].name, "ts");
        CHECK_INT(s.cols[0].type, K2TD_COL_TIMESTAMP);
        CHECK_INT(s.cols[1].type, K2TD_COL_DOUBLE);
        CHECK_INT(s.cols[2].type, K2TD_COL_VARCHAR);
        CHECK_INT(s.cols[2].length, K2TD_SCHEMA_MAPPING_TEXT_LEN);
        CHECK_STR(s.cols[3].name, "id");
        CHECK_INT(s.cols[3].type, K2TD_COL_INT);
        CHECK_INT(s.cols[3].is_tag, 1);
    }
    k2td_stable_schema_clear(&s);
}

static void test_mapping_that_names_too_little(void) {
    k2td_stable_schema_t s;
    char err[512];
    CHECK_INT(from_mapping("{\"parse\": {\"value\": {\"json\": \"\"}},"
                           " \"model\": {\"name\": \"t\", \"using\": \"stb\", \"tags\": [\"a\"]}}",
                           &s, err, sizeof(err)),
              K2TD_SCHEMA_INVALID);
    CHECK_STR(err, "the mapping of supertable `stb` names no columns: list them in the model's "
                   "`columns` (or in the JSON parser's field list)");
    k2td_stable_schema_clear(&s);
    CHECK_INT(from_mapping("{\"parse\": {\"value\": {\"json\": \"\"}},"
                           " \"model\": {\"name\": \"t\", \"using\": \"stb\","
                           " \"columns\": [\"ts\", \"v\"]}}",
                           &s, err, sizeof(err)),
              K2TD_SCHEMA_INVALID);
    CHECK_STR(err, "the mapping of supertable `stb` names no tags: list them in the model's "
                   "`tags`");
    k2td_stable_schema_clear(&s);
}

static void test_file_source(void) {
    static const char text[] = "{\"precision\": \"ns\", \"stables\": {\"stb\": ["
                               "{\"name\": \"ts\", \"type\": \"TIMESTAMP\"},"
                               " {\"name\": \"v\", \"type\": \"INT\"},"
                               " {\"name\": \"g\", \"type\": \"INT\", \"note\": \"TAG\"}]}}";
    k2td_schema_file_t f;
    char err[512];
    CHECK_INT(k2td_schema_file_parse(text, strlen(text), "s.json", &f, err, sizeof(err)), 0);
    k2td_schema_source_t src = {.from = K2TD_SCHEMA_FROM_FILE, .file = &f};
    k2td_stable_schema_t s;
    CHECK_INT(k2td_schema_source_load(&src, "kdb", NULL, NULL, &s, err, sizeof(err)),
              K2TD_SCHEMA_OK);
    CHECK_INT(s.precision, K2TD_PREC_NS);
    k2td_stable_schema_clear(&s);
    CHECK_INT(k2td_schema_source_load(&src, "kdb", NULL, "stb", &s, err, sizeof(err)),
              K2TD_SCHEMA_OK);
    CHECK_INT(s.ncols, 3);
    k2td_stable_schema_clear(&s);
    CHECK_INT(k2td_schema_source_load(&src, "kdb", NULL, "other", &s, err, sizeof(err)),
              K2TD_SCHEMA_NO_STABLE);
    CHECK_STR(err, "s.json: describes no supertable `other` (only `stb`)");
    k2td_stable_schema_clear(&s);
    k2td_schema_file_free(&f);
    CHECK_STR(k2td_schema_from_name(K2TD_SCHEMA_FROM_TDENGINE), "tdengine");
    CHECK_STR(k2td_schema_from_name(K2TD_SCHEMA_FROM_FILE), "file");
    CHECK_STR(k2td_schema_from_name(K2TD_SCHEMA_FROM_MAPPING), "mapping");
}

int main(void) {
    RUN(test_model_names_with_field_list_types);
    RUN(test_columns_from_the_field_list);
    RUN(test_mapping_that_names_too_little);
    RUN(test_file_source);
    return test_finish();
}
