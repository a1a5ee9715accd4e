/* test_base_hex.c - cmocka tests of base/base_hex.h: every byte value (0-255 and the negative
 * chars) is a digit of the right value or refused, and pairs decode to the byte they spell. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base_hex.h"

static void test_digit_every_byte(void **state)
{
	const char *lower = "0123456789abcdef", *upper = "0123456789ABCDEF";
	int digits = 0;

	(void)state;
	for (int c = -128; c < 256; c++) {
		const char *l = c > 0 ? strchr(lower, c) : NULL, *u = c > 0 ? strchr(upper, c) : NULL;
		int want = l ? (int)(l - lower) : u ? (int)(u - upper) : -1;

		assert_int_equal(base_hex_digit(c), want);
		digits += want >= 0;
	}
	assert_int_equal(digits, 22); /* 0-9, a-f, A-F */
	assert_int_equal(base_hex_digit('g'), -1);
	assert_int_equal(base_hex_digit('G'), -1);
	assert_int_equal(base_hex_digit('/'), -1);  /* '0' - 1 */
	assert_int_equal(base_hex_digit(':'), -1);  /* '9' + 1 */
	assert_int_equal(base_hex_digit('@'), -1);  /* 'A' - 1 */
	assert_int_equal(base_hex_digit('`'), -1);  /* 'a' - 1 */
	assert_int_equal(base_hex_digit('\0'), -1);
	assert_int_equal(base_hex_digit((char)0xb0), -1); /* a char above 0x7f, negative where signed */
}

static void test_byte(void **state)
{
	char two[3];

	(void)state;
	for (int b = 0; b < 256; b++) {
		snprintf(two, sizeof(two), "%02x", (unsigned)b);
		assert_int_equal(base_hex_byte(two[0], two[1]), b);
		snprintf(two, sizeof(two), "%02X", (unsigned)b);
		assert_int_equal(base_hex_byte(two[0], two[1]), b);
	}
	assert_int_equal(base_hex_byte('F', 'e'), 0xfe);
	assert_int_equal(base_hex_byte('0', '0'), 0);
	assert_int_equal(base_hex_byte('g', '0'), -1);
	assert_int_equal(base_hex_byte('0', 'g'), -1);
	assert_int_equal(base_hex_byte('%', '2'), -1);
	assert_int_equal(base_hex_byte('2', '\0'), -1);
	assert_int_equal(base_hex_byte(-1, '0'), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digit_every_byte),
		cmocka_unit_test(test_byte),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
