/* fsm.h - the RFC 1661 option negotiation automaton (section 4), shared by LCP, IPCP and IPv6CP.
 * Each protocol supplies a small callback table for its options and layer actions; the
 * automaton owns states, restart counters, timers (as deadlines), Nak loops and packet codes. */
#ifndef SSTP_PPP_FSM_H
#define SSTP_PPP_FSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ppp_buf.h"

struct ppp;
struct fsm;

enum fsm_state {
	FSM_INITIAL = 0,
	FSM_STARTING,
	FSM_CLOSED,
	FSM_STOPPED,
	FSM_CLOSING,
	FSM_STOPPING,
	FSM_REQSENT,
	FSM_ACKRCVD,
	FSM_ACKSENT,
	FSM_OPENED,
	FSM_NSTATES
};

/* Packet codes shared by LCP and the NCPs. */
enum {
	FSM_CONFREQ = 1,
	FSM_CONFACK = 2,
	FSM_CONFNAK = 3,
	FSM_CONFREJ = 4,
	FSM_TERMREQ = 5,
	FSM_TERMACK = 6,
	FSM_CODEREJ = 7,
};

#define FSM_MAX_CONFIGURE 10
#define FSM_MAX_TERMINATE 2
#define FSM_MAX_FAILURE 5
#define FSM_FIRST_RESTART_MS 1000 /* first Configure-Request retransmission, doubling to cfg.restart_ms */
#define FSM_MAX_NAK_LOOPS 10 /* received Naks before they are treated as Rejects */
#define FSM_NCP_HOLD_MAX_MS 8000 /* longest an NCP retransmission waits for a silent peer */

/* Result of checking the peer's Configure-Request. */
enum fsm_reqci_result {
	FSM_REQ_ACK = FSM_CONFACK,
	FSM_REQ_NAK = FSM_CONFNAK,
	FSM_REQ_REJ = FSM_CONFREJ,
	FSM_REQ_DISCARD = 0, /* malformed: drop the packet */
};

struct fsm_callbacks {
	const char *name; /* "LCP", "IPCP", "IPv6CP" */
	/* Reset our wanted options before a new negotiation. */
	void (*resetci)(struct fsm *f);
	/* Append our Configure-Request options. */
	void (*addci)(struct fsm *f, struct ppp_wr *w);
	/* Check a Configure-Ack against what we sent: true if identical. */
	bool (*ackci)(struct fsm *f, const uint8_t *opt, size_t len);
	/* Take a Configure-Nak (treat_as_reject: drop the options instead). false = bad packet. */
	bool (*nakci)(struct fsm *f, const uint8_t *opt, size_t len, bool treat_as_reject);
	/* Take a Configure-Reject. false = bad packet (not a subset of our request). */
	bool (*rejci)(struct fsm *f, const uint8_t *opt, size_t len);
	/* Check the peer's Configure-Request; write the Ack/Nak/Reject options into w.
	 * reject_if_disagree: Max-Failure reached, reject instead of Nak. */
	enum fsm_reqci_result (*reqci)(struct fsm *f, const uint8_t *opt, size_t len,
				       struct ppp_wr *w, bool reject_if_disagree);
	void (*up)(struct fsm *f);       /* this-layer-up */
	void (*down)(struct fsm *f);     /* this-layer-down */
	void (*starting)(struct fsm *f); /* this-layer-started (may be NULL) */
	void (*finished)(struct fsm *f); /* this-layer-finished */
	/* Codes beyond 7 (LCP: Protocol-Reject, Echo...). Return false if unknown (Code-Reject). */
	bool (*extcode)(struct fsm *f, uint8_t code, uint8_t id, const uint8_t *data, size_t len);
};

struct fsm {
	struct ppp *ppp;
	const struct fsm_callbacks *cb;
	uint16_t proto;
	enum fsm_state state;
	uint8_t id;       /* next identifier to use */
	uint8_t reqid;    /* identifier of our outstanding Configure-Request */
	bool reqid_valid; /* a Configure-Request of ours is outstanding */
	unsigned restarts; /* restart counter */
	unsigned snaks;    /* consecutive Configure-Naks we sent (Max-Failure) */
	unsigned rnaks;    /* Configure-Naks/Rejects received since the last Ack */
	uint64_t timer;    /* restart timer deadline, UINT64_MAX when stopped */
	uint64_t hold_since; /* NCP retransmissions first held back (UINT64_MAX: never) */
	uint64_t now;      /* time of the event being processed */
	bool failed;       /* finished because negotiation failed (not a normal close) */
	bool peer_term;    /* the peer sent Terminate-Request */
	char why[128];     /* why it failed or closed (for LINK_DOWN messages) */
};

void fsm_init(struct fsm *f, struct ppp *ppp, uint16_t proto, const struct fsm_callbacks *cb);
/* Administrative and lower-layer events (RFC 1661 4.1: Up, Down, Open, Close). */
void fsm_lower_up(struct fsm *f, uint64_t now);
void fsm_lower_down(struct fsm *f);
void fsm_open(struct fsm *f, uint64_t now);
void fsm_close(struct fsm *f, const char *why, uint64_t now);
/* Restart timer: call when now >= f->timer. */
void fsm_timeout(struct fsm *f, uint64_t now);
/* A received packet for this protocol (information field, without the protocol number). */
void fsm_input(struct fsm *f, const uint8_t *pkt, size_t len, uint64_t now);
/* The peer Protocol-Rejected this protocol (RXJ-). */
void fsm_protocol_rejected(struct fsm *f, uint64_t now);
/* Send a packet of this protocol: code, id, data. */
void fsm_send(struct fsm *f, uint8_t code, uint8_t id, const uint8_t *data, size_t len);
/* Mark a negotiation failure with a reason, then make the FSM finish (like TO-). */
void fsm_fail(struct fsm *f, const char *why, uint64_t now);
const char *fsm_state_name(enum fsm_state s);

#endif
