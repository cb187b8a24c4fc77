/*
 * test_kafka_allow.c - a source DSN from an API client (k2td_kafka_dsn_parse_as
 * with the service's policy): the allowlist, files only from the upload
 * store by reference (shown as the reference, never the stored file's path),
 * one error for every refused path, the kinit command; what a message
 * about the consumer may quote (k2td_kafka_conf_redact).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "task/kafka_dsn.h"
#include "test.h"

static char uploads[64];

/* Parses "kafka://h:1?topics=t&<query>" under policy into *c; returns the rc
 * and leaves the message in err. */
static int parse_as(const char *query, const k2td_dsn_policy_t *policy, k2td_kafka_conf_t *c,
                    char *err, size_t n) {
    char dsn[512];
    snprintf(dsn, sizeof(dsn), "kafka://h:1?topics=t&%s", query);
    err[0] = '\0';
    return k2td_kafka_dsn_parse_as(dsn, policy, c, err, n);
}

/* Returns the value of property key in c, or NULL. */
static const char *prop(const k2td_kafka_conf_t *c, const char *key) {
    const char *v = NULL;
    for (size_t i = 0; i < c->npassthrough; i++)
        if (strcmp(c->passthrough[i].key, key) == 0) v = c->passthrough[i].value;
    return v;
}

static void test_refused_properties(void) {
    static const char *const refused[] = {
        "sasl_kerberos_kinit_cmd=touch%20/tmp/x", "sasl.kerberos.kinit.cmd=id",
        "plugin.library.paths=/tmp/evil.so", "ssl.engine.location=/tmp/e.so",
        "ssl.engine.id=x", "ssl.providers=legacy", "sasl.oauthbearer.method=oidc",
        "enable.auto.commit=false", "log.queue=false",
        "sasl%2Ekerberos%2Ekinit%2Ecmd=id", "plugin%2Elibrary%2Epaths=/x.so",
    };
    k2td_dsn_policy_t policy = {uploads, NULL, 0};
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        k2td_kafka_conf_t c;
        char err[512];
        CHECK_INT(parse_as(refused[i], &policy, &c, err, sizeof(err)), -1);
        CHECK(strstr(err, "operator") != NULL);
        /* the operator may */
        CHECK_INT(parse_as(refused[i], NULL, &c, err, sizeof(err)), 0);
        k2td_kafka_conf_free(&c);
    }
    k2td_kafka_conf_t c;
    char err[512];
    CHECK_INT(parse_as("sasl.password=p&ssl.key.password=k&group.id=g&security.protocol=ssl",
                       &policy, &c, err, sizeof(err)),
              0);
    k2td_kafka_conf_free(&c);
}

/* a path on the host is refused with one message, whatever the file */
static void test_files_only_from_uploads(void) {
    k2td_dsn_policy_t policy = {uploads, NULL, 0};
    static const char *const paths[] = {"ca=@/etc/shadow", "ca=@/no/such/file",
                                        "ca=@/etc/passwd", "ca=@upload:7/../../etc/passwd",
                                        "ca=@upload:x"};
    char first[512] = "";
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        k2td_kafka_conf_t c;
        char err[512];
        CHECK_INT(parse_as(paths[i], &policy, &c, err, sizeof(err)), -1);
        if (i == 0) snprintf(first, sizeof(first), "%s", err);
        CHECK_STR(err, first);
    }
    CHECK(strstr(first, "key `ca`") != NULL && strstr(first, "etc") == NULL);
    static const char *const keys[] = {"ssl.ca.location", "ssl.certificate.location",
                                       "ssl.key.location", "ssl.crl.location",
                                       "ssl.keystore.location", "sasl.kerberos.keytab"};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        char q[128], err[512];
        k2td_kafka_conf_t c;
        snprintf(q, sizeof(q), "%s=/etc/hosts", keys[i]);
        CHECK_INT(parse_as(q, &policy, &c, err, sizeof(err)), -1);
    }
}

static void test_upload_reference(void) {
    char path[128];
    snprintf(path, sizeof(path), "%s/12-ca.pem", uploads);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs("pem", f);
    fclose(f);
    k2td_dsn_policy_t policy = {uploads, NULL, 0};
    k2td_kafka_conf_t c;
    char err[512];
    CHECK_INT(parse_as("ca=@upload:12&sasl.kerberos.keytab=upload:12", &policy, &c, err,
                       sizeof(err)),
              0);
    CHECK_STR(prop(&c, "ssl.ca.location"), path);
    CHECK_STR(prop(&c, "sasl.kerberos.keytab"), path);
    /* what is shown names the reference, never the stored file */
    k2td_buf_t shown = K2TD_BUF_INIT;
    k2td_kafka_conf_print(&c, &shown);
    CHECK(strstr(shown.data, "ssl.ca.location=upload:12") != NULL);
    CHECK(strstr(shown.data, "sasl.kerberos.keytab=***") != NULL); /* "key" in the name */
    CHECK(strstr(shown.data, uploads) == NULL);
    k2td_buf_reset(&shown);
    char line[512];
    snprintf(line, sizeof(line), "Key table file '%s' not found; CA %s", path, path);
    k2td_kafka_conf_redact(&c, line, &shown);
    CHECK_STR(shown.data, "Key table file '@upload:12' not found; CA @upload:12");
    k2td_buf_free(&shown);
    k2td_kafka_conf_free(&c);
    CHECK_INT(parse_as("ca=@upload:1", &policy, &c, err, sizeof(err)), -1);
    CHECK_STR(err, "key `ca`: no such upload");
    unlink(path);
}

/* a message quoting a secret value shows "***" in its place */
static void test_redact_hides_secrets(void) {
    k2td_kafka_conf_t c;
    char err[512];
    CHECK_INT(parse_as("sasl.password=Pa55-word&ssl.key.password=K3y-pw&sasl.username=Pa55",
                       NULL, &c, err, sizeof(err)),
              0);
    k2td_buf_t shown = K2TD_BUF_INIT;
    k2td_kafka_conf_redact(&c, "said Pa55-word, then K3y-pw and Pa55", &shown);
    CHECK_STR(shown.data, "said ***, then *** and Pa55");
    k2td_buf_free(&shown);
    k2td_kafka_conf_free(&c);
}

static void test_kinit_command(void) {
    k2td_kafka_conf_t c;
    char err[512];
    k2td_dsn_policy_t policy = {uploads, "kinit -k -t /etc/k.keytab svc", 0};
    CHECK_INT(parse_as("sasl.mechanisms=GSSAPI", &policy, &c, err, sizeof(err)), 0);
    CHECK_STR(prop(&c, "sasl.kerberos.kinit.cmd"), "kinit -k -t /etc/k.keytab svc");
    k2td_kafka_conf_free(&c);
    CHECK_INT(parse_as("sasl.kerberos.kinit.cmd=mine", &policy, &c, err, sizeof(err)), -1);
    policy.allow_kinit_override = 1;
    CHECK_INT(parse_as("sasl.kerberos.kinit.cmd=mine", &policy, &c, err, sizeof(err)), 0);
    CHECK_STR(prop(&c, "sasl.kerberos.kinit.cmd"), "mine");
    k2td_kafka_conf_free(&c);
    /* without the operator's command, k2td's quoted one applies (kafka_source.c) */
    policy.kinit_cmd = NULL;
    CHECK_INT(parse_as("sasl.mechanisms=GSSAPI", &policy, &c, err, sizeof(err)), 0);
    CHECK(prop(&c, "sasl.kerberos.kinit.cmd") == NULL);
    k2td_kafka_conf_free(&c);
}

int main(void) {
    snprintf(uploads, sizeof(uploads), "/tmp/k2td-allow-%ld", (long)getpid());
    mkdir(uploads, 0700);
    RUN(test_refused_properties);
    RUN(test_files_only_from_uploads);
    RUN(test_upload_reference);
    RUN(test_redact_hides_secrets);
    RUN(test_kinit_command);
    rmdir(uploads);
    return test_finish();
}
