/* test_netb_exec.c - the privileged side of the net broker (client/session/netb_exec.c) on the fake
 * plat_net: what the policy allows goes through, every hostile request (second TUN, a LAN or
 * loopback or multicast or gateway address, a route the profile does not list, the full tunnel
 * when not allowed, a pin to another host, DNS to loopback or for all names) is refused with
 * -EPERM and a sentence and changes nothing; malformed messages end the session; and the whole
 * chain over a real socketpair: the broker plat_net backend (platform/linux/netb.c) receives the
 * TUN descriptor, its refused requests fail with the executor's sentence, and hanging up undoes
 * everything. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"
#include "netb_exec.h"
#include "plat_net_fake.h"
#include "plat_netb.h"

static struct plat_ip gws[1];
static struct plat_prefix allowed[2];
static struct netb_policy pol;
static struct plat_net *net;
static struct netb_exec x;

static void ip4(struct plat_ip *ip, int a, int b, int c, int d)
{
	memset(ip, 0, sizeof(*ip));
	ip->family = PLAT_AF_INET;
	ip->addr[0] = (uint8_t)a, ip->addr[1] = (uint8_t)b;
	ip->addr[2] = (uint8_t)c, ip->addr[3] = (uint8_t)d;
}

static void ll6(struct plat_ip *ip, int last)
{
	memset(ip, 0, sizeof(*ip));
	ip->family = PLAT_AF_INET6;
	ip->addr[0] = 0xfe;
	ip->addr[1] = 0x80;
	ip->addr[15] = (uint8_t)last;
}

static int setup(void **state)
{
	struct plat_addr_info eth;

	(void)state;
	sstp_log_set_level(SSTP_LOG_ERROR);
	ip4(&gws[0], 203, 0, 113, 7);
	ip4(&allowed[0].ip, 10, 1, 0, 0);
	allowed[0].len = 16;
	ip4(&allowed[1].ip, 192, 168, 50, 0);
	allowed[1].len = 24;
	memset(&pol, 0, sizeof(pol));
	pol.gateways = gws;
	pol.n_gateways = 1;
	pol.routes = allowed;
	pol.n_routes = 2;
	pol.dns = true;
	assert_int_equal(plat_net_fake_open(NULL, &net), 0);
	memset(&eth, 0, sizeof(eth));
	ip4(&eth.local.ip, 192, 168, 1, 20);
	eth.local.len = 24;
	snprintf(eth.ifname, sizeof(eth.ifname), "%s", "eth0");
	assert_int_equal(plat_net_fake_add_addr(net, &eth), 0);
	netb_exec_init(&x, net, &pol);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	plat_net_close(net);
	net = NULL;
	return 0;
}

/* One request through the executor; the reply's result (its error text in err). */
static int ask(struct netb_req *q, char *err, int *fd)
{
	uint8_t req[NETB_MSG_MAX], rep[NETB_MSG_MAX];
	struct netb_rep p;
	char why[200] = "";
	int n, fdp = -1;

	n = netb_req_encode(q, req, sizeof(req));
	assert_true(n > 0);
	n = netb_exec_handle(&x, req, (size_t)n, rep, sizeof(rep), &fdp, why, sizeof(why));
	assert_true(n > 0);
	assert_int_equal(netb_rep_decode(rep, (size_t)n, &p, why, sizeof(why)), 0);
	assert_int_equal(p.op, q->op);
	if (err)
		snprintf(err, PLAT_NET_ERR_MAX, "%s", p.err);
	if (fd)
		*fd = fdp;
	else if (p.op != NETB_TUN_CREATE)
		assert_int_equal(fdp, -1);
	return p.result;
}

static int tun(void)
{
	struct netb_req q = { .op = NETB_TUN_CREATE };

	return ask(&q, NULL, NULL);
}

static int addr(const struct plat_ip *l, const struct plat_ip *p, unsigned plen, char *err)
{
	struct netb_req q = { .op = NETB_ADDR_ADD, .ip = *l, .plen = (uint8_t)plen };

	if (p) {
		q.has_peer = true;
		q.peer = *p;
	}
	return ask(&q, err, NULL);
}

static int route(int a, int b, int c, int d, unsigned len, char *err)
{
	struct netb_req q = { .op = NETB_ROUTE_ADD, .metric = 0 };

	ip4(&q.dst.ip, a, b, c, d);
	q.dst.len = (uint8_t)len;
	return ask(&q, err, NULL);
}

static void needs_tun_first(void **state)
{
	char err[PLAT_NET_ERR_MAX];
	struct netb_req mtu = { .op = NETB_SET_MTU, .mtu = 1400 };

	(void)state;
	assert_int_equal(route(10, 1, 0, 0, 16, err), -EPERM);
	assert_non_null(strstr(err, "before the TUN exists"));
	assert_int_equal(ask(&mtu, err, NULL), -EPERM);
	assert_int_equal(plat_net_fake_applied(net), 0);
}

static void tun_once_with_fd(void **state)
{
	struct netb_req q = { .op = NETB_TUN_CREATE };
	char err[PLAT_NET_ERR_MAX];
	int fd = -1;

	(void)state;
	snprintf(q.name, sizeof(q.name), "%s", "evil0");
	assert_int_equal(ask(&q, err, &fd), -EPERM); /* the profile names none */
	assert_non_null(strstr(err, "TUN name"));
	q.name[0] = '\0';
	assert_int_equal(ask(&q, err, &fd), 0);
	assert_true(fd >= 0 && fd == plat_net_tun_fd(net));
	assert_int_equal(ask(&q, err, &fd), -EPERM);
	assert_non_null(strstr(err, "second TUN"));
	assert_int_equal(fd, -1);
}

static void addresses(void **state)
{
	struct plat_ip l, p, l6, p6;
	char err[PLAT_NET_ERR_MAX];

	(void)state;
	assert_int_equal(tun(), 0);
	ip4(&l, 172, 16, 9, 10);
	ip4(&p, 192, 168, 1, 1); /* the LAN's router */
	assert_int_equal(addr(&l, &p, 32, err), -EPERM);
	assert_non_null(strstr(err, "tunnel address"));
	ip4(&p, 127, 0, 0, 1);
	assert_int_equal(addr(&l, &p, 32, err), -EPERM);
	ip4(&p, 224, 0, 0, 1);
	assert_int_equal(addr(&l, &p, 32, err), -EPERM);
	assert_int_equal(addr(&l, &gws[0], 32, err), -EPERM); /* the server's own address */
	ip4(&p, 172, 16, 9, 1);
	assert_int_equal(addr(&l, &p, 24, err), -EPERM);
	assert_non_null(strstr(err, "/32"));
	assert_int_equal(plat_net_fake_applied(net), 1); /* the TUN only */
	assert_int_equal(addr(&l, &p, 32, err), 0);
	assert_true(plat_net_fake_logged(net, "addr_add 172.16.9.10 peer 172.16.9.1/32"));
	ll6(&l6, 1);
	ll6(&p6, 2);
	assert_int_equal(addr(&l6, &p6, 64, err), 0);
	ll6(&p6, 1); /* the same identifier twice */
	assert_int_equal(addr(&l6, &p6, 64, err), -EPERM);
	l6.addr[0] = 0x20; /* a global address */
	l6.addr[1] = 0x01;
	assert_int_equal(addr(&l6, &p6, 64, err), -EPERM);
	assert_non_null(strstr(err, "fe80::IID/64"));
}

static void routes_and_pin(void **state)
{
	struct netb_req pin = { .op = NETB_PIN_GATEWAY };
	char err[PLAT_NET_ERR_MAX];

	(void)state;
	ip4(&pin.ip, 8, 8, 8, 8);
	assert_int_equal(ask(&pin, err, NULL), -EPERM);
	assert_non_null(strstr(err, "not the server's"));
	pin.ip = gws[0];
	assert_int_equal(ask(&pin, err, NULL), 0);
	assert_int_equal(tun(), 0);
	assert_int_equal(route(0, 0, 0, 0, 1, err), -EPERM); /* no full tunnel in this profile */
	assert_non_null(strstr(err, "0.0.0.0/1: the profile does not list it"));
	assert_int_equal(route(192, 168, 1, 0, 24, err), -EPERM);
	assert_int_equal(route(10, 1, 0, 0, 8, err), -EPERM);
	assert_int_equal(route(10, 1, 0, 0, 16, err), 0);
	assert_int_equal(route(192, 168, 50, 9, 24, err), 0); /* host bits: the listed prefix */
	assert_true(plat_net_fake_logged(net, "route_add 192.168.50.0/24"));
	assert_int_equal(route(10, 1, 0, 0, 16, err), -EPERM); /* beyond the profile's count */
	assert_non_null(strstr(err, "limit"));
	/* a profile with the full tunnel gets the halves */
	x.pol.full_tunnel = true;
	assert_int_equal(route(128, 0, 0, 0, 1, err), 0);
	assert_true(plat_net_fake_logged(net, "route_add 128.0.0.0/1"));
}

static void dns_scoped(void **state)
{
	struct netb_req q = { .op = NETB_DNS_APPLY, .n_servers = 1, .n_domains = 1,
			      .full_tunnel = true };
	char err[PLAT_NET_ERR_MAX];

	(void)state;
	assert_int_equal(tun(), 0);
	ip4(&q.servers[0], 127, 0, 0, 53);
	snprintf(q.domains[0], sizeof(q.domains[0]), "%s", "corp.example");
	assert_int_equal(ask(&q, err, NULL), -EPERM);
	assert_non_null(strstr(err, "unicast"));
	ip4(&q.servers[0], 10, 1, 0, 53);
	snprintf(q.domains[0], sizeof(q.domains[0]), "%s", "~.");
	assert_int_equal(ask(&q, err, NULL), -EPERM);
	assert_non_null(strstr(err, "not a host name"));
	snprintf(q.domains[0], sizeof(q.domains[0]), "%s", "corp.example");
	assert_int_equal(ask(&q, err, NULL), 0); /* full asked, the profile is split: split */
	assert_true(plat_net_fake_logged(net, "dns_apply systemd-resolved servers=10.1.0.53 "
					      "domains=corp.example split"));
	x.pol.dns = false;
	assert_int_equal(ask(&q, err, NULL), -EPERM);
	struct netb_req u = { .op = NETB_UNDO_ALL };
	assert_int_equal(ask(&u, err, NULL), 0);
	assert_int_equal(plat_net_fake_applied(net), 0);
	assert_int_equal(tun(), 0); /* after an undo, a new TUN (reconnect) */
}

static void malformed_ends(void **state)
{
	uint8_t req[8] = { 1, NETB_SET_UP, 0, 1, 0 }, rep[NETB_MSG_MAX];
	char why[200] = "";
	int fd;

	(void)state;
	assert_int_equal(netb_exec_handle(&x, req, 5, rep, sizeof(rep), &fd, why, sizeof(why)),
			 -1);
	assert_non_null(strstr(why, "malformed"));
	assert_int_equal(netb_exec_handle(&x, req, 2, rep, sizeof(rep), &fd, why, sizeof(why)),
			 -1);
}

static void *serve(void *arg)
{
	static char why[200];
	static int rc;

	rc = netb_exec_serve(&x, *(int *)arg, why, sizeof(why));
	return &rc;
}

static void over_socketpair(void **state)
{
	struct plat_net *b;
	struct plat_ip l, p;
	struct plat_prefix d;
	pthread_t th;
	int sp[2];
	void *ret;
	uint8_t pkt[20] = { 0x45 }, got[64];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
	assert_int_equal(pthread_create(&th, NULL, serve, &sp[1]), 0);
	assert_int_equal(plat_net_broker_open(sp[0], NULL, &b), 0);
	assert_int_equal(plat_net_tun_create(b, NULL), 0);
	assert_string_equal(plat_net_tun_name(b), "sstp0");
	assert_true(plat_net_tun_fd(b) >= 0);
	assert_int_equal(plat_net_set_mtu(b, 1400), 0);
	ip4(&l, 172, 16, 9, 10);
	ip4(&p, 127, 0, 0, 1);
	assert_int_equal(plat_net_addr_add(b, &l, &p, 32), -EPERM);
	assert_non_null(strstr(plat_net_error(b), "loopback"));
	ip4(&p, 172, 16, 9, 1);
	assert_int_equal(plat_net_addr_add(b, &l, &p, 32), 0);
	ip4(&d.ip, 10, 9, 0, 0);
	d.len = 16;
	assert_int_equal(plat_net_route_add(b, &d), -EPERM);
	assert_non_null(strstr(plat_net_error(b), "does not list"));
	d.ip.addr[1] = 1;
	assert_int_equal(plat_net_route_add(b, &d), 0);
	/* the descriptor that came over SCM_RIGHTS is the TUN: a packet reaches the OS side */
	assert_int_equal(plat_net_tun_write(b, pkt, sizeof(pkt)), 0);
	assert_int_equal(read(plat_net_fake_peer_fd(net), got, sizeof(got)), (ssize_t)sizeof(pkt));
	plat_net_close(b); /* undo through the broker */
	close(sp[0]);
	assert_int_equal(pthread_join(th, &ret), 0);
	assert_int_equal(*(int *)ret, 0);
	close(sp[1]);
	assert_int_equal(plat_net_fake_applied(net), 0);
	assert_true(plat_net_fake_logged(net, "undo route 10.1.0.0/16"));
}

static void session_vanishes(void **state)
{
	struct plat_net *b;
	pthread_t th;
	int sp[2];
	void *ret;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
	assert_int_equal(pthread_create(&th, NULL, serve, &sp[1]), 0);
	assert_int_equal(plat_net_broker_open(sp[0], NULL, &b), 0);
	assert_int_equal(plat_net_tun_create(b, NULL), 0);
	assert_int_equal(plat_net_fake_applied(net), 1);
	close(sp[0]); /* the session dies without undoing: the privileged side undoes */
	assert_int_equal(pthread_join(th, &ret), 0);
	assert_int_equal(plat_net_fake_applied(net), 0);
	assert_int_equal(plat_net_tun_create(b, NULL), -EIO);
	assert_non_null(strstr(plat_net_error(b), "broker is gone"));
	plat_net_close(b);
	close(sp[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(needs_tun_first, setup, teardown),
		cmocka_unit_test_setup_teardown(tun_once_with_fd, setup, teardown),
		cmocka_unit_test_setup_teardown(addresses, setup, teardown),
		cmocka_unit_test_setup_teardown(routes_and_pin, setup, teardown),
		cmocka_unit_test_setup_teardown(dns_scoped, setup, teardown),
		cmocka_unit_test_setup_teardown(malformed_ends, setup, teardown),
		cmocka_unit_test_setup_teardown(over_socketpair, setup, teardown),
		cmocka_unit_test_setup_teardown(session_vanishes, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
