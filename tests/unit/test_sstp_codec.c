/* test_sstp_codec.c - cmocka tests of the SSTP codec: byte-exact encodings from
 * sstp-protocol.md 1.4, decode round trips for every message, every malformed-input class, the
 * bounded cursor, and the stream reassembler fed byte by byte and in bulk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sstp_codec.h"

static const uint8_t nonce32[32] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
};

/* ---------------------------------------------------------------- exact encodings */

static void test_encode_connect_request(void **state)
{
	static const uint8_t want[] = { 0x10, 0x01, 0x00, 0x0E, 0x00, 0x01, 0x00, 0x01,
					0x00, 0x01, 0x00, 0x06, 0x00, 0x01 };
	uint8_t b[64];
	(void)state;
	assert_int_equal(sstp_encode_connect_request(b, sizeof(b)), sizeof(want));
	assert_memory_equal(b, want, sizeof(want));
	assert_int_equal(sstp_encode_connect_request(b, 13), 0);
}

static void test_encode_disconnect_abort(void **state)
{
	static const uint8_t disc[] = { 0x10, 0x01, 0x00, 0x14, 0x00, 0x06, 0x00, 0x01, 0x00, 0x02,
					0x00, 0x0C, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
	static const uint8_t abrt[] = { 0x10, 0x01, 0x00, 0x14, 0x00, 0x05, 0x00, 0x01, 0x00, 0x02,
					0x00, 0x0C, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08 };
	static const uint8_t abrt0[] = { 0x10, 0x01, 0x00, 0x08, 0x00, 0x05, 0x00, 0x00 };
	uint8_t b[64];
	(void)state;
	assert_int_equal(sstp_encode_disconnect(b, sizeof(b), 1, 0, 0), 20);
	assert_memory_equal(b, disc, 20);
	assert_int_equal(sstp_encode_abort(b, sizeof(b), 1, 0, SSTP_STATUS_NEGOTIATION_TIMEOUT), 20);
	assert_memory_equal(b, abrt, 20);
	assert_int_equal(sstp_encode_abort(b, sizeof(b), 0, 0, 0), 8);
	assert_memory_equal(b, abrt0, 8);
	assert_int_equal(sstp_encode_abort(b, 19, 1, 0, 0), 0);
}

static void test_encode_simple(void **state)
{
	static const uint8_t ack[] = { 0x10, 0x01, 0x00, 0x08, 0x00, 0x07, 0x00, 0x00 };
	static const uint8_t ereq[] = { 0x10, 0x01, 0x00, 0x08, 0x00, 0x08, 0x00, 0x00 };
	static const uint8_t eresp[] = { 0x10, 0x01, 0x00, 0x08, 0x00, 0x09, 0x00, 0x00 };
	uint8_t b[8];
	(void)state;
	assert_int_equal(sstp_encode_simple(b, 8, SSTP_MSG_CALL_DISCONNECT_ACK), 8);
	assert_memory_equal(b, ack, 8);
	assert_int_equal(sstp_encode_simple(b, 8, SSTP_MSG_ECHO_REQUEST), 8);
	assert_memory_equal(b, ereq, 8);
	assert_int_equal(sstp_encode_simple(b, 8, SSTP_MSG_ECHO_RESPONSE), 8);
	assert_memory_equal(b, eresp, 8);
	assert_int_equal(sstp_encode_simple(b, 8, SSTP_MSG_CALL_ABORT), 0);
	assert_int_equal(sstp_encode_simple(b, 7, SSTP_MSG_ECHO_REQUEST), 0);
}

static void test_encode_call_connected_layout(void **state)
{
	static const uint8_t head[] = { 0x10, 0x01, 0x00, 0x70, 0x00, 0x04, 0x00, 0x01,
					0x00, 0x03, 0x00, 0x68, 0x00, 0x00, 0x00, 0x02 };
	uint8_t ch[32], mac[32], b[112];
	(void)state;
	memset(ch, 0xAA, sizeof(ch));
	memset(mac, 0xBB, sizeof(mac));
	assert_int_equal(sstp_encode_call_connected(b, sizeof(b), SSTP_HASH_SHA256, nonce32, ch, mac),
			 112);
	assert_memory_equal(b, head, sizeof(head));
	assert_memory_equal(b + 16, nonce32, 32);
	assert_memory_equal(b + 48, ch, 32);
	assert_memory_equal(b + 80, mac, 32);
	assert_int_equal(sstp_encode_call_connected(b, 111, 2, nonce32, ch, mac), 0);
}

static void test_data_header(void **state)
{
	uint8_t h[4], b[SSTP_MAX_PACKET + 10];
	static const uint8_t frame[] = { 0xFF, 0x03, 0xC0, 0x21, 0x01, 0x01, 0x00, 0x04 };
	(void)state;
	assert_int_equal(sstp_data_header(h, 8), SSTP_PERR_OK);
	assert_int_equal(h[0], 0x10);
	assert_int_equal(h[1], 0x00);
	assert_int_equal(h[2], 0x00);
	assert_int_equal(h[3], 12);
	assert_int_equal(sstp_data_header(h, SSTP_MAX_PPP_FRAME), SSTP_PERR_OK);
	assert_int_equal(h[2], 0x0F);
	assert_int_equal(h[3], 0xFF);
	assert_int_equal(sstp_data_header(h, SSTP_MAX_PPP_FRAME + 1), SSTP_PERR_INVAL);
	assert_int_equal(sstp_encode_data(b, sizeof(b), frame, sizeof(frame)), 12);
	assert_memory_equal(b + 4, frame, sizeof(frame));
	assert_int_equal(sstp_encode_data(b, sizeof(b), b, SSTP_MAX_PPP_FRAME + 1), 0);
	assert_int_equal(sstp_encode_data(b, 11, frame, sizeof(frame)), 0);
}

/* ---------------------------------------------------------------- round trips */

static void test_roundtrip_all(void **state)
{
	struct sstp_ctrl m;
	struct sstp_status_info st[2];
	uint8_t b[512], ch[32], mac[32];
	size_t n;
	uint16_t t;
	(void)state;

	n = sstp_encode_connect_request(b, sizeof(b));
	assert_int_equal(sstp_ctrl_decode(b, n, &m), SSTP_PERR_OK);
	assert_int_equal(m.type, SSTP_MSG_CALL_CONNECT_REQUEST);
	assert_int_equal(m.protocol_id, 1);

	n = sstp_encode_connect_ack(b, sizeof(b), 3, nonce32);
	assert_int_equal(n, 48);
	assert_int_equal(sstp_ctrl_decode(b, n, &m), SSTP_PERR_OK);
	assert_int_equal(m.type, SSTP_MSG_CALL_CONNECT_ACK);
	assert_int_equal(m.hash_mask, 3);
	assert_memory_equal(m.nonce, nonce32, 32);

	memset(st, 0, sizeof(st));
	st[0].attrib_id = SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID;
	st[0].status = SSTP_STATUS_VALUE_NOT_SUPPORTED;
	st[0].value[0] = 0x00;
	st[0].value[1] = 0x02;
	st[0].value_len = 2;
	st[1].attrib_id = 0;
	st[1].status = SSTP_STATUS_REQUIRED_ATTRIBUTE_MISSING;
	n = sstp_encode_connect_nak(b, sizeof(b), st, 2);
	assert_int_equal(n, 8 + 14 + 12);
	assert_int_equal(sstp_ctrl_decode(b, n, &m), SSTP_PERR_OK);
	assert_int_equal(m.type, SSTP_MSG_CALL_CONNECT_NAK);
	assert_int_equal(m.n_status, 2);
	assert_int_equal(m.status[0].attrib_id, 1);
	assert_int_equal(m.status[0].status, 4);
	assert_int_equal(m.status[0].value_len, 2);
	assert_int_equal(m.status[0].value[1], 2);
	assert_int_equal(m.status[1].status, 0x0A);

	memset(ch, 0x11, 32);
	memset(mac, 0x22, 32);
	n = sstp_encode_call_connected(b, sizeof(b), SSTP_HASH_SHA1, nonce32, ch, mac);
	assert_int_equal(sstp_ctrl_decode(b, n, &m), SSTP_PERR_OK);
	assert_int_equal(m.type, SSTP_MSG_CALL_CONNECTED);
	assert_int_equal(m.hash_proto, 1);
	assert_memory_equal(m.cert_hash, ch, 32);
	assert_memory_equal(m.mac, mac, 32);

	n = sstp_encode_abort(b, sizeof(b), 1, 3, 0x07);
	assert_int_equal(sstp_ctrl_decode(b, n, &m), SSTP_PERR_OK);
	assert_int_equal(m.type, SSTP_MSG_CALL_ABORT);
	assert_int_equal(m.n_status, 1);
	assert_int_equal(m.status[0].attrib_id, 3);
	assert_int_equal(m.status[0].status, 7);
	n = sstp_encode_abort(b, sizeof(b), 0, 0, 0);
	assert_int_equal(sstp_ctrl_decode(b, n, &m), SSTP_PERR_OK);
	assert_int_equal(m.n_status, 0);

	n = sstp_encode_disconnect(b, sizeof(b), 1, 0, 0);
	assert_int_equal(sstp_ctrl_decode(b, n, &m), SSTP_PERR_OK);
	assert_int_equal(m.type, SSTP_MSG_CALL_DISCONNECT);
	n = sstp_encode_disconnect(b, sizeof(b), 0, 0, 0);
	assert_int_equal(sstp_ctrl_decode(b, n, &m), SSTP_PERR_OK);

	for (t = SSTP_MSG_CALL_DISCONNECT_ACK; t <= SSTP_MSG_ECHO_RESPONSE; t++) {
		n = sstp_encode_simple(b, sizeof(b), t);
		assert_int_equal(sstp_ctrl_decode(b, n, &m), SSTP_PERR_OK);
		assert_int_equal(m.type, t);
		assert_int_equal(m.num_attrs, 0);
	}
	assert_string_equal(sstp_msg_name(SSTP_MSG_CALL_CONNECT_ACK), "CALL_CONNECT_ACK");
	assert_string_equal(sstp_msg_name(77), "unknown message");
	assert_string_equal(sstp_status_name(8), "NEGOTIATION_TIMEOUT");
}

/* ---------------------------------------------------------------- malformed input */

static enum sstp_perr dec(const uint8_t *p, size_t n, struct sstp_ctrl *m)
{
	return sstp_ctrl_decode(p, n, m);
}

static void test_hdr_errors(void **state)
{
	struct sstp_hdr h;
	struct sstp_ctrl m;
	uint8_t b[64];
	size_t n;
	(void)state;

	n = sstp_encode_simple(b, sizeof(b), SSTP_MSG_ECHO_REQUEST);
	/* short header */
	assert_int_equal(sstp_hdr_decode(b, 3, &h), SSTP_PERR_TRUNCATED);
	assert_int_equal(dec(b, 3, &m), SSTP_PERR_TRUNCATED);
	assert_int_equal(dec(NULL, 0, &m), SSTP_PERR_TRUNCATED);
	/* length above what arrived */
	assert_int_equal(dec(b, n - 1, &m), SSTP_PERR_TRUNCATED);
	/* wrong version */
	b[0] = 0x11;
	assert_int_equal(dec(b, n, &m), SSTP_PERR_BAD_VERSION);
	b[0] = 0x10;
	/* length < 4 */
	b[3] = 3;
	assert_int_equal(dec(b, n, &m), SSTP_PERR_BAD_LENGTH);
	/* control packet shorter than 8 */
	b[3] = 6;
	assert_int_equal(dec(b, n, &m), SSTP_PERR_BAD_LENGTH);
	b[3] = 8;
	/* R bits ignored on receive */
	b[2] = 0xF0;
	assert_int_equal(dec(b, n, &m), SSTP_PERR_OK);
	b[2] = 0x00;
	/* data packet given to the control decoder */
	b[1] = 0;
	assert_int_equal(dec(b, n, &m), SSTP_PERR_INVAL);
	b[1] = 0xFF;   /* reserved bits ignored, C = 1 */
	assert_int_equal(dec(b, n, &m), SSTP_PERR_OK);
}

static void test_attr_errors(void **state)
{
	struct sstp_ctrl m;
	uint8_t b[128], c[128];
	size_t n;
	(void)state;

	n = sstp_encode_connect_ack(b, sizeof(b), 2, nonce32);

	/* attribute length overflowing the packet */
	memcpy(c, b, n);
	c[11] = 41;
	assert_int_equal(dec(c, n, &m), SSTP_PERR_ATTR_OVERFLOW);
	/* attribute length < 4 */
	c[11] = 3;
	assert_int_equal(dec(c, n, &m), SSTP_PERR_ATTR_OVERFLOW);
	/* wrong fixed length that still fits: 36 -> attribute shorter, trailing bytes */
	memcpy(c, b, n);
	c[11] = 36;
	assert_int_equal(dec(c, n, &m), SSTP_PERR_ATTR_LENGTH);
	/* Num Attributes says 2 but only 1 present */
	memcpy(c, b, n);
	c[7] = 2;
	assert_int_equal(dec(c, n, &m), SSTP_PERR_ATTR_COUNT);
	/* Num Attributes says 0: trailing bytes */
	c[7] = 0;
	assert_int_equal(dec(c, n, &m), SSTP_PERR_ATTR_COUNT);
	/* partial attribute header (2 bytes of an attribute) */
	memcpy(c, b, n);
	c[7] = 2;
	c[n] = 0;
	c[n + 1] = 4;
	c[3] = (uint8_t)(n + 2);
	assert_int_equal(dec(c, n + 2, &m), SSTP_PERR_ATTR_OVERFLOW);
	/* unknown attribute id */
	memcpy(c, b, n);
	c[9] = 0x05;
	assert_int_equal(dec(c, n, &m), SSTP_PERR_ATTR_UNKNOWN);
	assert_int_equal(m.bad_attr, 5);
	c[9] = 0x00;
	assert_int_equal(dec(c, n, &m), SSTP_PERR_ATTR_UNKNOWN);
	/* duplicate attribute */
	memcpy(c, b, n);
	memcpy(c + n, b + 8, 40);
	c[3] = (uint8_t)(n + 40);
	c[7] = 2;
	assert_int_equal(dec(c, n + 40, &m), SSTP_PERR_ATTR_DUPLICATE);
	/* attribute not allowed: ENCAPSULATED_PROTOCOL_ID inside an ACK */
	memcpy(c, b, n);
	c[3] = (uint8_t)(n + 6);
	c[7] = 2;
	memcpy(c + n, (const uint8_t[]){ 0, 1, 0, 6, 0, 1 }, 6);
	assert_int_equal(dec(c, n + 6, &m), SSTP_PERR_ATTR_NOT_ALLOWED);
	assert_int_equal(m.bad_attr, 1);
	/* required attribute missing: ACK without attributes */
	memcpy(c, (const uint8_t[]){ 0x10, 1, 0, 8, 0, 2, 0, 0 }, 8);
	assert_int_equal(dec(c, 8, &m), SSTP_PERR_ATTR_MISSING);
	/* unknown message type */
	memcpy(c, (const uint8_t[]){ 0x10, 1, 0, 8, 0, 0x0A, 0, 0 }, 8);
	assert_int_equal(dec(c, 8, &m), SSTP_PERR_UNKNOWN_MSG);
	memcpy(c, (const uint8_t[]){ 0x10, 1, 0, 8, 0, 0, 0, 0 }, 8);
	assert_int_equal(dec(c, 8, &m), SSTP_PERR_UNKNOWN_MSG);
	/* attribute in ECHO_REQUEST */
	n = sstp_encode_abort(c, sizeof(c), 1, 0, 0);
	c[5] = SSTP_MSG_ECHO_REQUEST;
	assert_int_equal(dec(c, n, &m), SSTP_PERR_ATTR_NOT_ALLOWED);
	/* wrong fixed length of ENCAPSULATED_PROTOCOL_ID */
	memcpy(c, (const uint8_t[]){ 0x10, 1, 0, 15, 0, 1, 0, 1, 0, 1, 0, 7, 0, 1, 0 }, 15);
	assert_int_equal(dec(c, 15, &m), SSTP_PERR_ATTR_LENGTH);
	/* protocol id other than PPP */
	n = sstp_encode_connect_request(c, sizeof(c));
	c[13] = 2;
	assert_int_equal(dec(c, n, &m), SSTP_PERR_BAD_VALUE);
	assert_int_equal(sstp_perr_abort_status(SSTP_PERR_BAD_VALUE),
			 SSTP_STATUS_VALUE_NOT_SUPPORTED);
	/* CALL_CONNECTED with hash protocol 3 */
	{
		uint8_t z[32] = { 0 };
		n = sstp_encode_call_connected(c, sizeof(c), 3, nonce32, z, z);
		assert_int_equal(dec(c, n, &m), SSTP_PERR_BAD_VALUE);
		n = sstp_encode_call_connected(c, sizeof(c), 2, nonce32, z, z);
		c[11] = 0x67;   /* CRYPTO_BINDING length 103 */
		assert_int_equal(dec(c, n, &m), SSTP_PERR_ATTR_LENGTH);
	}
}

static void test_status_info_errors(void **state)
{
	struct sstp_ctrl m;
	struct sstp_status_info st[5];
	uint8_t b[512];
	size_t n;
	(void)state;

	memset(st, 0, sizeof(st));
	/* STATUS_INFO too short: length 8 (4-byte header + 4) */
	memcpy(b, (const uint8_t[]){ 0x10, 1, 0, 16, 0, 3, 0, 1, 0, 2, 0, 8, 0, 0, 0, 1 }, 16);
	assert_int_equal(dec(b, 16, &m), SSTP_PERR_STATUS_SHORT);
	assert_int_equal(m.bad_attr, SSTP_ATTR_STATUS_INFO);
	/* STATUS_INFO too long: 12 + 65 */
	memset(b, 0, sizeof(b));
	memcpy(b, (const uint8_t[]){ 0x10, 1, 0, 8 + 77, 0, 3, 0, 1, 0, 2, 0, 77 }, 12);
	assert_int_equal(dec(b, 8 + 77, &m), SSTP_PERR_STATUS_SHORT);
	/* 64 value bytes is the maximum accepted */
	b[3] = 8 + 76;
	b[11] = 76;
	assert_int_equal(dec(b, 8 + 76, &m), SSTP_PERR_OK);
	assert_int_equal(m.status[0].value_len, 64);
	/* NAK without STATUS_INFO */
	memcpy(b, (const uint8_t[]){ 0x10, 1, 0, 8, 0, 3, 0, 0 }, 8);
	assert_int_equal(dec(b, 8, &m), SSTP_PERR_ATTR_MISSING);
	/* two STATUS_INFOs in ABORT are a duplicate; five in a NAK are fine (4 stored) */
	n = sstp_encode_connect_nak(b, sizeof(b), st, 2);
	b[5] = SSTP_MSG_CALL_ABORT;
	assert_int_equal(dec(b, n, &m), SSTP_PERR_ATTR_DUPLICATE);
	n = sstp_encode_connect_nak(b, sizeof(b), st, 5);
	assert_int_equal(dec(b, n, &m), SSTP_PERR_OK);
	assert_int_equal(m.n_status, 5);
	/* STATUS_INFO in CONNECTED-type message is not allowed */
	n = sstp_encode_connect_nak(b, sizeof(b), st, 1);
	b[5] = SSTP_MSG_ECHO_RESPONSE;
	assert_int_equal(dec(b, n, &m), SSTP_PERR_ATTR_NOT_ALLOWED);
	/* value too large for the encoder */
	st[0].value_len = 65;
	assert_int_equal(sstp_encode_connect_nak(b, sizeof(b), st, 1), 0);
	assert_int_equal(sstp_encode_connect_nak(b, sizeof(b), st, 0), 0);
}

static void test_cursor(void **state)
{
	static const uint8_t d[] = { 1, 2, 3, 4, 5, 6, 7 };
	struct sstp_cur c;
	uint8_t o[4];
	(void)state;
	sstp_cur_init(&c, d, sizeof(d));
	assert_int_equal(sstp_cur_u8(&c), 1);
	assert_int_equal(sstp_cur_u16(&c), 0x0203);
	assert_int_equal(sstp_cur_u32(&c), 0x04050607);
	assert_int_equal(sstp_cur_left(&c), 0);
	assert_int_equal(c.err, 0);
	assert_int_equal(sstp_cur_u8(&c), 0);
	assert_int_equal(c.err, 1);
	sstp_cur_init(&c, d, 3);
	memset(o, 0x55, sizeof(o));
	sstp_cur_bytes(&c, o, 4);
	assert_int_equal(c.err, 1);
	assert_int_equal(o[0], 0);   /* zero-filled on underflow */
	assert_int_equal(sstp_cur_u16(&c), 0);   /* sticky */
	sstp_cur_init(&c, NULL, 5);
	assert_int_equal(sstp_cur_left(&c), 0);
}

/* ---------------------------------------------------------------- reassembler */

/* A stream of several packets of different kinds and sizes. */
static size_t build_stream(uint8_t *s, size_t cap, size_t *lens, size_t *count)
{
	uint8_t frame[SSTP_MAX_PPP_FRAME];
	size_t n = 0, k = 0, i;

	for (i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)(i * 7);
	lens[k] = sstp_encode_connect_ack(s + n, cap - n, 3, nonce32); n += lens[k++];
	lens[k] = sstp_encode_data(s + n, cap - n, frame, 10); n += lens[k++];
	lens[k] = sstp_encode_data(s + n, cap - n, frame, 0); n += lens[k++];
	lens[k] = sstp_encode_simple(s + n, cap - n, SSTP_MSG_ECHO_REQUEST); n += lens[k++];
	lens[k] = sstp_encode_data(s + n, cap - n, frame, SSTP_MAX_PPP_FRAME); n += lens[k++];
	lens[k] = sstp_encode_data(s + n, cap - n, frame, 1500); n += lens[k++];
	lens[k] = sstp_encode_abort(s + n, cap - n, 1, 0, 5); n += lens[k++];
	*count = k;
	return n;
}

static void check_feed(size_t chunk)
{
	static uint8_t s[12000];
	static struct sstp_reasm r;
	size_t lens[16], count, total, off = 0, k = 0, pos = 0;
	const uint8_t *pkt;
	size_t plen, used;
	enum sstp_perr err;

	total = build_stream(s, sizeof(s), lens, &count);
	sstp_reasm_init(&r);
	while (off < total) {
		size_t len = total - off < chunk ? total - off : chunk;
		const uint8_t *in = s + off;
		off += len;
		while (len) {
			enum sstp_reasm_rc rc = sstp_reasm_feed(&r, in, len, &used, &pkt, &plen, &err);
			assert_true(used <= len);
			in += used;
			len -= used;
			assert_int_not_equal(rc, SSTP_REASM_FATAL);
			if (rc == SSTP_REASM_PACKET) {
				assert_true(k < count);
				assert_int_equal(plen, lens[k]);
				assert_memory_equal(pkt, s + pos, plen);
				pos += plen;
				k++;
			} else {
				assert_int_equal(len, 0);
			}
		}
	}
	assert_int_equal(k, count);
	assert_int_equal(r.have, 0);
}

static void test_reasm_split_everywhere(void **state)
{
	static const size_t chunks[] = { 1, 2, 3, 4, 5, 7, 13, 100, 4095, 4096, 5000, 100000 };
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++)
		check_feed(chunks[i]);
}

/* Split one two-packet stream at every single byte position. */
static void test_reasm_every_split_point(void **state)
{
	uint8_t s[200];
	struct sstp_reasm r;
	size_t a, b, total, cut;
	(void)state;

	a = sstp_encode_connect_ack(s, sizeof(s), 2, nonce32);
	b = sstp_encode_simple(s + a, sizeof(s) - a, SSTP_MSG_ECHO_RESPONSE);
	total = a + b;
	for (cut = 0; cut <= total; cut++) {
		const uint8_t *pkt, *in;
		size_t plen, used, len, got = 0;
		enum sstp_perr err;
		int part;

		sstp_reasm_init(&r);
		for (part = 0; part < 2; part++) {
			in = part ? s + cut : s;
			len = part ? total - cut : cut;
			while (len) {
				enum sstp_reasm_rc rc =
					sstp_reasm_feed(&r, in, len, &used, &pkt, &plen, &err);
				in += used;
				len -= used;
				if (rc == SSTP_REASM_PACKET) {
					assert_int_equal(plen, got == 0 ? a : b);
					assert_memory_equal(pkt, got == 0 ? s : s + a, plen);
					got++;
				}
			}
		}
		assert_int_equal(got, 2);
	}
}

static void test_reasm_fatal(void **state)
{
	static struct sstp_reasm r;
	uint8_t s[16] = { 0x10, 0x01, 0x00, 0x08, 0x00, 0x08, 0x00, 0x00,
			  0x20, 0x01, 0x00, 0x08, 0x00, 0x08, 0x00, 0x00 };
	const uint8_t *pkt;
	size_t plen, used;
	enum sstp_perr err;
	size_t i;
	(void)state;

	/* bad version after a good packet, fed byte by byte */
	sstp_reasm_init(&r);
	for (i = 0; i < 8; i++)
		assert_int_equal(sstp_reasm_feed(&r, s + i, 1, &used, &pkt, &plen, &err),
				 i == 7 ? SSTP_REASM_PACKET : SSTP_REASM_NEED);
	for (i = 8; i < 11; i++)
		assert_int_equal(sstp_reasm_feed(&r, s + i, 1, &used, &pkt, &plen, &err),
				 SSTP_REASM_NEED);
	assert_int_equal(sstp_reasm_feed(&r, s + 11, 1, &used, &pkt, &plen, &err),
			 SSTP_REASM_FATAL);
	assert_int_equal(err, SSTP_PERR_BAD_VERSION);
	/* stays dead */
	assert_int_equal(sstp_reasm_feed(&r, s, 8, &used, &pkt, &plen, &err), SSTP_REASM_FATAL);
	assert_int_equal(used, 0);

	/* length < 4 in one piece */
	sstp_reasm_init(&r);
	s[0] = 0x10;
	s[3] = 0x02;
	assert_int_equal(sstp_reasm_feed(&r, s, 8, &used, &pkt, &plen, &err), SSTP_REASM_FATAL);
	assert_int_equal(err, SSTP_PERR_BAD_LENGTH);
	/* length field with R bits set masks to 0 -> fatal */
	sstp_reasm_init(&r);
	s[2] = 0xF0;
	s[3] = 0x00;
	assert_int_equal(sstp_reasm_feed(&r, s, 8, &used, &pkt, &plen, &err), SSTP_REASM_FATAL);
	/* empty data packet (length 4) is legal */
	sstp_reasm_init(&r);
	memcpy(s, (const uint8_t[]){ 0x10, 0, 0, 4 }, 4);
	assert_int_equal(sstp_reasm_feed(&r, s, 4, &used, &pkt, &plen, &err), SSTP_REASM_PACKET);
	assert_int_equal(plen, 4);
	assert_true(pkt == s);   /* zero copy */
	assert_int_equal(sstp_reasm_feed(&r, NULL, 0, &used, &pkt, &plen, &err), SSTP_REASM_NEED);
}

/* A packet completed in the reassembler stays intact while the next partial one is buffered. */
static void test_reasm_buffer_lifetime(void **state)
{
	static struct sstp_reasm r;
	uint8_t s[128];
	const uint8_t *pkt, *first;
	size_t plen, used, a;
	enum sstp_perr err;
	uint8_t copy[48];
	(void)state;

	a = sstp_encode_connect_ack(s, sizeof(s), 2, nonce32);
	assert_int_equal(sstp_encode_connect_ack(s + a, sizeof(s) - a, 1, nonce32), 48);
	sstp_reasm_init(&r);
	assert_int_equal(sstp_reasm_feed(&r, s, 10, &used, &pkt, &plen, &err), SSTP_REASM_NEED);
	assert_int_equal(sstp_reasm_feed(&r, s + 10, 96 - 10, &used, &first, &plen, &err),
			 SSTP_REASM_PACKET);
	assert_int_equal(used, a - 10);
	memcpy(copy, first, 48);
	/* the next 10 bytes of the second packet go to the other buffer */
	assert_int_equal(sstp_reasm_feed(&r, s + a, 10, &used, &pkt, &plen, &err), SSTP_REASM_NEED);
	assert_memory_equal(first, copy, 48);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_connect_request),
		cmocka_unit_test(test_encode_disconnect_abort),
		cmocka_unit_test(test_encode_simple),
		cmocka_unit_test(test_encode_call_connected_layout),
		cmocka_unit_test(test_data_header),
		cmocka_unit_test(test_roundtrip_all),
		cmocka_unit_test(test_hdr_errors),
		cmocka_unit_test(test_attr_errors),
		cmocka_unit_test(test_status_info_errors),
		cmocka_unit_test(test_cursor),
		cmocka_unit_test(test_reasm_split_everywhere),
		cmocka_unit_test(test_reasm_every_split_point),
		cmocka_unit_test(test_reasm_fatal),
		cmocka_unit_test(test_reasm_buffer_lifetime),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
