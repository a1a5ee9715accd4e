/* ctl_proto.h - the control protocol spoken over a session's unix socket (and later by the
 * privileged helper): length-prefixed, versioned frames carrying TLV attributes.
 * Pure and bounded: no I/O, no allocation; the parser checks every length before reading.
 *
 * Frame (all integers big endian):
 *   0  'S' 'C'         magic
 *   2  u8  version     SSTP_CTL_VERSION
 *   3  u8  type        enum sstp_ctl_type
 *   4  u32 id          request id chosen by the client, echoed in the reply (events: 0)
 *   8  u32 length      payload bytes, at most SSTP_CTL_MAX_PAYLOAD
 *  12  payload         attributes: u16 tag, u16 length, value[length], back to back
 */
#ifndef SSTP_CTL_PROTO_H
#define SSTP_CTL_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define SSTP_CTL_VERSION 1
#define SSTP_CTL_HEADER_LEN 12
#define SSTP_CTL_MAX_PAYLOAD 16384
#define SSTP_CTL_MAX_FRAME (SSTP_CTL_HEADER_LEN + SSTP_CTL_MAX_PAYLOAD)

enum sstp_ctl_type {
	/* requests */
	SSTP_CTL_REQ_STATUS = 0x01,     /* -> RESP_STATUS */
	SSTP_CTL_REQ_DISCONNECT = 0x02, /* -> RESP_OK once the session has started tearing down */
	SSTP_CTL_REQ_CONNECT = 0x03,    /* helper only: attrs PROFILE, OPTION... -> RESP_OK/ERROR */
	SSTP_CTL_REQ_SUBSCRIBE = 0x04,  /* keep the connection open and receive EVENT frames */
	/* replies and notifications */
	SSTP_CTL_RESP_OK = 0x81,
	SSTP_CTL_RESP_ERROR = 0x82,     /* attrs EXIT_CODE, MESSAGE */
	SSTP_CTL_RESP_STATUS = 0x83,    /* status attributes (ctl_status.h) */
	SSTP_CTL_EVENT = 0x84,          /* status attributes, sent on every state change */
};

/* Attribute tags. 0x01-0x3f general, 0x40-0x7f status (ctl_status.c). Unknown tags are
 * skipped by readers, so new ones can be added without a version bump. */
enum sstp_ctl_tag {
	SSTP_CTL_A_EXIT_CODE = 0x01, /* u32: an error kind (sstp_err.h), valued as the exit code */
	SSTP_CTL_A_MESSAGE = 0x02,   /* string */
	SSTP_CTL_A_PROFILE = 0x03,   /* string */
	SSTP_CTL_A_OPTION = 0x04,    /* string "--name=value", repeatable (never a secret) */
};

const char *sstp_ctl_type_name(uint8_t type);

/* --- writing ------------------------------------------------------------------------------ */
struct sstp_ctl_writer {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int err; /* sticky: set when something did not fit */
};

/* Start a frame in caller memory `buf` of `cap` bytes. */
void sstp_ctl_begin(struct sstp_ctl_writer *w, uint8_t *buf, size_t cap, uint8_t type,
		    uint32_t id);
void sstp_ctl_put_bytes(struct sstp_ctl_writer *w, uint16_t tag, const void *val, size_t len);
void sstp_ctl_put_u32(struct sstp_ctl_writer *w, uint16_t tag, uint32_t v);
void sstp_ctl_put_u64(struct sstp_ctl_writer *w, uint16_t tag, uint64_t v);
/* Strings go without their NUL; an empty string is still written (length 0). */
void sstp_ctl_put_str(struct sstp_ctl_writer *w, uint16_t tag, const char *s);
/* Finish the frame: total length in bytes, or -1 when it did not fit (or exceeds the maximum). */
long sstp_ctl_finish(struct sstp_ctl_writer *w);

/* --- reading ------------------------------------------------------------------------------ */
struct sstp_ctl_msg {
	uint8_t type;
	uint32_t id;
	const uint8_t *payload; /* points into the caller's buffer */
	uint32_t payload_len;
};

enum sstp_ctl_parse_result {
	SSTP_CTL_NEED_MORE = 0,
	SSTP_CTL_BAD = -1,
};

/* Look at the start of a byte stream. Returns the frame's total length (> 0) when a complete
 * frame is there (msg filled), SSTP_CTL_NEED_MORE when more bytes are needed, SSTP_CTL_BAD
 * when the bytes can never be a valid frame (*why says why; the connection should be closed).
 * The attributes are validated too: a frame whose TLVs overrun the payload is BAD. */
long sstp_ctl_parse(const uint8_t *buf, size_t len, struct sstp_ctl_msg *msg, const char **why);

struct sstp_ctl_attr {
	uint16_t tag;
	uint16_t len;
	const uint8_t *val;
};

struct sstp_ctl_iter {
	const uint8_t *p;
	size_t left;
};

void sstp_ctl_iter_init(struct sstp_ctl_iter *it, const struct sstp_ctl_msg *msg);
/* 1 with *a filled, 0 at the end, -1 when the remaining bytes are not a whole attribute. */
int sstp_ctl_next(struct sstp_ctl_iter *it, struct sstp_ctl_attr *a);

/* Value accessors: 0, or -1 when the length is wrong. get_str fails on a NUL inside the value or
 * when it does not fit `size` (including the terminating NUL). */
int sstp_ctl_get_u32(const struct sstp_ctl_attr *a, uint32_t *v);
int sstp_ctl_get_u64(const struct sstp_ctl_attr *a, uint64_t *v);
int sstp_ctl_get_str(const struct sstp_ctl_attr *a, char *out, size_t size);

#endif
