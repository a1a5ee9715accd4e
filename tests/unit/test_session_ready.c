/* test_session_ready.c - the readiness rule (client/session_ready.c): "connected" waits for
 * every network protocol that will open, bounded by the IPv6CP grace period; and the engine's
 * side of it (ppp_ncp_status) through a scripted negotiation where IPv6CP answers late, is
 * refused, or never answers. */
#include "test_ppp_util.h"

#include "session_ready.h"

#define G 5000u

static void test_rule(void **state)
{
	(void)state;
	/* IPCP still negotiating: wait, whatever IPv6CP does, even long after the grace period */
	assert_int_equal(sess_ready_check(PPP_NCP_PENDING, PPP_NCP_OPEN, 0, 100000, G), SESS_READY_WAIT);
	assert_int_equal(sess_ready_check(PPP_NCP_PENDING, PPP_NCP_OFF, 0, 0, G), SESS_READY_WAIT);
	/* IPCP open, IPv6CP open / refused / off: ready at once */
	assert_int_equal(sess_ready_check(PPP_NCP_OPEN, PPP_NCP_OPEN, 1000, 1001, G), SESS_READY_ALL);
	assert_int_equal(sess_ready_check(PPP_NCP_OPEN, PPP_NCP_REFUSED, 1000, 1001, G), SESS_READY_ALL);
	assert_int_equal(sess_ready_check(PPP_NCP_OPEN, PPP_NCP_OFF, 1000, 1001, G), SESS_READY_ALL);
	/* IPCP open, IPv6CP negotiating: wait until the grace period ends, then IPv4 only */
	assert_int_equal(sess_ready_check(PPP_NCP_OPEN, PPP_NCP_PENDING, 1000, 1000 + G - 1, G),
			 SESS_READY_WAIT);
	assert_int_equal(sess_ready_check(PPP_NCP_OPEN, PPP_NCP_PENDING, 1000, 1000 + G, G),
			 SESS_READY_IPV4_ONLY);
	/* grace 0 = the default */
	assert_int_equal(sess_ready_check(PPP_NCP_OPEN, PPP_NCP_PENDING, 0, SESS_READY_GRACE_MS - 1, 0),
			 SESS_READY_WAIT);
	assert_int_equal(sess_ready_check(PPP_NCP_OPEN, PPP_NCP_PENDING, 0, SESS_READY_GRACE_MS, 0),
			 SESS_READY_IPV4_ONLY);
	/* IPCP refused: never */
	assert_int_equal(sess_ready_check(PPP_NCP_REFUSED, PPP_NCP_OPEN, 0, 0, G), SESS_READY_NEVER);
	/* no overflow near the end of time */
	assert_int_equal(sess_ready_check(PPP_NCP_OPEN, PPP_NCP_PENDING, UINT64_MAX - 10, UINT64_MAX - 1,
					  G), SESS_READY_WAIT);
	assert_string_equal(sess_ready_name(SESS_READY_IPV4_ONLY), "ready on IPv4 (IPv6 follows)");
}

static void test_deadline(void **state)
{
	(void)state;
	assert_int_equal(sess_ready_deadline(PPP_NCP_OPEN, PPP_NCP_PENDING, 1000, G), 1000 + G);
	assert_int_equal(sess_ready_deadline(PPP_NCP_PENDING, PPP_NCP_PENDING, 1000, G), UINT64_MAX);
	assert_int_equal(sess_ready_deadline(PPP_NCP_OPEN, PPP_NCP_OPEN, 1000, G), UINT64_MAX);
	assert_int_equal(sess_ready_deadline(PPP_NCP_OPEN, PPP_NCP_OFF, 1000, G), UINT64_MAX);
	assert_int_equal(sess_ready_deadline(PPP_NCP_OPEN, PPP_NCP_PENDING, UINT64_MAX - 1, G),
			 UINT64_MAX);
}

/* IPCP to Opened with the server's address 10.0.0.1 and ours 10.0.0.2 (one Nak). */
static void open_ipcp(struct ppp *p, struct tframes *f, uint64_t now)
{
	static const uint8_t nak[] = { 0x03, 0x06, 0x0a, 0x00, 0x00, 0x02 };
	int i = tf_find(f, PPP_PROTO_IPCP, 1);

	assert_true(i >= 0);
	feed_pkt(p, now, PPP_PROTO_IPCP, 1, 1, (const uint8_t *)"\x03\x06\x0a\x00\x00\x01", 6);
	feed_pkt(p, now, PPP_PROTO_IPCP, 3, tf_id(f, (size_t)i), nak, sizeof(nak));
	clear_frames(p, f);
	i = tf_find(f, PPP_PROTO_IPCP, 1);
	assert_true(i >= 0);
	feed_pkt(p, now, PPP_PROTO_IPCP, 2, tf_id(f, (size_t)i), nak, sizeof(nak));
}

static struct ppp *start(struct tframes *f, struct test_rand *rnd, bool v6)
{
	struct ppp_config cfg;
	struct ppp *p;

	test_config(&cfg, rnd);
	cfg.want_ipv6 = v6;
	cfg.request_dns = false;
	p = ppp_new(&cfg);
	assert_non_null(p);
	assert_int_equal(ppp_ncp_status(p, PPP_PROTO_IPCP), PPP_NCP_PENDING);
	lcp_up_with(p, f, NULL, 0, 0);
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_NETWORK);
	return p;
}

/* The server answers IPCP first and IPv6CP a little later (SoftEther): not ready in between. */
static void test_engine_late_ipv6cp(void **state)
{
	static struct tframes f, g;
	struct test_rand rnd;
	struct ppp *p = start(&f, &rnd, true);
	int i = tf_find(&f, PPP_PROTO_IPV6CP, 1);
	enum ppp_ncp_status v4, v6;
	(void)state;

	assert_true(i >= 0); /* sent together with IPCP's request */
	open_ipcp(p, &f, 100);
	v4 = ppp_ncp_status(p, PPP_PROTO_IPCP);
	v6 = ppp_ncp_status(p, PPP_PROTO_IPV6CP);
	assert_int_equal(v4, PPP_NCP_OPEN);
	assert_int_equal(v6, PPP_NCP_PENDING);
	assert_int_equal(sess_ready_check(v4, v6, 0, 100, G), SESS_READY_WAIT);
	/* the server's request and its ack of ours arrive */
	feed_pkt(p, 900, PPP_PROTO_IPV6CP, 1, 5,
		 (const uint8_t *)"\x01\x0a\x02\x00\x00\xff\xfe\x00\x00\x01", 10);
	clear_frames(p, &g);
	feed_pkt(p, 900, PPP_PROTO_IPV6CP, 2, tf_id(&f, (size_t)i), f.buf[i] + 8, 10);
	v6 = ppp_ncp_status(p, PPP_PROTO_IPV6CP);
	assert_int_equal(v6, PPP_NCP_OPEN);
	assert_int_equal(sess_ready_check(v4, v6, 0, 900, G), SESS_READY_ALL);
	ppp_free(p);
}

/* The server Protocol-Rejects IPv6CP: ready as soon as IPCP opens. */
static void test_engine_ipv6cp_rejected(void **state)
{
	static struct tframes f;
	struct test_rand rnd;
	struct ppp *p = start(&f, &rnd, true);
	(void)state;

	feed_pkt(p, 10, PPP_PROTO_LCP, 8, 3, (const uint8_t *)"\x80\x57\x01\x01\x00\x0e", 6);
	assert_int_equal(ppp_ncp_status(p, PPP_PROTO_IPV6CP), PPP_NCP_REFUSED);
	assert_int_equal(sess_ready_check(ppp_ncp_status(p, PPP_PROTO_IPCP),
					  ppp_ncp_status(p, PPP_PROTO_IPV6CP), 0, 10, G),
			 SESS_READY_WAIT);
	open_ipcp(p, &f, 20);
	assert_int_equal(sess_ready_check(ppp_ncp_status(p, PPP_PROTO_IPCP),
					  ppp_ncp_status(p, PPP_PROTO_IPV6CP), 0, 20, G),
			 SESS_READY_ALL);
	ppp_free(p);
}

/* The server never answers IPv6CP: IPv4-only readiness at the end of the grace period, and the
 * engine gives IPv6CP up on its own after its retries (then "refused"). */
static void test_engine_ipv6cp_silent(void **state)
{
	static struct tframes f;
	struct test_rand rnd;
	struct ppp *p = start(&f, &rnd, true);
	uint64_t now = 50;
	(void)state;

	open_ipcp(p, &f, now);
	assert_int_equal(sess_ready_deadline(ppp_ncp_status(p, PPP_PROTO_IPCP),
					     ppp_ncp_status(p, PPP_PROTO_IPV6CP), 0, G), G);
	assert_int_equal(sess_ready_check(ppp_ncp_status(p, PPP_PROTO_IPCP),
					  ppp_ncp_status(p, PPP_PROTO_IPV6CP), 0, G, G),
			 SESS_READY_IPV4_ONLY);
	for (int k = 0; k < 40 && ppp_ncp_status(p, PPP_PROTO_IPV6CP) == PPP_NCP_PENDING; k++) {
		now = ppp_deadline(p);
		ppp_tick(p, now);
		clear_frames(p, &f);
		/* keep LCP's echoes answered so that only IPv6CP times out */
		for (size_t j = 0; j < f.n; j++)
			if (tf_proto(&f, j) == PPP_PROTO_LCP && tf_code(&f, j) == 9)
				feed_pkt(p, now, PPP_PROTO_LCP, 10, tf_id(&f, j), f.buf[j] + 8, 4);
	}
	assert_int_equal(ppp_ncp_status(p, PPP_PROTO_IPV6CP), PPP_NCP_REFUSED);
	assert_int_equal(ppp_ncp_status(p, PPP_PROTO_IPCP), PPP_NCP_OPEN);
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_NETWORK);
	ppp_free(p);
}

/* IPv6 off: IPv6CP is neither sent nor waited for. */
static void test_engine_ipv6_off(void **state)
{
	static struct tframes f;
	struct test_rand rnd;
	struct ppp *p = start(&f, &rnd, false);
	(void)state;

	assert_int_equal(tf_find(&f, PPP_PROTO_IPV6CP, 1), -1);
	assert_int_equal(ppp_ncp_status(p, PPP_PROTO_IPV6CP), PPP_NCP_OFF);
	open_ipcp(p, &f, 5);
	assert_int_equal(sess_ready_check(ppp_ncp_status(p, PPP_PROTO_IPCP),
					  ppp_ncp_status(p, PPP_PROTO_IPV6CP), 0, 5, G),
			 SESS_READY_ALL);
	ppp_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_engine_late_ipv6cp),
		cmocka_unit_test(test_engine_ipv6cp_rejected),
		cmocka_unit_test(test_engine_ipv6cp_silent),
		cmocka_unit_test(test_engine_ipv6_off),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
