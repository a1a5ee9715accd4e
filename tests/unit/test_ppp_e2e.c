/* test_ppp_e2e.c - the engine against a scripted server, from lower-up to IPV4_UP and back
 * down: LCP (SoftEther-like options), MS-CHAPv2 with the RFC 2759 values (HLAK checked),
 * IPCP with a Nak for address and DNS, data in both directions, echo, peer Terminate. Also
 * phase gating: no NCP before auth success, no IP data before the network phase. */
#include "test_ppp_util.h"

static const uint8_t chap_opt[] = {3, 5, 0xC2, 0x23, 0x81};

static void feed_chap_challenge(struct ppp *p, uint64_t now, uint8_t id)
{
	uint8_t c[1 + 16 + 2];
	c[0] = 16;
	hex2bin("5B5D7C7D7B3F2F3E3C2C602132262628", c + 1, 16);
	c[17] = 'v';
	c[18] = 'm';
	feed_pkt(p, now, PPP_PROTO_CHAP, 1, id, c, sizeof(c));
}

static void test_full_negotiation(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes f;
	struct ppp *p;
	struct ppp_event ev;
	struct ppp_data d;
	uint8_t peer_chal[16];
	uint64_t now = 1000;
	int i;
	(void)state;

	test_config(&cfg, &rnd);
	cfg.user = "CORP\\User";
	cfg.user_len = 9;
	cfg.password = "clientPass";
	cfg.password_len = 10;
	cfg.auth = PPP_AUTH_MSCHAPV2 | PPP_AUTH_PAP;
	p = ppp_new(&cfg);
	assert_non_null(p);
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_DEAD);

	/* LCP: our request is MRU 1400 + magic; server's request gets acked. */
	ppp_lower_up(p, now);
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_ESTABLISH);
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(tf_proto(&f, 0), PPP_PROTO_LCP);
	assert_int_equal(f.len[0], 4 + 4 + 4 + 6);
	assert_memory_equal(f.buf[0] + 8, "\x01\x04\x05\x78\x05\x06", 6);
	assert_int_equal(ppp_deadline(p), now + 1000); /* first retransmission after 1 s */
	ppp_lower_down(p);
	assert_int_equal(find_event(p, PPP_EV_LINK_DOWN, &ev), 1);
	assert_int_equal(ev.reason, PPP_DOWN_LOWER_DOWN);

	lcp_up_with(p, &f, chap_opt, sizeof(chap_opt), now);
	i = tf_find(&f, PPP_PROTO_LCP, 2);
	assert_true(i >= 0); /* we acked the server's request */
	assert_int_equal(tf_id(&f, (size_t)i), 0x50);
	assert_int_equal(find_event(p, PPP_EV_LINK_UP, &ev), 1);
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_AUTHENTICATE);
	assert_int_equal(ppp_peer_mru(p), 1500);
	assert_int_equal(ppp_local_mru(p), 1400);
	assert_int_equal(ppp_mtu(p), 1400);

	/* Gating: IPCP and IP before auth are ignored. */
	feed_pkt(p, now, PPP_PROTO_IPCP, 1, 1, (const uint8_t *)"\x03\x06\x0a\x00\x00\x01", 6);
	{
		const uint8_t ip[] = {0xFF, 0x03, 0x00, 0x21, 0x45, 0, 0, 20};
		assert_int_equal(ppp_input(p, ip, sizeof(ip), now, &d), 0);
	}
	clear_frames(p, &f);
	assert_int_equal(f.n, 0);
	assert_string_equal(ppp_state_name(p, PPP_PROTO_IPCP), "Initial");

	/* MS-CHAPv2 with the RFC 2759 PeerChallenge. */
	hex2bin("21402324255E262A28295F2B3A337C7E", peer_chal, 16);
	rnd.script = peer_chal;
	rnd.script_len = 16;
	rnd.script_off = 0;
	feed_chap_challenge(p, now, 7);
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(tf_proto(&f, 0), PPP_PROTO_CHAP);
	assert_int_equal(tf_code(&f, 0), 2);
	assert_int_equal(tf_id(&f, 0), 7);
	assert_int_equal(f.len[0], 4 + 4 + 1 + 49 + 9);
	assert_int_equal(f.buf[0][8], 49);
	assert_memory_equal(f.buf[0] + 9, peer_chal, 16);
	{
		uint8_t nt[24];
		hex2bin("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF", nt, 24);
		assert_memory_equal(f.buf[0] + 9 + 24, nt, 24); /* domain stripped in the hash */
	}
	assert_memory_equal(f.buf[0] + 9 + 49, "CORP\\User", 9); /* full name sent */

	/* A retransmitted challenge gets the identical response. */
	{
		uint8_t first[128];
		size_t flen = f.len[0];
		memcpy(first, f.buf[0], flen);
		feed_chap_challenge(p, now, 7);
		clear_frames(p, &f);
		assert_int_equal(f.n, 1);
		assert_int_equal(f.len[0], flen);
		assert_memory_equal(f.buf[0], first, flen);
	}

	{
		const char *s = "S=407A5589115FD0D6209F510FE9C04566932CDA56 M=Welcome";
		feed_pkt(p, now, PPP_PROTO_CHAP, 3, 7, (const uint8_t *)s, strlen(s));
	}
	assert_int_equal(find_event(p, PPP_EV_AUTH_OK, &ev), 1);
	assert_int_equal(ev.method, PPP_METHOD_MSCHAPV2);
	{
		uint8_t hlak[32];
		hex2bin("D5F0E9521E3EA9589645E86051C822268B7CDC149B993A1BA118CB153F56DCCB", hlak, 32);
		assert_memory_equal(ev.hlak, hlak, 32);
	}
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_NETWORK);

	/* IPCP: request 0.0.0.0 + DNS; server's own address acked; Nak taken. */
	clear_frames(p, &f);
	i = tf_find(&f, PPP_PROTO_IPCP, 1);
	assert_true(i >= 0);
	assert_int_equal(f.len[i], 8 + 18);
	assert_memory_equal(f.buf[i] + 8,
			    "\x03\x06\x00\x00\x00\x00\x81\x06\x00\x00\x00\x00\x83\x06\x00\x00\x00\x00",
			    18);
	assert_int_equal(tf_find(&f, PPP_PROTO_IPV6CP, 1), -1); /* want_ipv6 off */
	feed_pkt(p, now, PPP_PROTO_IPCP, 1, 1, (const uint8_t *)"\x03\x06\x0a\x00\x00\x01", 6);
	{
		const uint8_t nak[] = {3, 6, 10, 0, 0, 2, 0x81, 6, 8, 8, 8, 8, 0x83, 6, 8, 8, 4, 4};
		feed_pkt(p, now, PPP_PROTO_IPCP, 3, tf_id(&f, (size_t)i), nak, sizeof(nak));
		clear_frames(p, &f);
		assert_true(tf_find(&f, PPP_PROTO_IPCP, 2) >= 0); /* ack of server's request */
		i = tf_find(&f, PPP_PROTO_IPCP, 1);
		assert_true(i >= 0);
		assert_memory_equal(f.buf[i] + 8, nak, sizeof(nak));
		assert_false(ppp_data_open(p, PPP_PROTO_IP));
		feed_pkt(p, now, PPP_PROTO_IPCP, 2, tf_id(&f, (size_t)i), nak, sizeof(nak));
	}
	assert_int_equal(find_event(p, PPP_EV_IPV4_UP, &ev), 1);
	assert_memory_equal(ev.ipv4_local, "\x0a\x00\x00\x02", 4);
	assert_memory_equal(ev.ipv4_peer, "\x0a\x00\x00\x01", 4);
	assert_memory_equal(ev.dns1, "\x08\x08\x08\x08", 4);
	assert_memory_equal(ev.dns2, "\x08\x08\x04\x04", 4);
	assert_true(ppp_data_open(p, PPP_PROTO_IP));
	assert_false(ppp_data_open(p, PPP_PROTO_IPV6));
	assert_int_equal(ppp_deadline(p), UINT64_MAX); /* no keepalive configured */

	/* Data: with FF 03, without, and with a compressed protocol byte. */
	{
		const uint8_t a[] = {0xFF, 0x03, 0x00, 0x21, 0x45, 1, 2, 3};
		const uint8_t b[] = {0x00, 0x21, 0x45, 1, 2, 3};
		const uint8_t c[] = {0x21, 0x45, 1, 2, 3};
		const uint8_t v6[] = {0xFF, 0x03, 0x00, 0x57, 0x60, 0, 0, 0};
		assert_int_equal(ppp_input(p, a, sizeof(a), now, &d), 1);
		assert_int_equal(d.proto, PPP_PROTO_IP);
		assert_ptr_equal(d.pkt, a + 4);
		assert_int_equal(d.len, 4);
		assert_int_equal(ppp_input(p, b, sizeof(b), now, &d), 1);
		assert_ptr_equal(d.pkt, b + 2);
		assert_int_equal(ppp_input(p, c, sizeof(c), now, &d), 1);
		assert_ptr_equal(d.pkt, c + 1);
		assert_int_equal(ppp_input(p, v6, sizeof(v6), now, &d), 0); /* IPv6 not open */
	}
	{
		uint8_t hdr[4];
		ppp_data_header(hdr, PPP_PROTO_IP);
		assert_memory_equal(hdr, "\xFF\x03\x00\x21", 4);
		ppp_data_header(hdr, PPP_PROTO_IPV6);
		assert_memory_equal(hdr, "\xFF\x03\x00\x57", 4);
	}

	/* Echo-Request answered with our magic; CCP gets a Protocol-Reject. */
	clear_frames(p, &f);
	feed_pkt(p, now, PPP_PROTO_LCP, 9, 0x33, (const uint8_t *)"\x11\x22\x33\x44hello", 9);
	feed_pkt(p, now, PPP_PROTO_CCP, 1, 1, (const uint8_t *)"\x12\x06\x00\x00\x00\x01", 6);
	clear_frames(p, &f);
	assert_int_equal(f.n, 2);
	assert_int_equal(tf_code(&f, 0), 10);
	assert_int_equal(tf_id(&f, 0), 0x33);
	assert_int_equal(f.len[0], 4 + 4 + 4 + 5);
	assert_int_equal(ppp_get32(f.buf[0] + 8), p->lcp.got.magic);
	assert_memory_equal(f.buf[0] + 12, "hello", 5);
	assert_int_equal(tf_code(&f, 1), 8);
	assert_memory_equal(f.buf[1] + 8, "\x80\xFD\x01\x01", 4);

	/* Peer Terminate: TermAck, then LINK_DOWN after the restart period. */
	feed_pkt(p, now, PPP_PROTO_LCP, 5, 0x44, (const uint8_t *)"bye", 3);
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(tf_code(&f, 0), 6);
	assert_int_equal(tf_id(&f, 0), 0x44);
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_TERMINATE);
	assert_false(ppp_data_open(p, PPP_PROTO_IP));
	assert_int_equal(ppp_deadline(p), now + 3000);
	ppp_tick(p, now + 2999);
	assert_int_equal(find_event(p, PPP_EV_LINK_DOWN, &ev), 0);
	ppp_tick(p, now + 3000);
	assert_int_equal(find_event(p, PPP_EV_LINK_DOWN, &ev), 1);
	assert_int_equal(ev.reason, PPP_DOWN_PEER_TERMINATE);
	assert_non_null(strstr(ev.message, "bye"));
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_DEAD);
	assert_int_equal(ppp_deadline(p), UINT64_MAX);
	ppp_free(p);
}

static void test_peer_terminate_then_carrier_gone(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes f;
	struct ppp *p;
	struct ppp_event ev;
	(void)state;

	/* pppd sends Terminate-Request and hangs up at once: still reported as peer terminate. */
	test_config(&cfg, &rnd);
	p = ppp_new(&cfg);
	lcp_up_with(p, &f, NULL, 0, 0);
	feed_pkt(p, 0, PPP_PROTO_LCP, 5, 1, "User request", 12);
	ppp_lower_down(p);
	assert_int_equal(find_event(p, PPP_EV_LINK_DOWN, &ev), 1);
	assert_int_equal(ev.reason, PPP_DOWN_PEER_TERMINATE);
	assert_non_null(strstr(ev.message, "User request"));
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_DEAD);
	ppp_free(p);
}

static void test_no_auth_server(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes f;
	struct ppp *p;
	struct ppp_event ev;
	(void)state;

	test_config(&cfg, &rnd);
	p = ppp_new(&cfg);
	lcp_up_with(p, &f, NULL, 0, 0);
	assert_int_equal(find_event(p, PPP_EV_LINK_UP, &ev), 1);
	assert_int_equal(find_event(p, PPP_EV_AUTH_OK, &ev), 1);
	assert_int_equal(ev.method, PPP_METHOD_NONE);
	for (int k = 0; k < 32; k++)
		assert_int_equal(ev.hlak[k], 0);
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_NETWORK);
	assert_true(tf_find(&f, PPP_PROTO_IPCP, 1) >= 0);
	ppp_free(p);
}

static void test_local_close(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes f;
	struct ppp *p;
	struct ppp_event ev;
	(void)state;

	test_config(&cfg, &rnd);
	p = ppp_new(&cfg);
	lcp_up_with(p, &f, NULL, 0, 0);
	ppp_close(p, "user asked", 10);
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(tf_code(&f, 0), 5);
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_TERMINATE);
	/* Peer acks: finished at once. */
	feed_pkt(p, 20, PPP_PROTO_LCP, 6, tf_id(&f, 0), NULL, 0);
	assert_int_equal(find_event(p, PPP_EV_LINK_DOWN, &ev), 1);
	assert_int_equal(ev.reason, PPP_DOWN_LOCAL_CLOSE);
	assert_string_equal(ev.message, "user asked");
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_DEAD);
	/* Input after the end is ignored; lower_up starts afresh. */
	feed_pkt(p, 30, PPP_PROTO_LCP, 1, 1, NULL, 0);
	clear_frames(p, &f);
	assert_int_equal(f.n, 0);
	ppp_lower_up(p, 40);
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_ESTABLISH);
	ppp_free(p);
}

static void test_close_unanswered(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes f;
	struct ppp *p;
	struct ppp_event ev;
	uint64_t now = 0;
	(void)state;

	test_config(&cfg, &rnd);
	p = ppp_new(&cfg);
	lcp_up_with(p, &f, NULL, 0, 0);
	ppp_close(p, NULL, now);
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	/* Max-Terminate 2: one more Terminate-Request, then finished. */
	now = ppp_deadline(p);
	ppp_tick(p, now);
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(tf_code(&f, 0), 5);
	now = ppp_deadline(p);
	ppp_tick(p, now);
	clear_frames(p, &f);
	assert_int_equal(f.n, 0);
	assert_int_equal(find_event(p, PPP_EV_LINK_DOWN, &ev), 1);
	assert_int_equal(ev.reason, PPP_DOWN_LOCAL_CLOSE);
	ppp_free(p);
}

static void test_keepalive(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes f;
	struct ppp *p;
	struct ppp_event ev;
	uint64_t now = 0;
	int i;
	(void)state;

	test_config(&cfg, &rnd);
	cfg.echo_interval_ms = 10000;
	cfg.echo_max_failures = 3;
	p = ppp_new(&cfg);
	lcp_up_with(p, &f, NULL, 0, now);
	assert_int_equal(lcp_deadline(p), 10000);
	assert_int_equal(ppp_deadline(p), 1000); /* IPCP restart timer comes first */
	/* An answered echo resets the count. */
	ppp_tick(p, 10000);
	clear_frames(p, &f);
	i = tf_find(&f, PPP_PROTO_LCP, 9);
	assert_true(i >= 0);
	assert_int_equal(f.len[i], 12);
	feed_pkt(p, 10001, PPP_PROTO_LCP, 10, tf_id(&f, (size_t)i),
		 (const uint8_t *)"\x11\x22\x33\x44", 4);
	assert_int_equal(p->lcp.echo_pending, 0);
	/* Our own magic coming back (looped link) does not count as an answer. */
	ppp_tick(p, 20000);
	clear_frames(p, &f);
	i = tf_find(&f, PPP_PROTO_LCP, 9);
	assert_true(i >= 0);
	feed_pkt(p, 20001, PPP_PROTO_LCP, 10, tf_id(&f, (size_t)i), f.buf[i] + 8, 4);
	assert_int_equal(p->lcp.echo_pending, 1);
	ppp_tick(p, 30000);
	ppp_tick(p, 40000);
	assert_int_equal(find_event(p, PPP_EV_KEEPALIVE_LOST, &ev), 0);
	ppp_tick(p, 50000);
	assert_int_equal(find_event(p, PPP_EV_KEEPALIVE_LOST, &ev), 1);
	clear_frames(p, &f);
	assert_true(tf_find(&f, PPP_PROTO_LCP, 5) >= 0); /* Terminate-Request */
	/* Finished after Max-Terminate timeouts with the keepalive reason. */
	for (int k = 0; k < 4 && ppp_get_phase(p) != PPP_PHASE_DEAD; k++)
		ppp_tick(p, ppp_deadline(p));
	assert_int_equal(find_event(p, PPP_EV_LINK_DOWN, &ev), 1);
	assert_int_equal(ev.reason, PPP_DOWN_KEEPALIVE);
	ppp_free(p);
}

/* IPCP to Opened (request_dns off): the server's request is acked, our 0.0.0.0 is Nak'ed with
 * 10.0.0.2, the next request acked. The frames sent meanwhile end up in f. */
static void ipcp_open(struct ppp *p, struct tframes *f)
{
	static const uint8_t nak[] = {0x03, 0x06, 0x0a, 0x00, 0x00, 0x02};
	struct ppp_event ev;
	int i = tf_find(f, PPP_PROTO_IPCP, 1);

	assert_true(i >= 0);
	feed_pkt(p, 0, PPP_PROTO_IPCP, 1, 1, (const uint8_t *)"\x03\x06\x0a\x00\x00\x01", 6);
	feed_pkt(p, 0, PPP_PROTO_IPCP, 3, tf_id(f, (size_t)i), nak, sizeof(nak));
	clear_frames(p, f);
	i = tf_find(f, PPP_PROTO_IPCP, 1);
	assert_true(i >= 0);
	feed_pkt(p, 0, PPP_PROTO_IPCP, 2, tf_id(f, (size_t)i), nak, sizeof(nak));
	assert_int_equal(find_event(p, PPP_EV_IPV4_UP, &ev), 1);
	clear_frames(p, f);
}

static void test_ipv6cp(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes f;
	struct ppp *p;
	struct ppp_event ev;
	int i;
	(void)state;

	test_config(&cfg, &rnd);
	cfg.want_ipv6 = true;
	cfg.request_dns = false;
	p = ppp_new(&cfg);
	lcp_up_with(p, &f, NULL, 0, 0);
	/* IPv6CP starts with IPCP, in the same round */
	i = tf_find(&f, PPP_PROTO_IPV6CP, 1);
	assert_true(i >= 0);
	assert_true(tf_find(&f, PPP_PROTO_IPCP, 1) >= 0);
	assert_string_equal(ppp_state_name(p, PPP_PROTO_IPV6CP), "Req-Sent");
	assert_int_equal(ppp_ncp_status(p, PPP_PROTO_IPV6CP), PPP_NCP_PENDING);
	assert_int_equal(ppp_ncp_status(p, PPP_PROTO_IPCP), PPP_NCP_PENDING);
	assert_int_equal(f.len[i], 8 + 10);
	assert_int_equal(f.buf[i][8], 1);
	assert_int_equal(f.buf[i][9], 10);
	/* Server proposes a zero identifier: we Nak with a suggestion. */
	feed_pkt(p, 0, PPP_PROTO_IPV6CP, 1, 9, (const uint8_t *)"\x01\x0a\0\0\0\0\0\0\0\0", 10);
	{
		static struct tframes g;
		clear_frames(p, &g);
		assert_int_equal(g.n, 1);
		assert_int_equal(tf_code(&g, 0), 3);
		assert_memory_not_equal(g.buf[0] + 10, "\0\0\0\0\0\0\0\0", 8);
	}
	feed_pkt(p, 0, PPP_PROTO_IPV6CP, 1, 10,
		 (const uint8_t *)"\x01\x0a\x02\x00\x00\xff\xfe\x00\x00\x01", 10);
	feed_pkt(p, 0, PPP_PROTO_IPV6CP, 2, tf_id(&f, (size_t)i), f.buf[i] + 8, 10);
	assert_int_equal(find_event(p, PPP_EV_IPV6_UP, &ev), 1);
	assert_memory_equal(ev.ipv6_local_iid, f.buf[i] + 10, 8);
	assert_memory_equal(ev.ipv6_peer_iid, "\x02\x00\x00\xff\xfe\x00\x00\x01", 8);
	assert_true(ppp_data_open(p, PPP_PROTO_IPV6));
	assert_int_equal(ppp_ncp_status(p, PPP_PROTO_IPV6CP), PPP_NCP_OPEN);
	assert_int_equal(ppp_ncp_status(p, PPP_PROTO_IPCP), PPP_NCP_PENDING);
	{
		static struct tframes g;
		clear_frames(p, &g);
		ipcp_open(p, &f);
	}
	assert_true(ppp_data_open(p, PPP_PROTO_IP));
	assert_int_equal(ppp_ncp_status(p, PPP_PROTO_IPCP), PPP_NCP_OPEN);
	ppp_free(p);
}

/* A peer that starts IPv6CP itself (pppd does) is answered at once, before IPCP is up, and no
 * second request of ours follows. */
static void test_ipv6cp_peer_first(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes f;
	static struct tframes g;
	struct ppp *p;
	(void)state;

	test_config(&cfg, &rnd);
	cfg.want_ipv6 = true;
	cfg.request_dns = false;
	p = ppp_new(&cfg);
	lcp_up_with(p, &f, NULL, 0, 0);
	assert_true(tf_find(&f, PPP_PROTO_IPV6CP, 1) >= 0); /* our request, with IPCP's */
	feed_pkt(p, 0, PPP_PROTO_IPV6CP, 1, 7,
		 (const uint8_t *)"\x01\x0a\x02\x00\x00\xff\xfe\x00\x00\x01", 10);
	clear_frames(p, &g);
	assert_int_equal(tf_find(&g, PPP_PROTO_IPV6CP, 1), -1); /* not sent a second time */
	assert_true(tf_find(&g, PPP_PROTO_IPV6CP, 2) >= 0);     /* ack of theirs */
	assert_string_equal(ppp_state_name(p, PPP_PROTO_IPCP), "Req-Sent");
	/* IPCP opening later does not start IPv6CP a second time */
	ipcp_open(p, &f);
	assert_int_equal(tf_find(&f, PPP_PROTO_IPV6CP, 1), -1);
	ppp_free(p);
}

static void test_ipv6cp_rejected_is_not_fatal(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes f;
	struct ppp *p;
	struct ppp_event ev;
	(void)state;

	test_config(&cfg, &rnd);
	cfg.want_ipv6 = true;
	p = ppp_new(&cfg);
	lcp_up_with(p, &f, NULL, 0, 0);
	/* LCP Protocol-Reject of IPv6CP. */
	assert_int_equal(ppp_ncp_status(p, PPP_PROTO_IPV6CP), PPP_NCP_PENDING);
	feed_pkt(p, 0, PPP_PROTO_LCP, 8, 3, (const uint8_t *)"\x80\x57\x01\x01\x00\x0e", 6);
	assert_string_equal(ppp_state_name(p, PPP_PROTO_IPV6CP), "Stopped");
	assert_int_equal(ppp_ncp_status(p, PPP_PROTO_IPV6CP), PPP_NCP_REFUSED);
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_NETWORK);
	assert_int_equal(find_event(p, PPP_EV_LINK_DOWN, &ev), 0);
	/* IPCP Protocol-Reject on the other hand ends the link. */
	feed_pkt(p, 0, PPP_PROTO_LCP, 8, 4, (const uint8_t *)"\x80\x21\x01\x01\x00\x04", 6);
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_TERMINATE);
	for (int k = 0; k < 4 && ppp_get_phase(p) != PPP_PHASE_DEAD; k++)
		ppp_tick(p, ppp_deadline(p));
	assert_int_equal(find_event(p, PPP_EV_LINK_DOWN, &ev), 1);
	assert_int_equal(ev.reason, PPP_DOWN_NEGOTIATION);
	assert_int_equal(ev.protocol, PPP_PROTO_IPCP);
	assert_non_null(strstr(ev.message, "Protocol-Reject"));
	ppp_free(p);
}

static void test_ipv6cp_disabled_gets_protocol_reject(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes f;
	struct ppp *p;
	(void)state;

	test_config(&cfg, &rnd);
	p = ppp_new(&cfg);
	lcp_up_with(p, &f, NULL, 0, 0);
	clear_frames(p, &f);
	feed_pkt(p, 0, PPP_PROTO_IPV6CP, 1, 1, (const uint8_t *)"\x01\x0a\x02\0\0\xff\xfe\0\0\x01",
		 10);
	clear_frames(p, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(tf_proto(&f, 0), PPP_PROTO_LCP);
	assert_int_equal(tf_code(&f, 0), 8);
	assert_memory_equal(f.buf[0] + 8, "\x80\x57", 2);
	ppp_free(p);
}

static void test_ipcp_reject_vj_and_address_rules(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes f;
	struct ppp *p;
	struct ppp_event ev;
	int i;
	(void)state;

	test_config(&cfg, &rnd);
	p = ppp_new(&cfg);
	lcp_up_with(p, &f, NULL, 0, 0);
	i = tf_find(&f, PPP_PROTO_IPCP, 1);
	/* Server asks for VJ + its address: VJ alone is rejected. */
	feed_pkt(p, 0, PPP_PROTO_IPCP, 1, 1,
		 (const uint8_t *)"\x02\x06\x00\x2d\x0f\x01\x03\x06\x0a\x00\x00\x01", 12);
	{
		static struct tframes g;
		clear_frames(p, &g);
		assert_int_equal(g.n, 1);
		assert_int_equal(tf_code(&g, 0), 4);
		assert_int_equal(g.len[0], 8 + 6);
		assert_memory_equal(g.buf[0] + 8, "\x02\x06\x00\x2d\x0f\x01", 6);
	}
	/* Server rejects our DNS options: dropped from the next request. */
	feed_pkt(p, 0, PPP_PROTO_IPCP, 4, tf_id(&f, (size_t)i),
		 (const uint8_t *)"\x81\x06\0\0\0\0\x83\x06\0\0\0\0", 12);
	clear_frames(p, &f);
	i = tf_find(&f, PPP_PROTO_IPCP, 1);
	assert_true(i >= 0);
	assert_int_equal(f.len[i], 8 + 6);
	/* A reject of something we never sent is ignored. */
	feed_pkt(p, 0, PPP_PROTO_IPCP, 4, tf_id(&f, (size_t)i),
		 (const uint8_t *)"\x02\x06\x00\x2d\x0f\x01", 6);
	{
		static struct tframes g;
		clear_frames(p, &g);
		assert_int_equal(g.n, 0);
	}
	/* Ack of 0.0.0.0 (no address assigned) fails IPCP and the link. */
	feed_pkt(p, 0, PPP_PROTO_IPCP, 1, 2, (const uint8_t *)"\x03\x06\x0a\x00\x00\x01", 6);
	feed_pkt(p, 0, PPP_PROTO_IPCP, 2, tf_id(&f, (size_t)i), f.buf[i] + 8, 6);
	assert_int_equal(find_event(p, PPP_EV_IPV4_UP, &ev), 0);
	for (int k = 0; k < 6 && ppp_get_phase(p) != PPP_PHASE_DEAD; k++)
		ppp_tick(p, ppp_deadline(p));
	assert_int_equal(find_event(p, PPP_EV_LINK_DOWN, &ev), 1);
	assert_int_equal(ev.protocol, PPP_PROTO_IPCP);
	assert_non_null(strstr(ev.message, "did not assign"));
	ppp_free(p);
}

static void test_bad_args(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	struct ppp *p;
	struct ppp_data d;
	char big[300];
	(void)state;

	test_config(&cfg, &rnd);
	cfg.random = NULL;
	assert_null(ppp_new(&cfg));
	assert_null(ppp_new(NULL));
	test_config(&cfg, &rnd);
	memset(big, 'a', sizeof(big));
	cfg.password = big;
	cfg.password_len = sizeof(big);
	assert_null(ppp_new(&cfg));
	test_config(&cfg, &rnd);
	cfg.mru = 9000;
	p = ppp_new(&cfg);
	assert_non_null(p);
	assert_int_equal(p->cfg.mru, PPP_MRU_MAX);
	assert_int_equal(ppp_input(p, NULL, 4, 0, &d), -1);
	assert_int_equal(ppp_input(NULL, (const uint8_t *)"x", 1, 0, &d), -1);
	assert_int_equal(ppp_input(p, (const uint8_t *)"x", 1, 0, NULL), -1);
	assert_int_equal(ppp_deadline(p), UINT64_MAX);
	assert_string_equal(ppp_phase_name(ppp_get_phase(p)), "dead");
	assert_string_equal(ppp_state_name(p, PPP_PROTO_CCP), "n/a");
	ppp_free(p);
	ppp_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_negotiation),
		cmocka_unit_test(test_no_auth_server),
		cmocka_unit_test(test_peer_terminate_then_carrier_gone),
		cmocka_unit_test(test_local_close),
		cmocka_unit_test(test_close_unanswered),
		cmocka_unit_test(test_keepalive),
		cmocka_unit_test(test_ipv6cp),
		cmocka_unit_test(test_ipv6cp_peer_first),
		cmocka_unit_test(test_ipv6cp_rejected_is_not_fatal),
		cmocka_unit_test(test_ipv6cp_disabled_gets_protocol_reject),
		cmocka_unit_test(test_ipcp_reject_vj_and_address_rules),
		cmocka_unit_test(test_bad_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
