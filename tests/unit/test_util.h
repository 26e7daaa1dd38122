/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_util.h -- includes every cmocka test needs, in the order cmocka
 * wants them, and small helpers shared by the unit tests.
 */
#ifndef GUICHET_TEST_UTIL_H
#define GUICHET_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Path of the repository root (tests run from it: make sets the cwd). */
#define TEST_ROOT "."

#endif
