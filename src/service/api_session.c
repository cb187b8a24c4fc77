/*
 * api_session.c - /api/health, /api/login, /api/logout, /api/session.
 */
#include <stdio.h>

#include "../common/alloc.h"
#include "../common/log.h"
#include "api.h"

void k2td_api_health(k2td_api_call_t *c) {
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "status", "ok");
    cJSON_AddStringToObject(doc, "version", K2TD_VERSION);
    k2td_api_reply(c, 200, doc);
}

void k2td_api_login(k2td_api_call_t *c) {
    cJSON *body = k2td_api_body(c);
    if (!body) return;
    const char *user = k2td_api_string(c, body, "user", 1);
    const char *password = user ? k2td_api_string(c, body, "password", 1) : NULL;
    if (!password) {
        cJSON_Delete(body);
        return;
    }
    char token[K2TD_AUTH_TOKEN_LEN + 1];
    int retry_after = 0;
    int rc = k2td_auth_login(c->svc->auth, c->req->client, user, password, token, &retry_after);
    if (rc == K2TD_AUTH_LIMITED) {
        c->resp->retry_after = retry_after;
        k2td_http_error(c->resp, 429, NULL,
                        "too many failed logins from this address; try again in %d s",
                        retry_after);
        k2td_log_warn("login refused for %s: too many failures", c->req->client);
    } else if (rc != 0) {
        k2td_http_error(c->resp, 401, "password", "wrong user or password");
        k2td_log_warn("failed login from %s", c->req->client);
    } else {
        cJSON *doc = cJSON_CreateObject();
        cJSON_AddStringToObject(doc, "token", token);
        cJSON_AddStringToObject(doc, "user", user);
        k2td_buf_t cookie = K2TD_BUF_INIT;
        k2td_buf_printf(&cookie, "k2td_session=%s; HttpOnly; SameSite=Strict; Path=/%s", token,
                        c->req->tls ? "; Secure" : "");
        c->resp->set_cookie = k2td_buf_detach(&cookie);
        k2td_api_reply(c, 200, doc);
    }
    cJSON_Delete(body);
}

void k2td_api_logout(k2td_api_call_t *c) {
    k2td_auth_logout(c->svc->auth, c->token);
    k2td_buf_t cookie = K2TD_BUF_INIT;
    k2td_buf_printf(&cookie, "k2td_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0%s",
                    c->req->tls ? "; Secure" : "");
    c->resp->set_cookie = k2td_buf_detach(&cookie);
    k2td_api_reply(c, 204, NULL);
}

void k2td_api_session(k2td_api_call_t *c) {
    char user[128];
    if (!k2td_auth_check(c->svc->auth, c->token, user, sizeof(user))) {
        k2td_http_error(c->resp, 401, NULL, "not logged in");
        return;
    }
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "user", user);
    k2td_api_reply(c, 200, doc);
}
