/*
 * test_service_origin.c - which Origin headers are the service's own, and
 * public URLs reduced to their origins.
 */
#include "service/origin.h"
#include "test.h"

static k2td_http_req_t req(const char *local, int port, int loopback, int tls) {
    k2td_http_req_t r = {.local_port = port, .local_loopback = loopback, .tls = tls};
    snprintf(r.local, sizeof(r.local), "%s", local);
    return r;
}

static void test_own_origins(void) {
    k2td_http_req_t r = req("127.0.0.1", 6060, 1, 0);
    CHECK_INT(k2td_origin_allowed(&r, "http://127.0.0.1:6060", NULL), 1);
    CHECK_INT(k2td_origin_allowed(&r, "http://localhost:6060", NULL), 1);
    CHECK_INT(k2td_origin_allowed(&r, "https://127.0.0.1:6060", NULL), 0);
    CHECK_INT(k2td_origin_allowed(&r, "http://127.0.0.1:6061", NULL), 0);
    CHECK_INT(k2td_origin_allowed(&r, "http://evil.example", NULL), 0);
    CHECK_INT(k2td_origin_allowed(&r, "null", NULL), 0);
    k2td_http_req_t lan = req("192.168.1.5", 443, 0, 1);
    CHECK_INT(k2td_origin_allowed(&lan, "https://192.168.1.5", NULL), 1);
    CHECK_INT(k2td_origin_allowed(&lan, "https://192.168.1.5:443", NULL), 1);
    CHECK_INT(k2td_origin_allowed(&lan, "https://localhost", NULL), 0);
    k2td_http_req_t v6 = req("::1", 80, 1, 0);
    CHECK_INT(k2td_origin_allowed(&v6, "http://[::1]", NULL), 1);
}

static void test_public_urls(void) {
    char o[128], err[256];
    CHECK_INT(k2td_origin_from_url("HTTPS://K2td.Example.com:8443/k2td/?x", o, sizeof(o), err,
                                   sizeof(err)), 0);
    CHECK_STR(o, "https://k2td.example.com:8443");
    CHECK_INT(k2td_origin_from_url("ftp://x", o, sizeof(o), err, sizeof(err)), -1);
    CHECK_INT(k2td_origin_from_url("https://", o, sizeof(o), err, sizeof(err)), -1);
    CHECK_INT(k2td_origin_from_url("https://u:p@x", o, sizeof(o), err, sizeof(err)), -1);
    const char *const pub[] = {"https://k2td.example.com", NULL};
    k2td_http_req_t r = req("10.0.0.2", 6060, 0, 0);
    CHECK_INT(k2td_origin_allowed(&r, "https://k2td.example.com", pub), 1);
    CHECK_INT(k2td_origin_allowed(&r, "http://k2td.example.com", pub), 0);
}

int main(void) {
    RUN(test_own_origins);
    RUN(test_public_urls);
    return test_finish();
}
