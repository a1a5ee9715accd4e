/* session_detect.c - see session_detect.h. */
#include "session_detect.h"

uint64_t sess_sleepclock_feed(struct sess_sleepclock *c, uint64_t mono_ms, uint64_t boot_ms)
{
	uint64_t gap = boot_ms >= mono_ms ? boot_ms - mono_ms : 0;
	uint64_t slept;

	if (!c->primed || gap < c->gap) { /* first look, or clocks that disagree: start over */
		c->primed = true;
		c->gap = gap;
		return 0;
	}
	slept = gap - c->gap;
	if (slept < SESS_SUSPEND_MIN_MS)
		return 0; /* the small drift stays in the record until it adds up */
	c->gap = gap;
	return slept;
}

enum sess_wake_action sess_wake_action(enum sstp_conn_state st, bool stopping, bool ever_up)
{
	if (stopping)
		return SESS_WAKE_IGNORE;
	switch (st) {
	case SSTP_STATE_CONFIGURING:
	case SSTP_STATE_CONNECTED:
		return SESS_WAKE_PROBE;
	case SSTP_STATE_RECONNECTING:
		return SESS_WAKE_RETRY_NOW;
	case SSTP_STATE_RESOLVING:
	case SSTP_STATE_CONNECTING:
	case SSTP_STATE_TLS:
	case SSTP_STATE_HTTP:
		return ever_up ? SESS_WAKE_RESTART : SESS_WAKE_IGNORE;
	default:
		return SESS_WAKE_IGNORE; /* SSTP/PPP negotiation: its own timers are short */
	}
}

const char *sess_wake_action_name(enum sess_wake_action a)
{
	switch (a) {
	case SESS_WAKE_PROBE: return "probe";
	case SESS_WAKE_RETRY_NOW: return "retry-now";
	case SESS_WAKE_RESTART: return "restart";
	default: return "ignore";
	}
}

uint32_t sess_wake_retry_delay(uint32_t backoff_ms, uint64_t wake_at, uint64_t now)
{
	if (wake_at && now >= wake_at && now - wake_at <= SESS_WAKE_FRESH_MS)
		return 0;
	return backoff_ms;
}
