/*
 * kafka_member.h - the group.instance.id of one member of a task, unique
 * among the k2td processes of this host and stable across their restarts.
 *
 * Several processes of one task on one host would otherwise join as the
 * same static member, and the coordinator fences all but the last
 * (FENCED_INSTANCE_ID). Each process claims the lowest free member slot of
 * the task's id on this host: slot 0 is the id itself, slot n the id with
 * "-n" after the member name. The claim is an abstract Unix socket named
 * after the id, which the kernel releases when the process ends, also by
 * SIGKILL: a restarted member finds the slot of the one that died free and
 * takes its place (and its partitions) in the group at once.
 */
#ifndef K2TD_KAFKA_MEMBER_H
#define K2TD_KAFKA_MEMBER_H

/* The highest slot tried; a host running more members of one task joins
 * with the last id and no claim. */
#define K2TD_KAFKA_MEMBER_SLOTS 1024

/* Returns the group.instance.id of the lowest member slot no other process
 * of this network namespace holds (a new string): head, name, "-<slot>"
 * from slot 1 on, then tail. *claim is set to the socket that holds the slot
 * (close it when the consumer is closed), or -1 when none could be made:
 * the reason is logged and the id returned is used without a claim. */
char *k2td_kafka_member_claim(const char *head, const char *name, const char *tail,
                              int *claim);

#endif
