/* loop.c - Linux event loop: epoll for readiness, signalfd for signals, CLOCK_MONOTONIC for time.
 * Keeps the registered interest per descriptor so that repeated plat_loop_watch() calls with
 * the same events cost no system call (the data path toggles TUN interest on back-pressure). */
#include "plat_loop.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#define LOOP_MAX_FDS 32

struct loop_fd {
	int fd;
	unsigned events;
	void *tag;
};

struct plat_loop {
	int epfd;
	int sigfd;
	void *sigtag;
	sigset_t caught;
	sigset_t old_mask;
	int nfds;
	struct loop_fd fds[LOOP_MAX_FDS];
};

uint64_t plat_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct plat_loop *plat_loop_new(void)
{
	struct plat_loop *loop = calloc(1, sizeof(*loop));

	if (!loop)
		return NULL;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		free(loop);
		return NULL;
	}
	loop->sigfd = -1;
	return loop;
}

void plat_loop_free(struct plat_loop *loop)
{
	if (!loop)
		return;
	if (loop->sigfd >= 0) {
		close(loop->sigfd);
		sigprocmask(SIG_SETMASK, &loop->old_mask, NULL);
	}
	close(loop->epfd);
	free(loop);
}

static struct loop_fd *find_fd(struct plat_loop *loop, int fd)
{
	for (int i = 0; i < loop->nfds; i++)
		if (loop->fds[i].fd == fd)
			return &loop->fds[i];
	return NULL;
}

static uint32_t to_epoll(unsigned events)
{
	return ((events & PLAT_EV_READ) ? EPOLLIN : 0u) | ((events & PLAT_EV_WRITE) ? EPOLLOUT : 0u);
}

int plat_loop_watch(struct plat_loop *loop, int fd, unsigned events, void *tag)
{
	struct loop_fd *e = find_fd(loop, fd);
	struct epoll_event ev;

	events &= PLAT_EV_READ | PLAT_EV_WRITE;
	if (e && e->events == events && e->tag == tag)
		return 0;
	memset(&ev, 0, sizeof(ev));
	ev.events = to_epoll(events);
	ev.data.fd = fd;
	if (e) {
		if (epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev) < 0)
			return -1;
	} else {
		if (loop->nfds >= LOOP_MAX_FDS) {
			errno = ENOSPC;
			return -1;
		}
		if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
			return -1;
		e = &loop->fds[loop->nfds++];
		e->fd = fd;
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
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL); /* fails harmlessly if fd was closed */
	*e = loop->fds[--loop->nfds];
	return 0;
}

int plat_loop_wait(struct plat_loop *loop, int64_t timeout_ms, struct plat_loop_event *out,
		   int max)
{
	struct epoll_event evs[LOOP_MAX_FDS];
	int timeout, n, k = 0;

	if (timeout_ms < 0)
		timeout = -1;
	else if (timeout_ms > 24 * 3600 * 1000)
		timeout = 24 * 3600 * 1000;
	else
		timeout = (int)timeout_ms;
	if (max > LOOP_MAX_FDS)
		max = LOOP_MAX_FDS;
	if (max <= 0)
		return 0;
	n = epoll_wait(loop->epfd, evs, max, timeout);
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	for (int i = 0; i < n; i++) {
		int fd = evs[i].data.fd;
		struct loop_fd *e;
		unsigned ev = 0;

		if (fd == loop->sigfd && loop->sigfd >= 0) {
			out[k].tag = loop->sigtag;
			out[k++].events = PLAT_EV_READ;
			continue;
		}
		e = find_fd(loop, fd);
		if (!e)
			continue; /* unwatched since the wait began */
		if (evs[i].events & EPOLLIN)
			ev |= PLAT_EV_READ;
		if (evs[i].events & EPOLLOUT)
			ev |= PLAT_EV_WRITE;
		if (evs[i].events & (EPOLLERR | EPOLLHUP))
			ev |= PLAT_EV_ERROR;
		out[k].tag = e->tag;
		out[k++].events = ev;
	}
	return k;
}

int plat_loop_catch_signals(struct plat_loop *loop, void *tag)
{
	struct epoll_event ev;

	if (loop->sigfd >= 0) {
		loop->sigtag = tag;
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&loop->caught);
	sigaddset(&loop->caught, SIGINT);
	sigaddset(&loop->caught, SIGTERM);
	sigaddset(&loop->caught, SIGHUP);
	sigaddset(&loop->caught, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &loop->caught, &loop->old_mask) < 0)
		return -1;
	loop->sigfd = signalfd(-1, &loop->caught, SFD_NONBLOCK | SFD_CLOEXEC);
	if (loop->sigfd < 0) {
		sigprocmask(SIG_SETMASK, &loop->old_mask, NULL);
		return -1;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.fd = loop->sigfd;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, loop->sigfd, &ev) < 0) {
		close(loop->sigfd);
		loop->sigfd = -1;
		sigprocmask(SIG_SETMASK, &loop->old_mask, NULL);
		return -1;
	}
	loop->sigtag = tag;
	return 0;
}

enum plat_signal plat_loop_next_signal(struct plat_loop *loop)
{
	struct signalfd_siginfo si;

	if (loop->sigfd < 0)
		return PLAT_SIG_NONE;
	for (;;) {
		ssize_t n = read(loop->sigfd, &si, sizeof(si));

		if (n != (ssize_t)sizeof(si))
			return PLAT_SIG_NONE;
		switch (si.ssi_signo) {
		case SIGINT: return PLAT_SIG_INT;
		case SIGTERM: return PLAT_SIG_TERM;
		case SIGHUP: return PLAT_SIG_HUP;
		case SIGCHLD: return PLAT_SIG_CHLD;
		default: break;
		}
	}
}
