/* sstp_fsm.h - the client call state machine of [MS-SSTP] 3.1/3.2: CALL_CONNECT_REQUEST, ACK/NAK
 * (with retries), CALL_CONNECTED with the crypto binding, echo/hello keepalive, DISCONNECT and
 * ABORT with all their timers, and PPP frame gating. Pure: bytes and the current time (uint64_t
 * monotonic milliseconds) in; bytes to send, events and the next deadline out. No allocation:
 * the caller owns struct sstp_call (about 30 KiB; allocate it statically or on the heap). */
#ifndef SSTP_FSM_H
#define SSTP_FSM_H

#include <stddef.h>
#include <stdint.h>

#include "sstp_binding.h"
#include "sstp_codec.h"

#define SSTP_DEFAULT_NEGOTIATION_MS 60000u
#define SSTP_DEFAULT_HELLO_MS 60000u
#define SSTP_DEFAULT_ABORT1_MS 3000u
#define SSTP_DEFAULT_ABORT2_MS 1000u
#define SSTP_DEFAULT_DISC1_MS 5000u
#define SSTP_DEFAULT_DISC2_MS 1000u
#define SSTP_DEFAULT_NAK_RETRIES 3u

#define SSTP_CALL_OUTBUF 16384   /* pending output bytes; >= 4 full data packets */
#define SSTP_CALL_EVQ 8

/* Configuration; zero fields take the defaults above. Nothing here is kept by pointer. */
struct sstp_call_cfg {
	const uint8_t *server_cert_der;   /* outer TLS server leaf certificate (DER); hashed at init */
	size_t server_cert_len;
	uint8_t allowed_hashes;           /* SSTP_HASH_MASK_* the client accepts; 0 = SHA-1 and SHA-256 */
	uint32_t negotiation_ms;
	uint32_t hello_ms;
	uint32_t abort1_ms;               /* after we send ABORT */
	uint32_t abort2_ms;               /* after the peer's ABORT */
	uint32_t disc1_ms;                /* after we send DISCONNECT */
	uint32_t disc2_ms;                /* after we send DISCONNECT_ACK */
	uint32_t nak_retries;             /* CALL_CONNECT_REQUEST resends after NAKs */
};

enum sstp_state {
	SSTP_ST_DISCONNECTED = 0,         /* Client_Call_Disconnected: before sstp_call_start */
	SSTP_ST_REQUEST_SENT,             /* Client_Connect_Request_Sent */
	SSTP_ST_ACK_RECEIVED,             /* Client_Connect_Ack_Received (PPP runs) */
	SSTP_ST_CONNECTED,                /* Client_Call_Connected */
	SSTP_ST_ABORT_PENDING,            /* we sent ABORT, wait T_ABORT1 or the peer's ABORT */
	SSTP_ST_ABORT_TIMEOUT_PENDING,    /* ABORT exchanged, wait T_ABORT2 */
	SSTP_ST_DISCONNECT_ACK_PENDING,   /* we sent DISCONNECT, wait ACK or T_DISC1 */
	SSTP_ST_DISCONNECT_TIMEOUT_PENDING, /* we sent DISCONNECT_ACK, wait T_DISC2 */
	SSTP_ST_CLOSED,                   /* teardown finished (CLOSED event emitted); terminal */
};

enum sstp_event_kind {
	SSTP_EV_NONE = 0,
	SSTP_EV_START_PPP,        /* CONNECT_ACK accepted: start PPP (Lower-Up) */
	SSTP_EV_PPP_FRAME,        /* frame/frame_len: a received PPP frame (no HDLC) */
	SSTP_EV_CONNECTED,        /* CALL_CONNECTED sent; data frames may flow */
	SSTP_EV_PEER_DISCONNECT,  /* peer sent CALL_DISCONNECT (status); CLOSED follows */
	SSTP_EV_ABORTED,          /* call aborted (reason, status, cause); CLOSED follows */
	SSTP_EV_CLOSED,           /* teardown finished: the session may close TLS (PPP Lower-Down) */
};

/* Why a call was aborted, for exit codes. */
enum sstp_abort_cause {
	SSTP_CAUSE_NONE = 0,
	SSTP_CAUSE_PROTOCOL,      /* invalid/unexpected message from the peer (we sent ABORT) */
	SSTP_CAUSE_STREAM,        /* SSTP framing broken (bad version/length); nothing sent */
	SSTP_CAUSE_TIMEOUT,       /* negotiation timer expired (we sent ABORT) */
	SSTP_CAUSE_NAK,           /* NAK retries exhausted (we sent ABORT) */
	SSTP_CAUSE_NO_HASH,       /* no common crypto binding hash (we sent ABORT) */
	SSTP_CAUSE_PEER_ABORT,    /* the peer sent CALL_ABORT */
	SSTP_CAUSE_PEER_DEAD,     /* no answer to ECHO_REQUEST within the hello interval */
};

struct sstp_event {
	enum sstp_event_kind kind;
	const uint8_t *frame;     /* PPP_FRAME: valid until the next sstp_call_input call */
	size_t frame_len;
	uint32_t status;          /* PEER_DISCONNECT/ABORTED: SSTP status (peer's, or the one we sent) */
	enum sstp_abort_cause cause;   /* ABORTED */
	const char *reason;       /* ABORTED: static English text, never NULL for ABORTED */
};

/* All fields are private to sstp_fsm.c; the struct is public only so the caller can allocate it. */
struct sstp_call {
	struct sstp_call_cfg cfg;         /* copy; pointer fields cleared after init */
	enum sstp_state state;
	uint8_t cert_hash_sha1[SSTP_HASH_FIELD_LEN];
	uint8_t cert_hash_sha256[SSTP_HASH_FIELD_LEN];
	uint8_t nonce[SSTP_NONCE_LEN];
	uint8_t server_hash_mask;
	uint8_t hash_proto;               /* chosen SSTP_HASH_*, 0 until CONNECT_ACK */
	unsigned nak_count;
	uint64_t deadline;                /* UINT64_MAX when no timer runs */
	int echo_outstanding;             /* ECHO_REQUEST sent, waiting for any packet */
	uint64_t probe_by;                /* sstp_call_probe: ECHO_RESPONSE due by then, 0 = none */
	uint64_t dropped_frames;          /* data frames dropped by the gate */
	/* pending input (lazy parse, see sstp_call_input) */
	const uint8_t *in;
	size_t in_len;
	uint64_t in_now;
	struct sstp_reasm reasm;
	/* events */
	struct sstp_event evq[SSTP_CALL_EVQ];
	unsigned ev_head, ev_count;
	/* output */
	uint8_t out[SSTP_CALL_OUTBUF];
	size_t out_off, out_len;
};

/* Defaults for every field (cert pointer NULL). */
void sstp_call_cfg_defaults(struct sstp_call_cfg *cfg);
/* Initialises the call (state DISCONNECTED) and hashes the certificate with SHA-1 and SHA-256.
 * Returns SSTP_PERR_INVAL if the certificate is missing or a hash fails. */
enum sstp_perr sstp_call_init(struct sstp_call *call, const struct sstp_call_cfg *cfg);

/* After the HTTP 200: queue CALL_CONNECT_REQUEST, start the negotiation timer. */
enum sstp_perr sstp_call_start(struct sstp_call *call, uint64_t now_ms);

/* Hands raw SSTP stream bytes (TLS plaintext) to the call; call sstp_call_start first (the bytes
 * that followed the HTTP head are SSTP packets too). The call keeps a reference: buf must
 * stay valid and unchanged until sstp_call_next_event returned 0, and frames it reported stay
 * valid until the next sstp_call_input. Parsing happens inside sstp_call_next_event, packet by
 * packet. Returns SSTP_PERR_BUSY if the previous input was not drained (nothing is taken). */
enum sstp_perr sstp_call_input(struct sstp_call *call, const uint8_t *buf, size_t len,
			       uint64_t now_ms);

/* Next event; returns 1 and fills *ev, or 0 when there is none and all input was consumed. */
int sstp_call_next_event(struct sstp_call *call, struct sstp_event *ev);

/* Pending output bytes for the wire (TLS). *n == 0 when nothing is pending. */
void sstp_call_output(const struct sstp_call *call, const uint8_t **p, size_t *n);
void sstp_call_output_consume(struct sstp_call *call, size_t n);

/* Wraps one PPP frame (FF 03 + protocol + info, no HDLC) in a data packet in the output buffer.
 * Control protocols (0x8000 bit set) from ACK_RECEIVED on, data protocols only when CONNECTED.
 * Returns OK, STATE (gated), INVAL (empty or > 4091) or NOSPACE (drain the output first). */
enum sstp_perr sstp_call_send_ppp(struct sstp_call *call, const uint8_t *frame, size_t len);
/* 1 if a frame with this PPP protocol may be sent now (for a zero-copy path using
 * sstp_data_header). */
int sstp_call_may_send(const struct sstp_call *call, uint16_t ppp_protocol);

/* PPP authentication finished (hlak: 32 bytes, zeros for PAP/none). Sends CALL_CONNECTED with the
 * crypto binding, emits CONNECTED, starts the hello timer. Only in ACK_RECEIVED (else STATE). */
enum sstp_perr sstp_call_auth_done(struct sstp_call *call, const uint8_t hlak[SSTP_HLAK_LEN],
				   uint64_t now_ms);

/* Liveness probe (the path under the call may have changed): send ECHO_REQUEST now unless a probe
 * is under way, and count the peer dead unless an ECHO_RESPONSE arrives within within_ms (ABORTED
 * with SSTP_CAUSE_PEER_DEAD from sstp_call_tick). Other packets do not end it: a path may still
 * bring the peer's traffic in while ours is lost. The hello timer goes on as before. Only in
 * CONNECTED (else STATE). */
enum sstp_perr sstp_call_probe(struct sstp_call *call, uint64_t now_ms, uint32_t within_ms);
/* The caller saw the probe answered another way (an LCP Echo-Reply): the probe ends. */
void sstp_call_probe_done(struct sstp_call *call);

/* Local disconnect: sends CALL_DISCONNECT and waits for the ACK (T_DISC1). Before start it just
 * closes; in teardown states it does nothing. */
void sstp_call_disconnect(struct sstp_call *call, uint64_t now_ms);

/* Runs expired timers. Call when now_ms >= sstp_call_deadline(). */
void sstp_call_tick(struct sstp_call *call, uint64_t now_ms);
/* Next deadline (ms, same clock as now_ms), UINT64_MAX if none. */
uint64_t sstp_call_deadline(const struct sstp_call *call);

enum sstp_state sstp_call_state(const struct sstp_call *call);
const char *sstp_call_state_name(enum sstp_state st);
/* Chosen crypto binding hash (SSTP_HASH_*), 0 before CONNECT_ACK. */
uint8_t sstp_call_hash(const struct sstp_call *call);

/* PPP protocol number of a frame (FF 03 optional, 1-byte compressed protocol allowed);
 * returns 0 if the frame is too short. */
uint16_t sstp_ppp_protocol(const uint8_t *frame, size_t len);

#endif
