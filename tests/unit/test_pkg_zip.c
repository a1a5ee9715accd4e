/* test_pkg_zip.c - the zip layer against normal and hostile archives built here with libzip:
 * both separators, case-insensitive lookup, traversal, absolute paths, drive letters, links,
 * duplicates, zip bombs (declared and lying sizes), truncation and corruption. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sstp_err.h"
#include "pkg_zip.h"
#include "test_pkg_util.h"

static void expect_refused(const struct tz_entry *e, size_t n, const char *needle)
{
	size_t len = 0;
	unsigned char *zip = tz_build(e, n, &len);
	assert_non_null(zip);
	struct sstp_zip *z = NULL;
	char err[512] = "";
	int rc = sstp_zip_open_mem(zip, len, NULL, &z, err, sizeof(err));
	if (rc != SSTP_ERR_PROFILE)
		fail_msg("zip with '%s' accepted (rc %d)", e[n - 1].name, rc);
	assert_null(z);
	if (!strstr(err, needle))
		fail_msg("error '%s' lacks '%s'", err, needle);
	free(zip);
}

static void test_names_and_lookup(void **state)
{
	(void)state;
	static const char xml[] = "<VpnProfile/>";
	struct tz_entry e[] = {
		{"Generic\\VpnSettings.xml", xml, sizeof(xml) - 1, 0, false},
		{"WindowsAmd64/", NULL, 0, 0, false},
		{"WindowsAmd64/./a.txt", "abc", 3, 0, true},
	};
	size_t len = 0;
	unsigned char *zip = tz_build(e, 3, &len);
	assert_non_null(zip);
	struct sstp_zip *z;
	char err[256];
	assert_int_equal(sstp_zip_open_mem(zip, len, NULL, &z, err, sizeof(err)), 0);
	assert_int_equal(sstp_zip_count(z), 3);
	assert_string_equal(sstp_zip_name(z, 0), "Generic/VpnSettings.xml");
	assert_string_equal(sstp_zip_name(z, 1), "WindowsAmd64/");
	assert_true(sstp_zip_is_dir(z, 1));
	assert_string_equal(sstp_zip_name(z, 2), "WindowsAmd64/a.txt");
	assert_int_equal(sstp_zip_find(z, "generic/vpnsettings.XML"), 0);
	assert_int_equal(sstp_zip_find(z, "Generic\\VpnSettings.xml"), 0);
	assert_int_equal(sstp_zip_find(z, "Generic/VpnServerRoot.cer"), -1);
	assert_int_equal(sstp_zip_find(z, "../Generic/VpnSettings.xml"), -1);
	unsigned char *buf;
	size_t n = 0;
	assert_int_equal(sstp_zip_read(z, 0, 0, &buf, &n, err, sizeof(err)), 0);
	assert_int_equal(n, sizeof(xml) - 1);
	assert_memory_equal(buf, xml, n);
	assert_int_equal(buf[n], 0);
	free(buf);
	assert_int_equal(sstp_zip_read(z, 2, 0, &buf, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 3);
	free(buf);
	/* a read cap below the entry's size */
	assert_int_equal(sstp_zip_read(z, 0, 4, &buf, &n, err, sizeof(err)), SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "larger than 4 bytes"));
	assert_null(buf);
	/* directories and bad indexes cannot be read */
	assert_int_equal(sstp_zip_read(z, 1, 0, &buf, &n, err, sizeof(err)), SSTP_ERR_INTERNAL);
	assert_int_equal(sstp_zip_read(z, 9, 0, &buf, &n, err, sizeof(err)), SSTP_ERR_INTERNAL);
	sstp_zip_close(z);
	free(zip);
}

static void test_hostile_names(void **state)
{
	(void)state;
	struct tz_entry ok = {"Generic/ok.txt", "x", 1, 0, false};
	struct tz_entry e[2] = {ok, ok};
	static const struct {
		const char *name;
		const char *why;
	} bad[] = {
		{"..\\..\\x", "'..' in path"},
		{"../x", "'..' in path"},
		{"Generic/../../x", "'..' in path"},
		{"a/..", "'..' in path"},
		{"/etc/passwd", "absolute path"},
		{"\\Windows\\x.dll", "absolute path"},
		{"C:\\Windows\\x.dll", "drive letter"},
		{"c:x", "drive letter"},
		{"file.txt:stream", "':' in name"},
		{"a//b", "empty path component"},
		{"a\\\\b", "empty path component"},
		{"a\x01" "b", "control character"},
		{"./", "empty name"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e[1].name = bad[i].name;
		expect_refused(e, 2, bad[i].why);
	}
}

static void test_links_and_duplicates(void **state)
{
	(void)state;
	struct tz_entry link[] = {{"Generic/VpnSettings.xml", "/etc/passwd", 11, 0120777, false}};
	expect_refused(link, 1, "symbolic link");
	struct tz_entry fifo[] = {{"Generic/fifo", "", 0, 0010644, false}};
	expect_refused(fifo, 1, "not a regular file");
	struct tz_entry dup[] = {
		{"Generic/VpnSettings.xml", "a", 1, 0100644, false},
		{"generic\\vpnsettings.XML", "b", 1, 0100644, false},
	};
	expect_refused(dup, 2, "appears twice");
	struct tz_entry dirdata[] = {{"Generic/", "x", 1, 0040755, false}};
	expect_refused(dirdata, 1, "has data");
}

static void test_entry_count_cap(void **state)
{
	(void)state;
	struct tz_entry e[12];
	char names[12][16];
	for (int i = 0; i < 12; i++) {
		snprintf(names[i], sizeof(names[i]), "f%d", i);
		e[i] = (struct tz_entry){names[i], "x", 1, 0, false};
	}
	size_t len = 0;
	unsigned char *zip = tz_build(e, 12, &len);
	struct sstp_zip *z;
	char err[256];
	struct sstp_zip_limits lim = {.max_entries = 10};
	assert_int_equal(sstp_zip_open_mem(zip, len, &lim, &z, err, sizeof(err)), SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "12 entries, more than the 10 allowed"));
	lim.max_entries = 12;
	assert_int_equal(sstp_zip_open_mem(zip, len, &lim, &z, err, sizeof(err)), 0);
	sstp_zip_close(z);
	free(zip);
}

static void test_bomb_declared(void **state)
{
	(void)state;
	/* 33 MiB of zeros deflate to ~33 KiB: over the default 32 MiB per-entry cap */
	size_t big = 33u * 1024u * 1024u;
	unsigned char *zeros = calloc(1, big);
	assert_non_null(zeros);
	struct tz_entry e[] = {{"Generic/VpnSettings.xml", zeros, big, 0, false}};
	size_t len = 0;
	unsigned char *zip = tz_build(e, 1, &len);
	assert_non_null(zip);
	assert_true(len < 1024 * 1024);
	struct sstp_zip *z;
	char err[256];
	assert_int_equal(sstp_zip_open_mem(zip, len, NULL, &z, err, sizeof(err)), SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "zip bomb"));
	free(zip);

	/* many entries each under the entry cap but over the total */
	struct tz_entry many[4];
	char names[4][8];
	for (int i = 0; i < 4; i++) {
		snprintf(names[i], sizeof(names[i]), "z%d", i);
		many[i] = (struct tz_entry){names[i], zeros, 1024 * 1024, 0, false};
	}
	zip = tz_build(many, 4, &len);
	struct sstp_zip_limits lim = {.max_total = 3u * 1024u * 1024u};
	assert_int_equal(sstp_zip_open_mem(zip, len, &lim, &z, err, sizeof(err)), SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "inflates to more than"));
	free(zip);
	free(zeros);
}

/* Rewrite the uncompressed size in the local header and the central directory entry. */
static void patch_sizes(unsigned char *zip, size_t len, uint32_t size)
{
	int patched = 0;
	for (size_t i = 0; i + 46 <= len; i++) {
		if (!memcmp(zip + i, "PK\x03\x04", 4)) {
			memcpy(zip + i + 22, &size, 4); /* little-endian host */
			patched++;
		} else if (!memcmp(zip + i, "PK\x01\x02", 4)) {
			memcpy(zip + i + 24, &size, 4);
			patched++;
		}
	}
	assert_int_equal(patched, 2);
}

static void test_bomb_lying_size(void **state)
{
	(void)state;
	size_t real = 4u * 1024u * 1024u;
	unsigned char *zeros = calloc(1, real);
	struct tz_entry e[] = {{"a.xml", zeros, real, 0, false}};
	size_t len = 0;
	unsigned char *zip = tz_build(e, 1, &len);
	assert_non_null(zip);
	patch_sizes(zip, len, 1000); /* claims 1000 bytes, inflates to 4 MiB */
	struct sstp_zip *z;
	char err[256];
	assert_int_equal(sstp_zip_open_mem(zip, len, NULL, &z, err, sizeof(err)), 0);
	assert_int_equal(sstp_zip_declared_size(z, 0), 1000);
	unsigned char *buf = (unsigned char *)"sentinel";
	size_t n = 99;
	assert_int_equal(sstp_zip_read(z, 0, 0, &buf, &n, err, sizeof(err)), SSTP_ERR_PROFILE);
	assert_null(buf);
	assert_int_equal(n, 0);
	assert_non_null(strstr(err, "a.xml"));
	sstp_zip_close(z);
	free(zip);

	/* and one that claims more than it holds */
	zip = tz_build(e, 1, &len);
	patch_sizes(zip, len, (uint32_t)real + 10);
	assert_int_equal(sstp_zip_open_mem(zip, len, NULL, &z, err, sizeof(err)), 0);
	assert_int_equal(sstp_zip_read(z, 0, 0, &buf, &n, err, sizeof(err)), SSTP_ERR_PROFILE);
	sstp_zip_close(z);
	free(zip);
	free(zeros);
}

static void test_truncated_and_corrupt(void **state)
{
	(void)state;
	size_t len = 0;
	unsigned char *zip = tz_fixture(&len);
	assert_non_null(zip);
	struct sstp_zip *z;
	char err[256];
	/* truncated: the central directory is gone */
	assert_int_equal(sstp_zip_open_mem(zip, len / 2, NULL, &z, err, sizeof(err)),
			 SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "not a valid zip file"));
	assert_int_equal(sstp_zip_open_mem(zip, 10, NULL, &z, err, sizeof(err)), SSTP_ERR_PROFILE);
	assert_int_equal(sstp_zip_open_mem("not a zip at all, just some text here", 37, NULL, &z, err,
					   sizeof(err)), SSTP_ERR_PROFILE);
	/* corrupt deflate data inside the first entry: CRC or inflate error on read */
	assert_int_equal(sstp_zip_open_mem(zip, len, NULL, &z, err, sizeof(err)), 0);
	long xml = sstp_zip_find(z, "Generic/VpnSettings.xml");
	assert_true(xml >= 0);
	sstp_zip_close(z);
	unsigned char *bad = malloc(len);
	memcpy(bad, zip, len);
	/* local header of entry 0 is at offset 0: name length at 26, extra at 28, data after */
	size_t data = 30 + (size_t)(bad[26] | bad[27] << 8) + (size_t)(bad[28] | bad[29] << 8);
	for (size_t i = data + 20; i < data + 60; i++)
		bad[i] ^= 0x5a;
	assert_int_equal(sstp_zip_open_mem(bad, len, NULL, &z, err, sizeof(err)), 0);
	unsigned char *buf;
	size_t n = 0;
	assert_int_equal(sstp_zip_read(z, (size_t)xml, 0, &buf, &n, err, sizeof(err)),
			 SSTP_ERR_PROFILE);
	assert_null(buf);
	sstp_zip_close(z);
	free(bad);
	free(zip);
}

static void test_name_check_direct(void **state)
{
	(void)state;
	char out[64];
	const char *why;
	assert_int_equal(sstp_zip_name_check("a\\b\\c.txt", 9, out, sizeof(out), &why), 0);
	assert_string_equal(out, "a/b/c.txt");
	assert_int_equal(sstp_zip_name_check("./a/./b/", 8, out, sizeof(out), &why), 0);
	assert_string_equal(out, "a/b/");
	assert_int_equal(sstp_zip_name_check("", 0, out, sizeof(out), &why), -1);
	char longn[80];
	memset(longn, 'a', sizeof(longn));
	assert_int_equal(sstp_zip_name_check(longn, sizeof(longn), out, sizeof(out), &why), -1);
	assert_string_equal(why, "name too long");
	assert_int_equal(sstp_zip_name_check("a//", 3, out, sizeof(out), &why), -1);
	assert_int_equal(sstp_zip_name_check("...", 3, out, sizeof(out), &why), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_and_lookup),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_links_and_duplicates),
		cmocka_unit_test(test_entry_count_cap),
		cmocka_unit_test(test_bomb_declared),
		cmocka_unit_test(test_bomb_lying_size),
		cmocka_unit_test(test_truncated_and_corrupt),
		cmocka_unit_test(test_name_check_direct),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
