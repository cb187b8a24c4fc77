/*
 * test_kafka_dsn.c - the Kafka source DSN: brokers, every key, defaults,
 * passthrough properties, percent-decoding, ByTime, ids and redaction.
 */
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "task/kafka_dsn.h"
#include "test.h"

/* Parses dsn, expecting success. */
static int parse_ok(const char *dsn, k2td_kafka_conf_t *c) {
    char err[512] = "";
    int rc = k2td_kafka_dsn_parse(dsn, c, err, sizeof(err));
    if (rc != 0) fprintf(stderr, "`%s`: %s\n", dsn, err);
    return rc;
}

/* Returns the value of key in c as the key table prints it (static buffer). */
static const char *value_of(const k2td_kafka_conf_t *c, const char *key) {
    static char text[512];
    k2td_buf_t b = K2TD_BUF_INIT;
    if (k2td_cm_put_value(k2td_cm_find(k2td_kafka_dsn_keys(), key), c, &b) != 0)
        k2td_buf_puts(&b, "(unset)");
    snprintf(text, sizeof(text), "%s", b.data ? b.data : "");
    k2td_buf_free(&b);
    return text;
}

static void test_defaults(void) {
    k2td_kafka_conf_t c;
    CHECK_INT(parse_ok("kafka://localhost:9092?topics=abc", &c), 0);
    CHECK_STR(c.brokers, "localhost:9092");
    CHECK_INT(c.topics.n, 1);
    CHECK_STR(c.topics.items[0], "abc");
    CHECK(c.group == NULL);
    CHECK(c.client_id == NULL);
    CHECK_STR(c.id_prefix, "taosx");
    CHECK_INT(c.with_task_id, 0);
    CHECK_INT(c.fallback_offset, K2TD_KAFKA_OFFSET_EARLIEST);
    CHECK(c.start_time == NULL);
    CHECK_INT(c.timeout_ms, 0);
    CHECK_INT(c.fetch_max_wait_ms, 100);
    CHECK_INT(c.commit_interval_ms, 5000);
    CHECK_INT(c.batch_size, 10000);
    CHECK_INT(c.batch_timeout_ms, 1000);
    CHECK_INT(c.fetch_min_bytes, 1);
    CHECK_INT(c.fetch_max_bytes_per_partition, 1048576);
    CHECK_INT(c.npassthrough, 0);
    k2td_kafka_conf_free(&c);
    CHECK(c.brokers == NULL && c.topics.n == 0 && c.id_prefix == NULL);
    k2td_kafka_conf_free(&c); /* twice is fine */
}

static void test_every_key(void) {
    static const struct {
        const char *key, *value, *want;
    } cases[] = {
        {"topics", "a,b,c", "a,b,c"},
        {"topics", "tp1", "tp1"},
        {"group", "abcgroup", "abcgroup"},
        {"group", "", ""},
        {"client_id", "foo", "foo"},
        {"id_prefix", "k2td-", "k2td-"},
        {"id_prefix", "", ""},
        {"with_task_id", "true", "true"},
        {"with_task_id", "false", "false"},
        {"group_with_task_id", "true", "true"},
        {"client_id_with_task_id", "yes", "true"},
        {"fallback_offset", "latest", "latest"},
        {"timeout", "5s", "5s"},
        {"timeout", "0", "0"},
        {"timeout", "never", "0"},
        {"timeout", "-1", "0"},
        {"timeout", "1d", "1d"},
        {"timeout", "300", "300ms"},
        {"fetch_max_wait_time", "500ms", "500ms"},
        {"fetch_max_wait_time", "0", "0"},
        {"commit_interval", "1s", "1s"},
        {"batch_size", "1", "1"},
        {"batch_size", "1000000", "1000000"},
        {"batch_timeout", "250ms", "250ms"},
        {"fetch_min_bytes", "1024", "1024"},
        {"fetch_max_bytes_per_partition", "65536", "65536"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char dsn[256];
        snprintf(dsn, sizeof(dsn), "kafka://h:9092?topics=t&%s=%s", cases[i].key, cases[i].value);
        k2td_kafka_conf_t c;
        CHECK_INT(parse_ok(dsn, &c), 0);
        CHECK_STR(value_of(&c, cases[i].key), cases[i].want);
        k2td_kafka_conf_free(&c);
    }
}

static void test_fallback_offset_names(void) {
    static const struct {
        const char *name;
        int want;
    } cases[] = {
        {"Smallest", K2TD_KAFKA_OFFSET_EARLIEST}, {"Earliest", K2TD_KAFKA_OFFSET_EARLIEST},
        {"Beginning", K2TD_KAFKA_OFFSET_EARLIEST}, {"earliest", K2TD_KAFKA_OFFSET_EARLIEST},
        {"SMALLEST", K2TD_KAFKA_OFFSET_EARLIEST}, {"Largest", K2TD_KAFKA_OFFSET_LATEST},
        {"Latest", K2TD_KAFKA_OFFSET_LATEST},     {"End", K2TD_KAFKA_OFFSET_LATEST},
        {"end", K2TD_KAFKA_OFFSET_LATEST},        {"Error", K2TD_KAFKA_OFFSET_ERROR},
        {"ERROR", K2TD_KAFKA_OFFSET_ERROR},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char dsn[128];
        snprintf(dsn, sizeof(dsn), "kafka://h:9092?topics=t&fallback_offset=%s", cases[i].name);
        k2td_kafka_conf_t c;
        CHECK_INT(parse_ok(dsn, &c), 0);
        CHECK_INT(c.fallback_offset, cases[i].want);
        k2td_kafka_conf_free(&c);
    }
}

static void test_brokers(void) {
    static const struct {
        const char *dsn, *brokers;
    } cases[] = {
        {"kafka://h1:9092,h2:9093?topics=t", "h1:9092,h2:9093"},
        {"KAFKA://h1:9092?topics=t", "h1:9092"},
        {"kafka://10.0.0.1:1?topics=t", "10.0.0.1:1"},
        {"kafka://my-broker_1.example.com:65535?topics=t", "my-broker_1.example.com:65535"},
        {"kafka://[::1]:9092,[fe80::1]:9093?topics=t", "[::1]:9092,[fe80::1]:9093"},
        {"kafka://h1:9092/?topics=t", "h1:9092"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        k2td_kafka_conf_t c;
        CHECK_INT(parse_ok(cases[i].dsn, &c), 0);
        CHECK_STR(c.brokers, cases[i].brokers);
        k2td_kafka_conf_free(&c);
    }
}

static void test_errors(void) {
    static const struct {
        const char *dsn, *err;
    } cases[] = {
        {"", "kafka DSN: must start with kafka://"},
        {"taos://h:9092?topics=t", "kafka DSN: must start with kafka://"},
        {"kafka://?topics=t", "kafka DSN: no broker given (write kafka://host:9092?topics=...)"},
        {"kafka://h1?topics=t", "broker `h1`: missing port"},
        {"kafka://h1:9092,h2?topics=t", "broker `h2`: missing port"},
        {"kafka://h1:?topics=t", "broker `h1:`: missing port"},
        {"kafka://:9092?topics=t", "broker `:9092`: missing host"},
        {"kafka://h1:0?topics=t", "broker `h1:0`: the port must be a number 1..65535"},
        {"kafka://h1:65536?topics=t", "broker `h1:65536`: the port must be a number 1..65535"},
        {"kafka://h1:99999999999999999999?topics=t",
         "broker `h1:99999999999999999999`: the port must be a number 1..65535"},
        {"kafka://h1:90x?topics=t", "broker `h1:90x`: the port must be a number 1..65535"},
        {"kafka://h 1:9092?topics=t", "broker `h 1:9092`: invalid character ` ` in the host"},
        {"kafka://::1:9092?topics=t", "broker `::1:9092`: missing host"},
        {"kafka://fe80::1:9092?topics=t", "broker `fe80::1:9092`: the port must be a number "
         "1..65535"},
        {"kafka://[::1?topics=t", "broker `[::1`: missing `]` after the IPv6 address"},
        {"kafka://[::1]?topics=t", "broker `[::1]`: missing port"},
        {"kafka://[]:9092?topics=t", "broker `[]:9092`: missing host"},
        {"kafka://[::1]9092?topics=t", "broker `[::1]9092`: expected `:port` after `]`"},
        {"kafka://h1:9092,,h2:9092?topics=t", "kafka DSN: empty entry in the broker list"},
        {"kafka://h1:9092,?topics=t", "kafka DSN: empty entry in the broker list"},
        {"kafka://user:secret@h1:9092?topics=t",
         "kafka DSN: credentials before `@` are not supported; give sasl.username and "
         "sasl.password as query keys"},
        {"kafka://h1:9092/x?topics=t",
         "kafka DSN: unexpected path after the brokers (write ?topics=... right after them)"},
        {"kafka://h1:9092", "key `topics` is required"},
        {"kafka://h1:9092?group=g", "key `topics` is required"},
        {"kafka://h1:9092?topics=", "key `topics` is required"},
        {"kafka://h1:9092?topics=a,,b", "key `topics`: empty item in `a,,b`"},
        {"kafka://h1:9092?topics=a,b,a", "key `topics`: `a` is listed twice"},
        {"kafka://h:1?topics=t&timeout=5q",
         "key `timeout`: `5q` is not a duration (use e.g. 500ms, 5s, 5m, 6h, 1d, or 0/never)"},
        {"kafka://h:1?topics=t&commit_interval=never",
         "key `commit_interval`: `never` is not a duration (use e.g. 500ms, 5s, 5m, 6h, 1d)"},
        {"kafka://h:1?topics=t&commit_interval=0",
         "key `commit_interval`: `0` is out of range (1ms..1d)"},
        {"kafka://h:1?topics=t&fetch_max_wait_time=6m",
         "key `fetch_max_wait_time`: `6m` is out of range (0..5m)"},
        {"kafka://h:1?topics=t&batch_size=0", "key `batch_size`: `0` is out of range (1..1000000)"},
        {"kafka://h:1?topics=t&batch_size=1000001",
         "key `batch_size`: `1000001` is out of range (1..1000000)"},
        {"kafka://h:1?topics=t&batch_size=ten", "key `batch_size`: `ten` is not an integer"},
        {"kafka://h:1?topics=t&batch_timeout=0", "key `batch_timeout`: `0` is out of range (at "
         "least 1ms)"},
        {"kafka://h:1?topics=t&fetch_min_bytes=0",
         "key `fetch_min_bytes`: `0` is out of range (1..100000000)"},
        {"kafka://h:1?topics=t&fetch_max_bytes_per_partition=-5",
         "key `fetch_max_bytes_per_partition`: `-5` is out of range (1..1000000000)"},
        {"kafka://h:1?topics=t&with_task_id=maybe",
         "key `with_task_id`: `maybe` is not a boolean (use true or false)"},
        {"kafka://h:1?topics=t&fallback_offset=oldest",
         "key `fallback_offset`: `oldest` is not one of earliest, latest, bytime, error"},
        {"kafka://h:1?topics=t&topic=t", "unknown key `topic` (did you mean `topics`?)"},
        {"kafka://h:1?topics=t&Group.Id=g", "unknown key `Group.Id`"},
        {"kafka://h:1?topics=t&frobnicate=1", "unknown key `frobnicate`"},
        {"kafka://h:1?topics=t&=v", "kafka DSN: a query parameter has no key"},
        {"kafka://h:1?topics=t&sasl_password=", "key `sasl_password`: must not be empty"},
        {"kafka://h:1?topics=t&sasl_mechanism=KERBEROS",
         "key `sasl_mechanism`: `KERBEROS` is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, "
         "GSSAPI, OAUTHBEARER"},
        {"kafka://h:1?topics=t&char_encoding=KOI8",
         "key `char_encoding`: `KOI8` is not one of UTF_8, GBK, GB18030, BIG5"},
        {"kafka://h:1?topics=t&read_concurrency=2", "key `read_concurrency` is not supported yet"},
        {"kafka://h:1?topics=%zz", "key `topics`: bad percent-escape in the value (write %XX, not "
         "%00)"},
        {"kafka://h:1?topics=a%00b", "key `topics`: bad percent-escape in the value (write %XX, "
         "not %00)"},
        {"kafka://h:1?topics=a%4", "key `topics`: bad percent-escape in the value (write %XX, not "
         "%00)"},
        {"kafka://h:1?top%ics=t", "kafka DSN: key `top%ics`: bad percent-escape (write %XX, not "
         "%00)"},
        {"kafka://h:1?topics=t&start_time=yesterday",
         "key `start_time`: `yesterday` is neither epoch milliseconds nor an RFC 3339 time "
         "(e.g. 2024-05-01T00:00:00Z)"},
        {"kafka://h:1?topics=t&start_time=2024-05-01T00:00:00",
         "key `start_time`: `2024-05-01T00:00:00` has no time zone (end it with Z or +hh:mm)"},
        {"kafka://h:1?topics=t&start_time=1969-12-31T23:59:59Z",
         "key `start_time`: `1969-12-31T23:59:59Z` is before 1970"},
        {"kafka://h:1?topics=t&start_time=-5", "key `start_time`: `-5` is before 1970"},
        {"kafka://h:1?topics=t&start_time=2024-02-30T00:00:00Z",
         "key `start_time`: `2024-02-30T00:00:00Z` is neither epoch milliseconds nor an RFC 3339 "
         "time (e.g. 2024-05-01T00:00:00Z)"},
        {"kafka://h:1?topics=t&fallback_offset=bytime",
         "fallback_offset=bytime needs key `start_time` (epoch milliseconds or an RFC 3339 time "
         "with a zone)"},
        {"kafka://h:1?topics=t&fallback_offset=latest&start_time=0",
         "key `start_time` needs fallback_offset=bytime, not `latest`"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        k2td_kafka_conf_t c;
        char err[512] = "";
        CHECK_INT(k2td_kafka_dsn_parse(cases[i].dsn, &c, err, sizeof(err)), -1);
        CHECK_STR(err, cases[i].err);
        /* nothing to free after a failure */
        CHECK(c.brokers == NULL && c.topics.items == NULL && c.id_prefix == NULL &&
              c.passthrough == NULL);
    }
}

static void test_secrets_never_in_errors(void) {
    static const char *const dsns[] = {
        "kafka://u:hunter2@h:1?topics=t",
        "kafka://h:1?topics=t&sasl.password=hunter2%zz",
        "kafka://h:1?topics=t&sasl.password=hunter2%00",
    };
    for (size_t i = 0; i < sizeof(dsns) / sizeof(dsns[0]); i++) {
        k2td_kafka_conf_t c;
        char err[512] = "";
        CHECK_INT(k2td_kafka_dsn_parse(dsns[i], &c, err, sizeof(err)), -1);
        CHECK(err[0] != '\0');
        CHECK(strstr(err, "hunter2") == NULL);
    }
}

static void test_passthrough(void) {
    k2td_kafka_conf_t c;
    CHECK_INT(parse_ok("kafka://h:1?topics=T&group.id=G&auto.offset.reset=earliest"
                       "&session.timeout.ms=6000&group.id=H&sasl.jaas.config=x%3Dy",
                       &c),
              0);
    CHECK_INT(c.npassthrough, 5);
    static const char *const want[][2] = {
        {"group.id", "G"}, {"auto.offset.reset", "earliest"}, {"session.timeout.ms", "6000"},
        {"group.id", "H"}, {"sasl.jaas.config", "x=y"},
    };
    for (size_t i = 0; i < 5 && i < c.npassthrough; i++) {
        CHECK_STR(c.passthrough[i].key, want[i][0]);
        CHECK_STR(c.passthrough[i].value, want[i][1]);
    }
    CHECK(c.group == NULL);
    k2td_kafka_conf_free(&c);
    CHECK(c.passthrough == NULL && c.npassthrough == 0);
}

/* taosX's SASL/SSL keys become librdkafka properties, with the
 * security.protocol taosX derives unless the DSN gives one. */
static void test_taosx_security_keys(void) {
    static const struct {
        const char *query;
        const char *want; /* "key=value;..." of the properties, in order */
    } cases[] = {
        {"sasl_mechanism=PLAIN&sasl_username=u&sasl_password=p%26w",
         "sasl.mechanisms=PLAIN;sasl.username=u;sasl.password=p&w;"
         "security.protocol=sasl_plaintext;"},
        {"sasl_mechanism=SCRAM-SHA-256&sasl_username=u&sasl_password=p&ca=@/d/ca.pem",
         "sasl.mechanisms=SCRAM-SHA-256;sasl.username=u;sasl.password=p;"
         "ssl.ca.location=/d/ca.pem;security.protocol=sasl_ssl;"},
        {"ca=@ca.pem&cert=@c.pem&cert_key=@k.pem&ca_password=x",
         "ssl.ca.location=ca.pem;ssl.certificate.location=c.pem;ssl.key.location=k.pem;"
         "ssl.key.password=x;security.protocol=ssl;"},
        {"ca=-----BEGIN%20CERTIFICATE-----", "ssl.ca.pem=-----BEGIN CERTIFICATE-----;"
                                              "security.protocol=ssl;"},
        {"sasl_mechanism=GSSAPI&sasl_kerberos_service_name=kafka&sasl_kerberos_principal=k"
         "&sasl_kerberos_keytab=@/d/k.keytab&security.protocol=SASL_SSL",
         "sasl.mechanisms=GSSAPI;sasl.kerberos.service.name=kafka;sasl.kerberos.principal=k;"
         "sasl.kerberos.keytab=/d/k.keytab;security.protocol=SASL_SSL;"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char dsn[512], err[256], got[512] = "";
        snprintf(dsn, sizeof(dsn), "kafka://h:1?topics=t&%s", cases[i].query);
        k2td_kafka_conf_t c;
        CHECK_INT(k2td_kafka_dsn_parse(dsn, &c, err, sizeof(err)), 0);
        size_t o = 0;
        for (size_t k = 0; k < c.npassthrough; k++)
            o += (size_t)snprintf(got + o, sizeof(got) - o, "%s=%s;", c.passthrough[k].key,
                                  c.passthrough[k].value);
        CHECK_STR(got, cases[i].want);
        k2td_kafka_conf_free(&c);
    }
}

/* Kerberos names reach kinit's command line: a strict character set,
 * whoever writes the DSN; a keytab path may not close the quotes */
static void test_kerberos_names(void) {
    static const char *const bad[] = {
        "sasl_kerberos_principal=x%3Btouch%20/tmp/y", "sasl.kerberos.principal=a$(id)",
        "sasl_kerberos_service_name=kafka%20x", "sasl.kerberos.service.name=k`id`",
        "sasl.kerberos.principal=a'b", "sasl_kerberos_keytab=@/tmp/a'%3Bid%3B'",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char dsn[256], err[256] = "";
        snprintf(dsn, sizeof(dsn), "kafka://h:1?topics=t&%s", bad[i]);
        k2td_kafka_conf_t c;
        CHECK_INT(k2td_kafka_dsn_parse(dsn, &c, err, sizeof(err)), -1);
        CHECK(strstr(err, "key `sasl") != NULL);
        CHECK(strstr(err, "touch") == NULL && strstr(err, "id") == NULL);
    }
    k2td_kafka_conf_t c;
    CHECK_INT(parse_ok("kafka://h:1?topics=t&sasl_kerberos_principal=kafka/h-1.example.com@EX.COM"
                       "&sasl_kerberos_service_name=kafka_1",
                       &c),
              0);
    k2td_kafka_conf_free(&c);
}

static void test_percent_decoding_and_repeats(void) {
    k2td_kafka_conf_t c;
    CHECK_INT(parse_ok("kafka://h:1?topics=a%2Cb,c&group=g%26h%3D1+2%25&client%5Fid=x"
                       "&sasl.password=p%40ss%26w&group=last&timeout=5s&timeout=7s&&flag.x",
                       &c),
              0);
    /* %2C decodes inside one value, so the list splits after decoding */
    CHECK_INT(c.topics.n, 3);
    CHECK_STR(c.topics.items[0], "a");
    CHECK_STR(c.topics.items[1], "b");
    CHECK_STR(c.group, "last");
    CHECK_STR(c.client_id, "x");
    CHECK_INT(c.timeout_ms, 7000);
    CHECK_INT(c.npassthrough, 2);
    CHECK_STR(c.passthrough[0].value, "p@ss&w");
    CHECK_STR(c.passthrough[1].key, "flag.x");
    CHECK_STR(c.passthrough[1].value, "");
    k2td_kafka_conf_free(&c);
    CHECK_INT(parse_ok("kafka://h:1?topics=t&group=g%26h%3D1+2%25", &c), 0);
    CHECK_STR(c.group, "g&h=1+2%");
    k2td_kafka_conf_free(&c);
}

static void test_start_time(void) {
    static const struct {
        const char *dsn;
        int64_t ms;
    } cases[] = {
        {"kafka://h:1?topics=t&start_time=1714521600000", 1714521600000},
        {"kafka://h:1?topics=t&start_time=0", 0},
        {"kafka://h:1?topics=t&start_time=2024-05-01T00:00:00Z", 1714521600000},
        {"kafka://h:1?topics=t&start_time=2024-05-01T08:00:00.123%2B08:00", 1714521600123},
        {"kafka://h:1?topics=t&start_time=2024-04-30T20:00:00-04:00", 1714521600000},
        {"kafka://h:1?topics=t&fallback_offset=ByTime&start_time=2024-05-01T00:00:00Z",
         1714521600000},
        {"kafka://h:1?topics=t&start_time=2024-05-01T00:00:00Z&fallback_offset=bytime",
         1714521600000},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        k2td_kafka_conf_t c;
        CHECK_INT(parse_ok(cases[i].dsn, &c), 0);
        CHECK_INT(c.fallback_offset, K2TD_KAFKA_OFFSET_BYTIME);
        CHECK_INT(c.start_time_ms, cases[i].ms);
        CHECK(c.start_time != NULL);
        k2td_kafka_conf_free(&c);
    }
    /* an empty start_time is no start_time */
    k2td_kafka_conf_t c;
    CHECK_INT(parse_ok("kafka://h:1?topics=t&start_time=", &c), 0);
    CHECK(c.start_time == NULL);
    CHECK_INT(c.fallback_offset, K2TD_KAFKA_OFFSET_EARLIEST);
    k2td_kafka_conf_free(&c);
}

static void test_id_generate(void) {
    static const struct {
        const char *prefix, *task_id, *text, *want;
    } cases[] = {
        {"taosx", NULL, "foo", "taosxfoo"},
        {"taosx", "100", "foo", "taosx100foo"},
        {"", NULL, "foo", "foo"},
        {NULL, NULL, "foo", "foo"},
        {"", "7", "g", "7g"},
        {"k2td-", "x", "-grp", "k2td-x-grp"},
        {"taosx", "100", "", NULL},
        {"taosx", "100", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *id = k2td_kafka_id_generate(cases[i].prefix, cases[i].task_id, cases[i].text);
        if (cases[i].want) CHECK_STR(id, cases[i].want);
        else CHECK(id == NULL);
        free(id);
    }
}

static void test_print_redacts_and_round_trips(void) {
    const char *dsn = "kafka://h1:9092,h2:9092?topics=a,b&group=g%26x&client_id=c"
                      "&with_task_id=1&start_time=2024-05-01T00:00:00%2B08:00&timeout=90m"
                      "&sasl.username=alice&sasl.password=hunter2&ssl.key.pem=PEMDATA"
                      "&sasl.oauthbearer.client.secret=s3&sasl.jaas.config=j"
                      "&ssl.keystore.password=k&session.timeout.ms=6000";
    k2td_kafka_conf_t c;
    CHECK_INT(parse_ok(dsn, &c), 0);
    k2td_buf_t out = K2TD_BUF_INIT;
    k2td_kafka_conf_print(&c, &out);
    CHECK_STR(out.data,
              "kafka://h1:9092,h2:9092?topics=a,b&group=g%26x&client_id=c&id_prefix=taosx"
              "&with_task_id=true&group_with_task_id=false&client_id_with_task_id=false"
              "&enable_group_instance_id=true&fallback_offset=bytime"
              "&start_time=2024-05-01T00:00:00%2B08:00"
              "&timeout=1h30m&fetch_max_wait_time=100ms&commit_interval=5s&batch_size=10000"
              "&batch_timeout=1s&fetch_min_bytes=1&fetch_max_bytes_per_partition=1048576"
              "&char_encoding=UTF_8&health_check_window_in_second=0&busy_threshold=100%25"
              "&max_errors_in_window=0&sasl.username=alice&sasl.password=***&ssl.key.pem=***"
              "&sasl.oauthbearer.client.secret=***&sasl.jaas.config=***"
              "&ssl.keystore.password=***&session.timeout.ms=6000");
    CHECK(strstr(out.data, "hunter2") == NULL && strstr(out.data, "PEMDATA") == NULL);
    /* the printed form parses back to the same settings */
    k2td_kafka_conf_t again;
    CHECK_INT(parse_ok(out.data, &again), 0);
    k2td_buf_t out2 = K2TD_BUF_INIT;
    k2td_kafka_conf_print(&again, &out2);
    CHECK_STR(out2.data, out.data);
    CHECK_INT(again.start_time_ms, c.start_time_ms);
    k2td_buf_free(&out);
    k2td_buf_free(&out2);
    k2td_kafka_conf_free(&again);
    k2td_kafka_conf_free(&c);
}

static void test_help_lists_every_key(void) {
    k2td_buf_t b = K2TD_BUF_INIT;
    k2td_cm_help(k2td_kafka_dsn_keys(), &b);
    for (const k2td_cm_entry_t *e = k2td_kafka_dsn_keys(); e->key; e++) {
        char line[128];
        snprintf(line, sizeof(line), "  %s (", e->key);
        CHECK(strstr(b.data, line) != NULL);
        CHECK(e->desc && *e->desc);
    }
    CHECK(strstr(b.data, "(earliest|latest|bytime|error; also smallest, beginning, largest, end; "
                         "default earliest)") != NULL);
    CHECK(strstr(b.data, "timeout (duration; 0, never or -1 = forever; default 0)") !=
          NULL);
    k2td_buf_free(&b);
}

int main(void) {
    RUN(test_defaults);
    RUN(test_every_key);
    RUN(test_fallback_offset_names);
    RUN(test_brokers);
    RUN(test_errors);
    RUN(test_secrets_never_in_errors);
    RUN(test_passthrough);
    RUN(test_taosx_security_keys);
    RUN(test_kerberos_names);
    RUN(test_percent_decoding_and_repeats);
    RUN(test_start_time);
    RUN(test_id_generate);
    RUN(test_print_redacts_and_round_trips);
    RUN(test_help_lists_every_key);
    return test_finish();
}
