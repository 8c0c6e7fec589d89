/* Common includes for the cmocka unit tests, and the comparisons they share. */
#ifndef NCH_TEST_H
#define NCH_TEST_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

/* Fails the test, printing both values, unless |a - b| <= abs + rel·|b|. */
#define assert_close(a, b, rel, abs_)                                            \
    do {                                                                         \
        double a_ = (a), b_ = (b);                                               \
        if (!(fabs(a_ - b_) <= (abs_) + (rel) * fabs(b_))) {                    \
            print_error("%s = %.17g, expected %s = %.17g (rel %g, abs %g)\n", #a, \
                        a_, #b, b_, (double)(rel), (double)(abs_));              \
            fail();                                                              \
        }                                                                        \
    } while (0)

#endif
