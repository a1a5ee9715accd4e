/* tray_text.c - the pure parts of the Windows tray (tray_win.h): UTF-8 decoding into UTF-16
 * buffers of fixed size (tooltips, balloon texts, menu labels) cut at character boundaries, the
 * details text with CR LF line ends for an EDIT control, menu flags, and the four icons drawn as
 * anti-aliased ARGB pixels (the same look as the Linux tray's). */
#include "tray_win.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off: winsock2.h must come before windows.h */
#include <winsock2.h>
#include <windows.h>
/* clang-format on */

#define REPLACEMENT 0xFFFD

/* One code point from s (at least one byte, not NUL); *len gets the bytes used. Invalid input
 * gives REPLACEMENT and consumes one byte. */
static uint32_t decode(const unsigned char *s, size_t *len)
{
	uint32_t c = s[0], min;
	size_t n;

	*len = 1;
	if (c < 0x80)
		return c;
	if ((c & 0xE0) == 0xC0) {
		n = 2;
		c &= 0x1F;
		min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		n = 3;
		c &= 0x0F;
		min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return REPLACEMENT; /* a continuation byte or 0xF8..0xFF */
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) /* also stops at the NUL of a cut sequence */
			return REPLACEMENT;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return REPLACEMENT;
	*len = n;
	return c;
}

/* Append code point c (after '&' doubling, if asked) at out[*pos]; false when it does not fit
 * below limit units. */
static bool put(wchar_t *out, size_t *pos, size_t limit, uint32_t c)
{
	if (c >= 0x10000) {
		if (*pos + 2 > limit)
			return false;
		c -= 0x10000;
		out[(*pos)++] = (wchar_t)(0xD800 | (c >> 10));
		out[(*pos)++] = (wchar_t)(0xDC00 | (c & 0x3FF));
		return true;
	}
	if (*pos + 1 > limit)
		return false;
	out[(*pos)++] = (wchar_t)c;
	return true;
}

static size_t widen(const char *s, wchar_t *out, size_t count, bool ellipsis, bool amp,
		    bool *truncated)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t pos = 0, limit;
	bool cut = false;

	if (truncated)
		*truncated = false;
	if (!out || count == 0)
		return 0;
	if (count < 2) {
		out[0] = 0;
		return 0;
	}
	limit = count - 1;
	while (*p) {
		size_t len, before = pos;
		uint32_t c = decode(p, &len);
		bool ok = put(out, &pos, limit, c);

		if (ok && amp && c == '&')
			ok = put(out, &pos, limit, '&');
		if (!ok) {
			pos = before; /* a doubled '&' that half fits is dropped whole */
			cut = true;
			break;
		}
		p += len;
	}
	if (cut && ellipsis) {
		/* room for U+2026: drop whole characters from the end */
		while (pos > limit - 1) {
			pos--;
			if (pos > 0 && out[pos] >= 0xDC00 && out[pos] <= 0xDFFF &&
			    out[pos - 1] >= 0xD800 && out[pos - 1] <= 0xDBFF)
				pos--;
			else if (amp && pos > 0 && out[pos] == '&' && out[pos - 1] == '&')
				pos--;
		}
		out[pos++] = PLAT_WTRAY_ELLIPSIS;
	}
	out[pos] = 0;
	if (truncated)
		*truncated = cut;
	return pos;
}

size_t plat_wtray_widen(const char *s, wchar_t *out, size_t count, bool ellipsis, bool *truncated)
{
	return widen(s, out, count, ellipsis, false, truncated);
}

size_t plat_wtray_menu_label(const char *s, wchar_t *out, size_t count)
{
	return widen(s, out, count, true, true, NULL);
}

unsigned plat_wtray_menu_flags(const struct plat_tray_item *it)
{
	if (it->action < 0)
		return MF_SEPARATOR;
	if (it->action == 0 || !it->enabled)
		return MF_STRING | MF_GRAYED;
	return MF_STRING | MF_ENABLED;
}

wchar_t *plat_wtray_edit_text(const char *s)
{
	size_t n = 0, lf = 0, count;
	char *crlf;
	wchar_t *w;

	if (!s)
		s = "";
	for (const char *p = s; *p; p++, n++)
		if (*p == '\n' && (p == s || p[-1] != '\r'))
			lf++;
	crlf = malloc(n + lf + 1);
	if (!crlf)
		return NULL;
	n = 0;
	for (const char *p = s; *p; p++) {
		if (*p == '\n' && (p == s || p[-1] != '\r'))
			crlf[n++] = '\r';
		crlf[n++] = *p;
	}
	crlf[n] = 0;
	count = n + 2; /* UTF-16 never needs more units than UTF-8 has bytes */
	w = malloc(count * sizeof(wchar_t));
	if (w)
		widen(crlf, w, count, false, false, NULL);
	free(crlf);
	return w;
}

/* ---- icons ---------------------------------------------------------------------------------- */

uint32_t plat_wtray_look_rgb(enum plat_tray_icon which)
{
	static const uint32_t rgb[4] = { 0x80858C, 0xED9E0D, 0x29A145, 0xCC2121 };

	return rgb[(unsigned)which > PLAT_TRAY_ERROR ? PLAT_TRAY_ERROR : which];
}

/* Distance from (x, y) to the segment (ax, ay)-(bx, by). */
static double seg_dist(double x, double y, double ax, double ay, double bx, double by)
{
	double dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy, u = 0;

	if (l2 > 0) {
		u = ((x - ax) * dx + (y - ay) * dy) / l2;
		u = u < 0 ? 0 : u > 1 ? 1 : u;
	}
	return hypot(x - (ax + u * dx), y - (ay + u * dy));
}

/* Is (x, y) on the white sign of the look? c: centre, r: disc radius, lw: stroke width. */
static bool on_sign(enum plat_tray_icon which, double x, double y, double c, double r, double lw)
{
	const double pi = 3.14159265358979323846;
	double h = lw / 2;

	switch (which) {
	case PLAT_TRAY_DISCONNECTED: { /* an open ring, the gap at the lower right */
		double d = hypot(x - c, y - c), a = atan2(y - c, x - c), rr = r * 0.5;

		if (a < 0)
			a += 2 * pi;
		if (fabs(d - rr) <= h && !(a > 0.15 * pi && a < 0.35 * pi))
			return true;
		return hypot(x - (c + rr * cos(0.15 * pi)), y - (c + rr * sin(0.15 * pi))) <= h ||
		       hypot(x - (c + rr * cos(0.35 * pi)), y - (c + rr * sin(0.35 * pi))) <= h;
	}
	case PLAT_TRAY_CONNECTING: /* three dots */
		for (int i = -1; i <= 1; i++)
			if (hypot(x - (c + i * r * 0.5), y - c) <= r * 0.16)
				return true;
		return false;
	case PLAT_TRAY_CONNECTED: /* a tick */
		return seg_dist(x, y, c - r * 0.45, c + r * 0.02, c - r * 0.1, c + r * 0.38) <= h ||
		       seg_dist(x, y, c - r * 0.1, c + r * 0.38, c + r * 0.5, c - r * 0.35) <= h;
	default: /* an exclamation mark */
		return seg_dist(x, y, c, c - r * 0.5, c, c + r * 0.12) <= h ||
		       hypot(x - c, y - (c + r * 0.48)) <= r * 0.12;
	}
}

void plat_wtray_draw_icon(enum plat_tray_icon which, int px, uint32_t *argb)
{
	enum { SS = 4 }; /* 4 x 4 samples per pixel */
	uint32_t rgb;
	double c, r, lw;

	if ((unsigned)which > PLAT_TRAY_ERROR)
		which = PLAT_TRAY_ERROR;
	if (px < 8)
		px = 8;
	if (px > 256)
		px = 256;
	rgb = plat_wtray_look_rgb(which);
	c = px / 2.0;
	r = px / 2.0 - (px >= 24 ? px / 24.0 : 0.5);
	lw = px / 9.0 < 1.5 ? 1.5 : px / 9.0;
	for (int py = 0; py < px; py++) {
		for (int qx = 0; qx < px; qx++) {
			unsigned in_disc = 0, in_sign = 0;
			uint32_t a, ch[3];

			for (int sy = 0; sy < SS; sy++) {
				for (int sx = 0; sx < SS; sx++) {
					double x = qx + (sx + 0.5) / SS, y = py + (sy + 0.5) / SS;

					if (hypot(x - c, y - c) > r)
						continue;
					in_disc++;
					if (on_sign(which, x, y, c, r, lw))
						in_sign++;
				}
			}
			if (!in_disc) {
				argb[py * px + qx] = 0;
				continue;
			}
			a = (in_disc * 255 + SS * SS / 2) / (SS * SS);
			for (int k = 0; k < 3; k++) {
				uint32_t base = (rgb >> (16 - 8 * k)) & 0xFF;

				ch[k] = (in_sign * 255 + (in_disc - in_sign) * base + in_disc / 2) / in_disc;
			}
			argb[py * px + qx] = a << 24 | ch[0] << 16 | ch[1] << 8 | ch[2];
		}
	}
}
