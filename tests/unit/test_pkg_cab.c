/* test_pkg_cab.c - the installer's small formats: INI lookup (.pbk/.cms/.inf), routes.txt,
 * UTF-16 text, locating the cabinet in an executable and extracting from it, good and bad. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "sstp_err.h"
#include "pkg_cab.h"
#include "pkg_ini.h"
#include "pkg_zip.h"
#include "test_pkg_util.h"

static const char pbk[] =
	"[eb180077-da16-41b1-aeb5-5ee425b85e57]\r\n"
	"Encoding=1\r\n"
	"VpnStrategy=5\r\n"
	"CustomAuthData=AAAA\r\n"
	"CustomAuthData=BBBB\r\n"
	"\r\n"
	"DEVICE=vpn\r\n"
	"PhoneNumber=gw.example.net\r\n"
	"  Spaced Key  =  \"quoted value\"  \r\n"
	"[Other]\r\n"
	"PhoneNumber=other.example.net\r\n"
	"; PhoneNumber=comment\r\n";

static void test_ini(void **state)
{
	(void)state;
	char v[64];
	size_t n = sizeof(pbk) - 1;
	assert_int_equal(sstp_ini_get(pbk, n, NULL, "PhoneNumber", v, sizeof(v)), 0);
	assert_string_equal(v, "gw.example.net");
	assert_int_equal(sstp_ini_get(pbk, n, "other", "phonenumber", v, sizeof(v)), 0);
	assert_string_equal(v, "other.example.net");
	assert_int_equal(sstp_ini_get(pbk, n, NULL, "CustomAuthData", v, sizeof(v)), 0);
	assert_string_equal(v, "AAAA");
	assert_int_equal(sstp_ini_get(pbk, n, NULL, "Spaced Key", v, sizeof(v)), 0);
	assert_string_equal(v, "quoted value");
	assert_int_equal(sstp_ini_get(pbk, n, NULL, "Missing", v, sizeof(v)), 1);
	assert_int_equal(sstp_ini_get(pbk, n, "NoSection", "PhoneNumber", v, sizeof(v)), 1);
	/* value longer than the buffer, NUL bytes, oversize input */
	assert_int_equal(sstp_ini_get(pbk, n, NULL, "PhoneNumber", v, 5), -1);
	assert_int_equal(sstp_ini_get("a=b\0c=d", 7, NULL, "c", v, sizeof(v)), -1);
	size_t big = SSTP_INI_MAX_LINE + 10;
	char *t = malloc(big + 1);
	memset(t, 'x', big);
	t[big] = 0;
	assert_int_equal(sstp_ini_get(t, big, NULL, "x", v, sizeof(v)), -1);
	free(t);
	/* no trailing newline, empty input */
	assert_int_equal(sstp_ini_get("k=v", 3, NULL, "k", v, sizeof(v)), 0);
	assert_string_equal(v, "v");
	assert_int_equal(sstp_ini_get("", 0, NULL, "k", v, sizeof(v)), 1);
}

static void test_routes_txt(void **state)
{
	(void)state;
	static const char good[] =
		"ADD 10.0.0.0 MASK 255.255.0.0 default METRIC default IF default\r\n"
		"\r\n"
		"REMOVE_GATEWAY\r\n"
		"add 192.168.7.9 mask 255.255.255.0 10.0.0.1\r\n"
		"DELETE 1.2.3.0 MASK 255.255.255.0 default\n"
		"ADD 172.16.0.0 MASK 255.255.255.0 default METRIC 5";
	struct sstp_cidr *r;
	size_t n;
	char a[SSTP_CIDR_STRLEN];
	struct sstp_err e = {0};
	assert_int_equal(sstp_routes_txt_parse(good, sizeof(good) - 1, &r, &n, &e), 0);
	assert_int_equal(e.kind, SSTP_ERR_NONE);
	assert_int_equal(n, 3);
	sstp_cidr_format(&r[0], a, sizeof(a));
	assert_string_equal(a, "10.0.0.0/16");
	sstp_cidr_format(&r[1], a, sizeof(a));
	assert_string_equal(a, "192.168.7.0/24");
	sstp_cidr_format(&r[2], a, sizeof(a));
	assert_string_equal(a, "172.16.0.0/24");
	free(r);

	static const struct {
		const char *text;
		const char *needle;
	} bad[] = {
		{"ADD 10.0.0.0 255.255.0.0\n", "line 1: expected 'ADD"},
		{"\nADD 10.0.0.0 MASK 255.0.255.0\n", "line 2: '255.0.255.0' is not a netmask"},
		{"ADD 10.0.0 MASK 255.0.0.0\n", "'10.0.0' is not an IPv4 address"},
		{"ADD fd00:: MASK 255.0.0.0\n", "is not an IPv4 address"},
		{"ADD 0.0.0.0 MASK 0.0.0.0 default\n", "a default route"},
		{"ROUTE 10.0.0.0 MASK 255.0.0.0\n", "line 1: expected 'ADD"},
		{"ADD 10.0.0.0 MASK 255.0.0.0 default METRIC\n", "without a value"},
		{"ADD 10.0.0.0 MASK 255.0.0.0 default COLOR blue\n", "unexpected 'COLOR'"},
		{"ADD 10.0.0.0 MASK 255.0.0.0 default METRIC 1 IF 2 X 3 Y\n", "expected 'ADD"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		int rc = sstp_routes_txt_parse(bad[i].text, strlen(bad[i].text), &r, &n, &e);
		if (rc != SSTP_ERR_PROFILE || e.kind != SSTP_ERR_PROFILE || !strstr(e.msg, bad[i].needle))
			fail_msg("'%s': rc %d err '%s'", bad[i].text, rc, e.msg);
		assert_null(r);
	}
	/* too many routes */
	size_t cap = 300 * 64;
	char *t = malloc(cap);
	size_t off = 0;
	for (int i = 0; i < 300; i++)
		off += (size_t)snprintf(t + off, cap - off, "ADD 10.%d.%d.0 MASK 255.255.255.0\n",
					i / 256, i % 256);
	assert_int_equal(sstp_routes_txt_parse(t, off, &r, &n, &e), SSTP_ERR_PROFILE);
	assert_non_null(strstr(e.msg, "more than 256 routes"));
	/* without a struct to fill, the kind alone */
	assert_int_equal(sstp_routes_txt_parse(t, off, &r, &n, NULL), SSTP_ERR_PROFILE);
	free(t);
}

static void test_utf16(void **state)
{
	(void)state;
	unsigned char b[] = {0xff, 0xfe, 'a', 0, '=', 0, 'b', 0, 0xe9, 0, 0x00, 0x4e, 0};
	size_t n = sizeof(b) - 1;
	sstp_text_from_utf16le(b, &n);
	assert_int_equal(n, 5);
	assert_memory_equal(b, "a=b??", 5);
	unsigned char plain[] = "a=b";
	n = 3;
	sstp_text_from_utf16le(plain, &n);
	assert_int_equal(n, 3);
	assert_string_equal((char *)plain, "a=b");
}

static unsigned char *fixture_exe(size_t *len)
{
	size_t zl = 0;
	unsigned char *zip = tz_fixture(&zl);
	struct sstp_zip *z;
	char err[256];
	assert_int_equal(sstp_zip_open_mem(zip, zl, NULL, &z, err, sizeof(err)), 0);
	long i = sstp_zip_find(z, "WindowsAmd64/VpnClientSetupAmd64.exe");
	unsigned char *exe;
	assert_int_equal(sstp_zip_read(z, (size_t)i, 0, &exe, len, err, sizeof(err)), 0);
	sstp_zip_close(z);
	free(zip);
	return exe;
}

static bool want_routes(const char *name)
{
	return strcasecmp(name, "routes.txt") == 0;
}

static void test_cab(void **state)
{
	(void)state;
	size_t el, off, cl;
	unsigned char *exe = fixture_exe(&el);
	assert_int_equal(sstp_cab_find(exe, el, &off, &cl), 0);
	assert_memory_equal(exe + off, "MSCF", 4);
	assert_true(off + cl <= el);
	struct sstp_cab_files f;
	struct sstp_err e = {0};
	if (sstp_cab_extract(exe + off, cl, NULL, &f, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(f.n, 10); /* inf, cmp, cms, routes.txt, dll, cer, pbk, 2 icons, banner */
	sstp_cab_files_free(&f);
	assert_int_equal(sstp_cab_extract(exe + off, cl, want_routes, &f, &e), 0);
	assert_int_equal(e.kind, SSTP_ERR_NONE);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.v[0].name, "routes.txt");
	assert_int_equal(f.v[0].len, 134);
	assert_memory_equal(f.v[0].data, "ADD 10.0.0.0 MASK 255.255.0.0 default", 37);
	sstp_cab_files_free(&f);
	/* a cabinet cut short, and one whose size field lies */
	assert_int_equal(sstp_cab_extract(exe + off, cl / 3, want_routes, &f, &e), SSTP_ERR_PROFILE);
	assert_int_equal(e.kind, SSTP_ERR_PROFILE);
	assert_non_null(strstr(e.msg, "installer: cannot extract 'routes.txt'"));
	sstp_cab_files_free(&f);
	assert_int_equal(sstp_cab_find(exe, off + cl - 1, &off, &cl), -1);
	/* nothing cab-like */
	assert_int_equal(sstp_cab_find((const unsigned char *)"MZ....MSCF....", 14, &off, &cl), -1);
	static unsigned char fake[64] = "MSCF";
	fake[8] = 64; /* size 64 but version wrong */
	assert_int_equal(sstp_cab_find(fake, sizeof(fake), &off, &cl), -1);
	fake[24] = 3;
	fake[25] = 1;
	fake[16] = 44;
	assert_int_equal(sstp_cab_find(fake, sizeof(fake), &off, &cl), 0);
	memset(&e, 0, sizeof(e));
	assert_int_equal(sstp_cab_extract(fake, sizeof(fake), NULL, &f, &e), SSTP_ERR_PROFILE);
	assert_int_equal(e.kind, SSTP_ERR_PROFILE);
	assert_non_null(strstr(e.msg, "damaged"));
	sstp_cab_files_free(&f);
	free(exe);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ini),
		cmocka_unit_test(test_routes_txt),
		cmocka_unit_test(test_utf16),
		cmocka_unit_test(test_cab),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
