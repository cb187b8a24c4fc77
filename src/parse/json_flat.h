/*
 * json_flat.h - turns one Kafka message's JSON payload into flattened rows.
 *
 * This is the hot path of k2td: every message goes through it once. It is a
 * purpose-written single-pass parser rather than a Debian JSON library:
 * cJSON and jansson build a tree (one malloc per node), copy every string,
 * and the tree must then be walked again to build the flattened names;
 * simdjson (libsimdjson-dev) is fast but C++, and would still need that
 * walk. This parser writes fields straight into the rowset: string values
 * without escapes point into the payload, names and unescaped strings go to
 * the rowset's arena, and nothing is malloc'ed per message once the rowset
 * has grown to its working size (a number literal longer than 127
 * characters is the one exception).
 * Measured with bench/json_parse_bench.c (1,000,000 variants of the
 * canonical 132-byte "meters" message, parse + read every field, one core,
 * gcc 12 -O2, best of 3 runs on a shared 2-core VM):
 *     k2td_json_flat_parse                         6.6 M msg/s   880 MB/s
 *     cJSON 1.7.15: parse, walk, build flat names  1.1 M msg/s   142 MB/s
 * (perf-baselines.md: jansson 0.29 M, simdjson On-Demand, C++, 11.9 M.)
 *
 * Accepted payloads (leading UTF-8 BOM and whitespace are skipped):
 *   - one object                                  -> one row
 *   - an array of objects                         -> one row per element
 *   - objects one after another (NDJSON)          -> one row per object
 * Nested objects are flattened with '_' ({"a":{"b":1}} -> a_b), array
 * elements by index ({"t":[1,2]} -> t_0, t_1; {"l":[{"c":1}]} -> l_0_c).
 * Empty objects and arrays produce no field. Nesting deeper than
 * K2TD_JSON_MAX_DEPTH containers (counted from the row's object) is an error.
 * When two fields of one row end up with the same name (a duplicate key, or
 * a key like "a_b" next to {"a":{"b":..}}), the last value wins and keeps
 * the position of the first.
 */
#ifndef K2TD_JSON_FLAT_H
#define K2TD_JSON_FLAT_H

#include <stddef.h>

#include "../model/value.h"

#define K2TD_JSON_MAX_DEPTH 64

/*
 * Parses the payload buf[0..len) (need not be NUL-terminated) and appends
 * its rows to out, each tagged with msg_index.
 * Returns the number of rows appended (0 for an empty array), or -1 when the
 * payload is not acceptable JSON: errstr then says where and why, e.g.
 * "offset 17: expected ':' after object key", and out is rolled back to the
 * rows it had before the call (arena memory is not reclaimed).
 * Ownership: fields point into buf and into out->arena, so buf must outlive
 * the rows (until k2td_rowset_reset()). Names are NUL-terminated; string
 * values are not.
 */
int k2td_json_flat_parse(const char *buf, size_t len, size_t msg_index, k2td_rowset_t *out,
                         char *errstr, size_t errstr_size);

/*
 * Reads s[0..len) as one JSON number (strict grammar: no '+', no leading
 * zeros, no NaN/Infinity, nothing before or after) and fills v the way the
 * parser does: INT if integral and in int64, UINT if only in uint64, else
 * FLOAT; v->str/len = s/len. Returns 0, or -1 (v untouched) when s is not a
 * JSON number.
 */
int k2td_json_parse_number(const char *s, size_t len, k2td_value_t *v);

#endif
