/*
 * test_service_router.c - the service's route table matching: methods,
 * {id} segments (numbers and not), 405 with the allowed methods, 404.
 */
#include "service/router.h"
#include "test.h"

static void fn_a(void *c) { (void)c; }
static void fn_b(void *c) { (void)c; }

static const k2td_route_t table[] = {
    {"GET", "/api/tasks", 0, fn_a},
    {"POST", "/api/tasks", 0, fn_b},
    {"GET", "/api/tasks/{id}", K2TD_ROUTE_PUBLIC, fn_a},
    {"DELETE", "/api/tasks/{id}", 0, fn_b},
    {"POST", "/api/tasks/{id}/start", 0, fn_b},
    {NULL, NULL, 0, NULL},
};

static void test_match(void) {
    k2td_route_match_t m;
    CHECK_INT(k2td_router_match(table, "POST", "/api/tasks", &m), 1);
    CHECK(m.route == &table[1]);
    CHECK_INT(m.id, 0);
    CHECK_INT(k2td_router_match(table, "GET", "/api/tasks/42", &m), 1);
    CHECK(m.route == &table[2]);
    CHECK_INT(m.id, 42);
    CHECK_STR(m.id_text, "42");
    CHECK_INT(k2td_router_match(table, "POST", "/api/tasks/7/start", &m), 1);
    CHECK_INT(m.id, 7);
}

static void test_bad_ids(void) {
    static const char *const bad[] = {"/api/tasks/abc", "/api/tasks/0", "/api/tasks/-1",
                                      "/api/tasks/1.5", "/api/tasks/1234567890123456",
                                      "/api/tasks/00"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        k2td_route_match_t m;
        CHECK_INT(k2td_router_match(table, "GET", bad[i], &m), 1);
        CHECK_INT(m.id, -1);
    }
}

static void test_405_and_404(void) {
    k2td_route_match_t m;
    CHECK_INT(k2td_router_match(table, "PUT", "/api/tasks/3", &m), 0);
    CHECK_INT(m.path_known, 1);
    CHECK_STR(m.allow, "GET, DELETE");
    CHECK_INT(k2td_router_match(table, "GET", "/api/tasks/3/stop", &m), 0);
    CHECK_INT(m.path_known, 0);
    CHECK_INT(k2td_router_match(table, "GET", "/api/tasks/", &m), 0);
    CHECK_INT(m.path_known, 0);
    CHECK_INT(k2td_router_match(table, "GET", "/api/tasks//start", &m), 0);
    CHECK_INT(k2td_router_match(table, "GET", "/api/task", &m), 0);
    CHECK_INT(k2td_router_match(table, "GET", "", &m), 0);
}

int main(void) {
    RUN(test_match);
    RUN(test_bad_ids);
    RUN(test_405_and_404);
    return test_finish();
}
