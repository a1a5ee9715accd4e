/* ctl_proto.c - encoder and bounded parser of the control protocol frames (see ctl_proto.h). */
#include "ctl_proto.h"

#include <string.h>

static void put16(uint8_t *p, uint16_t v)
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

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

const char *sstp_ctl_type_name(uint8_t type)
{
	switch (type) {
	case SSTP_CTL_REQ_STATUS: return "status";
	case SSTP_CTL_REQ_DISCONNECT: return "disconnect";
	case SSTP_CTL_REQ_CONNECT: return "connect";
	case SSTP_CTL_REQ_SUBSCRIBE: return "subscribe";
	case SSTP_CTL_RESP_OK: return "ok";
	case SSTP_CTL_RESP_ERROR: return "error";
	case SSTP_CTL_RESP_STATUS: return "status-reply";
	case SSTP_CTL_EVENT: return "event";
	default: return "unknown";
	}
}

void sstp_ctl_begin(struct sstp_ctl_writer *w, uint8_t *buf, size_t cap, uint8_t type,
		    uint32_t id)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->err = 0;
	if (!buf || cap < SSTP_CTL_HEADER_LEN) {
		w->err = 1;
		return;
	}
	buf[0] = 'S';
	buf[1] = 'C';
	buf[2] = SSTP_CTL_VERSION;
	buf[3] = type;
	put32(buf + 4, id);
	put32(buf + 8, 0);
	w->len = SSTP_CTL_HEADER_LEN;
}

void sstp_ctl_put_bytes(struct sstp_ctl_writer *w, uint16_t tag, const void *val, size_t len)
{
	if (w->err)
		return;
	if (len > 0xffff || w->cap - w->len < 4 + len ||
	    w->len - SSTP_CTL_HEADER_LEN + 4 + len > SSTP_CTL_MAX_PAYLOAD) {
		w->err = 1;
		return;
	}
	put16(w->buf + w->len, tag);
	put16(w->buf + w->len + 2, (uint16_t)len);
	if (len)
		memcpy(w->buf + w->len + 4, val, len);
	w->len += 4 + len;
}

void sstp_ctl_put_u32(struct sstp_ctl_writer *w, uint16_t tag, uint32_t v)
{
	uint8_t b[4];

	put32(b, v);
	sstp_ctl_put_bytes(w, tag, b, sizeof(b));
}

void sstp_ctl_put_u64(struct sstp_ctl_writer *w, uint16_t tag, uint64_t v)
{
	uint8_t b[8];

	put32(b, (uint32_t)(v >> 32));
	put32(b + 4, (uint32_t)v);
	sstp_ctl_put_bytes(w, tag, b, sizeof(b));
}

void sstp_ctl_put_str(struct sstp_ctl_writer *w, uint16_t tag, const char *s)
{
	sstp_ctl_put_bytes(w, tag, s ? s : "", s ? strlen(s) : 0);
}

long sstp_ctl_finish(struct sstp_ctl_writer *w)
{
	if (w->err)
		return -1;
	put32(w->buf + 8, (uint32_t)(w->len - SSTP_CTL_HEADER_LEN));
	return (long)w->len;
}

static int known_type(uint8_t t)
{
	return (t >= SSTP_CTL_REQ_STATUS && t <= SSTP_CTL_REQ_SUBSCRIBE) ||
	       (t >= SSTP_CTL_RESP_OK && t <= SSTP_CTL_EVENT);
}

long sstp_ctl_parse(const uint8_t *buf, size_t len, struct sstp_ctl_msg *msg, const char **why)
{
	const char *dummy;
	uint32_t plen;
	size_t off;

	if (!why)
		why = &dummy;
	*why = NULL;
	/* Reject garbage as early as the bytes allow, so a peer cannot make us wait on junk. */
	if (len >= 1 && buf[0] != 'S')
		goto bad_magic;
	if (len >= 2 && buf[1] != 'C')
		goto bad_magic;
	if (len >= 3 && buf[2] != SSTP_CTL_VERSION) {
		*why = "unsupported control protocol version";
		return SSTP_CTL_BAD;
	}
	if (len >= 4 && !known_type(buf[3])) {
		*why = "unknown control message type";
		return SSTP_CTL_BAD;
	}
	if (len < SSTP_CTL_HEADER_LEN)
		return SSTP_CTL_NEED_MORE;
	plen = get32(buf + 8);
	if (plen > SSTP_CTL_MAX_PAYLOAD) {
		*why = "control message too long";
		return SSTP_CTL_BAD;
	}
	if (len - SSTP_CTL_HEADER_LEN < plen)
		return SSTP_CTL_NEED_MORE;
	for (off = 0; off < plen;) {
		uint16_t alen;

		if (plen - off < 4) {
			*why = "truncated attribute header";
			return SSTP_CTL_BAD;
		}
		alen = get16(buf + SSTP_CTL_HEADER_LEN + off + 2);
		if (plen - off - 4 < alen) {
			*why = "attribute overruns the message";
			return SSTP_CTL_BAD;
		}
		off += 4u + alen;
	}
	msg->type = buf[3];
	msg->id = get32(buf + 4);
	msg->payload = buf + SSTP_CTL_HEADER_LEN;
	msg->payload_len = plen;
	return (long)(SSTP_CTL_HEADER_LEN + plen);
bad_magic:
	*why = "not a control protocol frame";
	return SSTP_CTL_BAD;
}

void sstp_ctl_iter_init(struct sstp_ctl_iter *it, const struct sstp_ctl_msg *msg)
{
	it->p = msg->payload;
	it->left = msg->payload_len;
}

int sstp_ctl_next(struct sstp_ctl_iter *it, struct sstp_ctl_attr *a)
{
	uint16_t alen;

	if (it->left == 0)
		return 0;
	if (it->left < 4)
		return -1;
	alen = get16(it->p + 2);
	if (it->left - 4 < alen)
		return -1;
	a->tag = get16(it->p);
	a->len = alen;
	a->val = it->p + 4;
	it->p += 4u + alen;
	it->left -= 4u + alen;
	return 1;
}

int sstp_ctl_get_u32(const struct sstp_ctl_attr *a, uint32_t *v)
{
	if (a->len != 4)
		return -1;
	*v = get32(a->val);
	return 0;
}

int sstp_ctl_get_u64(const struct sstp_ctl_attr *a, uint64_t *v)
{
	if (a->len != 8)
		return -1;
	*v = ((uint64_t)get32(a->val) << 32) | get32(a->val + 4);
	return 0;
}

int sstp_ctl_get_str(const struct sstp_ctl_attr *a, char *out, size_t size)
{
	if (size == 0 || a->len >= size || memchr(a->val, 0, a->len))
		return -1;
	memcpy(out, a->val, a->len);
	out[a->len] = '\0';
	return 0;
}
