/*
 * num_text.c - numbers as decimal text on the per-row path (see num_text.h
 * for the algorithm and why it is hand-written).
 */
#include "num_text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__extension__ typedef unsigned __int128 u128;

/* A positive decimal c * 10^q; c has no trailing zero once finished. */
typedef struct dec {
    uint64_t c;
    int q;
} dec_t;

static const char DIGIT_PAIRS[201] = "0001020304050607080910111213141516171819"
                                     "2021222324252627282930313233343536373839"
                                     "4041424344454647484950515253545556575859"
                                     "6061626364656667686970717273747576777879"
                                     "8081828384858687888990919293949596979899";

static const uint64_t POW10[20] = {1ULL,
                                   10ULL,
                                   100ULL,
                                   1000ULL,
                                   10000ULL,
                                   100000ULL,
                                   1000000ULL,
                                   10000000ULL,
                                   100000000ULL,
                                   1000000000ULL,
                                   10000000000ULL,
                                   100000000000ULL,
                                   1000000000000ULL,
                                   10000000000000ULL,
                                   100000000000000ULL,
                                   1000000000000000ULL,
                                   10000000000000000ULL,
                                   100000000000000000ULL,
                                   1000000000000000000ULL,
                                   10000000000000000000ULL};

/* 5^0 .. 5^27, the powers of five that fit 64 bits. */
static const uint64_t POW5[28] = {1ULL,
                                  5ULL,
                                  25ULL,
                                  125ULL,
                                  625ULL,
                                  3125ULL,
                                  15625ULL,
                                  78125ULL,
                                  390625ULL,
                                  1953125ULL,
                                  9765625ULL,
                                  48828125ULL,
                                  244140625ULL,
                                  1220703125ULL,
                                  6103515625ULL,
                                  30517578125ULL,
                                  152587890625ULL,
                                  762939453125ULL,
                                  3814697265625ULL,
                                  19073486328125ULL,
                                  95367431640625ULL,
                                  476837158203125ULL,
                                  2384185791015625ULL,
                                  11920928955078125ULL,
                                  59604644775390625ULL,
                                  298023223876953125ULL,
                                  1490116119384765625ULL,
                                  7450580596923828125ULL};

/* Returns the number of decimal digits of v (1 for 0): from the bit length
 * b of v | 1, floor(b * log10(2)) (1233 / 4096 is close enough for b <= 64)
 * is that count or one less. */
static int digit_count(uint64_t v) {
    v |= 1; /* the same count, and 0 counts as 1 */
    int n = ((64 - __builtin_clzll(v)) * 1233) >> 12;
    return n + (v >= POW10[n]);
}

/* Writes the n decimal digits of v (n == digit_count(v)) at out[0..n). */
static void put_digits(uint64_t v, char *out, int n) {
    char *p = out + n;
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        p -= 2;
        memcpy(p, DIGIT_PAIRS + 2 * r, 2);
    }
    if (v >= 10) {
        memcpy(p - 2, DIGIT_PAIRS + 2 * v, 2);
    } else {
        p[-1] = (char)('0' + v);
    }
}

/* k2td_num_text_u64() on a plain pointer, so callers may write at an offset. */
static size_t put_u64(uint64_t v, char *out) {
    int n = digit_count(v);
    put_digits(v, out, n);
    out[n] = '\0';
    return (size_t)n;
}

size_t k2td_num_text_u64(uint64_t v, char out[K2TD_NUM_TEXT_MAX]) {
    return put_u64(v, out);
}

size_t k2td_num_text_i64(int64_t v, char out[K2TD_NUM_TEXT_MAX]) {
    if (v >= 0) return put_u64((uint64_t)v, out);
    out[0] = '-';
    return 1 + put_u64((uint64_t)0 - (uint64_t)v, out + 1);
}

/* Writes d in the layout of printf("%.17g") (plain digits for decimal
 * exponents -5..16, else d.ddde+XX) and a NUL into out; returns the length. */
static size_t layout(const dec_t *d, char *out) {
    char dig[20];
    int n = digit_count(d->c);
    put_digits(d->c, dig, n);
    int x = n - 1 + d->q; /* the exponent of the leading digit */
    char *p = out;
    if (x < -4 || x >= 17) {
        *p++ = dig[0];
        if (n > 1) {
            *p++ = '.';
            memcpy(p, dig + 1, (size_t)n - 1);
            p += n - 1;
        }
        *p++ = 'e';
        *p++ = x < 0 ? '-' : '+';
        unsigned ax = (unsigned)(x < 0 ? -x : x);
        if (ax >= 100) {
            *p++ = (char)('0' + ax / 100);
            ax %= 100;
        }
        memcpy(p, DIGIT_PAIRS + 2 * ax, 2);
        p += 2;
    } else if (x < 0) { /* 0.000ddd */
        *p++ = '0';
        *p++ = '.';
        memset(p, '0', (size_t)(-x - 1));
        p += -x - 1;
        memcpy(p, dig, (size_t)n);
        p += n;
    } else if (n <= x + 1) { /* an integer: ddd000 */
        memcpy(p, dig, (size_t)n);
        p += n;
        memset(p, '0', (size_t)(x + 1 - n));
        p += x + 1 - n;
    } else { /* ddd.ddd */
        memcpy(p, dig, (size_t)x + 1);
        p += x + 1;
        *p++ = '.';
        memcpy(p, dig + x + 1, (size_t)(n - x - 1));
        p += n - x - 1;
    }
    *p = '\0';
    return (size_t)(p - out);
}

/* Returns floor(e2 * log10(2)) for |e2| < 1650 (78913 / 2^18 is log10(2)
 * rounded up closely enough for that range). */
static int floor_log10_pow2(int e2) {
    if (e2 >= 0) return (e2 * 78913) >> 18;
    return -((-e2 * 78913 + (1 << 18) - 1) >> 18);
}

/* Divides *a (rounding up) and *b (rounding down) by p = 10^s when some
 * integer is still between them. Returns s then, else 0. */
static inline int drop_digits(uint64_t *a, uint64_t *b, uint64_t p, int s) {
    uint64_t na = *a / p + (*a % p != 0), nb = *b / p;
    if (na > nb) return 0;
    *a = na;
    *b = nb;
    return s;
}

/* The fast path of num_text.h, step 2, for v = m * 2^e with m in
 * [2^52, 2^53); lower_closer when the double below v is half as far as the
 * one above (m == 2^52, v not the smallest normal). Sets *d and returns 0,
 * or returns -1 when v is outside 10^-15 .. 10^17 (roughly). */
static int shortest_fast(uint64_t m, int e, int lower_closer, dec_t *d) {
    int k = 16 - floor_log10_pow2(e + 52); /* v * 10^k in [10^16, 2 * 10^17) */
    if (k < 0 || k > 31) return -1;
    /* 4 * v * 10^k = 4m * 5^k * 2^(e+k), kept as N / 2^ds or N exactly */
    u128 f = k <= 27 ? (u128)POW5[k] : (u128)POW5[27] * POW5[k - 27];
    u128 nv = (u128)(m << 2) * f;
    u128 nlo = (u128)((m << 2) - (lower_closer ? 1 : 2)) * f;
    u128 nhi = (u128)((m << 2) + 2) * f;
    int sh = e + k - 2, ds = 0;
    if (sh > 0) { /* small: the shifted values stay below 2^61 */
        nv <<= sh;
        nlo <<= sh;
        nhi <<= sh;
    } else {
        ds = -sh; /* at most 72 in this range */
    }
    u128 mask = ((u128)1 << ds) - 1;
    uint64_t vq = (uint64_t)(nv >> ds);
    u128 vr = nv & mask;
    /* the integers a..b lie in the interval; its ends count when m is even */
    int even = (m & 1) == 0;
    uint64_t a = (uint64_t)(nlo >> ds), b = (uint64_t)(nhi >> ds);
    if ((nlo & mask) != 0 || !even) a++;
    if ((nhi & mask) == 0 && !even) b--;
    /* the most digits j that can go while an integer is left (an integer
     * left at level j means one at every level below, so a binary descent
     * finds it; b < 2^61 bounds j by 18) */
    int j = 0;
    j += drop_digits(&a, &b, 10000000000000000ULL, 16);
    j += drop_digits(&a, &b, 100000000ULL, 8);
    j += drop_digits(&a, &b, 10000ULL, 4);
    j += drop_digits(&a, &b, 100ULL, 2);
    j += drop_digits(&a, &b, 10ULL, 1);
    /* v at that level rounded to the nearest, ties to even: the part
     * dropped is rem + vr / 2^ds out of 10^j */
    int up;
    if (j == 0) {
        u128 half = ds ? (u128)1 << (ds - 1) : 1; /* ds == 0: vr is 0, never up */
        up = vr > half || (vr == half && (vq & 1));
    } else {
        uint64_t rem = vq % POW10[j], half = POW10[j] / 2;
        vq /= POW10[j];
        up = rem > half || (rem == half && (vr != 0 || (vq & 1)));
    }
    uint64_t c = vq + (uint64_t)up;
    d->c = c < a ? a : c > b ? b : c;
    d->q = j - k;
    return 0;
}

/* Sets *d to the decimal in text, as snprintf("%.*e") writes it ("d.ddde-XX"). */
static void parse_e(const char *text, dec_t *d) {
    uint64_t c = 0;
    int nd = 0;
    for (; *text != 'e'; text++) {
        if (*text == '.') continue;
        c = c * 10 + (uint64_t)(*text - '0');
        nd++;
    }
    d->c = c;
    d->q = atoi(text + 1) - (nd - 1);
}

/* Sets *d to the p-significant-digit decimal nearest to a (> 0). */
static void nearest_decimal(double a, int p, dec_t *d) {
    char text[K2TD_NUM_TEXT_MAX];
    snprintf(text, sizeof(text), "%.*e", p - 1, a);
    parse_e(text, d);
}

/* Drops the trailing zeros of d->c (non-zero). */
static void strip_zeros(dec_t *d) {
    while (d->c % 10 == 0) {
        d->c /= 10;
        d->q++;
    }
}

/* Returns non-zero when strtod() reads d back as a. */
static int reads_back(dec_t d, double a) {
    char text[K2TD_NUM_TEXT_MAX];
    strip_zeros(&d);
    layout(&d, text);
    return strtod(text, NULL) == a;
}

/* Sets *d to the nearest p-digit decimal to a and returns 1 when that reads
 * back as a; else returns 0 and leaves *d alone. */
static int try_digits(double a, int p, dec_t *d) {
    dec_t t;
    nearest_decimal(a, p, &t);
    if (!reads_back(t, a)) return 0;
    *d = t;
    return 1;
}

/* The fallback of num_text.h, step 3: sets *d to the shortest decimal that
 * reads back as a (> 0). lopsided: a is a power of two whose lower
 * neighbour is closer. Most values here need 16 or 17 digits, so those are
 * tried first and fewer by binary search. */
static void shortest_slow(double a, int lopsided, dec_t *d) {
    if (lopsided) {
        for (int p = 1;; p++) {
            nearest_decimal(a, p, d);
            if (reads_back(*d, a)) break;
            d->c++; /* the next p-digit decimal up */
            if (reads_back(*d, a)) break;
        }
    } else if (!try_digits(a, 16, d)) {
        nearest_decimal(a, 17, d); /* 17 digits always read back */
    } else if (try_digits(a, 15, d)) {
        int lo = 1, hi = 15; /* *d has hi digits */
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (try_digits(a, mid, d))
                hi = mid;
            else
                lo = mid + 1;
        }
    }
    strip_zeros(d);
}

size_t k2td_num_text_double(double v, char out[K2TD_NUM_TEXT_MAX]) {
    uint64_t bits;
    memcpy(&bits, &v, sizeof(bits));
    int neg = (int)(bits >> 63);
    int be = (int)(bits >> 52 & 0x7ff);
    uint64_t frac = bits & ((UINT64_C(1) << 52) - 1);
    char *p = out;
    if (neg) *p++ = '-';
    if (be == 0x7ff) {
        memcpy(p, frac ? "nan" : "inf", 4);
        return (size_t)(p - out) + 3;
    }
    if (be == 0 && frac == 0) {
        memcpy(p, "0", 2);
        return (size_t)(p - out) + 1;
    }
    dec_t d;
    int lopsided = frac == 0 && be > 1;
    if (be == 0 || shortest_fast(frac | UINT64_C(1) << 52, be - 1075, lopsided, &d) != 0)
        shortest_slow(fabs(v), lopsided, &d);
    return (size_t)(p - out) + layout(&d, p);
}
