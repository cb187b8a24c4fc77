/*
 * fuzz_num_text.c - libFuzzer target: the first 8 bytes (zero-filled when
 * fewer) as the bits of a double written by k2td_num_text_double(), and
 * the same bits as a signed and an unsigned 64-bit integer.
 *
 * Invariants checked beyond "no crash, no sanitizer report":
 *   - the length returned is the text's, below K2TD_NUM_TEXT_MAX;
 *   - a finite double reads back with strtod() as exactly itself, the sign
 *     of zero included, in no more characters than printf("%.17g") takes;
 *   - NaN and infinity come out as glibc's printf writes them;
 *   - the integers read back with strtoll() / strtoull().
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/num_text.h"

/* Traps unless out holds a NUL-terminated text of length n. */
static void check_length(const char out[K2TD_NUM_TEXT_MAX], size_t n) {
    if (n >= K2TD_NUM_TEXT_MAX || strlen(out) != n) __builtin_trap();
}

static void check_double(double v) {
    char out[K2TD_NUM_TEXT_MAX], g[64];
    size_t n = k2td_num_text_double(v, out);
    check_length(out, n);
    snprintf(g, sizeof(g), "%.17g", v);
    if (!isfinite(v)) {
        if (strcmp(out, g) != 0) __builtin_trap();
        return;
    }
    double back = strtod(out, NULL);
    if (back != v || signbit(back) != signbit(v)) __builtin_trap();
    if (n > strlen(g)) __builtin_trap();
}

static void check_integers(uint64_t bits) {
    char out[K2TD_NUM_TEXT_MAX];
    size_t n = k2td_num_text_u64(bits, out);
    check_length(out, n);
    errno = 0;
    if (strtoull(out, NULL, 10) != bits || errno) __builtin_trap();
    int64_t i = (int64_t)bits;
    n = k2td_num_text_i64(i, out);
    check_length(out, n);
    if (strtoll(out, NULL, 10) != i || errno) __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint64_t bits = 0;
    double v;
    if (size) memcpy(&bits, data, size < sizeof(bits) ? size : sizeof(bits));
    memcpy(&v, &bits, sizeof(v));
    check_double(v);
    check_integers(bits);
    return 0;
}
