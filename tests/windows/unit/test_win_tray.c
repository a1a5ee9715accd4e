/* test_win_tray.c - the pure parts of the Windows tray (platform/windows/tray/tray_text.c):
 * UTF-8 to UTF-16 into fixed buffers (cut at character boundaries, ellipsis, invalid input),
 * menu labels ('&' doubled) and flags, the details text with CR LF, and the drawn icons. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <cmocka.h>

/* clang-format off: winsock2.h must come before windows.h */
#include <winsock2.h>
#include <windows.h>
/* clang-format on */

#include "tray_win.h"

static void assert_wstr(const wchar_t *got, const wchar_t *want)
{
	if (wcscmp(got, want) != 0) {
		print_error("got:  ");
		for (const wchar_t *p = got; *p; p++)
			print_error("%04x ", (unsigned)*p);
		print_error("\nwant: ");
		for (const wchar_t *p = want; *p; p++)
			print_error("%04x ", (unsigned)*p);
		print_error("\n");
		fail();
	}
}

static void test_widen_fits(void **state)
{
	wchar_t out[8];
	bool cut = true;

	(void)state;
	assert_int_equal(plat_wtray_widen("abc", out, 8, true, &cut), 3);
	assert_false(cut);
	assert_wstr(out, L"abc");
	/* exactly full: not cut */
	assert_int_equal(plat_wtray_widen("abcdefg", out, 8, true, &cut), 7);
	assert_false(cut);
	assert_wstr(out, L"abcdefg");
	assert_int_equal(plat_wtray_widen(NULL, out, 8, true, &cut), 0);
	assert_wstr(out, L"");
	/* e acute, euro sign, U+1F600 (a surrogate pair) */
	assert_int_equal(plat_wtray_widen("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", out, 8, false,
					  &cut), 4);
	assert_false(cut);
	assert_wstr(out, L"\x00E9\x20AC\xD83D\xDE00");
}

static void test_widen_cut(void **state)
{
	wchar_t out[8];
	bool cut = false;

	(void)state;
	assert_int_equal(plat_wtray_widen("abcdefgh", out, 8, true, &cut), 7);
	assert_true(cut);
	assert_wstr(out, L"abcdef\x2026");
	assert_int_equal(plat_wtray_widen("abcdefgh", out, 8, false, &cut), 7);
	assert_true(cut);
	assert_wstr(out, L"abcdefg");
	/* a pair that does not fit is left out whole */
	assert_int_equal(plat_wtray_widen("ab\xF0\x9F\x98\x80", out, 4, false, &cut), 2);
	assert_true(cut);
	assert_wstr(out, L"ab");
	assert_int_equal(plat_wtray_widen("ab\xF0\x9F\x98\x80", out, 4, true, &cut), 3);
	assert_wstr(out, L"ab\x2026");
	/* the ellipsis replaces a whole pair, never half of one */
	assert_int_equal(plat_wtray_widen("a\xF0\x9F\x98\x80" "b", out, 4, true, &cut), 2);
	assert_true(cut);
	assert_wstr(out, L"a\x2026");
	assert_int_equal(plat_wtray_widen("a\xF0\x9F\x98\x80" "bc", out, 5, true, &cut), 4);
	assert_wstr(out, L"a\xD83D\xDE00\x2026");
	/* smallest buffers */
	assert_int_equal(plat_wtray_widen("abc", out, 2, true, &cut), 1);
	assert_wstr(out, L"\x2026");
	assert_int_equal(plat_wtray_widen("abc", out, 2, false, &cut), 1);
	assert_wstr(out, L"a");
	out[0] = L'x';
	assert_int_equal(plat_wtray_widen("abc", out, 1, true, &cut), 0);
	assert_int_equal(out[0], 0);
	assert_int_equal(plat_wtray_widen("abc", NULL, 0, true, &cut), 0);
}

static void test_widen_invalid(void **state)
{
	wchar_t out[16];

	(void)state;
	/* overlong '/' */
	plat_wtray_widen("\xC0\xAF", out, 16, false, NULL);
	assert_wstr(out, L"\xFFFD\xFFFD");
	/* an encoded surrogate */
	plat_wtray_widen("a\xED\xA0\x80z", out, 16, false, NULL);
	assert_wstr(out, L"a\xFFFD\xFFFD\xFFFDz");
	/* above U+10FFFF */
	plat_wtray_widen("\xF4\x90\x80\x80", out, 16, false, NULL);
	assert_wstr(out, L"\xFFFD\xFFFD\xFFFD\xFFFD");
	/* a sequence cut by the end of the string: nothing read past the NUL */
	plat_wtray_widen("x\xE2\x82", out, 16, false, NULL);
	assert_wstr(out, L"x\xFFFD\xFFFD");
	/* stray continuation and 0xFF */
	plat_wtray_widen("\x80\xFF" "ok", out, 16, false, NULL);
	assert_wstr(out, L"\xFFFD\xFFFDok");
	/* the largest valid code point */
	plat_wtray_widen("\xF4\x8F\xBF\xBF", out, 16, false, NULL);
	assert_wstr(out, L"\xDBFF\xDFFF");
}

static void test_menu_label(void **state)
{
	wchar_t out[8];

	(void)state;
	plat_wtray_menu_label("R&D", out, 8);
	assert_wstr(out, L"R&&D");
	/* a doubled '&' that does not fit whole is dropped whole */
	plat_wtray_menu_label("abcde&x", out, 8);
	assert_wstr(out, L"abcde\x2026");
	plat_wtray_menu_label("abcd&xyz", out, 8);
	assert_wstr(out, L"abcd&&\x2026");
	plat_wtray_menu_label("abcdef&", out, 8);
	assert_wstr(out, L"abcdef\x2026");
	plat_wtray_menu_label("    Connect office", out, 8);
	assert_wstr(out, L"    Co\x2026");
}

static void test_menu_flags(void **state)
{
	struct plat_tray_item sep = { "", -1, true }, line = { "office: connected", 0, true };
	struct plat_tray_item on = { "Connect", 5, true }, off = { "Connect", 5, false };

	(void)state;
	assert_int_equal(plat_wtray_menu_flags(&sep), MF_SEPARATOR);
	assert_int_equal(plat_wtray_menu_flags(&line), MF_STRING | MF_GRAYED);
	assert_int_equal(plat_wtray_menu_flags(&on), MF_STRING | MF_ENABLED);
	assert_int_equal(plat_wtray_menu_flags(&off), MF_STRING | MF_GRAYED);
}

static void test_edit_text(void **state)
{
	wchar_t *w;

	(void)state;
	w = plat_wtray_edit_text("a\nb\r\nc\n");
	assert_non_null(w);
	assert_wstr(w, L"a\r\nb\r\nc\r\n");
	free(w);
	w = plat_wtray_edit_text("\n\n\xC3\xA9");
	assert_wstr(w, L"\r\n\r\n\x00E9");
	free(w);
	w = plat_wtray_edit_text(NULL);
	assert_wstr(w, L"");
	free(w);
	/* a long text is kept whole (no fixed buffer) */
	{
		char big[5000];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = 0;
		big[100] = '\n';
		w = plat_wtray_edit_text(big);
		assert_int_equal(wcslen(w), sizeof(big));
		assert_int_equal(w[100], L'\r');
		assert_int_equal(w[101], L'\n');
		free(w);
	}
}

static uint32_t px_at(const uint32_t *a, int px, int x, int y)
{
	return a[y * px + x];
}

/* opaque and every channel at least 0xE0 (white, give or take an edge sample) */
static bool whitish(uint32_t v)
{
	return (v >> 24) == 0xFF && ((v >> 16) & 0xFF) >= 0xE0 && ((v >> 8) & 0xFF) >= 0xE0 &&
	       (v & 0xFF) >= 0xE0;
}

static void test_icons(void **state)
{
	static const int sizes[] = { 16, 20, 24, 32, 48, 64 };
	static uint32_t a[4][64 * 64 + 1];

	(void)state;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		int px = sizes[s], c = px / 2;

		for (int i = 0; i < 4; i++) {
			uint32_t rgb = plat_wtray_look_rgb((enum plat_tray_icon)i);
			int partial = 0;

			memset(a[i], 0xAB, sizeof(a[i]));
			plat_wtray_draw_icon((enum plat_tray_icon)i, px, a[i]);
			/* corners outside the disc are transparent */
			assert_int_equal(px_at(a[i], px, 0, 0), 0);
			assert_int_equal(px_at(a[i], px, px - 1, px - 1), 0);
			/* near the top of the disc: the look's colour, opaque */
			assert_int_equal(px_at(a[i], px, c, px / 7), 0xFF000000u | rgb);
			for (int k = 0; k < px * px; k++) {
				uint32_t al = a[i][k] >> 24;

				if (al > 0 && al < 255)
					partial++;
			}
			assert_true(partial > 0); /* anti-aliased edge */
			/* nothing written past px * px */
			assert_int_equal(a[i][px * px], 0xABABABABu);
		}
		/* the signs: disconnected has the disc colour in the middle (inside the ring), the
		 * others white there (middle dot, tick, exclamation bar) */
		assert_int_equal(px_at(a[0], px, c, c), 0xFF000000u | plat_wtray_look_rgb(0));
		assert_true(whitish(px_at(a[1], px, c, c)));
		assert_true(whitish(px_at(a[3], px, c, c - px / 8)));
		assert_false(whitish(px_at(a[0], px, c, c)));
		assert_true(memcmp(a[2], a[1], (size_t)px * px * 4) != 0);
	}
	/* out of range looks are errors; sizes are clamped */
	plat_wtray_draw_icon((enum plat_tray_icon)9, 16, a[0]);
	plat_wtray_draw_icon(PLAT_TRAY_ERROR, 16, a[1]);
	assert_memory_equal(a[0], a[1], 16 * 16 * 4);
	assert_int_equal(plat_wtray_look_rgb((enum plat_tray_icon)9),
			 plat_wtray_look_rgb(PLAT_TRAY_ERROR));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_widen_fits),   cmocka_unit_test(test_widen_cut),
		cmocka_unit_test(test_widen_invalid), cmocka_unit_test(test_menu_label),
		cmocka_unit_test(test_menu_flags),   cmocka_unit_test(test_edit_text),
		cmocka_unit_test(test_icons),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
