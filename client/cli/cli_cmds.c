/* cli_cmds.c - the subcommands that talk to running sessions or wrap other modules: status,
 * disconnect, cleanup, import, package show and cert. */
#include "cli_cmds.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_secret.h"
#include "ctl_client.h"
#include "ctl_path.h"
#include "ctl_status.h"
#include "cli_exit.h"
#include "exit_codes.h"
#include "local_nets.h"
#include "log.h"
#include "pkg.h"
#include "plat_ctl.h"
#include "plat_paths.h"
#include "plat_net.h"
#include "plat_proc.h"
#include "status.h"
#include "tls_certtool.h"

#define MAX_SESSIONS 64

const char *sstp_cli_state_dir(const struct sstp_cli *cli)
{
	return cli->state_dir ? cli->state_dir : plat_default_state_dir();
}

static int get_status(const char *dir, const char *name, struct sstp_conn_status *st, char *err,
		      size_t errlen)
{
	static uint8_t buf[SSTP_CTL_MAX_FRAME];
	struct sstp_ctl_msg m;
	const char *why = NULL;
	int r = sstp_cli_exit_code(sstp_ctl_request(dir, name, SSTP_CTL_REQ_STATUS, 2000, buf,
						    sizeof(buf), &m, err, errlen));

	if (r)
		return r;
	if (m.type != SSTP_CTL_RESP_STATUS || sstp_ctl_get_status(&m, st, &why) < 0) {
		snprintf(err, errlen, "bad status answer from session %.128s%s%s", name, why ? ": " : "",
			 why ? why : "");
		return SSTP_EXIT_ERROR;
	}
	return 0;
}

int sstp_cli_print_sessions(const struct sstp_cli *cli, const struct sstp_conn_status *const *list,
			    size_t n)
{
	if (cli->json) {
		sstp_status_print_json_list(stdout, list, n);
	} else {
		for (size_t i = 0; i < n; i++) {
			if (i)
				putchar('\n');
			sstp_status_print_text(stdout, list[i]);
		}
		if (!n)
			printf("no sessions are running\n");
	}
	return n ? 0 : SSTP_EXIT_NOT_CONNECTED;
}

int sstp_cmd_status(const struct sstp_cli *cli)
{
	const char *dir = sstp_cli_state_dir(cli);
	char names[MAX_SESSIONS][72], err[320];
	static struct sstp_conn_status all[MAX_SESSIONS];
	const struct sstp_conn_status *ptrs[MAX_SESSIONS];
	struct sstp_conn_status st;
	size_t n, shown = 0;
	int r;

	if (cli->name) {
		r = get_status(dir, cli->name, &st, err, sizeof(err));
		if (r) {
			if (cli->json && r == SSTP_EXIT_NOT_CONNECTED)
				sstp_status_print_json_list(stdout, NULL, 0);
			sstp_err("%s", err);
			return r;
		}
		if (cli->json) {
			const struct sstp_conn_status *one = &st;

			sstp_status_print_json_list(stdout, &one, 1);
		} else {
			sstp_status_print_text(stdout, &st);
		}
		return 0;
	}
	n = plat_ctl_list(dir, names, MAX_SESSIONS);
	for (size_t i = 0; i < n; i++) {
		if (get_status(dir, names[i], &st, err, sizeof(err)) != 0) {
			sstp_dbg("%s", err);
			continue;
		}
		all[shown] = st;
		ptrs[shown] = &all[shown];
		shown++;
	}
	return sstp_cli_print_sessions(cli, ptrs, shown);
}

static int disconnect_one(const char *dir, const char *name, int timeout_ms)
{
	static uint8_t buf[SSTP_CTL_MAX_FRAME];
	struct sstp_ctl_msg m;
	char err[320];
	int r = sstp_cli_exit_code(sstp_ctl_request(dir, name, SSTP_CTL_REQ_DISCONNECT, timeout_ms,
						    buf, sizeof(buf), &m, err, sizeof(err)));

	if (r) {
		sstp_err("%s", err);
		return r;
	}
	if (m.type == SSTP_CTL_RESP_ERROR) {
		r = sstp_cli_exit_code(sstp_ctl_reply_error(&m, err, sizeof(err)));
		sstp_err("%s: %s", name, err);
		return r;
	}
	sstp_info("%s: disconnected", name);
	return 0;
}

int sstp_cmd_disconnect(const struct sstp_cli *cli)
{
	const char *dir = sstp_cli_state_dir(cli);
	char names[MAX_SESSIONS][72];
	int timeout_ms = cli->conn.timeout_s ? (int)cli->conn.timeout_s * 1000 : 10000, worst = 0;
	size_t n, live = 0;

	if (cli->name)
		return disconnect_one(dir, cli->name, timeout_ms);
	n = plat_ctl_list(dir, names, MAX_SESSIONS);
	if (!cli->all) {
		struct sstp_conn_status st;
		char err[320], first[72] = "";

		for (size_t i = 0; i < n; i++) {
			if (get_status(dir, names[i], &st, err, sizeof(err)) != 0)
				continue;
			if (!live++) {
				size_t l = strnlen(names[i], sizeof(first) - 1);
				memcpy(first, names[i], l);
				first[l] = '\0';
			}
		}
		if (live == 0) {
			sstp_err("no session is running");
			return SSTP_EXIT_NOT_CONNECTED;
		}
		if (live > 1) {
			sstp_err("%zu sessions are running: name one (see 'sstp status') or use --all", live);
			return SSTP_EXIT_USAGE;
		}
		return disconnect_one(dir, first, timeout_ms);
	}
	for (size_t i = 0; i < n; i++) {
		int r = disconnect_one(dir, names[i], timeout_ms);

		if (r == SSTP_EXIT_NOT_CONNECTED)
			continue; /* a stale socket */
		live++;
		if (r && !worst)
			worst = r;
	}
	if (!live) {
		sstp_err("no session is running");
		return SSTP_EXIT_NOT_CONNECTED;
	}
	return worst;
}

static void cleanup_log(void *ctx, int level, const char *msg)
{
	(void)ctx;
	sstp_log(level <= 0 ? SSTP_LOG_ERROR : level == 1 ? SSTP_LOG_WARN
			 : level == 2 ? SSTP_LOG_INFO : SSTP_LOG_DEBUG, "%s", msg);
}

/* Removes the control socket of each dead session in dir (only NAME's when name is set): one
 * nobody answers on, left by a session that was killed. Live sessions' sockets stay. Returns how
 * many were removed. */
static unsigned remove_dead_sockets(const char *dir, const char *name)
{
	char names[MAX_SESSIONS][72], path[512];
	size_t n = 1;
	unsigned removed = 0;

	if (!name)
		n = plat_ctl_list(dir, names, MAX_SESSIONS);
	else if (snprintf(names[0], sizeof(names[0]), "%s", name) >= (int)sizeof(names[0]))
		return 0;
	for (size_t i = 0; i < n; i++) {
		int fd;

		if (sstp_session_ctl_path(dir, names[i], path, sizeof(path)) < 0)
			continue;
		fd = plat_ctl_connect(path, 1000);
		if (fd >= 0)
			plat_ctl_close(fd); /* its session is running */
		if (fd != -ECONNREFUSED)
			continue;
		plat_ctl_unlink(path);
		sstp_info("%s: removed the control socket of the dead session", names[i]);
		removed++;
	}
	return removed;
}

int sstp_cmd_cleanup(const struct sstp_cli *cli)
{
	struct plat_net_config cfg;
	struct plat_cleanup_report rep;
	int r;

	memset(&cfg, 0, sizeof(cfg));
	memset(&rep, 0, sizeof(rep));
	cfg.session = cli->name;
	cfg.state_dir = sstp_cli_state_dir(cli);
	cfg.backup_dir = cli->backup_dir;
	cfg.log = cleanup_log;
	r = plat_net_cleanup_stale(&cfg, &rep);
	printf("journals: %u found, %u replayed, %u belong to running sessions; changes: %u undone, "
	       "%u already gone, %u skipped, %u failed\n", rep.journals_found, rep.journals_replayed,
	       rep.journals_live, rep.undone, rep.already_gone, rep.skipped, rep.failed);
	printf("control sockets of dead sessions removed: %u\n",
	       remove_dead_sockets(cfg.state_dir, cli->name));
	if (r == -EPERM || r == -EACCES) {
		sstp_err("permission denied: cleanup needs root");
		return SSTP_EXIT_PERMISSION;
	}
	if (r < 0 || rep.failed) {
		sstp_err("cleanup incomplete: %s", r < 0 ? strerror(-r) : "some changes could not be undone");
		return SSTP_EXIT_ERROR;
	}
	return 0;
}

int sstp_cmd_import(const struct sstp_cli *cli)
{
	struct sstp_import_opts o;
	struct sstp_local_nets *ln;
	char err[512] = "";
	int r;

	memset(&o, 0, sizeof(o));
	o.name = cli->import_name;
	o.cert = cli->conn.cert;
	o.key = cli->conn.key;
	o.user = cli->conn.user;
	o.extra_ca = cli->conn.ca;
	o.n_extra_ca = cli->conn.n_ca;
	o.dns_domains = cli->conn.dns_domains;
	o.n_dns_domains = cli->conn.n_dns_domains;
	o.as_root = plat_is_root();
	o.overwrite = cli->force;
	/* the local networks, for the warning about VNet routes that overlap them */
	ln = calloc(1, sizeof(*ln));
	if (ln && sstp_local_nets_read(ln, NULL) == 0) {
		o.local = ln->nets;
		o.n_local = ln->n;
	}
	r = sstp_cli_exit_code(sstp_pkg_cmd_import(cli->source, &o, stdout, err, sizeof(err)));
	free(ln);
	if (r)
		sstp_err("%s", err[0] ? err : "import failed");
	return r;
}

int sstp_cmd_package_show(const struct sstp_cli *cli)
{
	char err[512] = "";
	int r = sstp_cli_exit_code(sstp_pkg_cmd_show(cli->source, cli->json, stdout, err,
						      sizeof(err)));

	if (r)
		sstp_err("%s", err[0] ? err : "cannot show the package");
	return r;
}

static int cert_rc(int rc)
{
	switch (rc) {
	case TLS_CERT_OK: return SSTP_EXIT_OK;
	case TLS_CERT_USAGE: return SSTP_EXIT_USAGE;
	default: return SSTP_EXIT_ERROR;
	}
}

int sstp_cmd_cert(const struct sstp_cli *cli)
{
	char err[512] = "", thumb[64];
	char *pw = NULL, *text = NULL;
	int rc = TLS_CERT_ERROR;

	if (cli->password_file || cli->password_stdin) {
		pw = sstp_secret_read(cli->password_file, cli->password_stdin, NULL, err, sizeof(err));
		if (!pw) {
			sstp_err("%s", err);
			return SSTP_EXIT_USAGE;
		}
	}
	switch (cli->cert_cmd) {
	case SSTP_CERT_ROOT:
		rc = tls_cert_root(cli->cn, cli->out, cli->bits, cli->days, &text, err, sizeof(err));
		if (rc == TLS_CERT_OK) {
			fprintf(stderr, "sstp: root certificate and key written to %s; upload this public "
				"certificate data to the gateway's point-to-site configuration:\n", cli->out);
			printf("%s\n", text);
		}
		break;
	case SSTP_CERT_CLIENT:
		rc = tls_cert_client(cli->root, cli->cn, cli->out, pw ? pw : "", cli->bits, cli->days,
				     err, sizeof(err));
		if (rc == TLS_CERT_OK)
			printf("client certificate for %s written to %s\n", cli->cn, cli->out);
		break;
	case SSTP_CERT_THUMBPRINT:
		rc = tls_cert_thumbprint(cli->source, pw, thumb, sizeof(thumb), err, sizeof(err));
		if (rc == TLS_CERT_OK)
			printf("%s\n", thumb);
		break;
	case SSTP_CERT_CHECK:
		rc = tls_cert_check(cli->source, pw, cli->root, &text, err, sizeof(err));
		if (text)
			fputs(text, stdout);
		if (rc == TLS_CERT_WARNINGS) {
			sstp_secret_free(pw);
			free(text);
			sstp_err("the gateway would refuse %s (see the warnings above)", cli->source);
			return SSTP_EXIT_ERROR;
		}
		break;
	default:
		break;
	}
	sstp_secret_free(pw);
	free(text);
	if (rc != TLS_CERT_OK)
		sstp_err("%s", err[0] ? err : "certificate operation failed");
	return cert_rc(rc);
}
