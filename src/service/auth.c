/*
 * auth.c - password hashing, sessions and the failed-login limit (see
 * auth.h).
 */
#include "auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/alloc.h"
#include "../common/clock.h"

#define AUTH_ITERATIONS 100000
#define AUTH_SESSIONS 256
#define AUTH_SESSION_IDLE_S (12 * 3600)
#define AUTH_CLIENTS 256

typedef struct auth_session {
    char token[K2TD_AUTH_TOKEN_LEN + 1]; /* "" when the slot is free */
    int64_t last_used_s;
} auth_session_t;

typedef struct auth_client {
    char addr[64]; /* "" when the slot is free */
    int64_t failures[K2TD_AUTH_MAX_FAILURES]; /* times of the latest failures, a ring */
    int nfailures, next;
} auth_client_t;

struct k2td_auth {
    pthread_mutex_t lock;
    k2td_admin_cred_t cred;
    auth_session_t sessions[AUTH_SESSIONS];
    auth_client_t clients[AUTH_CLIENTS];
};

/* Derives the PBKDF2-SHA256 hash of password with c's salt and iterations. */
static int auth_derive(const char *password, const k2td_admin_cred_t *c,
                       unsigned char out[32]) {
    return PKCS5_PBKDF2_HMAC(password, (int)strlen(password), c->salt, sizeof(c->salt),
                             c->iterations, EVP_sha256(), 32, out) == 1
               ? 0
               : -1;
}

int k2td_auth_hash_password(const char *password, k2td_admin_cred_t *c) {
    if (RAND_bytes(c->salt, sizeof(c->salt)) != 1) return -1;
    c->iterations = AUTH_ITERATIONS;
    return auth_derive(password, c, c->hash);
}

void k2td_auth_random_password(char out[21]) {
    static const char alphabet[] =
        "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"; /* 57, no look-alikes */
    unsigned char rnd[20];
    if (RAND_bytes(rnd, sizeof(rnd)) != 1) abort(); /* no randomness: nothing is safe */
    for (int i = 0; i < 20; i++) out[i] = alphabet[rnd[i] % (sizeof(alphabet) - 1)];
    out[20] = '\0';
}

k2td_auth_t *k2td_auth_new(const k2td_admin_cred_t *c) {
    k2td_auth_t *a = k2td_calloc(1, sizeof(*a));
    pthread_mutex_init(&a->lock, NULL);
    a->cred = *c;
    return a;
}

void k2td_auth_free(k2td_auth_t *a) {
    if (!a) return;
    OPENSSL_cleanse(&a->cred, sizeof(a->cred));
    OPENSSL_cleanse(a->sessions, sizeof(a->sessions));
    pthread_mutex_destroy(&a->lock);
    free(a);
}

/* Returns client's slot, taking a free or the stalest one when new (lock
 * held). */
static auth_client_t *auth_client(k2td_auth_t *a, const char *client, int64_t now) {
    auth_client_t *free_slot = NULL;
    for (int i = 0; i < AUTH_CLIENTS; i++) {
        auth_client_t *c = &a->clients[i];
        if (c->addr[0] && strcmp(c->addr, client) == 0) return c;
        int stale = !c->addr[0] || c->nfailures == 0 ||
                    now - c->failures[(c->next + K2TD_AUTH_MAX_FAILURES - 1) %
                                      K2TD_AUTH_MAX_FAILURES] >= K2TD_AUTH_FAILURE_WINDOW_S;
        if (stale && !free_slot) free_slot = c;
    }
    if (!free_slot) free_slot = &a->clients[(unsigned)now % AUTH_CLIENTS];
    memset(free_slot, 0, sizeof(*free_slot));
    snprintf(free_slot->addr, sizeof(free_slot->addr), "%s", client);
    return free_slot;
}

/* Returns the seconds c must still wait, 0 when it may try (lock held). */
static int auth_wait(const auth_client_t *c, int64_t now) {
    if (c->nfailures < K2TD_AUTH_MAX_FAILURES) return 0;
    int64_t oldest = c->failures[c->next]; /* the ring is full: next is the oldest */
    int64_t left = oldest + K2TD_AUTH_FAILURE_WINDOW_S - now;
    return left > 0 ? (int)left : 0;
}

/* Writes a new random token into a free (or the stalest) session slot. */
static void auth_new_session(k2td_auth_t *a, char token[K2TD_AUTH_TOKEN_LEN + 1], int64_t now) {
    unsigned char rnd[K2TD_AUTH_TOKEN_LEN / 2];
    if (RAND_bytes(rnd, sizeof(rnd)) != 1) abort();
    for (size_t i = 0; i < sizeof(rnd); i++) snprintf(token + 2 * i, 3, "%02x", rnd[i]);
    auth_session_t *slot = &a->sessions[0];
    for (int i = 0; i < AUTH_SESSIONS; i++) {
        auth_session_t *s = &a->sessions[i];
        if (!s->token[0] || now - s->last_used_s > AUTH_SESSION_IDLE_S) {
            slot = s;
            break;
        }
        if (s->last_used_s < slot->last_used_s) slot = s;
    }
    memcpy(slot->token, token, K2TD_AUTH_TOKEN_LEN + 1);
    slot->last_used_s = now;
}

/* Counts a failure for c now (lock held). */
static void auth_fail(auth_client_t *c, int64_t now) {
    c->failures[c->next] = now;
    c->next = (c->next + 1) % K2TD_AUTH_MAX_FAILURES;
    if (c->nfailures < K2TD_AUTH_MAX_FAILURES) c->nfailures++;
}

int k2td_auth_login(k2td_auth_t *a, const char *client, const char *user, const char *password,
                    char token[K2TD_AUTH_TOKEN_LEN + 1], int *retry_after) {
    int64_t now = k2td_clock_mono_ms() / 1000;
    pthread_mutex_lock(&a->lock);
    auth_client_t *c = auth_client(a, client, now);
    int wait = auth_wait(c, now);
    /* the attempt counts as a failure before the hash runs, in the same
     * locked step as the check: parallel attempts cannot all pass the
     * check before any of them is counted */
    if (wait == 0) auth_fail(c, now);
    k2td_admin_cred_t cred = a->cred;
    pthread_mutex_unlock(&a->lock);
    if (wait > 0) {
        *retry_after = wait;
        return K2TD_AUTH_LIMITED;
    }
    /* the slow hash runs unlocked; both checks always run */
    unsigned char got[32];
    int ok = auth_derive(password, &cred, got) == 0;
    ok &= CRYPTO_memcmp(got, cred.hash, sizeof(got)) == 0;
    ok &= strcmp(user, cred.user) == 0;
    OPENSSL_cleanse(got, sizeof(got));
    if (ok) {
        pthread_mutex_lock(&a->lock);
        auth_client(a, client, now)->nfailures = 0; /* the reserved failure too */
        auth_new_session(a, token, now);
        pthread_mutex_unlock(&a->lock);
    }
    return ok ? 0 : K2TD_AUTH_WRONG;
}

int k2td_auth_check(k2td_auth_t *a, const char *token, char *user, size_t user_size) {
    if (!token || strlen(token) != K2TD_AUTH_TOKEN_LEN) return 0;
    int64_t now = k2td_clock_mono_ms() / 1000;
    int found = 0;
    pthread_mutex_lock(&a->lock);
    for (int i = 0; i < AUTH_SESSIONS; i++) {
        auth_session_t *s = &a->sessions[i];
        if (s->token[0] && CRYPTO_memcmp(s->token, token, K2TD_AUTH_TOKEN_LEN) == 0) {
            if (now - s->last_used_s > AUTH_SESSION_IDLE_S) {
                s->token[0] = '\0';
            } else {
                s->last_used_s = now;
                found = 1;
            }
            break;
        }
    }
    if (found) snprintf(user, user_size, "%s", a->cred.user);
    pthread_mutex_unlock(&a->lock);
    return found;
}

void k2td_auth_logout(k2td_auth_t *a, const char *token) {
    if (!token || strlen(token) != K2TD_AUTH_TOKEN_LEN) return;
    pthread_mutex_lock(&a->lock);
    for (int i = 0; i < AUTH_SESSIONS; i++)
        if (CRYPTO_memcmp(a->sessions[i].token, token, K2TD_AUTH_TOKEN_LEN) == 0)
            a->sessions[i].token[0] = '\0';
    pthread_mutex_unlock(&a->lock);
}
