/* nm_child.c - the forked child of nm-sstp-service: one sstp session with routes and DNS left to
 * NetworkManager (report_only), which reports the tunnel's configuration to the parent as
 * "KEY VALUE" lines (ifname, mtu, local, peer, gw, route, dns, ip6local, ip6peer) and "up". */
#include "nm_sstp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "exit_codes.h"
#include "log.h"
#include "plat_proc.h"
#include "session.h"
#include "tls_creds.h"

static int report(int fd, const char *key, const char *value)
{
	char line[320];
	int n = snprintf(line, sizeof(line), "%s %s\n", key, value);

	if (n < 0 || (size_t)n >= sizeof(line))
		return -1;
	return plat_write_all(fd, line, (size_t)n) < 0 ? -1 : 0;
}

static int on_up(void *ctx, struct sstp_session *s)
{
	const struct nm_sstp_child *c = ctx;
	struct sstp_conn_status st;
	char num[16];
	int r = 0;

	sstp_session_status(s, &st);
	sstp_info("tunnel %s up: %s, authenticated with %s", st.ifname, st.ipv4_local,
		  st.auth_method[0] ? st.auth_method : "nothing");
	snprintf(num, sizeof(num), "%u", (unsigned)st.mtu);
	r |= report(c->report_fd, "ifname", st.ifname);
	r |= report(c->report_fd, "mtu", num);
	r |= report(c->report_fd, "local", st.ipv4_local);
	if (st.ipv4_peer[0])
		r |= report(c->report_fd, "peer", st.ipv4_peer);
	if (st.server_addr[0])
		r |= report(c->report_fd, "gw", st.server_addr);
	for (uint32_t i = 0; i < st.nroutes && i < SSTP_STATUS_MAX_ROUTES; i++)
		r |= report(c->report_fd, "route", st.routes[i]);
	for (uint32_t i = 0; i < st.ndns && i < SSTP_STATUS_MAX_DNS; i++)
		r |= report(c->report_fd, "dns", st.dns[i]);
	if (st.ipv6_local[0]) {
		r |= report(c->report_fd, "ip6local", st.ipv6_local);
		r |= report(c->report_fd, "ip6peer", st.ipv6_peer);
	}
	r |= report(c->report_fd, "up", "1");
	/* the parent is gone or cannot hear: nothing would tell NetworkManager, so end */
	return r ? SSTP_EXIT_ERROR : 0;
}

static void net_log(void *ctx, int level, const char *msg)
{
	(void)ctx;
	sstp_log((enum sstp_log_level)level, "%s", msg);
}

static int run(const struct nm_sstp_child *c, struct tls_creds *creds)
{
	const struct nm_sstp_opts *o = c->o;
	struct sstp_session_hooks hooks = { .ctx = (void *)c, .up = on_up };
	struct sstp_session_cfg cfg;
	struct plat_net_config nc;
	struct plat_net *net = NULL;
	struct sstp_session *s;
	char err[320] = "";
	int code;

	sstp_session_cfg_init(&cfg);
	cfg.name = o->name;
	cfg.server = o->server;
	cfg.port = o->port;
	cfg.ca_paths = o->n_ca ? (const char *const *)o->ca : NULL;
	cfg.no_system_ca = o->n_ca > 0;
	cfg.user = o->user;
	cfg.password = o->password;
	cfg.auth = o->auth;
	cfg.creds = creds;
	cfg.routes = o->routes;
	cfg.n_routes = o->n_routes;
	cfg.dns = o->dns;
	cfg.n_dns = o->n_dns;
	cfg.dns_domains = (const char *const *)o->domains;
	cfg.n_dns_domains = o->n_domains;
	cfg.want_ipv6 = o->ipv6;
	cfg.report_only = true;
	cfg.timeout_ms = 55000; /* libnm gives up on a connect after 60 s */
	memset(&nc, 0, sizeof(nc));
	nc.session = o->name;
	nc.log = net_log;
	plat_net_cleanup_stale(&nc, NULL);
	if (plat_net_open_system(&nc, &net, err, sizeof(err)) < 0) {
		sstp_err("sstp: %s", err[0] ? err : "cannot open the network handle");
		return SSTP_EXIT_ERROR;
	}
	s = sstp_session_new(&cfg, net, &hooks, err, sizeof(err));
	if (!s) {
		sstp_err("sstp: %s", err);
		plat_net_close(net);
		return SSTP_EXIT_ERROR;
	}
	code = sstp_session_run(s);
	if (code)
		sstp_err("sstp: %s", sstp_session_error(s));
	sstp_session_free(s);
	plat_net_close(net);
	return code;
}

int nm_sstp_child_main(void *ctx)
{
	const struct nm_sstp_child *c = ctx;
	struct tls_creds *creds = NULL;
	char err[320];
	int code;

	sstp_log_init("nm-sstp-service", SSTP_LOG_INFO, SSTP_LOG_TO_STDERR);
	/* a session nobody can stop or hear must not stay up: end with nm-sstp-service, also when
	 * it is killed (SIGKILL) or died before this line */
	code = plat_die_with_parent(c->parent);
	if (code == -ESRCH)
		return SSTP_EXIT_ERROR;
	if (code < 0)
		sstp_warn("cannot tie the session to nm-sstp-service: %s", strerror(-code));
	if (c->o->password)
		sstp_log_add_secret(c->o->password);
	if (c->o->cert) {
		creds = tls_creds_load_files(c->o->cert, c->o->key, c->o->cert_pass, err,
					     sizeof(err));
		if (!creds) {
			sstp_err("sstp: client certificate: %s", err);
			return SSTP_EXIT_PROFILE;
		}
	}
	code = run(c, creds);
	tls_creds_free(creds);
	return code;
}
