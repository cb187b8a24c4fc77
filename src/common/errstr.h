/*
 * errstr.h - filling the caller-owned error strings of k2td's APIs.
 *
 * Functions that can fail take `char *errstr, size_t errstr_size`; the caller
 * owns the buffer, which may be NULL or empty when the message is not wanted.
 */
#ifndef K2TD_ERRSTR_H
#define K2TD_ERRSTR_H

#include <stddef.h>

/* Writes a printf-style message into errstr (when errstr_size > 0).
 * Always returns -1, so a failing function can `return k2td_errstr_set(...)`. */
int k2td_errstr_set(char *errstr, size_t errstr_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Puts printf-style text in front of the message already in errstr,
 * truncating the end when it no longer fits. */
void k2td_errstr_prefix(char *errstr, size_t errstr_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
