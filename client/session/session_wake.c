/* session_wake.c - noticing a dead path early: the path monitor (a changed route to the gateway,
 * its link down, its source address gone), logind's resume signal and a jump between the boot and
 * monotonic clocks each become one event; session_detect.c says what the event does in the
 * current phase: an SSTP echo with a short deadline while the tunnel is up (no answer: the call
 * is dead and the reconnect starts at once, keeping the tunnel's system side), the next attempt
 * at once while waiting to reconnect, a fresh attempt when one is connecting over the old path. */
#include "session_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "exit_codes.h"
#include "log.h"

/* Without logind's signal only the clocks show a suspend: look at them at least this often
 * while the tunnel is up. */
#define WAKE_CLOCK_LOOK_MS 2000

void sess_wake_open(struct sstp_session *s)
{
	s->pathmon = plat_pathmon_open();
	if (!s->pathmon)
		sstp_dbg("no route monitor (%s): a changed path is found by the echoes", strerror(errno));
	else if (plat_loop_watch(s->loop, plat_pathmon_fd(s->pathmon), PLAT_EV_READ,
				 (void *)(uintptr_t)TAG_PATHMON) < 0) {
		plat_pathmon_close(s->pathmon);
		s->pathmon = NULL;
	}
	s->sleepmon = plat_sleepmon_open();
	if (!s->sleepmon)
		sstp_dbg("no system bus (%s): a resume is found by the clocks", strerror(errno));
	else if (plat_loop_watch(s->loop, plat_sleepmon_fd(s->sleepmon), PLAT_EV_READ,
				 (void *)(uintptr_t)TAG_SLEEPMON) < 0) {
		plat_sleepmon_close(s->sleepmon);
		s->sleepmon = NULL;
	}
	s->wake_at = 0;
	sess_sleepclock_feed(&s->sclock, plat_now_ms(), plat_boot_ms());
}

void sess_wake_close(struct sstp_session *s)
{
	if (s->pathmon) {
		if (s->loop)
			plat_loop_unwatch(s->loop, plat_pathmon_fd(s->pathmon));
		plat_pathmon_close(s->pathmon);
		s->pathmon = NULL;
	}
	if (s->sleepmon) {
		if (s->loop)
			plat_loop_unwatch(s->loop, plat_sleepmon_fd(s->sleepmon));
		plat_sleepmon_close(s->sleepmon);
		s->sleepmon = NULL;
	}
}

void sess_wake_target(struct sstp_session *s)
{
	const struct plat_ip *gw = s->n_addrs > 0 && s->plain_fd < 0 ? &s->addrs[s->addr_idx] : NULL;

	if (s->pathmon)
		plat_pathmon_target(s->pathmon, gw, s->st.ifname);
}

/* The PPP engine's pending frames into the call (the LCP echo of a probe; the call is connected,
 * nothing is held back any more). */
static void send_ppp_output(struct sstp_session *s)
{
	const uint8_t *f;
	size_t len;

	while (ppp_next_output(s->ppp, &f, &len)) {
		enum sstp_perr e = sstp_call_send_ppp(&s->call, f, len);

		if (e == SSTP_PERR_NOSPACE && sess_flush(s))
			e = sstp_call_send_ppp(&s->call, f, len);
		if (e != SSTP_PERR_OK)
			sstp_dbg("probe: PPP frame not sent: %s", sstp_perr_str(e));
	}
}

/* One event: why says what happened. */
static void wake_event(struct sstp_session *s, const char *why, uint64_t now)
{
	enum sess_wake_action a = sess_wake_action(s->state, s->stopping, s->ever_up);

	switch (a) {
	case SESS_WAKE_PROBE:
		if (!s->ppp || sstp_call_probe(&s->call, now, SESS_PROBE_MS) != SSTP_PERR_OK)
			break;
		/* an LCP echo too: some servers answer only one of the two */
		s->probe_lcp = ppp_echo_replies(s->ppp);
		s->probing = true;
		if (ppp_echo_now(s->ppp))
			send_ppp_output(s);
		s->wake_at = now;
		sstp_info("%s: checking that %s still answers (%u.%u s)", why,
			  s->cfg.server ? s->cfg.server : "the server", SESS_PROBE_MS / 1000u,
			  SESS_PROBE_MS % 1000u / 100u);
		sess_flush(s); /* the echoes go out now */
		return;
	case SESS_WAKE_RETRY_NOW:
		s->wake_at = now;
		s->retry_at = now;
		sstp_info("%s: reconnecting now", why);
		return;
	case SESS_WAKE_RESTART:
		s->wake_at = now;
		sess_fail(s, SSTP_EXIT_UNREACHABLE, "%s during %s", why, sstp_state_name(s->state));
		return;
	default:
		break;
	}
	sstp_dbg("%s (%s: nothing to do in state %s)", why, sess_wake_action_name(a),
		 sstp_state_name(s->state));
}

void sess_wake_input(struct sstp_session *s, uintptr_t tag, uint64_t now)
{
	char why[200];
	int r;

	if (tag == TAG_PATHMON && s->pathmon) {
		why[0] = '\0';
		r = plat_pathmon_read(s->pathmon, why, sizeof(why));
		if (r == 1)
			wake_event(s, why, now);
		else if (r < 0) {
			sstp_dbg("route monitor failed (%s): closed", strerror(errno));
			plat_loop_unwatch(s->loop, plat_pathmon_fd(s->pathmon));
			plat_pathmon_close(s->pathmon);
			s->pathmon = NULL;
		}
	} else if (tag == TAG_SLEEPMON && s->sleepmon) {
		r = plat_sleepmon_read(s->sleepmon);
		if (r == 1)
			wake_event(s, "the system resumed from sleep (logind)", now);
		else if (r < 0) {
			sstp_dbg("the system bus connection is gone: resume is found by the clocks");
			plat_loop_unwatch(s->loop, plat_sleepmon_fd(s->sleepmon));
			plat_sleepmon_close(s->sleepmon);
			s->sleepmon = NULL;
		}
	}
}

void sess_wake_turn(struct sstp_session *s, uint64_t now)
{
	uint64_t slept = sess_sleepclock_feed(&s->sclock, now, plat_boot_ms());
	char why[96];

	if (s->probing && (!s->ppp || s->stopping)) {
		s->probing = false;
	} else if (s->probing && ppp_echo_replies(s->ppp) != s->probe_lcp) {
		s->probing = false; /* answered by LCP */
		sstp_call_probe_done(&s->call);
		sstp_dbg("probe answered: the path to %s works", s->cfg.server ? s->cfg.server : "the server");
	}

	if (!slept)
		return;
	snprintf(why, sizeof(why), "the system was suspended for %lu s",
		 (unsigned long)(slept / 1000u));
	wake_event(s, why, now);
}

int64_t sess_wake_cap(const struct sstp_session *s, int64_t timeout_ms)
{
	if (s->sleepmon || s->state != SSTP_STATE_CONNECTED)
		return timeout_ms;
	if (timeout_ms < 0 || timeout_ms > WAKE_CLOCK_LOOK_MS)
		return WAKE_CLOCK_LOOK_MS;
	return timeout_ms;
}
