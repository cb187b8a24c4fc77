/*
 * kafka_dsn.c - parsing and printing the Kafka source DSN (see kafka_dsn.h).
 */
#include "kafka_dsn.h"
#include "kafka_allow.h"
#include "kafka_security.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/alloc.h"
#include "../common/percent.h"
#include "../common/secret_source.h"
#include "../model/timestamp.h"
#include "../parse/charset.h"

static const k2td_cm_enum_t offset_names[] = {
    {"earliest", K2TD_KAFKA_OFFSET_EARLIEST}, {"latest", K2TD_KAFKA_OFFSET_LATEST},
    {"bytime", K2TD_KAFKA_OFFSET_BYTIME},     {"error", K2TD_KAFKA_OFFSET_ERROR},
    {"smallest", K2TD_KAFKA_OFFSET_EARLIEST}, {"beginning", K2TD_KAFKA_OFFSET_EARLIEST},
    {"largest", K2TD_KAFKA_OFFSET_LATEST},    {"end", K2TD_KAFKA_OFFSET_LATEST},
    {NULL, 0},
};

#define OFF(field) offsetof(k2td_kafka_conf_t, field)

static const k2td_cm_entry_t kafka_keys[] = {
    {.key = "topics", .type = K2TD_CM_LIST, .offset = OFF(topics), .flags = K2TD_CM_REQUIRED,
     .desc = "Topics to consume, comma-separated (tp1,tp2)."},
    {.key = "group", .type = K2TD_CM_STRING, .offset = OFF(group),
     .desc = "Consumer group: the group id is id_prefix, [task id,] then this text; "
             "consumers sharing it split the partitions."},
    {.key = "client_id", .type = K2TD_CM_STRING, .offset = OFF(client_id),
     .desc = "Client id text, prefixed like group; empty leaves librdkafka's default."},
    {.key = "id_prefix", .type = K2TD_CM_STRING, .def = "taosx", .offset = OFF(id_prefix),
     .desc = "Prefix of the generated group and client ids; empty for none."},
    {.key = "with_task_id", .type = K2TD_CM_BOOL, .def = "false", .offset = OFF(with_task_id),
     .desc = "Put the task id between id_prefix and both the group and the client id text "
             "(taosX's key; the two keys below set one id each)."},
    {.key = "group_with_task_id", .type = K2TD_CM_BOOL, .def = "false",
     .offset = OFF(group_with_task_id),
     .desc = "Put the task id between id_prefix and the group id text."},
    {.key = "client_id_with_task_id", .type = K2TD_CM_BOOL, .def = "false",
     .offset = OFF(client_with_task_id),
     .desc = "Put the task id between id_prefix and the client id text."},
    {.key = "enable_group_instance_id", .type = K2TD_CM_BOOL, .def = "true",
     .offset = OFF(static_membership),
     .desc = "Static group membership: the consumer joins as group.instance.id "
             "<group id>-[<task id>-]<instance_name>[-<slot>]-<hash of the topics>, so a restart "
             "(after a crash too) "
             "gets its partitions back at once instead of waiting out the session timeout "
             "of the member it replaces."},
    {.key = "instance_name", .type = K2TD_CM_STRING, .offset = OFF(instance_name),
     .desc = "This member's stable name in group.instance.id (default: the host name; "
             "k2td run --member overrides it); another process of the task on the same host "
             "adds the lowest free slot number (-1, -2...), one that died leaves its slot to "
             "its restart."},
    {.key = "fallback_offset", .type = K2TD_CM_ENUM, .def = "earliest",
     .offset = OFF(fallback_offset), .names = offset_names,
     .desc = "Where to start in a partition without a committed offset; bytime starts "
             "at start_time, error fails the task."},
    {.key = "start_time", .type = K2TD_CM_STRING, .offset = OFF(start_time),
     .desc = "Start for bytime: epoch milliseconds or RFC 3339 with a zone "
             "(2024-05-01T00:00:00Z); setting it selects bytime."},
    {.key = "timeout", .type = K2TD_CM_DURATION_MS, .def = "0", .offset = OFF(timeout_ms),
     .flags = K2TD_CM_FOREVER, .desc = "Stop the task after this long without a message."},
    {.key = "fetch_max_wait_time", .type = K2TD_CM_DURATION_MS, .def = "100ms",
     .offset = OFF(fetch_max_wait_ms), .max = 300000,
     .desc = "Longest time the broker waits to fill a fetch (fetch.wait.max.ms)."},
    {.key = "commit_interval", .type = K2TD_CM_DURATION_MS, .def = "5s",
     .offset = OFF(commit_interval_ms), .min = 1, .max = 86400000,
     .desc = "How often written offsets are committed (auto.commit.interval.ms)."},
    {.key = "batch_size", .type = K2TD_CM_INT, .def = "10000", .offset = OFF(batch_size),
     .min = 1, .max = 1000000, .desc = "Most messages in one batch."},
    {.key = "batch_timeout", .type = K2TD_CM_DURATION_MS, .def = "1s",
     .offset = OFF(batch_timeout_ms), .min = 1,
     .desc = "Send a batch that is not full after this long."},
    {.key = "fetch_min_bytes", .type = K2TD_CM_INT, .def = "1", .offset = OFF(fetch_min_bytes),
     .min = 1, .max = 100000000, .desc = "Least data a fetch waits for (fetch.min.bytes)."},
    {.key = "fetch_max_bytes_per_partition", .type = K2TD_CM_INT, .def = "1048576",
     .offset = OFF(fetch_max_bytes_per_partition), .min = 1, .max = 1000000000,
     .desc = "Most data fetched per partition (fetch.message.max.bytes)."},
    {.key = "char_encoding", .type = K2TD_CM_STRING, .def = "UTF_8",
     .offset = OFF(char_encoding),
     .desc = "Character set of the message values: UTF_8, GBK, GB18030 or BIG5 "
             "(converted to UTF-8 before parsing)."},
    {.key = "health_check_window_in_second", .type = K2TD_CM_INT, .def = "0",
     .offset = OFF(health_window_s), .min = 0, .max = 600,
     .desc = "Seconds of history the task's health is judged on (k2td serve); 0 = 10."},
    {.key = "busy_threshold", .type = K2TD_CM_STRING, .def = "100%",
     .offset = OFF(busy_threshold),
     .desc = "Health is Busy when the open batch fills this share of batch_size while the "
             "consumer lags (1% to 100%)."},
    {.key = "max_errors_in_window", .type = K2TD_CM_INT, .def = "0",
     .offset = OFF(max_errors_in_window), .min = 0, .max = 1000000000,
     .desc = "Health is Bounce when more rows than this were refused in the window."},
    {.key = NULL},
};

/* taosX keys k2td does not implement yet, with what to use instead. */
static const struct {
    const char *key;
    const char *hint;
} not_yet[] = {
    {"fetch_crc_validation", "check.crcs"},
    {"connection_idle_timeout", "connections.max.idle.ms"},
    {"read_concurrency", NULL},
    {"written_concurrent", NULL},
    {"max_queue_length", NULL},
    {"seek_to_end", NULL},
};

const k2td_cm_entry_t *k2td_kafka_dsn_keys(void) {
    return kafka_keys;
}

void k2td_kafka_conf_free(k2td_kafka_conf_t *c) {
    k2td_cm_free(kafka_keys, c);
    free(c->brokers);
    for (size_t i = 0; i < c->npassthrough; i++) {
        free(c->passthrough[i].key);
        free(c->passthrough[i].value);
        free(c->passthrough[i].ref);
    }
    free(c->passthrough);
    memset(c, 0, sizeof(*c));
}

char *k2td_kafka_id_generate(const char *prefix, const char *task_id_or_null, const char *text) {
    if (!text || !*text) return NULL;
    k2td_buf_t b = K2TD_BUF_INIT;
    if (prefix) k2td_buf_puts(&b, prefix);
    if (task_id_or_null) k2td_buf_puts(&b, task_id_or_null);
    k2td_buf_puts(&b, text);
    return k2td_buf_detach(&b);
}

/* Checks one broker entry s[0..n): "host:port" or "[ipv6]:port". Returns 0,
 * or -1 with the reason naming the entry. */
static int check_broker(const char *s, size_t n, char *errstr, size_t errstr_size) {
    char text[K2TD_CM_QUOTE_MAX], q[K2TD_CM_QUOTE_MAX];
    char *entry = k2td_strndup(s, n);
    k2td_cm_quote(entry, q);
    free(entry);
    if (n == 0) {
        k2td_errstr_set(errstr, errstr_size, "kafka DSN: empty entry in the broker list");
        return -1;
    }
    size_t host_end, port_at;
    if (s[0] == '[') {
        const char *close = memchr(s, ']', n);
        if (!close) {
            k2td_errstr_set(errstr, errstr_size, "broker `%s`: missing `]` after the IPv6 address",
                           q);
            return -1;
        }
        host_end = (size_t)(close - s) + 1;
        if (host_end == 2) {
            k2td_errstr_set(errstr, errstr_size, "broker `%s`: missing host", q);
            return -1;
        }
        if (host_end == n) {
            k2td_errstr_set(errstr, errstr_size, "broker `%s`: missing port", q);
            return -1;
        }
        if (s[host_end] != ':') {
            k2td_errstr_set(errstr, errstr_size, "broker `%s`: expected `:port` after `]`", q);
            return -1;
        }
        port_at = host_end + 1;
    } else {
        const char *colon = memchr(s, ':', n);
        if (!colon) {
            k2td_errstr_set(errstr, errstr_size, "broker `%s`: missing port", q);
            return -1;
        }
        host_end = (size_t)(colon - s);
        if (host_end == 0) {
            k2td_errstr_set(errstr, errstr_size, "broker `%s`: missing host", q);
            return -1;
        }
        for (size_t i = 0; i < host_end; i++) {
            char c = s[i];
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '-' || c == '_')
                continue;
            text[0] = ((unsigned char)c < 0x20 || c == 0x7f) ? '?' : c;
            text[1] = '\0';
            k2td_errstr_set(errstr, errstr_size, "broker `%s`: invalid character `%s` in the host",
                           q, text);
            return -1;
        }
        port_at = host_end + 1;
    }
    long port = 0;
    size_t i = port_at;
    for (; i < n && s[i] >= '0' && s[i] <= '9' && port <= 65535; i++)
        port = port * 10 + (s[i] - '0');
    if (i == port_at && i == n) {
        k2td_errstr_set(errstr, errstr_size, "broker `%s`: missing port", q);
        return -1;
    }
    if (i != n || port < 1 || port > 65535) {
        k2td_errstr_set(errstr, errstr_size, "broker `%s`: the port must be a number 1..65535", q);
        return -1;
    }
    return 0;
}

/* Checks the broker list s[0..n) and stores it in c->brokers. */
static int parse_brokers(const char *s, size_t n, k2td_kafka_conf_t *c, char *errstr,
                         size_t errstr_size) {
    if (n == 0) {
        k2td_errstr_set(errstr, errstr_size,
                       "kafka DSN: no broker given (write kafka://host:9092?topics=...)");
        return -1;
    }
    if (memchr(s, '@', n)) {
        k2td_errstr_set(errstr, errstr_size,
                       "kafka DSN: credentials before `@` are not supported; give "
                       "sasl.username and sasl.password as query keys");
        return -1;
    }
    for (size_t at = 0;;) {
        const char *comma = memchr(s + at, ',', n - at);
        size_t len = comma ? (size_t)(comma - (s + at)) : n - at;
        if (check_broker(s + at, len, errstr, errstr_size) != 0) return -1;
        if (!comma) break;
        at += len + 1;
    }
    c->brokers = k2td_strndup(s, n);
    return 0;
}

/* Returns 1 when key is a librdkafka property: it holds a '.' and no
 * uppercase letter. */
static int is_passthrough(const char *key) {
    if (!strchr(key, '.')) return 0;
    for (const char *p = key; *p; p++)
        if (*p >= 'A' && *p <= 'Z') return 0;
    return 1;
}

/* Returns -1 with a message when key is a taosX key k2td does not implement
 * yet, else 0. */
static int check_not_yet(const char *key, char *errstr, size_t errstr_size) {
    for (size_t i = 0; i < sizeof(not_yet) / sizeof(not_yet[0]); i++) {
        if (strcmp(key, not_yet[i].key) != 0) continue;
        if (not_yet[i].hint)
            k2td_errstr_set(errstr, errstr_size,
                           "key `%s` is not supported yet (use librdkafka's %s instead)", key,
                           not_yet[i].hint);
        else
            k2td_errstr_set(errstr, errstr_size, "key `%s` is not supported yet", key);
        return -1;
    }
    return 0;
}

/* What the query said beyond the keys themselves, and who wrote it. */
typedef struct query_state {
    int offset_given;   /* fallback_offset was given */
    unsigned security;  /* K2TD_KAFKA_SEC_* asked for by taosX's keys */
    const k2td_dsn_policy_t *policy; /* an API client's DSN; NULL: the operator's */
} query_state_t;

/* Returns the value of c's last property key (or alias, when not NULL), or
 * NULL when c sets neither. */
static const char *conf_last(const k2td_kafka_conf_t *c, const char *key, const char *alias) {
    const char *v = NULL;
    for (size_t i = 0; i < c->npassthrough; i++)
        if (strcmp(c->passthrough[i].key, key) == 0 ||
            (alias && strcmp(c->passthrough[i].key, alias) == 0))
            v = c->passthrough[i].value;
    return v;
}

/* Appends kv (taking ownership of its strings) to the librdkafka properties. */
static void add_passthrough(k2td_kafka_conf_t *c, k2td_kv_t kv) {
    c->passthrough = k2td_realloc(c->passthrough, (c->npassthrough + 1) * sizeof(k2td_kv_t));
    c->passthrough[c->npassthrough++] = kv;
}

/* Checks librdkafka property kv, asked for by DSN key key, against what
 * reaches a command line and, for an API client, the allowlist; then
 * appends it. Takes ownership of kv's strings. Returns 0, or -1 (kv freed)
 * with errstr naming key. */
static int add_property(k2td_kafka_conf_t *c, const char *key, k2td_kv_t kv,
                        const query_state_t *st, char *errstr, size_t errstr_size) {
    int rc = k2td_kafka_security_check_value(key, kv.key, kv.value, errstr, errstr_size);
    if (rc == 0 && st->policy)
        rc = k2td_kafka_allow_check(key, &kv, st->policy, errstr, errstr_size);
    if (rc != 0) {
        free(kv.key);
        free(kv.value);
        free(kv.ref);
        return -1;
    }
    add_passthrough(c, kv);
    return 0;
}

/* Replaces *value of secret key key by the secret it refers to
 * (${env:NAME}, ${file:PATH}; secret_source.h) for the operator's DSN;
 * refuses a reference in an API client's. Returns 0 or -1 with errstr
 * naming key. */
static int resolve_secret(const char *key, char **value, const query_state_t *st,
                          char *errstr, size_t errstr_size) {
    if (!k2td_kafka_dsn_key_hides(key) || !k2td_secret_source_is_ref(*value)) return 0;
    if (st->policy)
        return k2td_errstr_set(errstr, errstr_size,
                               "key `%s`: ${env:...} and ${file:...} are for the operator's "
                               "command line and config; send the value itself", key);
    char *secret, why[512];
    if (k2td_secret_source_read(*value, &secret, why, sizeof(why)) < 0)
        return k2td_errstr_set(errstr, errstr_size, "key `%s`: %s", key, why);
    free(*value);
    *value = secret;
    return 0;
}

/* Applies one decoded key=value, noting in st what it asks for. Takes
 * ownership of key and value. */
static int apply_pair(k2td_kafka_conf_t *c, char *key, char *value, query_state_t *st,
                      char *errstr, size_t errstr_size) {
    if (resolve_secret(key, &value, st, errstr, errstr_size) != 0) {
        free(key);
        free(value);
        return -1;
    }
    if (is_passthrough(key)) {
        int rc = add_property(c, key, (k2td_kv_t){k2td_strdup(key), value, NULL}, st, errstr,
                              errstr_size);
        free(key);
        return rc;
    }
    k2td_kv_t kv;
    int rc = k2td_kafka_security_translate(key, value, &kv, &st->security, errstr, errstr_size);
    if (rc == 1 && add_property(c, key, kv, st, errstr, errstr_size) != 0) rc = -1;
    if (rc == 0) rc = check_not_yet(key, errstr, errstr_size);
    if (rc == 0) rc = k2td_cm_apply(kafka_keys, c, key, value, errstr, errstr_size);
    if (rc == 0 && strcmp(key, "fallback_offset") == 0) st->offset_given = 1;
    free(key);
    free(value);
    return rc < 0 ? -1 : 0;
}

/* Adds the security.protocol taosX's keys call for, unless the DSN gives
 * one itself. */
static void add_security_protocol(k2td_kafka_conf_t *c, unsigned security) {
    const char *protocol = k2td_kafka_security_protocol(security);
    if (!protocol || conf_last(c, "security.protocol", NULL)) return;
    add_passthrough(c,
                    (k2td_kv_t){k2td_strdup("security.protocol"), k2td_strdup(protocol), NULL});
}

/* Gives a client's DSN the operator's kinit command unless the client may
 * and did set one. */
static void add_operator_kinit(k2td_kafka_conf_t *c, const k2td_dsn_policy_t *policy) {
    if (!policy || !policy->kinit_cmd || k2td_kafka_conf_kinit_cmd(c)) return;
    add_passthrough(c, (k2td_kv_t){k2td_strdup("sasl.kerberos.kinit.cmd"),
                              k2td_strdup(policy->kinit_cmd), NULL});
}

/* Parses the query text q (after '?') into c. */
static int parse_query(const char *q, k2td_kafka_conf_t *c, query_state_t *st, char *errstr,
                       size_t errstr_size) {
    while (*q) {
        size_t len = strcspn(q, "&");
        if (len) {
            const char *eq = memchr(q, '=', len);
            size_t klen = eq ? (size_t)(eq - q) : len;
            char quoted[K2TD_CM_QUOTE_MAX];
            char *raw = k2td_strndup(q, klen);
            k2td_cm_quote(raw, quoted);
            free(raw);
            char *key = k2td_percent_decode(q, klen);
            if (!key) {
                k2td_errstr_set(errstr, errstr_size,
                               "kafka DSN: key `%s`: bad percent-escape (write %%XX, not %%00)",
                               quoted);
                return -1;
            }
            if (!*key) {
                free(key);
                k2td_errstr_set(errstr, errstr_size, "kafka DSN: a query parameter has no key");
                return -1;
            }
            char *value = eq ? k2td_percent_decode(eq + 1, len - klen - 1) : k2td_strdup("");
            if (!value) {
                k2td_errstr_set(errstr, errstr_size,
                               "key `%s`: bad percent-escape in the value (write %%XX, not %%00)",
                               k2td_cm_quote(key, quoted));
                free(key);
                return -1;
            }
            if (apply_pair(c, key, value, st, errstr, errstr_size) != 0) return -1;
        }
        q += len;
        if (*q == '&') q++;
    }
    return 0;
}

/* Parses c->start_time into c->start_time_ms: epoch milliseconds, or RFC 3339
 * text that must carry its zone. */
static int parse_start_time(k2td_kafka_conf_t *c, char *errstr, size_t errstr_size) {
    const char *s = c->start_time;
    size_t n = strlen(s);
    char q[K2TD_CM_QUOTE_MAX];
    int64_t at_utc, at_plus1h;
    if (k2td_ts_parse(s, n, K2TD_TS_MS, K2TD_PREC_MS, 0, &at_utc, NULL, 0) != 0 ||
        k2td_ts_parse(s, n, K2TD_TS_MS, K2TD_PREC_MS, 3600, &at_plus1h, NULL, 0) != 0) {
        k2td_errstr_set(errstr, errstr_size,
                       "key `start_time`: `%s` is neither epoch milliseconds nor an RFC 3339 "
                       "time (e.g. 2024-05-01T00:00:00Z)", k2td_cm_quote(s, q));
        return -1;
    }
    /* a text without a zone reads differently under another default offset */
    if (at_utc != at_plus1h) {
        k2td_errstr_set(errstr, errstr_size,
                       "key `start_time`: `%s` has no time zone (end it with Z or +hh:mm)",
                       k2td_cm_quote(s, q));
        return -1;
    }
    if (at_utc < 0) {
        k2td_errstr_set(errstr, errstr_size, "key `start_time`: `%s` is before 1970",
                       k2td_cm_quote(s, q));
        return -1;
    }
    c->start_time_ms = at_utc;
    return 0;
}

/* Sets c->busy_pct from c->busy_threshold ("80%" or "80"). Returns 0 or -1. */
static int parse_busy_threshold(k2td_kafka_conf_t *c, char *errstr, size_t errstr_size) {
    const char *s = c->busy_threshold;
    char *end;
    long pct = strtol(s, &end, 10);
    if (end != s && (*end == '%' ? end[1] == '\0' : *end == '\0') && pct >= 1 && pct <= 100 &&
        s[0] >= '0' && s[0] <= '9') {
        c->busy_pct = (int)pct;
        return 0;
    }
    char q[K2TD_CM_QUOTE_MAX];
    return k2td_errstr_set(errstr, errstr_size,
                           "key `busy_threshold`: `%s` is not a percentage from 1%% to 100%%",
                           k2td_cm_quote(s, q));
}

/* Checks what single keys cannot: required keys, repeated topics, and that
 * start_time and fallback_offset agree. */
static int check_conf(k2td_kafka_conf_t *c, int offset_given, char *errstr, size_t errstr_size) {
    if (k2td_cm_check_required(kafka_keys, c, errstr, errstr_size) != 0) return -1;
    for (size_t i = 1; i < c->topics.n; i++) {
        if (k2td_strlist_find(&c->topics, c->topics.items[i]) != (long)i) {
            char q[K2TD_CM_QUOTE_MAX];
            k2td_errstr_set(errstr, errstr_size, "key `topics`: `%s` is listed twice",
                           k2td_cm_quote(c->topics.items[i], q));
            return -1;
        }
    }
    k2td_charset_t cs;
    char q[K2TD_CM_QUOTE_MAX];
    if (k2td_charset_lookup(c->char_encoding, &cs, NULL, 0) != 0)
        return k2td_errstr_set(errstr, errstr_size,
                               "key `char_encoding`: `%s` is not one of UTF_8, GBK, GB18030, BIG5",
                               k2td_cm_quote(c->char_encoding, q));
    if (parse_busy_threshold(c, errstr, errstr_size) != 0) return -1;
    if (c->start_time && !*c->start_time) {
        free(c->start_time);
        c->start_time = NULL;
    }
    if (c->start_time) {
        if (!offset_given) c->fallback_offset = K2TD_KAFKA_OFFSET_BYTIME;
        if (c->fallback_offset != K2TD_KAFKA_OFFSET_BYTIME) {
            k2td_errstr_set(errstr, errstr_size,
                           "key `start_time` needs fallback_offset=bytime, not `%s`",
                           k2td_cm_enum_name(k2td_cm_find(kafka_keys, "fallback_offset"),
                                             c->fallback_offset));
            return -1;
        }
        return parse_start_time(c, errstr, errstr_size);
    }
    if (c->fallback_offset == K2TD_KAFKA_OFFSET_BYTIME) {
        k2td_errstr_set(errstr, errstr_size,
                       "fallback_offset=bytime needs key `start_time` (epoch milliseconds or "
                       "an RFC 3339 time with a zone)");
        return -1;
    }
    return 0;
}

int k2td_kafka_dsn_parse(const char *dsn, k2td_kafka_conf_t *out, char *errstr,
                         size_t errstr_size) {
    return k2td_kafka_dsn_parse_as(dsn, NULL, out, errstr, errstr_size);
}

int k2td_kafka_dsn_parse_as(const char *dsn, const k2td_dsn_policy_t *policy,
                            k2td_kafka_conf_t *out, char *errstr, size_t errstr_size) {
    memset(out, 0, sizeof(*out));
    if (strncasecmp(dsn, "kafka://", 8) != 0) {
        k2td_errstr_set(errstr, errstr_size, "kafka DSN: must start with kafka://");
        return -1;
    }
    k2td_cm_set_defaults(kafka_keys, out);
    const char *p = dsn + 8;
    size_t alen = strcspn(p, "/?");
    query_state_t st = {0, 0, policy};
    int rc = parse_brokers(p, alen, out, errstr, errstr_size);
    p += alen;
    if (rc == 0 && *p == '/') p++;
    if (rc == 0 && *p && *p != '?') {
        k2td_errstr_set(errstr, errstr_size,
                       "kafka DSN: unexpected path after the brokers (write ?topics=... "
                       "right after them)");
        rc = -1;
    }
    if (rc == 0 && *p == '?') rc = parse_query(p + 1, out, &st, errstr, errstr_size);
    if (rc == 0) add_security_protocol(out, st.security);
    if (rc == 0) add_operator_kinit(out, policy);
    if (rc == 0) rc = check_conf(out, st.offset_given, errstr, errstr_size);
    if (rc != 0) k2td_kafka_conf_free(out);
    return rc;
}

/* Returns 1 when a passthrough property's value must not be shown. */
int k2td_kafka_key_is_secret(const char *key) {
    return strstr(key, "password") || strstr(key, "secret") || strstr(key, "key") ||
           strstr(key, "jaas");
}

int k2td_kafka_dsn_key_hides(const char *key) {
    static const char *const named[] = {"sasl_password", "ca_password", "cert_key", NULL};
    static const char location[] = ".location";
    size_t n = strlen(key), ln = sizeof(location) - 1;
    for (int i = 0; named[i]; i++)
        if (strcmp(key, named[i]) == 0) return 1;
    return strchr(key, '.') && k2td_kafka_key_is_secret(key) &&
           !(n > ln && strcmp(key + n - ln, location) == 0);
}

/* What a printed DSN's keys and values keep unescaped beyond letters,
 * digits and -._~ (lists, host:port, paths, user@realm, masks). */
#define DSN_KEEP ",:/@*"

void k2td_kafka_conf_print(const k2td_kafka_conf_t *c, k2td_buf_t *out) {
    k2td_buf_puts(out, "kafka://");
    k2td_buf_puts(out, c->brokers ? c->brokers : "");
    char sep = '?';
    k2td_buf_t value = K2TD_BUF_INIT;
    for (const k2td_cm_entry_t *e = kafka_keys; e->key; e++) {
        k2td_buf_reset(&value);
        if (k2td_cm_put_value(e, c, &value) != 0) continue;
        k2td_buf_printf(out, "%c%s=", sep, e->key);
        k2td_percent_encode(out, value.data ? value.data : "", DSN_KEEP);
        sep = '&';
    }
    k2td_buf_free(&value);
    for (size_t i = 0; i < c->npassthrough; i++) {
        const k2td_kv_t *kv = &c->passthrough[i];
        k2td_buf_putc(out, sep);
        k2td_percent_encode(out, kv->key, DSN_KEEP);
        k2td_buf_putc(out, '=');
        if (k2td_kafka_key_is_secret(kv->key)) k2td_buf_puts(out, "***");
        else k2td_percent_encode(out, kv->ref ? kv->ref : kv->value, DSN_KEEP);
        sep = '&';
    }
}

void k2td_kafka_conf_redact(const k2td_kafka_conf_t *c, const char *text, k2td_buf_t *out) {
    for (const char *p = text; *p;) {
        const k2td_kv_t *hit = NULL;
        for (size_t i = 0; i < c->npassthrough && !hit; i++) {
            const k2td_kv_t *kv = &c->passthrough[i];
            if ((kv->ref || k2td_kafka_dsn_key_hides(kv->key)) && kv->value[0] &&
                strncmp(p, kv->value, strlen(kv->value)) == 0)
                hit = kv;
        }
        if (!hit) {
            k2td_buf_putc(out, *p++);
            continue;
        }
        if (hit->ref) k2td_buf_printf(out, "@%s", hit->ref);
        else k2td_buf_puts(out, "***");
        p += strlen(hit->value);
    }
}

const char *k2td_kafka_conf_mechanism(const k2td_kafka_conf_t *c) {
    return conf_last(c, "sasl.mechanisms", "sasl.mechanism");
}

void k2td_kafka_conf_user(const k2td_kafka_conf_t *c, char *out, size_t size) {
    const char *mechanism = k2td_kafka_conf_mechanism(c);
    const char *name = NULL;
    if (mechanism && strcmp(mechanism, "GSSAPI") == 0) {
        name = conf_last(c, "sasl.kerberos.principal", NULL);
        if (!name) name = "kafkaclient"; /* librdkafka's default principal */
    } else if (mechanism)
        name = conf_last(c, "sasl.username", NULL);
    if (!mechanism && (conf_last(c, "ssl.certificate.pem", NULL) ||
                       conf_last(c, "ssl.certificate.location", NULL)))
        snprintf(out, size, "the user of the client certificate");
    else
        snprintf(out, size, "user `%s`", name ? name : mechanism ? "" : "ANONYMOUS");
}

const char *k2td_kafka_conf_kinit_cmd(const k2td_kafka_conf_t *c) {
    return conf_last(c, "sasl.kerberos.kinit.cmd", NULL);
}
