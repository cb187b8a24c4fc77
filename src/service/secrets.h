/*
 * secrets.h - hides the secrets of a task's DSNs in answers, and puts them
 * back when a client returns the hidden form.
 *
 * Secrets are the TDengine password and token in `to` and, in `from`, the
 * values of sasl_password, ca_password, cert_key and of every librdkafka
 * property whose name holds password, secret, key or jaas (kafka_dsn.h),
 * except the file paths ending in ".location" (ssl.key.location). A key is
 * judged as the DSN parser decodes it, so "sasl%5Fpassword" is
 * sasl_password. They read "******".
 * The DSN text is otherwise kept as the user wrote it.
 */
#ifndef K2TD_SECRETS_H
#define K2TD_SECRETS_H

#define K2TD_SECRET_MASK "******"

/* Returns a copy of the source DSN with secret values masked; caller frees. */
char *k2td_secret_redact_from(const char *from);

/* Returns a copy of the target DSN with the password and token masked;
 * caller frees. */
char *k2td_secret_redact_to(const char *to);

/* Returns a copy of fresh where every masked secret value takes the value
 * of the same key (its n-th occurrence) in old; caller frees. A mask
 * without a counterpart stays as is. */
char *k2td_secret_restore_from(const char *fresh, const char *old);

/* Returns a copy of fresh whose masked password and token are old's;
 * caller frees. */
char *k2td_secret_restore_to(const char *fresh, const char *old);

#endif
