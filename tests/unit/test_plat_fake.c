/* test_plat_fake.c - cmocka tests of the fake plat_net backend the session's unit tests rely on:
 * the call log, undo newest first, failure injection, the TUN socketpair, resolve/route_get
 * tables, and that it goes through the same plat_net_* wrappers (and checks) as the real one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "plat_net_fake.h"

static struct plat_ip ip(const char *s)
{
	struct plat_ip r;

	assert_int_equal(plat_ip_parse(s, &r), 0);
	return r;
}

static struct plat_prefix pfx(const char *s)
{
	struct plat_prefix r;

	assert_int_equal(plat_prefix_parse(s, false, &r), 0);
	return r;
}

static void test_apply_and_undo(void **state)
{
	struct plat_net *n;
	struct plat_ip local = ip("10.0.0.2"), peer = ip("10.0.0.1"), gw = ip("203.0.113.5");
	struct plat_ip dns[2] = {ip("10.1.0.4"), ip("10.1.0.5")};
	const char *domains[] = {"corp.example"};
	struct plat_dns_config dc = {.servers = dns, .n_servers = 2, .domains = domains, .n_domains = 1};
	struct plat_prefix r = pfx("10.1.0.0/16");
	enum plat_dns_backend used;

	(void)state;
	assert_int_equal(plat_net_fake_open(NULL, &n), 0);
	assert_int_equal(plat_net_tun_fd(n), -1);
	assert_int_equal(plat_net_tun_create(n, NULL), 0);
	assert_true(plat_net_tun_fd(n) >= 0);
	assert_string_equal(plat_net_tun_name(n), "sstp0");
	assert_int_equal(plat_net_set_mtu(n, 1400), 0);
	assert_int_equal(plat_net_set_mtu(n, 20), -EINVAL); /* wrapper check, not logged */
	assert_int_equal(plat_net_set_up(n), 0);
	assert_int_equal(plat_net_addr_add(n, &local, &peer, 32), 0);
	assert_int_equal(plat_net_pin_gateway(n, &gw), 0);
	assert_int_equal(plat_net_route_add(n, &r), 0);
	assert_int_equal(plat_net_dns_apply(n, &dc, &used), 0);
	assert_int_equal(used, PLAT_DNS_RESOLVED);
	assert_int_equal(plat_net_dns_backend(n), PLAT_DNS_RESOLVED);
	assert_int_equal(plat_net_fake_applied(n), 5);
	assert_string_equal(plat_net_fake_log(n),
			    "tun_create sstp0\n"
			    "set_mtu 1400\n"
			    "set_up\n"
			    "addr_add 10.0.0.2 peer 10.0.0.1/32\n"
			    "pin_gateway 203.0.113.5\n"
			    "route_add 10.1.0.0/16\n"
			    "dns_apply systemd-resolved servers=10.1.0.4,10.1.0.5 domains=corp.example split\n");
	plat_net_fake_clear_log(n);
	assert_int_equal(plat_net_undo_all(n), 0);
	assert_string_equal(plat_net_fake_log(n), "undo_all\n"
						  "undo dns\n"
						  "undo route 10.1.0.0/16\n"
						  "undo pin 203.0.113.5\n"
						  "undo addr 10.0.0.2\n"
						  "undo tun sstp0\n");
	assert_int_equal(plat_net_fake_applied(n), 0);
	assert_int_equal(plat_net_tun_fd(n), -1);
	assert_int_equal(plat_net_dns_backend(n), PLAT_DNS_NONE);
	plat_net_close(n);
}

static void test_fail_injection(void **state)
{
	struct plat_net *n;
	struct plat_prefix a = pfx("10.1.0.0/16"), b = pfx("10.2.0.0/16");

	(void)state;
	assert_int_equal(plat_net_fake_open(NULL, &n), 0);
	assert_int_equal(plat_net_tun_create(n, "vpn7"), 0);
	plat_net_fake_fail(n, "route_add", 1, -EEXIST);
	assert_int_equal(plat_net_route_add(n, &a), 0);
	assert_int_equal(plat_net_route_add(n, &b), -EEXIST);
	assert_non_null(strstr(plat_net_error(n), "injected"));
	assert_true(plat_net_fake_logged(n, "route_add 10.2.0.0/16 -> -17"));
	assert_true(plat_net_fake_logged(n, "tun_create vpn7"));
	assert_false(plat_net_fake_logged(n, "route_add 10.2.0.0"));
	assert_int_equal(plat_net_route_add(n, &b), 0); /* one-shot */
	assert_int_equal(plat_net_fake_applied(n), 3);
	plat_net_close(n); /* undoes what is left */
}

static void test_tun_socketpair(void **state)
{
	struct plat_net *n;
	uint8_t b1[64], b2[64], big[8];
	struct plat_pkt pk[3] = {{b1, sizeof(b1), 0}, {b2, sizeof(b2), 0}, {big, sizeof(big), 0}};
	uint8_t rx[64];
	int peer;

	(void)state;
	assert_int_equal(plat_net_fake_open(NULL, &n), 0);
	assert_int_equal(plat_net_tun_read_batch(n, pk, 3), -EBADF);
	assert_int_equal(plat_net_tun_create(n, NULL), 0);
	peer = plat_net_fake_peer_fd(n);
	assert_true(peer >= 0);
	assert_int_equal(plat_net_tun_read_batch(n, pk, 3), 0); /* nothing pending */
	assert_int_equal(write(peer, "\x45hello", 6), 6);
	assert_int_equal(write(peer, "\x45world!", 7), 7);
	assert_int_equal(plat_net_tun_read_batch(n, pk, 3), 2);
	assert_int_equal(pk[0].len, 6);
	assert_int_equal(pk[1].len, 7);
	assert_memory_equal(b2, "\x45world!", 7);
	/* a packet longer than the buffer is dropped */
	assert_int_equal(write(peer, "0123456789012345", 16), 16);
	assert_int_equal(plat_net_tun_read_batch(n, &pk[2], 1), 0);
	assert_int_equal(plat_net_tun_write(n, (const uint8_t *)"\x60xyz", 4), 0);
	assert_int_equal(read(peer, rx, sizeof(rx)), 4);
	assert_true(plat_net_fake_logged(n, "tun_write 4"));
	plat_net_close(n);
}

static void test_resolve_and_routes(void **state)
{
	struct plat_net *n;
	struct plat_ip out[4], a = ip("198.51.100.7"), b = ip("2001:db8::7");
	struct plat_route_info def = {.dst = pfx("0.0.0.0/0"), .gateway = ip("192.0.2.1"),
				      .ifname = "eth0"};
	struct plat_route_info lan = {.dst = pfx("192.0.2.0/24"), .ifname = "eth0"};
	struct plat_route_info got, list[4];
	struct plat_ip q = ip("192.0.2.9");
	size_t total;

	(void)state;
	assert_int_equal(plat_net_fake_open(NULL, &n), 0);
	assert_int_equal(plat_net_fake_add_host(n, "vpn.example", &a), 0);
	assert_int_equal(plat_net_fake_add_host(n, "vpn.example", &b), 0);
	assert_int_equal(plat_net_resolve(n, "vpn.example", out, 4), 2);
	assert_true(plat_ip_equal(&out[1], &b));
	assert_int_equal(plat_net_resolve(n, "vpn.example", out, 1), 1);
	assert_int_equal(plat_net_resolve(n, "203.0.113.1", out, 4), 1);
	assert_int_equal(plat_net_resolve(n, "nope.example", out, 4), -ENOENT);
	assert_int_equal(plat_net_resolve(n, "", out, 4), -EINVAL);
	assert_int_equal(plat_net_route_get(n, &q, &got), -ENETUNREACH);
	assert_int_equal(plat_net_fake_add_route(n, &def), 0);
	assert_int_equal(plat_net_fake_add_route(n, &lan), 0);
	assert_int_equal(plat_net_route_get(n, &q, &got), 0);
	assert_int_equal(got.dst.len, 24); /* longest prefix wins */
	assert_int_equal(plat_net_route_get(n, &a, &got), 0);
	assert_int_equal(got.dst.len, 0);
	assert_int_equal(plat_net_list_routes(n, list, 1, &total), 1);
	assert_int_equal(total, 2);
	assert_int_equal(plat_net_list_addrs(n, NULL, 0, &total), 0);
	assert_int_equal(total, 0);
	plat_net_close(n);
}

static void test_dns_forced_and_checks(void **state)
{
	struct plat_net *n;
	struct plat_ip s = ip("10.1.0.4");
	struct plat_dns_config dc = {.servers = &s, .n_servers = 1, .full_tunnel = true,
				     .force = PLAT_DNS_RESOLV_CONF};
	enum plat_dns_backend used = PLAT_DNS_RESOLVED;

	(void)state;
	assert_int_equal(plat_net_fake_open(NULL, &n), 0);
	assert_int_equal(plat_net_dns_apply(n, &dc, &used), 0);
	assert_int_equal(used, PLAT_DNS_RESOLV_CONF);
	assert_true(plat_net_fake_logged(n, "dns_apply resolv.conf servers=10.1.0.4 domains= full"));
	dc.n_servers = 0; /* wrapper refuses, backend not called */
	assert_int_equal(plat_net_dns_apply(n, &dc, &used), -EINVAL);
	assert_int_equal(used, PLAT_DNS_NONE);
	plat_net_fake_set_dns_backend(n, PLAT_DNS_RESOLVCONF);
	dc.n_servers = 1;
	dc.force = PLAT_DNS_NONE;
	assert_int_equal(plat_net_dns_apply(n, &dc, &used), 0);
	assert_int_equal(used, PLAT_DNS_RESOLVCONF);
	plat_net_close(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_and_undo),     cmocka_unit_test(test_fail_injection),
		cmocka_unit_test(test_tun_socketpair),     cmocka_unit_test(test_resolve_and_routes),
		cmocka_unit_test(test_dns_forced_and_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
