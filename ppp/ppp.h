/* ppp.h - public API of the pure, in-tree PPP engine (client side of LCP, PAP, MS-CHAPv2, EAP,
 * IPCP, IPv6CP) for carriers without HDLC framing such as SSTP.
 * Pure: bytes and the current time (monotonic milliseconds) go in; frames to send, events and
 * the next deadline come out. No sockets, clocks, globals, threads or logging. */
#ifndef SSTP_PPP_H
#define SSTP_PPP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ppp_eaptls.h"

/* Protocol numbers (RFC 1661 and friends). */
#define PPP_PROTO_IP 0x0021
#define PPP_PROTO_IPV6 0x0057
#define PPP_PROTO_IPCP 0x8021
#define PPP_PROTO_IPV6CP 0x8057
#define PPP_PROTO_CCP 0x80FD
#define PPP_PROTO_LCP 0xC021
#define PPP_PROTO_PAP 0xC023
#define PPP_PROTO_CHAP 0xC223
#define PPP_PROTO_EAP 0xC227

#define PPP_MRU_DEFAULT 1400
#define PPP_MRU_MIN 128    /* smallest peer MRU we accept */
#define PPP_MRU_MAX 4091   /* largest MRU (SSTP: 4095 minus the SSTP header) */
#define PPP_DATA_HDR_LEN 4 /* FF 03 + 2-byte protocol */
/* Largest information field that fits one SSTP data packet (4095 - 4 SSTP - 4 PPP header).
 * Every frame the engine builds is clamped to it whatever MRU the peer announces: RRAS and
 * Azure announce 4091, which counted as an information field would make 4095-byte frames. */
#define PPP_INFO_MAX (PPP_MRU_MAX - PPP_DATA_HDR_LEN)
#define PPP_HLAK_LEN 32
#define PPP_MSG_LEN 256 /* size of text fields in events (NUL-terminated, truncated) */

/* Authentication methods the user allows (bit flags for ppp_config.auth). */
#define PPP_AUTH_PAP 0x01u
#define PPP_AUTH_MSCHAPV2 0x02u
#define PPP_AUTH_EAP_MSCHAPV2 0x04u
#define PPP_AUTH_EAP_TLS 0x08u
#define PPP_AUTH_PEAP 0x10u /* PEAPv0 with inner EAP-MSCHAPv2 (needs tls with open/seal) */
#define PPP_AUTH_ALL 0x1Fu

enum ppp_auth_method {
	PPP_METHOD_NONE = 0, /* the server asked for no authentication */
	PPP_METHOD_PAP,
	PPP_METHOD_MSCHAPV2,
	PPP_METHOD_EAP_MSCHAPV2,
	PPP_METHOD_EAP_TLS,
	PPP_METHOD_PEAP, /* PEAPv0 / EAP-MSCHAPv2 */
};

/* Engine configuration. ppp_new() copies everything it needs (user, password and identity are
 * copied into engine memory that ppp_free() wipes), so the caller may free its strings after
 * ppp_new() returns. The tls table (if any) and random callback must stay valid until ppp_free(). */
struct ppp_config {
	uint16_t mru;               /* MRU we request; 0 = PPP_MRU_DEFAULT; clamped to 128..4091 */
	unsigned auth;              /* PPP_AUTH_* flags allowed; 0 = none (only "no auth" servers) */
	const char *user;           /* PAP peer-id / MS-CHAPv2 name; may be "DOMAIN\\user" */
	size_t user_len;            /* bytes (max 255) */
	const char *password;       /* PAP / MS-CHAPv2 password (UTF-8); never logged or put in events */
	size_t password_len;        /* bytes (max 255) */
	const char *eap_identity;   /* EAP Identity; NULL = use user */
	size_t eap_identity_len;    /* bytes (max 255) */
	const struct ppp_tls_engine *tls; /* EAP-TLS inner engine; NULL = EAP-TLS impossible */
	uint32_t echo_interval_ms;  /* own LCP Echo-Request interval; 0 = no keepalive */
	unsigned echo_max_failures; /* unanswered echoes before KEEPALIVE_LOST; 0 = 5 */
	uint32_t restart_ms;        /* RFC 1661 restart timer; 0 = 3000 */
	uint32_t auth_timeout_ms;   /* give up if auth has not finished; 0 = 60000 */
	bool want_ipv6;             /* negotiate IPv6CP */
	bool request_dns;           /* ask for DNS servers (IPCP options 129/131) */
	/* Fills buf with n unpredictable bytes (magic numbers, challenges, interface ids). Required. */
	void (*random)(void *rctx, uint8_t *buf, size_t n);
	void *random_ctx;
};

/* Link phases (RFC 1661 section 3.2). */
enum ppp_phase {
	PPP_PHASE_DEAD = 0,
	PPP_PHASE_ESTABLISH,
	PPP_PHASE_AUTHENTICATE,
	PPP_PHASE_NETWORK,
	PPP_PHASE_TERMINATE,
};

enum ppp_event_type {
	PPP_EV_NONE = 0,
	PPP_EV_LINK_UP,        /* LCP reached Opened */
	PPP_EV_AUTH_OK,        /* method + hlak set (also sent with METHOD_NONE when no auth asked) */
	PPP_EV_AUTH_FAILED,    /* method, code, retry, message set; the engine then closes the link */
	PPP_EV_IPV4_UP,        /* ipv4_local, ipv4_peer, dns1, dns2 set (zeros if not given) */
	PPP_EV_IPV6_UP,        /* ipv6_local_iid, ipv6_peer_iid set */
	PPP_EV_KEEPALIVE_LOST, /* echo_max_failures Echo-Requests unanswered; link is being closed */
	PPP_EV_LINK_DOWN,      /* the link is finished (phase DEAD): reason, protocol, message set */
};

enum ppp_down_reason {
	PPP_DOWN_NONE = 0,
	PPP_DOWN_LOCAL_CLOSE,     /* ppp_close() */
	PPP_DOWN_LOWER_DOWN,      /* ppp_lower_down() */
	PPP_DOWN_PEER_TERMINATE,  /* peer sent LCP Terminate-Request */
	PPP_DOWN_KEEPALIVE,       /* echo keepalive lost */
	PPP_DOWN_NEGOTIATION,     /* protocol (LCP/IPCP) failed to negotiate: message says why */
	PPP_DOWN_AUTH_FAILED,     /* authentication failed or timed out */
	PPP_DOWN_LOOPBACK,        /* looped-back link detected (magic number) */
	PPP_DOWN_PROTOCOL_ERROR,  /* e.g. peer rejected LCP itself */
};

/* An event. It may hold the HLAK: the caller should wipe its copy when done. */
struct ppp_event {
	enum ppp_event_type type;
	enum ppp_auth_method method;   /* AUTH_OK, AUTH_FAILED */
	enum ppp_down_reason reason;   /* LINK_DOWN */
	uint16_t protocol;             /* LINK_DOWN: protocol that failed (e.g. 0xC021), else 0 */
	int code;                      /* AUTH_FAILED: MS-CHAP error (691, 648...) or 0 */
	bool retry;                    /* AUTH_FAILED: MS-CHAP R=1 (server allows a retry) */
	uint8_t hlak[PPP_HLAK_LEN];    /* AUTH_OK: zeros (PAP/none), MS-CHAPv2 client
	                                  MasterSendKey||MasterReceiveKey, EAP-TLS MSK[0..31] */
	uint8_t ipv4_local[4];         /* IPV4_UP, network byte order */
	uint8_t ipv4_peer[4];
	uint8_t dns1[4];
	uint8_t dns2[4];
	uint8_t ipv6_local_iid[8];     /* IPV6_UP */
	uint8_t ipv6_peer_iid[8];
	char message[PPP_MSG_LEN];     /* human text, never secrets (AUTH_FAILED, LINK_DOWN, ...) */
};

/* An IP packet received in a frame (zero copy: points into the frame given to ppp_input). */
struct ppp_data {
	uint16_t proto; /* PPP_PROTO_IP or PPP_PROTO_IPV6 */
	const uint8_t *pkt;
	size_t len;
};

struct ppp;

/* Create an engine (phase DEAD). Returns NULL on a bad configuration (no random callback,
 * over-long strings) or out of memory. Free with ppp_free(). */
struct ppp *ppp_new(const struct ppp_config *cfg);
/* Wipes credentials and keys, frees everything. NULL is fine. */
void ppp_free(struct ppp *p);

/* The carrier is up: start LCP (sends the first Configure-Request). */
void ppp_lower_up(struct ppp *p, uint64_t now_ms);
/* Close the link gracefully (LCP Terminate-Request, with reason as text if not NULL). LINK_DOWN
 * (reason LOCAL_CLOSE) follows when the peer acks or the terminate timer runs out. */
void ppp_close(struct ppp *p, const char *reason, uint64_t now_ms);
/* The carrier is gone: everything stops at once; LINK_DOWN (LOWER_DOWN) if the link was alive. */
void ppp_lower_down(struct ppp *p);

/* Process one received frame (with or without FF 03; 1-byte compressed protocol tolerated).
 * Returns 1 with *data filled when the frame is an IPv4/IPv6 packet and that network protocol
 * is open (data->pkt points into frame); 0 when consumed (or dropped); negative only on
 * invalid arguments. Malformed frames are dropped, never fatal. */
int ppp_input(struct ppp *p, const uint8_t *frame, size_t len, uint64_t now_ms,
	      struct ppp_data *data);

/* Take the next frame to send (always FF 03 + 2-byte protocol + information). Returns 1 and sets
 * *frame and *len (engine-owned, valid until the next call into the engine), 0 when none. */
int ppp_next_output(struct ppp *p, const uint8_t **frame, size_t *len);

/* Take the next event. Returns 1 and fills *ev, 0 when none. */
int ppp_next_event(struct ppp *p, struct ppp_event *ev);

/* An LCP Echo-Request now, outside the keepalive schedule (a liveness probe of the caller's):
 * false when LCP is not open or the peer rejected echoes. ppp_echo_replies() counts the
 * Echo-Replies received so far (a probe is answered when it grows). */
bool ppp_echo_now(struct ppp *p);
uint32_t ppp_echo_replies(const struct ppp *p);

/* Let timers run: call when now_ms >= ppp_deadline() (calling early is harmless). */
void ppp_tick(struct ppp *p, uint64_t now_ms);
/* The next time ppp_tick() must be called, UINT64_MAX when no timer is armed. */
uint64_t ppp_deadline(const struct ppp *p);

/* Data path: write the 4-byte PPP header (FF 03 00 21 or FF 03 00 57) into hdr, which the
 * caller places right in front of the IP packet it holds (no copy of the packet needed). */
void ppp_data_header(uint8_t hdr[PPP_DATA_HDR_LEN], uint16_t proto);
/* True when IP packets of proto (PPP_PROTO_IP / PPP_PROTO_IPV6) may be sent now. */
bool ppp_data_open(const struct ppp *p, uint16_t proto);

/* Where a network protocol (PPP_PROTO_IPCP or PPP_PROTO_IPV6CP) stands. */
enum ppp_ncp_status {
	PPP_NCP_OFF = 0,  /* not configured (IPv6CP without want_ipv6) or not a network protocol */
	PPP_NCP_PENDING,  /* not yet in the network phase, or negotiating */
	PPP_NCP_OPEN,     /* Opened: packets of its protocol flow */
	PPP_NCP_REFUSED,  /* refused, failed or terminated: it will not open on this link */
};
enum ppp_ncp_status ppp_ncp_status(const struct ppp *p, uint16_t proto);

/* Status. */
enum ppp_phase ppp_get_phase(const struct ppp *p);
const char *ppp_phase_name(enum ppp_phase phase);
/* RFC 1661 state name ("Initial" ... "Opened") of LCP, IPCP or IPv6CP; "n/a" for others. */
const char *ppp_state_name(const struct ppp *p, uint16_t proto);
const char *ppp_auth_method_name(enum ppp_auth_method m);
/* While LCP has not agreed on an authentication protocol: when the peer asked for one this
 * configuration does not allow (we Nak'ed it), a sentence naming it and the option that allows
 * it; NULL otherwise. For the caller's message when the server then gives up. */
const char *ppp_auth_wanted_hint(const struct ppp *p);
/* MRU the peer accepts (what it announced; 1500 when it named none). Frames we send are also
 * held to PPP_INFO_MAX. */
uint16_t ppp_peer_mru(const struct ppp *p);
/* MRU the peer acked for us (what it may send us). */
uint16_t ppp_local_mru(const struct ppp *p);
/* Recommended TUN MTU: min(peer MRU, configured MRU, PPP_INFO_MAX). */
uint16_t ppp_mtu(const struct ppp *p);

#endif
