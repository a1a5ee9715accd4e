/* base_hex.h - hexadecimal digits to values, for every parser of the tree (percent escapes, key
 * pins, thumbprints, IPv6 groups, MS-CHAPv2's "S=" response). Pure, header-only, no includes of
 * the project: base/ is the one folder everyone (ppp/, tls/, platform/, client/) may include. */
#ifndef SSTP_BASE_HEX_H
#define SSTP_BASE_HEX_H

/* The value of one hex digit ('0'-'9', 'a'-'f', 'A'-'F'), or -1 for any other byte (a negative
 * char included). */
static inline int base_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The byte two hex digits spell (hi first), or -1 when either is not a hex digit. */
static inline int base_hex_byte(int hi, int lo)
{
	int h = base_hex_digit(hi), l = base_hex_digit(lo);

	return h < 0 || l < 0 ? -1 : (h << 4 | l);
}

#endif
