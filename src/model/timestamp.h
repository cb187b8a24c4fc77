/*
 * timestamp.h - turning message timestamps into TDengine ticks.
 *
 * TDengine stores a timestamp as an int64 count of ticks (ms, us or ns, the
 * database's precision) since 1970-01-01T00:00:00Z. Messages carry either an
 * integer epoch in some unit or an RFC3339/ISO-8601 string; this file turns
 * both into ticks without touching the process's TZ or locale.
 *
 * Zone-less strings: TDengine itself reads a string without a zone in the
 * client's time zone (for REST, taosAdapter's), so the same text can mean
 * different instants on different servers. k2td never sends such text: it
 * converts here, applying an explicit default UTC offset (k2td defaults to
 * UTC), and sends the integer.
 */
#ifndef K2TD_TIMESTAMP_H
#define K2TD_TIMESTAMP_H

#include <stddef.h>
#include <stdint.h>

#include "schema.h"
#include "value.h"

/* Largest tick TDengine accepts (inclusive), per precision:
 * 2970-01-01T00:00:00Z for ms and us, 2262-01-01T00:00:00Z for ns. */
#define K2TD_TS_MAX_MS INT64_C(31556995200000)
#define K2TD_TS_MAX_US INT64_C(31556995200000000)
#define K2TD_TS_MAX_NS INT64_C(9214646400000000000)

/* Buffer size that always fits k2td_ts_format()'s text. */
#define K2TD_TS_TEXT_MAX 48

/* Returns the unit an integer epoch is in, judged by its magnitude |v|:
 * > 1e9*86400*365 ns, > 1e6*86400*365 us, > 1e3*86400*365 ms, else s. */
k2td_ts_unit_t k2td_ts_detect_unit(int64_t v);

/* Converts the integer epoch v, in unit (K2TD_TS_AUTO = detect by magnitude),
 * into ticks of prec. Converting to a coarser unit rounds towards the earlier
 * instant (floor), so -1 ns is -1 ms. Returns 0 and sets *out, or -1 with the
 * reason in errstr when the result does not fit in int64. */
int k2td_ts_from_epoch(int64_t v, k2td_ts_unit_t unit, k2td_precision_t prec, int64_t *out,
                       char *errstr, size_t errstr_size);

/*
 * Parses the timestamp text s[0..n) into ticks of prec. Accepted forms:
 *   - an integer epoch ("1764028810000", "-1000"): converted as by
 *     k2td_ts_from_epoch() with unit;
 *   - YYYY-MM-DD, or YYYY-MM-DD hh:mm:ss with 'T', 't' or a space between,
 *     then an optional '.' and any number of fraction digits (digits beyond
 *     the precision are truncated, never rounded), then an optional zone
 *     Z, z, +hh:mm, +hhmm or +hh (or '-'), optionally after one space.
 * Leading spaces are skipped. A string without a zone is local time at
 * default_offset_s seconds east of UTC (0 = UTC).
 * Returns 0 and sets *out, or -1 with the reason (and offset) in errstr for
 * malformed text, an impossible date or time (month 13, Feb 30, hour 25) or
 * a result outside int64.
 */
int k2td_ts_parse(const char *s, size_t n, k2td_ts_unit_t unit, k2td_precision_t prec,
                  int32_t default_offset_s, int64_t *out, char *errstr, size_t errstr_size);

/* Parses a zone "Z", "+hh:mm", "+hhmm" or "+hh" (or '-') in s[0..n) into
 * seconds east of UTC. Returns 0, or -1 when s is anything else. */
int k2td_ts_parse_zone(const char *s, size_t n, int32_t *offset_s);

/* Sets [*min, *max], the inclusive tick range a database of precision prec
 * and KEEP keep_days accepts at time now (in ticks of prec): min is
 * now - keep_days (saturating at INT64_MIN), max the K2TD_TS_MAX_* value. */
void k2td_ts_range(k2td_precision_t prec, int64_t now, int64_t keep_days, int64_t *min,
                   int64_t *max);

/* Writes ts (ticks of prec) as RFC3339 in UTC with 3, 6 or 9 fraction digits
 * ("2025-11-25T00:00:00.000Z") into out (K2TD_TS_TEXT_MAX bytes suffice).
 * Returns the text length (as snprintf). Meant for messages, not the hot path. */
int k2td_ts_format(int64_t ts, k2td_precision_t prec, char *out, size_t out_size);

#endif
