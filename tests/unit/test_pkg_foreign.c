/* test_pkg_foreign.c - Windows phonebook entries (rasphone.pbk, UTF-8 and UTF-16 as Windows
 * writes them) and NetworkManager-sstp keyfiles as profiles: the fields that carry over, the
 * entry picked, secrets never copied, and malformed input refused with a sentence (exit 9). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sstp_err.h"
#include "pkg.h"
#include "pkg_ini.h"

static const char pbk[] =
	"[Home L2TP]\r\nVpnStrategy=3\r\nDEVICE=vpn\r\nPhoneNumber=l2tp.example.net\r\n\r\n"
	"[Corp VPN]\r\nEncoding=1\r\nType=2\r\nVpnStrategy=5\r\nExcludedProtocols=8\r\n"
	"CustomAuthKey=13\r\nIpPrioritizeRemote=1\r\nIpDnsAddress=10.1.0.53\r\n"
	"IpDns2Address=0.0.0.0\r\nIpDnsSuffix=corp.example\r\n\r\nMEDIA=rastapi\r\n"
	"Port=VPN2-0\r\nDevice=WAN Miniport (SSTP)\r\n\r\nDEVICE=vpn\r\n"
	"PhoneNumber=vpn.corp.example:8443\r\nAreaCode=\r\n";

static const char nm[] =
	"[connection]\nid=Office (SSTP)\ntype=vpn\n\n[vpn]\ngateway=gw.example.org\n"
	"user=bob\nca-cert=/etc/ssl/corp.pem\nrefuse-eap=yes\nrefuse-pap=yes\n"
	"proxy-server=proxy.example\nproxy-port=3128\nmtu=1350\n"
	"service-type=org.freedesktop.NetworkManager.sstp\n\n[vpn-secrets]\npassword=s3cret\n\n"
	"[ipv4]\ndns=10.9.0.1;10.9.0.2;\ndns-search=office.example;\nmethod=auto\n"
	"never-default=true\nroute1=10.9.0.0/16\nroute2=192.168.50.0/24,10.9.0.1,100\n\n"
	"[ipv6]\nmethod=ignore\n";

static void test_pbk(void **state)
{
	struct sstp_profile p;
	char err[300], a[SSTP_CIDR_STRLEN];
	(void)state;
	assert_int_equal(sstp_profile_from_pbk(pbk, strlen(pbk), NULL, &p, err, sizeof(err)), 0);
	assert_string_equal(p.name, "Corp-VPN"); /* the SSTP entry, not the first one */
	assert_string_equal(p.server, "vpn.corp.example");
	assert_int_equal(p.port, 8443);
	assert_string_equal(p.auth, "eap-tls");
	assert_true(p.full_tunnel);
	assert_true(p.no_ipv6);
	assert_int_equal(p.n_dns, 1); /* 0.0.0.0 is "none" */
	sstp_ip_format(&p.dns[0], a, sizeof(a));
	assert_string_equal(a, "10.1.0.53");
	assert_string_equal(p.dns_domains.v[0], "corp.example");
	sstp_profile_free(&p);
	/* an entry by name */
	assert_int_equal(sstp_profile_from_pbk(pbk, strlen(pbk), "home l2tp", &p, err, sizeof(err)),
			 0);
	assert_string_equal(p.server, "l2tp.example.net");
	sstp_profile_free(&p);
	/* UTF-16LE with a byte order mark, as Windows writes it */
	size_t n = strlen(pbk), len = 2 + 2 * n;
	unsigned char *w = calloc(1, len);
	w[0] = 0xff;
	w[1] = 0xfe;
	for (size_t i = 0; i < n; i++)
		w[2 + 2 * i] = (unsigned char)pbk[i];
	sstp_text_from_utf16le(w, &len);
	assert_int_equal(sstp_profile_from_pbk((char *)w, len, NULL, &p, err, sizeof(err)), 0);
	assert_string_equal(p.server, "vpn.corp.example");
	sstp_profile_free(&p);
	free(w);
}

static void test_nm(void **state)
{
	struct sstp_profile p;
	char err[300];
	(void)state;
	assert_int_equal(sstp_profile_from_nmconnection(nm, strlen(nm), &p, err, sizeof(err)), 0);
	assert_string_equal(p.name, "Office-SSTP");
	assert_string_equal(p.server, "gw.example.org");
	assert_string_equal(p.user, "bob");
	assert_string_equal(p.ca.v[0], "/etc/ssl/corp.pem");
	assert_string_equal(p.auth, "mschapv2");
	assert_string_equal(p.proxy, "http://proxy.example:3128");
	assert_int_equal(p.mtu, 1350);
	assert_int_equal(p.n_routes, 2);
	assert_int_equal(p.n_dns, 2);
	assert_string_equal(p.dns_domains.v[0], "office.example");
	assert_false(p.full_tunnel);
	assert_true(p.no_ipv6);
	char *text = NULL;
	size_t tl = 0;
	assert_int_equal(sstp_profile_format(&p, &text, &tl), 0);
	assert_null(strstr(text, "s3cret")); /* [vpn-secrets] never carried over */
	assert_int_equal(sstp_profile_validate_text(text, tl, NULL, err, sizeof(err)), 0);
	free(text);
	sstp_profile_free(&p);
}

static void expect_pbk(const char *t, const char *entry, const char *needle)
{
	struct sstp_profile p;
	char err[300] = "";
	int rc = sstp_profile_from_pbk(t, strlen(t), entry, &p, err, sizeof(err));
	sstp_profile_free(&p);
	if (rc != SSTP_ERR_PROFILE)
		fail_msg("accepted: %s", t);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not contain '%s'", err, needle);
}

static void expect_nm(const char *t, const char *needle)
{
	struct sstp_profile p;
	char err[300] = "";
	int rc = sstp_profile_from_nmconnection(t, strlen(t), &p, err, sizeof(err));
	sstp_profile_free(&p);
	if (rc != SSTP_ERR_PROFILE)
		fail_msg("accepted: %s", t);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not contain '%s'", err, needle);
}

static void test_malformed(void **state)
{
	(void)state;
	expect_pbk("", NULL, "no entry");
	expect_pbk("garbage without sections\n", NULL, "no entry");
	expect_pbk("[A]\nVpnStrategy=5\n", NULL, "no PhoneNumber");
	expect_pbk("[A]\nPhoneNumber=\n", NULL, "no PhoneNumber");
	expect_pbk("[A]\nPhoneNumber=bad host/x\n", NULL, "not a host name");
	expect_pbk("[A]\nPhoneNumber=h:99999\n", NULL, "bad port");
	expect_pbk("[A]\nPhoneNumber=h\n", "B", "no entry named 'B'");
	expect_pbk("[A]\nPhoneNumber=h\nIpDnsAddress=10.0.0.999\n", NULL, "not a DNS server");
	char *long_line = malloc(SSTP_INI_MAX_LINE + 64);
	snprintf(long_line, SSTP_INI_MAX_LINE + 64, "[A]\nPhoneNumber=%0*d\n",
		 (int)SSTP_INI_MAX_LINE, 1);
	expect_pbk(long_line, NULL, "");
	free(long_line);
	expect_nm("[vpn]\ngateway=x\n", "not a NetworkManager-sstp connection");
	expect_nm("[vpn]\nservice-type=org.freedesktop.NetworkManager.openvpn\ngateway=x\n",
		  "not a NetworkManager-sstp");
	expect_nm("[vpn]\nservice-type=org.freedesktop.NetworkManager.sstp\n", "no [vpn] gateway");
	expect_nm("[vpn]\nservice-type=org.freedesktop.NetworkManager.sstp\ngateway=a b\n",
		  "not a host name");
	expect_nm("[vpn]\nservice-type=org.freedesktop.NetworkManager.sstp\ngateway=g\n"
		  "[ipv4]\nroute1=10.0.0.0/33\n", "not a route prefix");
	expect_nm("[vpn]\nservice-type=org.freedesktop.NetworkManager.sstp\ngateway=g\n"
		  "refuse-eap=yes\nrefuse-pap=yes\nrefuse-mschapv2=yes\n", "every authentication");
	expect_nm("[vpn]\nservice-type=org.freedesktop.NetworkManager.sstp\ngateway=g\n"
		  "proxy-server=u@p\n", "bad proxy-server");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pbk),
		cmocka_unit_test(test_nm),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
