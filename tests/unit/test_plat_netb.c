/* test_plat_netb.c - the net broker's message codec (platform/plat_netb.c): every request and the
 * reply survive a round trip; malformed messages (truncated at every byte, trailing bytes, wrong
 * version/op/length, bad family, prefix length, flag, count, string) are refused with a sentence;
 * the SCM_RIGHTS transport passes a descriptor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "plat_netb.h"

static void ip4(struct plat_ip *ip, int a, int b, int c, int d)
{
	memset(ip, 0, sizeof(*ip));
	ip->family = PLAT_AF_INET;
	ip->addr[0] = (uint8_t)a, ip->addr[1] = (uint8_t)b;
	ip->addr[2] = (uint8_t)c, ip->addr[3] = (uint8_t)d;
}

static struct netb_req sample(enum netb_op op)
{
	struct netb_req q;

	memset(&q, 0, sizeof(q));
	q.op = op;
	switch (op) {
	case NETB_TUN_CREATE:
		snprintf(q.name, sizeof(q.name), "%s", "corp0");
		break;
	case NETB_SET_MTU:
		q.mtu = 1400;
		break;
	case NETB_ADDR_ADD:
		ip4(&q.ip, 172, 16, 9, 10);
		ip4(&q.peer, 172, 16, 9, 1);
		q.has_peer = true;
		q.plen = 32;
		break;
	case NETB_ADDR_DEL:
	case NETB_PIN_GATEWAY:
		ip4(&q.ip, 203, 0, 113, 7);
		break;
	case NETB_ROUTE_ADD:
		ip4(&q.dst.ip, 10, 1, 0, 0);
		q.dst.len = 16;
		q.metric = 49;
		break;
	case NETB_DNS_APPLY:
		q.n_servers = 2;
		ip4(&q.servers[0], 10, 1, 0, 53);
		q.servers[1].family = PLAT_AF_INET6;
		q.servers[1].addr[0] = 0xfd;
		q.servers[1].addr[15] = 0x53;
		q.n_domains = 2;
		snprintf(q.domains[0], sizeof(q.domains[0]), "%s", "corp.example");
		snprintf(q.domains[1], sizeof(q.domains[1]), "%s", "ad.corp.example");
		break;
	default:
		break;
	}
	return q;
}

static void round_trips(void **state)
{
	uint8_t buf[NETB_MSG_MAX];
	struct netb_req in, out;
	char why[200];

	(void)state;
	for (unsigned op = NETB_TUN_CREATE; op <= NETB_OP_MAX; op++) {
		in = sample((enum netb_op)op);
		int n = netb_req_encode(&in, buf, sizeof(buf));
		assert_true(n >= NETB_HDR_LEN);
		assert_int_equal(netb_req_decode(buf, (size_t)n, &out, why, sizeof(why)), 0);
		assert_int_equal(memcmp(&in, &out, sizeof(in)), 0);
		/* every truncation is refused, never read past */
		for (int cut = 0; cut < n; cut++)
			assert_int_equal(netb_req_decode(buf, (size_t)cut, &out, why, sizeof(why)), -1);
		/* too small a buffer for the encoder */
		assert_int_equal(netb_req_encode(&in, buf, (size_t)n - 1), -1);
	}
	struct netb_rep p = { .op = NETB_TUN_CREATE, .result = -17, .dns_used = PLAT_DNS_RESOLVED,
			      .ifindex = 42 }, p2;
	snprintf(p.ifname, sizeof(p.ifname), "%s", "sstp0");
	snprintf(p.err, sizeof(p.err), "%s", "adding route 10.1.0.0/16 dev sstp0: File exists");
	int n = netb_rep_encode(&p, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(netb_rep_decode(buf, (size_t)n, &p2, why, sizeof(why)), 0);
	assert_int_equal(memcmp(&p, &p2, sizeof(p)), 0);
	for (int cut = 0; cut < n; cut++)
		assert_int_equal(netb_rep_decode(buf, (size_t)cut, &p2, why, sizeof(why)), -1);
}

static int enc(enum netb_op op, uint8_t *buf)
{
	struct netb_req q = sample(op);

	return netb_req_encode(&q, buf, NETB_MSG_MAX);
}

static void expect_refused(const uint8_t *buf, size_t n, const char *what)
{
	struct netb_req out;
	char why[200] = "";

	assert_int_equal(netb_req_decode(buf, n, &out, why, sizeof(why)), -1);
	if (!strstr(why, what))
		fail_msg("\"%s\" does not say \"%s\"", why, what);
}

static void malformed(void **state)
{
	uint8_t b[NETB_MSG_MAX];
	int n;

	(void)state;
	n = enc(NETB_ADDR_ADD, b);
	b[0] = 2;
	expect_refused(b, (size_t)n, "unknown version");
	n = enc(NETB_ADDR_ADD, b);
	b[1] = 0;
	expect_refused(b, (size_t)n, "unknown operation");
	b[1] = NETB_OP_MAX + 1;
	expect_refused(b, (size_t)n, "unknown operation");
	n = enc(NETB_ADDR_ADD, b);
	b[n] = 0; /* one byte more than the header says */
	expect_refused(b, (size_t)n + 1, "body length");
	b[3]++; /* header and message agree, the op's fields do not */
	expect_refused(b, (size_t)n + 1, "after the last field");
	n = enc(NETB_ADDR_ADD, b);
	b[4] = 5; /* family */
	expect_refused(b, (size_t)n, "family");
	n = enc(NETB_ADDR_ADD, b);
	b[4 + 1 + 4] = 1; /* a byte past an IPv4 address */
	expect_refused(b, (size_t)n, "fourth");
	n = enc(NETB_ADDR_ADD, b);
	b[4 + 17] = 2; /* has_peer */
	expect_refused(b, (size_t)n, "flag");
	n = enc(NETB_ADDR_ADD, b);
	b[n - 1] = 33; /* prefix length */
	expect_refused(b, (size_t)n, "prefix length");
	n = enc(NETB_ADDR_ADD, b);
	b[4 + 18] = PLAT_AF_INET6; /* peer family differs (16 bytes zero are fine for v6) */
	expect_refused(b, (size_t)n, "peer's family");
	n = enc(NETB_ROUTE_ADD, b);
	b[4 + 17] = 40;
	expect_refused(b, (size_t)n, "prefix length");
	n = enc(NETB_DNS_APPLY, b);
	b[5] = 0; /* no servers */
	expect_refused(b, (size_t)n, "server count");
	b[5] = PLAT_DNS_MAX_SERVERS + 1;
	expect_refused(b, (size_t)n, "server count");
	n = enc(NETB_DNS_APPLY, b);
	b[4 + 2 + 34] = PLAT_DNS_MAX_DOMAINS + 1;
	expect_refused(b, (size_t)n, "domain count");
	n = enc(NETB_DNS_APPLY, b);
	b[4 + 2 + 34 + 1] = 0; /* empty domain */
	expect_refused(b, (size_t)n, "string length");
	n = enc(NETB_DNS_APPLY, b);
	b[4 + 2 + 34 + 2] = '\n';
	expect_refused(b, (size_t)n, "control");
	n = enc(NETB_TUN_CREATE, b);
	b[4] = 16; /* name longer than IFNAMSIZ-1 */
	expect_refused(b, (size_t)n, "string length");
	expect_refused(b, 3, "past the end");
	/* replies: result, backend */
	struct netb_rep p = { .op = NETB_SET_UP, .result = 5 }, out;
	char why[200] = "";
	n = netb_rep_encode(&p, b, sizeof(b));
	assert_true(n > 0);
	assert_int_equal(netb_rep_decode(b, (size_t)n, &out, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "errno"));
	p.result = 0;
	p.dns_used = 9;
	n = netb_rep_encode(&p, b, sizeof(b));
	assert_int_equal(netb_rep_decode(b, (size_t)n, &out, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "DNS backend"));
}

static void encoder_refuses(void **state)
{
	uint8_t b[NETB_MSG_MAX];
	struct netb_req q = sample(NETB_ROUTE_ADD);

	(void)state;
	q.dst.len = 33;
	assert_int_equal(netb_req_encode(&q, b, sizeof(b)), -1);
	q = sample(NETB_DNS_APPLY);
	q.n_servers = 0;
	assert_int_equal(netb_req_encode(&q, b, sizeof(b)), -1);
	q = sample(NETB_TUN_CREATE);
	q.name[0] = ' ';
	assert_int_equal(netb_req_encode(&q, b, sizeof(b)), -1);
	q.op = (enum netb_op)0;
	assert_int_equal(netb_req_encode(&q, b, sizeof(b)), -1);
	assert_string_equal(netb_op_name(NETB_ROUTE_ADD), "route-add");
	assert_string_equal(netb_op_name(99), "?");
}

static void largest_fits(void **state)
{
	struct netb_req q = sample(NETB_DNS_APPLY), out;
	uint8_t b[NETB_MSG_MAX];
	char why[200];

	(void)state;
	q.n_servers = PLAT_DNS_MAX_SERVERS;
	for (size_t i = 0; i < q.n_servers; i++)
		ip4(&q.servers[i], 10, 0, 0, (int)i + 1);
	q.n_domains = PLAT_DNS_MAX_DOMAINS;
	for (size_t i = 0; i < q.n_domains; i++) {
		memset(q.domains[i], 'a', PLAT_DNS_DOMAIN_MAX);
		q.domains[i][PLAT_DNS_DOMAIN_MAX] = '\0';
	}
	int n = netb_req_encode(&q, b, sizeof(b));
	assert_true(n > 0);
	assert_int_equal(netb_req_decode(b, (size_t)n, &out, why, sizeof(why)), 0);
}

static void passes_fd(void **state)
{
	int sp[2], fd = -1, devnull;
	uint8_t msg[8] = { 1, 2, 3 }, got[16];
	struct stat a, b;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp), 0);
	devnull = open("/dev/null", O_RDONLY);
	assert_true(devnull >= 0);
	assert_int_equal(plat_netb_send(sp[0], msg, 3, devnull), 0);
	assert_int_equal(plat_netb_recv(sp[1], got, sizeof(got), &fd), 3);
	assert_true(fd >= 0 && fd != devnull);
	assert_int_equal(fstat(fd, &a), 0);
	assert_int_equal(fstat(devnull, &b), 0);
	assert_true(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	close(fd);
	/* a message larger than the buffer is refused, not cut */
	assert_int_equal(plat_netb_send(sp[0], msg, 8, -1), 0);
	assert_int_equal(plat_netb_recv(sp[1], got, 4, &fd), -EMSGSIZE);
	assert_int_equal(fd, -1);
	close(sp[0]);
	assert_int_equal(plat_netb_recv(sp[1], got, sizeof(got), &fd), 0);
	close(sp[1]);
	close(devnull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trips),
		cmocka_unit_test(malformed),
		cmocka_unit_test(encoder_refuses),
		cmocka_unit_test(largest_fits),
		cmocka_unit_test(passes_fd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
