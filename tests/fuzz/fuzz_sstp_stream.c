/* fuzz_sstp_stream.c - libFuzzer target for the SSTP stream reassembler, the control message
 * decoder and the call state machine. Input: 2 bytes of schedule (chunk sizes, call options),
 * then the server's byte stream. Oracles: the packets the reassembler returns are exactly the
 * input stream cut at the header lengths, whatever the chunking; every decoded control message
 * re-encodes to the same length and decodes to the same fields; the call's events, frames,
 * output and deadlines stay within their documented bounds. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sstp_fsm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t rng_next(uint32_t *s)
{
	uint32_t x = *s ? *s : 0x9E3779B9u;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

/* Re-encodes a decoded message; returns the length or 0 if it has no deterministic encoder. */
static size_t reencode(const struct sstp_ctrl *m, uint8_t *out, size_t cap)
{
	switch (m->type) {
	case SSTP_MSG_CALL_CONNECT_REQUEST:
		return sstp_encode_connect_request(out, cap);
	case SSTP_MSG_CALL_CONNECT_ACK:
		return sstp_encode_connect_ack(out, cap, m->hash_mask, m->nonce);
	case SSTP_MSG_CALL_CONNECT_NAK:
		if (m->n_status > SSTP_CTRL_MAX_STATUS)
			return 0;
		return sstp_encode_connect_nak(out, cap, m->status, m->n_status);
	case SSTP_MSG_CALL_CONNECTED:
		return sstp_encode_call_connected(out, cap, m->hash_proto, m->nonce, m->cert_hash,
						  m->mac);
	case SSTP_MSG_CALL_ABORT:
	case SSTP_MSG_CALL_DISCONNECT:
		if (m->n_status == 1 && m->status[0].value_len != 0)
			return 0;
		return m->type == SSTP_MSG_CALL_ABORT
			       ? sstp_encode_abort(out, cap, m->n_status, m->status[0].attrib_id,
						   m->status[0].status)
			       : sstp_encode_disconnect(out, cap, m->n_status,
							m->status[0].attrib_id, m->status[0].status);
	default:
		return sstp_encode_simple(out, cap, m->type);
	}
}

static void check_ctrl(const uint8_t *pkt, size_t len)
{
	static struct sstp_ctrl m, m2;
	static uint8_t buf[SSTP_MAX_PACKET];
	enum sstp_perr e = sstp_ctrl_decode(pkt, len, &m);
	size_t n;

	if (e != SSTP_PERR_OK) {
		if (sstp_perr_str(e)[0] == '\0')
			abort();
		return;
	}
	if (m.n_status > 0 && m.n_status <= SSTP_CTRL_MAX_STATUS &&
	    m.status[m.n_status - 1].value_len > SSTP_STATUS_VALUE_MAX)
		abort();
	n = reencode(&m, buf, sizeof(buf));
	if (n == 0)
		return;
	if (n != len)
		abort();   /* lengths are strict, so a valid message re-encodes to its own size */
	if (sstp_ctrl_decode(buf, n, &m2) != SSTP_PERR_OK || m2.type != m.type ||
	    m2.present != m.present || m2.n_status != m.n_status ||
	    m2.hash_mask != m.hash_mask || m2.hash_proto != m.hash_proto ||
	    memcmp(m2.nonce, m.nonce, sizeof(m.nonce)) || memcmp(m2.mac, m.mac, sizeof(m.mac)) ||
	    memcmp(m2.cert_hash, m.cert_hash, sizeof(m.cert_hash)) ||
	    memcmp(m2.status, m.status, sizeof(m.status)))
		abort();
}

/* Reassembler oracle: packets are the stream cut at header lengths, whatever the chunking. */
static void run_reasm(const uint8_t *d, size_t n, uint32_t seed)
{
	static struct sstp_reasm r;
	size_t off = 0, pos = 0;

	sstp_reasm_init(&r);
	while (off < n) {
		size_t chunk = 1 + rng_next(&seed) % 600;
		const uint8_t *in = d + off;
		size_t len = n - off < chunk ? n - off : chunk;

		off += len;
		while (len) {
			const uint8_t *pkt;
			size_t used, plen;
			enum sstp_perr err;
			struct sstp_hdr h;
			enum sstp_reasm_rc rc = sstp_reasm_feed(&r, in, len, &used, &pkt, &plen, &err);

			if (used > len)
				abort();
			in += used;
			len -= used;
			if (rc == SSTP_REASM_FATAL) {
				if (err != SSTP_PERR_BAD_VERSION && err != SSTP_PERR_BAD_LENGTH)
					abort();
				/* the bad header is at pos in the stream */
				if (sstp_hdr_decode(d + pos, n - pos, &h) != err)
					abort();
				return;
			}
			if (rc == SSTP_REASM_NEED) {
				if (len != 0)
					abort();
				break;
			}
			if (sstp_hdr_decode(pkt, plen, &h) != SSTP_PERR_OK || h.length != plen ||
			    plen > n - pos || memcmp(pkt, d + pos, plen) != 0)
				abort();
			pos += plen;
			if (h.control)
				check_ctrl(pkt, plen);
		}
	}
}

static int in_range(const uint8_t *p, size_t n, const uint8_t *lo, size_t lo_n)
{
	return p >= lo && p + n <= lo + lo_n;
}

/* The call, driven by the same stream, with ticks and local actions chosen by the schedule. */
static void run_call(const uint8_t *d, size_t n, uint32_t seed, uint8_t opts)
{
	static struct sstp_call call;
	static const uint8_t cert[] = "fuzz certificate";
	static const uint8_t hlak[32];
	static const uint8_t lcp[] = { 0xFF, 0x03, 0xC0, 0x21, 0x09, 0x01, 0x00, 0x04 };
	static const uint8_t ip[] = { 0xFF, 0x03, 0x00, 0x21, 0x45 };
	struct sstp_call_cfg cfg;
	uint64_t now = 1000;
	size_t off = 0;
	int closed = 0;

	sstp_call_cfg_defaults(&cfg);
	cfg.server_cert_der = cert;
	cfg.server_cert_len = sizeof(cert);
	cfg.allowed_hashes = opts & 3;
	if (sstp_call_init(&call, &cfg) != SSTP_PERR_OK)
		abort();
	if (!(opts & 0x80) && sstp_call_start(&call, now) != SSTP_PERR_OK)
		abort();
	while (off < n) {
		size_t chunk = 1 + rng_next(&seed) % 700;
		size_t len = n - off < chunk ? n - off : chunk;
		const uint8_t *in = d + off;
		struct sstp_event ev;
		const uint8_t *p;
		size_t on;
		uint32_t act = rng_next(&seed);

		off += len;
		if (sstp_call_input(&call, in, len, now) != SSTP_PERR_OK)
			abort();
		while (sstp_call_next_event(&call, &ev)) {
			if (closed)
				abort();   /* nothing after CLOSED */
			switch (ev.kind) {
			case SSTP_EV_PPP_FRAME:
				if (ev.frame_len > SSTP_MAX_PPP_FRAME ||
				    !(in_range(ev.frame, ev.frame_len, in, len) ||
				      in_range(ev.frame, ev.frame_len, &call.reasm.buf[0][0],
					       sizeof(call.reasm.buf))))
					abort();
				if (sstp_call_state(&call) != SSTP_ST_ACK_RECEIVED &&
				    sstp_call_state(&call) != SSTP_ST_CONNECTED)
					abort();
				break;
			case SSTP_EV_START_PPP:
				if (opts & 0x40)
					(void)sstp_call_auth_done(&call, hlak, now);
				break;
			case SSTP_EV_ABORTED:
				if (!ev.reason || !ev.reason[0])
					abort();
				break;
			case SSTP_EV_CLOSED:
				closed = 1;
				if (sstp_call_state(&call) != SSTP_ST_CLOSED)
					abort();
				break;
			default:
				break;
			}
		}
		/* local actions */
		if (act & 1)
			(void)sstp_call_send_ppp(&call, lcp, sizeof(lcp));
		if (act & 2)
			(void)sstp_call_send_ppp(&call, ip, sizeof(ip));
		if ((act & 0x3F0) == 0x100)
			sstp_call_disconnect(&call, now);
		now += (act >> 12) % 70000;
		if (sstp_call_deadline(&call) <= now)
			sstp_call_tick(&call, now);
		if (sstp_call_deadline(&call) != UINT64_MAX && sstp_call_deadline(&call) <= now)
			abort();   /* tick must consume an expired timer */
		sstp_call_output(&call, &p, &on);
		if (on > SSTP_CALL_OUTBUF)
			abort();
		if (act & 4)
			sstp_call_output_consume(&call, on);
	}
	/* run the remaining timers out: every call ends CLOSED within a bounded number of ticks */
	{
		int i;
		struct sstp_event ev;
		sstp_call_disconnect(&call, now);
		for (i = 0; i < 8 && sstp_call_deadline(&call) != UINT64_MAX; i++) {
			now = sstp_call_deadline(&call);
			sstp_call_tick(&call, now);
			while (sstp_call_next_event(&call, &ev))
				;
		}
		if (sstp_call_state(&call) != SSTP_ST_CLOSED)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t seed;
	uint8_t opts;

	if (size < 2)
		return 0;
	seed = (uint32_t)data[0] * 2654435761u + 1;
	opts = data[1];
	data += 2;
	size -= 2;
	run_reasm(data, size, seed);
	run_call(data, size, seed, opts);
	return 0;
}
