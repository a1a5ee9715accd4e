/* test_cli_parse.c - the command line of `sstp`: every subcommand's options, values and ranges,
 * refused secrets, SERVER and probe syntax, and the one-sentence usage errors (exit 2). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "cli.h"
#include "cli_setup.h"
#include "exit_codes.h"
#include "ppp.h"

#define ARGV(...) ((char *[]){ "sstp", ##__VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "sstp", ##__VA_ARGS__ }) / sizeof(char *)))
#define PARSE(cli, err, ...) \
	sstp_cli_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (cli), (err), sizeof(err))

static struct sstp_cli cli;
static char err[512];

static void expect_usage(int r, const char *needle)
{
	assert_int_equal(r, SSTP_EXIT_USAGE);
	if (!strstr(err, needle))
		fail_msg("error '%s' lacks '%s'", err, needle);
}

static void test_connect_full(void **state)
{
	(void)state;
	assert_int_equal(PARSE(&cli, err, "connect", "vpn.example.com:8443", "--ca", "a.pem", "--ca=b.pem",
			       "--user", "bob", "--password-file", "/run/pw", "--route", "10.0.0.0/16",
			       "--route", "fd00::/8", "--dns", "10.0.0.53", "--dns-domain", "corp.example",
			       "--dns-domain", "vnet.example", "--mtu", "1300", "--timeout",
			       "30", "--no-reconnect", "--background", "--wait", "--check", "10.0.0.5:80",
			       "--name", "work", "-vv", "--json", "--sni", "other.example.com",
			       "--pin-sha256", "abc", "--auth", "mschapv2,pap", "--interface", "vpn0",
			       "--full-tunnel", "--proxy", "http://proxy:3128", "--no-ipv6",
			       "--route-conflict", "skip", "--identity", "alice@corp.example", "--tls-cert", "machine.p12"), 0);
	assert_int_equal(cli.cmd, SSTP_CMD_CONNECT);
	assert_string_equal(cli.conn.target, "vpn.example.com:8443");
	assert_int_equal(cli.conn.n_ca, 2);
	assert_string_equal(cli.conn.ca[1], "b.pem");
	assert_string_equal(cli.conn.user, "bob");
	assert_string_equal(cli.conn.identity, "alice@corp.example");
	assert_string_equal(cli.conn.tls_cert, "machine.p12");
	assert_string_equal(cli.conn.password_file, "/run/pw");
	assert_int_equal(cli.conn.n_routes, 2);
	assert_string_equal(cli.conn.route_conflict, "skip");
	assert_int_equal(cli.conn.n_dns, 1);
	assert_int_equal(cli.conn.n_dns_domains, 2);
	assert_string_equal(cli.conn.dns_domains[1], "vnet.example");
	assert_int_equal(cli.conn.mtu, 1300);
	assert_int_equal(cli.conn.timeout_s, 30);
	assert_int_equal(cli.conn.reconnect, 0);
	assert_true(cli.conn.background);
	assert_true(cli.conn.wait);
	assert_int_equal(cli.conn.n_checks, 1);
	assert_string_equal(cli.conn.checks[0].host, "10.0.0.5");
	assert_int_equal(cli.conn.checks[0].port, 80);
	assert_string_equal(cli.conn.name, "work");
	assert_int_equal(cli.verbosity, 2);
	assert_true(cli.json);
	assert_string_equal(cli.conn.sni, "other.example.com");
	assert_string_equal(cli.conn.ifname, "vpn0");
	assert_true(cli.conn.full_tunnel);
	assert_false(cli.conn.kill_switch);
	assert_true(cli.conn.no_ipv6);
	assert_string_equal(cli.conn.proxy, "http://proxy:3128");
	assert_int_equal(PARSE(&cli, err, "connect", "work", "--full-tunnel", "--kill-switch"), 0);
	assert_true(cli.conn.full_tunnel && cli.conn.kill_switch);
}

static void test_connect_defaults(void **state)
{
	(void)state;
	assert_int_equal(PARSE(&cli, err, "connect", "work"), 0);
	assert_int_equal(cli.conn.reconnect, -1);
	assert_int_equal(cli.verbosity, 0);
	assert_false(cli.conn.background);
	assert_int_equal(PARSE(&cli, err, "-q", "connect", "--package", "p.zip"), 0);
	assert_int_equal(cli.verbosity, -1);
	assert_string_equal(cli.conn.package, "p.zip");
	assert_null(cli.conn.target);
}

static void test_secrets_refused(void **state)
{
	(void)state;
	expect_usage(PARSE(&cli, err, "connect", "x", "--password", "hunter2"), "--password is not accepted");
	expect_usage(PARSE(&cli, err, "connect", "x", "--route-conflict", "replace"), "skip or prefer-tunnel");
	expect_usage(PARSE(&cli, err, "connect", "x", "--password=hunter2"), "/proc");
	expect_usage(PARSE(&cli, err, "connect", "x", "--cert-password", "p"), "--password-file");
	expect_usage(PARSE(&cli, err, "cert", "client", "--pass", "p"), "not accepted");
	expect_usage(PARSE(&cli, err, "connect", "x", "--proxy", "http://u:pw@proxy:8080"),
		     "must not contain a password");
	/* the refused value never makes it into the error text */
	assert_null(strstr(err, "pw@"));
}

static void test_bad_values(void **state)
{
	(void)state;
	expect_usage(PARSE(&cli, err, "connect", "x", "--mtu", "100"), "--mtu needs a number between 576 and 4087");
	expect_usage(PARSE(&cli, err, "connect", "x", "--mtu", "1400x"), "--mtu");
	expect_usage(PARSE(&cli, err, "connect", "x", "--mtu", "-1400"), "--mtu");
	expect_usage(PARSE(&cli, err, "connect", "x", "--timeout", "0"), "--timeout");
	expect_usage(PARSE(&cli, err, "connect", "x", "--route", "10.0.0.0/40"), "--route needs a CIDR");
	expect_usage(PARSE(&cli, err, "connect", "x", "--route", "nonsense"), "--route");
	expect_usage(PARSE(&cli, err, "connect", "x", "--dns", "1.2.3"), "--dns needs an IP address");
	expect_usage(PARSE(&cli, err, "connect", "x", "--dns-domain", "a..b"), "--dns-domain needs a domain");
	expect_usage(PARSE(&cli, err, "connect", "x", "--dns-domain", "."), "--dns-domain");
	expect_usage(PARSE(&cli, err, "connect", "x", "--dns-domain", "~corp.example"), "--dns-domain");
	expect_usage(PARSE(&cli, err, "connect", "x", "--dns-domain", "a b"), "--dns-domain");
	expect_usage(PARSE(&cli, err, "connect", "x", "--dns-domain", ""), "--dns-domain");
	expect_usage(PARSE(&cli, err, "connect", "x", "--check", "host"), "--check needs HOST:PORT");
	expect_usage(PARSE(&cli, err, "connect", "x", "--check", "icmp:host"), "--check takes HOST:PORT");
	expect_usage(PARSE(&cli, err, "connect", "x", "--name", "../etc"), "--name");
	expect_usage(PARSE(&cli, err, "connect", "x", "--interface", "a-very-long-device-name"), "--interface");
	expect_usage(PARSE(&cli, err, "connect", "x", "--sni", "a b"), "--sni");
	expect_usage(PARSE(&cli, err, "connect", "x", "--proxy", "socks5://p:1"), "--proxy needs an http");
	expect_usage(PARSE(&cli, err, "connect", "x", "--proxy", "https://p:1"), "--proxy needs an http");
	expect_usage(PARSE(&cli, err, "connect", "x", "--proxy", "http://b%zz@p:1"), "--proxy needs an http");
	expect_usage(PARSE(&cli, err, "connect", "x", "--proxy-user", "a:b"), "--proxy-user");
	expect_usage(PARSE(&cli, err, "connect", "x", "--proxy-user", ""), "--proxy-user");
	/* a proxy user in the URL or as an option; the password comes from a file */
	assert_int_equal(PARSE(&cli, err, "connect", "x", "--proxy", "http://bob@p:1"), 0);
	assert_string_equal(cli.conn.proxy, "http://bob@p:1");
	assert_int_equal(PARSE(&cli, err, "connect", "x", "--proxy", "http://p:1", "--proxy-user",
			       "bob", "--proxy-password-file", "/f"), 0);
	assert_string_equal(cli.conn.proxy_user, "bob");
	assert_string_equal(cli.conn.proxy_password_file, "/f");
	expect_usage(PARSE(&cli, err, "connect", "x", "--state-dir", "relative"), "absolute");
	expect_usage(PARSE(&cli, err, "connect", "x", "--mtu"), "needs a value");
	expect_usage(PARSE(&cli, err, "connect", "x", "--background=yes"), "takes no value");
	expect_usage(PARSE(&cli, err, "connect", "x", "--frobnicate"), "unknown option --frobnicate");
	expect_usage(PARSE(&cli, err, "connect", "x", "-Z"), "unknown option -Z");
	expect_usage(PARSE(&cli, err, "status", "--background"), "does not apply");
	expect_usage(PARSE(&cli, err, "connect", "a", "b"), "unexpected argument 'b'");
}

static void test_conflicts(void **state)
{
	(void)state;
	expect_usage(PARSE(&cli, err, "connect"), "needs a profile NAME or a SERVER");
	expect_usage(PARSE(&cli, err, "connect", "x", "--password-stdin", "--password-file", "f"), "exclude");
	expect_usage(PARSE(&cli, err, "connect", "x", "--no-routes", "--route", "10.0.0.0/8"), "--no-routes");
	expect_usage(PARSE(&cli, err, "connect", "x", "--no-dns", "--dns", "1.1.1.1"), "--no-dns");
	expect_usage(PARSE(&cli, err, "connect", "x", "--key", "k.pem"), "--key needs --cert");
	expect_usage(PARSE(&cli, err, "connect", "x", "--kill-switch", "--route", "10.0.0.0/8"),
		     "--kill-switch is for a full tunnel");
	expect_usage(PARSE(&cli, err, "connect", "x", "--kill-switch", "--no-routes"),
		     "--kill-switch is for a full tunnel");
	expect_usage(PARSE(&cli, err, "connect", "x", "--insecure", "--pin-sha256", "p"), "exclude");
	expect_usage(PARSE(&cli, err, "disconnect", "a", "--all"), "not both");
	expect_usage(PARSE(&cli, err), "no command given");
	expect_usage(PARSE(&cli, err, "launch"), "unknown command 'launch'");
}

static void test_run_and_check(void **state)
{
	(void)state;
	assert_int_equal(PARSE(&cli, err, "run", "work", "--user", "u", "--", "curl", "-v", "--", "x"), 0);
	assert_int_equal(cli.cmd, SSTP_CMD_RUN);
	assert_string_equal(cli.conn.target, "work");
	assert_int_equal(cli.run_argc, 4);
	assert_string_equal(cli.run_argv[0], "curl");
	assert_string_equal(cli.run_argv[1], "-v"); /* options after -- belong to the command */
	assert_null(cli.run_argv[4]);
	expect_usage(PARSE(&cli, err, "run", "work"), "needs a command after '--'");
	expect_usage(PARSE(&cli, err, "run", "work", "--"), "needs a command after '--'");

	assert_int_equal(PARSE(&cli, err, "check", "work", "--probe", "10.0.0.1:443", "--probe",
			       "icmp:10.0.0.2", "--probe", "[fd00::1]:22", "--junit", "r.xml", "--json"), 0);
	assert_int_equal(cli.cmd, SSTP_CMD_CHECK);
	assert_int_equal(cli.conn.n_checks, 3);
	assert_true(cli.conn.checks[1].icmp);
	assert_string_equal(cli.conn.checks[1].host, "10.0.0.2");
	assert_string_equal(cli.conn.checks[2].host, "fd00::1");
	assert_int_equal(cli.conn.checks[2].port, 22);
	assert_string_equal(cli.junit, "r.xml");
	expect_usage(PARSE(&cli, err, "check", "work"), "needs at least one --probe");
}

/* the profile verbs and the hook options */
static void test_profile_verbs(void **state)
{
	(void)state;
	assert_int_equal(PARSE(&cli, err, "list", "--json"), 0);
	assert_int_equal(cli.cmd, SSTP_CMD_LIST);
	assert_true(cli.json);
	assert_int_equal(PARSE(&cli, err, "show", "corp", "--json"), 0);
	assert_int_equal(cli.cmd, SSTP_CMD_SHOW);
	assert_string_equal(cli.name, "corp");
	assert_int_equal(PARSE(&cli, err, "set", "corp", "mtu=1400", "route=", "up=echo a=b"), 0);
	assert_int_equal(cli.cmd, SSTP_CMD_SET);
	assert_int_equal(cli.n_assign, 3);
	assert_string_equal(cli.assign[2], "up=echo a=b");
	assert_int_equal(PARSE(&cli, err, "edit", "corp"), 0);
	assert_int_equal(cli.cmd, SSTP_CMD_EDIT);
	assert_int_equal(PARSE(&cli, err, "remove", "corp"), 0);
	assert_int_equal(cli.cmd, SSTP_CMD_REMOVE);
	expect_usage(PARSE(&cli, err, "set", "corp"), "needs at least one KEY=VALUE");
	expect_usage(PARSE(&cli, err, "set", "corp", "mtu"), "'mtu' is not KEY=VALUE");
	expect_usage(PARSE(&cli, err, "set", "corp", "=1"), "'=1' is not KEY=VALUE");
	expect_usage(PARSE(&cli, err, "show"), "needs a profile NAME");
	expect_usage(PARSE(&cli, err, "remove", "a", "b"), "unexpected argument 'b'");
	expect_usage(PARSE(&cli, err, "edit", "a", "--json"), "does not apply");
	assert_int_equal(PARSE(&cli, err, "connect", "corp", "-s", "/usr/share/vpnc-scripts/vpnc-script",
			       "--up", "logger up", "--down", "logger down"), 0);
	assert_string_equal(cli.conn.script, "/usr/share/vpnc-scripts/vpnc-script");
	assert_string_equal(cli.conn.up, "logger up");
	assert_string_equal(cli.conn.down, "logger down");
	expect_usage(PARSE(&cli, err, "connect", "corp", "--script="), "--script needs a program path");
	expect_usage(PARSE(&cli, err, "connect", "corp", "--mtu", "4088"), "between 576 and 4087");
	expect_usage(PARSE(&cli, err, "connect", "corp", "-i", "a b"), "--interface needs");
}

static void test_other_commands(void **state)
{
	(void)state;
	assert_int_equal(PARSE(&cli, err, "status", "work", "--json", "--state-dir", "/tmp/s"), 0);
	assert_int_equal(cli.cmd, SSTP_CMD_STATUS);
	assert_string_equal(cli.name, "work");
	assert_string_equal(cli.state_dir, "/tmp/s");
	assert_int_equal(PARSE(&cli, err, "disconnect", "--all"), 0);
	assert_true(cli.all);
	assert_int_equal(PARSE(&cli, err, "disconnect"), 0);
	assert_null(cli.name);
	assert_int_equal(PARSE(&cli, err, "import", "pkg.zip", "--name", "azure", "--cert", "c.p12", "-f"), 0);
	assert_int_equal(cli.cmd, SSTP_CMD_IMPORT);
	assert_string_equal(cli.import_name, "azure");
	assert_true(cli.force);
	assert_int_equal(PARSE(&cli, err, "import", "pkg.zip", "--dns-domain", "corp.example",
			       "--dns-domain", "vnet.example", "--backup-dir", "/tmp/b"), 0);
	assert_int_equal(cli.conn.n_dns_domains, 2);
	assert_string_equal(cli.conn.dns_domains[1], "vnet.example");
	assert_string_equal(cli.backup_dir, "/tmp/b");
	expect_usage(PARSE(&cli, err, "import", "pkg.zip", "--dns-domain", "a..b"), "--dns-domain");
	expect_usage(PARSE(&cli, err, "status", "--backup-dir", "rel"), "--backup-dir needs an absolute");
	expect_usage(PARSE(&cli, err, "import"), "needs a PACKAGE.zip or URL");
	assert_int_equal(PARSE(&cli, err, "package", "show", "https://x/p.zip?sig=1", "--json"), 0);
	assert_int_equal(cli.cmd, SSTP_CMD_PACKAGE_SHOW);
	assert_string_equal(cli.source, "https://x/p.zip?sig=1");
	expect_usage(PARSE(&cli, err, "package", "list"), "only 'package show'");
	expect_usage(PARSE(&cli, err, "package", "show"), "needs a PACKAGE");
	assert_int_equal(PARSE(&cli, err, "cert", "root", "--cn", "P2SRoot", "--out", "/tmp/r"), 0);
	assert_int_equal(cli.cert_cmd, SSTP_CERT_ROOT);
	expect_usage(PARSE(&cli, err, "cert", "client", "--root", "/r", "--cn", "c", "--out", "c.p12"),
		     "password");
	assert_int_equal(PARSE(&cli, err, "cert", "client", "--root", "/r", "--cn", "c", "--out", "c.p12",
			       "--password-stdin", "--days", "365", "--bits", "3072"), 0);
	assert_int_equal(cli.days, 365);
	assert_int_equal(cli.bits, 3072);
	assert_int_equal(PARSE(&cli, err, "cert", "thumbprint", "c.pem"), 0);
	assert_string_equal(cli.source, "c.pem");
	expect_usage(PARSE(&cli, err, "cert", "sign"), "unknown command 'cert sign'");
	assert_int_equal(PARSE(&cli, err, "cleanup"), 0);
	assert_int_equal(cli.cmd, SSTP_CMD_CLEANUP);
	assert_int_equal(PARSE(&cli, err, "--help"), 0);
	assert_int_equal(cli.cmd, SSTP_CMD_HELP);
	assert_int_equal(PARSE(&cli, err, "connect", "--help"), 0);
	assert_int_equal(cli.help_for, SSTP_CMD_CONNECT);
	assert_int_equal(PARSE(&cli, err, "help", "check"), 0);
	assert_int_equal(cli.help_for, SSTP_CMD_CHECK);
	assert_int_equal(PARSE(&cli, err, "--version"), 0);
	assert_int_equal(cli.cmd, SSTP_CMD_VERSION);
}

static void test_server_syntax(void **state)
{
	char host[SSTP_HOST_MAX];
	uint16_t port;

	(void)state;
	assert_int_equal(sstp_parse_server("vpn.example.com", host, sizeof(host), &port), 0);
	assert_string_equal(host, "vpn.example.com");
	assert_int_equal(port, 443);
	assert_int_equal(sstp_parse_server("10.0.0.1:8443", host, sizeof(host), &port), 0);
	assert_string_equal(host, "10.0.0.1");
	assert_int_equal(port, 8443);
	assert_int_equal(sstp_parse_server("[2001:db8::1]:444", host, sizeof(host), &port), 0);
	assert_string_equal(host, "2001:db8::1");
	assert_int_equal(port, 444);
	assert_int_equal(sstp_parse_server("2001:db8::1", host, sizeof(host), &port), 0);
	assert_int_equal(port, 443);
	assert_int_equal(sstp_parse_server("[2001:db8::1]", host, sizeof(host), &port), 0);
	assert_int_equal(sstp_parse_server("host:0", host, sizeof(host), &port), -1);
	assert_int_equal(sstp_parse_server("host:65536", host, sizeof(host), &port), -1);
	assert_int_equal(sstp_parse_server("host:", host, sizeof(host), &port), -1);
	assert_int_equal(sstp_parse_server(":443", host, sizeof(host), &port), -1);
	assert_int_equal(sstp_parse_server("", host, sizeof(host), &port), -1);
	assert_int_equal(sstp_parse_server("user@host", host, sizeof(host), &port), -1);
	assert_int_equal(sstp_parse_server("https://host/", host, sizeof(host), &port), -1);
	assert_int_equal(sstp_parse_server("[host]:1", host, sizeof(host), &port), -1);
	assert_int_equal(sstp_parse_server("[::1", host, sizeof(host), &port), -1);
	assert_int_equal(sstp_parse_server("a\nb", host, sizeof(host), &port), -1);
	assert_int_equal(sstp_parse_server("vpn.example.com", host, 4, &port), -1); /* does not fit */
}

static void test_auth_and_names(void **state)
{
	unsigned a = 0;
	char name[72];

	(void)state;
	assert_int_equal(sstp_parse_auth("mschapv2,eap-tls", &a), 0);
	assert_int_equal(a, PPP_AUTH_MSCHAPV2 | PPP_AUTH_EAP_TLS);
	assert_int_equal(sstp_parse_auth("PAP", &a), 0);
	assert_int_equal(a, PPP_AUTH_PAP);
	assert_int_equal(sstp_parse_auth("eap-mschapv2, pap", &a), 0);
	assert_int_equal(a, PPP_AUTH_EAP_MSCHAPV2 | PPP_AUTH_PAP);
	assert_int_equal(sstp_parse_auth("peap,eap-tls", &a), 0);
	assert_int_equal(a, PPP_AUTH_PEAP | PPP_AUTH_EAP_TLS);
	assert_int_equal(sstp_parse_auth("chap", &a), -1);
	assert_int_equal(sstp_parse_auth("", &a), -1);
	assert_int_equal(sstp_parse_auth(",", &a), -1);
	sstp_session_name_from("vpn.example.com", name, sizeof(name));
	assert_string_equal(name, "vpn.example.com");
	sstp_session_name_from("user@hub/x y", name, sizeof(name));
	assert_string_equal(name, "user_hub_x_y");
	sstp_session_name_from(".hidden", name, sizeof(name));
	assert_string_equal(name, "sstp");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_full),   cmocka_unit_test(test_connect_defaults),
		cmocka_unit_test(test_secrets_refused), cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_conflicts),      cmocka_unit_test(test_run_and_check),
		cmocka_unit_test(test_other_commands), cmocka_unit_test(test_server_syntax),
		cmocka_unit_test(test_auth_and_names), cmocka_unit_test(test_profile_verbs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
