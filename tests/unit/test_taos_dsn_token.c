/*
 * test_taos_dsn_token.c - TDengine Cloud's token in the target DSN: the
 * forms accepted, the port it implies, what is refused, and that neither
 * an error nor the redacted form ever shows the token.
 */
#include <stdlib.h>

#include "task/taos_dsn.h"
#include "test.h"

#define TOKEN "T0k3nXyzzy"

static void test_token_forms(void) {
    static const struct {
        const char *dsn;
        const char *base;
        const char *user; /* NULL: no credentials are sent */
        const char *token;
        const char *redacted;
    } cases[] = {
        {"https://gw.cloud.tdengine.com/power?token=" TOKEN, "https://gw.cloud.tdengine.com:443",
         NULL, TOKEN, "taos+https://gw.cloud.tdengine.com:443/power?token=***"},
        {"taos+https://gw.cloud.tdengine.com/power?token=" TOKEN,
         "https://gw.cloud.tdengine.com:443", NULL, TOKEN,
         "taos+https://gw.cloud.tdengine.com:443/power?token=***"},
        {"taos+http://h/power?token=" TOKEN, "http://h:80", NULL, TOKEN,
         "taos+http://h:80/power?token=***"},
        {"taos+https://h:6044/power/?token=" TOKEN, "https://h:6044", NULL, TOKEN,
         "taos+https://h:6044/power?token=***"},
        {"https://u:pw@h:6041/power?token=" TOKEN, "https://h:6041", "u", TOKEN,
         "taos+https://u:***@h:6041/power?token=***"},
        {"https://h/power?token=a%2Bb%3D%26c", "https://h:443", NULL, "a+b=&c",
         "taos+https://h:443/power?token=***"},
        {"https://u:p?x@h/power?token=" TOKEN, "https://h:443", "u", TOKEN,
         "taos+https://u:***@h:443/power?token=***"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        k2td_taos_dsn_t d;
        char err[256] = "";
        int rc = k2td_taos_dsn_parse(cases[i].dsn, &d, err, sizeof(err));
        if (rc != 0) fprintf(stderr, "case %zu: %s\n", i, err);
        CHECK_INT(rc, 0);
        CHECK_STR(d.base_url, cases[i].base);
        CHECK_STR(d.db, "power");
        CHECK_STR(d.token, cases[i].token);
        if (cases[i].user)
            CHECK_STR(d.user, cases[i].user);
        else
            CHECK(d.user == NULL && d.password == NULL);
        char *r = k2td_taos_dsn_redacted(&d);
        CHECK_STR(r, cases[i].redacted);
        free(r);
        k2td_taos_dsn_clear(&d);
        CHECK(d.token == NULL);
    }
}

/* Each bad query fails naming the problem, never quoting the token. */
static void test_token_rejected(void) {
    static const struct {
        const char *dsn;
        const char *expect;
    } cases[] = {
        {"https://h/db?token=", "token is empty"},
        {"https://h/db?token", "token is empty"},
        {"https://h/db?token=" TOKEN "&token=" TOKEN, "token more than once"},
        {"https://h/db?token=" TOKEN "&tz=UTC", "query parameter `tz` is not known"},
        {"https://h/db?" TOKEN "=1", "query parameter `" TOKEN "` is not known"},
        {"https://h/db?tok%65n=" TOKEN, "query parameter k2td does not know"},
        {"https://h/db?token=" TOKEN "%zz", "token has a bad percent-escape"},
        {"https://h/db?token=" TOKEN "#frag", "fragment"},
        {"https://h?token=" TOKEN, "database is missing"},
        {"https://h/db?token=${env:K2TD_TEST_NO_SUCH_VARIABLE}", "DSN token: "},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        k2td_taos_dsn_t d;
        char err[256] = "";
        int rc = k2td_taos_dsn_parse(cases[i].dsn, &d, err, sizeof(err));
        int leaked = i != 4 && strstr(err, TOKEN) != NULL; /* case 4 has no token: a key */
        if (rc != -1 || !strstr(err, cases[i].expect) || leaked)
            fprintf(stderr, "case %zu <%s>: rc %d, err \"%s\"\n", i, cases[i].dsn, rc, err);
        CHECK_INT(rc, -1);
        CHECK(strstr(err, cases[i].expect) != NULL);
        CHECK(!leaked);
        CHECK(d.token == NULL && d.user == NULL && d.base_url == NULL);
    }
}

/* The operator may keep the token off the command line; an API client
 * may not make k2td read the host's environment or files. */
static void test_token_from_environment(void) {
    setenv("K2TD_TEST_TOKEN", TOKEN, 1);
    k2td_taos_dsn_t d;
    char err[256] = "";
    CHECK_INT(k2td_taos_dsn_parse("https://h/db?token=${env:K2TD_TEST_TOKEN}", &d, err,
                                  sizeof(err)),
              0);
    CHECK_STR(d.token, TOKEN);
    k2td_taos_dsn_clear(&d);
    k2td_dsn_policy_t client = {0};
    CHECK_INT(k2td_taos_dsn_parse_as("https://h/db?token=${env:K2TD_TEST_TOKEN}", &client, &d,
                                     err, sizeof(err)),
              -1);
    CHECK(strstr(err, "DSN token: ${env:...} and ${file:...} are for the operator's") != NULL);
    unsetenv("K2TD_TEST_TOKEN");
}

int main(void) {
    RUN(test_token_forms);
    RUN(test_token_rejected);
    RUN(test_token_from_environment);
    return test_finish();
}
