/*
 * clock.h - time for records, answers and intervals: the wall clock and the
 * monotonic clock in milliseconds, and RFC 3339 text.
 */
#ifndef K2TD_CLOCK_H
#define K2TD_CLOCK_H

#include <stdint.h>

/* Returns the wall clock in epoch milliseconds. */
int64_t k2td_clock_wall_ms(void);

/* Returns the monotonic clock in milliseconds (for intervals only). */
int64_t k2td_clock_mono_ms(void);

/* Writes ms (epoch milliseconds) as RFC 3339 UTC: "2026-12-01T10:00:00.000Z". */
void k2td_clock_rfc3339(int64_t ms, char out[32]);

#endif
