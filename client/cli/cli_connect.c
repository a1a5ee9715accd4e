/* cli_connect.c - `sstp connect`, `sstp run` and `sstp check`: set up a session from the command
 * line, run it in the foreground or detach once the tunnel is up (--background), start the
 * command of `run` or the probes of `check`/--check when the tunnel is up, and end with the
 * right exit code. */
#include "cli_cmds.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_check.h"
#include "cli_privsep.h"
#include "cli_setup.h"
#include "ctl_client.h"
#include "ctl_status.h"
#include "exit_codes.h"
#include "local_nets.h"
#include "log.h"
#include "plat_proc.h"
#include "plat_svc.h"
#include "session.h"

struct conn_ctx {
	struct sstp_cli *cli;
	int report_fd;               /* --background child: pipe to the waiting parent, else -1 */
	bool announced;
	int cmd_pid;                 /* sstp run */
	bool cmd_done;
	int cmd_code;
	int probe_pid;
	bool probes_done;
	struct sstp_probe_result *results; /* shared with the probe child */
	struct sstp_conn_status up_status;
	bool was_up;
};

struct probe_job {
	const struct sstp_connect_opts *c;
	struct sstp_probe_result *results;
};

static int probe_main(void *arg)
{
	struct probe_job *j = arg;

	return sstp_probes_run(j->c->checks, j->c->n_checks, j->results);
}

static void report_parent(struct conn_ctx *x, int code)
{
	unsigned char b = (unsigned char)code;

	if (x->report_fd < 0)
		return;
	if (write(x->report_fd, &b, 1) < 0) {
		/* the parent is gone; nothing to tell */
	}
	close(x->report_fd);
	x->report_fd = -1;
}

/* The tunnel is ready for the user: say so, or hand over to the parent and detach. */
static void announce(struct conn_ctx *x, struct sstp_session *s)
{
	struct sstp_conn_status st;

	if (x->announced)
		return;
	x->announced = true;
	/* [helper] under systemd (sstp@.service, Type=notify): ready once the tunnel is up */
	plat_svc_notify("READY=1\nSTATUS=connected");
	if (x->report_fd >= 0) {
		report_parent(x, 0);
		plat_detach_close_stdio();
		sstp_log_init("sstp", sstp_log_get_level(), SSTP_LOG_TO_SYSLOG);
		return;
	}
	if (x->cli->json && x->cli->cmd == SSTP_CMD_CONNECT) {
		sstp_session_status(s, &st);
		sstp_status_print_json_doc(stdout, &st);
		putchar('\n');
		fflush(stdout);
	}
}

static int hook_up(void *ctx, struct sstp_session *s)
{
	struct conn_ctx *x = ctx;
	struct sstp_connect_opts *c = &x->cli->conn;
	static struct probe_job job;
	int r;

	sstp_session_status(s, &x->up_status);
	x->was_up = true;
	if (x->announced || x->cmd_pid > 0 || x->probe_pid > 0) {
		char st[96];

		/* a reconnect: systemctl status shows it */
		snprintf(st, sizeof(st), "STATUS=connected (reconnect %u)", x->up_status.reconnects);
		plat_svc_notify(st);
		return 0;
	}
	if (x->cli->cmd == SSTP_CMD_RUN) {
		r = plat_spawn(x->cli->run_argv, &x->cmd_pid);
		if (r < 0) {
			sstp_err("cannot run %s: %s", x->cli->run_argv[0], strerror(-r));
			x->cmd_done = true;
			x->cmd_code = r == -ENOENT ? 127 : 126;
			return x->cmd_code;
		}
		sstp_session_watch_child(s, x->cmd_pid);
		return 0;
	}
	if (c->n_checks) {
		x->results = plat_shared_alloc(sizeof(*x->results) * c->n_checks);
		if (!x->results)
			return SSTP_EXIT_ERROR;
		job.c = c;
		job.results = x->results;
		if ((r = plat_fork_call(probe_main, &job, &x->probe_pid)) < 0) {
			sstp_err("cannot start the probes: %s", strerror(-r));
			return SSTP_EXIT_ERROR;
		}
		sstp_session_watch_child(s, x->probe_pid);
		return 0;
	}
	announce(x, s);
	return 0;
}

/* A drop or a failed attempt, another attempt follows: systemctl status says so. */
static void hook_retry(void *ctx, struct sstp_session *s, int code, const char *msg,
		       uint32_t delay_ms)
{
	char st[400];

	(void)ctx;
	(void)s;
	snprintf(st, sizeof(st), "STATUS=reconnecting in %u s (exit %d: %.300s)", delay_ms / 1000u,
		 code, msg ? msg : "");
	plat_svc_notify(st);
}

static int hook_child(void *ctx, struct sstp_session *s, int pid, int code)
{
	struct conn_ctx *x = ctx;

	if (pid == x->cmd_pid) {
		x->cmd_done = true;
		x->cmd_code = code;
		sstp_dbg("%s exited with %d", x->cli->run_argv[0], code);
		return code;
	}
	if (pid == x->probe_pid) {
		x->probes_done = true;
		if (x->cli->cmd == SSTP_CMD_CHECK)
			return code ? SSTP_EXIT_PROBE : 0;
		if (code) {
			for (size_t i = 0; i < x->cli->conn.n_checks; i++)
				if (!x->results[i].ok)
					sstp_err("check %s failed through the tunnel: %s",
						 x->cli->conn.checks[i].spec,
						 x->results[i].err[0] ? x->results[i].err : "no answer");
			return SSTP_EXIT_PROBE;
		}
		announce(x, s);
		return -1;
	}
	return -1;
}

/* --run-as: the control socket exists, nothing was sent: give up root. */
static int hook_started(void *ctx, struct sstp_session *s)
{
	struct conn_ctx *x = ctx;

	(void)s;
	return x->cli->conn.run_as ? sstp_privsep_lockdown(x->cli->conn.run_as) : 0;
}

static void net_log(void *ctx, int level, const char *msg)
{
	(void)ctx;
	sstp_log(level <= 0 ? SSTP_LOG_ERROR : level == 1 ? SSTP_LOG_WARN
			 : level == 2 ? SSTP_LOG_INFO : SSTP_LOG_DEBUG, "%s", msg);
}

static int open_net(const struct sstp_conn_setup *su, struct plat_net **net, char *err,
		    size_t errlen)
{
	struct plat_net_config nc;
	int r;

	memset(&nc, 0, sizeof(nc));
	nc.session = su->cfg.name;
	nc.state_dir = su->cfg.state_dir;
	nc.backup_dir = su->backup_dir;
	nc.log = net_log;
	plat_net_cleanup_stale(&nc, NULL); /* a crashed run of this session left changes behind */
	r = plat_net_open_system(&nc, net, err, errlen);
	if (r == -EBUSY) {
		snprintf(err, errlen, "a session named %s is already running (see 'sstp status %s')",
			 su->cfg.name, su->cfg.name);
		return SSTP_EXIT_ERROR;
	}
	if (r == -EPERM || r == -EACCES) {
		size_t n = strlen(err);

		snprintf(err + n, errlen - n, "%spermission denied: sstp connect needs root (or "
			 "CAP_NET_ADMIN and a writable --state-dir)", n ? "; " : "");
		return SSTP_EXIT_PERMISSION;
	}
	return r < 0 ? SSTP_EXIT_ERROR : 0;
}

/* --background, parent side: wait for the child's report, then show the status. */
static int wait_for_child(struct sstp_cli *cli, const char *name, int fd, int pid)
{
	static uint8_t buf[SSTP_CTL_MAX_FRAME];
	unsigned char b;
	ssize_t n;
	struct sstp_ctl_msg m;
	struct sstp_conn_status st;
	char err[320];
	int code;

	do
		n = read(fd, &b, 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n != 1) {
		for (int i = 0; i < 50 && plat_reap(pid, &code) == 0; i++)
			usleep(20000);
		sstp_err("the background session ended unexpectedly");
		return SSTP_EXIT_ERROR;
	}
	if (b != 0) {
		for (int i = 0; i < 250 && plat_reap(pid, &code) == 0; i++)
			usleep(20000);
		return b; /* the child printed its error */
	}
	if (sstp_ctl_request(cli->state_dir, name, SSTP_CTL_REQ_STATUS, 2000, buf, sizeof(buf), &m,
			     err, sizeof(err)) == 0 && m.type == SSTP_CTL_RESP_STATUS &&
	    sstp_ctl_get_status(&m, &st, NULL) == 0) {
		if (cli->json) {
			sstp_status_print_json_doc(stdout, &st);
			putchar('\n');
		} else if (cli->verbosity >= 0) {
			sstp_status_print_text(stdout, &st);
		}
	} else {
		printf("%s: connected (pid %d)\n", name, pid);
	}
	return 0;
}

static void finish_check(struct conn_ctx *x, const char *name, int code, const char *error)
{
	struct sstp_cli *cli = x->cli;
	const struct sstp_connect_opts *c = &cli->conn;
	static struct sstp_probe_result none[SSTP_CLI_MAX_LIST];
	const struct sstp_probe_result *res = x->results ? x->results : none;
	bool connected = x->was_up && x->probes_done;

	if (cli->json)
		sstp_check_report_json(stdout, name, x->was_up ? &x->up_status : NULL, connected, code,
				       error, c->checks, c->n_checks, res);
	else if (cli->verbosity >= 0)
		sstp_check_report_text(stdout, c->checks, c->n_checks, res, connected);
	if (cli->junit && sstp_check_report_junit(cli->junit, name, connected, error, c->checks,
						  c->n_checks, res) < 0)
		sstp_err("cannot write %s: %s", cli->junit, strerror(errno));
}

/* The profile's VNet routes and pools against the local networks, before the tunnel exists. */
static void warn_overlaps(const struct sstp_profile *p, struct plat_net *net)
{
	struct sstp_local_nets *ln;

	if (!p->n_routes && !p->n_pools)
		return;
	ln = calloc(1, sizeof(*ln));
	if (!ln)
		return;
	if (sstp_local_nets_read(ln, net) == 0)
		sstp_local_nets_warn(ln, p);
	free(ln);
}

int sstp_cmd_connect(struct sstp_cli *cli)
{
	struct sstp_conn_setup su;
	struct sstp_session_hooks hooks;
	struct plat_net *net = NULL;
	struct sstp_session *s = NULL;
	struct conn_ctx x;
	char err[512] = "";
	int code, child;

	memset(&x, 0, sizeof(x));
	x.cli = cli;
	x.report_fd = -1;
	code = sstp_conn_setup(&su, cli, err, sizeof(err));
	if (code) {
		sstp_err("%s", err);
		goto out;
	}
	if (cli->conn.insecure)
		sstp_warn("--insecure: the server certificate is not verified; anyone on the path can "
			  "impersonate %s", su.cfg.server);
	if (cli->conn.background) {
		int r = plat_detach(&x.report_fd, &child);

		if (r == -ENOTSUP) {
			sstp_err("connect --background is not available on this system: start the "
				 "helper (sstp helper install) and connect through it");
			code = SSTP_EXIT_USAGE;
			goto out;
		}
		if (r < 0) {
			sstp_err("cannot detach: %s", strerror(-r));
			code = SSTP_EXIT_ERROR;
			goto out;
		}
		if (r == 1) { /* parent */
			code = wait_for_child(cli, su.name, x.report_fd, child);
			x.report_fd = -1;
			goto out;
		}
	}
	/* after the fork of --background: a PKCS#11 module does not survive one */
	if (!cli->conn.run_as && (code = sstp_conn_setup_keystore(&su, err, sizeof(err)))) {
		sstp_err("%s", err);
		goto out;
	}
	code = open_net(&su, &net, err, sizeof(err));
	if (code) {
		sstp_err("%s", err);
		goto out;
	}
	if (cli->conn.run_as) { /* the parent serves the network changes until the child ends */
		int r = sstp_privsep_split(&su, cli->conn.run_as, &net, &code, err, sizeof(err));

		if (r != 0) {
			if (r < 0)
				sstp_err("%s", err);
			if (x.report_fd >= 0)
				close(x.report_fd); /* the child reports */
			x.report_fd = -1;
			goto out;
		}
		if ((code = sstp_conn_setup_keystore(&su, err, sizeof(err)))) {
			sstp_err("%s", err);
			goto out;
		}
	}
	if (!su.cfg.no_routes)
		warn_overlaps(&su.profile, net);
	memset(&hooks, 0, sizeof(hooks));
	hooks.ctx = &x;
	hooks.up = hook_up;
	hooks.retry = hook_retry;
	hooks.child_exit = hook_child;
	hooks.started = hook_started;
	s = sstp_session_new(&su.cfg, net, &hooks, err, sizeof(err));
	if (!s) {
		sstp_err("%s", err);
		code = SSTP_EXIT_ERROR;
		goto out;
	}
	code = sstp_session_run(s);
	if (cli->cmd == SSTP_CMD_RUN && x.cmd_done) {
		code = x.cmd_code;
	} else if (cli->cmd == SSTP_CMD_CHECK) {
		const char *e = code && code != SSTP_EXIT_PROBE ? sstp_session_error(s) : NULL;

		if (e)
			sstp_err("%s", e);
		finish_check(&x, su.name, code, e);
	} else if (code && code != SSTP_EXIT_PROBE) {
		sstp_err("%s", sstp_session_error(s));
	}
out:
	report_parent(&x, code ? code : SSTP_EXIT_ERROR);
	sstp_session_free(s);
	plat_net_close(net);
	if (x.results)
		plat_shared_free(x.results, sizeof(*x.results) * cli->conn.n_checks);
	sstp_conn_setup_free(&su);
	return code;
}
