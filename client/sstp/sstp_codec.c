/* sstp_codec.c - SSTP packet/attribute encoding and decoding ([MS-SSTP] 2.2) with a bounded
 * cursor, and the stream reassembler that delineates packets in the TLS byte stream.
 * Every length is checked before any read; decoded values are copied into caller structs. */
#include "sstp_codec.h"

#include <string.h>

/* ---------------------------------------------------------------- names and error texts */

const char *sstp_perr_str(enum sstp_perr e)
{
	switch (e) {
	case SSTP_PERR_OK: return "ok";
	case SSTP_PERR_TRUNCATED: return "packet shorter than its fields";
	case SSTP_PERR_BAD_VERSION: return "unsupported SSTP version";
	case SSTP_PERR_BAD_LENGTH: return "invalid SSTP packet length";
	case SSTP_PERR_ATTR_OVERFLOW: return "attribute length overflows the packet";
	case SSTP_PERR_ATTR_DUPLICATE: return "duplicate attribute";
	case SSTP_PERR_ATTR_UNKNOWN: return "unknown attribute";
	case SSTP_PERR_ATTR_LENGTH: return "wrong attribute length";
	case SSTP_PERR_STATUS_SHORT: return "STATUS_INFO attribute has an invalid length";
	case SSTP_PERR_ATTR_NOT_ALLOWED: return "attribute not allowed in this message";
	case SSTP_PERR_ATTR_MISSING: return "required attribute missing";
	case SSTP_PERR_ATTR_COUNT: return "attribute count disagrees with the packet length";
	case SSTP_PERR_BAD_VALUE: return "unsupported attribute value";
	case SSTP_PERR_UNKNOWN_MSG: return "unknown SSTP message type";
	case SSTP_PERR_NOSPACE: return "output buffer full";
	case SSTP_PERR_INVAL: return "invalid argument";
	case SSTP_PERR_STATE: return "not allowed in the current SSTP call state";
	case SSTP_PERR_BUSY: return "previous SSTP input not processed yet";
	}
	return "unknown error";
}

uint32_t sstp_perr_abort_status(enum sstp_perr e)
{
	switch (e) {
	case SSTP_PERR_ATTR_UNKNOWN:
	case SSTP_PERR_ATTR_NOT_ALLOWED:
		return SSTP_STATUS_ATTRIB_NOT_SUPPORTED_IN_MSG;
	case SSTP_PERR_BAD_VALUE:
		return SSTP_STATUS_VALUE_NOT_SUPPORTED;
	default:
		return SSTP_STATUS_INVALID_FRAME_RECEIVED;
	}
}

const char *sstp_msg_name(uint16_t type)
{
	static const char *const names[] = {
		"(none)", "CALL_CONNECT_REQUEST", "CALL_CONNECT_ACK", "CALL_CONNECT_NAK",
		"CALL_CONNECTED", "CALL_ABORT", "CALL_DISCONNECT", "CALL_DISCONNECT_ACK",
		"ECHO_REQUEST", "ECHO_RESPONSE",
	};
	if (type >= 1 && type < sizeof(names) / sizeof(names[0]))
		return names[type];
	return "unknown message";
}

const char *sstp_status_name(uint32_t status)
{
	static const char *const names[] = {
		"NO_ERROR", "DUPLICATE_ATTRIBUTE", "UNRECOGNIZED_ATTRIBUTE",
		"INVALID_ATTRIB_VALUE_LENGTH", "VALUE_NOT_SUPPORTED", "UNACCEPTED_FRAME_RECEIVED",
		"RETRY_COUNT_EXCEEDED", "INVALID_FRAME_RECEIVED", "NEGOTIATION_TIMEOUT",
		"ATTRIB_NOT_SUPPORTED_IN_MSG", "REQUIRED_ATTRIBUTE_MISSING",
		"STATUS_INFO_NOT_SUPPORTED_IN_MSG",
	};
	if (status < sizeof(names) / sizeof(names[0]))
		return names[status];
	return "unknown status";
}

/* ---------------------------------------------------------------- cursor */

void sstp_cur_init(struct sstp_cur *c, const uint8_t *p, size_t len)
{
	c->p = p;
	c->len = p ? len : 0;
	c->off = 0;
	c->err = 0;
}

size_t sstp_cur_left(const struct sstp_cur *c)
{
	return c->err ? 0 : c->len - c->off;
}

/* Returns a pointer to n readable bytes and advances, or NULL (sticky error). */
static const uint8_t *cur_take(struct sstp_cur *c, size_t n)
{
	const uint8_t *q;

	if (c->err || c->len - c->off < n) {
		c->err = 1;
		return NULL;
	}
	q = c->p + c->off;
	c->off += n;
	return q;
}

uint8_t sstp_cur_u8(struct sstp_cur *c)
{
	const uint8_t *q = cur_take(c, 1);
	return q ? q[0] : 0;
}

uint16_t sstp_cur_u16(struct sstp_cur *c)
{
	const uint8_t *q = cur_take(c, 2);
	return q ? (uint16_t)((q[0] << 8) | q[1]) : 0;
}

uint32_t sstp_cur_u32(struct sstp_cur *c)
{
	const uint8_t *q = cur_take(c, 4);
	return q ? ((uint32_t)q[0] << 24) | ((uint32_t)q[1] << 16) | ((uint32_t)q[2] << 8) | q[3] : 0;
}

void sstp_cur_bytes(struct sstp_cur *c, uint8_t *out, size_t n)
{
	const uint8_t *q = cur_take(c, n);

	if (!out)
		return;
	if (q)
		memcpy(out, q, n);
	else
		memset(out, 0, n);
}

/* ---------------------------------------------------------------- header */

enum sstp_perr sstp_hdr_decode(const uint8_t *p, size_t len, struct sstp_hdr *h)
{
	if (!p || len < SSTP_HDR_LEN)
		return SSTP_PERR_TRUNCATED;
	h->version = p[0];
	h->control = p[1] & 0x01;
	h->length = (uint16_t)(((p[2] << 8) | p[3]) & 0x0FFF);
	if (h->version != SSTP_VERSION)
		return SSTP_PERR_BAD_VERSION;
	if (h->length < SSTP_HDR_LEN)
		return SSTP_PERR_BAD_LENGTH;
	return SSTP_PERR_OK;
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void put_hdr(uint8_t *p, int control, size_t len)
{
	p[0] = SSTP_VERSION;
	p[1] = control ? 0x01 : 0x00;
	put16(p + 2, (unsigned)len & 0x0FFF);
}

enum sstp_perr sstp_data_header(uint8_t hdr[SSTP_HDR_LEN], size_t frame_len)
{
	if (frame_len > SSTP_MAX_PPP_FRAME)
		return SSTP_PERR_INVAL;
	put_hdr(hdr, 0, frame_len + SSTP_HDR_LEN);
	return SSTP_PERR_OK;
}

/* ---------------------------------------------------------------- control decode */

/* Decodes one attribute's value (id, value at v, vlen bytes) into m. */
static enum sstp_perr attr_decode(struct sstp_ctrl *m, uint8_t id, const uint8_t *v, size_t vlen)
{
	struct sstp_cur c;

	sstp_cur_init(&c, v, vlen);
	switch (id) {
	case SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID:
		if (vlen != 2)
			return SSTP_PERR_ATTR_LENGTH;
		m->protocol_id = sstp_cur_u16(&c);
		break;
	case SSTP_ATTR_STATUS_INFO:
		if (vlen < 8 || vlen > 8 + SSTP_STATUS_VALUE_MAX)
			return SSTP_PERR_STATUS_SHORT;
		if (m->n_status < SSTP_CTRL_MAX_STATUS) {
			struct sstp_status_info *s = &m->status[m->n_status];
			sstp_cur_bytes(&c, NULL, 3);
			s->attrib_id = sstp_cur_u8(&c);
			s->status = sstp_cur_u32(&c);
			s->value_len = vlen - 8;
			sstp_cur_bytes(&c, s->value, s->value_len);
		}
		m->n_status++;
		break;
	case SSTP_ATTR_CRYPTO_BINDING:
		if (vlen != 100)
			return SSTP_PERR_ATTR_LENGTH;
		sstp_cur_bytes(&c, NULL, 3);
		m->hash_proto = sstp_cur_u8(&c);
		sstp_cur_bytes(&c, m->nonce, SSTP_NONCE_LEN);
		sstp_cur_bytes(&c, m->cert_hash, SSTP_HASH_FIELD_LEN);
		sstp_cur_bytes(&c, m->mac, SSTP_HASH_FIELD_LEN);
		break;
	case SSTP_ATTR_CRYPTO_BINDING_REQ:
		if (vlen != 36)
			return SSTP_PERR_ATTR_LENGTH;
		sstp_cur_bytes(&c, NULL, 3);
		m->hash_mask = sstp_cur_u8(&c);
		sstp_cur_bytes(&c, m->nonce, SSTP_NONCE_LEN);
		break;
	default:
		return SSTP_PERR_ATTR_UNKNOWN;
	}
	return c.err ? SSTP_PERR_TRUNCATED : SSTP_PERR_OK;
}

/* Per-message rules: allowed attribute set, required attribute, STATUS_INFO count limits. */
static enum sstp_perr msg_rules(struct sstp_ctrl *m)
{
	unsigned allowed, required = 0, max_status = 0;
	unsigned st_bit = 1u << SSTP_ATTR_STATUS_INFO;
	unsigned extra;

	switch (m->type) {
	case SSTP_MSG_CALL_CONNECT_REQUEST:
		allowed = required = 1u << SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID;
		break;
	case SSTP_MSG_CALL_CONNECT_ACK:
		allowed = required = 1u << SSTP_ATTR_CRYPTO_BINDING_REQ;
		break;
	case SSTP_MSG_CALL_CONNECT_NAK:
		allowed = required = st_bit;
		max_status = ~0u;
		break;
	case SSTP_MSG_CALL_CONNECTED:
		allowed = required = 1u << SSTP_ATTR_CRYPTO_BINDING;
		break;
	case SSTP_MSG_CALL_ABORT:
	case SSTP_MSG_CALL_DISCONNECT:
		allowed = st_bit;
		max_status = 1;
		break;
	case SSTP_MSG_CALL_DISCONNECT_ACK:
	case SSTP_MSG_ECHO_REQUEST:
	case SSTP_MSG_ECHO_RESPONSE:
		allowed = 0;
		break;
	default:
		return SSTP_PERR_UNKNOWN_MSG;
	}
	extra = m->present & ~allowed;
	if (extra) {
		unsigned id = 0;
		while (!(extra & (1u << id)))
			id++;
		m->bad_attr = (uint8_t)id;
		return SSTP_PERR_ATTR_NOT_ALLOWED;
	}
	if ((m->present & required) != required) {
		m->bad_attr = 0;
		return SSTP_PERR_ATTR_MISSING;
	}
	if (m->n_status > max_status) {
		m->bad_attr = SSTP_ATTR_STATUS_INFO;
		return SSTP_PERR_ATTR_DUPLICATE;
	}
	if (m->type == SSTP_MSG_CALL_CONNECT_REQUEST &&
	    m->protocol_id != SSTP_ENCAPSULATED_PROTOCOL_PPP) {
		m->bad_attr = SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID;
		return SSTP_PERR_BAD_VALUE;
	}
	if (m->type == SSTP_MSG_CALL_CONNECTED && m->hash_proto != SSTP_HASH_SHA1 &&
	    m->hash_proto != SSTP_HASH_SHA256) {
		m->bad_attr = SSTP_ATTR_CRYPTO_BINDING;
		return SSTP_PERR_BAD_VALUE;
	}
	return SSTP_PERR_OK;
}

enum sstp_perr sstp_ctrl_decode(const uint8_t *pkt, size_t len, struct sstp_ctrl *m)
{
	struct sstp_hdr h;
	struct sstp_cur c;
	enum sstp_perr e;
	unsigned i;

	memset(m, 0, sizeof(*m));
	e = sstp_hdr_decode(pkt, len, &h);
	if (e != SSTP_PERR_OK)
		return e;
	if (!h.control)
		return SSTP_PERR_INVAL;
	if (h.length > len)
		return SSTP_PERR_TRUNCATED;
	if (h.length < 8)
		return SSTP_PERR_BAD_LENGTH;
	sstp_cur_init(&c, pkt + SSTP_HDR_LEN, (size_t)h.length - SSTP_HDR_LEN);
	m->type = sstp_cur_u16(&c);
	m->num_attrs = sstp_cur_u16(&c);
	for (i = 0; i < m->num_attrs; i++) {
		uint8_t id;
		size_t alen;
		const uint8_t *v;

		if (sstp_cur_left(&c) < 4)
			return sstp_cur_left(&c) == 0 ? SSTP_PERR_ATTR_COUNT
						       : SSTP_PERR_ATTR_OVERFLOW;
		(void)sstp_cur_u8(&c);                  /* reserved */
		id = sstp_cur_u8(&c);
		alen = sstp_cur_u16(&c) & 0x0FFF;
		m->bad_attr = id;
		if (alen < 4 || alen - 4 > sstp_cur_left(&c))
			return SSTP_PERR_ATTR_OVERFLOW;
		v = c.p + c.off;
		sstp_cur_bytes(&c, NULL, alen - 4);
		if (id > SSTP_ATTR_CRYPTO_BINDING_REQ || id == SSTP_ATTR_NO_ERROR)
			return SSTP_PERR_ATTR_UNKNOWN;
		if ((m->present & (1u << id)) && id != SSTP_ATTR_STATUS_INFO)
			return SSTP_PERR_ATTR_DUPLICATE;
		e = attr_decode(m, id, v, alen - 4);
		if (e != SSTP_PERR_OK)
			return e;
		m->present |= 1u << id;
	}
	if (c.err)
		return SSTP_PERR_TRUNCATED;
	if (sstp_cur_left(&c) != 0) {
		m->bad_attr = 0;
		return SSTP_PERR_ATTR_COUNT;
	}
	m->bad_attr = 0;
	return msg_rules(m);
}

/* ---------------------------------------------------------------- encoders */

static size_t put_ctrl(uint8_t *out, size_t cap, size_t total, uint16_t type, uint16_t nattr)
{
	if (!out || cap < total || total > SSTP_MAX_PACKET)
		return 0;
	put_hdr(out, 1, total);
	put16(out + 4, type);
	put16(out + 6, nattr);
	return total;
}

static void put_attr_hdr(uint8_t *p, uint8_t id, size_t len)
{
	p[0] = 0;
	p[1] = id;
	put16(p + 2, (unsigned)len & 0x0FFF);
}

static void put_status(uint8_t *p, const struct sstp_status_info *s, size_t vlen)
{
	put_attr_hdr(p, SSTP_ATTR_STATUS_INFO, 12 + vlen);
	p[4] = p[5] = p[6] = 0;
	p[7] = s->attrib_id;
	put32(p + 8, s->status);
	if (vlen)
		memcpy(p + 12, s->value, vlen);
}

size_t sstp_encode_connect_request(uint8_t *out, size_t cap)
{
	if (!put_ctrl(out, cap, SSTP_CONNECT_REQUEST_LEN, SSTP_MSG_CALL_CONNECT_REQUEST, 1))
		return 0;
	put_attr_hdr(out + 8, SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID, 6);
	put16(out + 12, SSTP_ENCAPSULATED_PROTOCOL_PPP);
	return SSTP_CONNECT_REQUEST_LEN;
}

static size_t encode_status_msg(uint8_t *out, size_t cap, uint16_t type, int with_status,
				uint8_t attrib_id, uint32_t status)
{
	struct sstp_status_info s;

	if (!with_status)
		return put_ctrl(out, cap, 8, type, 0);
	if (!put_ctrl(out, cap, 20, type, 1))
		return 0;
	memset(&s, 0, sizeof(s));
	s.attrib_id = attrib_id;
	s.status = status;
	put_status(out + 8, &s, 0);
	return 20;
}

size_t sstp_encode_abort(uint8_t *out, size_t cap, int with_status, uint8_t attrib_id,
			 uint32_t status)
{
	return encode_status_msg(out, cap, SSTP_MSG_CALL_ABORT, with_status, attrib_id, status);
}

size_t sstp_encode_disconnect(uint8_t *out, size_t cap, int with_status, uint8_t attrib_id,
			      uint32_t status)
{
	return encode_status_msg(out, cap, SSTP_MSG_CALL_DISCONNECT, with_status, attrib_id,
				 status);
}

size_t sstp_encode_simple(uint8_t *out, size_t cap, uint16_t type)
{
	if (type != SSTP_MSG_CALL_DISCONNECT_ACK && type != SSTP_MSG_ECHO_REQUEST &&
	    type != SSTP_MSG_ECHO_RESPONSE)
		return 0;
	return put_ctrl(out, cap, 8, type, 0);
}

size_t sstp_encode_call_connected(uint8_t *out, size_t cap, uint8_t hash_proto,
				  const uint8_t nonce[SSTP_NONCE_LEN],
				  const uint8_t cert_hash[SSTP_HASH_FIELD_LEN],
				  const uint8_t mac[SSTP_HASH_FIELD_LEN])
{
	if (!put_ctrl(out, cap, SSTP_CALL_CONNECTED_LEN, SSTP_MSG_CALL_CONNECTED, 1))
		return 0;
	put_attr_hdr(out + 8, SSTP_ATTR_CRYPTO_BINDING, 104);
	out[12] = out[13] = out[14] = 0;
	out[15] = hash_proto;
	memcpy(out + 16, nonce, SSTP_NONCE_LEN);
	memcpy(out + 48, cert_hash, SSTP_HASH_FIELD_LEN);
	memcpy(out + 80, mac, SSTP_HASH_FIELD_LEN);
	return SSTP_CALL_CONNECTED_LEN;
}

size_t sstp_encode_connect_ack(uint8_t *out, size_t cap, uint8_t hash_mask,
			       const uint8_t nonce[SSTP_NONCE_LEN])
{
	if (!put_ctrl(out, cap, 48, SSTP_MSG_CALL_CONNECT_ACK, 1))
		return 0;
	put_attr_hdr(out + 8, SSTP_ATTR_CRYPTO_BINDING_REQ, 40);
	out[12] = out[13] = out[14] = 0;
	out[15] = hash_mask;
	memcpy(out + 16, nonce, SSTP_NONCE_LEN);
	return 48;
}

size_t sstp_encode_connect_nak(uint8_t *out, size_t cap, const struct sstp_status_info *st,
			       size_t n)
{
	size_t total = 8, i, off = 8;

	if (n == 0 || n > 0xFFFF)
		return 0;
	for (i = 0; i < n; i++) {
		if (st[i].value_len > SSTP_STATUS_VALUE_MAX)
			return 0;
		total += 12 + st[i].value_len;
		if (total > SSTP_MAX_PACKET)
			return 0;
	}
	if (!put_ctrl(out, cap, total, SSTP_MSG_CALL_CONNECT_NAK, (uint16_t)n))
		return 0;
	for (i = 0; i < n; i++) {
		put_status(out + off, &st[i], st[i].value_len);
		off += 12 + st[i].value_len;
	}
	return total;
}

size_t sstp_encode_data(uint8_t *out, size_t cap, const uint8_t *frame, size_t frame_len)
{
	if (!out || frame_len > SSTP_MAX_PPP_FRAME || cap < frame_len + SSTP_HDR_LEN ||
	    (frame_len && !frame))
		return 0;
	put_hdr(out, 0, frame_len + SSTP_HDR_LEN);
	if (frame_len)
		memcpy(out + SSTP_HDR_LEN, frame, frame_len);
	return frame_len + SSTP_HDR_LEN;
}

/* ---------------------------------------------------------------- reassembler */

void sstp_reasm_init(struct sstp_reasm *r)
{
	r->have = 0;
	r->cur = 0;
	r->dead = 0;
}

enum sstp_reasm_rc sstp_reasm_feed(struct sstp_reasm *r, const uint8_t *in, size_t len,
				   size_t *consumed, const uint8_t **pkt, size_t *pkt_len,
				   enum sstp_perr *err)
{
	struct sstp_hdr h;
	enum sstp_perr e;
	size_t used = 0;

	*consumed = 0;
	*pkt = NULL;
	*pkt_len = 0;
	*err = SSTP_PERR_OK;
	if (r->dead) {
		*err = (enum sstp_perr)r->dead;
		return SSTP_REASM_FATAL;
	}
	if (!in)
		len = 0;
	/* Fast path: a whole packet at the start of the input, nothing buffered. */
	if (r->have == 0 && len >= SSTP_HDR_LEN) {
		e = sstp_hdr_decode(in, len, &h);
		if (e != SSTP_PERR_OK)
			goto fatal;
		if (len >= h.length) {
			*pkt = in;
			*pkt_len = h.length;
			*consumed = h.length;
			return SSTP_REASM_PACKET;
		}
	}
	while (used < len) {
		uint8_t *b = r->buf[r->cur];
		size_t need, take;

		if (r->have < SSTP_HDR_LEN) {
			need = SSTP_HDR_LEN - r->have;
		} else {
			(void)sstp_hdr_decode(b, r->have, &h);   /* validated when have reached 4 */
			need = (size_t)h.length - r->have;
		}
		take = len - used < need ? len - used : need;
		memcpy(b + r->have, in + used, take);
		r->have += take;
		used += take;
		if (r->have < SSTP_HDR_LEN)
			break;
		e = sstp_hdr_decode(b, r->have, &h);
		if (e != SSTP_PERR_OK) {
			*consumed = used;
			goto fatal;
		}
		if (r->have == h.length) {
			*pkt = b;
			*pkt_len = h.length;
			r->have = 0;
			r->cur ^= 1u;
			*consumed = used;
			return SSTP_REASM_PACKET;
		}
	}
	*consumed = used;
	return SSTP_REASM_NEED;
fatal:
	r->dead = (int)e;
	r->have = 0;
	*err = e;
	return SSTP_REASM_FATAL;
}
