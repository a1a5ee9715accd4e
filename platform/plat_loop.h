/* plat_loop.h - the primitives of the session's single event loop: readiness waiting over file
 * descriptors (epoll on Linux), a monotonic clock in milliseconds, and SIGINT/SIGTERM/SIGHUP/
 * SIGCHLD delivered as ordinary loop events instead of asynchronous handlers.
 * Timers are not kept here: the caller passes the earliest engine deadline as the timeout. */
#ifndef PLAT_LOOP_H
#define PLAT_LOOP_H

#include <stdint.h>

#define PLAT_EV_READ 1u
#define PLAT_EV_WRITE 2u
#define PLAT_EV_ERROR 4u /* reported only: hang-up or error on the descriptor */

enum plat_signal {
	PLAT_SIG_NONE = 0,
	PLAT_SIG_INT,
	PLAT_SIG_TERM,
	PLAT_SIG_HUP,
	PLAT_SIG_CHLD,
};

struct plat_loop_event {
	void *tag;       /* what was given to plat_loop_watch() */
	unsigned events; /* PLAT_EV_* */
};

struct plat_loop;

/* Monotonic milliseconds since an arbitrary origin (never goes back, ignores wall-clock jumps). */
uint64_t plat_now_ms(void);

/* A new loop, or NULL with errno set. Freed (with its signal descriptor, not the watched ones)
 * by plat_loop_free(), which also unblocks the signals it caught. */
struct plat_loop *plat_loop_new(void);
void plat_loop_free(struct plat_loop *loop);

/* Watch `fd` for `events` (PLAT_EV_READ|PLAT_EV_WRITE, or 0 to keep it registered but quiet),
 * reporting `tag`. Calling it again for the same fd changes the interest (cheap when unchanged).
 * The loop does not own fd: unwatch it before closing it. 0 or -1 (errno). */
int plat_loop_watch(struct plat_loop *loop, int fd, unsigned events, void *tag);
int plat_loop_unwatch(struct plat_loop *loop, int fd);

/* Wait until a watched descriptor is ready, a caught signal arrives, or `timeout_ms` passes
 * (-1 = no timeout, 0 = poll). Fills at most `max` events and returns their count (0 on timeout
 * or interruption), -1 on error (errno). */
int plat_loop_wait(struct plat_loop *loop, int64_t timeout_ms, struct plat_loop_event *out,
		   int max);

/* Catch SIGINT, SIGTERM, SIGHUP and SIGCHLD from now on: they are blocked for the process and
 * show up as a PLAT_EV_READ event with `tag`; take them with plat_loop_next_signal(). SIGPIPE is
 * ignored. 0 or -1. */
int plat_loop_catch_signals(struct plat_loop *loop, void *tag);
/* The next pending caught signal, or PLAT_SIG_NONE when there is none. Never blocks. */
enum plat_signal plat_loop_next_signal(struct plat_loop *loop);

#endif
