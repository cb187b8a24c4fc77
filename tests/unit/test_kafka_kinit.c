/*
 * test_kafka_kinit.c - the kinit command of a GSSAPI consumer with its error
 * output kept in a private file (kafka_kinit.h): the command runs as given
 * (a comment at its end included), the reason is the last line of the last
 * run, a run that succeeds leaves none, the file is 0600 and removed, and a
 * consumer without GSSAPI gets no capture. The commands stand in for kinit
 * and are run with system(), as librdkafka runs them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "source/kafka_kinit.h"
#include "test.h"

static char tmp[64];

/* Appends s with every byte but letters and digits as %XX. */
static void put_encoded(k2td_buf_t *b, const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
            k2td_buf_putc(b, (char)*p);
        else
            k2td_buf_printf(b, "%%%02X", *p);
    }
}

/* Parses a GSSAPI DSN whose kinit command is cmd (NULL: none) into *c and
 * returns a capture for it; NULL (a failed check, *c left empty) when either
 * fails. */
static k2td_kinit_t *capture_for(const char *cmd, k2td_kafka_conf_t *c) {
    k2td_buf_t dsn = K2TD_BUF_INIT;
    k2td_buf_puts(&dsn, "kafka://h:1?topics=t&sasl_mechanism=GSSAPI");
    if (cmd) {
        k2td_buf_puts(&dsn, "&sasl_kerberos_kinit_cmd=");
        put_encoded(&dsn, cmd);
    }
    char err[512];
    int rc = k2td_kafka_dsn_parse(dsn.data, c, err, sizeof(err));
    k2td_buf_free(&dsn);
    CHECK_STR(rc == 0 ? "" : err, "");
    k2td_kinit_t *k = rc == 0 ? k2td_kinit_new(c) : NULL;
    CHECK(k != NULL);
    if (!k && rc == 0) k2td_kafka_conf_free(c);
    return k;
}

/* Returns the capture file's path: the text between the last "2>'" and "'". */
static void capture_path(const k2td_kinit_t *k, char *path, size_t size) {
    const char *at = strstr(k2td_kinit_cmd(k), "} 2>'");
    snprintf(path, size, "%s", at ? at + 5 : "");
    char *end = strrchr(path, '\'');
    if (end) *end = '\0';
}

static void test_the_reason_is_the_last_line_of_the_last_run(void) {
    char mark[128], cmd[512];
    snprintf(mark, sizeof(mark), "%s/mark", tmp);
    snprintf(cmd, sizeof(cmd),
             "test -e '%s' || { echo 'kinit: first try' >&2; "
             "echo 'kinit: Cannot contact any KDC for realm' >&2; exit 1; } # a comment",
             mark);
    k2td_kafka_conf_t c;
    k2td_kinit_t *k = capture_for(cmd, &c);
    if (!k) return;
    char reason[256], path[256];
    CHECK_INT(k2td_kinit_reason(k, reason, sizeof(reason)), 0); /* not run yet */
    CHECK_STR(reason, "");
    CHECK(WEXITSTATUS(system(k2td_kinit_cmd(k))) == 1);
    CHECK_INT(k2td_kinit_reason(k, reason, sizeof(reason)), 1);
    CHECK_STR(reason, "Cannot contact any KDC for realm");
    k2td_buf_t said = K2TD_BUF_INIT;
    k2td_kinit_failed(k, "Kerberos ticket refresh failed: ...: exited with code 1", &said);
    CHECK_STR(said.data, "kinit failed: Cannot contact any KDC for realm");
    k2td_buf_free(&said);
    /* a run that succeeds empties the file */
    FILE *f = fopen(mark, "w");
    if (f) fclose(f);
    CHECK(system(k2td_kinit_cmd(k)) == 0);
    CHECK_INT(k2td_kinit_reason(k, reason, sizeof(reason)), 0);
    capture_path(k, path, sizeof(path));
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
    CHECK(strncmp(path, tmp, strlen(tmp)) == 0); /* under $TMPDIR */
    k2td_kinit_free(k);
    CHECK(stat(path, &st) != 0);
    unlink(mark);
    k2td_kafka_conf_free(&c);
}

static void test_a_command_without_error_output_is_told_by_its_exit(void) {
    k2td_kafka_conf_t c;
    k2td_kinit_t *k = capture_for("exit 3", &c);
    if (!k) return;
    CHECK(WEXITSTATUS(system(k2td_kinit_cmd(k))) == 3);
    k2td_buf_t said = K2TD_BUF_INIT;
    k2td_kinit_failed(k, "Kerberos ticket refresh failed: { exit 3\n} 2>'/x': exited with code 3",
                      &said);
    CHECK_STR(said.data, "the kinit command exited with code 3 and wrote no error");
    k2td_buf_free(&said);
    k2td_kinit_free(k);
    k2td_kafka_conf_free(&c);
}

static void test_k2td_command_is_wrapped_and_other_logins_get_none(void) {
    k2td_kafka_conf_t c;
    k2td_kinit_t *k = capture_for(NULL, &c);
    if (!k) return;
    CHECK(strncmp(k2td_kinit_cmd(k), "{ kinit -R -t '%{sasl.kerberos.keytab}'", 39) == 0);
    k2td_kinit_free(k);
    k2td_kafka_conf_free(&c);
    char err[512];
    CHECK_INT(k2td_kafka_dsn_parse("kafka://h:1?topics=t&sasl_mechanism=PLAIN", &c, err,
                                   sizeof(err)),
              0);
    CHECK(k2td_kinit_new(&c) == NULL);
    k2td_kafka_conf_free(&c);
}

/* a $TMPDIR that cannot stand single-quoted in the shell line is not used */
static void test_a_tmpdir_with_a_quote_falls_back_to_tmp(void) {
    char odd[128];
    snprintf(odd, sizeof(odd), "%s/it's", tmp);
    mkdir(odd, 0700);
    setenv("TMPDIR", odd, 1);
    k2td_kafka_conf_t c;
    k2td_kinit_t *k = capture_for("true", &c);
    if (k) {
        char path[256];
        capture_path(k, path, sizeof(path));
        CHECK(strncmp(path, "/tmp/k2td-kinit-", 16) == 0);
        CHECK(system(k2td_kinit_cmd(k)) == 0);
        k2td_kinit_free(k);
        k2td_kafka_conf_free(&c);
    }
    setenv("TMPDIR", tmp, 1);
    rmdir(odd);
}

int main(void) {
    snprintf(tmp, sizeof(tmp), "/tmp/k2td-kinit-test-%ld", (long)getpid());
    mkdir(tmp, 0700);
    setenv("TMPDIR", tmp, 1);
    RUN(test_the_reason_is_the_last_line_of_the_last_run);
    RUN(test_a_command_without_error_output_is_told_by_its_exit);
    RUN(test_k2td_command_is_wrapped_and_other_logins_get_none);
    RUN(test_a_tmpdir_with_a_quote_falls_back_to_tmp);
    rmdir(tmp);
    return test_finish();
}
