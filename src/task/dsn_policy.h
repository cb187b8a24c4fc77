/*
 * dsn_policy.h - what a DSN from an API client of `k2td serve` may ask for,
 * as the service's operator set it (docs/security.md).
 *
 * The operator owns the host: `k2td run`'s command line and task file, and
 * `k2td serve --config`. Their DSNs are parsed without a policy (NULL) and
 * may set any librdkafka property. A client's DSN is parsed with the
 * service's policy: only the properties of the allowlist (kafka_allow.h),
 * files only from the upload store, no ${env:...} or ${file:...} values.
 */
#ifndef K2TD_DSN_POLICY_H
#define K2TD_DSN_POLICY_H

typedef struct k2td_dsn_policy {
    const char *uploads_dir;  /* the upload store: the only files a client may name */
    const char *kinit_cmd;    /* the operator's Kerberos kinit command; NULL = k2td's */
    int allow_kinit_override; /* clients may set sasl.kerberos.kinit.cmd themselves */
} k2td_dsn_policy_t;

#endif
