/* session_net.c - the system side of a tunnel, entirely through plat_net and its undo journal:
 * compute the attempt's route set (route_set.c) before anything is installed, pin the host route
 * to the gateway, create the TUN, set MTU and addresses, add the set's routes (each once) and DNS;
 * undo it all when the attempt ends. */
#include "session_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit_codes.h"
#include "log.h"

static int net_failed(struct sstp_session *s, int r, const char *what)
{
	const char *why = plat_net_error(s->net);

	if (r == -EPERM || r == -EACCES)
		sess_fail(s, SSTP_EXIT_PERMISSION, "permission denied while %s: run as root or with "
			  "CAP_NET_ADMIN (%s)", what, why[0] ? why : strerror(-r));
	else
		sess_fail(s, SSTP_EXIT_ERROR, "network set-up failed while %s: %s", what,
			  why[0] ? why : strerror(-r));
	return -1;
}

static void add_route_status(struct sstp_session *s, const struct route_set_entry *e)
{
	uint32_t i = s->st.nroutes;

	if (i >= SSTP_STATUS_MAX_ROUTES)
		return;
	plat_prefix_format(&e->dst, s->st.routes[i], sizeof(s->st.routes[0]));
	route_set_src_format(e->src, s->st.route_src[i], sizeof(s->st.route_src[0]));
	s->st.nroutes++;
}

/* The system's routes now (for conflicts and nesting); 0 routes if they cannot be read. */
static size_t system_routes(struct sstp_session *s, struct plat_route_info **out)
{
	size_t cap = ROUTE_SET_MAX_EXISTING;
	int r;

	*out = calloc(cap, sizeof(**out));
	if (!*out)
		return 0;
	r = plat_net_list_routes(s->net, *out, cap, NULL);
	if (r < 0) {
		sstp_dbg("the system's routes could not be read (%s): no conflict check",
			 plat_net_error(s->net));
		return 0;
	}
	return (size_t)r;
}

static void log_set(struct sstp_session *s, const struct route_set_stats *st)
{
	char a[PLAT_PREFIX_STRMAX], g[PLAT_IP_STRMAX], src[48];

	for (size_t i = 0; i < s->n_rset; i++) {
		const struct route_set_entry *e = &s->rset[i];

		if (!e->conflict)
			continue;
		plat_prefix_format(&e->dst, a, sizeof(a));
		route_set_src_format(e->src, src, sizeof(src));
		snprintf(g, sizeof(g), "%s", "");
		if (e->other_gw.family)
			plat_ip_format(&e->other_gw, g, sizeof(g));
		if (e->action == ROUTE_SKIP_CONFLICT)
			sstp_warn("route conflict: %s (%s) through the tunnel and %s%s%s dev %s metric %u "
				  "on this machine: left out (--route-conflict skip), that traffic stays "
				  "on %s", a, src, a, g[0] ? " via " : "", g, e->other_ifname,
				  (unsigned)e->other_metric, e->other_ifname);
		else if (e->conflict_lost)
			sstp_warn("route conflict: %s (%s) through the tunnel and %s%s%s dev %s metric %u "
				  "on this machine: no lower metric is free, %s keeps that traffic", a, src,
				  a, g[0] ? " via " : "", g, e->other_ifname, (unsigned)e->other_metric,
				  e->other_ifname);
		else
			sstp_warn("route conflict: %s (%s) through the tunnel and %s%s%s dev %s metric %u "
				  "on this machine: the tunnel's route gets metric %u and wins "
				  "(--route-conflict prefer-tunnel; 'skip' leaves it out)", a, src, a,
				  g[0] ? " via " : "", g, e->other_ifname, (unsigned)e->other_metric,
				  (unsigned)e->metric);
	}
	if (st->merged || st->nested || st->peer || st->pinned)
		sstp_dbg("route set: %zu routes; %zu duplicates merged, %zu nested ones left out, %zu "
			 "equal to the peer, %zu equal to the gateway (pinned)", s->n_rset, st->merged,
			 st->nested, st->peer, st->pinned);
	if (st->invalid || st->overflow)
		sstp_warn("route set: %zu invalid and %zu excess routes left out", st->invalid,
			  st->overflow);
}

/* One set for the attempt, from the configuration and the system's routes, before anything is
 * installed. */
static int compute_set(struct sstp_session *s, const struct plat_ip *peer4, bool pin)
{
	struct route_set_item *items;
	struct plat_route_info *sys = NULL;
	struct route_set_input in;
	struct route_set_stats st;
	struct plat_ip peer6;

	s->n_rset = 0;
	if (s->cfg.no_routes)
		return 0;
	items = calloc(s->cfg.n_routes ? s->cfg.n_routes : 1, sizeof(*items));
	if (!items) {
		sess_fail(s, SSTP_EXIT_ERROR, "out of memory computing the routes");
		return -1;
	}
	for (size_t i = 0; i < s->cfg.n_routes; i++) {
		items[i].dst = s->cfg.routes[i];
		items[i].src = s->cfg.route_srcs ? s->cfg.route_srcs[i] : ROUTE_SRC_OPTION;
	}
	memset(&in, 0, sizeof(in));
	in.items = items;
	in.n_items = s->cfg.n_routes;
	in.full_tunnel = s->cfg.full_tunnel;
	in.gateway = pin ? &s->addrs[s->addr_idx] : NULL;
	in.peer4 = peer4->addr[0] | peer4->addr[1] | peer4->addr[2] | peer4->addr[3] ? peer4 : NULL;
	if (s->ipv6_up) { /* IPV6CP finished first: its link-local peer is known already */
		memset(&peer6, 0, sizeof(peer6));
		peer6.family = PLAT_AF_INET6;
		peer6.addr[0] = 0xfe;
		peer6.addr[1] = 0x80;
		memcpy(peer6.addr + 8, s->ipv6_peer_iid, 8);
		in.peer6 = &peer6;
	}
	in.n_existing = system_routes(s, &sys);
	in.existing = sys;
	in.tun_ifname = plat_net_tun_name(s->net);
	in.conflict = (enum route_conflict)s->cfg.route_conflict;
	s->n_rset = route_set_compute(&in, s->rset, SESS_MAX_ROUTES, &st);
	free(sys);
	free(items);
	log_set(s, &st);
	return 0;
}

/* Install the set's tunnel routes of one family, each once. */
static int add_routes(struct sstp_session *s, enum plat_family fam)
{
	char buf[PLAT_PREFIX_STRMAX], what[96];
	int r;

	for (size_t i = 0; i < s->n_rset; i++) {
		const struct route_set_entry *e = &s->rset[i];

		if (e->action != ROUTE_ADD || e->dst.ip.family != fam)
			continue;
		plat_prefix_format(&e->dst, buf, sizeof(buf));
		if (s->cfg.report_only) { /* NetworkManager installs it from the status */
			add_route_status(s, e);
			continue;
		}
		r = plat_net_route_add_metric(s->net, &e->dst,
					      e->metric == PLAT_NET_DEFAULT_METRIC ? 0 : e->metric);
		if (r == -EEXIST) {
			/* someone else's route appeared after the set was computed: theirs stays */
			sstp_warn("route %s not added: %s", buf, plat_net_error(s->net));
			continue;
		}
		if (r < 0) {
			snprintf(what, sizeof(what), "adding the route %s", buf);
			return net_failed(s, r, what);
		}
		add_route_status(s, e);
		sstp_dbg("route %s via %s", buf, s->st.ifname);
	}
	return 0;
}

static void status_domains(struct sstp_session *s)
{
	s->st.ndomains = 0;
	for (size_t i = 0; i < s->cfg.n_dns_domains && i < SSTP_STATUS_MAX_DOMAINS; i++)
		SSTP_STATUS_SET(s->st.dns_domains[s->st.ndomains++], s->cfg.dns_domains[i]);
}

static void apply_dns(struct sstp_session *s)
{
	struct plat_ip servers[PLAT_DNS_MAX_SERVERS];
	struct plat_dns_config dc;
	enum plat_dns_backend used = PLAT_DNS_NONE;
	size_t n = 0;
	int r;

	if (s->cfg.no_dns)
		return;
	for (size_t i = 0; i < s->cfg.n_dns && n < PLAT_DNS_MAX_SERVERS; i++)
		servers[n++] = s->cfg.dns[i];
	if (n == 0) {
		const uint8_t *d[2] = { s->dns1, s->dns2 };

		for (int i = 0; i < 2; i++) {
			if (!(d[i][0] | d[i][1] | d[i][2] | d[i][3]))
				continue;
			memset(&servers[n], 0, sizeof(servers[n]));
			servers[n].family = PLAT_AF_INET;
			memcpy(servers[n].addr, d[i], 4);
			n++;
		}
	}
	if (n == 0)
		return;
	if (s->cfg.report_only) {
		for (size_t i = 0; i < n && s->st.ndns < SSTP_STATUS_MAX_DNS; i++)
			plat_ip_format(&servers[i], s->st.dns[s->st.ndns++], sizeof(s->st.dns[0]));
		SSTP_STATUS_SET(s->st.dns_backend, "none");
		status_domains(s);
		return;
	}
	memset(&dc, 0, sizeof(dc));
	dc.servers = servers;
	dc.n_servers = n;
	dc.domains = s->cfg.dns_domains;
	dc.n_domains = s->cfg.n_dns_domains;
	dc.full_tunnel = s->cfg.full_tunnel;
	dc.reverse = s->cfg.no_routes ? NULL : s->cfg.routes; /* their PTR zones (split DNS) */
	dc.n_reverse = s->cfg.no_routes ? 0 : s->cfg.n_routes;
	r = plat_net_dns_apply(s->net, &dc, &used);
	if (r < 0) {
		sstp_warn("DNS servers not configured: %s", plat_net_error(s->net)[0]
				  ? plat_net_error(s->net) : strerror(-r));
		return;
	}
	s->st.ndns = 0;
	for (size_t i = 0; i < n && s->st.ndns < SSTP_STATUS_MAX_DNS; i++)
		plat_ip_format(&servers[i], s->st.dns[s->st.ndns++], sizeof(s->st.dns[0]));
	SSTP_STATUS_SET(s->st.dns_backend, plat_dns_backend_name(used));
	status_domains(s);
}

/* The kill switch, once the TUN exists: everything else is dropped until undo. */
static int kill_switch(struct sstp_session *s, bool pin)
{
	const struct plat_ip *gw = &s->addrs[s->addr_idx];
	char ip[PLAT_IP_STRMAX];
	int r;

	if (!s->cfg.kill_switch)
		return 0;
	if (!pin) {
		sess_fail(s, SSTP_EXIT_ERROR, "the kill switch needs the gateway's address (a direct "
			  "connection with routes sstp installs)");
		return -1;
	}
	if ((r = plat_net_kill_switch(s->net, gw, s->cfg.port)) < 0)
		return net_failed(s, r, "turning the kill switch on");
	s->ks_gw = *gw;
	snprintf(s->st.kill_switch, sizeof(s->st.kill_switch), "inet sstp_%s", s->cfg.name);
	sstp_info("kill switch on: only %s, loopback and %s port %u may be reached until disconnect",
		  plat_net_tun_name(s->net), plat_ip_format(gw, ip, sizeof(ip)),
		  (unsigned)s->cfg.port);
	return 0;
}

/* A reconnect got another IPv4 address: swapped on the kept TUN, so the interface, its routes
 * and DNS never go away. The new one comes first (the interface losing its last IPv4 address
 * would lose its IPv4 routes); plat_net_addr_del keeps it when the old one leaves. */
static int swap_v4(struct sstp_session *s)
{
	struct plat_ip local, peer, old;
	char was[sizeof(s->st.ipv4_local)];
	int r;

	memset(&local, 0, sizeof(local));
	memset(&peer, 0, sizeof(peer));
	memset(&old, 0, sizeof(old));
	local.family = peer.family = old.family = PLAT_AF_INET;
	memcpy(local.addr, s->ipv4_local, 4);
	memcpy(peer.addr, s->ipv4_peer, 4);
	memcpy(old.addr, s->applied_v4, 4);
	if (plat_net_addr_add(s->net, &local, peer.addr[0] | peer.addr[1] | peer.addr[2] |
			      peer.addr[3] ? &peer : NULL, 32) < 0)
		return -1;
	if ((r = plat_net_addr_del(s->net, &old)) < 0)
		sstp_warn("the previous tunnel address %s stays until disconnect: %s",
			  s->st.ipv4_local, plat_net_error(s->net));
	memcpy(was, s->st.ipv4_local, sizeof(was));
	plat_ip_format(&local, s->st.ipv4_local, sizeof(s->st.ipv4_local));
	sstp_info("reconnected with a new address: %s replaces %s on %s", s->st.ipv4_local, was,
		  s->st.ifname);
	memcpy(s->applied_v4, s->ipv4_local, 4);
	plat_ip_format(&peer, s->st.ipv4_peer, sizeof(s->st.ipv4_peer));
	return 0;
}

int sess_net_apply(struct sstp_session *s, uint64_t now)
{
	struct plat_ip local, peer;
	unsigned mtu;
	bool pin;
	int r;

	(void)now;
	if (s->net_kept) {
		s->net_kept = false;
		if (s->cfg.script && plat_net_tun_fd(s->net) >= 0) {
			/* the script set the tunnel up: it hears "reconnect" and keeps it */
			if (sess_script_connect(s) < 0)
				return -1;
			s->net_ready = true;
			return 0;
		}
		if (plat_net_tun_fd(s->net) >= 0 && (memcmp(s->applied_v4, s->ipv4_local, 4) == 0 ||
						     swap_v4(s) == 0)) {
			s->net_ready = true; /* TUN, routes and DNS are still in place */
			sstp_dbg("reconnected: the tunnel's set-up was kept");
			return 0;
		}
		sstp_info("the new address could not be swapped in: setting the tunnel up again");
		sess_net_undo(s);
	}
	s->net_applied = true;
	memset(&local, 0, sizeof(local));
	memset(&peer, 0, sizeof(peer));
	local.family = peer.family = PLAT_AF_INET;
	memcpy(local.addr, s->ipv4_local, 4);
	memcpy(peer.addr, s->ipv4_peer, 4);

	pin = s->plain_fd < 0 && !s->cfg.no_routes && !s->cfg.script && !s->cfg.report_only &&
	      s->n_addrs > 0;
	s->st.nroutes = 0;
	s->st.pin[0] = '\0';
	if (compute_set(s, &peer, pin) < 0)
		return -1;
	if (pin) {
		if ((r = plat_net_pin_gateway(s->net, &s->addrs[s->addr_idx])) < 0)
			return net_failed(s, r, "pinning the route to the gateway");
		if (s->n_rset && s->rset[s->n_rset - 1].action == ROUTE_PIN)
			plat_prefix_format(&s->rset[s->n_rset - 1].dst, s->st.pin, sizeof(s->st.pin));
	}
	if ((r = plat_net_tun_create(s->net, s->cfg.ifname)) < 0)
		return net_failed(s, r, "creating the TUN device");
	SSTP_STATUS_SET(s->st.ifname, plat_net_tun_name(s->net));
	if (kill_switch(s, pin) < 0)
		return -1;
	mtu = s->cfg.mtu ? s->cfg.mtu : ppp_mtu(s->ppp);
	if (mtu > PPP_MRU_MAX - PPP_DATA_HDR_LEN)
		mtu = PPP_MRU_MAX - PPP_DATA_HDR_LEN;
	s->st.mtu = mtu;
	plat_ip_format(&local, s->st.ipv4_local, sizeof(s->st.ipv4_local));
	plat_ip_format(&peer, s->st.ipv4_peer, sizeof(s->st.ipv4_peer));
	memcpy(s->applied_v4, s->ipv4_local, 4);
	/* [profiles] a --script (vpnc-script) sets MTU, addresses, routes and DNS itself */
	if (s->cfg.script) {
		if (sess_script_connect(s) < 0)
			return -1;
		s->net_ready = true;
		return 0;
	}
	if ((r = plat_net_set_mtu(s->net, mtu)) < 0)
		return net_failed(s, r, "setting the MTU");
	if ((r = plat_net_addr_add(s->net, &local, peer.addr[0] | peer.addr[1] | peer.addr[2] |
				   peer.addr[3] ? &peer : NULL, 32)) < 0)
		return net_failed(s, r, "adding the tunnel address");
	if ((r = plat_net_set_up(s->net)) < 0)
		return net_failed(s, r, "bringing the TUN device up");
	if (add_routes(s, PLAT_AF_INET) < 0)
		return -1;
	apply_dns(s);
	s->net_ready = true;
	return 0;
}

static void iid_addr(struct plat_ip *ip, const uint8_t iid[8])
{
	memset(ip, 0, sizeof(*ip));
	ip->family = PLAT_AF_INET6;
	ip->addr[0] = 0xfe;
	ip->addr[1] = 0x80;
	memcpy(ip->addr + 8, iid, 8);
}

/* A reconnect's IPv6CP gave another interface identifier: its link-local address replaces the
 * old one on the kept TUN (new first; the interface's IPv6 routes stay). When it cannot be
 * added the old one stays, and the status says so. */
static void swap_v6(struct sstp_session *s, const struct plat_ip *local, const struct plat_ip *peer)
{
	char now[sizeof(s->st.ipv6_local)];
	struct plat_ip old;

	plat_ip_format(local, now, sizeof(now));
	if (strcmp(now, s->st.ipv6_local) == 0)
		return; /* the same identifier again */
	if (plat_net_addr_add(s->net, local, peer, 64) < 0) {
		sstp_warn("the new IPv6 link-local address %s could not replace %s: %s", now,
			  s->st.ipv6_local, plat_net_error(s->net));
		return;
	}
	if (plat_ip_parse(s->st.ipv6_local, &old) == 0 && plat_net_addr_del(s->net, &old) < 0)
		sstp_warn("the previous IPv6 link-local address %s stays until disconnect: %s",
			  s->st.ipv6_local, plat_net_error(s->net));
	sstp_info("reconnected with a new IPv6 interface identifier: %s replaces %s on %s", now,
		  s->st.ipv6_local, s->st.ifname);
	memcpy(s->st.ipv6_local, now, sizeof(now));
	plat_ip_format(peer, s->st.ipv6_peer, sizeof(s->st.ipv6_peer));
}

void sess_net_apply_ipv6(struct sstp_session *s)
{
	struct plat_ip local, peer;
	int r;

	if (s->cfg.script)
		return; /* [profiles] the script's business */
	iid_addr(&local, s->ipv6_local_iid);
	iid_addr(&peer, s->ipv6_peer_iid);
	if (s->st.ipv6_local[0]) {
		/* kept from before a reconnect: link-local address and routes in place */
		swap_v6(s, &local, &peer);
		return;
	}
	if ((r = plat_net_addr_add(s->net, &local, &peer, 64)) < 0) {
		sstp_warn("IPv6 link-local address not set: %s", plat_net_error(s->net));
		return;
	}
	plat_ip_format(&local, s->st.ipv6_local, sizeof(s->st.ipv6_local));
	plat_ip_format(&peer, s->st.ipv6_peer, sizeof(s->st.ipv6_peer));
	add_routes(s, PLAT_AF_INET6);
}

void sess_net_keep(struct sstp_session *s)
{
	if (!s->net_applied)
		return;
	s->net_kept = true;
	s->net_ready = false;
	s->ipv4_up = s->ipv6_up = false;
	sstp_dbg("keeping %s, its addresses, routes and DNS while reconnecting", s->st.ifname);
}

void sess_net_undo(struct sstp_session *s)
{
	int r;

	s->net_kept = false;
	if (!s->net_applied)
		return;
	/* [profiles] --down, then the script's disconnect, while the TUN still exists */
	sess_hook_down(s);
	sess_script_disconnect(s);
	/* The TUN fd dies with the undo: leave the loop first, or a new TUN that gets the same fd
	 * number on reconnect would look already watched and never be polled. */
	if (s->loop && plat_net_tun_fd(s->net) >= 0)
		plat_loop_unwatch(s->loop, plat_net_tun_fd(s->net));
	s->tun_readable = false;
	r = plat_net_undo_all(s->net);
	if (r < 0)
		sstp_warn("undoing the network changes: %s (run 'sstp cleanup')", plat_net_error(s->net));
	s->net_applied = s->net_ready = false;
	s->ipv4_up = s->ipv6_up = false;
	s->st.ifname[0] = '\0';
	s->st.ipv4_local[0] = s->st.ipv4_peer[0] = '\0';
	s->st.ipv6_local[0] = s->st.ipv6_peer[0] = '\0';
	s->st.nroutes = 0;
	s->st.pin[0] = '\0';
	s->st.kill_switch[0] = '\0';
	memset(&s->ks_gw, 0, sizeof(s->ks_gw));
	s->n_rset = 0;
	s->st.ndns = 0;
	s->st.ndomains = 0;
	s->st.dns_backend[0] = '\0';
	s->st.mtu = 0;
}
