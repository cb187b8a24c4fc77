/*
 * test_taos_dsn.c - the target DSN parser: accepted forms, rejected forms,
 * and that no error or log form ever shows the password.
 */
#include <stdlib.h>

#include "task/taos_dsn.h"
#include "test.h"

#define SECRET "S3cr3tPw"

static void test_full_dsn(void) {
    k2td_taos_dsn_t d;
    char err[256] = "";
    CHECK_INT(k2td_taos_dsn_parse("taos+http://alice:" SECRET "@td.example.com:6042/power", &d, err,
                                  sizeof(err)),
              0);
    CHECK_STR(d.base_url, "http://td.example.com:6042");
    CHECK_STR(d.host, "td.example.com");
    CHECK_STR(d.user, "alice");
    CHECK_STR(d.password, SECRET);
    CHECK_STR(d.db, "power");
    CHECK_INT(d.port, 6042);
    CHECK_INT(d.tls, 0);
    k2td_taos_dsn_clear(&d);
    CHECK(d.base_url == NULL && d.password == NULL && d.port == 0);
    k2td_taos_dsn_clear(&d); /* twice is harmless */
}

static void test_schemes(void) {
    static const struct {
        const char *dsn;
        int tls;
        const char *base;
    } cases[] = {
        {"taos+http://u:p@h/db", 0, "http://h:6041"},
        {"http://u:p@h/db", 0, "http://h:6041"},
        {"taos+https://u:p@h/db", 1, "https://h:6041"},
        {"https://u:p@h:443/db", 1, "https://h:443"},
        {"TAOS+HTTP://u:p@h/db", 0, "http://h:6041"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        k2td_taos_dsn_t d;
        char err[256] = "";
        CHECK_INT(k2td_taos_dsn_parse(cases[i].dsn, &d, err, sizeof(err)), 0);
        CHECK_INT(d.tls, cases[i].tls);
        CHECK_STR(d.base_url, cases[i].base);
        k2td_taos_dsn_clear(&d);
    }
}

static void test_defaults(void) {
    k2td_taos_dsn_t d;
    char err[256] = "";
    CHECK_INT(k2td_taos_dsn_parse("taos+http://localhost/db1/", &d, err, sizeof(err)), 0);
    CHECK_INT(d.port, 6041);
    CHECK_STR(d.user, "root");
    CHECK_STR(d.password, "taosdata");
    CHECK_STR(d.db, "db1");
    k2td_taos_dsn_clear(&d);

    CHECK_INT(k2td_taos_dsn_parse("taos+http://reader@localhost/db1", &d, err, sizeof(err)), 0);
    CHECK_STR(d.user, "reader");
    CHECK_STR(d.password, "");
    k2td_taos_dsn_clear(&d);
}

static void test_percent_decoding(void) {
    k2td_taos_dsn_t d;
    char err[256] = "";
    CHECK_INT(k2td_taos_dsn_parse("taos+http://my%40user:p%40ss%2Fw%3Ard%25@h:6041/db", &d, err,
                                  sizeof(err)),
              0);
    CHECK_STR(d.user, "my@user");
    CHECK_STR(d.password, "p@ss/w:rd%");
    k2td_taos_dsn_clear(&d);

    /* Unescaped '@', '/', ':' and '?' in the password: credentials run to the last '@'. */
    CHECK_INT(k2td_taos_dsn_parse("taos+http://root:pa@s/s:w?d@h:6041/db", &d, err, sizeof(err)), 0);
    CHECK_STR(d.user, "root");
    CHECK_STR(d.password, "pa@s/s:w?d");
    CHECK_STR(d.host, "h");
    CHECK_STR(d.db, "db");
    k2td_taos_dsn_clear(&d);
}

static void test_ipv6(void) {
    k2td_taos_dsn_t d;
    char err[256] = "";
    CHECK_INT(k2td_taos_dsn_parse("taos+http://u:p@[::1]:6050/db", &d, err, sizeof(err)), 0);
    CHECK_STR(d.host, "::1");
    CHECK_INT(d.port, 6050);
    CHECK_STR(d.base_url, "http://[::1]:6050");
    k2td_taos_dsn_clear(&d);
    CHECK_INT(k2td_taos_dsn_parse("taos+http://u:p@[fe80::2]/db", &d, err, sizeof(err)), 0);
    CHECK_STR(d.base_url, "http://[fe80::2]:6041");
    k2td_taos_dsn_clear(&d);
}

/* Each bad DSN must fail, leave the struct zeroed, name the problem, and
 * never show the password. */
static void test_rejected(void) {
    static const struct {
        const char *dsn;
        const char *expect; /* a piece of the message */
    } cases[] = {
        {"", "empty"},
        {"td.example.com:6041/db", "no scheme"},
        {"taos+ws://u:" SECRET "@h:6041/db", "not supported, use taos+http"},
        {"taos+wss://u:" SECRET "@h:6041/db", "'taos+wss' (WebSocket) is not supported"},
        {"taos://u:" SECRET "@h:6030/db", "native connection"},
        {"ftp://u:" SECRET "@h/db", "'ftp' is not supported"},
        {"u:" SECRET "@h://db", "scheme is invalid"},
        {"taos+http://u:" SECRET "@:6041/db", "host is missing"},
        {"taos+http://u:" SECRET "@/db", "host is missing"},
        {"taos+http://u:" SECRET "@h:6041", "database is missing"},
        {"taos+http://u:" SECRET "@h:6041/", "database is missing"},
        {"taos+http://u:" SECRET "@h:0/db", "port"},
        {"taos+http://u:" SECRET "@h:65536/db", "port"},
        {"taos+http://u:" SECRET "@h:/db", "port"},
        {"taos+http://u:" SECRET "@h:60x1/db", "port"},
        {"taos+http://u:" SECRET "@h:6041/db-1", "letters, digits and '_'"},
        {"taos+http://u:" SECRET "@h:6041/a/b", "letters, digits and '_'"},
        {"taos+http://u:" SECRET "@h:6041/1db", "start with a digit"},
        {"taos+http://u:" SECRET "@h:6041/"
         "a2345678901234567890123456789012345678901234567890123456789012345",
         "longer than 64"},
        {"taos+http://u:" SECRET "@h:6041/db?timeout=5", "query parameter `timeout` is not known"},
        {"taos+http://u:" SECRET "@h:6041/db#x", "fragment"},
        {"taos+http://u:" SECRET "@h st:6041/db", "invalid character"},
        {"taos+http://u:" SECRET "@[::1/db", "closing ']'"},
        {"taos+http://u:" SECRET "%4@h/db", "password has a bad percent-escape"},
        {"taos+http://u:" SECRET "%zz@h/db", "password has a bad percent-escape"},
        {"taos+http://u:" SECRET "%00@h/db", "password has a bad percent-escape"},
        {"taos+http://u%4:" SECRET "@h/db", "user name has a bad percent-escape"},
        {"taos+http://u%3Ax:" SECRET "@h/db", "must not contain ':'"},
        {"taos+http://:" SECRET "@h/db", "user name is empty"},
        /* No '@': the text after ':' would be the port; it must not be quoted. */
        {"taos+http://root:" SECRET "/db", "port"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        k2td_taos_dsn_t d;
        char err[256] = "";
        int rc = k2td_taos_dsn_parse(cases[i].dsn, &d, err, sizeof(err));
        if (rc != -1 || !strstr(err, cases[i].expect) || strstr(err, SECRET))
            fprintf(stderr, "case %zu <%s>: rc %d, err \"%s\"\n", i, cases[i].dsn, rc, err);
        CHECK_INT(rc, -1);
        CHECK(strstr(err, cases[i].expect) != NULL);
        CHECK(strstr(err, SECRET) == NULL);
        CHECK(d.base_url == NULL && d.host == NULL && d.user == NULL && d.password == NULL &&
              d.db == NULL);
    }
    k2td_taos_dsn_t d;
    char err[64] = "";
    CHECK_INT(k2td_taos_dsn_parse(NULL, &d, err, sizeof(err)), -1);
    CHECK(strstr(err, "empty") != NULL);
}

static void test_redacted(void) {
    static const struct {
        const char *dsn;
        const char *redacted;
    } cases[] = {
        {"taos+http://root:" SECRET "@h:6041/db", "taos+http://root:***@h:6041/db"},
        {"https://root:" SECRET "@h/db", "taos+https://root:***@h:6041/db"},
        {"taos+http://h/db", "taos+http://root:***@h:6041/db"},
        {"taos+http://a%40b%20c:" SECRET "@[::1]:7000/db", "taos+http://a%40b%20c:***@[::1]:7000/db"},
        {"taos+http://nopass@h/db", "taos+http://nopass:***@h:6041/db"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        k2td_taos_dsn_t d;
        char err[256] = "";
        CHECK_INT(k2td_taos_dsn_parse(cases[i].dsn, &d, err, sizeof(err)), 0);
        char *r = k2td_taos_dsn_redacted(&d);
        CHECK_STR(r, cases[i].redacted);
        CHECK(strstr(r, SECRET) == NULL);
        free(r);
        k2td_taos_dsn_clear(&d);
    }
}

/* A tiny errstr buffer truncates the message but stays a C string. */
static void test_small_errstr(void) {
    k2td_taos_dsn_t d;
    char err[8];
    memset(err, 'x', sizeof(err));
    CHECK_INT(k2td_taos_dsn_parse("taos+ws://h/db", &d, err, sizeof(err)), -1);
    CHECK(memchr(err, '\0', sizeof(err)) != NULL);
}

int main(void) {
    RUN(test_full_dsn);
    RUN(test_schemes);
    RUN(test_defaults);
    RUN(test_percent_decoding);
    RUN(test_ipv6);
    RUN(test_rejected);
    RUN(test_redacted);
    RUN(test_small_errstr);
    return test_finish();
}
