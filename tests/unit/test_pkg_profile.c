/* test_pkg_profile.c - the profile file format (parse, format, round trip, malformed input with
 * line numbers, secrets refused, limits), profile names, directories, save/load and listing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sstp_err.h"
#include "profile.h"
#include "test_pkg_util.h"

static const char good[] =
	"# comment\n"
	"; another comment\n"
	"\n"
	"name = vnet-demo\n"
	"server = gw.example.net:8443\r\n"
	"sni=other.example.net\n"
	"ca = server-root-1.pem\n"
	"ca = /etc/ssl/certs/extra.pem\n"
	"pin-sha256 = sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
	"route = 10.0.0.0/16\n"
	"route = fd00:1::/48\n"
	"pool = 172.16.0.0/24\n"
	"dns = 10.0.0.4\n"
	"dns = fd00:1::53\n"
	"dns-domain = corp.example\n"
	"cert = pkcs11:token=vpn;object=client\n"
	"key = keys/client.key\n"
	"cert-password-file = /run/secrets/p12pass\n"
	"user = alice@example.net\n"
	"auth = eap-tls,mschapv2\n"
	"proxy = http://proxy.example:3128\n"
	"mtu = 1400\n"
	"no-dns\n"
	"full-tunnel = yes\n"
	"route-conflict = skip\n"
	"reconnect = off\n"
	"vnet-name = \" spaced name \"\n"
	"vnet-id = eb180077-da16-41b1-aeb5-5ee425b85e57\n";

static void test_parse_good(void **state)
{
	(void)state;
	struct sstp_profile p;
	char err[256];
	char a[SSTP_CIDR_STRLEN];
	sstp_profile_init(&p);
	assert_int_equal(sstp_profile_parse(&p, good, strlen(good), "/etc/sstp/vnet-demo", err,
					    sizeof(err)), 0);
	assert_string_equal(p.name, "vnet-demo");
	assert_string_equal(p.server, "gw.example.net");
	assert_int_equal(p.port, 8443);
	assert_string_equal(p.sni, "other.example.net");
	assert_int_equal(p.ca.n, 2);
	assert_string_equal(p.ca.v[0], "/etc/sstp/vnet-demo/server-root-1.pem");
	assert_string_equal(p.ca.v[1], "/etc/ssl/certs/extra.pem");
	assert_int_equal(p.n_routes, 2);
	sstp_cidr_format(&p.routes[1], a, sizeof(a));
	assert_string_equal(a, "fd00:1::/48");
	assert_int_equal(p.n_pools, 1);
	assert_int_equal(p.n_dns, 2);
	sstp_ip_format(&p.dns[1], a, sizeof(a));
	assert_string_equal(a, "fd00:1::53");
	assert_int_equal(p.dns_domains.n, 1);
	assert_string_equal(p.cert, "pkcs11:token=vpn;object=client");
	assert_string_equal(p.key, "/etc/sstp/vnet-demo/keys/client.key");
	assert_string_equal(p.cert_password_file, "/run/secrets/p12pass");
	assert_string_equal(p.user, "alice@example.net");
	assert_string_equal(p.auth, "eap-tls,mschapv2");
	assert_string_equal(p.route_conflict, "skip");
	assert_int_equal(p.mtu, 1400);
	assert_true(p.no_dns);
	assert_false(p.no_routes);
	assert_true(p.full_tunnel);
	assert_false(p.reconnect);
	assert_string_equal(p.vnet_name, " spaced name ");

	/* round trip: format, parse again, format again: identical text */
	char *t1 = NULL, *t2 = NULL;
	size_t l1, l2;
	assert_int_equal(sstp_profile_format(&p, &t1, &l1), 0);
	struct sstp_profile q;
	sstp_profile_init(&q);
	assert_int_equal(sstp_profile_parse(&q, t1, l1, NULL, err, sizeof(err)), 0);
	assert_int_equal(sstp_profile_format(&q, &t2, &l2), 0);
	assert_int_equal(l1, l2);
	assert_memory_equal(t1, t2, l1);
	assert_non_null(strstr(t1, "server = gw.example.net:8443\n"));
	assert_non_null(strstr(t1, "reconnect = false\n"));
	free(t1);
	free(t2);
	sstp_profile_free(&q);
	sstp_profile_free(&p);
	/* free re-initialises */
	assert_int_equal(p.port, 443);
	assert_null(p.server);
}

static void expect_error(const char *text, const char *needle)
{
	struct sstp_profile p;
	char err[256] = "";
	sstp_profile_init(&p);
	int rc = sstp_profile_parse(&p, text, strlen(text), NULL, err, sizeof(err));
	sstp_profile_free(&p);
	if (rc != SSTP_ERR_PROFILE)
		fail_msg("accepted: %s", text);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not contain '%s'", err, needle);
}

/* the proxy user and the path of its password file are stored; the password never is */
static void test_proxy_keys(void **state)
{
	static const char text[] = "server = gw\nproxy = http://p.example:3128\n"
				   "proxy-user = CORP\\bob\nproxy-password-file = /run/px\n"
				   "identity = alice@corp.example\ntls-cert = /etc/sstp/m.p12\n";
	struct sstp_profile p, q;
	char err[256], *t = NULL;
	size_t l = 0;

	(void)state;
	sstp_profile_init(&p);
	sstp_profile_init(&q);
	assert_int_equal(sstp_profile_parse(&p, text, strlen(text), NULL, err, sizeof(err)), 0);
	assert_string_equal(p.proxy_user, "CORP\\bob");
	assert_string_equal(p.proxy_password_file, "/run/px");
	assert_int_equal(sstp_profile_format(&p, &t, &l), 0);
	assert_non_null(strstr(t, "proxy-user = "));
	assert_int_equal(sstp_profile_parse(&q, t, l, NULL, err, sizeof(err)), 0);
	assert_string_equal(q.proxy_user, "CORP\\bob");
	assert_string_equal(q.proxy_password_file, "/run/px");
	assert_string_equal(q.identity, "alice@corp.example"); /* the EAP identity key */
	assert_string_equal(q.tls_cert, "/etc/sstp/m.p12");    /* outer-TLS certificate */
	free(t);
	sstp_profile_free(&p);
	sstp_profile_free(&q);
	expect_error("server = a\nproxy-password = hunter2\n", "secrets are never stored");
	expect_error("server = a\nproxy = http://bob@p:3128\n", "credentials are never stored");
}

/* Found by fuzz_pkg_profile: a bracketed host with one ':' and the default port was written
 * without its brackets and read back as host:port. */
static void test_regress_bracket_host_round_trip(void **state)
{
	static const char *const texts[] = {"server = [xexamplm:pltl]\n", "server = [::1]\n",
					    "server = [fe80::1]:8443\n"};
	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct sstp_profile p, q;
		char err[256], *t = NULL;
		size_t l = 0;

		sstp_profile_init(&p);
		sstp_profile_init(&q);
		assert_int_equal(sstp_profile_parse(&p, texts[i], strlen(texts[i]), NULL, err, sizeof(err)), 0);
		assert_int_equal(sstp_profile_format(&p, &t, &l), 0);
		assert_int_equal(sstp_profile_parse(&q, t, l, NULL, err, sizeof(err)), 0);
		assert_string_equal(q.server, p.server);
		assert_int_equal(q.port, p.port);
		free(t);
		sstp_profile_free(&p);
		sstp_profile_free(&q);
	}
}

static void test_parse_errors(void **state)
{
	(void)state;
	expect_error("server = a\nrout = 10.0.0.0/8\n", "line 2: unknown key 'rout'");
	expect_error("server = a\nserver = b\n", "line 2: 'server' given twice (first on line 1)");
	expect_error("\n\nroute = 10.0.0.0/33\n", "line 3: route: '10.0.0.0/33'");
	expect_error("dns = example.com\n", "line 1: dns:");
	expect_error("mtu = 12\n", "line 1: mtu");
	expect_error("mtu = 1400x\n", "line 1: mtu");
	expect_error("no-dns = maybe\n", "line 1: no-dns: expected true or false");
	expect_error("route-conflict = replace\n", "line 1: route-conflict: expected skip or prefer-tunnel");
	expect_error("server\n", "line 1: 'server' needs a value");
	expect_error("server = \n", "line 1: 'server' has an empty value");
	expect_error("[main]\nserver = a\n", "line 1: sections are not used");
	expect_error("server = a:0\n", "line 1: server");
	expect_error("server = a:65536\n", "line 1: server");
	expect_error("server = a b\n", "line 1: server");
	expect_error("server = [::1\n", "line 1: server");
	expect_error("name = ../etc\n", "line 1: name: ");
	expect_error("name = a/b\n", "line 1: name: ");
	expect_error("auth = eap-tls,telnet\n", "line 1: auth");
	expect_error("auth = eap-tls,\n", "line 1: auth");
	expect_error("password = hunter2\n", "secrets are never stored");
	expect_error("cert-password = x\n", "secrets are never stored");
	expect_error("cert = pkcs11:token=a;pin-value=1234\n", "PIN is a secret");
	expect_error("proxy = http://user:pw@proxy:3128\n", "credentials are never stored");
	expect_error("server = a\x01\n", "line 1: control character");
	static const char nul[] = "server = a\0b\n";
	struct sstp_profile p;
	char err[256];
	sstp_profile_init(&p);
	assert_int_equal(sstp_profile_parse(&p, nul, sizeof(nul) - 1, NULL, err, sizeof(err)),
			 SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "line 1: control character"));
	sstp_profile_free(&p);
}

static void test_parse_limits(void **state)
{
	(void)state;
	struct sstp_profile p;
	char err[256];
	/* a line over the limit */
	size_t n = SSTP_PROFILE_MAX_LINE + 20;
	char *t = malloc(n + 1);
	memcpy(t, "user = ", 7);
	memset(t + 7, 'a', n - 8);
	t[n - 1] = '\n';
	t[n] = '\0';
	sstp_profile_init(&p);
	assert_int_equal(sstp_profile_parse(&p, t, n, NULL, err, sizeof(err)), SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "line 1: line longer than"));
	sstp_profile_free(&p);
	free(t);

	/* a file over the size limit */
	n = SSTP_PROFILE_MAX_FILE + 1;
	t = malloc(n);
	memset(t, '\n', n);
	sstp_profile_init(&p);
	assert_int_equal(sstp_profile_parse(&p, t, n, NULL, err, sizeof(err)), SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "larger than"));
	sstp_profile_free(&p);
	free(t);

	/* too many entries of one list, and too many settings */
	size_t cap = 600 * 24;
	t = malloc(cap);
	size_t off = 0;
	for (int i = 0; i < 300; i++)
		off += (size_t)snprintf(t + off, cap - off, "route = 10.%d.0.0/16\n", i % 250);
	sstp_profile_init(&p);
	assert_int_equal(sstp_profile_parse(&p, t, off, NULL, err, sizeof(err)), SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "too many 'route' entries"));
	sstp_profile_free(&p);
	off = 0;
	for (int i = 0; i < 600; i++)
		off += (size_t)snprintf(t + off, cap - off,
					i % 3 == 0 ? "dns-domain = d%d\n" : i % 3 == 1 ? "ca = c%d\n"
										: "route = 10.0.%d.0/24\n",
					i % 250);
	sstp_profile_init(&p);
	assert_int_equal(sstp_profile_parse(&p, t, off, NULL, err, sizeof(err)), SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "more than 512 settings"));
	sstp_profile_free(&p);
	free(t);
}

static void test_names(void **state)
{
	(void)state;
	assert_true(sstp_profile_name_valid("vnet-demo"));
	assert_true(sstp_profile_name_valid("a.b_c@d"));
	assert_false(sstp_profile_name_valid(""));
	assert_false(sstp_profile_name_valid(NULL));
	assert_false(sstp_profile_name_valid("."));
	assert_false(sstp_profile_name_valid(".."));
	assert_false(sstp_profile_name_valid(".hidden"));
	assert_false(sstp_profile_name_valid("-opt"));
	assert_false(sstp_profile_name_valid("a/b"));
	assert_false(sstp_profile_name_valid("a..b"));
	assert_false(sstp_profile_name_valid("a\\b"));
	assert_false(sstp_profile_name_valid("a b"));
	char longname[80];
	memset(longname, 'a', 65);
	longname[65] = '\0';
	assert_false(sstp_profile_name_valid(longname));
	char out[70];
	assert_int_equal(sstp_profile_name_sanitize("My VNet (prod)/east", out, sizeof(out)), 0);
	assert_string_equal(out, "My-VNet-prod-east");
	assert_int_equal(sstp_profile_name_sanitize("../../etc", out, sizeof(out)), 0);
	assert_true(sstp_profile_name_valid(out));
	assert_int_equal(sstp_profile_name_sanitize("///", out, sizeof(out)), -1);
}

static void test_save_load_list(void **state)
{
	(void)state;
	char base[] = "/tmp/sstp-prof-XXXXXX";
	assert_non_null(mkdtemp(base));
	char err[512];
	struct sstp_profile p, q;
	sstp_profile_init(&p);
	assert_int_equal(sstp_profile_parse(&p, good, strlen(good), NULL, err, sizeof(err)), 0);
	free(p.key);
	p.key = strdup("relative/key.pem"); /* written as is, resolved against the dir on load */
	char sys[600];
	snprintf(sys, sizeof(sys), "%s/system", base);
	assert_int_equal(sstp_profile_save(&p, sys, false, err, sizeof(err)), 0);
	/* exists now: refused without overwrite, fine with it */
	assert_int_equal(sstp_profile_save(&p, sys, false, err, sizeof(err)), SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "already exists"));
	assert_int_equal(sstp_profile_save(&p, sys, true, err, sizeof(err)), 0);

	struct sstp_profile_dirs dirs = {.user = NULL, .system = sys};
	sstp_profile_init(&q);
	assert_int_equal(sstp_profile_load(&q, "vnet-demo", &dirs, err, sizeof(err)), 0);
	char want[700];
	snprintf(want, sizeof(want), "%s/vnet-demo/relative/key.pem", sys);
	assert_string_equal(q.key, want);
	assert_string_equal(q.server, "gw.example.net");
	snprintf(want, sizeof(want), "%s/vnet-demo", sys);
	assert_string_equal(q.dir, want);
	sstp_profile_free(&q);

	/* by path: the directory or the file */
	sstp_profile_init(&q);
	assert_int_equal(sstp_profile_load(&q, want, NULL, err, sizeof(err)), 0);
	assert_string_equal(q.name, "vnet-demo");
	sstp_profile_free(&q);

	/* a name without its own name key takes the directory name */
	char udir[600], f[700];
	snprintf(udir, sizeof(udir), "%s/user/other", base);
	char udirbase[600];
	snprintf(udirbase, sizeof(udirbase), "%s/user", base);
	assert_int_equal(mkdir(udirbase, 0755), 0);
	assert_int_equal(mkdir(udir, 0755), 0);
	snprintf(f, sizeof(f), "%s/profile.conf", udir);
	assert_int_equal(tz_write_file(f, "server = x.example\n", 19), 0);
	dirs.user = udirbase;
	sstp_profile_init(&q);
	assert_int_equal(sstp_profile_load(&q, "other", &dirs, err, sizeof(err)), 0);
	assert_string_equal(q.name, "other");
	sstp_profile_free(&q);

	/* listing: user first, sorted, no duplicates, junk ignored */
	char junk[700];
	snprintf(junk, sizeof(junk), "%s/.hidden", udirbase);
	mkdir(junk, 0755);
	snprintf(junk, sizeof(junk), "%s/empty-dir", udirbase);
	mkdir(junk, 0755);
	struct sstp_strlist names;
	assert_int_equal(sstp_profile_list(&dirs, &names), 0);
	assert_int_equal(names.n, 2);
	assert_string_equal(names.v[0], "other");
	assert_string_equal(names.v[1], "vnet-demo");
	sstp_strlist_free(&names);

	/* missing, invalid and malformed profiles */
	sstp_profile_init(&q);
	assert_int_equal(sstp_profile_load(&q, "nope", &dirs, err, sizeof(err)), SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "no profile named 'nope'"));
	assert_int_equal(sstp_profile_load(&q, "..", &dirs, err, sizeof(err)), SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "not a valid profile name"));
	assert_int_equal(tz_write_file(f, "server = x\nbogus = 1\n", 21), 0);
	assert_int_equal(sstp_profile_load(&q, "other", &dirs, err, sizeof(err)), SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "line 2: unknown key 'bogus'"));
	assert_non_null(strstr(err, "profile.conf"));
	sstp_profile_free(&q);
	sstp_profile_init(&q);
	assert_int_equal(tz_write_file(f, "user = x\n", 9), 0);
	assert_int_equal(sstp_profile_load(&q, "other", &dirs, err, sizeof(err)), SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "no 'server'"));
	sstp_profile_free(&q);

	/* a profile directory that is a symlink is refused for writing */
	char target[700], link[700];
	snprintf(target, sizeof(target), "%s/elsewhere", base);
	mkdir(target, 0755);
	snprintf(link, sizeof(link), "%s/linked", udirbase);
	assert_int_equal(symlink(target, link), 0);
	free(p.name);
	p.name = strdup("linked");
	assert_int_equal(sstp_profile_save(&p, udirbase, true, err, sizeof(err)), SSTP_ERR_PROFILE);
	assert_non_null(strstr(err, "not a directory"));
	/* an invalid name never reaches the file system */
	free(p.name);
	p.name = strdup("../escape");
	assert_int_equal(sstp_profile_save(&p, udirbase, true, err, sizeof(err)), SSTP_ERR_PROFILE);
	sstp_profile_free(&p);
	tz_rm_rf(base);
}

static void test_dirs_default(void **state)
{
	(void)state;
	struct sstp_profile_dirs d;
	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	setenv("HOME", "/home/u", 1);
	unsetenv("SSTP_SYSTEM_DIR");
	assert_int_equal(sstp_profile_dirs_default(&d, false), 0);
	assert_string_equal(d.user, "/xdg/sstp");
	assert_string_equal(d.system, "/etc/sstp");
	assert_string_equal(sstp_profile_dirs_write(&d), "/xdg/sstp");
	sstp_profile_dirs_free(&d);
	setenv("XDG_CONFIG_HOME", "relative", 1); /* not absolute: ignored per the XDG spec */
	assert_int_equal(sstp_profile_dirs_default(&d, false), 0);
	assert_string_equal(d.user, "/home/u/.config/sstp");
	sstp_profile_dirs_free(&d);
	setenv("SSTP_SYSTEM_DIR", "/tmp/sys", 1);
	assert_int_equal(sstp_profile_dirs_default(&d, true), 0);
	assert_null(d.user);
	assert_string_equal(d.system, "/tmp/sys");
	assert_string_equal(sstp_profile_dirs_write(&d), "/tmp/sys");
	sstp_profile_dirs_free(&d);
	unsetenv("SSTP_SYSTEM_DIR");
}

static void test_format_refuses_bad_values(void **state)
{
	(void)state;
	struct sstp_profile p;
	char *t;
	size_t l;
	sstp_profile_init(&p);
	p.server = strdup("gw");
	p.user = strdup("bad\nroute = 0.0.0.0/0");
	assert_int_equal(sstp_profile_format(&p, &t, &l), SSTP_ERR_INTERNAL);
	free(p.user);
	p.user = NULL;
	free(p.server);
	p.server = strdup("::1");
	p.port = 444;
	assert_int_equal(sstp_profile_format(&p, &t, &l), 0);
	assert_non_null(strstr(t, "server = [::1]:444\n"));
	struct sstp_profile q;
	char err[200];
	sstp_profile_init(&q);
	assert_int_equal(sstp_profile_parse(&q, t, l, NULL, err, sizeof(err)), 0);
	assert_string_equal(q.server, "::1");
	assert_int_equal(q.port, 444);
	sstp_profile_free(&q);
	free(t);
	sstp_profile_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_proxy_keys),
		cmocka_unit_test(test_regress_bracket_host_round_trip),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_save_load_list),
		cmocka_unit_test(test_dirs_default),
		cmocka_unit_test(test_format_refuses_bad_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
