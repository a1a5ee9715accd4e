/* session_detect.h - the pure part of noticing a dead path early: a suspend seen as the gap
 * growing between a clock that runs through suspend (boot time) and one that stops (monotonic),
 * what a "the path may have died" event does in each phase of the session, and how soon the
 * reconnect after such an event starts. Times in, decisions out; no OS. */
#ifndef SSTP_SESSION_DETECT_H
#define SSTP_SESSION_DETECT_H

#include <stdbool.h>
#include <stdint.h>

#include "status.h"

#define SESS_SUSPEND_MIN_MS 3000u  /* a smaller gap is scheduling noise, not a suspend */
#define SESS_PROBE_MS 2500u        /* an echo unanswered for this long: the path is dead */
#define SESS_WAKE_FRESH_MS 10000u  /* a drop this soon after an event reconnects at once */

struct sess_sleepclock {
	bool primed;
	uint64_t gap;              /* boot - monotonic at the last look */
};

/* Look at both clocks (each loop turn): the milliseconds spent suspended since the last look
 * when at least SESS_SUSPEND_MIN_MS, else 0. The first look only records. */
uint64_t sess_sleepclock_feed(struct sess_sleepclock *c, uint64_t mono_ms, uint64_t boot_ms);

enum sess_wake_action {
	SESS_WAKE_IGNORE = 0,      /* nothing to check (not up yet, or already ending) */
	SESS_WAKE_PROBE,           /* the call is up: send an echo, a short deadline for any answer */
	SESS_WAKE_RETRY_NOW,       /* waiting to reconnect: the next attempt starts now */
	SESS_WAKE_RESTART,         /* a reconnect attempt is connecting over the old path: restart */
};

/* What an event does in state st. stopping: a teardown runs; ever_up: the tunnel was up once
 * (a first connection is left to its phase timeouts). */
enum sess_wake_action sess_wake_action(enum sstp_conn_state st, bool stopping, bool ever_up);
const char *sess_wake_action_name(enum sess_wake_action a);

/* The wait before the next attempt after a drop at now: 0 when the last event (wake_at, 0 =
 * none) was at most SESS_WAKE_FRESH_MS before it, else the backoff. */
uint32_t sess_wake_retry_delay(uint32_t backoff_ms, uint64_t wake_at, uint64_t now);

#endif
