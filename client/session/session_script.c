/* session_script.c - the session's hooks into user programs: a vpnc-script compatible --script
 * (which then sets the addresses, routes and DNS instead of sstp, as with openconnect) called
 * with reason pre-init, connect, disconnect, attempt-reconnect and reconnect; and the --up /
 * --down shell commands after the tunnel is configured and before it is taken down. Each runs
 * through plat_spawn_env with the vpnc-script environment, and is waited for at most
 * SESS_SCRIPT_WAIT_MS (then stopped). */
#include "session_int.h"

#include <stdio.h>
#include <string.h>

#include "exit_codes.h"
#include "log.h"
#include "plat_proc.h"
#include "vpnc_env.h"

#define SESS_SCRIPT_WAIT_MS 30000

static void iid_ip(struct plat_ip *ip, const uint8_t iid[8])
{
	memset(ip, 0, sizeof(*ip));
	ip->family = PLAT_AF_INET6;
	ip->addr[0] = 0xfe;
	ip->addr[1] = 0x80;
	memcpy(ip->addr + 8, iid, 8);
}

/* The DNS servers in effect: the configured ones, else those IPCP gave. */
static size_t dns_servers(const struct sstp_session *s, struct plat_ip *out, size_t max)
{
	size_t n = 0;
	const uint8_t *d[2] = {s->dns1, s->dns2};

	if (s->cfg.no_dns)
		return 0;
	for (size_t i = 0; i < s->cfg.n_dns && n < max; i++)
		out[n++] = s->cfg.dns[i];
	for (int i = 0; n == 0 && i < 2; i++) {
		if (!(d[i][0] | d[i][1] | d[i][2] | d[i][3]))
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		out[n].family = PLAT_AF_INET;
		memcpy(out[n].addr, d[i], 4);
		n++;
	}
	return n;
}

/* Run argv with the vpnc-script environment for reason: its exit code, or -1. With async, only
 * start it: 0 and *async its pid, or -1. */
static int run_with_env(struct sstp_session *s, char *const argv[], const char *reason,
			int *async)
{
	struct plat_ip ip4, peer4, ip6, dns[16];
	struct sstp_vpnc_info in;
	int pid, code = -1, r;

	memset(&in, 0, sizeof(in));
	in.reason = reason;
	in.tundev = s->st.ifname;
	in.gateway = s->n_addrs > 0 ? &s->addrs[s->addr_idx] : NULL;
	in.pid = plat_getpid();
	if (s->ipv4_up) {
		memset(&ip4, 0, sizeof(ip4));
		ip4.family = PLAT_AF_INET;
		memcpy(ip4.addr, s->ipv4_local, 4);
		peer4 = ip4;
		memcpy(peer4.addr, s->ipv4_peer, 4);
		in.ip4 = &ip4;
		in.ip4_peer = &peer4;
	}
	if (s->ipv6_up) {
		iid_ip(&ip6, s->ipv6_local_iid);
		in.ip6 = &ip6;
		in.ip6_prefix = 64;
	}
	in.mtu = s->st.mtu;
	in.n_dns = dns_servers(s, dns, 16);
	in.dns = dns;
	in.domains = s->cfg.dns_domains;
	in.n_domains = s->cfg.n_dns_domains;
	in.routes = s->cfg.routes;
	in.n_routes = s->cfg.n_routes;
	in.full_tunnel = s->cfg.full_tunnel;
	in.no_routes = s->cfg.no_routes;
	char **env = sstp_vpnc_env(&in);
	if (!env) {
		sstp_warn("%s: out of memory for its environment", argv[0]);
		return -1;
	}
	r = plat_spawn_env(argv, env, &pid);
	sstp_vpnc_env_free(env);
	if (r < 0) {
		sstp_warn("cannot run %s: %s", argv[argv[1] && !strcmp(argv[1], "-c") ? 2 : 0],
			  strerror(-r));
		return -1;
	}
	if (async) {
		*async = pid;
		return 0;
	}
	if (plat_wait(pid, SESS_SCRIPT_WAIT_MS, &code) == 0) {
		sstp_warn("%s (%s) still running after %d s: stopped", argv[0], reason,
			  SESS_SCRIPT_WAIT_MS / 1000);
		plat_terminate(pid, false);
		if (plat_wait(pid, 2000, &code) == 0) {
			plat_terminate(pid, true);
			plat_wait(pid, 2000, &code);
		}
		return -1;
	}
	return code;
}

static int run_script(struct sstp_session *s, const char *reason)
{
	char *argv[] = {(char *)s->cfg.script, NULL};
	int code = run_with_env(s, argv, reason, NULL);

	if (code != 0)
		sstp_warn("script %s (%s) failed%s%d", s->cfg.script, reason,
			  code > 0 ? " with exit code " : "", code > 0 ? code : 0);
	else
		sstp_dbg("script %s (%s) done", s->cfg.script, reason);
	return code;
}


void sess_script_pre_init(struct sstp_session *s)
{
	if (s->cfg.script)
		run_script(s, "pre-init");
}

int sess_script_connect(struct sstp_session *s)
{
	const char *reason = s->script_connected ? "reconnect" : "connect";

	if (run_script(s, reason) != 0) {
		sess_fail(s, SSTP_EXIT_ERROR, "the script %s failed to set up %s (reason %s)",
			  s->cfg.script, s->st.ifname, reason);
		return -1;
	}
	s->script_connected = true;
	return 0;
}

void sess_script_disconnect(struct sstp_session *s)
{
	if (!s->cfg.script || !s->script_connected)
		return;
	run_script(s, "disconnect");
	s->script_connected = false;
}

/* --up may use the tunnel, so the loop must keep running: it is started and watched like the
 * command of `sstp run`, and its end is only logged. */
void sess_hook_up(struct sstp_session *s)
{
	char *argv[] = {"/bin/sh", "-c", (char *)s->cfg.up_cmd, NULL};
	int pid;

	if (!s->cfg.up_cmd)
		return;
	s->up_cmd_ran = true;
	if (run_with_env(s, argv, "connect", &pid) == 0 && sstp_session_watch_child(s, pid) < 0)
		sstp_warn("up command started but not watched (too many children)");
}

/* --down runs to its end (bounded) before the tunnel goes; the link may already be gone. */
void sess_hook_down(struct sstp_session *s)
{
	char *argv[] = {"/bin/sh", "-c", (char *)s->cfg.down_cmd, NULL};
	int code;

	if (!s->cfg.down_cmd || !s->up_cmd_ran)
		return;
	s->up_cmd_ran = false;
	code = run_with_env(s, argv, "disconnect", NULL);
	if (code != 0)
		sstp_warn("down command failed (exit %d): %s", code, s->cfg.down_cmd);
}
