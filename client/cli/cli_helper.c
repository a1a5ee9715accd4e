/* cli_helper.c - `sstp connect|disconnect|status|run|check` through the helper (used when not
 * root, or when asked), printing like the direct commands do. */
#include "cli_helper.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_check.h"
#include "cli_cmds.h"
#include "cli_secret.h"
#include "ctl_client.h"
#include "cli_exit.h"
#include "ctl_status.h"
#include "exit_codes.h"
#include "helper_client.h"
#include "helper_user.h"
#include "log.h"
#include "plat_ctl.h"
#include "plat_loop.h"
#include "plat_paths.h"
#include "plat_proc.h"
#include "plat_service.h"
#include "profile.h"
#include "status.h"

#define OPEN_MS 2000
#define STATUS_MS 5000
#define MAX_SHOWN 80

bool sstp_helper_client_wanted(const struct sstp_cli *cli)
{
	const char *force = getenv("SSTP_USE_HELPER");

	if (cli->cmd != SSTP_CMD_CONNECT && cli->cmd != SSTP_CMD_DISCONNECT &&
	    cli->cmd != SSTP_CMD_STATUS && cli->cmd != SSTP_CMD_RUN && cli->cmd != SSTP_CMD_CHECK)
		return false;
	if (force && strcmp(force, "1") == 0)
		return true;
	if (force && strcmp(force, "0") == 0)
		return false;
	return !plat_is_root();
}

/* ---- the CLI commands ---------------------------------------------------------------------- */

/* "--name" alone, or "--name=V" when v is not 0. */
static int add_opt(struct sstp_helper_req *req, const char *name, unsigned v)
{
	if (req->n_options == SSTP_HELPER_MAX_OPTIONS)
		return -1;
	if (v)
		snprintf(req->options[req->n_options++], SSTP_HELPER_OPTION_MAX, "%s=%u", name, v);
	else
		snprintf(req->options[req->n_options++], SSTP_HELPER_OPTION_MAX, "%s", name);
	return 0;
}

/* The connect options as helper options; anything the helper cannot take is refused here with
 * the option's name, before anything is sent. */
static int connect_request(const struct sstp_cli *cli, struct sstp_helper_req *req,
			   struct helper_user_bufs *ub, char *err, size_t errlen)
{
	const struct sstp_connect_opts *o = &cli->conn;
	/* a profile of the user's own (read here, as the user) takes --cert-password-file */
	int own = o->target && sstp_profile_name_valid(o->target) && !o->package
			  ? helper_user_read(o->target, o->cert_password_file, req, ub, err, errlen)
			  : 0;
	const char *bad = o->package ? "--package" : o->cert ? "--cert" : o->key ? "--key" :
		o->cert_password_file && own != 1 ? "--cert-password-file" : o->n_ca ? "--ca" :
		o->pin_sha256 ? "--pin-sha256" : o->insecure ? "--insecure" : o->user ? "--user" :
		o->identity ? "--identity" : o->tls_cert ? "--tls-cert" :
		o->proxy ? "--proxy" : o->sni ? "--sni" : o->auth ? "--auth" :
		o->n_routes ? "--route" : o->full_tunnel ? "--full-tunnel" :
		o->route_conflict ? "--route-conflict" : o->n_dns ? "--dns" :
		o->n_checks && cli->cmd != SSTP_CMD_CHECK ? "--check" : o->name ? "--name" : o->ifname ? "--interface" :
		o->script ? "--script" : o->up ? "--up" : o->down ? "--down" : NULL;

	if (own < 0)
		return -own;
	req->type = SSTP_CTL_REQ_CONNECT;
	/* Without root, these are a matter of permission (11), as they were before the helper:
	 * it only runs the administrator's profiles as they are configured. */
	if (bad) {
		snprintf(err, errlen, "sstp connect: permission denied: %s needs root; without it, "
			 "the sstp helper connects the administrator's profiles as they are "
			 "configured", bad);
		return SSTP_EXIT_PERMISSION;
	}
	if (!o->target || !sstp_profile_name_valid(o->target)) {
		snprintf(err, errlen, "sstp connect: permission denied: connecting '%s' directly "
			 "needs root; without it, only profiles of the system profile directory can "
			 "be connected (through the sstp helper)", o->target ? o->target : "");
		return SSTP_EXIT_PERMISSION;
	}
	snprintf(req->profile, sizeof(req->profile), "%s", o->target);
	if ((o->timeout_s && add_opt(req, "--timeout", o->timeout_s) < 0) ||
	    (o->mtu && add_opt(req, "--mtu", o->mtu) < 0) ||
	    (o->wait && add_opt(req, "--wait", 0) < 0) ||
	    (o->reconnect == 1 && add_opt(req, "--reconnect", 0) < 0) ||
	    (o->reconnect == 0 && add_opt(req, "--no-reconnect", 0) < 0) ||
	    (o->no_ipv6 && add_opt(req, "--no-ipv6", 0) < 0) ||
	    (o->no_dns && add_opt(req, "--no-dns", 0) < 0) ||
	    (o->no_routes && add_opt(req, "--no-routes", 0) < 0) ||
	    (cli->verbosity > 0 && add_opt(req, "--verbose", 0) < 0)) {
		snprintf(err, errlen, "sstp connect: too many options");
		return SSTP_EXIT_USAGE;
	}
	return 0;
}

/* Read the password as this user (file, stdin or terminal prompt) into req. 0 or an exit code
 * with err. */
static int take_password(struct sstp_helper_req *req, const char *file, bool from_stdin,
			 const char *prompt, char *err, size_t errlen)
{
	char *pw = sstp_secret_read(file, from_stdin, prompt, err, errlen);
	size_t n;

	if (!pw)
		return SSTP_EXIT_USAGE;
	if (!sstp_helper_password_ok(pw)) {
		sstp_secret_free(pw);
		snprintf(err, errlen, "the password is longer than %d bytes",
			 SSTP_HELPER_PASSWORD_MAX);
		return SSTP_EXIT_USAGE;
	}
	n = strlen(pw);
	memcpy(req->password, pw, n + 1);
	req->has_password = true;
	sstp_secret_free(pw);
	return 0;
}

/* Wait for the reply to req (id), skipping events. 1 with *m, or an exit code as a negative
 * number. */
static int wait_reply(struct sstp_helper_conn *c, uint32_t id, int timeout_ms,
		      struct sstp_ctl_msg *m, char *err, size_t errlen)
{
	uint64_t deadline = plat_now_ms() + (uint64_t)timeout_ms;

	for (;;) {
		uint64_t now = plat_now_ms();
		int r;

		if (now >= deadline) {
			snprintf(err, errlen, "the sstp helper did not answer within %d s",
				 timeout_ms / 1000);
			return -SSTP_EXIT_TIMEOUT;
		}
		r = sstp_helper_conn_next(c, (int)(deadline - now), m, err, errlen);
		if (r < 0)
			return -sstp_cli_exit_code(-r);
		if (r == 0)
			continue;
		if (m->type == SSTP_CTL_RESP_ERROR && m->id == 0) {
			/* refused right after connecting (permission) */
			int code = sstp_cli_exit_code(sstp_ctl_reply_error(m, err, errlen));

			return -(code ? code : SSTP_EXIT_PERMISSION);
		}
		if (m->id == id && m->type != SSTP_CTL_EVENT)
			return 1;
	}
}

/* The last error printed by a connect through the helper (for `check` reports). */
static char last_error[400];

static int error_reply(const struct sstp_ctl_msg *m)
{
	char msg[320];
	int code = sstp_cli_exit_code(sstp_ctl_reply_error(m, msg, sizeof(msg)));

	snprintf(last_error, sizeof(last_error), "%s",
		 msg[0] ? msg : "the sstp helper refused the request");
	sstp_err("%s", last_error);
	return code ? code : SSTP_EXIT_ERROR;
}

static int get_status(struct sstp_helper_conn *c, const char *name, struct sstp_conn_status *st,
		      char *err, size_t errlen)
{
	struct sstp_helper_req req;
	struct sstp_ctl_msg m;
	int r;

	memset(&req, 0, sizeof(req));
	req.type = SSTP_CTL_REQ_STATUS;
	snprintf(req.profile, sizeof(req.profile), "%s", name);
	if ((r = sstp_helper_conn_send(c, &req, err, errlen)) != 0)
		return sstp_cli_exit_code(r);
	if ((r = wait_reply(c, req.id, STATUS_MS, &m, err, errlen)) < 0)
		return -r;
	if (m.type == SSTP_CTL_RESP_ERROR)
		return sstp_cli_exit_code(sstp_ctl_reply_error(&m, err, errlen));
	if (m.type != SSTP_CTL_RESP_STATUS || sstp_ctl_get_status(&m, st, NULL) != 0) {
		snprintf(err, errlen, "bad status answer from the sstp helper");
		return SSTP_EXIT_ERROR;
	}
	return 0;
}

/* One session: as the document of connect --json, or as a status list of one. */
static void print_status(const struct sstp_cli *cli, const struct sstp_conn_status *st)
{
	if (cli->json && cli->cmd == SSTP_CMD_STATUS) {
		sstp_status_print_json_list(stdout, &st, 1);
	} else if (cli->json) {
		sstp_status_print_json_doc(stdout, st);
		putchar('\n');
	} else {
		sstp_status_print_text(stdout, st);
	}
}

/* Send the connect request and wait for its answer, asking for a password once if the helper
 * says one is needed. 0 with *m the RESP_OK, or an exit code (printed). */
static int connect_loop(const struct sstp_cli *cli, struct sstp_helper_conn *c,
			struct sstp_helper_req *req, int timeout_ms, struct sstp_ctl_msg *m)
{
	const struct sstp_connect_opts *o = &cli->conn;
	char err[400];
	int r;

	for (int attempt = 0;; attempt++) {
		r = sstp_cli_exit_code(sstp_helper_conn_send(c, req, err, sizeof(err)));
		sstp_helper_req_wipe(req); /* sent: no copy stays here */
		if (r != 0 || (r = -wait_reply(c, req->id, timeout_ms, m, err, sizeof(err))) > 0) {
			if (r == SSTP_EXIT_TIMEOUT)
				snprintf(err, sizeof(err), "%s is still connecting in the background "
					 "(see 'sstp status %s')", req->profile, req->profile);
			snprintf(last_error, sizeof(last_error), "%s", err);
			sstp_err("%s", err);
			return r;
		}
		if (m->type != SSTP_CTL_RESP_ERROR)
			return 0;
		/* the profile needs a password nobody gave: ask on the terminal (if there is
		 * one), once; without a terminal, the helper's sentence says what to do */
		if (attempt == 0 && sstp_helper_reply_needs_password(m) && !o->password_file &&
		    !o->password_stdin) {
			char prompt[128];

			snprintf(prompt, sizeof(prompt), "Password for profile %s: ", req->profile);
			if (take_password(req, NULL, false, prompt, err, sizeof(err)) == 0)
				continue;
		}
		return error_reply(m);
	}
}

/* Connect through the helper. *started (may be NULL) tells whether this call started the
 * session (rather than finding it up already). */
static int client_connect(const struct sstp_cli *cli, struct sstp_helper_conn *c, bool quiet,
			  bool *started)
{
	const struct sstp_connect_opts *o = &cli->conn;
	struct sstp_helper_req req;
	struct helper_user_bufs ub;
	struct sstp_conn_status st;
	struct sstp_ctl_msg m;
	char err[400];
	int timeout_ms = o->timeout_s ? (int)o->timeout_s * 1000 + 15000 : 300000, r;

	memset(&req, 0, sizeof(req));
	memset(&ub, 0, sizeof(ub));
	if ((r = connect_request(cli, &req, &ub, err, sizeof(err))) != 0) {
		helper_user_bufs_free(&ub);
		fprintf(stderr, "%s\n", err);
		return r;
	}
	/* a user profile's password-file is read here, as the user, like --password-file */
	if ((o->password_file || o->password_stdin || ub.password_file) &&
	    (r = take_password(&req, o->password_file ? o->password_file : o->password_stdin ? NULL
			       : ub.password_file, o->password_stdin, NULL, err,
			       sizeof(err))) != 0) {
		helper_user_bufs_free(&ub);
		sstp_err("%s", err);
		return r;
	}
	r = connect_loop(cli, c, &req, timeout_ms, &m);
	helper_user_bufs_free(&ub);
	if (r)
		return r;
	if (started) {
		char msg[128];

		sstp_ctl_reply_error(&m, msg, sizeof(msg)); /* reads MESSAGE of the RESP_OK too */
		*started = strncmp(msg, "already", 7) != 0;
	}
	if (quiet)
		return 0;
	if (get_status(c, req.profile, &st, err, sizeof(err)) == 0) {
		if (cli->json || cli->verbosity >= 0)
			print_status(cli, &st);
	} else if (cli->verbosity >= 0) {
		printf("%s: connected (through the sstp helper)\n", req.profile);
	}
	return 0;
}

/* Disconnect the session this command started (run, check). */
static void disconnect_started(const struct sstp_cli *cli, struct sstp_helper_conn *c)
{
	struct sstp_helper_req req;
	struct sstp_ctl_msg m;
	char err[400];

	memset(&req, 0, sizeof(req));
	req.type = SSTP_CTL_REQ_DISCONNECT;
	sstp_status_set(req.profile, sizeof(req.profile), cli->conn.target);
	if (sstp_helper_conn_send(c, &req, err, sizeof(err)) != 0 ||
	    wait_reply(c, req.id, 20000, &m, err, sizeof(err)) < 0)
		sstp_err("disconnecting %s: %s", cli->conn.target, err);
	else if (m.type == SSTP_CTL_RESP_ERROR)
		error_reply(&m);
}

/* `sstp run NAME -- COMMAND`: connect through the helper, run COMMAND as this user, then
 * disconnect (unless the session was up before), and exit with COMMAND's code. ^C and SIGTERM
 * go to COMMAND; the disconnect still happens. */
static int client_run(const struct sstp_cli *cli, struct sstp_helper_conn *c)
{
	struct plat_loop *loop;
	bool started = false;
	int pid = -1, code = SSTP_EXIT_ERROR, r;

	if ((r = client_connect(cli, c, true, &started)) != 0)
		return r;
	loop = plat_loop_new();
	if (!loop || plat_loop_catch_signals(loop, NULL) < 0) {
		sstp_err("cannot set up signal handling");
	} else if ((r = plat_spawn(cli->run_argv, &pid)) < 0) {
		sstp_err("cannot run %s: %s", cli->run_argv[0], strerror(-r));
		code = r == -ENOENT ? 127 : SSTP_EXIT_ERROR;
	} else {
		for (;;) {
			struct plat_loop_event ev;
			enum plat_signal sig;
			int rr;

			if ((rr = plat_reap(pid, &code)) != 0) {
				if (rr < 0)
					code = SSTP_EXIT_ERROR;
				break;
			}
			if (plat_loop_wait(loop, 1000, &ev, 1) < 0)
				break;
			while ((sig = plat_loop_next_signal(loop)) != PLAT_SIG_NONE)
				if (sig != PLAT_SIG_CHLD)
					plat_terminate(pid, false);
		}
	}
	plat_loop_free(loop);
	if (started)
		disconnect_started(cli, c);
	return code;
}

/* `sstp check NAME --probe ...` without root: connect through the helper, run the probes as
 * this user (the tunnel's routes are the system's, so TCP probes need no privilege; ICMP ones
 * need the unprivileged ping sockets of net.ipv4.ping_group_range), report as the direct
 * command does, and disconnect unless the session was up before. */
static int client_check(const struct sstp_cli *cli, struct sstp_helper_conn *c)
{
	static struct sstp_probe_result res[SSTP_CLI_MAX_LIST];
	const struct sstp_connect_opts *o = &cli->conn;
	struct sstp_conn_status st;
	char err[400];
	bool started = false, have_st = false;
	int code;

	memset(res, 0, sizeof(res));
	last_error[0] = '\0';
	code = client_connect(cli, c, true, &started);
	if (code == 0) {
		have_st = get_status(c, o->target, &st, err, sizeof(err)) == 0;
		code = sstp_probes_run(o->checks, o->n_checks, res);
	}
	if (cli->json)
		sstp_check_report_json(stdout, o->target, have_st ? &st : NULL,
				       code == 0 || code == SSTP_EXIT_PROBE, code,
				       last_error[0] ? last_error : NULL, o->checks, o->n_checks,
				       res);
	else if (cli->verbosity >= 0)
		sstp_check_report_text(stdout, o->checks, o->n_checks, res,
				       code == 0 || code == SSTP_EXIT_PROBE);
	if (cli->junit && sstp_check_report_junit(cli->junit, o->target,
						  code == 0 || code == SSTP_EXIT_PROBE,
						  last_error[0] ? last_error : NULL, o->checks,
						  o->n_checks, res) < 0)
		sstp_err("cannot write %s: %s", cli->junit, strerror(errno));
	if (started)
		disconnect_started(cli, c);
	return code;
}

/* The overview: every session's status (shown through `show`) and the profiles. */
static int overview(struct sstp_helper_conn *c, struct sstp_conn_status *list, size_t max,
		    size_t *n, char *err, size_t errlen)
{
	struct sstp_helper_req req;
	struct sstp_ctl_msg m;
	int r;

	*n = 0;
	memset(&req, 0, sizeof(req));
	req.type = SSTP_CTL_REQ_STATUS;
	if ((r = sstp_helper_conn_send(c, &req, err, errlen)) != 0)
		return sstp_cli_exit_code(r);
	for (;;) {
		if ((r = wait_reply(c, req.id, STATUS_MS * 4, &m, err, errlen)) < 0)
			return -r;
		if (m.type == SSTP_CTL_RESP_STATUS) {
			if (*n < max && sstp_ctl_get_status(&m, &list[*n], NULL) == 0)
				(*n)++;
			continue;
		}
		if (m.type == SSTP_CTL_RESP_ERROR)
			return sstp_cli_exit_code(sstp_ctl_reply_error(&m, err, errlen));
		return 0; /* RESP_OK closes the list */
	}
}

static bool running(const struct sstp_conn_status *st)
{
	return st->state != SSTP_STATE_DISCONNECTED && st->state != SSTP_STATE_IDLE;
}

static int client_status(const struct sstp_cli *cli, struct sstp_helper_conn *c)
{
	static struct sstp_conn_status list[MAX_SHOWN];
	const struct sstp_conn_status *ptrs[MAX_SHOWN];
	char err[400];
	size_t n, shown = 0;
	int r;

	if (cli->name) {
		r = get_status(c, cli->name, &list[0], err, sizeof(err));
		if (r == 0 && running(&list[0])) {
			print_status(cli, &list[0]);
			return 0;
		}
		if (r == 0) /* the helper remembers how it ended */
			print_status(cli, &list[0]);
		else if (cli->json && r == SSTP_EXIT_NOT_CONNECTED)
			sstp_status_print_json_list(stdout, NULL, 0);
		if (r)
			sstp_err("%s", err);
		return r ? r : SSTP_EXIT_NOT_CONNECTED;
	}
	if ((r = overview(c, list, MAX_SHOWN, &n, err, sizeof(err))) != 0) {
		sstp_err("%s", err);
		return r;
	}
	for (size_t i = 0; i < n; i++)
		if (running(&list[i]))
			ptrs[shown++] = &list[i];
	return sstp_cli_print_sessions(cli, ptrs, shown);
}

static int client_disconnect(const struct sstp_cli *cli, struct sstp_helper_conn *c)
{
	static struct sstp_conn_status list[MAX_SHOWN];
	struct sstp_helper_req req;
	struct sstp_ctl_msg m;
	char err[400];
	int timeout_ms = (cli->conn.timeout_s ? (int)cli->conn.timeout_s * 1000 : 10000) + 5000, r;
	size_t n, live = 0;

	memset(&req, 0, sizeof(req));
	req.type = SSTP_CTL_REQ_DISCONNECT;
	if (cli->name) {
		snprintf(req.profile, sizeof(req.profile), "%s", cli->name);
	} else if (cli->all) {
		req.all = true;
	} else {
		/* no name: the one running session, as without the helper */
		if ((r = overview(c, list, MAX_SHOWN, &n, err, sizeof(err))) != 0) {
			sstp_err("%s", err);
			return r;
		}
		for (size_t i = 0; i < n; i++)
			if (running(&list[i]) && !live++)
				sstp_status_set(req.profile, sizeof(req.profile), list[i].name);
		if (live == 0) {
			sstp_err("no session is running");
			return SSTP_EXIT_NOT_CONNECTED;
		}
		if (live > 1) {
			sstp_err("%zu sessions are running: name one (see 'sstp status') or use --all",
				 live);
			return SSTP_EXIT_USAGE;
		}
	}
	if ((r = sstp_cli_exit_code(sstp_helper_conn_send(c, &req, err, sizeof(err)))) != 0 ||
	    (r = -wait_reply(c, req.id, timeout_ms, &m, err, sizeof(err))) > 0) {
		sstp_err("%s", err);
		return r;
	}
	if (m.type == SSTP_CTL_RESP_ERROR)
		return error_reply(&m);
	return 0;
}

int sstp_helper_client_run(const struct sstp_cli *cli)
{
	struct sstp_helper_conn *c = malloc(sizeof(*c));
	char err[400];
	int r;

	if (!c) {
		sstp_err("out of memory");
		return SSTP_EXIT_ERROR;
	}
	r = sstp_cli_exit_code(sstp_helper_conn_open(c, sstp_helper_socket_path(), OPEN_MS, err,
						     sizeof(err)));
	if (r) {
		sstp_err("%s", err);
		free(c);
		return r;
	}
	switch (cli->cmd) {
	case SSTP_CMD_CONNECT: r = client_connect(cli, c, false, NULL); break;
	case SSTP_CMD_RUN: r = client_run(cli, c); break;
	case SSTP_CMD_CHECK: r = client_check(cli, c); break;
	case SSTP_CMD_DISCONNECT: r = client_disconnect(cli, c); break;
	case SSTP_CMD_STATUS: r = client_status(cli, c); break;
	default:
		sstp_err("sstp %s does not go through the helper", sstp_cmd_name(cli->cmd));
		r = SSTP_EXIT_USAGE;
		break;
	}
	sstp_helper_conn_close(c);
	free(c);
	return r;
}
