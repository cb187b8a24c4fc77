/*
 * test.h - the unit tests' small harness.
 *
 * A test file defines functions `static void test_x(void)` and lists them in
 * main() with RUN(test_x). CHECK* macros record a failure with file:line and
 * carry on; main() returns test_finish(), which prints "N passed, N failed"
 * and exits non-zero when anything failed.
 */
#ifndef K2TD_TEST_H
#define K2TD_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int test_checks_failed;
static int test_cases_passed, test_cases_failed;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            test_checks_failed++;                                                    \
        }                                                                            \
    } while (0)

#define CHECK_INT(a, b)                                                                \
    do {                                                                               \
        long long va_ = (long long)(a), vb_ = (long long)(b);                          \
        if (va_ != vb_) {                                                              \
            fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, \
                    #a, va_, vb_);                                                     \
            test_checks_failed++;                                                      \
        }                                                                              \
    } while (0)

#define CHECK_STR(a, b)                                                                  \
    do {                                                                                 \
        const char *sa_ = (a), *sb_ = (b);                                               \
        if (!sa_ || !sb_ || strcmp(sa_, sb_) != 0) {                                     \
            fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
                    #a, sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");                     \
            test_checks_failed++;                                                        \
        }                                                                                \
    } while (0)

/* Checks that the text of length n equals the NUL-terminated expected. */
#define CHECK_MEM(ptr, n, expected)                                                       \
    do {                                                                                  \
        const char *pa_ = (ptr), *pe_ = (expected);                                       \
        size_t na_ = (n);                                                                 \
        if (!pa_ || na_ != strlen(pe_) || memcmp(pa_, pe_, na_) != 0) {                   \
            fprintf(stderr, "%s:%d: %s == \"%.*s\", expected \"%s\"\n", __FILE__, __LINE__, \
                    #ptr, (int)na_, pa_ ? pa_ : "", pe_);                                 \
            test_checks_failed++;                                                         \
        }                                                                                 \
    } while (0)

#define RUN(fn)                                                   \
    do {                                                          \
        int before_ = test_checks_failed;                         \
        fn();                                                     \
        if (test_checks_failed == before_) {                      \
            test_cases_passed++;                                  \
        } else {                                                  \
            test_cases_failed++;                                  \
            fprintf(stderr, "FAIL %s\n", #fn);                    \
        }                                                         \
    } while (0)

static inline int test_finish(void) {
    printf("%d passed, %d failed\n", test_cases_passed, test_cases_failed);
    return test_cases_failed ? 1 : 0;
}

#endif
