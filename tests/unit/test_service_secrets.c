/*
 * test_service_secrets.c - hiding DSN secrets in the service's answers and
 * putting them back from a masked update: which keys are secret, repeated
 * keys, percent-encoded keys, passwords with '@', '/' and ':', DSNs without
 * secrets, a target's token.
 */
#include <stdlib.h>

#include "service/secrets.h"
#include "test.h"

/* Checks fn(in[, arg]) == want and frees the result. */
#define CHECK_FN(call, want)   \
    do {                       \
        char *got_ = (call);   \
        CHECK_STR(got_, want); \
        free(got_);            \
    } while (0)

static void test_redact_from(void) {
    CHECK_FN(k2td_secret_redact_from("kafka://h:9092?topics=a&group=g"),
             "kafka://h:9092?topics=a&group=g");
    CHECK_FN(k2td_secret_redact_from("kafka://h:9092"), "kafka://h:9092");
    CHECK_FN(k2td_secret_redact_from(
                 "kafka://h:9092?topics=a&sasl_password=p1&ca_password=p2&cert_key=@/k.pem"),
             "kafka://h:9092?topics=a&sasl_password=******&ca_password=******&cert_key=******");
    CHECK_FN(k2td_secret_redact_from("kafka://h?topics=a&sasl.password=x%26y&ssl.key.password=z"
                                     "&sasl.jaas.config=j&ssl.ca.location=/ca"),
             "kafka://h?topics=a&sasl.password=******&ssl.key.password=******"
             "&sasl.jaas.config=******&ssl.ca.location=/ca");
    /* a key without a dot is a k2td key: only the named ones are secret */
    CHECK_FN(k2td_secret_redact_from("kafka://h?topics=key&group=password"),
             "kafka://h?topics=key&group=password");
    CHECK_FN(k2td_secret_redact_from("kafka://h?sasl.password&topics=a&"),
             "kafka://h?sasl.password&topics=a&");
}

/* file locations are paths, not secrets; key material and passwords are */
static void test_redact_locations(void) {
    CHECK_FN(k2td_secret_redact_from(
                 "kafka://h?topics=a&ssl.key.location=/etc/k/client.key"
                 "&ssl.keystore.location=/etc/k/ks.p12&ssl.certificate.location=/etc/k/c.pem"),
             "kafka://h?topics=a&ssl.key.location=/etc/k/client.key"
             "&ssl.keystore.location=/etc/k/ks.p12&ssl.certificate.location=/etc/k/c.pem");
    CHECK_FN(k2td_secret_redact_from(
                 "kafka://h?ssl.key.location=/k&ssl.key.password=pw&ssl.key.pem=-----BEGIN"
                 "&ssl.keystore.password=ks&sasl.password=sp&sasl_password=s2&ca_password=c"
                 "&cert_key=-----BEGIN%20PRIVATE%20KEY"),
             "kafka://h?ssl.key.location=/k&ssl.key.password=******&ssl.key.pem=******"
             "&ssl.keystore.password=******&sasl.password=******&sasl_password=******"
             "&ca_password=******&cert_key=******");
    /* a name that only contains "location" elsewhere stays hidden */
    CHECK_FN(k2td_secret_redact_from("kafka://h?ssl.key.location.pem=x&ssl.location=/p"),
             "kafka://h?ssl.key.location.pem=******&ssl.location=/p");
}

/* keys are judged as the DSN parser decodes them */
static void test_redact_encoded_keys(void) {
    CHECK_FN(k2td_secret_redact_from("kafka://h?topics=a&sasl%5Fpassword=s1&sasl%2Epassword=s2"
                                     "&ssl%2Ekey%2Epassword=s3&ca%5fpassword=s4&cert%5Fkey=s5"),
             "kafka://h?topics=a&sasl%5Fpassword=******&sasl%2Epassword=******"
             "&ssl%2Ekey%2Epassword=******&ca%5fpassword=******&cert%5Fkey=******");
    /* a key that does not decode is hidden; an encoded location is a path */
    CHECK_FN(k2td_secret_redact_from("kafka://h?sasl%2=x&ssl%2Eca%2Elocation=/ca"),
             "kafka://h?sasl%2=******&ssl%2Eca%2Elocation=/ca");
    CHECK_FN(k2td_secret_restore_from("kafka://h?sasl%5Fpassword=******&sasl.password=******",
                                      "kafka://h?sasl_password=one&sasl%2Epassword=two"),
             "kafka://h?sasl%5Fpassword=one&sasl.password=two");
}

static void test_redact_to(void) {
    CHECK_FN(k2td_secret_redact_to("taos+http://root:taosdata@h:6041/db"),
             "taos+http://root:******@h:6041/db");
    CHECK_FN(k2td_secret_redact_to("taos+http://u:p@ss/w:rd@h:6041/db"),
             "taos+http://u:******@h:6041/db");
    CHECK_FN(k2td_secret_redact_to("http://u@h/db"), "http://u@h/db");
    CHECK_FN(k2td_secret_redact_to("http://h/db"), "http://h/db");
    CHECK_FN(k2td_secret_redact_to("not a dsn"), "not a dsn");
}

static void test_restore(void) {
    const char *old_from = "kafka://h?topics=a&sasl.password=one&sasl.password=two&cert_key=@/k";
    CHECK_FN(k2td_secret_restore_from(
                 "kafka://h2?topics=b&sasl.password=******&sasl.password=******&cert_key=******",
                 old_from),
             "kafka://h2?topics=b&sasl.password=one&sasl.password=two&cert_key=@/k");
    /* a new value wins; a mask without a counterpart stays a mask */
    CHECK_FN(k2td_secret_restore_from("kafka://h?sasl.password=new&ca_password=******", old_from),
             "kafka://h?sasl.password=new&ca_password=******");
    CHECK_FN(k2td_secret_restore_to("taos+http://root:******@h2:6041/db2",
                                    "taos+http://root:p@ss@h:6041/db"),
             "taos+http://root:p@ss@h2:6041/db2");
    CHECK_FN(k2td_secret_restore_to("taos+http://root:fresh@h:6041/db",
                                    "taos+http://root:old@h:6041/db"),
             "taos+http://root:fresh@h:6041/db");
    CHECK_FN(k2td_secret_restore_to("taos+http://root:******@h:6041/db", "http://h/db"),
             "taos+http://root:******@h:6041/db");
}

/* The token of a target DSN (TDengine Cloud's) is a secret like the
 * password, found after a password that holds '?' or '@'. */
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
    RUN(test_redact_from);
    RUN(test_redact_locations);
    RUN(test_redact_encoded_keys);
    RUN(test_redact_to);
    RUN(test_restore);
    RUN(test_redact_token);
    RUN(test_restore_token);
    return test_finish();
}
