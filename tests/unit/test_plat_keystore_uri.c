/* test_plat_keystore_uri.c - cmocka tests of the certstore: URI parser (platform/
 * plat_keystore_uri.c): locations, store names, thumbprints with and without separators,
 * subjects with percent escapes, and each malformed form's specific error; plus the Linux
 * answer to a certstore: URI (plat_keystore_open refuses it and says what to use). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "plat_keystore.h"
#include "tls_creds.h"

static const uint8_t thumb[20] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x00, 0xff,
				   0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe, 0x11, 0x22 };

static void test_thumbprint(void **state)
{
	struct plat_ks_uri u;
	char err[256] = "";

	(void)state;
	assert_int_equal(plat_keystore_uri_parse(
				 "certstore:CurrentUser/My?thumbprint="
				 "0123456789abcdef00FF1032547698BADCFE1122",
				 &u, err, sizeof(err)),
			 0);
	assert_int_equal(u.location, PLAT_KS_CURRENT_USER);
	assert_string_equal(u.store, "My");
	assert_true(u.has_thumbprint);
	assert_memory_equal(u.thumbprint, thumb, 20);
	assert_string_equal(u.subject, "");

	/* the forms Windows' dialogs and PowerShell show: spaces (%20) or colons between pairs */
	assert_int_equal(plat_keystore_uri_parse(
				 "CERTSTORE:localmachine/My?Thumbprint=01%2023%2045%2067%2089%20ab%20"
				 "cd%20ef%2000%20ff%2010%2032%2054%2076%2098%20ba%20dc%20fe%2011%2022",
				 &u, err, sizeof(err)),
			 0);
	assert_int_equal(u.location, PLAT_KS_LOCAL_MACHINE);
	assert_memory_equal(u.thumbprint, thumb, 20);
	assert_int_equal(plat_keystore_uri_parse(
				 "certstore:CurrentUser/My?thumbprint=01:23:45:67:89:ab:cd:ef:00:ff:"
				 "10:32:54:76:98:ba:dc:fe:11:22",
				 &u, err, sizeof(err)),
			 0);
	assert_memory_equal(u.thumbprint, thumb, 20);
}

static void test_subject(void **state)
{
	struct plat_ks_uri u;
	char err[256] = "";

	(void)state;
	assert_int_equal(plat_keystore_uri_parse("certstore:CurrentUser/My?subject=John%20Doe%26Co",
						 &u, err, sizeof(err)),
			 0);
	assert_false(u.has_thumbprint);
	assert_string_equal(u.subject, "John Doe&Co");
	assert_int_equal(plat_keystore_uri_parse("certstore:LocalMachine/Personal.Old_1-2?subject=vpn",
						 &u, err, sizeof(err)),
			 0);
	assert_string_equal(u.store, "Personal.Old_1-2");
	assert_string_equal(u.subject, "vpn");
	assert_true(plat_keystore_is_uri("CertStore:x"));
	assert_false(plat_keystore_is_uri("pkcs11:token=a"));
	assert_false(plat_keystore_is_uri("certstore"));
	assert_false(plat_keystore_is_uri(NULL));
}

static void expect_error(const char *uri, const char *words)
{
	struct plat_ks_uri u;
	char err[256] = "";

	if (plat_keystore_uri_parse(uri, &u, err, sizeof(err)) != -1)
		fail_msg("accepted: %s", uri);
	if (strstr(err, words) == NULL)
		fail_msg("%s: error '%s' does not say '%s'", uri, err, words);
}

static void test_malformed(void **state)
{
	char big[600];

	(void)state;
	expect_error("pkcs11:token=x", "not a certstore: URI");
	expect_error("certstore:", "LOCATION/STORE");
	expect_error("certstore:CurrentUser", "LOCATION/STORE");
	expect_error("certstore:CurrentUser?thumbprint=00/x", "LOCATION/STORE");
	expect_error("certstore:Users/My?subject=a", "unknown store location 'Users'");
	expect_error("certstore:CurrentUserX/My?subject=a", "unknown store location");
	expect_error("certstore:/My?subject=a", "unknown store location");
	expect_error("certstore:CurrentUser/?subject=a", "store name is empty");
	expect_error("certstore:CurrentUser/M y?subject=a", "invalid character");
	expect_error("certstore:CurrentUser/My/Sub?subject=a", "invalid character");
	expect_error("certstore:CurrentUser/My", "say which certificate");
	expect_error("certstore:CurrentUser/My?", "say which certificate");
	expect_error("certstore:CurrentUser/My?thumbprint=", "has 0 hex digits");
	expect_error("certstore:CurrentUser/My?thumbprint=0123", "has 4 hex digits, 40 expected");
	expect_error("certstore:CurrentUser/My?thumbprint=0123456789abcdef00ff1032547698badcfe112",
		     "has 39 hex digits");
	expect_error("certstore:CurrentUser/My?thumbprint=0123456789abcdef00ff1032547698badcfe11223",
		     "longer than 40");
	expect_error("certstore:CurrentUser/My?thumbprint=0123456789abcdef00ff1032547698badcfe112g",
		     "non-hex character 'g'");
	expect_error("certstore:CurrentUser/My?thumbprint=%zz", "'%' not followed by two hex");
	expect_error("certstore:CurrentUser/My?thumbprint=%4", "'%' not followed by two hex");
	expect_error("certstore:CurrentUser/My?subject=a%00b", "encoded NUL");
	expect_error("certstore:CurrentUser/My?subject=", "subject is empty");
	expect_error("certstore:CurrentUser/My?subject=a&subject=b", "subject given twice");
	expect_error("certstore:CurrentUser/My?thumbprint=0123456789abcdef00ff1032547698badcfe1122"
		     "&thumbprint=0123456789abcdef00ff1032547698badcfe1122",
		     "thumbprint given twice");
	expect_error("certstore:CurrentUser/My?subject=a&thumbprint=0123456789abcdef00ff10325476"
		     "98badcfe1122",
		     "not both");
	expect_error("certstore:CurrentUser/My?subject=a&", "empty query parameter");
	expect_error("certstore:CurrentUser/My?&subject=a", "empty query parameter");
	expect_error("certstore:CurrentUser/My?subject", "has no '='");
	expect_error("certstore:CurrentUser/My?issuer=x", "unknown parameter 'issuer'");
	expect_error("certstore:CurrentUser/My?thumbprint=01 23", "has 4 hex digits");

	memset(big, 'a', sizeof(big));
	memcpy(big, "certstore:CurrentUser/My?subject=", 33);
	big[sizeof(big) - 1] = '\0';
	expect_error(big, "value of 'subject': more than 255 bytes");
	memcpy(big + 33, "%41", 3);
	big[33 + 300] = '\0'; /* 267 characters decoded: above the 255-byte limit */
	expect_error(big, "more than 255 bytes");
	memset(big, 'S', sizeof(big));
	memcpy(big, "certstore:CurrentUser/", 22);
	memcpy(big + 22 + 64, "?subject=a", 11);
	expect_error(big, "store name is longer than 63");
}

static void test_open_elsewhere(void **state)
{
	struct tls_blob *chain = (struct tls_blob *)1;
	struct tls_signer signer;
	size_t n = 7;
	char err[256] = "";

	(void)state;
	memset(&signer, 0xaa, sizeof(signer));
	if (plat_keystore_open("certstore:CurrentUser/My?subject=x", &chain, &n, &signer, err,
			       sizeof(err)) == 0)
		skip(); /* an OS with a certificate store (built for Windows): tested there */
	assert_null(chain);
	assert_int_equal(n, 0);
	assert_null(signer.ctx);
	assert_null(signer.free);
	assert_string_equal(err, "certstore: URIs are a Windows keystore; use a PKCS#12 file or "
				 "pkcs11: URI here");
	plat_keystore_chain_free(NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thumbprint),
		cmocka_unit_test(test_subject),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_open_elsewhere),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
