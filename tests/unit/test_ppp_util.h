/* test_ppp_util.h - helpers shared by the ppp/ unit tests: a deterministic random source,
 * engine setup, collecting output frames and events, and building frames to feed in. */
#ifndef TEST_PPP_UTIL_H
#define TEST_PPP_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ppp.h"
#include "ppp_internal.h"

struct test_rand {
	uint32_t state;
	/* Optional scripted bytes handed out first (e.g. the RFC 2759 PeerChallenge). */
	const uint8_t *script;
	size_t script_len, script_off;
};

static inline void test_random(void *ctx, uint8_t *buf, size_t n)
{
	struct test_rand *r = ctx;
	for (size_t i = 0; i < n; i++) {
		if (r->script && r->script_off < r->script_len) {
			buf[i] = r->script[r->script_off++];
			continue;
		}
		r->state = r->state * 1103515245u + 12345u;
		buf[i] = (uint8_t)(r->state >> 16);
	}
}

static inline void test_config(struct ppp_config *c, struct test_rand *r)
{
	memset(c, 0, sizeof(*c));
	memset(r, 0, sizeof(*r));
	r->state = 42;
	c->random = test_random;
	c->random_ctx = r;
	c->user = "user";
	c->user_len = 4;
	c->password = "secret";
	c->password_len = 6;
	c->auth = PPP_AUTH_PAP | PPP_AUTH_MSCHAPV2;
	c->request_dns = true;
}

#define TF_MAX 64
struct tframes {
	size_t n;
	uint8_t buf[TF_MAX][PPP_FRAME_MAX];
	size_t len[TF_MAX];
};

/* Move every pending output frame of p into f (appending). */
static inline void take_frames(struct ppp *p, struct tframes *f)
{
	const uint8_t *fr;
	size_t len;
	while (ppp_next_output(p, &fr, &len) == 1) {
		assert_true(len >= 4 && len <= PPP_FRAME_MAX);
		assert_int_equal(fr[0], 0xFF);
		assert_int_equal(fr[1], 0x03);
		if (f->n < TF_MAX) {
			memcpy(f->buf[f->n], fr, len);
			f->len[f->n] = len;
			f->n++;
		}
	}
}

static inline void clear_frames(struct ppp *p, struct tframes *f)
{
	f->n = 0;
	take_frames(p, f);
}

static inline uint16_t tf_proto(const struct tframes *f, size_t i)
{
	return (uint16_t)(f->buf[i][2] << 8 | f->buf[i][3]);
}

static inline uint8_t tf_code(const struct tframes *f, size_t i)
{
	return f->buf[i][4];
}

static inline uint8_t tf_id(const struct tframes *f, size_t i)
{
	return f->buf[i][5];
}

/* Index of the first frame with proto and code, or -1. */
static inline int tf_find(const struct tframes *f, uint16_t proto, uint8_t code)
{
	for (size_t i = 0; i < f->n; i++)
		if (tf_proto(f, i) == proto && f->len[i] >= 5 && tf_code(f, i) == code)
			return (int)i;
	return -1;
}

/* Feed a control packet: proto, code, id, then data bytes. Returns ppp_input's result. */
static inline int feed_pkt(struct ppp *p, uint64_t now, uint16_t proto, uint8_t code, uint8_t id,
			   const void *data, size_t len)
{
	uint8_t fr[PPP_FRAME_MAX + 16];
	struct ppp_data d;
	assert_true(len + 8 <= sizeof(fr));
	fr[0] = 0xFF;
	fr[1] = 0x03;
	fr[2] = (uint8_t)(proto >> 8);
	fr[3] = (uint8_t)proto;
	fr[4] = code;
	fr[5] = id;
	fr[6] = (uint8_t)((len + 4) >> 8);
	fr[7] = (uint8_t)(len + 4);
	if (len)
		memcpy(fr + 8, data, len);
	return ppp_input(p, fr, len + 8, now, &d);
}

/* Next event of a given type (skipping others); returns 1 when found. */
static inline int find_event(struct ppp *p, enum ppp_event_type t, struct ppp_event *ev)
{
	while (ppp_next_event(p, ev) == 1)
		if (ev->type == t)
			return 1;
	return 0;
}

static inline void hex2bin(const char *hex, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		char b[3] = {hex[2 * i], hex[2 * i + 1], 0};
		v = (unsigned)strtoul(b, NULL, 16);
		out[i] = (uint8_t)v;
	}
}

/* Bring LCP to Opened: the server asks for MRU 1500, auth_opt (may be empty) and magic
 * 0x11223344, and acks our request. Frames produced are left in f. */
static inline void lcp_up_with(struct ppp *p, struct tframes *f, const uint8_t *auth_opt,
			       size_t auth_len, uint64_t now)
{
	uint8_t req[64];
	size_t n = 0;
	int i;
	ppp_lower_up(p, now);
	clear_frames(p, f);
	i = tf_find(f, PPP_PROTO_LCP, 1);
	assert_true(i >= 0);
	req[n++] = 1;
	req[n++] = 4;
	req[n++] = 0x05;
	req[n++] = 0xDC;
	if (auth_len)
		memcpy(req + n, auth_opt, auth_len);
	n += auth_len;
	memcpy(req + n, "\x05\x06\x11\x22\x33\x44", 6);
	n += 6;
	feed_pkt(p, now, PPP_PROTO_LCP, 1, 0x50, req, n);
	/* Ack exactly what we sent. */
	feed_pkt(p, now, PPP_PROTO_LCP, 2, tf_id(f, (size_t)i), f->buf[i] + 8, f->len[i] - 8);
	assert_string_equal(ppp_state_name(p, PPP_PROTO_LCP), "Opened");
	take_frames(p, f);
}

#endif
