/* session_ready.c - the readiness rule of session_ready.h. */
#include "session_ready.h"

static uint64_t grace_end(uint64_t net_start, uint32_t grace_ms)
{
	uint64_t g = grace_ms ? grace_ms : SESS_READY_GRACE_MS;

	return net_start > UINT64_MAX - g ? UINT64_MAX : net_start + g;
}

enum sess_ready_verdict sess_ready_check(enum ppp_ncp_status v4, enum ppp_ncp_status v6,
					 uint64_t net_start, uint64_t now, uint32_t grace_ms)
{
	if (v4 == PPP_NCP_REFUSED || v4 == PPP_NCP_OFF)
		return SESS_READY_NEVER;
	if (v4 != PPP_NCP_OPEN)
		return SESS_READY_WAIT;
	if (v6 != PPP_NCP_PENDING)
		return SESS_READY_ALL;
	return now >= grace_end(net_start, grace_ms) ? SESS_READY_IPV4_ONLY : SESS_READY_WAIT;
}

uint64_t sess_ready_deadline(enum ppp_ncp_status v4, enum ppp_ncp_status v6, uint64_t net_start,
			     uint32_t grace_ms)
{
	if (v4 != PPP_NCP_OPEN || v6 != PPP_NCP_PENDING)
		return UINT64_MAX; /* waits for an NCP to move, or already decided */
	return grace_end(net_start, grace_ms);
}

const char *sess_ready_name(enum sess_ready_verdict v)
{
	switch (v) {
	case SESS_READY_WAIT: return "wait";
	case SESS_READY_ALL: return "ready";
	case SESS_READY_IPV4_ONLY: return "ready on IPv4 (IPv6 follows)";
	case SESS_READY_NEVER: return "no IPv4";
	}
	return "?";
}
