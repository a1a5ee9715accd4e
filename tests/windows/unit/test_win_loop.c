/* test_win_loop.c - cmocka tests of the Windows event loop and what it waits on, run under Wine:
 * a loopback TCP pair (level-triggered read and write readiness, hang-up), the timeout as the
 * timer, the resolver's event descriptor, the control named pipe (listen, connect, accept with
 * the peer's pid, both directions, listing, a second listener refused), signals queued for the
 * loop, and a plat_fork_call "child" reported as PLAT_SIG_CHLD and reaped with its code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "plat_ctl.h"
#include "plat_loop.h"
#include "plat_proc.h"
#include "plat_sock.h"
#include "plat_win.h"

/* Wine does not enumerate \\.\pipe\ (Windows does): the listing is checked on Windows only. */
static bool under_wine(void)
{
	HMODULE nt = GetModuleHandleA("ntdll.dll");

	return nt && GetProcAddress(nt, "wine_get_version") != NULL;
}

/* A connected loopback TCP pair through the plat_sock functions. */
static void tcp_pair(int fds[2])
{
	SOCKET l = socket(AF_INET, SOCK_STREAM, 0), a;
	struct sockaddr_in sa;
	int len = sizeof(sa), r;
	struct plat_ip lo;

	assert_true(l != INVALID_SOCKET);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(l, 1), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&sa, &len), 0);
	assert_int_equal(plat_ip_parse("127.0.0.1", &lo), 0);
	r = plat_tcp_connect(&lo, ntohs(sa.sin_port), &fds[0]);
	assert_true(r == 0 || r == -EINPROGRESS);
	a = accept(l, NULL, NULL);
	assert_true(a != INVALID_SOCKET);
	closesocket(l);
	fds[1] = (int)a;
}

static int wait_for(struct plat_loop *loop, int64_t ms, void *tag, unsigned *events)
{
	struct plat_loop_event ev[8];
	uint64_t end = plat_now_ms() + (uint64_t)ms;

	for (;;) {
		uint64_t now = plat_now_ms();
		int n = plat_loop_wait(loop, now < end ? (int64_t)(end - now) : 0, ev, 8);

		assert_true(n >= 0);
		for (int i = 0; i < n; i++)
			if (ev[i].tag == tag) {
				*events = ev[i].events;
				return 1;
			}
		if (plat_now_ms() >= end)
			return 0;
	}
}

static void test_sockets_and_timer(void **state)
{
	struct plat_loop *loop = plat_loop_new();
	int fds[2], tag_a, tag_b;
	unsigned ev = 0;
	uint64_t t0;
	char buf[16];

	(void)state;
	assert_non_null(loop);
	tcp_pair(fds);
	/* connect completes: the client becomes writable */
	assert_int_equal(plat_loop_watch(loop, fds[0], PLAT_EV_WRITE, &tag_a), 0);
	assert_int_equal(wait_for(loop, 2000, &tag_a, &ev), 1);
	assert_true(ev & PLAT_EV_WRITE);
	assert_int_equal(plat_tcp_connect_result(fds[0]), 0);

	/* nothing to read: the timeout is the timer, and it is kept */
	assert_int_equal(plat_loop_watch(loop, fds[0], PLAT_EV_READ, &tag_a), 0);
	t0 = plat_now_ms();
	assert_int_equal(plat_loop_wait(loop, 150, (struct plat_loop_event[4]){ 0 }, 4), 0);
	assert_true(plat_now_ms() - t0 >= 140);
	assert_true(plat_now_ms() - t0 < 2000);

	/* data arrives: readable, and stays readable until read (level-triggered) */
	assert_int_equal(send((SOCKET)fds[1], "ping", 4, 0), 4);
	assert_int_equal(wait_for(loop, 2000, &tag_a, &ev), 1);
	assert_true(ev & PLAT_EV_READ);
	assert_int_equal(wait_for(loop, 100, &tag_a, &ev), 1);
	assert_int_equal(recv((SOCKET)fds[0], buf, sizeof(buf), 0), 4);
	assert_int_equal(wait_for(loop, 100, &tag_a, &ev), 0);

	/* two descriptors; the peer hangs up: readable (recv then returns 0) */
	assert_int_equal(plat_loop_watch(loop, fds[1], PLAT_EV_WRITE, &tag_b), 0);
	assert_int_equal(wait_for(loop, 1000, &tag_b, &ev), 1);
	assert_int_equal(plat_loop_unwatch(loop, fds[1]), 0);
	assert_int_equal(plat_loop_unwatch(loop, fds[1]), -1);
	plat_sock_close(fds[1]);
	assert_int_equal(wait_for(loop, 2000, &tag_a, &ev), 1);
	assert_true(ev & PLAT_EV_READ);
	assert_int_equal(recv((SOCKET)fds[0], buf, sizeof(buf), 0), 0);
	assert_int_equal(plat_loop_unwatch(loop, fds[0]), 0);
	plat_sock_close(fds[0]);
	plat_loop_free(loop);
}

static void test_refused_connect(void **state)
{
	struct plat_loop *loop = plat_loop_new();
	struct plat_ip lo;
	int fd = -1, r, tag;
	unsigned ev = 0;

	(void)state;
	assert_int_equal(plat_ip_parse("127.0.0.1", &lo), 0);
	r = plat_tcp_connect(&lo, 1, &fd); /* nothing listens on port 1 */
	if (r == -EINPROGRESS) {
		assert_int_equal(plat_loop_watch(loop, fd, PLAT_EV_WRITE, &tag), 0);
		assert_int_equal(wait_for(loop, 5000, &tag, &ev), 1);
		r = plat_tcp_connect_result(fd);
		plat_loop_unwatch(loop, fd);
		plat_sock_close(fd);
	}
	assert_int_equal(r, -ECONNREFUSED);
	plat_loop_free(loop);
}

static void test_resolver_event(void **state)
{
	struct plat_loop *loop = plat_loop_new();
	struct plat_resolver *r = plat_resolve_start("127.0.0.1");
	struct plat_ip out[4], lo;
	char err[128];
	unsigned ev = 0;
	int tag;

	(void)state;
	assert_non_null(r);
	assert_int_equal(plat_loop_watch(loop, plat_resolve_fd(r), PLAT_EV_READ, &tag), 0);
	assert_int_equal(wait_for(loop, 5000, &tag, &ev), 1);
	assert_int_equal(plat_resolve_result(r, out, 4, err, sizeof(err)), 1);
	assert_int_equal(plat_ip_parse("127.0.0.1", &lo), 0);
	assert_true(plat_ip_equal(&out[0], &lo));
	plat_loop_unwatch(loop, plat_resolve_fd(r));
	plat_resolve_free(r);
	/* abandoned while running: no crash, no leak of the descriptor */
	plat_resolve_free(plat_resolve_start("localhost"));
	plat_loop_free(loop);
}

static void test_ctl_pipe(void **state)
{
	char path[96], names[8][72];
	struct plat_loop *loop = plat_loop_new();
	struct plat_ctl_peer peer;
	int lfd, cfd, sfd, tag_l, tag_s;
	unsigned ev = 0;
	char buf[64];

	(void)state;
	snprintf(path, sizeof(path), "C:/sstp-test-%lu/work.sock", (unsigned long)GetCurrentProcessId());
	lfd = plat_ctl_listen(path);
	assert_true(lfd >= 0);
	assert_int_equal(plat_ctl_listen(path), -EADDRINUSE); /* a live server keeps its name */
	assert_int_equal(plat_ctl_accept(lfd, &peer), -EAGAIN);
	assert_int_equal(plat_loop_watch(loop, lfd, PLAT_EV_READ, &tag_l), 0);
	assert_int_equal(wait_for(loop, 50, &tag_l, &ev), 0);

	cfd = plat_ctl_connect(path, 1000);
	assert_true(cfd >= 0);
	assert_int_equal(wait_for(loop, 2000, &tag_l, &ev), 1);
	sfd = plat_ctl_accept(lfd, &peer);
	assert_true(sfd >= 0);
	assert_int_equal(peer.pid, (int32_t)GetCurrentProcessId());
	assert_int_equal(plat_ctl_accept(lfd, NULL), -EAGAIN); /* the next instance waits */

	/* client -> server, seen by the loop */
	assert_int_equal(plat_loop_watch(loop, sfd, PLAT_EV_READ, &tag_s), 0);
	assert_int_equal(wait_for(loop, 50, &tag_s, &ev), 0);
	assert_int_equal(plat_ctl_send(cfd, "status\n", 7, 1000), 7);
	assert_int_equal(wait_for(loop, 2000, &tag_s, &ev), 1);
	assert_true(ev & PLAT_EV_READ);
	assert_int_equal(plat_ctl_recv(sfd, buf, sizeof(buf), 0), 7);
	assert_memory_equal(buf, "status\n", 7);
	assert_int_equal(plat_ctl_recv(sfd, buf, sizeof(buf), 0), -EAGAIN);

	/* server -> client with a wait */
	assert_int_equal(plat_ctl_send(sfd, "up", 2, 1000), 2);
	assert_int_equal(plat_ctl_recv(cfd, buf, sizeof(buf), 1000), 2);
	assert_int_equal(plat_ctl_recv(cfd, buf, sizeof(buf), 50), -EAGAIN);

	/* listing by the directory */
	snprintf(path, sizeof(path), "C:/sstp-test-%lu", (unsigned long)GetCurrentProcessId());
	if (under_wine()) {
		print_message("pipe listing not checked: Wine cannot enumerate \\\\.\\pipe\\\n");
	} else {
		assert_int_equal(plat_ctl_list(path, names, 8), 1);
		assert_string_equal(names[0], "work");
	}

	/* the client goes away: the server reads end of stream */
	plat_ctl_close(cfd);
	assert_int_equal(wait_for(loop, 2000, &tag_s, &ev), 1);
	assert_int_equal(plat_ctl_recv(sfd, buf, sizeof(buf), 0), 0);
	plat_loop_unwatch(loop, sfd);
	plat_loop_unwatch(loop, lfd);
	plat_ctl_close(sfd);
	plat_ctl_close(lfd);
	snprintf(path, sizeof(path), "C:/sstp-test-%lu/none.sock", (unsigned long)GetCurrentProcessId());
	assert_int_equal(plat_ctl_connect(path, 100), -ENOENT);
	plat_loop_free(loop);
}

static int child_fn(void *ctx)
{
	Sleep(50);
	return *(int *)ctx;
}

static void test_signals_and_children(void **state)
{
	struct plat_loop *loop = plat_loop_new();
	int sigtag, pid, code = -1, arg = 42;
	unsigned ev = 0;

	(void)state;
	assert_int_equal(plat_loop_catch_signals(loop, &sigtag), 0);
	assert_int_equal(plat_loop_next_signal(loop), PLAT_SIG_NONE);
	plat_win_raise_signal(PLAT_SIG_TERM);
	assert_int_equal(wait_for(loop, 1000, &sigtag, &ev), 1);
	assert_int_equal(plat_loop_next_signal(loop), PLAT_SIG_TERM);
	assert_int_equal(plat_loop_next_signal(loop), PLAT_SIG_NONE);
	assert_int_equal(wait_for(loop, 50, &sigtag, &ev), 0);

	assert_int_equal(plat_fork_call(child_fn, &arg, &pid), 0);
	assert_int_equal(plat_reap(pid, &code), 0); /* still running */
	assert_int_equal(wait_for(loop, 5000, &sigtag, &ev), 1);
	assert_int_equal(plat_loop_next_signal(loop), PLAT_SIG_CHLD);
	assert_int_equal(plat_reap(pid, &code), 1);
	assert_int_equal(code, 42);
	assert_int_equal(plat_reap(pid, &code), -ECHILD);
	plat_loop_free(loop);
}

static void test_spawn(void **state)
{
	char *argv[] = { "cmd.exe", "/c", "exit 3", NULL };
	char *missing[] = { "sstp-no-such-program.exe", NULL };
	int pid, code = -1, r;
	uint64_t end = plat_now_ms() + 10000;

	(void)state;
	assert_int_equal(plat_spawn(missing, &pid), -ENOENT);
	assert_int_equal(plat_spawn(argv, &pid), 0);
	while ((r = plat_reap(pid, &code)) == 0 && plat_now_ms() < end)
		Sleep(20);
	assert_int_equal(r, 1);
	assert_int_equal(code, 3);
	assert_true(plat_getpid() == (int)GetCurrentProcessId());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sockets_and_timer),
		cmocka_unit_test(test_refused_connect),
		cmocka_unit_test(test_resolver_event),
		cmocka_unit_test(test_ctl_pipe),
		cmocka_unit_test(test_signals_and_children),
		cmocka_unit_test(test_spawn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
