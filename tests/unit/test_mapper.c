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
    k2td_map_outcome_t o;
    return k2td_mapper_map_row(f->mapper, &f->rows, 0, 0, f->batch, &o, err, errsz);
}

static const char *render(fixture_t *f) {
    k2td_insert_batch_seal(f->batch);
    k2td_insert_batch_render(f->batch, 0, 100, &f->sql);
    return f->sql.data;
}

static void test_all_columns_by_name_case_insensitive(void) {
    fixture_t f;
    char err[256];
    k2td_mapper_spec_t spec = {"d_{id}", NULL, 0, NULL, 0, NULL};
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
    k2td_mapper_spec_t spec = {"${location}_x", cols, 2, tags, 1, NULL};
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
    k2td_mapper_spec_t spec = {"d_{id}", NULL, 0, NULL, 0, NULL};
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
        {{"d_{id}", bad_col, 2, NULL, 0, NULL}, "columns: `nope` is not a column"},
        {{"d_{id}", no_ts, 1, NULL, 0, NULL}, "columns: the first column must be the primary "
                                              "timestamp"},
        {{"d_{id}", twice, 3, NULL, 0, NULL}, "columns: `voltage` is listed twice"},
        {{"d_{id}", NULL, 0, bad_tag, 1, NULL}, "tags: `voltage` is not a tag"},
        {{"d_{id", NULL, 0, NULL, 0, NULL}, "name: placeholder opened at offset 2"},
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

/* Each row fault, with and without the policy repair that applies to it:
 * the fault the mapper reports, or the repaired row it writes. */
static void test_policies(void) {
    static const struct {
        const char *global; /* parser.global */
        const char *json;   /* the row */
        k2td_row_fault_t fault;
        const char *values; /* VALUES (...) written when the fault is NONE */
        unsigned repairs;
        int archive_too;
    } cases[] = {
        {"{}", "{\"id\":1,\"voltage\":1}", K2TD_FAULT_TS_NULL, NULL, 0, 0},
        {"{\"primary_timestamp_null\":\"use_current_time\"}", "{\"id\":1,\"voltage\":1}",
         K2TD_FAULT_NONE, "(1764000000000,NULL,1,NULL)", 1, 0},
        {"{}", "{\"id\":1,\"ts\":5}", K2TD_FAULT_TS_RANGE, NULL, 0, 0},
        {"{}", "{\"id\":\"a.b\",\"ts\":1764000000000}", K2TD_FAULT_NONE,
         "(1764000000000,NULL,NULL,NULL)", 1, 0}, /* replace_to "_" by default */
        {"{\"table_name_contains_illegal_char\":\"skip\"}",
         "{\"id\":\"a.b\",\"ts\":1764000000000}", K2TD_FAULT_NAME_CHAR, NULL, 0, 0},
        {"{\"variable_not_exist_in_table_name_template\":\"skip\"}", "{\"ts\":1764000000000}",
         K2TD_FAULT_NAME_VAR, NULL, 0, 0},
        {"{\"variable_not_exist_in_table_name_template\":{\"replace_to\":\"x\"}}",
         "{\"ts\":1764000000000}", K2TD_FAULT_NONE, "(1764000000000,NULL,NULL,NULL)", 1, 0},
        /* no name from an empty placeholder: a missing, NULL or empty id is a
         * fault whatever the policy, unless a replacement names the row */
        {"{}", "{\"ts\":1764000000000}", K2TD_FAULT_NAME_VAR, NULL, 0, 0},
        {"{}", "{\"id\":null,\"ts\":1764000000000}", K2TD_FAULT_NAME_VAR, NULL, 0, 0},
        {"{}", "{\"id\":\"\",\"ts\":1764000000000}", K2TD_FAULT_NAME_VAR, NULL, 0, 0},
        {"{\"variable_not_exist_in_table_name_template\":\"leave_blank\"}",
         "{\"ts\":1764000000000}", K2TD_FAULT_NAME_VAR, NULL, 0, 0},
        {"{\"variable_not_exist_in_table_name_template\":{\"replace_to\":\"\"}}",
         "{\"id\":\"\",\"ts\":1764000000000}", K2TD_FAULT_NAME_VAR, NULL, 0, 0},
        {"{\"variable_not_exist_in_table_name_template\":{\"replace_to\":\"x\"}}",
         "{\"id\":\"\",\"ts\":1764000000000}", K2TD_FAULT_NONE,
         "(1764000000000,NULL,NULL,NULL)", 1, 0},
        {"{}", "{\"id\":1,\"ts\":1764000000000,\"location\":\"0123456789012345678901234\"}",
         K2TD_FAULT_VALUE_LONG, NULL, 0, 0},
        {"{\"field_length_overflow\":\"truncate_and_archive\"}",
         "{\"id\":1,\"ts\":1764000000000,\"location\":\"0123456789012345678901234\"}",
         K2TD_FAULT_NONE, "(1764000000000,NULL,NULL,NULL)", 1, 1},
        {"{}", "{\"id\":1,\"ts\":1764000000000,\"voltage\":\"x\"}", K2TD_FAULT_DATA, NULL, 0, 0},
        {"{}", "{\"id\":1,\"ts\":1764000000000,\"extra\":1}", K2TD_FAULT_NONE,
         "(1764000000000,NULL,NULL,NULL)", 0, 0}, /* ignore: the field is left out */
        {"{\"field_name_not_found\":\"add_field\"}",
         "{\"id\":1,\"ts\":1764000000000,\"extra\":1}", K2TD_FAULT_FIELD_UNKNOWN, NULL, 0, 0},
        {"{\"field_name_not_found\":\"archive\"}",
         "{\"id\":1,\"ts\":1764000000000,\"voltage\":null,\"extra\":null}",
         K2TD_FAULT_NONE, "(1764000000000,NULL,NULL,NULL)", 0, 0}, /* a NULL needs no column */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char err[512];
        k2td_write_policy_t wp;
        cJSON *g = cJSON_Parse(cases[i].global);
        CHECK_INT(k2td_write_policy_from_json(g, "parser.global", &wp, err, sizeof(err)), 0);
        cJSON_Delete(g);
        fixture_t f;
        k2td_mapper_spec_t spec = {"d_{id}", NULL, 0, NULL, 0, &wp};
        CHECK_INT(setup(&f, &spec, err, sizeof(err)), 0);
        k2td_rowset_reset(&f.rows);
        CHECK(k2td_json_flat_parse(cases[i].json, strlen(cases[i].json), 0, &f.rows, err,
                                   sizeof(err)) == 1);
        k2td_map_outcome_t o;
        int rc = k2td_mapper_map_row(f.mapper, &f.rows, 0, 0, f.batch, &o, err, sizeof(err));
        if ((int)o.fault != (int)cases[i].fault) fprintf(stderr, "case %zu: %s\n", i, err);
        CHECK_INT(o.fault, cases[i].fault);
        CHECK_INT(rc, cases[i].fault ? -1 : 0);
        if (!cases[i].fault) {
            CHECK(strstr(render(&f), cases[i].values) != NULL);
            CHECK_INT(o.repairs, cases[i].repairs);
            CHECK_INT(o.archive_too, cases[i].archive_too);
        }
        if (cases[i].fault == K2TD_FAULT_FIELD_UNKNOWN) CHECK_STR(o.field->name, "extra");
        teardown(&f);
        k2td_write_policy_free(&wp);
    }
}

/* Repairs of the subtable name: dots replaced, names cut at 192 bytes on a
 * character boundary, a missing variable left blank. */
static void test_name_repairs(void) {
    char err[512], json[600], want[400];
    k2td_write_policy_t wp;
    cJSON *g = cJSON_Parse("{\"table_name_length_overflow\":\"truncate\","
                           "\"table_name_contains_illegal_char\":{\"replace_to\":\"__\"}}");
    CHECK_INT(k2td_write_policy_from_json(g, "g", &wp, err, sizeof(err)), 0);
    cJSON_Delete(g);
    fixture_t f;
    k2td_mapper_spec_t spec = {"d_{id}", NULL, 0, NULL, 0, &wp};
    CHECK_INT(setup(&f, &spec, err, sizeof(err)), 0);
    char id[300] = "a.b";
    for (int i = 3; i < 250; i++) id[i] = 'x';
    id[250] = '\0';
    snprintf(json, sizeof(json), "{\"id\":\"%s\",\"ts\":1764000000000}", id);
    CHECK_INT(map_json(&f, json, err, sizeof(err)), 0);
    snprintf(want, sizeof(want), "`db`.`d_a__b%.*s` USING", 192 - 6, id + 3);
    const char *sql = render(&f);
    if (!strstr(sql, want)) fprintf(stderr, "%s\nwant %s\n", sql, want);
    CHECK(strstr(sql, want) != NULL);
    teardown(&f);
    k2td_write_policy_free(&wp);
}

int main(void) {
    RUN(test_all_columns_by_name_case_insensitive);
    RUN(test_selected_columns_and_tags);
    RUN(test_bad_rows_are_refused_with_a_reason);
    RUN(test_configuration_errors);
    RUN(test_policies);
    RUN(test_name_repairs);
    return test_finish();
}
