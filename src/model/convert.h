/*
 * convert.h - one value to the SQL literal of one column's type.
 *
 * The converter decides how a parsed value (bool, integer, float, string)
 * is written into a column of the target supertable: it range-checks, rounds
 * and validates the way TDengine would, so a value TDengine would refuse is
 * refused here, per value, with a message naming the column; one bad value
 * then never fails a whole multi-table INSERT. It never turns a bad value
 * into NULL: the caller decides what happens to the row.
 *
 * This runs once per value on the hot path: the success path neither
 * allocates (beyond growing the output buffer) nor formats with printf.
 */
#ifndef K2TD_CONVERT_H
#define K2TD_CONVERT_H

#include <stddef.h>
#include <stdint.h>

#include "../common/buf.h"
#include "schema.h"
#include "value.h"

/* Largest FLOAT magnitude accepted (FLT_MAX as a double). */
#define K2TD_FLOAT_MAX 3.4028234663852886e38

typedef struct k2td_convert_opts {
    k2td_precision_t precision; /* the database's precision */
    int64_t ts_min, ts_max;     /* accepted TIMESTAMP range, inclusive, in ticks */
    int32_t default_offset_s;   /* zone of zone-less timestamp strings, seconds east of UTC */
    int64_t now;                /* the batch's ingest time, in ticks */
} k2td_convert_opts_t;

/* Failures of k2td_convert_append that a row policy can act on; every
 * other failure is -1. */
#define K2TD_CONVERT_TOO_LONG (-2) /* a text value longer than its column */
#define K2TD_CONVERT_TS_RANGE (-3) /* a timestamp outside the database's range */

/* Fills opts for a database of precision prec and KEEP keep_days at time now
 * (ticks of prec); zone-less strings are read as UTC. */
void k2td_convert_opts_init(k2td_convert_opts_t *opts, k2td_precision_t prec, int64_t keep_days,
                            int64_t now);

/*
 * Appends to out the SQL literal of v converted to col's type:
 *   NULL            -> NULL (the caller checks the primary timestamp itself)
 *   integer columns -> decimal digits; floats are rounded half away from
 *                      zero, strings must be integer or decimal text, bools
 *                      give 1/0; the result must fit the column's range
 *   FLOAT/DOUBLE    -> the number's own literal text (range-checked), a
 *                      decimal string's text, or 1/0 for bools
 *   DECIMAL(p, s)   -> a number's own text or a decimal string, or 1/0 for
 *                      bools, rounded half away from zero to s places and
 *                      written as plain digits; more than p - s digits
 *                      before the point is out of range (decimal.h)
 *   BOOL            -> true/false from bools, numbers (non-zero is true) and
 *                      the strings true/yes/on/1 false/no/off/0 (any case)
 *   VARCHAR         -> a quoted string (length in bytes); numbers as their
 *                      literal text, bools as 'true'/'false'
 *   NCHAR           -> the same, but the value must be valid UTF-8 and the
 *                      length counts code points
 *   VARBINARY       -> '\x<hex>' of the bytes (TDengine would hex-decode a
 *                      value that starts with \x), length in bytes
 *   GEOMETRY, JSON  -> strings only, quoted (TDengine validates the content)
 *   TIMESTAMP       -> integer ticks in opts->precision from an integer epoch
 *                      (v->ts_unit, or guessed by magnitude) or a timestamp
 *                      string (see k2td_ts_parse()), within [ts_min, ts_max]
 * Returns 0. On failure returns -1 (or K2TD_CONVERT_TOO_LONG or
 * K2TD_CONVERT_TS_RANGE), leaves out unchanged and writes to errstr the
 * column, its type and the reason, e.g.
 *   column `voltage` (TINYINT): 300 is out of range [-128, 127]
 */
int k2td_convert_append(const k2td_value_t *v, const k2td_column_t *col,
                        const k2td_convert_opts_t *opts, k2td_buf_t *out, char *errstr,
                        size_t errstr_size);

/* Sets *out to v cut to the length of text column col (bytes, or
 * characters for NCHAR; never splitting a UTF-8 character); the bytes stay
 * v's (numbers and bools are first written as text into tmp). */
void k2td_convert_fit_length(const k2td_value_t *v, const k2td_column_t *col, char tmp[32],
                             k2td_value_t *out);

/* Returns the literal text of the number v (INT, UINT or FLOAT) and sets
 * *len: v's own text when it has one, else the digits written into tmp. */
const char *k2td_convert_number_text(const k2td_value_t *v, char tmp[32], size_t *len);

#endif
