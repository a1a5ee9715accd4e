/* session_ready.h - when a tunnel counts as up ("connected" means traffic flows): once every
 * network protocol that will open has opened or been refused, or, when IPv6CP has not settled
 * within a grace period from the start of the network phase, on IPv4 alone (IPv6 follows when
 * it opens). Pure: NCP states and times in, a verdict and the next time to look out. */
#ifndef SSTP_SESSION_READY_H
#define SSTP_SESSION_READY_H

#include <stdbool.h>
#include <stdint.h>

#include "ppp.h"

#define SESS_READY_GRACE_MS 8000u /* how long IPv6CP may hold up "connected" */
/* Then one LCP echo round trip (ppp_echo_probe): a server that stalled during IPv6CP (SoftEther
 * waits 4 s for a router advertisement) still has our retransmitted Configure-Requests queued
 * and handles the first data packets only after them, up to seconds later. Its Echo-Reply shows
 * the queue is through. A server that never answers holds "connected" this long at most. */
#define SESS_READY_PROBE_MS 5000u

enum sess_ready_verdict {
	SESS_READY_WAIT = 0,   /* an NCP that may still open is negotiating */
	SESS_READY_ALL,        /* IPCP open, IPv6CP open, refused or not configured */
	SESS_READY_IPV4_ONLY,  /* IPCP open, IPv6CP still negotiating after the grace period */
	SESS_READY_NEVER,      /* IPCP refused: this link will carry no IPv4 */
};

/* v4, v6: ppp_ncp_status() of IPCP and IPv6CP; net_start: when the network phase began;
 * grace_ms: 0 = SESS_READY_GRACE_MS. */
enum sess_ready_verdict sess_ready_check(enum ppp_ncp_status v4, enum ppp_ncp_status v6,
					 uint64_t net_start, uint64_t now, uint32_t grace_ms);
/* The next time the verdict can change without an NCP moving (UINT64_MAX when none). */
uint64_t sess_ready_deadline(enum ppp_ncp_status v4, enum ppp_ncp_status v6, uint64_t net_start,
			     uint32_t grace_ms);
const char *sess_ready_name(enum sess_ready_verdict v);
/* The readiness echo sent at `sent` is through: answered, or SESS_READY_PROBE_MS have passed. */
static inline bool sess_ready_probe_done(uint64_t sent, bool answered, uint64_t now)
{
	return answered || now - sent >= SESS_READY_PROBE_MS;
}

#endif
