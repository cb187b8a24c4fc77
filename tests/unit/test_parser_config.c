/*
 * test_parser_config.c - the parser definition: accepted forms, every
 * rejected form with its JSON path, syntax errors with their position, and
 * definitions read from files.
 */
#include <stdlib.h>
#include <unistd.h>

#include "task/parser_config.h"
#include "test.h"

static char dir[] = "/tmp/k2td_test_parser_XXXXXX";

/* Writes text to dir/name. */
static void write_file(const char *name, const char *text) {
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

/* Returns the list joined with '|' (static buffer). */
static const char *joined(const k2td_strlist_t *l) {
    static char text[512];
    text[0] = '\0';
    for (size_t i = 0; i < l->n; i++) {
        if (i) strcat(text, "|");
        strcat(text, l->items[i]);
    }
    return text;
}

static void test_accepted(void) {
    static const struct {
        const char *json, *fields, *name, *stable, *tags, *columns;
    } cases[] = {
        {"{\"parse\":{\"value\":{\"json\":\"\"}},\"model\":{\"name\":\"t_{id}\",\"using\":"
         "\"meters\"}}",
         "", "t_{id}", "meters", "", ""},
        {"{\"parse\":{\"value\":{\"json\":[]}},\"model\":{\"name\":\"d${id}\",\"using\":"
         "\"{metric}\","
         "\"tags\":[\"groupid\",\"location\"],\"columns\":[\"ts\",\"current\",\"voltage\"]}}",
         "", "d${id}", "{metric}", "groupid|location", "ts|current|voltage"},
        {"{\"model\":{\"columns\":[\"ts\"],\"using\":\"s\",\"name\":\"n\"},"
         "\"parse\":{\"value\":{\"json\":[\"ts::timestamp(ms)\",\"$.events[0].price=price::"
             "double\","
         "\"location::nchar\",\"id\"]}}}",
         "ts::timestamp(ms)|$.events[0].price=price::double|location::"
             "nchar|id", "n", "s", "", "ts"},
        /* Explorer's wrapper with samples */
        {"{\"parser\":{\"parse\":{\"value\":{\"json\":\"\"}},\"model\":{\"name\":\"t\",\"using\":"
         "\"s\","
         "\"tags\":[\"g\"]}},\"input\":[{\"value\":\"{}\",\"key\":\"k\"}]}",
         "", "t", "s", "g", ""},
        {"{\"parser\":{\"parse\":{\"value\":{\"json\":\"\"}},\"model\":{\"name\":\"t\",\"using\":"
         "\"s\"}}}",
         "", "t", "s", "", ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        k2td_parser_conf_t p;
        char err[512] = "";
        int rc = k2td_parser_conf_from_text(cases[i].json, &p, err, sizeof(err));
        if (rc != 0) fprintf(stderr, "case %zu: %s\n", i, err);
        CHECK_INT(rc, 0);
        if (rc != 0) continue;
        CHECK_INT(p.value.kind, K2TD_PARSE_JSON);
        CHECK_STR(joined(&p.value.json_fields), cases[i].fields);
        CHECK_STR(p.routes[0].models[0].name, cases[i].name);
        CHECK_STR(p.routes[0].models[0].stable, cases[i].stable);
        CHECK_STR(joined(&p.routes[0].models[0].tags), cases[i].tags);
        CHECK_STR(joined(&p.routes[0].models[0].columns), cases[i].columns);
        k2td_parser_conf_free(&p);
        CHECK(p.routes == NULL && p.value.json_fields.n == 0);
    }
}

#define PARSE "\"parse\":{\"value\":{\"json\":\"\"}}"
#define MODEL "\"model\":{\"name\":\"t\",\"using\":\"s\"}"

static void test_rejected(void) {
    static const struct {
        const char *json, *err;
    } cases[] = {
        {"[]", "parser: must be an object, not an array"},
        {"{}", "parser: key `parse` is required"},
        {"{" PARSE "}", "parser: key `model` is required"},
        {"{" MODEL "}", "parser: key `parse` is required"},
        {"{" PARSE "," MODEL ",\"rules\":[]}", "parser.rules: must be a non-empty list of rules"},
        {"{" PARSE ",\"rules\":[{\"model\":{\"name\":\"t\",\"using\":\"s\"}}]}",
         "parser.rules[0]: key `matches` is required"},
        {"{" PARSE ",\"rules\":[{\"matches\":{\"expr\":\"a == 1\"}}]}",
         "parser.rules[0]: key `model` is required"},
        {"{" PARSE ",\"rules\":[{\"matches\":{\"expr\":\"a +\"}," MODEL "}]}",
         "parser.rules[0].matches.expr: offset 3: expected an expression, found the end of the "
         "expression"},
        {"{" PARSE ",\"rules\":[{\"matches\":{\"expr\":\"a + 1\"}," MODEL "}]}",
         "parser.rules[0].matches.expr: the expression gives an integer or a float or a string, never a bool"},
        {"{" PARSE ",\"rules\":[{\"matches\":{\"exp\":\"a\"}," MODEL "}]}",
         "parser.rules[0].matches.exp: unknown key (did you mean `expr`?)"},
        {"{" PARSE ",\"rules\":[{\"matches\":{\"expr\":\"a\"},\"mutate\":[{\"sort\":1}]," MODEL
         "}]}",
         "parser.rules[0].mutate[0]: expected one of extract, filter, map"},
        {"{" PARSE ",\"rules\":[{\"matches\":{\"expr\":\"a\"}," MODEL "},"
         "{\"matches\":{\"expr\":\"b\"},\"model\":[{\"name\":\"t\",\"using\":\"a.b\"}]}]}",
         "parser.rules[1].model[0].using: `a.b` must not contain `.`"},
        {"{" PARSE "," MODEL ",\"mutate\":{}}",
         "parser.mutate: must be an array of stages, not an object"},
        {"{" PARSE "," MODEL ",\"mutate\":[{\"filter\":[\"id +\"]}]}",
         "parser.mutate[0].filter: filter 1 `id +`: offset 4: expected an expression, found the "
         "end of the expression"},
        {"{" PARSE "," MODEL ",\"mutate\":[{\"extract\":{\"m\":{\"split\":{\"separator\":\"-\"}}}}]}",
         "parser.mutate[0].extract.m.split.count: must be a whole number from 1 to 4096"},
        {"{" PARSE "," MODEL ",\"mutate\":[{\"map\":{\"t\":{\"cast\":\"a\",\"as\":\"INTEGRAL\"}}}]}",
         "parser.mutate[0].map.t.as: `INTEGRAL` is not a TDengine type"},
        {"{" PARSE "," MODEL ",\"mutate\":[{\"sort\":1}]}",
         "parser.mutate[0]: expected one of extract, filter, map"},
        {"{\"global\":{\"primary_timestamp_null\":\"drop\"}," PARSE "," MODEL "}",
         "parser.global.primary_timestamp_null: \"drop\" is not one of archive, skip, break, "
         "use_current_time"},
        {"{" PARSE "," MODEL ",\"s_model\":{}}", "parser: key `s_model` is not supported yet"},
        {"{" PARSE "," MODEL ",\"modle\":{}}", "parser.modle: unknown key (did you mean `model`?)"},
        {"{" PARSE "," MODEL ",\"extra\":1}", "parser.extra: unknown key"},
        {"{" PARSE "," MODEL "," MODEL "}", "parser.model: key given twice"},
        {"{\"parse\":[]," MODEL "}", "parser.parse: must be an object, not an array"},
        {"{\"parse\":{}," MODEL "}", "parser.parse: key `value` is required"},
        {"{\"parse\":{\"key\":{\"json\":\"\"}}," MODEL "}",
         "parser.parse: key `key` is not supported yet"},
        {"{\"parse\":{\"payload\":{\"json\":\"\"}}," MODEL "}", "parser.parse.payload: unknown "
         "key"},
        {"{\"parse\":{\"value\":\"json\"}," MODEL "}",
         "parser.parse.value: must be an object, not a string"},
        {"{\"parse\":{\"value\":{}}," MODEL "}",
         "parser.parse.value: no parser given (write {\"json\": \"\"})"},
        {"{\"parse\":{\"value\":{\"regex\":\"\"}}," MODEL "}",
         "parser.parse.value.regex: must be a non-empty string, not an empty one"},
        {"{\"parse\":{\"value\":{\"udt\":1}}," MODEL "}",
         "parser.parse.value.udt: must be a non-empty string, not a number"},
        {"{\"parse\":{\"value\":{\"json\":\"\",\"udt\":\"x\"}}," MODEL "}",
         "parser.parse.value: give one parser, not `json` and `udt`"},
        {"{\"parse\":{\"value\":{\"csv\":{}}}," MODEL "}",
         "parser.parse.value.csv: give either \"header\": true or \"names\": [...]"},
        {"{\"parse\":{\"value\":{\"csv\":{\"header\":true,\"delimiter\":\";;\"}}}," MODEL "}",
         "parser.parse.value.csv.delimiter: must be one character"},
        {"{\"parse\":{\"value\":{\"plugin\":{\"config\":\"x\"}}}," MODEL "}",
         "parser.parse.value.plugin: key `name` is required"},
        {"{\"parse\":{\"value\":{\"keep\":true}}," MODEL "}",
         "parser.parse.value: key `keep` is not supported yet"},
        {"{\"parse\":{\"value\":{\"json\":\"\",\"keep\":true}}," MODEL "}",
         "parser.parse.value: key `keep` is not supported yet"},
        {"{\"parse\":{\"value\":{\"jsn\":\"\"}}," MODEL "}",
         "parser.parse.value.jsn: unknown key (did you mean `json`?)"},
        {"{\"parse\":{\"value\":{\"json\":\"a\"}}," MODEL "}",
         "parser.parse.value.json: must be \"\" (every field) or an array of field specs, not a "
         "non-empty string"},
        {"{\"parse\":{\"value\":{\"json\":7}}," MODEL "}",
         "parser.parse.value.json: must be \"\" (every field) or an array of field specs, not a "
         "number"},
        {"{\"parse\":{\"value\":{\"json\":[\"a\",3]}}," MODEL "}",
         "parser.parse.value.json[1]: must be a string, not a number"},
        {"{\"parse\":{\"value\":{\"json\":[\"\"]}}," MODEL "}",
         "parser.parse.value.json[0]: must not be empty"},
        {"{" PARSE ",\"model\":[]}", "parser.model: must not be an empty list"},
        {"{" PARSE ",\"model\":[" "{\"name\":\"t\",\"using\":\"s\"}, {\"name\":\"t\"}]}",
         "parser.model[1]: key `using` is required"},
        {"{" PARSE ",\"model\":\"t\"}", "parser.model: must be an object, not a string"},
        {"{" PARSE ",\"model\":{\"using\":\"s\"}}", "parser.model: key `name` is required"},
        {"{" PARSE ",\"model\":{\"name\":\"t\"}}", "parser.model: key `using` is required"},
        {"{" PARSE ",\"model\":{\"name\":\"\",\"using\":\"s\"}}", "parser.model.name: must not be "
         "empty"},
        {"{" PARSE ",\"model\":{\"name\":1,\"using\":\"s\"}}",
         "parser.model.name: must be a string, not a number"},
        {"{" PARSE ",\"model\":{\"name\":\"a.b\",\"using\":\"s\"}}",
         "parser.model.name: `a.b` must not contain `.`"},
        {"{" PARSE ",\"model\":{\"name\":\"t_{id\",\"using\":\"s\"}}",
         "parser.model.name: `t_{id` is not a valid template: placeholder opened at offset 2 is "
         "not closed"},
        {"{" PARSE ",\"model\":{\"name\":\"t_id}\",\"using\":\"s\"}}",
         "parser.model.name: `t_id}` is not a valid template: '}' at offset 4 closes no "
         "placeholder"},
        {"{" PARSE ",\"model\":{\"name\":\"t\",\"using\":\"s_{}\"}}",
         "parser.model.using: `s_{}` is not a valid template: placeholder at offset 2 has an "
         "empty name"},
        {"{" PARSE ",\"model\":{\"name\":\"t\",\"using\":\"\"}}", "parser.model.using: must not be "
         "empty"},
        {"{" PARSE ",\"model\":{\"name\":\"t\",\"using\":\"db.s\"}}",
         "parser.model.using: `db.s` must not contain `.`"},
        {"{" PARSE ",\"model\":{\"name\":\"t\",\"using\":\"s\",\"colums\":[\"a\"]}}",
         "parser.model.colums: unknown key (did you mean `columns`?)"},
        {"{" PARSE ",\"model\":{\"name\":\"t\",\"using\":\"s\",\"tags\":\"a\"}}",
         "parser.model.tags: must be an array of strings, not a string"},
        {"{" PARSE ",\"model\":{\"name\":\"t\",\"using\":\"s\",\"tags\":[]}}",
         "parser.model.tags: must not be empty (leave it out to use the supertable's tags)"},
        {"{" PARSE ",\"model\":{\"name\":\"t\",\"using\":\"s\",\"tags\":[\"a\",null]}}",
         "parser.model.tags[1]: must be a string, not null"},
        {"{" PARSE ",\"model\":{\"name\":\"t\",\"using\":\"s\",\"tags\":[\"a\",\"b\",\"a\"]}}",
         "parser.model.tags[2]: `a` is listed twice"},
        {"{" PARSE ",\"model\":{\"name\":\"t\",\"using\":\"s\",\"columns\":[]}}",
         "parser.model.columns: must not be empty (leave it out to take every field that is not "
         "a tag)"},
        {"{" PARSE ",\"model\":{\"name\":\"t\",\"using\":\"s\",\"columns\":[\"ts\",\"v\",\"v\"]}}",
         "parser.model.columns[2]: `v` is listed twice"},
        {"{" PARSE ",\"model\":{\"name\":\"t\",\"using\":\"s\",\"tags\":[\"g\"],"
         "\"columns\":[\"ts\",\"g\"]}}",
         "parser.model.columns[1]: `g` is also listed in tags"},
        {"{\"parser\":{" PARSE ",\"model\":{\"name\":\"t\"}},\"input\":[]}",
         "parser.parser.model: key `using` is required"},
        {"{\"parser\":{" PARSE "," MODEL "},\"input\":{}}", "parser.input: must be an array, not "
         "an object"},
        {"{\"parser\":{" PARSE "," MODEL "},\"samples\":[]}", "parser.samples: unknown key"},
        {"{\"parser\":[]}", "parser.parser: must be an object, not an array"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        k2td_parser_conf_t p;
        char err[512] = "";
        CHECK_INT(k2td_parser_conf_from_text(cases[i].json, &p, err, sizeof(err)), -1);
        CHECK_STR(err, cases[i].err);
        CHECK(p.routes == NULL && p.nroutes == 0 && p.value.json_fields.items == NULL &&
              p.mutate == NULL);
    }
}

static void test_bad_json_position(void) {
    static const struct {
        const char *json, *err;
    } cases[] = {
        {"", "parser: invalid JSON near line 1, column 1"},
        {"{\"parse\": }", "parser: invalid JSON near line 1, column 11"},
        {"{\n  \"parse\": {\n    \"value\": {\"json\": \"\"},\n  }\n}",
         "parser: invalid JSON near line 4, column 4"},
        {"{\"model\": {}} trailing", "parser: invalid JSON near line 1, column 15"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        k2td_parser_conf_t p;
        char err[512] = "";
        CHECK_INT(k2td_parser_conf_from_text(cases[i].json, &p, err, sizeof(err)), -1);
        CHECK_STR(err, cases[i].err);
    }
}

static void test_from_file(void) {
    write_file("p.json", "{\"parse\":{\"value\":{\"json\":[\"id\"]}},\n"
                         " \"model\":{\"name\":\"t_{id}\",\"using\":\"meters\"}}\n");
    write_file("bad.json", "{\"parse\":{\"value\":{\"json\":\"\"}},\n \"model\":{\"name\":\"a.b\","
                           "\"using\":\"s\"}}");
    write_file("broken.json", "{\n\"parse\": [1,,2]}");
    char path[256], arg[300], err[512];
    k2td_parser_conf_t p;

    snprintf(path, sizeof(path), "%s/p.json", dir);
    CHECK_INT(k2td_parser_conf_from_file(path, &p, err, sizeof(err)), 0);
    CHECK_STR(p.routes[0].models[0].name, "t_{id}");
    CHECK_STR(joined(&p.value.json_fields), "id");
    k2td_parser_conf_free(&p);

    /* "@name" relative to a base folder, and absolute */
    CHECK_INT(k2td_parser_conf_load("@p.json", dir, &p, err, sizeof(err)), 0);
    CHECK_STR(p.routes[0].models[0].stable, "meters");
    k2td_parser_conf_free(&p);
    snprintf(arg, sizeof(arg), "@%s", path);
    CHECK_INT(k2td_parser_conf_load(arg, "/nonexistent", &p, err, sizeof(err)), 0);
    k2td_parser_conf_free(&p);
    /* inline JSON */
    CHECK_INT(k2td_parser_conf_load(" {\"parse\":{\"value\":{\"json\":\"\"}},\"model\":{\"name\":"
                                    "\"t\",\"using\":\"s\"}}",
                                    NULL, &p, err, sizeof(err)),
              0);
    k2td_parser_conf_free(&p);

    snprintf(path, sizeof(path), "%s/bad.json", dir);
    CHECK_INT(k2td_parser_conf_from_file(path, &p, err, sizeof(err)), -1);
    char want[512];
    snprintf(want, sizeof(want), "%s: parser.model.name: `a.b` must not contain `.`", path);
    CHECK_STR(err, want);

    snprintf(path, sizeof(path), "%s/broken.json", dir);
    CHECK_INT(k2td_parser_conf_load("@broken.json", dir, &p, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s: invalid JSON near line 2, column 13", path);
    CHECK_STR(err, want);

    CHECK_INT(k2td_parser_conf_load("@missing.json", dir, &p, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s/missing.json: cannot read: No such file or directory", dir);
    CHECK_STR(err, want);

    CHECK_INT(k2td_parser_conf_load("p.json", dir, &p, err, sizeof(err)), -1);
    CHECK_STR(err, "parser: give a file as @path/to/parser.json or the JSON itself");
    CHECK_INT(k2td_parser_conf_load("@", dir, &p, err, sizeof(err)), -1);
    CHECK_STR(err, "parser: give a file as @path/to/parser.json or the JSON itself");
    /* a folder is not a file */
    snprintf(arg, sizeof(arg), "@%s", dir);
    CHECK_INT(k2td_parser_conf_load(arg, NULL, &p, err, sizeof(err)), -1);
    CHECK(strstr(err, ": cannot read: ") != NULL);
}

static void test_nul_byte_in_text(void) {
    /* a file can hold a NUL byte: it is an error at its position, not an end */
    write_file("nul.json", "{}");
    char path[256];
    snprintf(path, sizeof(path), "%s/nul.json", dir);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f) return;
    fwrite("{\"a\":\0}", 1, 7, f);
    fclose(f);
    k2td_parser_conf_t p;
    char err[512], want[512];
    CHECK_INT(k2td_parser_conf_from_file(path, &p, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s: invalid JSON near line 1, column 6 (a NUL byte)", path);
    CHECK_STR(err, want);
}

int main(void) {
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_accepted);
    RUN(test_rejected);
    RUN(test_bad_json_position);
    RUN(test_from_file);
    RUN(test_nul_byte_in_text);
    static const char *const files[] = {"p.json", "bad.json", "broken.json", "nul.json"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char path[256];
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
    return test_finish();
}
