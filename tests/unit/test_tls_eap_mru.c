/* test_tls_eap_mru.c - EAP-TLS through the PPP engine at the MRU RRAS and Azure announce (4091),
 * with the real EAP-TLS engine and a three-level RSA-4096 chain whose client flight is over 5 KB:
 * every frame the client sends fits one SSTP data packet (<= 4091 bytes of PPP frame), the
 * authenticator modelled here reassembles the fragments, an in-process mbedTLS server (requiring
 * the client certificate) completes the handshake, the EAP identity is the certificate's UPN, and
 * the HLAK equals the first 32 bytes of the MSK the server derives (RFC 5216). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_tls_helpers.h"
#include "ppp.h"
#include "ppp_internal.h"
#include "tls_creds.h"
#include "tls_eap.h"
#include "tls_identity.h"

#define SSTP_FRAME_LIMIT 4091 /* 4095-byte SSTP packet minus its 4-byte header */

static const char *const test_ca[] = {TD "ca.pem", NULL};

struct mem {
	uint8_t b[65536];
	size_t len, off;
};

static struct {
	struct mem to_srv, from_srv; /* the server reads to_srv, writes from_srv */
	struct th_server s;
	struct ppp *p;
	uint8_t id;
	size_t max_frame, max_client_msg, client_frames;
} t;

static int mem_send(void *ctx, const unsigned char *d, size_t n)
{
	struct mem *m = &t.from_srv;

	(void)ctx;
	if (n > sizeof(m->b) - m->len)
		return MBEDTLS_ERR_SSL_WANT_WRITE;
	memcpy(m->b + m->len, d, n);
	m->len += n;
	return (int)n;
}

static int mem_recv(void *ctx, unsigned char *d, size_t n)
{
	struct mem *m = &t.to_srv;

	(void)ctx;
	if (m->off == m->len)
		return MBEDTLS_ERR_SSL_WANT_READ;
	if (n > m->len - m->off)
		n = m->len - m->off;
	memcpy(d, m->b + m->off, n);
	m->off += n;
	return (int)n;
}

static void rnd(void *ctx, uint8_t *buf, size_t n)
{
	(void)ctx;
	assert_int_equal(tls_random(buf, n), 0);
}

static void feed(uint16_t proto, uint8_t code, uint8_t id, const uint8_t *data, size_t len)
{
	static uint8_t fr[8 + 4096];
	struct ppp_data d;

	assert_true(len + 8 <= sizeof(fr));
	ppp_data_header(fr, proto);
	fr[4] = code;
	fr[5] = id;
	fr[6] = (uint8_t)((len + 4) >> 8);
	fr[7] = (uint8_t)(len + 4);
	if (len)
		memcpy(fr + 8, data, len);
	ppp_input(t.p, fr, len + 8, 0, &d);
}

/* The client's next EAP Response (exactly one frame expected); returns its data after the
 * type byte, and checks the frame fits one SSTP packet. */
static const uint8_t *eap_resp(uint8_t type, size_t *len)
{
	static uint8_t last[4096];
	const uint8_t *fr;
	size_t n = 0, flen;

	while (ppp_next_output(t.p, &fr, &flen) == 1) {
		if (flen > t.max_frame)
			t.max_frame = flen;
		assert_true(flen <= SSTP_FRAME_LIMIT);
		if (ppp_get16(fr + 2) != PPP_PROTO_EAP)
			continue;
		assert_int_equal(fr[4], 2);      /* Response */
		assert_int_equal(fr[5], t.id);   /* to our Request */
		assert_int_equal(ppp_get16(fr + 6), flen - 4);
		assert_int_equal(fr[8], type);
		memcpy(last, fr + 9, flen - 9);
		n++;
		*len = flen - 9;
	}
	assert_int_equal(n, 1);
	return last;
}

/* Send an EAP-TLS Request with flags and data (L added when flags say so). */
static void tls_request(uint8_t flags, uint32_t total, const uint8_t *data, size_t len)
{
	static uint8_t b[4096];
	size_t n = 0;

	b[n++] = 13;
	b[n++] = flags;
	if (flags & 0x80) {
		b[n++] = (uint8_t)(total >> 24);
		b[n++] = (uint8_t)(total >> 16);
		b[n++] = (uint8_t)(total >> 8);
		b[n++] = (uint8_t)total;
	}
	if (len)
		memcpy(b + n, data, len);
	feed(PPP_PROTO_EAP, 1, ++t.id, b, n + len);
}

/* Collect one whole client message (acking its fragments); returns its length in msg. */
static size_t client_message(uint8_t *msg, size_t cap)
{
	size_t total = 0;

	for (int k = 0; k < 64; k++) {
		size_t len, hl;
		const uint8_t *r = eap_resp(13, &len);

		t.client_frames++;
		assert_true(len >= 1);
		hl = (r[0] & 0x80) ? 5 : 1;
		assert_true(len >= hl && total + len - hl <= cap);
		memcpy(msg + total, r + hl, len - hl);
		total += len - hl;
		if (!(r[0] & 0x40))
			return total;
		tls_request(0, 0, NULL, 0); /* ack the fragment */
	}
	fail_msg("client message never ended");
	return 0;
}

/* Hand the client's message to the server, return the server's answer in out. */
static size_t server_turn(const uint8_t *in, size_t in_len, uint8_t *out, size_t cap)
{
	memcpy(t.to_srv.b, in, in_len);
	t.to_srv.len = in_len;
	t.to_srv.off = 0;
	t.from_srv.len = 0;
	for (int i = 0; i < 10 && t.to_srv.off < t.to_srv.len; i++)
		(void)mbedtls_ssl_handshake(&t.s.ssl);
	if (t.from_srv.len == 0)
		(void)mbedtls_ssl_handshake(&t.s.ssl);
	assert_true(t.from_srv.len <= cap);
	memcpy(out, t.from_srv.b, t.from_srv.len);
	return t.from_srv.len;
}

/* Send the server's message in 1400-byte fragments (as NPS does), waiting for each ack. */
static void server_message(const uint8_t *m, size_t len)
{
	size_t off = 0;

	while (off < len) {
		size_t n = len - off < 1400 ? len - off : 1400;
		uint8_t flags = (uint8_t)((off == 0 ? 0x80 : 0) | (off + n < len ? 0x40 : 0));

		tls_request(flags, (uint32_t)len, m + off, n);
		off += n;
		if (off < len) {
			size_t al;
			const uint8_t *a = eap_resp(13, &al);
			assert_int_equal(al, 1); /* empty ack */
			assert_int_equal(a[0], 0);
		}
	}
}

static void lcp_up(void)
{
	static const uint8_t req[] = {1, 4, 0x0F, 0xFB, 3, 4, 0xC2, 0x27, 5, 6, 1, 2, 3, 4};
	const uint8_t *fr;
	size_t len;
	uint8_t mine[64];
	size_t mlen = 0;
	uint8_t id = 0;

	ppp_lower_up(t.p, 0);
	while (ppp_next_output(t.p, &fr, &len) == 1)
		if (ppp_get16(fr + 2) == PPP_PROTO_LCP && fr[4] == 1) {
			id = fr[5];
			mlen = len - 8;
			memcpy(mine, fr + 8, mlen);
		}
	feed(PPP_PROTO_LCP, 1, 0x41, req, sizeof(req)); /* MRU 4091, EAP: what RRAS asks */
	feed(PPP_PROTO_LCP, 2, id, mine, mlen);
	assert_int_equal(ppp_get_phase(t.p), PPP_PHASE_AUTHENTICATE);
	assert_int_equal(ppp_peer_mru(t.p), 4091);
	while (ppp_next_output(t.p, &fr, &len) == 1)
		;
}

static void test_rsa4096_chain_at_mru_4091(void **state)
{
	static uint8_t cmsg[32768], smsg[32768];
	struct tls_eap_config ec = {.ca_paths = test_ca, .server_name = "vpn.test"};
	struct ppp_tls_engine iface;
	struct tls_eap_engine *e;
	struct ppp_config cfg;
	struct tls_creds *creds;
	struct ppp_event ev;
	char err[256], ident[256];
	const uint8_t *r;
	size_t len, cl, sl;
	uint8_t seed[64], msk[64];
	int done = 0;
	(void)state;

	memset(&t, 0, sizeof(t));
	creds = tls_creds_load_files(TD "rsa4096-client-chain.pem", TD "rsa4096-client.key", NULL,
				     err, sizeof(err));
	assert_non_null(creds);
	assert_int_equal(tls_creds_identity(creds, ident, sizeof(ident), NULL), 0);
	ec.creds = creds;
	e = tls_eap_engine_new(&ec, &iface, err, sizeof(err));
	assert_non_null(e);
	memset(&cfg, 0, sizeof(cfg));
	cfg.auth = PPP_AUTH_EAP_TLS;
	cfg.tls = &iface;
	cfg.eap_identity = ident;
	cfg.eap_identity_len = strlen(ident);
	cfg.random = rnd;
	t.p = ppp_new(&cfg);
	assert_non_null(t.p);
	assert_int_equal(th_server_init(&t.s, NULL, TD "rsa4096-root.pem", -1), 0);
	mbedtls_ssl_set_bio(&t.s.ssl, NULL, mem_send, mem_recv, NULL);

	lcp_up();
	/* Identity: the certificate's UPN. */
	feed(PPP_PROTO_EAP, 1, ++t.id, (const uint8_t *)"\x01", 1);
	r = eap_resp(1, &len);
	assert_int_equal(len, strlen("alice@corp.example"));
	assert_memory_equal(r, "alice@corp.example", len);
	/* Start, then flights both ways until the server's handshake is over. */
	tls_request(0x20, 0, NULL, 0);
	for (int round = 0; round < 8 && !done; round++) {
		cl = client_message(cmsg, sizeof(cmsg));
		if (cl > t.max_client_msg)
			t.max_client_msg = cl;
		if (cl == 0) { /* the client acked the server's last flight */
			done = 1;
			break;
		}
		sl = server_turn(cmsg, cl, smsg, sizeof(smsg));
		assert_true(sl > 0);
		server_message(smsg, sl);
	}
	assert_true(done);
	assert_true(t.max_client_msg > 5000); /* the flight that never left at MRU 4091 before */
	assert_true(t.max_frame <= SSTP_FRAME_LIMIT);
	print_message("client flight %zu bytes in %zu frames, largest frame %zu bytes\n",
		      t.max_client_msg, t.client_frames, t.max_frame);
	feed(PPP_PROTO_EAP, 3, t.id, NULL, 0); /* EAP-Success */
	while (ppp_next_event(t.p, &ev) == 1 && ev.type != PPP_EV_AUTH_OK)
		;
	assert_int_equal(ev.type, PPP_EV_AUTH_OK);
	assert_int_equal(ev.method, PPP_METHOD_EAP_TLS);
	/* HLAK = MSK[0..31], MSK = PRF(master secret, "client EAP encryption", cr || sr). */
	assert_true(t.s.have_keys);
	memcpy(seed, t.s.cr, 32);
	memcpy(seed + 32, t.s.sr, 32);
	assert_int_equal(mbedtls_ssl_tls_prf(t.s.prf, t.s.ms, 48, "client EAP encryption", seed, 64,
					     msk, 64),
			 0);
	assert_memory_equal(ev.hlak, msk, 32);
	ppp_free(t.p);
	tls_eap_engine_free(e);
	th_server_free(&t.s);
	tls_creds_free(creds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsa4096_chain_at_mru_4091),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
