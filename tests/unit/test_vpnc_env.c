/* test_vpnc_env.c - the vpnc-script environment: the variables a split tunnel produces (address,
 * netmask, gateway, DNS, domains, CISCO_SPLIT_INC with _ADDR/_MASK/_MASKLEN), IPv6 routes, full
 * tunnel (no split list), --no-routes (an empty one), and IPv6 only when routed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vpnc_env.h"

static const char *get(char **env, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; env[i]; i++)
		if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
			return env[i] + n + 1;
	return NULL;
}

static struct plat_ip ip(const char *s)
{
	struct plat_ip a;
	assert_int_equal(plat_ip_parse(s, &a), 0);
	return a;
}

static struct plat_prefix pfx(const char *s)
{
	struct plat_prefix p;
	assert_int_equal(plat_prefix_parse(s, false, &p), 0);
	return p;
}

static void test_split(void **state)
{
	struct plat_ip gw = ip("10.231.0.1"), a = ip("10.232.0.10"), peer = ip("10.232.0.254");
	struct plat_ip dns[3] = {ip("10.0.0.53"), ip("fd00::53"), ip("10.0.0.54")};
	struct plat_prefix r[3] = {pfx("10.232.0.0/24"), pfx("172.16.0.0/12"), pfx("fd00:1::/48")};
	const char *dom[2] = {"corp.example", "lab.example"};
	struct plat_ip v6 = ip("fe80::1");
	struct sstp_vpnc_info in = {
		.reason = "connect", .tundev = "sstp0", .gateway = &gw, .pid = 4242, .ip4 = &a,
		.ip4_peer = &peer, .mtu = 1400, .dns = dns, .n_dns = 3, .domains = dom,
		.n_domains = 2, .routes = r, .n_routes = 3, .ip6 = &v6, .ip6_prefix = 64,
	};
	(void)state;
	char **env = sstp_vpnc_env(&in);
	assert_non_null(env);
	assert_string_equal(get(env, "reason"), "connect");
	assert_string_equal(get(env, "TUNDEV"), "sstp0");
	assert_string_equal(get(env, "VPNGATEWAY"), "10.231.0.1");
	assert_string_equal(get(env, "VPNPID"), "4242");
	assert_string_equal(get(env, "INTERNAL_IP4_ADDRESS"), "10.232.0.10");
	assert_string_equal(get(env, "INTERNAL_IP4_NETMASK"), "255.255.255.255");
	assert_string_equal(get(env, "INTERNAL_IP4_MTU"), "1400");
	assert_string_equal(get(env, "INTERNAL_IP4_DNS"), "10.0.0.53 10.0.0.54");
	assert_string_equal(get(env, "INTERNAL_IP6_DNS"), "fd00::53");
	assert_string_equal(get(env, "CISCO_DEF_DOMAIN"), "corp.example lab.example");
	assert_string_equal(get(env, "CISCO_SPLIT_INC"), "2");
	assert_string_equal(get(env, "CISCO_SPLIT_INC_0_ADDR"), "10.232.0.0");
	assert_string_equal(get(env, "CISCO_SPLIT_INC_0_MASK"), "255.255.255.0");
	assert_string_equal(get(env, "CISCO_SPLIT_INC_0_MASKLEN"), "24");
	assert_string_equal(get(env, "CISCO_SPLIT_INC_1_ADDR"), "172.16.0.0");
	assert_string_equal(get(env, "CISCO_SPLIT_INC_1_MASK"), "255.240.0.0");
	assert_string_equal(get(env, "CISCO_SPLIT_INC_1_MASKLEN"), "12");
	assert_string_equal(get(env, "CISCO_IPV6_SPLIT_INC"), "1");
	assert_string_equal(get(env, "CISCO_IPV6_SPLIT_INC_0_ADDR"), "fd00:1::");
	assert_string_equal(get(env, "CISCO_IPV6_SPLIT_INC_0_MASKLEN"), "48");
	assert_string_equal(get(env, "INTERNAL_IP6_ADDRESS"), "fe80::1");
	assert_string_equal(get(env, "INTERNAL_IP6_NETMASK"), "fe80::1/64");
	assert_null(get(env, "CISCO_BANNER"));
	sstp_vpnc_env_free(env);
}

static void test_full_and_none(void **state)
{
	struct plat_prefix r[1] = {pfx("10.0.0.0/8")};
	struct plat_ip v6 = ip("fe80::2");
	struct sstp_vpnc_info in = {.reason = "pre-init", .tundev = "", .routes = r, .n_routes = 1,
				    .full_tunnel = true};
	(void)state;
	char **env = sstp_vpnc_env(&in);
	assert_non_null(env);
	/* full tunnel: no split list, so the script makes the default route */
	assert_null(get(env, "CISCO_SPLIT_INC"));
	assert_null(get(env, "VPNGATEWAY"));
	assert_null(get(env, "INTERNAL_IP4_ADDRESS"));
	assert_string_equal(get(env, "TUNDEV"), "");
	sstp_vpnc_env_free(env);
	/* no routes: an empty split list, so the script adds no route at all; no IPv6 either */
	in.full_tunnel = false;
	in.no_routes = true;
	in.ip6 = &v6;
	in.ip6_prefix = 64;
	env = sstp_vpnc_env(&in);
	assert_string_equal(get(env, "CISCO_SPLIT_INC"), "0");
	assert_null(get(env, "INTERNAL_IP6_ADDRESS"));
	sstp_vpnc_env_free(env);
	/* IPv4 split routes only: the link-local IPv6 address is not handed over */
	in.no_routes = false;
	env = sstp_vpnc_env(&in);
	assert_string_equal(get(env, "CISCO_SPLIT_INC"), "1");
	assert_null(get(env, "INTERNAL_IP6_ADDRESS"));
	sstp_vpnc_env_free(env);
	in.banner = "hello";
	env = sstp_vpnc_env(&in);
	assert_string_equal(get(env, "CISCO_BANNER"), "hello");
	sstp_vpnc_env_free(env);
}

static void test_limit(void **state)
{
	struct plat_prefix *r = calloc(SSTP_VPNC_ENV_MAX, sizeof(*r));
	struct sstp_vpnc_info in = {.reason = "connect", .tundev = "t", .routes = r,
				    .n_routes = SSTP_VPNC_ENV_MAX / 2};
	(void)state;
	for (size_t i = 0; i < in.n_routes; i++)
		r[i] = pfx("10.0.0.0/8");
	assert_null(sstp_vpnc_env(&in)); /* too many variables: refused, nothing leaked */
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_full_and_none),
		cmocka_unit_test(test_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
