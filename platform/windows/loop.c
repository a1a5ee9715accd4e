/* loop.c - Windows event loop: one WaitForMultipleObjects over the wait handles of everything
 * watched (a WSAEventSelect event per socket, the events of pipes and other table descriptors,
 * the console-control event, child process handles), then a level-triggered readiness check
 * (select() with a zero timeout for sockets, the objects' own state for the rest), so the loop
 * behaves like poll/epoll in level mode. GetTickCount64 is the monotonic clock; Ctrl-C / Ctrl-Break
 * / console close arrive as PLAT_SIG_INT / PLAT_SIG_TERM, a child's exit as PLAT_SIG_CHLD. */
#include "plat_loop.h"
#include "plat_win.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define LOOP_MAX_FDS 32
#define LOOP_MAX_CHILDREN 8

struct loop_fd {
	int fd;
	unsigned events;
	void *tag;
	WSAEVENT sev; /* sockets: the event WSAEventSelect signals */
};

struct plat_loop {
	int nfds;
	struct loop_fd fds[LOOP_MAX_FDS];
	bool catching;
	void *sigtag;
};

/* Console control events arrive on a thread of their own: pending signals are bits here. */
static volatile LONG sig_pending;
static HANDLE sig_event;

uint64_t plat_now_ms(void)
{
	return (uint64_t)GetTickCount64();
}

struct plat_loop *plat_loop_new(void)
{
	struct plat_loop *loop;

	if (plat_win_wsa_init() != 0) {
		errno = ENETDOWN;
		return NULL;
	}
	loop = calloc(1, sizeof(*loop));
	return loop;
}

static BOOL WINAPI on_console(DWORD type)
{
	LONG bit;

	switch (type) {
	case CTRL_C_EVENT: bit = 1 << PLAT_SIG_INT; break;
	case CTRL_BREAK_EVENT:
	case CTRL_CLOSE_EVENT:
	case CTRL_LOGOFF_EVENT:
	case CTRL_SHUTDOWN_EVENT: bit = 1 << PLAT_SIG_TERM; break;
	default: return FALSE;
	}
	InterlockedOr(&sig_pending, bit);
	SetEvent(sig_event);
	return TRUE;
}

void plat_loop_free(struct plat_loop *loop)
{
	if (!loop)
		return;
	for (int i = 0; i < loop->nfds; i++) {
		if (loop->fds[i].sev) {
			WSAEventSelect((SOCKET)(uintptr_t)loop->fds[i].fd, NULL, 0);
			WSACloseEvent(loop->fds[i].sev);
		}
	}
	if (loop->catching)
		SetConsoleCtrlHandler(on_console, FALSE);
	free(loop);
}

static struct loop_fd *find_fd(struct plat_loop *loop, int fd)
{
	for (int i = 0; i < loop->nfds; i++)
		if (loop->fds[i].fd == fd)
			return &loop->fds[i];
	return NULL;
}

int plat_loop_watch(struct plat_loop *loop, int fd, unsigned events, void *tag)
{
	struct loop_fd *e = find_fd(loop, fd);

	events &= PLAT_EV_READ | PLAT_EV_WRITE;
	if (!e) {
		if (loop->nfds >= LOOP_MAX_FDS) {
			errno = ENOSPC;
			return -1;
		}
		if (fd < 0 || (plat_wfd_is_table(fd) && !plat_wfd_get(fd))) {
			errno = EBADF;
			return -1;
		}
		e = &loop->fds[loop->nfds];
		memset(e, 0, sizeof(*e));
		e->fd = fd;
		if (!plat_wfd_is_table(fd)) {
			e->sev = WSACreateEvent();
			if (e->sev == WSA_INVALID_EVENT) {
				errno = ENOMEM;
				return -1;
			}
		}
		loop->nfds++;
	}
	e->events = events;
	e->tag = tag;
	return 0;
}

int plat_loop_unwatch(struct plat_loop *loop, int fd)
{
	struct loop_fd *e = find_fd(loop, fd);

	if (!e) {
		errno = ENOENT;
		return -1;
	}
	if (e->sev) {
		WSAEventSelect((SOCKET)(uintptr_t)fd, NULL, 0); /* fails harmlessly if closed */
		WSACloseEvent(e->sev);
	}
	*e = loop->fds[--loop->nfds];
	return 0;
}

/* Level-triggered readiness of everything watched, into out; returns the count. */
static int collect(struct plat_loop *loop, struct plat_loop_event *out, int max)
{
	fd_set rd, wr, ex;
	struct timeval tv = { 0, 0 };
	int k = 0, nsock = 0;

	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_ZERO(&ex);
	for (int i = 0; i < loop->nfds; i++) {
		struct loop_fd *e = &loop->fds[i];
		SOCKET s = (SOCKET)(uintptr_t)e->fd;

		if (!e->sev || !e->events)
			continue;
		if (e->events & PLAT_EV_READ)
			FD_SET(s, &rd);
		if (e->events & PLAT_EV_WRITE) {
			FD_SET(s, &wr);
			FD_SET(s, &ex); /* a failed non-blocking connect shows up here */
		}
		nsock++;
	}
	if (nsock && select(0, &rd, &wr, &ex, &tv) == SOCKET_ERROR) {
		FD_ZERO(&rd);
		FD_ZERO(&wr);
		FD_ZERO(&ex);
	}
	if (loop->catching && sig_pending && k < max) {
		out[k].tag = loop->sigtag;
		out[k++].events = PLAT_EV_READ;
	}
	for (int i = 0; i < loop->nfds && k < max; i++) {
		struct loop_fd *e = &loop->fds[i];
		unsigned ev = 0;

		if (!e->events)
			continue;
		if (e->sev) {
			SOCKET s = (SOCKET)(uintptr_t)e->fd;

			if (FD_ISSET(s, &rd))
				ev |= PLAT_EV_READ;
			if (FD_ISSET(s, &wr))
				ev |= PLAT_EV_WRITE;
			if (FD_ISSET(s, &ex))
				ev |= PLAT_EV_WRITE | PLAT_EV_ERROR;
		} else {
			struct plat_wfd *w = plat_wfd_get(e->fd);

			if (!w) {
				ev = PLAT_EV_ERROR; /* closed while watched */
			} else if (w->kind == PLAT_WFD_EVENT) {
				if ((e->events & PLAT_EV_READ) && WaitForSingleObject(w->ev, 0) == WAIT_OBJECT_0)
					ev |= PLAT_EV_READ;
			} else if (w->kind == PLAT_WFD_PIPE_LISTEN) {
				plat_wfd_listen_poll(w);
				if ((e->events & PLAT_EV_READ) && w->connected)
					ev |= PLAT_EV_READ;
			} else {
				if (e->events & PLAT_EV_READ) {
					plat_wfd_pipe_poll(w);
					if (w->have_ahead || w->broken)
						ev |= PLAT_EV_READ;
					if (w->broken && !w->have_ahead)
						ev |= PLAT_EV_ERROR;
				}
				if (e->events & PLAT_EV_WRITE)
					ev |= PLAT_EV_WRITE; /* pipe writes are bounded in plat_ctl_send */
			}
		}
		if (ev) {
			out[k].tag = e->tag;
			out[k++].events = ev;
		}
	}
	return k;
}

int plat_loop_wait(struct plat_loop *loop, int64_t timeout_ms, struct plat_loop_event *out,
		   int max)
{
	HANDLE hs[MAXIMUM_WAIT_OBJECTS];
	DWORD nh = 0, timeout, r;
	int k;

	if (max <= 0)
		return 0;
	if (timeout_ms < 0)
		timeout = INFINITE;
	else if (timeout_ms > 24 * 3600 * 1000)
		timeout = 24 * 3600 * 1000;
	else
		timeout = (DWORD)timeout_ms;

	/* (Re-)arm the socket events: WSAEventSelect records a condition that already holds, so an
	 * already readable or writable socket signals at once (level semantics). */
	for (int i = 0; i < loop->nfds; i++) {
		struct loop_fd *e = &loop->fds[i];
		long mask = 0;

		if (e->sev) {
			if (e->events & PLAT_EV_READ)
				mask |= FD_READ | FD_ACCEPT | FD_CLOSE;
			if (e->events & PLAT_EV_WRITE)
				mask |= FD_WRITE | FD_CONNECT | FD_CLOSE;
			WSAResetEvent(e->sev);
			if (WSAEventSelect((SOCKET)(uintptr_t)e->fd, e->sev, mask) != 0) {
				/* closed socket or not a socket: report it as an error below */
				WSASetEvent(e->sev);
			}
			if (mask)
				hs[nh++] = e->sev;
		} else if (e->events) {
			struct plat_wfd *w = plat_wfd_get(e->fd);

			if (w && w->kind == PLAT_WFD_PIPE && (e->events & PLAT_EV_READ))
				plat_wfd_pipe_poll(w); /* start the read-ahead */
			if (w && w->ev)
				hs[nh++] = w->ev;
		}
	}
	k = collect(loop, out, max);
	if (k > 0 || timeout == 0)
		return k;
	if (loop->catching && sig_event)
		hs[nh++] = sig_event;
	if (loop->catching) /* a child's exit is reported as PLAT_SIG_CHLD */
		nh += (DWORD)plat_win_children_waitable(hs + nh, MAXIMUM_WAIT_OBJECTS - nh);
	if (nh == 0) {
		Sleep(timeout == INFINITE ? 1000 : timeout);
		return collect(loop, out, max);
	}
	r = WaitForMultipleObjects(nh, hs, FALSE, timeout);
	if (r == WAIT_FAILED) {
		errno = EINVAL;
		return -1;
	}
	if (loop->catching && r < WAIT_OBJECT_0 + nh) {
		if (hs[r - WAIT_OBJECT_0] != sig_event)
			for (DWORD i = r - WAIT_OBJECT_0; i < nh; i++)
				if (WaitForSingleObject(hs[i], 0) == WAIT_OBJECT_0)
					plat_win_child_seen(hs[i]); /* ignores handles not children */
	}
	return collect(loop, out, max);
}

int plat_loop_catch_signals(struct plat_loop *loop, void *tag)
{
	loop->sigtag = tag;
	if (loop->catching)
		return 0;
	if (!sig_event) {
		sig_event = CreateEventW(NULL, TRUE, FALSE, NULL);
		if (!sig_event) {
			errno = ENOMEM;
			return -1;
		}
	}
	if (!SetConsoleCtrlHandler(on_console, TRUE)) {
		errno = EINVAL;
		return -1;
	}
	loop->catching = true;
	return 0;
}

void plat_win_raise_signal(int sig)
{
	InterlockedOr(&sig_pending, 1 << sig);
	if (sig_event)
		SetEvent(sig_event);
}

enum plat_signal plat_loop_next_signal(struct plat_loop *loop)
{
	static const enum plat_signal order[] = { PLAT_SIG_INT, PLAT_SIG_TERM, PLAT_SIG_HUP,
						  PLAT_SIG_CHLD };

	if (!loop->catching)
		return PLAT_SIG_NONE;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		LONG bit = 1 << order[i];

		if (InterlockedAnd(&sig_pending, ~bit) & bit) {
			if (!sig_pending && sig_event)
				ResetEvent(sig_event);
			return order[i];
		}
	}
	if (sig_event)
		ResetEvent(sig_event);
	return PLAT_SIG_NONE;
}
