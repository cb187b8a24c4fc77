/*
 * auth.h - who may use the service: the admin's password, session tokens
 * and the limit on failed logins.
 *
 * The password is kept only as PBKDF2-SHA256 (OpenSSL libcrypto) with a
 * random 16-byte salt. A login gives a token of 32 random bytes (RAND_bytes)
 * written as 64 hex digits; tokens live in memory (a restart logs everyone
 * out) and expire 12 hours after their last use. Five failed logins within
 * 60 seconds from one client address block further attempts from it until
 * the oldest of them is 60 seconds old. An attempt is counted as a failure
 * when it is let through, before its password is hashed, and forgotten when
 * it succeeds: parallel attempts cannot outrun the limit. Thread-safe.
 */
#ifndef K2TD_AUTH_H
#define K2TD_AUTH_H

#include <stddef.h>

#include "task_store.h"

#define K2TD_AUTH_TOKEN_LEN 64
#define K2TD_AUTH_MAX_FAILURES 5
#define K2TD_AUTH_FAILURE_WINDOW_S 60

/* k2td_auth_login results besides 0 */
#define K2TD_AUTH_WRONG (-1)   /* wrong user or password */
#define K2TD_AUTH_LIMITED (-2) /* too many failures from this address */

typedef struct k2td_auth k2td_auth_t;

/* Fills c's salt, hash and iterations for password (c->user is kept).
 * Returns 0, or -1 when libcrypto fails. */
int k2td_auth_hash_password(const char *password, k2td_admin_cred_t *c);

/* Writes a random password of 20 letters and digits (plus NUL) into out. */
void k2td_auth_random_password(char out[21]);

/* Returns a new authority for the credentials c (copied). */
k2td_auth_t *k2td_auth_new(const k2td_admin_cred_t *c);

/* Frees a (NULL is fine). */
void k2td_auth_free(k2td_auth_t *a);

/* Checks user and password from client (an address). Returns 0 with a new
 * session token in token, K2TD_AUTH_WRONG, or K2TD_AUTH_LIMITED with
 * *retry_after set to the seconds until the next attempt is allowed. */
int k2td_auth_login(k2td_auth_t *a, const char *client, const char *user, const char *password,
                    char token[K2TD_AUTH_TOKEN_LEN + 1], int *retry_after);

/* Returns 1 when token is a live session (refreshing its expiry) with its
 * user copied into user, 0 otherwise. */
int k2td_auth_check(k2td_auth_t *a, const char *token, char *user, size_t user_size);

/* Forgets token (no-op when unknown). */
void k2td_auth_logout(k2td_auth_t *a, const char *token);

#endif
