/*
 * test_secret_source.c - ${env:NAME} and ${file:PATH} secrets: reading
 * them, their errors (never the secret), and where the DSNs accept them:
 * the operator's DSNs resolve them, an API client's are refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/secret_source.h"
#include "task/kafka_dsn.h"
#include "task/taos_dsn.h"
#include "test.h"

static char file[64];

static void write_file(const char *text) {
    FILE *f = fopen(file, "w");
    fputs(text, f);
    fclose(f);
}

static void test_read(void) {
    char *v, err[256], ref[96];
    setenv("K2TD_T_PW", "env-secret", 1);
    CHECK_INT(k2td_secret_source_read("${env:K2TD_T_PW}", &v, err, sizeof(err)), 1);
    CHECK_STR(v, "env-secret");
    free(v);
    write_file("file-secret\r\n");
    snprintf(ref, sizeof(ref), "${file:%s}", file);
    CHECK_INT(k2td_secret_source_read(ref, &v, err, sizeof(err)), 1);
    CHECK_STR(v, "file-secret");
    free(v);
    /* not references: taken as written */
    static const char *const plain[] = {"pw", "@/etc/ca.pem", "${env:}", "$env:X", "${env:X",
                                        "{env:X}", "${other:X}"};
    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
        CHECK_INT(k2td_secret_source_read(plain[i], &v, err, sizeof(err)), 0);
        CHECK(v == NULL);
    }
    CHECK_INT(k2td_secret_source_read("${env:K2TD_T_UNSET}", &v, err, sizeof(err)), -1);
    CHECK_STR(err, "environment variable K2TD_T_UNSET is not set");
    write_file("\n");
    CHECK_INT(k2td_secret_source_read(ref, &v, err, sizeof(err)), -1);
    CHECK(strstr(err, "is empty") != NULL);
    CHECK_INT(k2td_secret_source_read("${file:/no/such/k2td}", &v, err, sizeof(err)), -1);
    CHECK_STR(err, "secret file /no/such/k2td: No such file or directory");
}

static void test_dsns(void) {
    k2td_dsn_policy_t client = {"/nonexistent", NULL, 0};
    char err[512];
    k2td_kafka_conf_t c;
    setenv("K2TD_T_PW", "env-secret", 1);
    CHECK_INT(k2td_kafka_dsn_parse("kafka://h:1?topics=t&sasl_password=${env:K2TD_T_PW}"
                                   "&ssl.key.password=%24%7Benv%3AK2TD_T_PW%7D",
                                   &c, err, sizeof(err)),
              0);
    CHECK_STR(c.passthrough[0].value, "env-secret");
    CHECK_STR(c.passthrough[1].value, "env-secret");
    k2td_kafka_conf_free(&c);
    /* only secret keys read references */
    CHECK_INT(k2td_kafka_dsn_parse("kafka://h:1?topics=t&group=${env:K2TD_T_PW}", &c, err,
                                   sizeof(err)),
              0);
    CHECK_STR(c.group, "${env:K2TD_T_PW}");
    k2td_kafka_conf_free(&c);
    CHECK_INT(k2td_kafka_dsn_parse_as("kafka://h:1?topics=t&sasl_password=${env:K2TD_T_PW}",
                                      &client, &c, err, sizeof(err)),
              -1);
    CHECK(strstr(err, "key `sasl_password`") && strstr(err, "operator") && !strstr(err, "env-secret"));

    k2td_taos_dsn_t d;
    CHECK_INT(k2td_taos_dsn_parse("taos+http://root:${env:K2TD_T_PW}@h:6041/db", &d, err,
                                  sizeof(err)),
              0);
    CHECK_STR(d.password, "env-secret");
    k2td_taos_dsn_clear(&d);
    CHECK_INT(k2td_taos_dsn_parse_as("taos+http://root:${env:K2TD_T_PW}@h:6041/db", &client, &d,
                                     err, sizeof(err)),
              -1);
    CHECK(strstr(err, "operator") != NULL);
    CHECK_INT(k2td_taos_dsn_parse("taos+http://root:${env:K2TD_T_UNSET}@h:6041/db", &d, err,
                                  sizeof(err)),
              -1);
    CHECK_STR(err, "DSN password: environment variable K2TD_T_UNSET is not set");
}

int main(void) {
    snprintf(file, sizeof(file), "/tmp/k2td-secret-%ld", (long)getpid());
    RUN(test_read);
    RUN(test_dsns);
    unlink(file);
    return test_finish();
}
