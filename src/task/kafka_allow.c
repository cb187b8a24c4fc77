/*
 * kafka_allow.c - the allowlist of librdkafka properties for API clients
 * (kafka_allow.h).
 */
#include "kafka_allow.h"

#include <stdlib.h>
#include <string.h>

#include "../common/errstr.h"
#include "upload_ref.h"

typedef enum allow_kind {
    ALLOW_VALUE,  /* any value */
    ALLOW_UPLOAD, /* a file: the value must name an upload */
    ALLOW_KINIT,  /* only when the operator allows kinit overrides */
} allow_kind_t;

static const struct {
    const char *prop;
    allow_kind_t kind;
    const char *reason;
} allowed[] = {
    {"security.protocol", ALLOW_VALUE, "how to reach the brokers (plaintext, ssl, sasl_*)"},
    {"sasl.mechanisms", ALLOW_VALUE, "which SASL login; a name from librdkafka's fixed list"},
    {"sasl.mechanism", ALLOW_VALUE, "alias of sasl.mechanisms"},
    {"sasl.username", ALLOW_VALUE, "a credential sent to the broker only"},
    {"sasl.password", ALLOW_VALUE, "a credential sent to the broker only"},
    {"sasl.kerberos.service.name", ALLOW_VALUE,
     "a name, checked against [A-Za-z0-9._/@-] for everyone"},
    {"sasl.kerberos.principal", ALLOW_VALUE,
     "a name, checked against [A-Za-z0-9._/@-] for everyone; quoted in kinit"},
    {"sasl.kerberos.keytab", ALLOW_UPLOAD, "a file of the upload store (@upload:<id>)"},
    {"sasl.kerberos.min.time.before.relogin", ALLOW_VALUE, "a number of milliseconds"},
    {"sasl.kerberos.kinit.cmd", ALLOW_KINIT,
     "runs a shell command: only when the operator sets allow_kinit_override"},
    {"ssl.ca.location", ALLOW_UPLOAD, "a file of the upload store (@upload:<id>)"},
    {"ssl.certificate.location", ALLOW_UPLOAD, "a file of the upload store (@upload:<id>)"},
    {"ssl.key.location", ALLOW_UPLOAD, "a file of the upload store (@upload:<id>)"},
    {"ssl.crl.location", ALLOW_UPLOAD, "a file of the upload store (@upload:<id>)"},
    {"ssl.keystore.location", ALLOW_UPLOAD, "a file of the upload store (@upload:<id>)"},
    {"ssl.ca.pem", ALLOW_VALUE, "certificate text given inline"},
    {"ssl.certificate.pem", ALLOW_VALUE, "certificate text given inline"},
    {"ssl.key.pem", ALLOW_VALUE, "key text given inline"},
    {"ssl.key.password", ALLOW_VALUE, "a passphrase for the client's own key"},
    {"ssl.keystore.password", ALLOW_VALUE, "a passphrase for the client's own keystore"},
    {"ssl.endpoint.identification.algorithm", ALLOW_VALUE,
     "none or https: whether the broker's name is verified"},
    {"enable.ssl.certificate.verification", ALLOW_VALUE,
     "whether the broker's certificate is verified"},
    {"ssl.cipher.suites", ALLOW_VALUE, "TLS tuning of this connection"},
    {"ssl.curves.list", ALLOW_VALUE, "TLS tuning of this connection"},
    {"ssl.sigalgs.list", ALLOW_VALUE, "TLS tuning of this connection"},
    {"group.id", ALLOW_VALUE, "the consumer group (overrides the id rule)"},
    {"client.id", ALLOW_VALUE, "the client id (overrides the id rule)"},
    {"group.instance.id", ALLOW_VALUE, "static group membership"},
    {"client.rack", ALLOW_VALUE, "fetch from the nearest replica"},
    {"session.timeout.ms", ALLOW_VALUE, "group membership timing"},
    {"heartbeat.interval.ms", ALLOW_VALUE, "group membership timing"},
    {"max.poll.interval.ms", ALLOW_VALUE, "group membership timing"},
    {"partition.assignment.strategy", ALLOW_VALUE, "how the group splits partitions"},
    {"auto.offset.reset", ALLOW_VALUE, "start without a committed offset"},
    {"isolation.level", ALLOW_VALUE, "read committed or uncommitted messages"},
    {"check.crcs", ALLOW_VALUE, "verify message checksums"},
    {"fetch.wait.max.ms", ALLOW_VALUE, "fetch tuning"},
    {"fetch.min.bytes", ALLOW_VALUE, "fetch tuning"},
    {"fetch.max.bytes", ALLOW_VALUE, "fetch tuning (bounded by receive.message.max.bytes)"},
    {"fetch.message.max.bytes", ALLOW_VALUE, "fetch tuning"},
    {"max.partition.fetch.bytes", ALLOW_VALUE, "fetch tuning"},
    {"fetch.error.backoff.ms", ALLOW_VALUE, "fetch tuning"},
    {"queued.min.messages", ALLOW_VALUE, "prefetch size (memory of the task)"},
    {"queued.max.messages.kbytes", ALLOW_VALUE, "prefetch size (memory of the task)"},
    {"receive.message.max.bytes", ALLOW_VALUE, "largest broker answer accepted"},
    {"message.max.bytes", ALLOW_VALUE, "largest message"},
    {"socket.timeout.ms", ALLOW_VALUE, "network timing"},
    {"socket.keepalive.enable", ALLOW_VALUE, "network timing"},
    {"socket.connection.setup.timeout.ms", ALLOW_VALUE, "network timing"},
    {"connections.max.idle.ms", ALLOW_VALUE, "network timing"},
    {"reconnect.backoff.ms", ALLOW_VALUE, "network timing"},
    {"reconnect.backoff.max.ms", ALLOW_VALUE, "network timing"},
    {"retry.backoff.ms", ALLOW_VALUE, "network timing"},
    {"metadata.max.age.ms", ALLOW_VALUE, "metadata refresh"},
    {"topic.metadata.refresh.interval.ms", ALLOW_VALUE, "metadata refresh"},
    {"allow.auto.create.topics", ALLOW_VALUE, "whether subscribing creates the topic"},
    {"api.version.request", ALLOW_VALUE, "broker protocol negotiation"},
    {"broker.version.fallback", ALLOW_VALUE, "broker protocol negotiation"},
    {"broker.address.family", ALLOW_VALUE, "v4, v6 or any"},
};

int k2td_kafka_allow_check(const char *key, k2td_kv_t *kv, const k2td_dsn_policy_t *policy,
                           char *errstr, size_t errstr_size) {
    size_t i = 0, n = sizeof(allowed) / sizeof(allowed[0]);
    while (i < n && strcmp(allowed[i].prop, kv->key) != 0) i++;
    if (i == n)
        return k2td_errstr_set(errstr, errstr_size,
                               "key `%s`: librdkafka property %s is set by the service's "
                               "operator only (`k2td keys` lists what a task may set)",
                               key, kv->key);
    if (allowed[i].kind == ALLOW_KINIT && !policy->allow_kinit_override)
        return k2td_errstr_set(errstr, errstr_size,
                               "key `%s`: the kinit command is set by the service's operator",
                               key);
    if (allowed[i].kind != ALLOW_UPLOAD) return 0;
    char *path;
    k2td_upload_ref_rc_t rc = k2td_upload_ref_resolve(policy->uploads_dir, kv->value, &path);
    if (rc == K2TD_UPLOAD_REF_NOT_A_REF)
        return k2td_errstr_set(errstr, errstr_size,
                               "key `%s`: a file must be an upload (@upload:<id> from "
                               "/api/uploads); paths on the server are not accepted", key);
    if (rc == K2TD_UPLOAD_REF_MISSING)
        return k2td_errstr_set(errstr, errstr_size, "key `%s`: no such upload", key);
    free(kv->ref);
    kv->ref = kv->value;
    kv->value = path;
    return 0;
}

void k2td_kafka_allow_help(k2td_buf_t *out) {
    k2td_buf_puts(out, "\nlibrdkafka properties an API client of `k2td serve` may set (the "
                       "operator's\ncommand line, task file and --config may set any):\n");
    for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
        k2td_buf_printf(out, "  %-38s %s\n", allowed[i].prop, allowed[i].reason);
}
