/* test_helper_service.c - the helper service end to end in one machine, with fake sessions:
 * this test binary is also the "sstp" the helper runs (argv[1] == "connect" makes it a small
 * fake session with a real control socket), so connect/status/overview/subscribe/disconnect,
 * exit codes and messages of failed sessions, refusals, garbage and the peer check (a process
 * switched to uid nobody/daemon) are tested against the real helper loop. Needs root (skips).
 * With --password-stdin the fake session reads the password line the helper writes and keeps
 * only its SHA-256 (NAME.password-sha256); a password starting with "wrong" fails like a
 * server's MS-CHAPv2 rejection (exit 6). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <mbedtls/md.h>

#include "ctl_status.h"
#include "exit_codes.h"
#include "helper.h"
#include "helper_client.h"
#include "log.h"
#include "plat_ctl.h"
#include "plat_loop.h"
#include "plat_proc.h"

static char tmp[128], state_dir[192], sock_path[224];
static int helper_pid = -1;

/* ---- the fake session ------------------------------------------------------------------------ */

static struct sstp_conn_status fst;
static int fclients[4] = { -1, -1, -1, -1 };
static bool fsub[4];

static void fake_send_status(int i, uint8_t type, uint32_t id)
{
	static uint8_t buf[SSTP_CTL_MAX_FRAME];
	struct sstp_ctl_writer w;
	long len;

	sstp_ctl_begin(&w, buf, sizeof(buf), type, id);
	sstp_ctl_put_status(&w, &fst);
	len = sstp_ctl_finish(&w);
	if (len > 0)
		plat_ctl_send(fclients[i], buf, (size_t)len, 200);
}

static void fake_event(void)
{
	for (int i = 0; i < 4; i++)
		if (fclients[i] >= 0 && fsub[i])
			fake_send_status(i, SSTP_CTL_EVENT, 0);
}

/* --password-stdin: the one line the helper writes. 0 go on, else the exit code. */
static int fake_password(const char *dir, const char *name)
{
	char pw[1100], path[256];
	unsigned char sum[32];
	size_t n;
	FILE *f;

	if (!fgets(pw, sizeof(pw), stdin) || !(n = strcspn(pw, "\n")) || pw[n] != '\n') {
		fprintf(stderr, "sstp: no password line on stdin\n");
		return SSTP_EXIT_USAGE;
	}
	pw[n] = '\0';
	if (strncmp(pw, "wrong", 5) == 0) {
		memset(pw, 0, sizeof(pw));
		fprintf(stderr, "sstp: authentication rejected by server: E=691 bad user name or "
			"password (MS-CHAPv2)\n");
		return SSTP_EXIT_AUTH;
	}
	if (mbedtls_md(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), (unsigned char *)pw, n,
		       sum) != 0)
		return SSTP_EXIT_ERROR;
	memset(pw, 0, sizeof(pw));
	snprintf(path, sizeof(path), "%s/%s.password-sha256", dir, name);
	if (!(f = fopen(path, "w")))
		return SSTP_EXIT_ERROR;
	for (size_t i = 0; i < sizeof(sum); i++)
		fprintf(f, "%02x", sum[i]);
	fputc('\n', f);
	fclose(f);
	return 0;
}

static int fake_session(int argc, char **argv)
{
	const char *name = argv[2], *dir = NULL;
	char path[256], log[256];
	struct plat_loop *loop;
	uint64_t up_at, drop_at;
	int lfd;
	FILE *f;

	for (int i = 3; i + 1 < argc; i++)
		if (strcmp(argv[i], "--state-dir") == 0)
			dir = argv[i + 1];
	if (!dir)
		return 2;
	snprintf(log, sizeof(log), "%s/%s.argv", dir, name);
	if ((f = fopen(log, "w")) != NULL) {
		for (int i = 1; i < argc; i++)
			fprintf(f, "%s\n", argv[i]);
		fclose(f);
	}
	for (int i = 3; i < argc; i++)
		if (strcmp(argv[i], "--password-stdin") == 0) {
			int r = fake_password(dir, name);

			if (r)
				return r;
		}
	if (strcmp(name, "fail4") == 0) {
		fprintf(stderr, "sstp: cannot connect to 127.0.0.1 port 443: Connection refused\n");
		return SSTP_EXIT_UNREACHABLE;
	}
	snprintf(path, sizeof(path), "%s/%s.sock", dir, name);
	lfd = plat_ctl_listen(path);
	loop = plat_loop_new();
	if (lfd < 0 || !loop || plat_loop_catch_signals(loop, (void *)1) < 0)
		return 1;
	plat_loop_watch(loop, lfd, PLAT_EV_READ, (void *)2);
	SSTP_STATUS_SET(fst.name, name);
	fst.state = SSTP_STATE_TLS;
	fst.pid = (uint32_t)getpid();
	/* "slow" never comes up; "flaky" drops after a second and is back a second later (the
	 * tray's drop/reconnect notifications) */
	up_at = strcmp(name, "slow") == 0 ? UINT64_MAX : plat_now_ms() + 150;
	drop_at = strcmp(name, "flaky") == 0 ? plat_now_ms() + 1500 : UINT64_MAX;
	for (;;) {
		struct plat_loop_event ev[8];
		uint64_t now = plat_now_ms(), next = up_at < drop_at ? up_at : drop_at;
		int n = plat_loop_wait(loop, next == UINT64_MAX ? 1000 :
				       next > now ? (int64_t)(next - now) : 0, ev, 8);

		if (plat_now_ms() >= up_at) {
			up_at = UINT64_MAX;
			fst.state = SSTP_STATE_CONNECTED;
			SSTP_STATUS_SET(fst.ipv4_local, fst.reconnects ? "10.9.0.3" : "10.9.0.2");
			SSTP_STATUS_SET(fst.ifname, "sstp9");
			SSTP_STATUS_SET(fst.server, "gw.example.test");
			fake_event();
		}
		if (plat_now_ms() >= drop_at) {
			drop_at = UINT64_MAX;
			fst.state = SSTP_STATE_RECONNECTING;
			fst.reconnects = 1;
			SSTP_STATUS_SET(fst.last_error, "peer stopped responding (no LCP echo reply)");
			up_at = plat_now_ms() + 1500;
			fake_event();
		}
		for (int k = 0; k < n; k++) {
			uintptr_t tag = (uintptr_t)ev[k].tag;

			if (tag == 1) {
				enum plat_signal s;

				while ((s = plat_loop_next_signal(loop)) != PLAT_SIG_NONE)
					if (s == PLAT_SIG_TERM || s == PLAT_SIG_INT)
						goto out;
			} else if (tag == 2) {
				int fd = plat_ctl_accept(lfd, NULL);

				for (int i = 0; fd >= 0 && i < 4; i++)
					if (fclients[i] < 0) {
						fclients[i] = fd;
						fsub[i] = false;
						plat_loop_watch(loop, fd, PLAT_EV_READ, (void *)(10 + (uintptr_t)i));
						fd = -1;
					}
				if (fd >= 0)
					plat_ctl_close(fd);
			} else if (tag >= 10 && tag < 14) {
				int i = (int)(tag - 10);
				uint8_t buf[256];
				struct sstp_ctl_msg m;
				ssize_t r = plat_ctl_recv(fclients[i], buf, sizeof(buf), 0);

				if (r <= 0 || sstp_ctl_parse(buf, (size_t)r, &m, NULL) <= 0) {
					plat_loop_unwatch(loop, fclients[i]);
					plat_ctl_close(fclients[i]);
					fclients[i] = -1;
					continue;
				}
				if (m.type == SSTP_CTL_REQ_STATUS) {
					fake_send_status(i, SSTP_CTL_RESP_STATUS, m.id);
				} else if (m.type == SSTP_CTL_REQ_SUBSCRIBE) {
					fsub[i] = true;
					fake_send_status(i, SSTP_CTL_EVENT, m.id);
				} else if (m.type == SSTP_CTL_REQ_DISCONNECT) {
					fst.state = SSTP_STATE_DISCONNECTING;
					fake_event();
					goto out;
				}
			}
		}
	}
out:
	for (int i = 0; i < 4; i++)
		if (fclients[i] >= 0)
			plat_ctl_close(fclients[i]);
	plat_loop_free(loop);
	plat_ctl_close(lfd);
	plat_ctl_unlink(path);
	return 0;
}

/* ---- set-up ---------------------------------------------------------------------------------- */

static int run_helper(void *ctx)
{
	struct sstp_helper_cfg cfg;

	(void)ctx;
	sstp_helper_cfg_init(&cfg);
	cfg.state_dir = state_dir;
	cfg.socket_path = sock_path;
	cfg.group = "nogroup"; /* nobody's primary group: served; daemon: refused */
	cfg.socket_mode = 0666; /* so that the helper's own check is what refuses */
	sstp_log_init("sstp-helper", SSTP_LOG_DEBUG, SSTP_LOG_TO_STDERR);
	return sstp_helper_run(&cfg);
}

static void write_profile(const char *name)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/etc/%s", tmp, name);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/etc/%s/profile.conf", tmp, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fprintf(f, "server = 127.0.0.1\n");
	fclose(f);
}

static int setup(void **state)
{
	char p[256];
	(void)state;

	if (geteuid() != 0) {
		fprintf(stderr, "test_helper_service: needs root (the helper refuses to run otherwise)\n");
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "/tmp/sstp-helper-test.XXXXXX");
	if (!mkdtemp(tmp))
		return -1;
	chmod(tmp, 0755);
	snprintf(state_dir, sizeof(state_dir), "%s/state", tmp);
	mkdir(state_dir, 0700);
	snprintf(p, sizeof(p), "%s/sock", tmp);
	mkdir(p, 0755);
	snprintf(sock_path, sizeof(sock_path), "%s/sock/control", tmp);
	snprintf(p, sizeof(p), "%s/etc", tmp);
	mkdir(p, 0755);
	setenv("SSTP_SYSTEM_DIR", p, 1);
	write_profile("ok1");
	write_profile("ok2");
	write_profile("fail4");
	write_profile("slow");
	if (plat_fork_call(run_helper, NULL, &helper_pid) < 0)
		return -1;
	for (int i = 0; i < 200; i++) {
		int fd = plat_ctl_connect(sock_path, 100);

		if (fd >= 0) {
			plat_ctl_close(fd);
			return 0;
		}
		usleep(10000);
	}
	return -1;
}

static int teardown(void **state)
{
	char cmd[300];
	int st;

	(void)state;
	if (helper_pid > 0) {
		kill(helper_pid, SIGTERM);
		waitpid(helper_pid, &st, 0);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (strncmp(tmp, "/tmp/sstp-helper-test.", 22) == 0 && system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmp);
	return 0;
}

/* ---- client helpers -------------------------------------------------------------------------- */

static struct sstp_helper_conn conn_a, conn_b;

static void open_conn(struct sstp_helper_conn *c)
{
	char err[256];

	assert_int_equal(sstp_helper_conn_open(c, sock_path, 1000, err, sizeof(err)), 0);
}

/* Send a request and return the first reply frame with its id (events skipped). */
static struct sstp_ctl_msg call(struct sstp_helper_conn *c, uint8_t type, const char *profile,
				const char *opt, bool all, bool nowait)
{
	struct sstp_helper_req req;
	struct sstp_ctl_msg m;
	char err[256];

	memset(&req, 0, sizeof(req));
	req.type = type;
	if (profile)
		snprintf(req.profile, sizeof(req.profile), "%s", profile);
	if (opt) {
		snprintf(req.options[0], sizeof(req.options[0]), "%s", opt);
		req.n_options = 1;
	}
	req.all = all;
	req.nowait = nowait;
	assert_int_equal(sstp_helper_conn_send(c, &req, err, sizeof(err)), 0);
	for (;;) {
		assert_int_equal(sstp_helper_conn_next(c, 8000, &m, err, sizeof(err)), 1);
		if (m.type != SSTP_CTL_EVENT && m.id == req.id)
			return m;
	}
}

static int error_code(const struct sstp_ctl_msg *m, char *msg, size_t len)
{
	struct sstp_ctl_iter it;
	struct sstp_ctl_attr a;
	uint32_t code = 0;

	msg[0] = '\0';
	assert_int_equal(m->type, SSTP_CTL_RESP_ERROR);
	sstp_ctl_iter_init(&it, m);
	while (sstp_ctl_next(&it, &a) == 1) {
		if (a.tag == SSTP_CTL_A_EXIT_CODE)
			sstp_ctl_get_u32(&a, &code);
		else if (a.tag == SSTP_CTL_A_MESSAGE)
			sstp_ctl_get_str(&a, msg, len);
	}
	return (int)code;
}

/* Wait on a subscribed connection for an event about `name` in `state`. */
static void expect_event(struct sstp_helper_conn *c, const char *name, enum sstp_conn_state want,
			 struct sstp_conn_status *out)
{
	uint64_t deadline = plat_now_ms() + 8000;
	struct sstp_ctl_msg m;
	char err[256];

	while (plat_now_ms() < deadline) {
		int r = sstp_helper_conn_next(c, 500, &m, err, sizeof(err));

		assert_true(r >= 0);
		if (r == 1 && m.type == SSTP_CTL_EVENT) {
			assert_int_equal(sstp_ctl_get_status(&m, out, NULL), 0);
			if (strcmp(out->name, name) == 0 && out->state == (uint32_t)want)
				return;
		}
	}
	fail_msg("no %s event for %s", sstp_state_name(want), name);
}

static bool file_has_line(const char *path, const char *line)
{
	char buf[256];
	bool found = false;
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	while (fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		if (strcmp(buf, line) == 0)
			found = true;
	}
	fclose(f);
	return found;
}

/* ---- tests ----------------------------------------------------------------------------------- */

static void test_connect_status_disconnect(void **state)
{
	struct sstp_conn_status st;
	struct sstp_ctl_msg m;
	char path[300];

	(void)state;
	open_conn(&conn_a);
	open_conn(&conn_b);
	m = call(&conn_a, SSTP_CTL_REQ_SUBSCRIBE, NULL, NULL, false, false);
	assert_int_equal(m.type, SSTP_CTL_RESP_OK);
	/* connect answers once the session says it is up */
	m = call(&conn_b, SSTP_CTL_REQ_CONNECT, "ok1", "--timeout=30", false, false);
	assert_int_equal(m.type, SSTP_CTL_RESP_OK);
	expect_event(&conn_a, "ok1", SSTP_STATE_CONNECTED, &st);
	assert_string_equal(st.ipv4_local, "10.9.0.2");
	/* the child got the profile, the state dir, reconnect and the allowed option */
	snprintf(path, sizeof(path), "%s/ok1.argv", state_dir);
	assert_true(file_has_line(path, "connect"));
	assert_true(file_has_line(path, "ok1"));
	assert_true(file_has_line(path, "--name"));
	assert_true(file_has_line(path, state_dir));
	assert_true(file_has_line(path, "--reconnect"));
	assert_true(file_has_line(path, "--timeout"));
	assert_true(file_has_line(path, "30"));
	/* connecting again is fine */
	m = call(&conn_b, SSTP_CTL_REQ_CONNECT, "ok1", NULL, false, false);
	assert_int_equal(m.type, SSTP_CTL_RESP_OK);
	/* status relays the session's own answer */
	m = call(&conn_b, SSTP_CTL_REQ_STATUS, "ok1", NULL, false, false);
	assert_int_equal(m.type, SSTP_CTL_RESP_STATUS);
	assert_int_equal(sstp_ctl_get_status(&m, &st, NULL), 0);
	assert_string_equal(st.name, "ok1");
	assert_string_equal(st.ifname, "sstp9");
	assert_int_equal(st.state, SSTP_STATE_CONNECTED);
	/* disconnect answers when the session has ended */
	m = call(&conn_b, SSTP_CTL_REQ_DISCONNECT, "ok1", NULL, false, false);
	assert_int_equal(m.type, SSTP_CTL_RESP_OK);
	expect_event(&conn_a, "ok1", SSTP_STATE_DISCONNECTED, &st);
	assert_int_equal(st.last_exit, 0);
	snprintf(path, sizeof(path), "%s/ok1.sock", state_dir);
	assert_int_equal(access(path, F_OK), -1);
	sstp_helper_conn_close(&conn_a);
	sstp_helper_conn_close(&conn_b);
}

static void test_failed_session(void **state)
{
	struct sstp_conn_status st;
	struct sstp_ctl_msg m;
	char msg[256];

	(void)state;
	open_conn(&conn_b);
	m = call(&conn_b, SSTP_CTL_REQ_CONNECT, "fail4", NULL, false, false);
	assert_int_equal(error_code(&m, msg, sizeof(msg)), SSTP_EXIT_UNREACHABLE);
	assert_string_equal(msg, "cannot connect to 127.0.0.1 port 443: Connection refused");
	/* the helper remembers how it ended */
	m = call(&conn_b, SSTP_CTL_REQ_STATUS, "fail4", NULL, false, false);
	assert_int_equal(m.type, SSTP_CTL_RESP_STATUS);
	assert_int_equal(sstp_ctl_get_status(&m, &st, NULL), 0);
	assert_int_equal(st.state, SSTP_STATE_DISCONNECTED);
	assert_int_equal(st.last_exit, SSTP_EXIT_UNREACHABLE);
	assert_non_null(strstr(st.last_error, "Connection refused"));
	sstp_helper_conn_close(&conn_b);
}

static void test_refusals(void **state)
{
	struct sstp_ctl_msg m;
	char msg[256], err[256];
	uint8_t junk[] = "GET / HTTP/1.0\r\n\r\n";

	(void)state;
	open_conn(&conn_b);
	m = call(&conn_b, SSTP_CTL_REQ_CONNECT, "nope", NULL, false, false);
	assert_int_equal(error_code(&m, msg, sizeof(msg)), SSTP_EXIT_PROFILE);
	assert_non_null(strstr(msg, "nope"));
	m = call(&conn_b, SSTP_CTL_REQ_CONNECT, "ok2", "--insecure", false, false);
	assert_int_equal(error_code(&m, msg, sizeof(msg)), SSTP_EXIT_USAGE);
	m = call(&conn_b, SSTP_CTL_REQ_CONNECT, "ok2", "--cert=/etc/shadow", false, false);
	assert_int_equal(error_code(&m, msg, sizeof(msg)), SSTP_EXIT_USAGE);
	m = call(&conn_b, SSTP_CTL_REQ_DISCONNECT, "ok2", NULL, false, false);
	assert_int_equal(error_code(&m, msg, sizeof(msg)), SSTP_EXIT_NOT_CONNECTED);
	m = call(&conn_b, SSTP_CTL_REQ_STATUS, "ok2", NULL, false, false);
	assert_int_equal(error_code(&m, msg, sizeof(msg)), SSTP_EXIT_NOT_CONNECTED);
	/* garbage: an error frame, then the helper hangs up */
	assert_int_equal(plat_ctl_send(conn_b.fd, junk, sizeof(junk) - 1, 1000),
			 (ssize_t)sizeof(junk) - 1);
	assert_int_equal(sstp_helper_conn_next(&conn_b, 3000, &m, err, sizeof(err)), 1);
	assert_int_equal(error_code(&m, msg, sizeof(msg)), SSTP_EXIT_USAGE);
	assert_true(sstp_helper_conn_next(&conn_b, 3000, &m, err, sizeof(err)) < 0);
	sstp_helper_conn_close(&conn_b);
}

static void test_overview_nowait_disconnect_all(void **state)
{
	struct sstp_conn_status st;
	struct sstp_ctl_msg m;
	struct sstp_ctl_iter it;
	struct sstp_ctl_attr a;
	char name[72], err[256];
	uint32_t count = 99;
	int statuses = 0, profiles = 0;
	bool saw_slow = false;
	struct sstp_helper_req req;

	(void)state;
	open_conn(&conn_b);
	m = call(&conn_b, SSTP_CTL_REQ_CONNECT, "slow", NULL, false, true);
	assert_int_equal(m.type, SSTP_CTL_RESP_OK); /* at once: NOWAIT */
	/* until the session process answers for itself (slow under sanitizers) */
	for (int i = 0; i < 100; i++) {
		m = call(&conn_b, SSTP_CTL_REQ_STATUS, "slow", NULL, false, false);
		assert_int_equal(sstp_ctl_get_status(&m, &st, NULL), 0);
		if (st.state == SSTP_STATE_TLS)
			break;
		usleep(50000);
	}
	assert_int_equal(st.state, SSTP_STATE_TLS);
	/* the overview: one RESP_STATUS per known session, then RESP_OK with the profiles */
	memset(&req, 0, sizeof(req));
	req.type = SSTP_CTL_REQ_STATUS;
	assert_int_equal(sstp_helper_conn_send(&conn_b, &req, err, sizeof(err)), 0);
	for (;;) {
		assert_int_equal(sstp_helper_conn_next(&conn_b, 5000, &m, err, sizeof(err)), 1);
		assert_int_equal(m.id, req.id);
		if (m.type != SSTP_CTL_RESP_STATUS)
			break;
		assert_int_equal(sstp_ctl_get_status(&m, &st, NULL), 0);
		if (strcmp(st.name, "slow") == 0) {
			saw_slow = true;
			assert_int_equal(st.state, SSTP_STATE_TLS);
		}
		statuses++;
	}
	assert_int_equal(m.type, SSTP_CTL_RESP_OK);
	sstp_ctl_iter_init(&it, &m);
	while (sstp_ctl_next(&it, &a) == 1) {
		if (a.tag == SSTP_HELPER_A_COUNT)
			sstp_ctl_get_u32(&a, &count);
		if (a.tag == SSTP_CTL_A_PROFILE) {
			assert_int_equal(sstp_ctl_get_str(&a, name, sizeof(name)), 0);
			profiles++;
		}
	}
	assert_true(saw_slow);
	assert_int_equal(count, (uint32_t)statuses);
	assert_int_equal(profiles, 4);
	/* disconnect --all stops it while it is still connecting */
	m = call(&conn_b, SSTP_CTL_REQ_DISCONNECT, NULL, NULL, true, false);
	assert_int_equal(m.type, SSTP_CTL_RESP_OK);
	m = call(&conn_b, SSTP_CTL_REQ_STATUS, "slow", NULL, false, false);
	assert_int_equal(m.type, SSTP_CTL_RESP_STATUS);
	assert_int_equal(sstp_ctl_get_status(&m, &st, NULL), 0);
	assert_int_equal(st.state, SSTP_STATE_DISCONNECTED);
	/* nothing left to disconnect */
	m = call(&conn_b, SSTP_CTL_REQ_DISCONNECT, NULL, NULL, true, false);
	assert_int_equal(error_code(&m, err, sizeof(err)), SSTP_EXIT_NOT_CONNECTED);
	sstp_helper_conn_close(&conn_b);
}

/* Two requests in one write: the second waits for the first (a connect that waits for the
 * tunnel), then is answered too, in order. */
static void test_pipelined(void **state)
{
	struct sstp_helper_req req;
	struct sstp_conn_status st;
	struct sstp_ctl_msg m;
	uint8_t buf[512];
	char err[256];
	long l1, l2;

	(void)state;
	open_conn(&conn_b);
	memset(&req, 0, sizeof(req));
	req.type = SSTP_CTL_REQ_CONNECT;
	req.id = 41;
	snprintf(req.profile, sizeof(req.profile), "ok2");
	l1 = sstp_helper_req_encode(&req, buf, sizeof(buf));
	req.type = SSTP_CTL_REQ_STATUS;
	req.id = 42;
	l2 = sstp_helper_req_encode(&req, buf + l1, sizeof(buf) - (size_t)l1);
	assert_true(l1 > 0 && l2 > 0);
	assert_int_equal(plat_ctl_send(conn_b.fd, buf, (size_t)(l1 + l2), 1000), l1 + l2);
	assert_int_equal(sstp_helper_conn_next(&conn_b, 8000, &m, err, sizeof(err)), 1);
	assert_int_equal(m.id, 41);
	assert_int_equal(m.type, SSTP_CTL_RESP_OK);
	assert_int_equal(sstp_helper_conn_next(&conn_b, 8000, &m, err, sizeof(err)), 1);
	assert_int_equal(m.id, 42);
	assert_int_equal(m.type, SSTP_CTL_RESP_STATUS);
	assert_int_equal(sstp_ctl_get_status(&m, &st, NULL), 0);
	assert_int_equal(st.state, SSTP_STATE_CONNECTED);
	m = call(&conn_b, SSTP_CTL_REQ_DISCONNECT, "ok2", NULL, false, false);
	assert_int_equal(m.type, SSTP_CTL_RESP_OK);
	sstp_helper_conn_close(&conn_b);
}

/* A forked client that drops to uid/gid and asks for the overview; exits with the outcome. */
struct as_user {
	unsigned uid, gid;
};

static int overview_as(void *ctx)
{
	const struct as_user *u = ctx;
	struct sstp_helper_req req;
	struct sstp_ctl_msg m;
	char err[256];
	int r;

	if (setgroups(0, NULL) < 0 || setgid(u->gid) < 0 || setuid(u->uid) < 0)
		return 100;
	if (sstp_helper_conn_open(&conn_b, sock_path, 1000, err, sizeof(err)) != 0)
		return 101;
	memset(&req, 0, sizeof(req));
	req.type = SSTP_CTL_REQ_STATUS;
	/* a refusing helper may hang up before the request is written: then the send itself
	 * reports the refusal's exit code */
	r = sstp_helper_conn_send(&conn_b, &req, err, sizeof(err));
	if (r != 0)
		return r;
	for (;;) {
		if (sstp_helper_conn_next(&conn_b, 5000, &m, err, sizeof(err)) != 1)
			return 103;
		if (m.type == SSTP_CTL_RESP_OK)
			return 0;
		if (m.type == SSTP_CTL_RESP_ERROR)
			return error_code(&m, err, sizeof(err));
	}
}

static void test_peer_check(void **state)
{
	struct as_user nobody = { 65534, 65534 }, daemon_user = { 1, 1 };
	int pid, code = -1;

	(void)state;
	/* nobody's primary group is the helper's group in this test: served */
	assert_int_equal(plat_fork_call(overview_as, &nobody, &pid), 0);
	while (plat_reap(pid, &code) == 0)
		usleep(10000);
	assert_int_equal(code, 0);
	/* daemon is not in it: refused with 11 */
	assert_int_equal(plat_fork_call(overview_as, &daemon_user, &pid), 0);
	while (plat_reap(pid, &code) == 0)
		usleep(10000);
	assert_int_equal(code, SSTP_EXIT_PERMISSION);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_status_disconnect),
		cmocka_unit_test(test_failed_session),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_overview_nowait_disconnect_all),
		cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_peer_check),
	};

	if (argc >= 3 && strcmp(argv[1], "connect") == 0)
		return fake_session(argc, argv);
	if (geteuid() != 0) {
		printf("SKIP: test_helper_service needs root\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
