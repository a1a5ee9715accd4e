/* tray_win.h - pure pieces of the Windows tray (platform/windows/tray/): UTF-8 to UTF-16 with
 * truncation that never splits a character, menu labels and flags, the details text for an EDIT
 * control, and the icons drawn into 32-bit ARGB pixels. No window is touched here, so the unit
 * test (tests/windows/unit/test_win_tray.c) checks them directly. */
#ifndef SSTP_TRAY_WIN_H
#define SSTP_TRAY_WIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "plat_tray.h"

#define PLAT_WTRAY_ELLIPSIS 0x2026 /* U+2026 ends a truncated text */

/* UTF-8 s (NULL reads as "") into out (count wchar_t, count >= 2), NUL-terminated. Invalid UTF-8
 * (stray continuation bytes, overlong forms, surrogates, > U+10FFFF, cut sequences) becomes
 * U+FFFD per bad byte. A text that does not fit is cut at a character boundary (a surrogate pair
 * is never split) and, when ellipsis is set, ends with U+2026. Returns the units written (NUL
 * not counted); *truncated (may be NULL) tells whether the text was cut. */
size_t plat_wtray_widen(const char *s, wchar_t *out, size_t count, bool ellipsis, bool *truncated);

/* A menu label: like plat_wtray_widen with an ellipsis, with every '&' doubled so that menus do
 * not take it as a mnemonic prefix. */
size_t plat_wtray_menu_label(const char *s, wchar_t *out, size_t count);

/* MF_* flags for an item: MF_SEPARATOR for action < 0, MF_STRING otherwise, MF_GRAYED for plain
 * lines (action 0) and disabled actions. */
unsigned plat_wtray_menu_flags(const struct plat_tray_item *it);

/* The text of the details window for a multi-line EDIT control: UTF-16 with every "\n" (not
 * already preceded by '\r') as "\r\n". Returns a malloc'd string the caller frees, or NULL when
 * out of memory. */
wchar_t *plat_wtray_edit_text(const char *s);

/* The icon of a look, px x px (8..256) pixels, 0xAARRGGBB with straight (not premultiplied)
 * alpha, rows top-down: a disc in the look's colour (grey, amber, green, red) with a white sign
 * (an open ring, three dots, a tick, an exclamation mark), anti-aliased. Out of range looks are
 * drawn as errors. */
void plat_wtray_draw_icon(enum plat_tray_icon which, int px, uint32_t *argb);

/* The disc colour of a look (0xRRGGBB), for the tests. */
uint32_t plat_wtray_look_rgb(enum plat_tray_icon which);

#endif
