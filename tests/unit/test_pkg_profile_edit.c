/* test_pkg_profile_edit.c - the keys that mirror connect options (no-ipv6, interface, timeout,
 * script, up, down; the shared MTU range), the key table, every key round-tripping through
 * format/parse, and `sstp set` on profile text (replace in place, append, remove, refuse a bad
 * value with the key and the line, leave nothing half-applied). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sstp_err.h"
#include "profile.h"

static int parse(struct sstp_profile *p, const char *text, char *err, size_t errlen)
{
	sstp_profile_init(p);
	return sstp_profile_parse(p, text, strlen(text), "/etc/sstp/x", err, errlen);
}

static void test_new_keys(void **state)
{
	struct sstp_profile p;
	char err[256];
	(void)state;
	assert_int_equal(parse(&p, "server = gw\nno-ipv6\ninterface = vpn0\ntimeout = 45\n"
			       "script = /usr/share/vpnc-scripts/vpnc-script\nup = echo up\n"
			       "down = logger \"going down\"\nmtu = 4087\n", err, sizeof(err)), 0);
	assert_true(p.no_ipv6);
	assert_string_equal(p.ifname, "vpn0");
	assert_int_equal(p.timeout, 45);
	assert_string_equal(p.script, "/usr/share/vpnc-scripts/vpnc-script");
	assert_string_equal(p.up, "echo up");
	assert_string_equal(p.down, "logger \"going down\"");
	assert_int_equal(p.mtu, SSTP_MTU_MAX);
	sstp_profile_free(&p);
	/* a relative script is relative to the profile's directory, like ca and cert */
	assert_int_equal(parse(&p, "server = gw\nscript = hook.sh\n", err, sizeof(err)), 0);
	assert_string_equal(p.script, "/etc/sstp/x/hook.sh");
	sstp_profile_free(&p);
}

static void expect_bad(const char *text, const char *needle)
{
	struct sstp_profile p;
	char err[256] = "";
	int rc = parse(&p, text, err, sizeof(err));
	sstp_profile_free(&p);
	if (rc != SSTP_ERR_PROFILE)
		fail_msg("accepted: %s", text);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not contain '%s'", err, needle);
}

static void test_ranges(void **state)
{
	(void)state;
	/* the command line's range, 576-4087, not the old 9000 */
	expect_bad("server = gw\nmtu = 4088\n", "line 2: mtu: expected a number from 576 to 4087");
	expect_bad("server = gw\nmtu = 575\n", "line 2: mtu");
	expect_bad("timeout = 0\n", "line 1: timeout: expected seconds from 1 to 86400");
	expect_bad("timeout = 86401\n", "line 1: timeout");
	expect_bad("timeout = -1\n", "line 1: timeout");
	expect_bad("interface = this-name-is-too-long\n", "line 1: interface");
	expect_bad("interface = a/b\n", "line 1: interface");
	expect_bad("interface = ..\n", "line 1: interface");
	expect_bad("no-ipv6 = maybe\n", "line 1: no-ipv6: expected true or false");
	expect_bad("no-ipv6 = 1\nno-ipv6 = 0\n", "line 2: 'no-ipv6' given twice");
	expect_bad("script =\n", "line 1: 'script' has an empty value");
	char big[SSTP_HOOK_MAX + 16];
	memset(big, 'x', sizeof(big));
	memcpy(big, "up = ", 5);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	expect_bad(big, "line 1: up: the command is longer than");
}

static void test_key_table(void **state)
{
	(void)state;
	size_t n = sstp_profile_key_count();
	assert_true(n > 30);
	assert_null(sstp_profile_key_at(n));
	for (size_t i = 0; i < n; i++) {
		const struct sstp_profile_key_info *k = sstp_profile_key_at(i);
		assert_non_null(k->key);
		assert_non_null(k->range);
		assert_non_null(k->deflt);
		assert_ptr_equal(sstp_profile_key_find(k->key), k);
	}
	/* connect options that have a profile twin of the same name */
	static const char *const twins[] = {"no-ipv6", "interface", "timeout", "mtu", "script",
					    "up", "down", "route", "dns", "auth", "sni"};
	for (size_t i = 0; i < sizeof(twins) / sizeof(twins[0]); i++) {
		const struct sstp_profile_key_info *k = sstp_profile_key_find(twins[i]);
		assert_non_null(k);
		assert_non_null(k->option);
	}
	assert_true(sstp_profile_key_find("password")->secret);
	assert_null(sstp_profile_key_find("rout"));
}

/* every scalar key set by `set` reads back through parse, and format writes it back */
static void test_round_trip(void **state)
{
	static const char *const set[] = {
		"sni=gw.example", "pin-sha256=AAAA", "route=10.0.0.0/16", "pool=172.16.0.0/24",
		"dns=10.0.0.4", "dns-domain=corp.example", "cert=/c.p12", "key=/k.pem",
		"cert-password-file=/cpw", "user=alice", "identity=alice@corp.example", "tls-cert=/m.p12", "password-file=/pw", "auth=pap",
		"proxy=http://proxy:3128", "proxy-user=bob", "proxy-password-file=/ppw",
		"mtu=1300", "no-routes=true", "no-dns=true", "full-tunnel=true", "kill-switch=true", "route-conflict=skip", "reconnect=false",
		"no-ipv6=true", "interface=vpn7", "timeout=20", "script=/s.sh", "up=echo  up ",
		"down=echo down", "vnet-name=v", "vnet-id=id", "name=corp", "ca=/ca.pem",
	};
	size_t n = sizeof(set) / sizeof(set[0]);
	const char base[] = "server = gw:444\n";
	char *out = NULL, *fmt = NULL, err[256];
	size_t len = 0, flen = 0;
	struct sstp_profile p, q;
	(void)state;

	assert_int_equal(sstp_profile_text_set(base, strlen(base), set, n, NULL, &out, &len, err,
					       sizeof(err)), 0);
	assert_int_equal(parse(&p, out, err, sizeof(err)), 0);
	assert_string_equal(p.up, "echo  up ");
	assert_true(p.no_ipv6 && p.no_routes && p.no_dns && p.full_tunnel && !p.reconnect);
	assert_int_equal(p.timeout, 20);
	assert_int_equal(sstp_profile_format(&p, &fmt, &flen), 0);
	assert_int_equal(parse(&q, fmt, err, sizeof(err)), 0);
	assert_string_equal(q.ifname, "vpn7");
	assert_string_equal(q.script, "/s.sh");
	assert_string_equal(q.up, "echo  up ");
	assert_string_equal(q.down, "echo down");
	assert_int_equal(q.mtu, 1300);
	assert_int_equal(q.timeout, 20);
	assert_true(q.no_ipv6);
	assert_true(p.kill_switch && q.kill_switch);
	assert_int_equal(q.port, 444);
	/* every non-secret key appears in the text `set` produced */
	for (size_t i = 0; i < sstp_profile_key_count(); i++) {
		const struct sstp_profile_key_info *k = sstp_profile_key_at(i);
		char needle[80];
		if (k->secret)
			continue;
		snprintf(needle, sizeof(needle), "\n%s = ", k->key);
		if (!strstr(out, needle) && strncmp(out, needle + 1, strlen(needle) - 1) != 0)
			fail_msg("key %s missing from:\n%s", k->key, out);
	}
	sstp_profile_free(&p);
	sstp_profile_free(&q);
	free(out);
	free(fmt);
}

static void test_set_in_place(void **state)
{
	const char text[] = "# top\nserver = gw\nroute = 10.0.0.0/8\n# keep\nroute = 10.9.0.0/16\n"
			    "mtu = 1400\n";
	const char *a1[] = {"route=192.168.0.0/16", "route=fd00::/8", "mtu=", "no-dns=yes"};
	char *out = NULL, err[256];
	size_t len = 0;
	(void)state;
	assert_int_equal(sstp_profile_text_set(text, strlen(text), a1, 4, NULL, &out, &len, err,
					       sizeof(err)), 0);
	assert_string_equal(out, "# top\nserver = gw\nroute = 192.168.0.0/16\nroute = fd00::/8\n"
			    "# keep\nno-dns = yes\n");
	free(out);
	/* a file without a final newline */
	const char *a2[] = {"user=bob"};
	assert_int_equal(sstp_profile_text_set("server = gw", 11, a2, 1, NULL, &out, &len, err,
					       sizeof(err)), 0);
	assert_string_equal(out, "server = gw\nuser = bob\n");
	free(out);
}

static void expect_set_fail(const char *text, const char *assign, const char *needle)
{
	char *out = (char *)1, err[256] = "";
	size_t len = 0;
	const char *a[] = {assign};
	int rc = sstp_profile_text_set(text, strlen(text), a, 1, NULL, &out, &len, err,
				       sizeof(err));
	if (rc != SSTP_ERR_PROFILE)
		fail_msg("accepted %s", assign);
	assert_null(out);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not contain '%s'", err, needle);
}

static void test_set_refused(void **state)
{
	(void)state;
	const char t[] = "server = gw\n# c\nmtu = 1400\n";
	expect_set_fail(t, "mtu=9000", "line 3: mtu: expected a number from 576 to 4087");
	expect_set_fail(t, "timeout=abc", "line 4: timeout");
	expect_set_fail(t, "rout=10.0.0.0/8", "rout: unknown key");
	expect_set_fail(t, "password=hunter2", "password: secrets are never stored");
	expect_set_fail(t, "proxy=http://u:pw@p:1", "proxy: credentials are never stored");
	expect_set_fail(t, "user=a\tb\x01", "user: the value holds a control character");
	expect_set_fail(t, "=x", "is not KEY=VALUE");
	expect_set_fail(t, "mtu", "is not KEY=VALUE");
	expect_set_fail(t, "server=", "server: the profile needs");
	expect_set_fail(t, "interface=a b", "interface:");
	expect_set_fail("server = gw\nbogus = 1\n", "user=x", "line 2: unknown key 'bogus'");
}

static char *slurp(const char *rel)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", SSTP_SOURCE_DIR, rel);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	char *b = calloc(1, 256 * 1024);
	assert_non_null(b);
	size_t n = fread(b, 1, 256 * 1024 - 1, f);
	b[n] = '\0';
	fclose(f);
	return b;
}

/* key as a whole word of a list: between blanks, quotes or parentheses */
static bool has_word(const char *text, const char *key)
{
	size_t n = strlen(key);
	for (const char *p = strstr(text, key); p; p = strstr(p + 1, key))
		if (p > text && strchr(" \"(", p[-1]) && p[n] && strchr(" \")", p[n]))
			return true;
	return false;
}

/* every key the parser knows is documented in sstp.conf(5) and completed by bash and zsh */
static void test_keys_documented(void **state)
{
	char *man = slurp("doc/sstp.conf.5"), *bash = slurp("doc/completion/sstp.bash");
	char *zsh = slurp("doc/completion/_sstp");
	(void)state;
	assert_non_null(strstr(bash, "_sstp_keys=\""));
	assert_non_null(strstr(zsh, "keys=("));
	for (size_t i = 0; i < sstp_profile_key_count(); i++) {
		const struct sstp_profile_key_info *k = sstp_profile_key_at(i);
		char entry[128];
		size_t n = 0;
		if (k->secret)
			continue;
		n = (size_t)snprintf(entry, sizeof(entry), ".TP\n.B ");
		for (const char *c = k->key; *c && n + 3 < sizeof(entry); c++) {
			if (*c == '-')
				entry[n++] = '\\';
			entry[n++] = *c;
		}
		entry[n++] = '\n';
		entry[n] = '\0';
		if (!strstr(man, entry))
			fail_msg("sstp.conf.5 has no entry for key '%s'", k->key);
		if (!has_word(strstr(bash, "_sstp_keys=\""), k->key))
			fail_msg("sstp.bash does not complete key '%s'", k->key);
		if (!has_word(strstr(zsh, "keys=("), k->key))
			fail_msg("_sstp does not complete key '%s'", k->key);
	}
	free(man);
	free(bash);
	free(zsh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_keys),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_key_table),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_set_in_place),
		cmocka_unit_test(test_set_refused),
		cmocka_unit_test(test_keys_documented),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
