/*
 * test_kafka_member.c - member slots of a group.instance.id: each claim on
 * this host gets the lowest free slot, and a slot released (its process
 * ended) is the next one taken.
 */
#include <stdlib.h>
#include <unistd.h>

#include "source/kafka_member.h"
#include "test.h"

static void test_claims_take_the_lowest_free_slot(void) {
    /* a head of this process's own: other runs of the test hold no slot of it */
    char head[64];
    snprintf(head, sizeof(head), "test-%ld-", (long)getpid());
    int a, b, c, again;
    char *ia = k2td_kafka_member_claim(head, "host", "-cafe", &a);
    char *ib = k2td_kafka_member_claim(head, "host", "-cafe", &b);
    char *ic = k2td_kafka_member_claim(head, "host", "-cafe", &c);
    CHECK(a >= 0 && b >= 0 && c >= 0);
    char want[128];
    snprintf(want, sizeof(want), "%shost-cafe", head);
    CHECK_STR(ia, want);
    snprintf(want, sizeof(want), "%shost-1-cafe", head);
    CHECK_STR(ib, want);
    snprintf(want, sizeof(want), "%shost-2-cafe", head);
    CHECK_STR(ic, want);
    /* the member of slot 1 ends: the next claim is its restart */
    close(b);
    char *iagain = k2td_kafka_member_claim(head, "host", "-cafe", &again);
    CHECK_STR(iagain, ib);
    /* another name or other topics: slots of their own */
    int other;
    char *iother = k2td_kafka_member_claim(head, "host", "-beef", &other);
    snprintf(want, sizeof(want), "%shost-beef", head);
    CHECK_STR(iother, want);
    close(a);
    close(c);
    close(again);
    close(other);
    free(ia);
    free(ib);
    free(ic);
    free(iagain);
    free(iother);
}

int main(void) {
    RUN(test_claims_take_the_lowest_free_slot);
    return test_finish();
}
