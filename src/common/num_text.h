/*
 * num_text.h - numbers as decimal text on the per-row path: a double as the
 * shortest text that reads back exactly, and 64-bit integers.
 *
 * Why hand-written: every number computed per row (an `expr` mapping, a
 * number turned into a string) used to be written with snprintf("%.17g"),
 * and the expression side with up to three snprintf("%.*g") + strtod()
 * rounds; glibc's printf machinery took about 30% of the full-featured
 * transform path. Measured on readings such as 10.35 and 22.1 * 1.8 + 32,
 * one core: about 360 instructions a call here against about 3,400 for
 * snprintf("%.17g") (callgrind, bench/transform_bench), and 95-150 ns
 * against 840-1,400 ns (%.17g) and 1,100-1,750 ns (the %.15g..%.17g loop)
 * of wall time on a shared machine. bench/README.md has what it did to the
 * whole path.
 *
 * The algorithm (k2td_num_text_double), for a finite non-zero v = m * 2^e
 * (m the 53-bit integer significand):
 *
 *   1. Every real number in the rounding interval of v - halfway to the
 *      neighbouring doubles below and above, the ends included when m is
 *      even (strtod rounds ties to even) - reads back as v. Below a power of
 *      two the neighbour is twice as close, so that half is narrower.
 *   2. Fast path, for normal values with 10^-15 <= |v| < 10^17 (roughly;
 *      everything a sensor or a computation on one usually gives): pick
 *      k >= 0 so that v * 10^k has 17 or 18 digits and compute the
 *      interval's ends and v itself, times 10^k, exactly as 128-bit integers
 *      (4m * 5^k * 2^(e+k-2) stays below 2^128 in that range). The interval
 *      is then wider than 1, so it holds the integers a..b. Drop decimal
 *      digits from a (rounding up) and b (rounding down) while an integer is
 *      still between them: the last level j where one is left gives the
 *      fewest significant digits. Of the integers left at that level, take
 *      the one nearest to v (ties to even), which is what a correctly
 *      rounded printf("%.*e") gives at that precision. The digits carry no
 *      trailing zero, since one would mean the next level still had an
 *      integer.
 *   3. Fallback, for subnormals and magnitudes outside that range: the
 *      smallest p in 1..17 at which the nearest p-digit decimal, from
 *      snprintf("%.*e", p - 1) (glibc's printf rounds correctly), reads back
 *      with strtod(). Most values there need 16 or 17 digits, so those are
 *      tried first, then a binary search below: in a symmetric interval,
 *      if the nearest p-digit decimal reads back so does the nearest
 *      (p+1)-digit one. When v is a power of two the interval is lopsided
 *      and the nearest p-digit decimal may lie just outside the narrow lower
 *      side while the next one up is inside, so there each p is tried in
 *      turn with both.
 *
 * Layout is that of printf("%.17g") with the digits cut to the shortest:
 * plain digits for exponents -5..16 ("71.78", "0.0001", "1e+17", "1e-05",
 * every integer below 10^17 in full), else d.ddde+XX with at least two
 * exponent digits; no trailing ".0"; "-0" for negative zero; "nan", "-nan",
 * "inf" and "-inf" as glibc writes them. strtod reads all of these back.
 */
#ifndef K2TD_NUM_TEXT_H
#define K2TD_NUM_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Room for any text written here, its NUL included (the longest is 24
 * characters, e.g. -1.2345678901234567e-308). */
#define K2TD_NUM_TEXT_MAX 32

/* Writes the shortest text that strtod() reads back as exactly v, laid out
 * as described above, and a NUL into out. Returns the text's length. Never
 * fails. */
size_t k2td_num_text_double(double v, char out[K2TD_NUM_TEXT_MAX]);

/* Writes v in decimal and a NUL into out. Returns the text's length. */
size_t k2td_num_text_u64(uint64_t v, char out[K2TD_NUM_TEXT_MAX]);

/* Writes v in decimal ('-' first when negative) and a NUL into out. Returns
 * the text's length. */
size_t k2td_num_text_i64(int64_t v, char out[K2TD_NUM_TEXT_MAX]);

#endif
