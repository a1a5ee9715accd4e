/* sstp_codec.h - SSTP wire format ([MS-SSTP] 2.2): packet and attribute encode/decode with a
 * bounds-checked cursor, and a stream reassembler that accepts the TLS byte stream split at any
 * byte. Pure: no allocation, no I/O, no globals. Every function works on caller-owned memory. */
#ifndef SSTP_CODEC_H
#define SSTP_CODEC_H

#include <stddef.h>
#include <stdint.h>

#define SSTP_VERSION 0x10
#define SSTP_HDR_LEN 4
#define SSTP_MAX_PACKET 4095            /* 12-bit length field */
#define SSTP_MAX_PPP_FRAME 4091         /* SSTP_MAX_PACKET - SSTP_HDR_LEN */
#define SSTP_NONCE_LEN 32
#define SSTP_HASH_FIELD_LEN 32          /* cert hash / MAC fields (SHA-1 zero padded) */
#define SSTP_STATUS_VALUE_MAX 64        /* AttribValue in STATUS_INFO */
#define SSTP_CALL_CONNECTED_LEN 112
#define SSTP_CONNECT_REQUEST_LEN 14

enum sstp_msg_type {
	SSTP_MSG_CALL_CONNECT_REQUEST = 0x0001,
	SSTP_MSG_CALL_CONNECT_ACK = 0x0002,
	SSTP_MSG_CALL_CONNECT_NAK = 0x0003,
	SSTP_MSG_CALL_CONNECTED = 0x0004,
	SSTP_MSG_CALL_ABORT = 0x0005,
	SSTP_MSG_CALL_DISCONNECT = 0x0006,
	SSTP_MSG_CALL_DISCONNECT_ACK = 0x0007,
	SSTP_MSG_ECHO_REQUEST = 0x0008,
	SSTP_MSG_ECHO_RESPONSE = 0x0009,
};

enum sstp_attr_id {
	SSTP_ATTR_NO_ERROR = 0x00,
	SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID = 0x01,
	SSTP_ATTR_STATUS_INFO = 0x02,
	SSTP_ATTR_CRYPTO_BINDING = 0x03,
	SSTP_ATTR_CRYPTO_BINDING_REQ = 0x04,
};

enum sstp_status {
	SSTP_STATUS_NO_ERROR = 0x00,
	SSTP_STATUS_DUPLICATE_ATTRIBUTE = 0x01,
	SSTP_STATUS_UNRECOGNIZED_ATTRIBUTE = 0x02,
	SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH = 0x03,
	SSTP_STATUS_VALUE_NOT_SUPPORTED = 0x04,
	SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED = 0x05,
	SSTP_STATUS_RETRY_COUNT_EXCEEDED = 0x06,
	SSTP_STATUS_INVALID_FRAME_RECEIVED = 0x07,
	SSTP_STATUS_NEGOTIATION_TIMEOUT = 0x08,
	SSTP_STATUS_ATTRIB_NOT_SUPPORTED_IN_MSG = 0x09,
	SSTP_STATUS_REQUIRED_ATTRIBUTE_MISSING = 0x0A,
	SSTP_STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG = 0x0B,
};

/* Hash protocol values (CRYPTO_BINDING) and bitmask bits (CRYPTO_BINDING_REQ). */
#define SSTP_HASH_SHA1 0x01
#define SSTP_HASH_SHA256 0x02
#define SSTP_HASH_MASK_SHA1 0x01
#define SSTP_HASH_MASK_SHA256 0x02

#define SSTP_ENCAPSULATED_PROTOCOL_PPP 0x0001

/* Result codes of the codec, the HTTP parser and the call API. 0 is success. */
enum sstp_perr {
	SSTP_PERR_OK = 0,
	SSTP_PERR_TRUNCATED,        /* fewer bytes than a field or the header Length needs */
	SSTP_PERR_BAD_VERSION,      /* version byte != 0x10 (fatal, no ABORT sent) */
	SSTP_PERR_BAD_LENGTH,       /* header Length < 4 (fatal), or < 8 for a control packet */
	SSTP_PERR_ATTR_OVERFLOW,    /* attribute Length < 4 or past the end of the packet */
	SSTP_PERR_ATTR_DUPLICATE,   /* same attribute twice (STATUS_INFO excepted in NAK) */
	SSTP_PERR_ATTR_UNKNOWN,     /* attribute ID not defined by MS-SSTP */
	SSTP_PERR_ATTR_LENGTH,      /* wrong fixed attribute length (1: 6, 3: 104, 4: 40) */
	SSTP_PERR_STATUS_SHORT,     /* STATUS_INFO shorter than 12 or longer than 76 */
	SSTP_PERR_ATTR_NOT_ALLOWED, /* attribute not allowed in this message type */
	SSTP_PERR_ATTR_MISSING,     /* required attribute missing */
	SSTP_PERR_ATTR_COUNT,       /* Num Attributes disagrees with the packet */
	SSTP_PERR_BAD_VALUE,        /* e.g. protocol id != PPP, empty hash bitmask */
	SSTP_PERR_UNKNOWN_MSG,      /* message type not defined */
	SSTP_PERR_NOSPACE,          /* output buffer too small */
	SSTP_PERR_INVAL,            /* bad argument from the caller */
	SSTP_PERR_STATE,            /* operation not allowed in the current call state */
	SSTP_PERR_BUSY,             /* previous sstp_call_input not drained yet */
};

/* Short English text for a result code (static string). */
const char *sstp_perr_str(enum sstp_perr e);
/* SSTP status code to put in a CALL_ABORT for a decode error. */
uint32_t sstp_perr_abort_status(enum sstp_perr e);
/* Name of a message type / status code ("CALL_CONNECT_ACK", "NEGOTIATION_TIMEOUT"), never NULL. */
const char *sstp_msg_name(uint16_t type);
const char *sstp_status_name(uint32_t status);

/* ---- bounded read cursor: every read checks the remaining length; errors are sticky ---- */
struct sstp_cur {
	const uint8_t *p;
	size_t len;
	size_t off;
	int err;           /* nonzero once any read ran past len; reads then return 0 */
};

void sstp_cur_init(struct sstp_cur *c, const uint8_t *p, size_t len);
uint8_t sstp_cur_u8(struct sstp_cur *c);
uint16_t sstp_cur_u16(struct sstp_cur *c);          /* big endian */
uint32_t sstp_cur_u32(struct sstp_cur *c);          /* big endian */
/* Copies n bytes to out (out may be NULL to skip). On underflow out is zero-filled. */
void sstp_cur_bytes(struct sstp_cur *c, uint8_t *out, size_t n);
size_t sstp_cur_left(const struct sstp_cur *c);

/* ---- packet header ---- */
struct sstp_hdr {
	uint8_t version;
	int control;       /* C bit */
	uint16_t length;   /* 12-bit length incl. header (R bits masked off) */
};

/* Decodes the 4-byte header. Returns OK, TRUNCATED (< 4 bytes), BAD_VERSION or BAD_LENGTH
 * (length < 4). Does not look at the body. */
enum sstp_perr sstp_hdr_decode(const uint8_t *p, size_t len, struct sstp_hdr *h);

/* Writes the 4-byte data packet header for a PPP frame of frame_len bytes (<= 4091),
 * so a zero-copy path can put it in front of a frame itself. */
enum sstp_perr sstp_data_header(uint8_t hdr[SSTP_HDR_LEN], size_t frame_len);

/* ---- decoded control message ---- */
struct sstp_status_info {
	uint8_t attrib_id;
	uint32_t status;
	uint8_t value[SSTP_STATUS_VALUE_MAX];
	size_t value_len;
};

#define SSTP_CTRL_MAX_STATUS 4   /* STATUS_INFOs kept; more are counted, not stored */

struct sstp_ctrl {
	uint16_t type;
	uint16_t num_attrs;
	unsigned present;                 /* bit (1u << attr id) for each attribute present */
	uint16_t protocol_id;             /* ENCAPSULATED_PROTOCOL_ID */
	unsigned n_status;                /* STATUS_INFO attributes seen */
	struct sstp_status_info status[SSTP_CTRL_MAX_STATUS];
	uint8_t hash_mask;                /* CRYPTO_BINDING_REQ bitmask */
	uint8_t hash_proto;               /* CRYPTO_BINDING hash protocol */
	uint8_t nonce[SSTP_NONCE_LEN];    /* from CRYPTO_BINDING_REQ or CRYPTO_BINDING */
	uint8_t cert_hash[SSTP_HASH_FIELD_LEN];
	uint8_t mac[SSTP_HASH_FIELD_LEN];
	uint8_t bad_attr;                 /* on error: the attribute ID at fault (or 0) */
};

/* Decodes a complete control packet (header included, len = header Length). Checks the generic
 * structure (attribute lengths, fixed lengths, duplicates, unknown IDs, Num Attributes) and the
 * per-message rules of [MS-SSTP] 2.2.9-2.2.17 (which attributes are required/allowed). */
enum sstp_perr sstp_ctrl_decode(const uint8_t *pkt, size_t len, struct sstp_ctrl *m);

/* ---- encoders: write into out[cap], return bytes written or 0 if cap is too small ---- */
size_t sstp_encode_connect_request(uint8_t *out, size_t cap);
/* ABORT / DISCONNECT: with_status != 0 adds one STATUS_INFO (attrib_id, status, no value). */
size_t sstp_encode_abort(uint8_t *out, size_t cap, int with_status, uint8_t attrib_id,
			 uint32_t status);
size_t sstp_encode_disconnect(uint8_t *out, size_t cap, int with_status, uint8_t attrib_id,
			      uint32_t status);
/* DISCONNECT_ACK, ECHO_REQUEST, ECHO_RESPONSE: 8-byte messages without attributes. */
size_t sstp_encode_simple(uint8_t *out, size_t cap, uint16_t type);
/* CALL_CONNECTED with the given binding fields (cert_hash and mac are 32-byte fields, already
 * zero padded for SHA-1). Output is always 112 bytes. */
size_t sstp_encode_call_connected(uint8_t *out, size_t cap, uint8_t hash_proto,
				  const uint8_t nonce[SSTP_NONCE_LEN],
				  const uint8_t cert_hash[SSTP_HASH_FIELD_LEN],
				  const uint8_t mac[SSTP_HASH_FIELD_LEN]);
/* Server-side messages, used by tests and fuzz oracles. nak: n STATUS_INFOs. */
size_t sstp_encode_connect_ack(uint8_t *out, size_t cap, uint8_t hash_mask,
			       const uint8_t nonce[SSTP_NONCE_LEN]);
size_t sstp_encode_connect_nak(uint8_t *out, size_t cap, const struct sstp_status_info *st,
			       size_t n);
/* Data packet: header + frame; frame_len <= 4091. */
size_t sstp_encode_data(uint8_t *out, size_t cap, const uint8_t *frame, size_t frame_len);

/* ---- stream reassembler ----
 * Feed the SSTP byte stream in pieces of any size. A complete packet is returned either as a
 * pointer into the caller's input (no copy) or into one of the reassembler's two buffers (when it
 * spanned several feeds). A packet kept in the reassembler stays valid until the buffer is reused
 * for the packet after the next one, i.e. for at least one further feed call. */
struct sstp_reasm {
	uint8_t buf[2][SSTP_MAX_PACKET];
	size_t have;       /* bytes of the partial packet in buf[cur] */
	unsigned cur;      /* buffer receiving the partial packet */
	int dead;          /* set after a fatal stream error; all later input is refused */
};

enum sstp_reasm_rc {
	SSTP_REASM_NEED = 0,   /* input consumed, no complete packet */
	SSTP_REASM_PACKET = 1, /* pkt and pkt_len hold one complete packet */
	SSTP_REASM_FATAL = 2,  /* delineation failed (bad version, length < 4): *err says which */
};

void sstp_reasm_init(struct sstp_reasm *r);
/* Consumes bytes of in[0..len) and sets *consumed; stops after one complete packet. */
enum sstp_reasm_rc sstp_reasm_feed(struct sstp_reasm *r, const uint8_t *in, size_t len,
				   size_t *consumed, const uint8_t **pkt, size_t *pkt_len,
				   enum sstp_perr *err);

#endif
