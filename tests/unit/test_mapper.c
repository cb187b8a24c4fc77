/* Unit tests of src/model/mapper.c: fields to columns and tags by name,
 * validation before batching, configuration errors. */
#include "model/mapper.h"
#include "parse/json_flat.h"
#include "schema_fixture.h"
#include "test.h"

typedef struct {
    k2td_stable_schema_t schema;
    k2td_mapper_t *mapper;
    k2td_insert_batch_t *batch;
    k2td_rowset_t rows;
    k2td_buf_t sql;
} fixture_t;

static int setup(fixture_t *f, const k2td_mapper_spec_t *spec, char *err, size_t errsz) {
    memset(f, 0, sizeof(*f));
    fixture_meters(&f->schema, "db");
    k2td_convert_opts_t co;
    k2td_convert_opts_init(&co, K2TD_PREC_MS, 3650, 1764000000000LL);
    f->mapper = k2td_mapper_new(&f->schema, spec, &co, err, errsz);
    if (!f->mapper) return -1;
    f->batch = k2td_mapper_batch_new(f->mapper, 1 << 20);
    k2td_rowset_init(&f->rows);
    return 0;
}

static void teardown(fixture_t *f) {
    k2td_buf_free(&f->sql);
    k2td_rowset_free(&f->rows);
    k2td_insert_batch_free(f->batch);
    k2td_mapper_free(f->mapper);
    k2td_stable_schema_clear(&f->schema);
}

/* Parses json and maps its first row; returns the mapper's result. */
static int map_json(fixture_t *f, const char *json, char *err, size_t errsz) {
    k2td_rowset_reset(&f->rows);
    CHECK(k2td_json_flat_parse(json, strlen(json), 0, &f->rows, err, errsz) >= 1);
    return k2td_mapper_map_row(f->mapper, &f->rows, 0, 0, f->batch, err, errsz);
}

static const char *render(fixture_t *f) {
    k2td_insert_batch_seal(f->batch);
    k2td_insert_batch_render(f->batch, 0, 100, &f->sql);
    return f->sql.data;
}

static void test_all_columns_by_name_case_insensitive(void) {
    fixture_t f;
    char err[256];
    k2td_mapper_spec_t spec = {"d_{id}", NULL, 0, NULL, 0};
    CHECK_INT(setup(&f, &spec, err, sizeof(err)), 0);
    CHECK_INT(map_json(&f, "{\"id\":7,\"ts\":\"2025-11-24T16:00:00Z\",\"Voltage\":220,"
                           "\"current\":1.5,\"location\":\"SF\",\"extra\":1}",
                       err, sizeof(err)),
              0);
    CHECK_STR(render(&f),
              "INSERT INTO `db`.`d_7` USING `db`.`meters` (`groupid`,`location`) TAGS (NULL,'SF') "
              "(`ts`,`current`,`voltage`,`phase`) VALUES (1764000000000,1.5,220,NULL)");
    teardown(&f);
}

static void test_selected_columns_and_tags(void) {
    fixture_t f;
    char err[256];
    const char *cols[] = {"ts", "voltage"};
    const char *tags[] = {"location"};
    k2td_mapper_spec_t spec = {"${location}_x", cols, 2, tags, 1};
    CHECK_INT(setup(&f, &spec, err, sizeof(err)), 0);
    CHECK_INT(map_json(&f, "{\"ts\":1764000000,\"voltage\":1,\"location\":\"LA\"}", err,
                       sizeof(err)),
              0);
    CHECK_STR(render(&f), "INSERT INTO `db`.`LA_x` USING `db`.`meters` (`location`) TAGS ('LA') "
                          "(`ts`,`voltage`) VALUES (1764000000000,1)");
    teardown(&f);
}

static void test_bad_rows_are_refused_with_a_reason(void) {
    static const struct {
        const char *json, *reason;
    } cases[] = {
        {"{\"id\":1,\"voltage\":1}", "primary timestamp `ts` is missing"},
        {"{\"id\":1,\"ts\":null}", "primary timestamp `ts` is null"},
        {"{\"id\":1,\"ts\":1764000000000,\"voltage\":\"abc\"}", "voltage"},
        {"{\"id\":1,\"ts\":1764000000000,\"voltage\":3000000000}", "voltage"},
        {"{\"id\":1,\"ts\":1764000000000,\"location\":\"a location name far too long\"}", "location"},
        {"{\"ts\":1764000000000}", "subtable name"},
        {"{\"id\":\"a.b\",\"ts\":1764000000000}", "subtable name"},
        {"{\"id\":1,\"ts\":1000}", "ts"},
    };
    fixture_t f;
    char err[256];
    k2td_mapper_spec_t spec = {"d_{id}", NULL, 0, NULL, 0};
    CHECK_INT(setup(&f, &spec, err, sizeof(err)), 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        err[0] = '\0';
        int rc = map_json(&f, cases[i].json, err, sizeof(err));
        if (rc != -1 || !strstr(err, cases[i].reason)) {
            fprintf(stderr, "case %zu: rc %d, err \"%s\", want \"%s\"\n", i, rc, err,
                    cases[i].reason);
            CHECK(0);
        }
    }
    CHECK_INT(k2td_insert_batch_rows(f.batch), 0);
    teardown(&f);
}

static void test_configuration_errors(void) {
    static const char *const bad_col[] = {"ts", "nope"};
    static const char *const no_ts[] = {"voltage"};
    static const char *const twice[] = {"ts", "voltage", "voltage"};
    static const char *const bad_tag[] = {"voltage"};
    static const struct {
        k2td_mapper_spec_t spec;
        const char *reason;
    } cases[] = {
        {{"d_{id}", bad_col, 2, NULL, 0}, "model.columns: `nope` is not a column"},
        {{"d_{id}", no_ts, 1, NULL, 0}, "first column must be the primary timestamp"},
        {{"d_{id}", twice, 3, NULL, 0}, "listed twice"},
        {{"d_{id}", NULL, 0, bad_tag, 1}, "model.tags: `voltage` is not a tag"},
        {{"d_{id", NULL, 0, NULL, 0}, "model.name"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fixture_t f;
        char err[256] = "";
        int rc = setup(&f, &cases[i].spec, err, sizeof(err));
        if (rc != -1 || !strstr(err, cases[i].reason)) {
            fprintf(stderr, "case %zu: rc %d, err \"%s\", want \"%s\"\n", i, rc, err,
                    cases[i].reason);
            CHECK(0);
        }
        k2td_stable_schema_clear(&f.schema);
    }
}

int main(void) {
    RUN(test_all_columns_by_name_case_insensitive);
    RUN(test_selected_columns_and_tags);
    RUN(test_bad_rows_are_refused_with_a_reason);
    RUN(test_configuration_errors);
    return test_finish();
}
