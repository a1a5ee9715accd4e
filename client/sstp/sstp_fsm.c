/* sstp_fsm.c - the SSTP client call state machine ([MS-SSTP] 3.1.1.1, 3.2.1.1, 3.2.5, 3.2.7):
 * packet dispatch per state, the single running timer (negotiation, hello, abort or disconnect),
 * event queue and output buffer. Input is parsed lazily, one packet per step, from the buffer the
 * caller handed to sstp_call_input, so events never outnumber the small queue. */
#include "sstp_fsm.h"

#include <string.h>

#define NO_DEADLINE UINT64_MAX

/* ---------------------------------------------------------------- small helpers */

static void push_ev(struct sstp_call *c, const struct sstp_event *ev)
{
	/* Each processing step adds at most two events and next_event drains the queue before
	 * the next step; a caller ignoring events loses the newest ones instead of overflowing. */
	if (c->ev_count >= SSTP_CALL_EVQ)
		return;
	c->evq[(c->ev_head + c->ev_count) % SSTP_CALL_EVQ] = *ev;
	c->ev_count++;
}

static void push_simple(struct sstp_call *c, enum sstp_event_kind kind, uint32_t status)
{
	struct sstp_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.status = status;
	push_ev(c, &ev);
}

static int out_put(struct sstp_call *c, const uint8_t *p, size_t n)
{
	if (SSTP_CALL_OUTBUF - c->out_len < n && c->out_off > 0) {
		memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
		c->out_len -= c->out_off;
		c->out_off = 0;
	}
	if (SSTP_CALL_OUTBUF - c->out_len < n)
		return -1;
	memcpy(c->out + c->out_len, p, n);
	c->out_len += n;
	return 0;
}

static void send_simple(struct sstp_call *c, uint16_t type)
{
	uint8_t b[8];

	if (sstp_encode_simple(b, sizeof(b), type))
		(void)out_put(c, b, sizeof(b));
}

static void arm(struct sstp_call *c, uint64_t now, uint32_t ms)
{
	c->deadline = now > NO_DEADLINE - ms ? NO_DEADLINE - 1 : now + ms;
}

static int teardown(enum sstp_state st)
{
	return st == SSTP_ST_ABORT_PENDING || st == SSTP_ST_ABORT_TIMEOUT_PENDING ||
	       st == SSTP_ST_DISCONNECT_ACK_PENDING || st == SSTP_ST_DISCONNECT_TIMEOUT_PENDING ||
	       st == SSTP_ST_CLOSED;
}

/* Teardown finished: CLOSED event, terminal state, pending input dropped. */
static void close_call(struct sstp_call *c)
{
	c->state = SSTP_ST_CLOSED;
	c->deadline = NO_DEADLINE;
	c->in = NULL;
	c->in_len = 0;
	push_simple(c, SSTP_EV_CLOSED, 0);
}

static void emit_aborted(struct sstp_call *c, enum sstp_abort_cause cause, uint32_t status,
			 const char *reason)
{
	struct sstp_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = SSTP_EV_ABORTED;
	ev.cause = cause;
	ev.status = status;
	ev.reason = reason;
	push_ev(c, &ev);
}

/* We abort: send CALL_ABORT with one STATUS_INFO, wait T_ABORT1 (3.1.5.1). */
static void abort_call(struct sstp_call *c, uint64_t now, uint32_t status, uint8_t attrib,
		       enum sstp_abort_cause cause, const char *reason)
{
	uint8_t b[20];

	if (sstp_encode_abort(b, sizeof(b), 1, attrib, status))
		(void)out_put(c, b, sizeof(b));
	emit_aborted(c, cause, status, reason);
	c->state = SSTP_ST_ABORT_PENDING;
	arm(c, now, c->cfg.abort1_ms);
}

static const char *decode_reason(enum sstp_perr e)
{
	switch (e) {
	case SSTP_PERR_TRUNCATED: return "gateway sent a truncated SSTP control message";
	case SSTP_PERR_BAD_LENGTH: return "gateway sent an SSTP control message shorter than 8 bytes";
	case SSTP_PERR_ATTR_OVERFLOW: return "gateway sent an SSTP attribute that overflows its message";
	case SSTP_PERR_ATTR_DUPLICATE: return "gateway sent a duplicate SSTP attribute";
	case SSTP_PERR_ATTR_UNKNOWN: return "gateway sent an unknown SSTP attribute";
	case SSTP_PERR_ATTR_LENGTH: return "gateway sent an SSTP attribute with a wrong length";
	case SSTP_PERR_STATUS_SHORT: return "gateway sent a STATUS_INFO attribute with an invalid length";
	case SSTP_PERR_ATTR_NOT_ALLOWED: return "gateway sent an SSTP attribute not allowed in its message";
	case SSTP_PERR_ATTR_MISSING: return "gateway sent an SSTP message without a required attribute";
	case SSTP_PERR_ATTR_COUNT: return "gateway sent an SSTP message whose attribute count does not match its length";
	case SSTP_PERR_BAD_VALUE: return "gateway sent an unsupported SSTP attribute value";
	case SSTP_PERR_UNKNOWN_MSG: return "gateway sent an unknown SSTP message type";
	default: return "gateway sent an invalid SSTP message";
	}
}

/* ---------------------------------------------------------------- public helpers */

uint16_t sstp_ppp_protocol(const uint8_t *f, size_t len)
{
	if (!f)
		return 0;
	if (len >= 2 && f[0] == 0xFF && f[1] == 0x03) {
		f += 2;
		len -= 2;
	}
	if (len < 1)
		return 0;
	if (f[0] & 0x01)             /* protocol field compressed to one byte */
		return f[0];
	if (len < 2)
		return 0;
	return (uint16_t)((f[0] << 8) | f[1]);
}

const char *sstp_call_state_name(enum sstp_state st)
{
	switch (st) {
	case SSTP_ST_DISCONNECTED: return "Call_Disconnected";
	case SSTP_ST_REQUEST_SENT: return "Connect_Request_Sent";
	case SSTP_ST_ACK_RECEIVED: return "Connect_Ack_Received";
	case SSTP_ST_CONNECTED: return "Call_Connected";
	case SSTP_ST_ABORT_PENDING: return "Call_Abort_Pending";
	case SSTP_ST_ABORT_TIMEOUT_PENDING: return "Call_Abort_Timeout_Pending";
	case SSTP_ST_DISCONNECT_ACK_PENDING: return "Call_Disconnect_Ack_Pending";
	case SSTP_ST_DISCONNECT_TIMEOUT_PENDING: return "Call_Disconnect_Timeout_Pending";
	case SSTP_ST_CLOSED: return "Closed";
	}
	return "unknown";
}

enum sstp_state sstp_call_state(const struct sstp_call *c)
{
	return c->state;
}

uint8_t sstp_call_hash(const struct sstp_call *c)
{
	return c->hash_proto;
}

uint64_t sstp_call_deadline(const struct sstp_call *c)
{
	if (c->probe_by && c->state == SSTP_ST_CONNECTED && c->probe_by < c->deadline)
		return c->probe_by;
	return c->deadline;
}

void sstp_call_cfg_defaults(struct sstp_call_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->allowed_hashes = SSTP_HASH_MASK_SHA1 | SSTP_HASH_MASK_SHA256;
	cfg->negotiation_ms = SSTP_DEFAULT_NEGOTIATION_MS;
	cfg->hello_ms = SSTP_DEFAULT_HELLO_MS;
	cfg->abort1_ms = SSTP_DEFAULT_ABORT1_MS;
	cfg->abort2_ms = SSTP_DEFAULT_ABORT2_MS;
	cfg->disc1_ms = SSTP_DEFAULT_DISC1_MS;
	cfg->disc2_ms = SSTP_DEFAULT_DISC2_MS;
	cfg->nak_retries = SSTP_DEFAULT_NAK_RETRIES;
}

#define DEF(field, val) do { if (c->cfg.field == 0) c->cfg.field = (val); } while (0)

enum sstp_perr sstp_call_init(struct sstp_call *c, const struct sstp_call_cfg *cfg)
{
	if (!c || !cfg)
		return SSTP_PERR_INVAL;
	memset(c, 0, sizeof(*c));
	c->cfg = *cfg;
	c->cfg.server_cert_der = NULL;
	c->cfg.server_cert_len = 0;
	DEF(allowed_hashes, SSTP_HASH_MASK_SHA1 | SSTP_HASH_MASK_SHA256);
	DEF(negotiation_ms, SSTP_DEFAULT_NEGOTIATION_MS);
	DEF(hello_ms, SSTP_DEFAULT_HELLO_MS);
	DEF(abort1_ms, SSTP_DEFAULT_ABORT1_MS);
	DEF(abort2_ms, SSTP_DEFAULT_ABORT2_MS);
	DEF(disc1_ms, SSTP_DEFAULT_DISC1_MS);
	DEF(disc2_ms, SSTP_DEFAULT_DISC2_MS);
	DEF(nak_retries, SSTP_DEFAULT_NAK_RETRIES);
	c->state = SSTP_ST_DISCONNECTED;
	c->deadline = NO_DEADLINE;
	sstp_reasm_init(&c->reasm);
	if (!cfg->server_cert_der || cfg->server_cert_len == 0 ||
	    sstp_binding_cert_hash(SSTP_HASH_SHA1, cfg->server_cert_der, cfg->server_cert_len,
				   c->cert_hash_sha1) != 0 ||
	    sstp_binding_cert_hash(SSTP_HASH_SHA256, cfg->server_cert_der, cfg->server_cert_len,
				   c->cert_hash_sha256) != 0) {
		c->state = SSTP_ST_CLOSED;
		return SSTP_PERR_INVAL;
	}
	return SSTP_PERR_OK;
}

/* ---------------------------------------------------------------- API calls */

enum sstp_perr sstp_call_start(struct sstp_call *c, uint64_t now)
{
	uint8_t b[SSTP_CONNECT_REQUEST_LEN];

	if (c->state != SSTP_ST_DISCONNECTED)
		return SSTP_PERR_STATE;
	sstp_encode_connect_request(b, sizeof(b));
	if (out_put(c, b, sizeof(b)) != 0)
		return SSTP_PERR_NOSPACE;
	c->nak_count = 0;
	c->state = SSTP_ST_REQUEST_SENT;
	arm(c, now, c->cfg.negotiation_ms);
	return SSTP_PERR_OK;
}

int sstp_call_may_send(const struct sstp_call *c, uint16_t proto)
{
	if (c->state == SSTP_ST_CONNECTED)
		return 1;
	return c->state == SSTP_ST_ACK_RECEIVED && (proto & 0x8000);
}

enum sstp_perr sstp_call_send_ppp(struct sstp_call *c, const uint8_t *frame, size_t len)
{
	uint8_t hdr[SSTP_HDR_LEN];
	uint16_t proto;

	if (!frame || len == 0 || len > SSTP_MAX_PPP_FRAME)
		return SSTP_PERR_INVAL;
	proto = sstp_ppp_protocol(frame, len);
	if (proto == 0)
		return SSTP_PERR_INVAL;
	if (!sstp_call_may_send(c, proto))
		return SSTP_PERR_STATE;
	if (SSTP_CALL_OUTBUF - (c->out_len - c->out_off) < len + SSTP_HDR_LEN)
		return SSTP_PERR_NOSPACE;
	sstp_data_header(hdr, len);
	if (out_put(c, hdr, sizeof(hdr)) != 0 || out_put(c, frame, len) != 0)
		return SSTP_PERR_NOSPACE;   /* not reached: room was checked above */
	return SSTP_PERR_OK;
}

enum sstp_perr sstp_call_auth_done(struct sstp_call *c, const uint8_t hlak[SSTP_HLAK_LEN],
				   uint64_t now)
{
	uint8_t msg[SSTP_CALL_CONNECTED_LEN];
	const uint8_t *ch;

	if (!hlak)
		return SSTP_PERR_INVAL;
	if (c->state != SSTP_ST_ACK_RECEIVED)
		return SSTP_PERR_STATE;
	if (SSTP_CALL_OUTBUF - (c->out_len - c->out_off) < sizeof(msg))
		return SSTP_PERR_NOSPACE;
	ch = c->hash_proto == SSTP_HASH_SHA256 ? c->cert_hash_sha256 : c->cert_hash_sha1;
	if (sstp_binding_build_connected(msg, c->hash_proto, c->nonce, ch, hlak) != 0)
		return SSTP_PERR_INVAL;
	(void)out_put(c, msg, sizeof(msg));
	c->state = SSTP_ST_CONNECTED;
	c->echo_outstanding = 0;
	arm(c, now, c->cfg.hello_ms);
	push_simple(c, SSTP_EV_CONNECTED, 0);
	return SSTP_PERR_OK;
}

enum sstp_perr sstp_call_probe(struct sstp_call *c, uint64_t now, uint32_t within_ms)
{
	uint64_t by = now > NO_DEADLINE - within_ms ? NO_DEADLINE - 1 : now + within_ms;

	if (c->state != SSTP_ST_CONNECTED)
		return SSTP_PERR_STATE;
	if (c->probe_by)
		return SSTP_PERR_OK; /* a probe is under way already */
	send_simple(c, SSTP_MSG_ECHO_REQUEST);
	c->probe_by = by; /* no ECHO_RESPONSE by then: the peer is dead (sstp_call_tick) */
	return SSTP_PERR_OK;
}

void sstp_call_probe_done(struct sstp_call *c)
{
	c->probe_by = 0;
}

void sstp_call_disconnect(struct sstp_call *c, uint64_t now)
{
	uint8_t b[20];

	switch (c->state) {
	case SSTP_ST_DISCONNECTED:
		close_call(c);
		break;
	case SSTP_ST_REQUEST_SENT:
	case SSTP_ST_ACK_RECEIVED:
	case SSTP_ST_CONNECTED:
		if (sstp_encode_disconnect(b, sizeof(b), 1, SSTP_ATTR_NO_ERROR,
					   SSTP_STATUS_NO_ERROR))
			(void)out_put(c, b, sizeof(b));
		c->state = SSTP_ST_DISCONNECT_ACK_PENDING;
		arm(c, now, c->cfg.disc1_ms);
		break;
	default:
		break;   /* already tearing down */
	}
}

void sstp_call_tick(struct sstp_call *c, uint64_t now)
{
	if (c->probe_by && now >= c->probe_by && c->state == SSTP_ST_CONNECTED) {
		/* traffic from the peer alone does not prove that ours still reaches it */
		c->probe_by = 0;
		emit_aborted(c, SSTP_CAUSE_PEER_DEAD, SSTP_STATUS_NO_ERROR,
			     "peer did not answer the echo request");
		close_call(c);
		return;
	}
	if (c->deadline == NO_DEADLINE || now < c->deadline)
		return;
	switch (c->state) {
	case SSTP_ST_REQUEST_SENT:
		abort_call(c, now, SSTP_STATUS_NEGOTIATION_TIMEOUT, SSTP_ATTR_NO_ERROR,
			   SSTP_CAUSE_TIMEOUT, "gateway did not answer the SSTP call request in time");
		break;
	case SSTP_ST_ACK_RECEIVED:
		abort_call(c, now, SSTP_STATUS_NEGOTIATION_TIMEOUT, SSTP_ATTR_NO_ERROR,
			   SSTP_CAUSE_TIMEOUT, "PPP authentication did not finish in time");
		break;
	case SSTP_ST_CONNECTED:
		if (!c->echo_outstanding) {
			send_simple(c, SSTP_MSG_ECHO_REQUEST);
			c->echo_outstanding = 1;
			arm(c, now, c->cfg.hello_ms);
		} else {
			/* [MS-SSTP] 3.1.2.3: tear down without sending CALL_ABORT */
			emit_aborted(c, SSTP_CAUSE_PEER_DEAD, SSTP_STATUS_NO_ERROR,
				     "peer stopped responding");
			close_call(c);
		}
		break;
	case SSTP_ST_ABORT_PENDING:
	case SSTP_ST_ABORT_TIMEOUT_PENDING:
	case SSTP_ST_DISCONNECT_ACK_PENDING:
	case SSTP_ST_DISCONNECT_TIMEOUT_PENDING:
		close_call(c);
		break;
	default:
		c->deadline = NO_DEADLINE;
		break;
	}
}

/* ---------------------------------------------------------------- received packets */

static uint32_t first_status(const struct sstp_ctrl *m)
{
	return m->n_status ? m->status[0].status : SSTP_STATUS_NO_ERROR;
}

static void unexpected(struct sstp_call *c, uint64_t now)
{
	abort_call(c, now, SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED, SSTP_ATTR_NO_ERROR,
		   SSTP_CAUSE_PROTOCOL, "gateway sent an SSTP message not allowed in this call state");
}

static void on_connect_ack(struct sstp_call *c, const struct sstp_ctrl *m, uint64_t now)
{
	uint8_t h = sstp_binding_choose_hash(m->hash_mask, c->cfg.allowed_hashes);

	if (h == 0) {
		abort_call(c, now, SSTP_STATUS_VALUE_NOT_SUPPORTED, SSTP_ATTR_CRYPTO_BINDING_REQ,
			   SSTP_CAUSE_NO_HASH,
			   "gateway offered no supported crypto binding hash");
		return;
	}
	c->hash_proto = h;
	c->server_hash_mask = m->hash_mask;
	memcpy(c->nonce, m->nonce, SSTP_NONCE_LEN);
	c->state = SSTP_ST_ACK_RECEIVED;
	arm(c, now, c->cfg.negotiation_ms);
	push_simple(c, SSTP_EV_START_PPP, 0);
}

static void on_connect_nak(struct sstp_call *c, uint64_t now)
{
	uint8_t b[SSTP_CONNECT_REQUEST_LEN];

	c->nak_count++;
	if (c->nak_count > c->cfg.nak_retries) {
		abort_call(c, now, SSTP_STATUS_RETRY_COUNT_EXCEEDED, SSTP_ATTR_NO_ERROR,
			   SSTP_CAUSE_NAK, "gateway refused the SSTP call request (CALL_CONNECT_NAK)");
		return;
	}
	sstp_encode_connect_request(b, sizeof(b));
	(void)out_put(c, b, sizeof(b));
	arm(c, now, c->cfg.negotiation_ms);
}

/* Control message in one of the teardown states: only the closing handshake matters. */
static void ctrl_teardown(struct sstp_call *c, const struct sstp_ctrl *m, uint64_t now)
{
	switch (c->state) {
	case SSTP_ST_ABORT_PENDING:
		if (m->type == SSTP_MSG_CALL_ABORT) {
			c->state = SSTP_ST_ABORT_TIMEOUT_PENDING;
			arm(c, now, c->cfg.abort2_ms);
		}
		break;
	case SSTP_ST_DISCONNECT_ACK_PENDING:
		if (m->type == SSTP_MSG_CALL_DISCONNECT_ACK) {
			close_call(c);
		} else if (m->type == SSTP_MSG_CALL_DISCONNECT) {
			send_simple(c, SSTP_MSG_CALL_DISCONNECT_ACK);
			c->state = SSTP_ST_DISCONNECT_TIMEOUT_PENDING;
			arm(c, now, c->cfg.disc2_ms);
		} else if (m->type == SSTP_MSG_CALL_ABORT) {
			c->state = SSTP_ST_ABORT_TIMEOUT_PENDING;
			arm(c, now, c->cfg.abort2_ms);
		}
		break;
	default:
		break;   /* *_TIMEOUT_PENDING, CLOSED: ignore everything */
	}
}

static void handle_ctrl(struct sstp_call *c, const uint8_t *pkt, size_t len, uint64_t now)
{
	struct sstp_ctrl m;
	enum sstp_perr e = sstp_ctrl_decode(pkt, len, &m);
	uint8_t b[20];

	if (teardown(c->state)) {
		if (e == SSTP_PERR_OK)
			ctrl_teardown(c, &m, now);
		return;
	}
	if (e != SSTP_PERR_OK) {
		abort_call(c, now, sstp_perr_abort_status(e), m.bad_attr, SSTP_CAUSE_PROTOCOL,
			   decode_reason(e));
		return;
	}
	switch (m.type) {
	case SSTP_MSG_CALL_ABORT:
		emit_aborted(c, SSTP_CAUSE_PEER_ABORT, first_status(&m), "gateway aborted the call");
		if (sstp_encode_abort(b, sizeof(b), 1, SSTP_ATTR_NO_ERROR, SSTP_STATUS_NO_ERROR))
			(void)out_put(c, b, sizeof(b));
		c->state = SSTP_ST_ABORT_TIMEOUT_PENDING;
		arm(c, now, c->cfg.abort2_ms);
		return;
	case SSTP_MSG_CALL_DISCONNECT:
		push_simple(c, SSTP_EV_PEER_DISCONNECT, first_status(&m));
		send_simple(c, SSTP_MSG_CALL_DISCONNECT_ACK);
		c->state = SSTP_ST_DISCONNECT_TIMEOUT_PENDING;
		arm(c, now, c->cfg.disc2_ms);
		return;
	case SSTP_MSG_ECHO_REQUEST:
		if (c->state == SSTP_ST_DISCONNECTED)
			break;
		send_simple(c, SSTP_MSG_ECHO_RESPONSE);
		return;
	case SSTP_MSG_ECHO_RESPONSE:
		if (c->state == SSTP_ST_DISCONNECTED)
			break;
		c->probe_by = 0; /* a probe is answered */
		return;   /* the hello timer was already restarted */
	case SSTP_MSG_CALL_CONNECT_ACK:
		if (c->state != SSTP_ST_REQUEST_SENT)
			break;
		on_connect_ack(c, &m, now);
		return;
	case SSTP_MSG_CALL_CONNECT_NAK:
		if (c->state != SSTP_ST_REQUEST_SENT)
			break;
		on_connect_nak(c, now);
		return;
	default:
		break;
	}
	unexpected(c, now);
}

static void handle_packet(struct sstp_call *c, const uint8_t *pkt, size_t len, uint64_t now)
{
	struct sstp_event ev;
	uint16_t proto;

	if (c->state == SSTP_ST_CONNECTED) {
		/* any packet restarts the hello timer and answers an outstanding echo */
		c->echo_outstanding = 0;
		arm(c, now, c->cfg.hello_ms);
	}
	if (pkt[1] & 0x01) {
		handle_ctrl(c, pkt, len, now);
		return;
	}
	switch (c->state) {
	case SSTP_ST_ACK_RECEIVED:
	case SSTP_ST_CONNECTED:
		proto = sstp_ppp_protocol(pkt + SSTP_HDR_LEN, len - SSTP_HDR_LEN);
		if (proto == 0 || (c->state == SSTP_ST_ACK_RECEIVED && !(proto & 0x8000))) {
			c->dropped_frames++;
			return;
		}
		memset(&ev, 0, sizeof(ev));
		ev.kind = SSTP_EV_PPP_FRAME;
		ev.frame = pkt + SSTP_HDR_LEN;
		ev.frame_len = len - SSTP_HDR_LEN;
		push_ev(c, &ev);
		return;
	case SSTP_ST_DISCONNECTED:
	case SSTP_ST_REQUEST_SENT:
		abort_call(c, now, SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED, SSTP_ATTR_NO_ERROR,
			   SSTP_CAUSE_PROTOCOL, "gateway sent PPP data before accepting the call");
		return;
	default:
		c->dropped_frames++;   /* teardown: drop */
		return;
	}
}

enum sstp_perr sstp_call_input(struct sstp_call *c, const uint8_t *buf, size_t len,
			       uint64_t now)
{
	if (c->state == SSTP_ST_CLOSED)
		return SSTP_PERR_OK;   /* nothing more is accepted; input dropped */
	if (c->in)
		return SSTP_PERR_BUSY;
	if (!buf || len == 0)
		return SSTP_PERR_OK;
	c->in = buf;
	c->in_len = len;
	c->in_now = now;
	return SSTP_PERR_OK;
}

int sstp_call_next_event(struct sstp_call *c, struct sstp_event *ev)
{
	for (;;) {
		const uint8_t *pkt;
		size_t used, plen;
		enum sstp_perr err;
		enum sstp_reasm_rc rc;

		if (c->ev_count) {
			*ev = c->evq[c->ev_head];
			c->ev_head = (c->ev_head + 1) % SSTP_CALL_EVQ;
			c->ev_count--;
			return 1;
		}
		if (!c->in || c->state == SSTP_ST_CLOSED) {
			c->in = NULL;
			c->in_len = 0;
			memset(ev, 0, sizeof(*ev));
			return 0;
		}
		rc = sstp_reasm_feed(&c->reasm, c->in, c->in_len, &used, &pkt, &plen, &err);
		c->in += used;
		c->in_len -= used;
		if (c->in_len == 0)
			c->in = NULL;
		if (rc == SSTP_REASM_FATAL) {
			/* [MS-SSTP] 3.1.5.1: delineation failed, abort without a message */
			emit_aborted(c, SSTP_CAUSE_STREAM, SSTP_STATUS_INVALID_FRAME_RECEIVED,
				     err == SSTP_PERR_BAD_VERSION
					     ? "gateway sent a packet with an unsupported SSTP version"
					     : "gateway sent an SSTP packet with an invalid length");
			close_call(c);
		} else if (rc == SSTP_REASM_PACKET) {
			handle_packet(c, pkt, plen, c->in_now);
		}
	}
}

void sstp_call_output(const struct sstp_call *c, const uint8_t **p, size_t *n)
{
	*p = c->out + c->out_off;
	*n = c->out_len - c->out_off;
}

void sstp_call_output_consume(struct sstp_call *c, size_t n)
{
	size_t avail = c->out_len - c->out_off;

	c->out_off += n < avail ? n : avail;
	if (c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
}
