/* session_ready.h - when a tunnel counts as up ("connected" means traffic flows): once every
 * network protocol that will open has opened or been refused, or, when IPv6CP has not settled
 * within a grace period from the start of the network phase, on IPv4 alone (IPv6 follows when
 * it opens). Pure: NCP states and times in, a verdict and the next time to look out. */
#ifndef SSTP_SESSION_READY_H
#define SSTP_SESSION_READY_H

#include <stdint.h>

#include "ppp.h"

#define SESS_READY_GRACE_MS 8000u /* how long IPv6CP may hold up "connected" */

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

#endif
