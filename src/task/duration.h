/*
 * duration.h - durations as task configuration writes them.
 *
 * A duration is a bare integer, read as milliseconds ("1500"), or one or more
 * number+unit parts with the units ms, s, m, h and d ("500ms", "5s", "1h30m").
 * Keys that may wait forever also take "never" and "-1" (with or without a
 * unit, as "-1s"), both meaning 0 = forever; "0" is 0 everywhere.
 */
#ifndef K2TD_DURATION_H
#define K2TD_DURATION_H

#include <stdint.h>

#include "../common/buf.h"

/* Parses text into *ms. allow_forever enables "never" and "-1..." (giving 0).
 * Returns 0, or -1 (leaving *ms alone) when text is empty, malformed, has an
 * unknown unit or overflows int64 milliseconds. */
int k2td_duration_parse(const char *text, int allow_forever, int64_t *ms);

/* Appends ms (>= 0) as the shortest text k2td_duration_parse reads back to the
 * same value: "0", "250ms", "5s", "1h30m", "1d2h". */
void k2td_duration_put(k2td_buf_t *out, int64_t ms);

#endif
