/* ppp_internal.h - the engine's private state (struct ppp) and the functions the protocol
 * files (fsm, lcp, ipcp, ipv6cp, auth_*, eap*) share. Not for use outside ppp/ and its tests. */
#ifndef SSTP_PPP_INTERNAL_H
#define SSTP_PPP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fsm.h"
#include "ppp.h"

#define PPP_FRAME_MAX (PPP_DATA_HDR_LEN + PPP_MRU_MAX + 8) /* one output frame */
#define PPP_OUTQ_LEN 16
#define PPP_EVQ_LEN 32
#define PPP_NAME_MAX 255
#define PPP_PEER_MRU_DEFAULT 1500
#define PPP_EAPTLS_MAX (64 * 1024) /* hard cap on a reassembled EAP-TLS message */

struct lcp_opts {
	bool neg_mru;
	uint16_t mru;
	bool neg_magic;
	uint32_t magic;
	bool neg_auth;
	uint16_t auth_proto;
	uint8_t chap_alg;
	bool neg_accm;
	uint32_t accm;
};

struct lcp_state {
	struct lcp_opts want; /* what we ask for now */
	struct lcp_opts got;  /* what the peer acked */
	struct lcp_opts his;  /* what we acked of the peer's request */
	unsigned magic_loops; /* times the peer's magic equalled ours */
	uint64_t echo_next;   /* next keepalive, UINT64_MAX when off */
	unsigned echo_pending;
	uint8_t echo_id;
	bool echo_off;        /* peer Code-Rejected Echo */
	uint64_t heard;       /* last time the peer was heard from (any frame but our own echo) */
	uint32_t echo_replies; /* Echo-Replies received (ppp_echo_replies) */
	uint16_t nakked_auth; /* auth protocol we last Nak'ed (accept it if the peer insists) */
	uint8_t nakked_alg;   /* its CHAP algorithm (CHAP only) */
	bool auth_agreed;     /* an Auth-Protocol of the peer was acknowledged */
};

struct ipcp_state {
	bool neg_addr, neg_dns1, neg_dns2;
	uint8_t addr[4], dns1[4], dns2[4];
	uint8_t peer[4];
};

struct ipv6cp_state {
	bool neg_iid;
	uint8_t iid[8];
	uint8_t peer_iid[8];
	unsigned naks;
};

struct mschap_state {
	bool have_response;          /* a Response was computed for the current challenge */
	uint8_t chal_id;             /* CHAP identifier (or MS-CHAPv2-ID for EAP) */
	uint8_t auth_challenge[16];
	uint8_t peer_challenge[16];
	uint8_t nt_response[24];
	uint8_t expect[20];          /* expected S= authenticator response */
	uint8_t hlak[PPP_HLAK_LEN];  /* MasterSendKey || MasterReceiveKey */
	bool verified;               /* S= checked and right */
	uint8_t resp[PPP_FRAME_MAX]; /* last CHAP Response packet (resent on a repeated challenge) */
	size_t resp_len;
};

enum eaptls_phase {
	EAPTLS_IDLE = 0,
	EAPTLS_RUNNING, /* handshake in progress */
	EAPTLS_DONE,    /* engine said DONE: keys available */
	EAPTLS_FAILED,
};

struct eap_state {
	bool have_last;                  /* last_id/last are valid */
	uint8_t last_id;
	uint8_t last[PPP_FRAME_MAX];     /* last EAP Response (resent on a retransmitted Request) */
	size_t last_len;
	/* The Request last_id answered (type and data): a repeat is a retransmission only when
	 * identifier AND content match; some servers reuse identifiers for new Requests. */
	uint8_t last_req[PPP_FRAME_MAX];
	size_t last_req_len;
	const uint8_t *cur_req;          /* the Request being processed (NULL outside eap_request) */
	size_t cur_req_len;
	uint8_t method;                  /* EAP type in use: 0, 13 or 26 */
	uint8_t refused;                 /* first EAP type we Nak'ed (named in a later failure) */
	char notification[128];          /* last Notification text, printable only */
	/* EAP-TLS */
	enum eaptls_phase tls;
	uint8_t *rx;                     /* reassembly buffer, exactly rx_total bytes (<= 64 KiB) */
	size_t rx_cap;                   /* its size */
	size_t rx_len;                   /* bytes gathered */
	size_t rx_total;                 /* TLS Message Length from the L flag (0 = not yet) */
	bool rx_active;                  /* fragments of a message are being gathered */
	const uint8_t *tx;               /* TLS output being fragmented (engine-owned) */
	size_t tx_len, tx_off;
	bool tx_active;
	bool tls_fail_pending;           /* engine failed: report after the alert goes out */
	/* PEAP: inner Responses go into tun (sealed by eap_peap.c) instead of a PPP frame */
	bool in_tunnel;
	uint8_t tun[PPP_FRAME_MAX];
	size_t tun_len;
	bool tun_err;
	bool peap_ok;                    /* inner method verified and Result TLV success sent */
	bool cb_used;                    /* the server's cryptobinding verified and answered */
	uint8_t cb_ipmk[40];             /* its IPMK: PEAP's MSK comes from it then */
};

struct ppp {
	struct ppp_config cfg; /* strings point into the copies below */
	char user[PPP_NAME_MAX + 1];
	char password[PPP_NAME_MAX + 1];
	char identity[PPP_NAME_MAX + 1];

	enum ppp_phase phase;
	uint64_t last_rx;           /* when the peer last sent a frame (for NCP retransmissions) */
	bool down_reported;         /* LINK_DOWN already queued for this run */
	enum ppp_down_reason down_reason;
	uint16_t down_proto;
	char down_msg[PPP_MSG_LEN];

	struct fsm lcp_fsm, ipcp_fsm, ipv6cp_fsm;
	struct lcp_state lcp;
	struct ipcp_state ipcp;
	struct ipv6cp_state ipv6cp;

	/* Authentication (we are always the authenticatee). */
	enum ppp_auth_method auth_method; /* from LCP */
	bool auth_done;
	uint64_t auth_deadline;           /* give up, UINT64_MAX when not authenticating */
	uint8_t pap_id;
	unsigned pap_tries;
	uint64_t pap_timer;
	struct mschap_state mschap;
	struct eap_state eap;

	/* Output frames. */
	uint8_t outq[PPP_OUTQ_LEN][PPP_FRAME_MAX];
	size_t outq_len[PPP_OUTQ_LEN];
	unsigned outq_head, outq_count;
	unsigned out_dropped;

	struct ppp_event evq[PPP_EVQ_LEN];
	unsigned evq_head, evq_count;
};

/* ppp.c */
/* Start building a frame of proto; returns a writer over the information field, or a writer
 * with err set when the queue is full. Finish with ppp_out_commit. */
struct ppp_wr ppp_out_begin(struct ppp *p, uint16_t proto);
void ppp_out_commit(struct ppp *p, const struct ppp_wr *w);
/* Queue an event (a copy of ev). */
void ppp_event_push(struct ppp *p, const struct ppp_event *ev);
void ppp_random(struct ppp *p, uint8_t *buf, size_t n);
/* Largest information field the peer accepts. */
size_t ppp_peer_info_max(const struct ppp *p);
/* LCP layer transitions, called from lcp.c. */
void ppp_link_up(struct ppp *p, uint64_t now);
void ppp_link_down(struct ppp *p);
void ppp_link_finished(struct ppp *p);
/* Record the first reason the link goes down (later calls do not overwrite). */
void ppp_set_down_reason(struct ppp *p, enum ppp_down_reason r, uint16_t proto, const char *msg);
/* Auth finished: success (keys may be NULL = zeros) or failure (message, code, retry). */
void ppp_auth_success(struct ppp *p, enum ppp_auth_method m, const uint8_t *hlak, uint64_t now);
void ppp_auth_failure(struct ppp *p, enum ppp_auth_method m, int code, bool retry,
		      const char *msg, uint64_t now);
/* An NCP finished: IPCP failure closes the link; IPv6CP failure only means "no IPv6". */
void ppp_ncp_finished(struct ppp *p, uint16_t proto, uint64_t now);
/* Copy printable ASCII of src into dst (NUL-terminated), replacing anything else with '?'. */
void ppp_printable(char *dst, size_t cap, const uint8_t *src, size_t len);

/* lcp.c */
extern const struct fsm_callbacks ppp_lcp_callbacks;
void lcp_init(struct ppp *p);
void lcp_tick(struct ppp *p, uint64_t now);
uint64_t lcp_deadline(const struct ppp *p);
/* Send an LCP Protocol-Reject for a received frame (proto + information). */
void lcp_protocol_reject(struct ppp *p, uint16_t proto, const uint8_t *info, size_t len);

/* ipcp.c, ipv6cp.c */
extern const struct fsm_callbacks ppp_ipcp_callbacks;
extern const struct fsm_callbacks ppp_ipv6cp_callbacks;

/* auth_pap.c */
void pap_start(struct ppp *p, uint64_t now);
void pap_input(struct ppp *p, const uint8_t *pkt, size_t len, uint64_t now);
void pap_tick(struct ppp *p, uint64_t now);

/* auth_mschapv2.c (CHAP transport and the shared MS-CHAPv2 logic used by EAP too) */
void chap_input(struct ppp *p, const uint8_t *pkt, size_t len, uint64_t now);
/* Compute the 49-byte Response value for an authenticator challenge; keeps what is needed to
 * verify S= and the keys. 0 or -1. */
int mschap_make_response(struct ppp *p, const uint8_t auth_challenge[16], uint8_t value[49]);
/* Check a Success message ("S=<40 hex> ..."). true when the authenticator response matches. */
bool mschap_check_success(struct ppp *p, const uint8_t *msg, size_t len);
/* Report a Failure message ("E=691 R=0 C=... V=3 M=...") as AUTH_FAILED. */
void mschap_report_failure(struct ppp *p, enum ppp_auth_method m, const uint8_t *msg,
			   size_t len, uint64_t now);

/* eap.c, eap_tls.c */
void eap_input(struct ppp *p, const uint8_t *pkt, size_t len, uint64_t now);
void eap_reset(struct ppp *p);
/* Queue an EAP Response (type, then the bytes a[] and b[]) with identifier id and remember it
 * so a retransmitted Request gets the same answer. */
void eap_send_response(struct ppp *p, uint8_t id, uint8_t type, const uint8_t *a, size_t alen,
		       const uint8_t *b, size_t blen);
/* EAP-MSCHAPv2 Request data (after the type byte): also the inner method of PEAP. */
void eap_mschapv2_request(struct ppp *p, uint8_t id, const uint8_t *d, size_t len, uint64_t now);
/* PEAP: one reassembled server message after the handshake (TLS records of the tunnel). */
void peap_tunnel(struct ppp *p, uint8_t id, const uint8_t *rec, size_t len, uint64_t now);
/* PEAP's HLAK after EAP-Success: MSK[0..31], the MSK from the IPMK when cryptobinding was used
 * ([MS-PEAP] 3.1.5.7). false if the tunnel has no keys. */
bool peap_hlak(struct ppp *p, uint8_t hlak[PPP_HLAK_LEN]);
/* EAP-TLS/PEAP: send a flight of TLS records (fragmented), or an empty ack when len is 0. */
void eaptls_send_output(struct ppp *p, uint8_t id, const uint8_t *out, size_t out_len);
/* EAP-TLS Request (after the type byte). */
void eaptls_request(struct ppp *p, uint8_t id, const uint8_t *data, size_t len, uint64_t now);
/* EAP-Success arrived while EAP-TLS was the method: true if the handshake is complete
 * (hlak filled with MSK[0..31]). */
bool eaptls_success(struct ppp *p, uint8_t hlak[PPP_HLAK_LEN]);
const char *eaptls_error(struct ppp *p);
void eaptls_reset(struct ppp *p);

#endif
