/*
 * regex_parse.h - turns a text payload into a row through a regular
 * expression's named groups (taosX's "Regex" parse step).
 *
 * The pattern is PCRE2 syntax compiled once, in UTF mode with Unicode
 * properties (\d, \w, \s and [[:alpha:]] also match non-ASCII characters,
 * as in taosX's Rust regex), JIT-compiled when PCRE2 has a JIT for this
 * machine. As in Rust, $ (without (?m)) matches only at the very end, not
 * before a final newline.
 * Every named group `(?<name>...)` (or `(?P<name>...)`) becomes a string
 * field of that name, in the order the groups open in the pattern; a group
 * that took no part in the match gives no field (NULL later). Unnamed
 * groups are only for grouping.
 * Like Rust's `captures`, the first match anywhere in the payload counts:
 * anchor with ^ and $ to demand a match of the whole payload. With
 * K2TD_REGEX_EVERY_MATCH, every non-overlapping match is a row (e.g. one
 * row per line of a multi-line message with `(?m)^...$`); after an empty
 * match the next one must not be empty at the same place, so the scan
 * always moves on.
 * A leading UTF-8 byte order mark is not part of the payload's text.
 *
 * Unicode classes are what Chinese payloads need ((?<city>\w+) on a city
 * name written in Chinese) and cost speed: bench/text_parse_bench.c (an
 * 85-byte log line, 4 named groups, one core, gcc 12 -O2, JIT) parses
 * 4.1 M rows/s with UTF + UCP, 6.5 M with UTF alone and 11.9 M treating
 * the payload as bytes; still above what TDengine can write
 * (perf-baselines.md: 1-2.7 M rows/s).
 */
#ifndef K2TD_REGEX_PARSE_H
#define K2TD_REGEX_PARSE_H

#include <stddef.h>

#include "../model/value.h"

/* Flag for k2td_regex_compile(): every non-overlapping match is a row. */
#define K2TD_REGEX_EVERY_MATCH 1u

typedef struct k2td_regex k2td_regex_t;

/*
 * Compiles the NUL-terminated pattern with flags (0 or
 * K2TD_REGEX_EVERY_MATCH). Returns the compiled parser (the caller frees it
 * with k2td_regex_free(); it keeps no pointer into pattern), or NULL with
 * errstr saying why: PCRE2's message and where, e.g.
 * "pattern offset 7: missing closing parenthesis", or
 * "pattern has no named group (write (?<name>...))", or
 * "pattern names two groups 'v'".
 */
k2td_regex_t *k2td_regex_compile(const char *pattern, unsigned flags, char *errstr,
                                 size_t errstr_size);

/* Releases re (NULL is fine). */
void k2td_regex_free(k2td_regex_t *re);

/*
 * Matches the payload buf[0..len) (need not be NUL-terminated) and appends
 * a row per match to out, each tagged with msg_index.
 * Returns the number of rows appended (at least 1), or -1 with errstr
 * saying why and out rolled back to the rows it had before the call:
 * "pattern did not match", "offset 3: UTF-8 error: ..." (the payload is not
 * UTF-8), or "pattern matching failed at offset 0: match limit exceeded"
 * (a pattern that backtracks without end on this payload).
 * Ownership: string values point into buf (zero copy) and names into re,
 * so both must outlive the rows. Names are NUL-terminated; values are not.
 * re holds the match state it reuses for every payload: one thread at a
 * time may use it (compile one per thread).
 */
int k2td_regex_parse(k2td_regex_t *re, const char *buf, size_t len, size_t msg_index,
                     k2td_rowset_t *out, char *errstr, size_t errstr_size);

/* Returns non-zero when the last k2td_regex_parse() failed only because
 * the pattern matched nowhere (as opposed to bad UTF-8 or a match limit). */
int k2td_regex_no_match(const k2td_regex_t *re);

#endif
