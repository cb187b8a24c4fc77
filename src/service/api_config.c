/*
 * api_config.c - GET /api/config: what the operator's config decides for
 * the task form (the Kerberos kinit command, and whether a task may set
 * its own).
 */
#include "../task/kafka_security.h"
#include "api.h"

void k2td_api_config(k2td_api_call_t *c) {
    const k2td_dsn_policy_t *p = &c->svc->policy;
    cJSON *doc = cJSON_CreateObject();
    cJSON *kafka = cJSON_AddObjectToObject(doc, "kafka");
    cJSON_AddStringToObject(kafka, "kinit_cmd", p->kinit_cmd ? p->kinit_cmd : K2TD_KAFKA_KINIT_CMD);
    cJSON_AddBoolToObject(kafka, "allow_kinit_override", p->allow_kinit_override);
    k2td_api_reply(c, 200, doc);
}
