/*
 * test_secrets_token.c - the token of a target DSN is a secret in the
 * service's answers and in `k2td run`'s arguments: masked beside the
 * password, put back from a masked update, found after a password that
 * holds '?' or '@'.
 */
#include <stdlib.h>

#include "service/secrets.h"
#include "test.h"

#define CHECK_FN(call, want)   \
    do {                       \
        char *got_ = (call);   \
        CHECK_STR(got_, want); \
        free(got_);            \
    } while (0)

static void test_redact_token(void) {
    CHECK_FN(k2td_secret_redact_to("https://gw.cloud.tdengine.com/db?token=abc123"),
             "https://gw.cloud.tdengine.com/db?token=******");
    CHECK_FN(k2td_secret_redact_to("taos+https://u:pw@h:6041/db?token=abc"),
             "taos+https://u:******@h:6041/db?token=******");
    /* the password's '?' and '@' do not start the query */
    CHECK_FN(k2td_secret_redact_to("https://u:p?token=x@y@h/db?token=abc"),
             "https://u:******@h/db?token=******");
    /* a percent-encoded key is judged decoded; other keys stay */
    CHECK_FN(k2td_secret_redact_to("https://h/db?tok%65n=abc&x=1"),
             "https://h/db?tok%65n=******&x=1");
    CHECK_FN(k2td_secret_redact_to("https://h/db?token=a&token=b"),
             "https://h/db?token=******&token=******");
    CHECK_FN(k2td_secret_redact_to("https://h/db"), "https://h/db");
}

static void test_restore_token(void) {
    const char *old = "https://u:pw@h/db?token=abc%2B1";
    CHECK_FN(k2td_secret_restore_to("https://u:******@h/db?token=******", old), old);
    /* a new token sent in clear replaces the old one */
    CHECK_FN(k2td_secret_restore_to("https://u:******@h/db?token=new", old),
             "https://u:pw@h/db?token=new");
    /* a masked token with no old one stays masked (and then fails to work) */
    CHECK_FN(k2td_secret_restore_to("https://h/db?token=******", "https://h/db"),
             "https://h/db?token=******");
}

int main(void) {
    RUN(test_redact_token);
    RUN(test_restore_token);
    return test_finish();
}
