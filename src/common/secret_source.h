/*
 * secret_source.h - a secret given by where it is rather than as text, so
 * it stays off the command line and out of task files:
 *
 *     ${env:NAME}    the value of environment variable NAME
 *     ${file:PATH}   the content of file PATH, less one trailing newline
 *
 * The whole value must be the reference. Accepted in the operator's DSNs
 * (every value of the source DSN's query, the target DSN's password) and
 * in `k2td serve --config`'s password; an API client's DSN may not use
 * them (dsn_policy.h). taosX's "@path" (ca=@/etc/ca.pem) is a different
 * thing: a file librdkafka reads itself.
 */
#ifndef K2TD_SECRET_SOURCE_H
#define K2TD_SECRET_SOURCE_H

#include <stddef.h>

/* Returns 1 when value is a reference "${env:...}" or "${file:...}". */
int k2td_secret_source_is_ref(const char *value);

/*
 * Reads the secret value refers to: returns 1 with *out a new string the
 * caller frees, 0 (*out NULL) when value is not a reference, or -1 with
 * errstr naming the variable or file and why (an unset or empty variable,
 * an unreadable, empty or binary file, more than 64 KiB); never the secret.
 */
int k2td_secret_source_read(const char *value, char **out, char *errstr, size_t errstr_size);

#endif
