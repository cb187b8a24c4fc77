/*
 * kafka_dsn.h - the source DSN: which Kafka brokers and topics, and how to consume.
 *
 *     kafka://host1:9092,host2:9092?topics=a,b&group=g&client_id=c&fallback_offset=earliest
 *
 * The keys are taosX's (run `k2td run --help-keys` for the list). Keys and
 * values are percent-decoded ("%26" is '&'; '+' stays '+'); a repeated key's
 * last value wins. Any key holding a '.' and no uppercase letter (group.id,
 * auto.offset.reset, sasl.password ...) is a librdkafka property: those are
 * kept in the order given, repeats included, and applied after k2td's own
 * settings so they override them. Any other key is an error. A DSN that
 * comes from an API client of `k2td serve` may set only the properties of
 * the allowlist (kafka_allow.h; docs/security.md).
 *
 * Never log the DSN text itself: passthrough properties may hold secrets. Log
 * k2td_kafka_conf_print()'s redacted form instead.
 */
#ifndef K2TD_KAFKA_DSN_H
#define K2TD_KAFKA_DSN_H

#include <stddef.h>
#include <stdint.h>

#include "../common/buf.h"
#include "config_map.h"
#include "dsn_policy.h"

/* Where to start in a partition that has no committed offset. */
typedef enum k2td_kafka_offset {
    K2TD_KAFKA_OFFSET_EARLIEST = 0, /* also Smallest, Beginning */
    K2TD_KAFKA_OFFSET_LATEST,       /* also Largest, End */
    K2TD_KAFKA_OFFSET_BYTIME,       /* the first offset at or after start_time */
    K2TD_KAFKA_OFFSET_ERROR,        /* fail the task */
} k2td_kafka_offset_t;

/* One librdkafka property, its strings owned. */
typedef struct k2td_kv {
    char *key;
    char *value;
    char *ref; /* the upload reference value was resolved from ("upload:7"), else NULL */
} k2td_kv_t;

typedef struct k2td_kafka_conf {
    char *brokers;          /* "h1:9092,h2:9092": every entry has a host and a port */
    k2td_strlist_t topics;  /* at least one */
    char *group;            /* the user's text for the group id; NULL or "" = none */
    char *client_id;        /* the user's text for the client id; NULL or "" = none */
    char *id_prefix;        /* put before group and client_id; default "taosx", "" = none */
    int with_task_id;       /* both ids get the task id (taosX's one switch) */
    int group_with_task_id; /* put the task id between id_prefix and the group text */
    int client_with_task_id; /* the same for the client id text */
    int static_membership;  /* join with a group.instance.id (enable_group_instance_id) */
    char *instance_name;    /* this member's name in it; NULL or "" = the host name */
    int fallback_offset;    /* k2td_kafka_offset_t */
    char *start_time;       /* BYTIME start as written; NULL unless BYTIME */
    int64_t start_time_ms;  /* start_time as epoch milliseconds */
    int64_t timeout_ms;     /* stop after this long without a message; 0 = never */
    int64_t fetch_max_wait_ms;
    int64_t commit_interval_ms;
    int64_t batch_size;     /* messages per batch */
    int64_t batch_timeout_ms;
    int64_t fetch_min_bytes;
    int64_t fetch_max_bytes_per_partition;
    char *char_encoding;    /* character set of message values (UTF_8, GBK, GB18030, BIG5) */
    int64_t health_window_s;      /* health_check_window_in_second; 0 = the default */
    char *busy_threshold;         /* as written: "100%" */
    int busy_pct;                 /* busy_threshold as a percentage, 1..100 */
    int64_t max_errors_in_window; /* refused rows in the window before Bounce */
    k2td_kv_t *passthrough; /* librdkafka properties in the order given */
    size_t npassthrough;
} k2td_kafka_conf_t;

/* Parses dsn into *out, which the caller then owns (k2td_kafka_conf_free).
 * Returns 0, or -1 with *out left empty (nothing to free) and errstr naming
 * the broker or key at fault and why; passthrough values are never quoted. */
int k2td_kafka_dsn_parse(const char *dsn, k2td_kafka_conf_t *out, char *errstr,
                         size_t errstr_size);

/* As k2td_kafka_dsn_parse, for a DSN an API client of `k2td serve` sent
 * (policy non-NULL): librdkafka properties outside the allowlist, file
 * values that do not name an upload and a kinit command the operator did
 * not allow are errors naming the key; an upload reference becomes the
 * stored file's path (the reference kept beside it, k2td_kv_t.ref); the
 * operator's kinit command, if any, is added.
 * NULL policy parses as the operator's own DSN. */
int k2td_kafka_dsn_parse_as(const char *dsn, const k2td_dsn_policy_t *policy,
                            k2td_kafka_conf_t *out, char *errstr, size_t errstr_size);

/* Releases everything *c owns and zeroes it; safe on a zeroed struct. */
void k2td_kafka_conf_free(k2td_kafka_conf_t *c);

/* Appends c as a DSN with every key spelled out, values percent-encoded, the
 * values of passthrough properties whose key holds "password", "secret",
 * "key" or "jaas" shown as "***", and a file resolved from an upload shown
 * as its reference ("upload:7"), never its path. Parsing the output gives
 * the same settings, except for those hidden values (a reference parses
 * back under the service's policy). */
void k2td_kafka_conf_print(const k2td_kafka_conf_t *c, k2td_buf_t *out);

/* Appends text (a message of librdkafka or kinit about a consumer of c) to
 * out with what a message must not show replaced: the stored file of each
 * upload reference by the reference ("@upload:7") and the value of each
 * secret property (k2td_kafka_dsn_key_hides) by "***". */
void k2td_kafka_conf_redact(const k2td_kafka_conf_t *c, const char *text, k2td_buf_t *out);

/* Returns the SASL mechanism c asks for (the last sasl.mechanisms or
 * sasl.mechanism property), or NULL for none. */
const char *k2td_kafka_conf_mechanism(const k2td_kafka_conf_t *c);

/* Writes the Kafka user a consumer of c acts as, for messages, to out:
 * "user `NAME`" (sasl.username, or sasl.kerberos.principal with GSSAPI),
 * "the user of the client certificate" with a certificate and no SASL, or
 * "user `ANONYMOUS`" with neither. Never a secret. */
void k2td_kafka_conf_user(const k2td_kafka_conf_t *c, char *out, size_t size);

/* Returns c's own Kerberos kinit command (the last sasl.kerberos.kinit.cmd
 * property, the operator's), or NULL when it sets none. */
const char *k2td_kafka_conf_kinit_cmd(const k2td_kafka_conf_t *c);

/* Returns the key table of the query part (for the help text and the UI). */
const k2td_cm_entry_t *k2td_kafka_dsn_keys(void);

/* Returns non-zero when a librdkafka property's value must never be shown
 * (its name contains password, secret, key or jaas). */
int k2td_kafka_key_is_secret(const char *key);

/* Returns 1 when the value of DSN query key key (decoded) is a secret:
 * sasl_password, ca_password, cert_key, or a librdkafka property whose name
 * holds password, secret, key or jaas, except a file path (*.location).
 * Such a value of the operator's DSN may be ${env:NAME} or ${file:PATH}
 * (secret_source.h); the service's answers mask it (secrets.h). */
int k2td_kafka_dsn_key_hides(const char *key);

/* Returns a new string prefix + task id + text (prefix and task id may be
 * NULL): ("taosx", NULL, "foo") is "taosxfoo", ("taosx", "100", "foo") is
 * "taosx100foo". Returns NULL when text is NULL or empty, meaning "leave the
 * id unset". The caller frees the result. */
char *k2td_kafka_id_generate(const char *prefix, const char *task_id_or_null, const char *text);

#endif
