/*
 * test_write_policy.c - parser.global: defaults, every row policy against
 * every action name, replace_to, sizes, the archive and cache objects, the
 * accepted-and-ignored keys, and the messages for what is refused.
 */
#include <stdlib.h>

#include "task/write_policy.h"
#include "test.h"

/* Parses the JSON text as parser.global into *p. Returns what
 * k2td_write_policy_from_json returns; err gets the message. */
static int load(const char *json, k2td_write_policy_t *p, char *err, size_t err_size) {
    err[0] = '\0';
    cJSON *root = cJSON_Parse(json);
    if (!root) {
        fprintf(stderr, "test JSON does not parse: %s\n", json);
        return -2;
    }
    int rc = k2td_write_policy_from_json(root, "parser.global", p, err, err_size);
    cJSON_Delete(root);
    return rc;
}

/* Checks that json loads; returns the policy (the caller frees it). */
static k2td_write_policy_t load_ok(const char *json) {
    k2td_write_policy_t p;
    char err[512];
    int rc = load(json, &p, err, sizeof(err));
    if (rc != 0) fprintf(stderr, "unexpected error for %s: %s\n", json, err);
    CHECK_INT(rc, 0);
    return p;
}

/* Checks that json is refused with exactly the message want. */
static void check_error(const char *json, const char *want) {
    k2td_write_policy_t p;
    char err[512];
    int rc = load(json, &p, err, sizeof(err));
    CHECK_INT(rc, -1);
    if (strcmp(err, want) != 0) fprintf(stderr, "for %s\n", json);
    CHECK_STR(err, want);
    /* a refused policy is released and zeroed */
    CHECK(p.archive.location == NULL && p.table_name_contains_illegal_char.replace_to == NULL);
}

/* ---- the row policies ---- */

typedef struct policy_case {
    const char *key;
    size_t offset;          /* of its k2td_policy_t in k2td_write_policy_t */
    const char *accepted;   /* the action names it takes, as the message lists them */
    int replace;            /* {"replace_to": ...} accepted too */
    const char *unsupported; /* names refused as not supported, space-separated */
    const char *dflt;       /* the default action's name */
} policy_case_t;

#define AT(f) offsetof(k2td_write_policy_t, f)

static const policy_case_t policies[] = {
    {"primary_timestamp_overflow", AT(primary_timestamp_overflow), "archive, skip, break", 0,
     "", "archive"},
    {"primary_timestamp_null", AT(primary_timestamp_null),
     "archive, skip, break, use_current_time", 0, "", "archive"},
    {"primary_key_null", AT(primary_key_null), "archive, skip, break", 0, "", "archive"},
    {"table_name_length_overflow", AT(table_name_length_overflow),
     "archive, skip, break, truncate, truncate_and_archive", 0, "", "archive"},
    {"table_name_contains_illegal_char", AT(table_name_contains_illegal_char),
     "archive, skip, break", 1, "", "replace_to"},
    {"variable_not_exist_in_table_name_template",
     AT(variable_not_exist_in_table_name_template), "archive, skip, leave_blank", 1, "",
     "archive"},
    {"field_name_not_found", AT(field_name_not_found), "archive, skip, break, add_field, ignore",
     0, "", "ignore"},
    {"field_name_length_overflow", AT(field_name_length_overflow), "archive, skip, break", 0, "",
     "archive"},
    {"field_length_overflow", AT(field_length_overflow),
     "archive, skip, break, truncate, truncate_and_archive", 0, "", "archive"},
    {"ingesting_error", AT(ingesting_error), "archive, skip, break", 0, "", "archive"},
    {"table_not_exist", AT(table_not_exist), "archive, skip, break, retry", 0, "", "retry"},
    {"database_not_exist", AT(database_not_exist), "archive, skip, break", 0, "", "break"},
    {"database_connection_error", AT(database_connection_error), "break, cache", 0,
     " archive skip ", "cache"},
};
#define NPOLICIES (sizeof(policies) / sizeof(policies[0]))

/* Every string a policy value might be; each key must take exactly its own. */
static const char *const names[] = {
    "archive",   "skip",       "break",   "truncate", "truncate_and_archive", "use_current_time",
    "leave_blank", "add_field", "retry",  "cache",    "ignore",               "rotate",
    "wait",      "replace_to", "drop",      "ARCHIVE", "",         "discard",
};
#define NNAMES (sizeof(names) / sizeof(names[0]))

/* Returns 1 when name is an item of the ", " or " " separated list. */
static int listed(const char *list, const char *name) {
    size_t n = strlen(name);
    if (n == 0) return 0;
    for (const char *p = list; (p = strstr(p, name)) != NULL; p++) {
        int starts = p == list || p[-1] == ' ';
        int ends = p[n] == '\0' || p[n] == ',' || p[n] == ' ';
        if (starts && ends) return 1;
    }
    return 0;
}

static const k2td_policy_t *policy_at(const k2td_write_policy_t *p, size_t offset) {
    return (const k2td_policy_t *)((const char *)p + offset);
}

static void test_every_policy_against_every_name(void) {
    for (size_t i = 0; i < NPOLICIES; i++) {
        const policy_case_t *c = &policies[i];
        char allowed[256];
        snprintf(allowed, sizeof(allowed), "%s%s", c->accepted,
                 c->replace ? ", {\"replace_to\": \"<text>\"}" : "");
        for (size_t k = 0; k < NNAMES; k++) {
            char json[256], want[512];
            snprintf(json, sizeof(json), "{\"%s\": \"%s\"}", c->key, names[k]);
            if (listed(c->accepted, names[k])) {
                k2td_write_policy_t p = load_ok(json);
                CHECK_STR(k2td_policy_action_name(policy_at(&p, c->offset)->action), names[k]);
                CHECK(policy_at(&p, c->offset)->replace_to == NULL);
                k2td_write_policy_free(&p);
                continue;
            }
            if (listed(c->unsupported, names[k]))
                snprintf(want, sizeof(want),
                         "parser.global.%s: \"%s\" is not supported: k2td never drops rows or "
                         "sets them aside because TDengine is unreachable (Kafka keeps them); "
                         "use \"cache\" (pause and retry, the default) or \"break\"",
                         c->key, names[k]);
            else
                snprintf(want, sizeof(want), "parser.global.%s: \"%s\" is not one of %s", c->key,
                         names[k], allowed);
            check_error(json, want);
        }
        /* a number, a list, a boolean */
        const char *const kinds[][2] = {{"3", "a number"}, {"[]", "an array"},
                                        {"true", "a boolean"}};
        for (size_t k = 0; k < 3; k++) {
            char json[256], want[512];
            snprintf(json, sizeof(json), "{\"%s\": %s}", c->key, kinds[k][0]);
            snprintf(want, sizeof(want), "parser.global.%s: must be one of %s, not %s", c->key,
                     allowed, kinds[k][1]);
            check_error(json, want);
        }
        /* the replace_to object, where it is not accepted */
        if (!c->replace) {
            char json[256], want[512];
            snprintf(json, sizeof(json), "{\"%s\": {\"replace_to\": \"x\"}}", c->key);
            snprintf(want, sizeof(want), "parser.global.%s: must be one of %s, not an object",
                     c->key, allowed);
            check_error(json, want);
        }
    }
}

static void test_policy_defaults_and_null(void) {
    /* no global, a JSON null, an empty object and nulls everywhere: defaults */
    const char *const inputs[] = {
        NULL, "null", "{}",
        "{\"primary_timestamp_null\": null, \"archive\": null, \"cache\": {\"on_fail\": null},"
        " \"field_length_extend\": null, \"connection_timeout_in_second\": null}",
    };
    for (size_t n = 0; n < sizeof(inputs) / sizeof(inputs[0]); n++) {
        k2td_write_policy_t p;
        char err[256];
        int rc;
        if (inputs[n]) {
            rc = load(inputs[n], &p, err, sizeof(err));
        } else {
            rc = k2td_write_policy_from_json(NULL, "parser.global", &p, err, sizeof(err));
        }
        CHECK_INT(rc, 0);
        for (size_t i = 0; i < NPOLICIES; i++)
            CHECK_STR(k2td_policy_action_name(policy_at(&p, policies[i].offset)->action),
                      policies[i].dflt);
        CHECK_STR(p.table_name_contains_illegal_char.replace_to, "_");
        CHECK(p.variable_not_exist_in_table_name_template.replace_to == NULL);
        CHECK(p.primary_timestamp_null.replace_to == NULL);
        CHECK_INT(p.field_length_extend, 0);
        CHECK_STR(p.archive.location, "archived");
        CHECK_INT(p.archive.max_size_bytes, 1073741824);
        CHECK_INT(p.archive.rotate_count, 10);
        CHECK_INT(p.archive.keep_days, 30);
        CHECK_INT(p.archive.on_fail, K2TD_ACT_WAIT);
        CHECK_INT(p.connection_timeout_s, 30);
        k2td_write_policy_free(&p);
        CHECK(p.archive.location == NULL);
    }
    /* k2td_write_policy_defaults alone gives the same */
    k2td_write_policy_t d;
    k2td_write_policy_defaults(&d);
    CHECK_INT(d.field_name_not_found.action, K2TD_ACT_IGNORE);
    CHECK_STR(d.table_name_contains_illegal_char.replace_to, "_");
    k2td_write_policy_free(&d);
    k2td_write_policy_free(&d); /* safe on a zeroed struct */
}

static void test_replace_to(void) {
    k2td_write_policy_t p = load_ok(
        "{\"table_name_contains_illegal_char\": {\"replace_to\": \"-\"},"
        " \"variable_not_exist_in_table_name_template\": {\"replace_to\": \"unknown\"}}");
    CHECK_INT(p.table_name_contains_illegal_char.action, K2TD_ACT_REPLACE);
    CHECK_STR(p.table_name_contains_illegal_char.replace_to, "-");
    CHECK_STR(p.variable_not_exist_in_table_name_template.replace_to, "unknown");
    k2td_write_policy_free(&p);

    /* "" is a replacement too (Explorer's default); a later string drops it */
    p = load_ok("{\"table_name_contains_illegal_char\": {\"replace_to\": \"\"},"
                " \"variable_not_exist_in_table_name_template\": \"leave_blank\"}");
    CHECK_STR(p.table_name_contains_illegal_char.replace_to, "");
    CHECK_INT(p.variable_not_exist_in_table_name_template.action, K2TD_ACT_LEAVE_BLANK);
    CHECK(p.variable_not_exist_in_table_name_template.replace_to == NULL);
    k2td_write_policy_free(&p);

    char json[512], long_text[200];
    memset(long_text, 'x', 193);
    long_text[193] = '\0';
    snprintf(json, sizeof(json), "{\"table_name_contains_illegal_char\": {\"replace_to\": \"%s\"}}",
             long_text);
    check_error(json,
                "parser.global.table_name_contains_illegal_char.replace_to: is longer than 192 "
                "bytes");
    long_text[192] = '\0';
    snprintf(json, sizeof(json), "{\"table_name_contains_illegal_char\": {\"replace_to\": \"%s\"}}",
             long_text);
    p = load_ok(json);
    CHECK_INT(strlen(p.table_name_contains_illegal_char.replace_to), 192);
    k2td_write_policy_free(&p);

    static const char *const bad[][2] = {
        {"{\"table_name_contains_illegal_char\": {\"replace_to\": \"a.b\"}}",
         "parser.global.table_name_contains_illegal_char.replace_to: must not contain '.' "
         "(TDengine table names cannot)"},
        {"{\"variable_not_exist_in_table_name_template\": {\"replace_to\": \".\"}}",
         "parser.global.variable_not_exist_in_table_name_template.replace_to: must not contain "
         "'.' (TDengine table names cannot)"},
        {"{\"table_name_contains_illegal_char\": {\"replace_to\": 1}}",
         "parser.global.table_name_contains_illegal_char.replace_to: must be a string, not a "
         "number"},
        {"{\"table_name_contains_illegal_char\": {}}",
         "parser.global.table_name_contains_illegal_char: key `replace_to` is required"},
        {"{\"table_name_contains_illegal_char\": {\"replace_to\": \"_\", \"with\": \"x\"}}",
         "parser.global.table_name_contains_illegal_char.with: unknown key"},
        {"{\"table_name_contains_illegal_char\": {\"replaceto\": \"_\"}}",
         "parser.global.table_name_contains_illegal_char.replaceto: unknown key (did you mean "
         "`replace_to`?)"},
        {"{\"variable_not_exist_in_table_name_template\": null, "
         "\"variable_not_exist_in_table_name_template\": \"skip\"}",
         "parser.global.variable_not_exist_in_table_name_template: key given twice"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) check_error(bad[i][0], bad[i][1]);
}

/* ---- scalars ---- */

static void test_field_length_extend_and_timeout(void) {
    k2td_write_policy_t p =
        load_ok("{\"field_length_extend\": true, \"connection_timeout_in_second\": 600}");
    CHECK_INT(p.field_length_extend, 1);
    CHECK_INT(p.connection_timeout_s, 600);
    k2td_write_policy_free(&p);
    p = load_ok("{\"field_length_extend\": false, \"connection_timeout_in_second\": 1}");
    CHECK_INT(p.field_length_extend, 0);
    CHECK_INT(p.connection_timeout_s, 1);
    k2td_write_policy_free(&p);

    static const char *const bad[][2] = {
        {"{\"field_length_extend\": \"true\"}",
         "parser.global.field_length_extend: must be true or false, not a string"},
        {"{\"field_length_extend\": 1}",
         "parser.global.field_length_extend: must be true or false, not a number"},
        {"{\"connection_timeout_in_second\": 0}",
         "parser.global.connection_timeout_in_second: must be an integer from 1 to 600, not 0"},
        {"{\"connection_timeout_in_second\": 601}",
         "parser.global.connection_timeout_in_second: must be an integer from 1 to 600, not "
         "601"},
        {"{\"connection_timeout_in_second\": 2.5}",
         "parser.global.connection_timeout_in_second: must be an integer from 1 to 600, not "
         "2.5"},
        {"{\"connection_timeout_in_second\": \"30\"}",
         "parser.global.connection_timeout_in_second: must be an integer from 1 to 600, not a "
         "string"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) check_error(bad[i][0], bad[i][1]);
}

/* ---- archive ---- */

typedef struct size_case {
    const char *json; /* the max_size value as written */
    long long bytes;  /* -1: refused */
} size_case_t;

static const size_case_t sizes[] = {
    {"0", 0},
    {"1", 1073741824LL},
    {"2", 2147483648LL},
    {"65535", 65535LL << 30},
    {"65536", -1},
    {"-1", -1},
    {"1.5", -1},
    {"\"100MB\"", 100LL << 20},
    {"\"100mb\"", 100LL << 20},
    {"\"1GB\"", 1LL << 30},
    {"\"1GiB\"", 1LL << 30},
    {"\"512 KiB\"", 512LL << 10},
    {"\"2TB\"", 2LL << 40},
    {"\"1073741824\"", 1073741824LL},
    {"\"4096B\"", 4096},
    {"\"0\"", 0},
    {"\"65535GiB\"", 65535LL << 30},
    {"\"65536GiB\"", -1},
    {"\"1.5GB\"", -1},
    {"\"-1\"", -1},
    {"\"\"", -1},
    {"\"GB\"", -1},
    {"\"10XB\"", -1},
    {"\"1 \"", -1},
    {"\" 1\"", -1},
    {"\"1GBs\"", -1},
    {"\"18446744073709551616\"", -1},
    {"\"17179869184GB\"", -1},
    {"true", -1},
};

static void test_archive_sizes(void) {
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        char json[128];
        snprintf(json, sizeof(json), "{\"archive\": {\"max_size\": %s}}", sizes[i].json);
        k2td_write_policy_t p;
        char err[512];
        int rc = load(json, &p, err, sizeof(err));
        if (rc != (sizes[i].bytes < 0 ? -1 : 0)) fprintf(stderr, "size case %s\n", sizes[i].json);
        if (sizes[i].bytes < 0) {
            CHECK_INT(rc, -1);
            static const char prefix[] =
                "parser.global.archive.max_size: must be a number of GiB from 0 to 65535 or a "
                "size such as \"512MB\" or \"1073741824\" (bytes) up to 65535GiB, not ";
            CHECK(strncmp(err, prefix, sizeof(prefix) - 1) == 0);
            continue;
        }
        CHECK_INT(rc, 0);
        CHECK_INT(p.archive.max_size_bytes, sizes[i].bytes);
        k2td_write_policy_free(&p);
    }
    check_error("{\"archive\": {\"max_size\": \"1.5GB\"}}",
                "parser.global.archive.max_size: must be a number of GiB from 0 to 65535 or a "
                "size such as \"512MB\" or \"1073741824\" (bytes) up to 65535GiB, not \"1.5GB\"");
    check_error("{\"archive\": {\"max_size\": 65536}}",
                "parser.global.archive.max_size: must be a number of GiB from 0 to 65535 or a "
                "size such as \"512MB\" or \"1073741824\" (bytes) up to 65535GiB, not 65536");
    check_error("{\"archive\": {\"max_size\": []}}",
                "parser.global.archive.max_size: must be a number of GiB from 0 to 65535 or a "
                "size such as \"512MB\" or \"1073741824\" (bytes) up to 65535GiB, not an array");
}

static void test_archive_object(void) {
    k2td_write_policy_t p =
        load_ok("{\"archive\": {\"location\": \"/var/lib/k2td/bad-rows\", \"max_size\": 2,"
                " \"rotate_count\": 3, \"keep_days\": 0, \"on_fail\": \"skip\"}}");
    CHECK_STR(p.archive.location, "/var/lib/k2td/bad-rows");
    CHECK_INT(p.archive.max_size_bytes, 2LL << 30);
    CHECK_INT(p.archive.rotate_count, 3);
    CHECK_INT(p.archive.keep_days, 0);
    CHECK_INT(p.archive.on_fail, K2TD_ACT_SKIP);
    /* 2 GiB over the current file and 3 rotated ones */
    CHECK_INT(k2td_write_policy_archive_file_bytes(&p), (2LL << 30) / 4);
    k2td_write_policy_free(&p);

    p = load_ok("{\"archive\": {\"on_fail\": \"break\", \"rotate_count\": 1000,"
                " \"keep_days\": 36500}}");
    CHECK_INT(p.archive.on_fail, K2TD_ACT_BREAK);
    CHECK_INT(p.archive.rotate_count, 1000);
    CHECK_INT(p.archive.keep_days, 36500);
    CHECK_STR(p.archive.location, "archived"); /* untouched keys keep their default */
    k2td_write_policy_free(&p);

    p = load_ok("{\"archive\": {\"location\": \"\"}}"); /* as Explorer saves it */
    CHECK_STR(p.archive.location, "archived");
    k2td_write_policy_free(&p);

    p = load_ok("{\"archive\": {\"on_fail\": \"wait\"}}");
    CHECK_INT(p.archive.on_fail, K2TD_ACT_WAIT);
    k2td_write_policy_free(&p);

    p = load_ok("{\"archive\": {\"on_fail\": \"rotate\", \"max_size\": 0}}");
    CHECK_INT(p.archive.on_fail, K2TD_ACT_ROTATE);
    CHECK_INT(k2td_write_policy_archive_file_bytes(&p), 0); /* unlimited: never rotate */
    k2td_write_policy_free(&p);

    p = load_ok("{}");
    CHECK_INT(k2td_write_policy_archive_file_bytes(&p), 1073741824LL / 11);
    k2td_write_policy_free(&p);

    static const char *const bad[][2] = {
        {"{\"archive\": \"archived\"}",
         "parser.global.archive: must be an object, not a string"},
        {"{\"archive\": {\"path\": \"x\"}}", "parser.global.archive.path: unknown key"},
        {"{\"archive\": {\"locaton\": \"x\"}}",
         "parser.global.archive.locaton: unknown key (did you mean `location`?)"},
        {"{\"archive\": {\"location\": 5}}",
         "parser.global.archive.location: must be a string, not a number"},
        {"{\"archive\": {\"rotate_count\": 0}}",
         "parser.global.archive.rotate_count: must be an integer from 1 to 1000, not 0"},
        {"{\"archive\": {\"rotate_count\": 1001}}",
         "parser.global.archive.rotate_count: must be an integer from 1 to 1000, not 1001"},
        {"{\"archive\": {\"keep_days\": -1}}",
         "parser.global.archive.keep_days: must be an integer from 0 to 2147483647, not -1"},
        {"{\"archive\": {\"keep_days\": \"30d\"}}",
         "parser.global.archive.keep_days: must be an integer from 0 to 2147483647, not a "
         "string"},
        {"{\"archive\": {\"on_fail\": \"archive\"}}",
         "parser.global.archive.on_fail: \"archive\" is not one of skip, break, rotate, wait"},
        {"{\"archive\": {\"on_fail\": \"cache\"}}",
         "parser.global.archive.on_fail: \"cache\" is not one of skip, break, rotate, wait"},
        {"{\"archive\": {\"on_fail\": {\"replace_to\": \"x\"}}}",
         "parser.global.archive.on_fail: must be one of skip, break, rotate, wait, not an object"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) check_error(bad[i][0], bad[i][1]);
}

/* ---- accepted, checked and ignored ---- */

static void test_ignored_keys(void) {
    /* a global as taosX's design writes it, with every write option */
    k2td_write_policy_t p = load_ok(
        "{\"identifier_case_insensitive\": false, \"replace_dot_in_table_name\": \"_\","
        " \"written_protocol\": \"auto\", \"written_method\": \"concurrent\","
        " \"written_concurrent\": 4, \"workers_per_vgroup\": 4, \"null_values\": \"null\","
        " \"cache\": {\"location\": \"cache\", \"max_size\": 0, \"on_fail\": \"skip\","
        " \"keep_days\": 0, \"rotate_count\": 1}}");
    CHECK_INT(p.database_connection_error.action, K2TD_ACT_CACHE);
    k2td_write_policy_free(&p);

    const char *const good[] = {
        "{\"identifier_case_insensitive\": true}",
        "{\"written_protocol\": \"sql\"}",
        "{\"written_protocol\": \"stmt\"}",
        "{\"written_protocol\": \"stmt2\"}",
        "{\"written_protocol\": \"raw\"}",
        "{\"written_concurrent\": 1, \"workers_per_vgroup\": 64}",
        "{\"cache\": {\"on_fail\": \"break\", \"max_size\": \"10GB\", \"keep_days\": 7}}",
        "{\"cache\": {}}",
        /* replace_dot_in_table_name agrees with the illegal-character policy */
        "{\"table_name_contains_illegal_char\": {\"replace_to\": \"-\"},"
        " \"replace_dot_in_table_name\": \"-\"}",
        "{\"replace_dot_in_table_name\": \"_\", \"table_name_contains_illegal_char\":"
        " {\"replace_to\": \"_\"}}",
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        p = load_ok(good[i]);
        k2td_write_policy_free(&p);
    }

    static const char *const bad[][2] = {
        {"{\"identifier_case_insensitive\": \"yes\"}",
         "parser.global.identifier_case_insensitive: must be true or false, not a string"},
        {"{\"written_protocol\": \"native\"}",
         "parser.global.written_protocol: \"native\" is not one of \"auto\", \"sql\", \"stmt\", "
         "\"stmt2\", \"raw\""},
        {"{\"written_protocol\": 1}",
         "parser.global.written_protocol: must be one of \"auto\", \"sql\", \"stmt\", "
         "\"stmt2\", \"raw\", not a number"},
        {"{\"written_method\": \"serial\"}",
         "parser.global.written_method: \"serial\" is not one of \"concurrent\""},
        {"{\"written_concurrent\": 0}",
         "parser.global.written_concurrent: must be an integer from 1 to 2147483647, not 0"},
        {"{\"workers_per_vgroup\": -4}",
         "parser.global.workers_per_vgroup: must be an integer from 1 to 2147483647, not -4"},
        {"{\"null_values\": \"N/A\"}",
         "parser.global.null_values: \"N/A\" is not supported: k2td reads no text value as NULL "
         "(a JSON null is NULL); only \"null\" is accepted"},
        {"{\"null_values\": [\"null\"]}",
         "parser.global.null_values: must be one of \"null\", not an array"},
        {"{\"cache\": {\"on_fail\": \"rotate\"}}",
         "parser.global.cache.on_fail: \"rotate\" is not one of skip, break"},
        {"{\"cache\": {\"max_size\": -1}}",
         "parser.global.cache.max_size: must be a number of GiB from 0 to 65535 or a size such "
         "as \"512MB\" or \"1073741824\" (bytes) up to 65535GiB, not -1"},
        {"{\"cache\": {\"rotate_count\": 0}}",
         "parser.global.cache.rotate_count: must be an integer from 1 to 1000, not 0"},
        {"{\"cache\": {\"keep_days\": -1}}",
         "parser.global.cache.keep_days: must be an integer from 0 to 2147483647, not -1"},
        {"{\"cache\": {\"dir\": \"x\"}}", "parser.global.cache.dir: unknown key"},
        {"{\"cache\": []}", "parser.global.cache: must be an object, not an array"},
        {"{\"replace_dot_in_table_name\": \"-\"}",
         "parser.global.replace_dot_in_table_name: k2td replaces dots as "
         "table_name_contains_illegal_char says; write \"table_name_contains_illegal_char\": "
         "{\"replace_to\": \"-\"} instead"},
        {"{\"replace_dot_in_table_name\": \"_\", \"table_name_contains_illegal_char\": "
         "\"skip\"}",
         "parser.global.replace_dot_in_table_name: k2td replaces dots as "
         "table_name_contains_illegal_char says; write \"table_name_contains_illegal_char\": "
         "{\"replace_to\": \"_\"} instead"},
        {"{\"replace_dot_in_table_name\": 1}",
         "parser.global.replace_dot_in_table_name: must be a string, not a number"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) check_error(bad[i][0], bad[i][1]);
}

/* ---- the object itself ---- */

static void test_global_errors(void) {
    static const char *const bad[][2] = {
        {"[]", "parser.global: must be an object, not an array"},
        {"\"archive\"", "parser.global: must be an object, not a string"},
        {"{\"on_error\": \"skip\"}", "parser.global.on_error: unknown key"},
        {"{\"ingesting_eror\": \"skip\"}",
         "parser.global.ingesting_eror: unknown key (did you mean `ingesting_error`?)"},
        {"{\"ingesting_error\": \"skip\", \"ingesting_error\": \"break\"}",
         "parser.global.ingesting_error: key given twice"},
        /* an error after a replace_to was read releases it (ASan checks) */
        {"{\"table_name_contains_illegal_char\": {\"replace_to\": \"-\"}, \"ingesting_error\": "
         "\"drop\"}",
         "parser.global.ingesting_error: \"drop\" is not one of archive, skip, break"},
        /* long values are cut in the message */
        {"{\"ingesting_error\": "
         "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
         "parser.global.ingesting_error: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" "
         "is not one of archive, skip, break"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) check_error(bad[i][0], bad[i][1]);

    /* the path given is the one messages use */
    cJSON *root = cJSON_Parse("{\"ingesting_error\": \"x\"}");
    k2td_write_policy_t p;
    char err[256];
    CHECK_INT(k2td_write_policy_from_json(root, "task.parser.global", &p, err, sizeof(err)), -1);
    CHECK_STR(err, "task.parser.global.ingesting_error: \"x\" is not one of archive, skip, break");
    cJSON_Delete(root);
}

static void test_action_names(void) {
    static const char *const want[] = {
        "archive", "skip", "break", "truncate", "truncate_and_archive", "replace_to",
        "use_current_time", "leave_blank", "add_field", "retry", "cache", "ignore", "rotate",
        "wait",
    };
    for (int a = K2TD_ACT_ARCHIVE; a <= K2TD_ACT_WAIT; a++)
        CHECK_STR(k2td_policy_action_name((k2td_policy_action_t)a), want[a]);
    CHECK_STR(k2td_policy_action_name((k2td_policy_action_t)(K2TD_ACT_WAIT + 1)), "?");
    CHECK_STR(k2td_policy_action_name((k2td_policy_action_t)-1), "?");
}

static void test_archive_location_confined(void) {
    static const struct {
        const char *location;
        int ok;
    } cases[] = {{"archived", 1}, {"a/b", 1}, {"..x/y", 1}, {"a/..b", 1}, {"/var/k2td", 0},
                 {"..", 0}, {"../x", 0}, {"a/../../x", 0}, {"a/..", 0}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char json[128], err[256] = "";
        snprintf(json, sizeof(json), "{\"archive\": {\"location\": \"%s\"}}",
                 cases[i].location);
        k2td_write_policy_t p = load_ok(json); /* the CLI's operator may say anything */
        int rc = k2td_write_policy_check_confined(&p, "task.parser.global", err, sizeof(err));
        CHECK_INT(rc, cases[i].ok ? 0 : -1);
        if (!cases[i].ok)
            CHECK(strncmp(err, "task.parser.global.archive.location: `", 38) == 0);
        k2td_write_policy_free(&p);
    }
}

int main(void) {
    RUN(test_archive_location_confined);
    RUN(test_every_policy_against_every_name);
    RUN(test_policy_defaults_and_null);
    RUN(test_replace_to);
    RUN(test_field_length_extend_and_timeout);
    RUN(test_archive_sizes);
    RUN(test_archive_object);
    RUN(test_ignored_keys);
    RUN(test_global_errors);
    RUN(test_action_names);
    return test_finish();
}
