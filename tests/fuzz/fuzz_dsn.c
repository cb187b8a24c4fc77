/*
 * fuzz_dsn.c - libFuzzer target: arbitrary bytes as a task's source DSN
 * (kafka://...) and as its target DSN (taos+http://...).
 *
 * Invariants checked beyond "no crash, no sanitizer report": a refused DSN
 * says why; a Kafka DSN that parses prints (k2td_kafka_conf_print) as a DSN
 * that parses again and prints the same; a TDengine DSN that parses gives a
 * redacted form that parses again to the same host, port, user, database
 * and scheme, with the password shown as "***".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "task/kafka_dsn.h"
#include "task/taos_dsn.h"

/* Returns k2td_kafka_conf_print(c) as a new string. */
static char *kafka_text(const k2td_kafka_conf_t *c) {
    k2td_buf_t b = K2TD_BUF_INIT;
    k2td_kafka_conf_print(c, &b);
    return k2td_buf_detach(&b);
}

static void check_kafka(const char *text) {
    k2td_kafka_conf_t c, again;
    char err[512] = "";
    if (k2td_kafka_dsn_parse(text, &c, err, sizeof(err)) != 0) {
        if (!err[0]) abort();
        return;
    }
    char *printed = kafka_text(&c);
    if (k2td_kafka_dsn_parse(printed, &again, err, sizeof(err)) != 0) abort();
    char *reprinted = kafka_text(&again);
    if (strcmp(printed, reprinted) != 0) abort();
    free(reprinted);
    free(printed);
    k2td_kafka_conf_free(&again);
    k2td_kafka_conf_free(&c);
}

static int same(const char *a, const char *b) {
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void check_taos(const char *text) {
    k2td_taos_dsn_t d, again;
    char err[512] = "";
    if (k2td_taos_dsn_parse(text, &d, err, sizeof(err)) != 0) {
        if (!err[0]) abort();
        return;
    }
    char *redacted = k2td_taos_dsn_redacted(&d);
    if (k2td_taos_dsn_parse(redacted, &again, err, sizeof(err)) != 0) abort();
    if (!same(d.host, again.host) || d.port != again.port || !same(d.user, again.user) ||
        !same(d.db, again.db) || d.tls != again.tls ||
        (d.password && d.password[0] && !same(again.password, "***")))
        abort();
    free(redacted);
    k2td_taos_dsn_clear(&again);
    k2td_taos_dsn_clear(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    check_kafka(text);
    check_taos(text);
    free(text);
    return 0;
}
