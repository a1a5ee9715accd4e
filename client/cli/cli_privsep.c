/* cli_privsep.c - the two halves of `sstp connect --run-as USER` (cli_privsep.h). */
#include "cli_privsep.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl_path.h"
#include "exit_codes.h"
#include "log.h"
#include "netb_exec.h"
#include "plat_ctl.h"
#include "plat_netb.h"
#include "plat_privsep.h"
#include "plat_proc.h"

#define PRIVSEP_MAX_GATEWAYS 16

struct privsep_parent {
	struct plat_ip gws[PRIVSEP_MAX_GATEWAYS];
	struct plat_prefix routes[SSTP_SETUP_MAX_ROUTES];
	struct netb_policy pol;
	struct netb_exec x;
};

/* What the session may ask for: the profile's routes (host bits cleared), the server's
 * addresses as the privileged side resolves them, DNS unless --no-dns. */
static void make_policy(struct privsep_parent *pp, const struct sstp_conn_setup *su,
			struct plat_net *net)
{
	const struct sstp_session_cfg *c = &su->cfg;
	struct netb_policy *p = &pp->pol;
	char buf[PLAT_PREFIX_STRMAX];
	int n;

	memset(p, 0, sizeof(*p));
	p->ifname = c->ifname;
	n = plat_net_resolve(net, c->server, pp->gws, PRIVSEP_MAX_GATEWAYS);
	p->gateways = pp->gws;
	p->n_gateways = n > 0 ? (size_t)n : 0;
	for (size_t i = 0; !c->no_routes && i < c->n_routes && i < SSTP_SETUP_MAX_ROUTES; i++)
		if (plat_prefix_parse(plat_prefix_format(&c->routes[i], buf, sizeof(buf)), false,
				      &pp->routes[p->n_routes]) == 0)
			p->n_routes++;
	p->routes = pp->routes;
	p->full_tunnel = c->full_tunnel && !c->no_routes;
	p->dns = !c->no_dns;
	p->dns_force = PLAT_DNS_NONE;
}

static int parent(const struct sstp_conn_setup *su, struct plat_net *net, int sock, int pid)
{
	static struct privsep_parent pp;
	char why[256] = "", path[256];
	int code = SSTP_EXIT_ERROR;

	make_policy(&pp, su, net);
	netb_exec_init(&pp.x, net, &pp.pol);
	plat_privsep_forward_signals(pid);
	if (netb_exec_serve(&pp.x, sock, why, sizeof(why)) < 0) {
		sstp_err("the session process broke the network broker protocol: %s; stopping it",
			 why);
		plat_terminate(pid, false);
	}
	close(sock);
	if (plat_wait(pid, -1, &code) != 1)
		code = SSTP_EXIT_ERROR;
	else if (code > 128)
		code = SSTP_EXIT_ERROR; /* killed by a signal */
	/* the child could not remove its socket from the root-owned state directory */
	if (sstp_session_ctl_path(su->cfg.state_dir, su->cfg.name, path, sizeof(path)) == 0)
		plat_ctl_unlink(path);
	return code;
}

#define PRIVSEP_CA_FILE_MAX (4u << 20)

/* The CA files the session reads at every TLS set-up may be in the helper's root-only copy of
 * the profile: read them now, as root, into memory (directories stay paths). */
static int preload_ca(struct sstp_conn_setup *su, char *err, size_t errlen)
{
	size_t keep = 0, nb = su->cfg.ca_blobs == su->blobs ? su->cfg.n_ca_blobs : 0;
	const size_t cap = sizeof(su->blobs) / sizeof(su->blobs[0]);

	if (su->cfg.ca_blobs && su->cfg.ca_blobs != su->blobs)
		return 0; /* not ours to extend */
	for (size_t i = 0; su->ca_paths[i]; i++) {
		const char *path = su->ca_paths[i];
		struct stat st;
		uint8_t *buf;
		FILE *f;
		size_t n;

		if (nb >= cap || stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
		    (size_t)st.st_size > PRIVSEP_CA_FILE_MAX) {
			su->ca_paths[keep++] = path; /* the TLS set-up says what is wrong with it */
			continue;
		}
		f = fopen(path, "rb");
		buf = malloc((size_t)st.st_size + 1);
		n = f && buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
		if (f)
			fclose(f);
		if (!buf || n != (size_t)st.st_size) {
			free(buf);
			snprintf(err, errlen, "cannot read the CA file %s", path);
			return -1;
		}
		buf[n] = 0;
		su->blobs[nb].data = buf; /* lives as long as the session process */
		su->blobs[nb].len = n;
		nb++;
	}
	su->ca_paths[keep] = NULL;
	su->cfg.ca_paths = keep ? su->ca_paths : NULL;
	su->cfg.ca_blobs = su->blobs;
	su->cfg.n_ca_blobs = nb;
	return 0;
}

int sstp_privsep_split(struct sstp_conn_setup *su, const char *user, struct plat_net **net,
		       int *code, char *err, size_t errlen)
{
	struct plat_net_config nc;
	int sock = -1, pid = 0, r;

	if (su->cfg.script) {
		snprintf(err, errlen, "--script needs root and cannot run with --run-as");
		*code = SSTP_EXIT_USAGE;
		return -1;
	}
	r = plat_privsep_fork(&sock, &pid);
	if (r < 0) {
		snprintf(err, errlen, "cannot start the unprivileged session process: %s",
			 strerror(-r));
		*code = r == -ENOTSUP ? SSTP_EXIT_USAGE : SSTP_EXIT_ERROR;
		return -1;
	}
	if (r == 1) {
		*code = parent(su, *net, sock, pid);
		return 1;
	}
	/* the child: no access to the journaled handle, only to the broker */
	if (preload_ca(su, err, errlen) < 0) {
		*code = SSTP_EXIT_PROFILE;
		return -1;
	}
	plat_net_close(*net);
	*net = NULL;
	memset(&nc, 0, sizeof(nc));
	r = plat_net_broker_open(sock, &nc, net);
	if (r < 0) {
		snprintf(err, errlen, "cannot open the network broker: %s", strerror(-r));
		*code = SSTP_EXIT_ERROR;
		return -1;
	}
	*code = 0;
	return 0;
}

int sstp_privsep_lockdown(const char *user)
{
	char err[256] = "";
	int r = plat_privsep_drop(user, err, sizeof(err));

	if (r < 0) {
		sstp_err("%s", err);
		return r == -ENOENT ? SSTP_EXIT_USAGE : SSTP_EXIT_PERMISSION;
	}
	sstp_dbg("the session runs as %s without privileges", user);
	return 0;
}
