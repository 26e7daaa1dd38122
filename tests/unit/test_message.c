/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * test_message.c -- what a message's text must be (message_check: UTF-8,
 * not blank, at most MESSAGE_MAX_CHARS characters, counted as characters
 * and not bytes) and how a refused text is given back (message_displayable).
 */
#include "test_util.h"

#include "field.h"
#include "message.h"

static void
test_a_message_is_utf8_not_blank_and_bounded(void **state)
{
    en_err_t err;
    char     big[MESSAGE_MAX_CHARS * 2 + 8];
    size_t   i;

    (void) state;
    en_clear(&err);
    assert_int_equal(message_check(&err, "Bonjour, voici le budget."), EN_OK);
    assert_int_equal(message_check(&err, NULL), EN_BADINPUT);
    assert_string_equal(err.key, "message.empty");
    en_clear(&err);
    assert_int_equal(message_check(&err, " \t\r\n "), EN_BADINPUT);
    assert_string_equal(err.key, "message.empty");
    en_clear(&err);
    assert_int_equal(message_check(&err, "budget \xff\xfe joint"), EN_BADINPUT);
    assert_string_equal(err.key, "field.utf8");

    /* the limit is in characters: 4000 "é" (8000 bytes) pass, one more not */
    for (i = 0; i < MESSAGE_MAX_CHARS; i++) {
        big[2 * i] = (char) 0xC3;
        big[2 * i + 1] = (char) 0xA9;
    }
    big[2 * MESSAGE_MAX_CHARS] = '\0';
    en_clear(&err);
    assert_int_equal(message_check(&err, big), EN_OK);
    big[2 * MESSAGE_MAX_CHARS] = 'x';
    big[2 * MESSAGE_MAX_CHARS + 1] = '\0';
    assert_int_equal(message_check(&err, big), EN_BADINPUT);
    assert_string_equal(err.key, "message.too_long");
}

static void
test_a_refused_text_is_given_back_readable(void **state)
{
    pool_t     *p = pool_new(0);
    const char *s;

    (void) state;
    assert_string_equal(message_displayable(p, "déjà"), "déjà");
    s = message_displayable(p, "a\xff" "b\xc3");
    assert_true(field_utf8_ok(s));
    assert_string_equal(s, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
    assert_string_equal(message_displayable(p, NULL), "");
    pool_free(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_message_is_utf8_not_blank_and_bounded),
        cmocka_unit_test(test_a_refused_text_is_given_back_readable),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
