/* session_net.c - the system side of a tunnel, entirely through plat_net and its undo journal:
 * pin the host route to the gateway, create the TUN, set MTU and addresses, add the routes
 * (split or full tunnel) and DNS; undo it all when the attempt ends. */
#include "session_int.h"

#include <errno.h>
#include <stdio.h>
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

static void add_route_status(struct sstp_session *s, const struct plat_prefix *p)
{
	if (s->st.nroutes < SSTP_STATUS_MAX_ROUTES)
		plat_prefix_format(p, s->st.routes[s->st.nroutes++], sizeof(s->st.routes[0]));
}

static int add_routes(struct sstp_session *s, enum plat_family fam)
{
	struct plat_prefix full[2];
	char buf[PLAT_PREFIX_STRMAX], what[96];
	int r;

	if (s->cfg.no_routes)
		return 0;
	if (s->cfg.full_tunnel) {
		plat_full_tunnel_prefixes(fam, full);
		for (int i = 0; i < 2; i++) {
			if (!s->cfg.report_only && (r = plat_net_route_add(s->net, &full[i])) < 0) {
				snprintf(what, sizeof(what), "adding the full-tunnel route %s",
					 plat_prefix_format(&full[i], buf, sizeof(buf)));
				return net_failed(s, r, what);
			}
			add_route_status(s, &full[i]);
		}
	}
	for (size_t i = 0; i < s->cfg.n_routes; i++) {
		const struct plat_prefix *p = &s->cfg.routes[i];

		if (p->ip.family != fam)
			continue;
		if (!s->cfg.report_only && (r = plat_net_route_add(s->net, p)) < 0) {
			snprintf(what, sizeof(what), "adding the route %s",
				 plat_prefix_format(p, buf, sizeof(buf)));
			return net_failed(s, r, what);
		}
		add_route_status(s, p);
		sstp_dbg("route %s via %s", s->st.routes[s->st.nroutes - 1], s->st.ifname);
	}
	return 0;
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
		return;
	}
	memset(&dc, 0, sizeof(dc));
	dc.servers = servers;
	dc.n_servers = n;
	dc.domains = s->cfg.dns_domains;
	dc.n_domains = s->cfg.n_dns_domains;
	dc.full_tunnel = s->cfg.full_tunnel;
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
}

int sess_net_apply(struct sstp_session *s, uint64_t now)
{
	struct plat_ip local, peer;
	unsigned mtu;
	int r;

	(void)now;
	s->net_applied = true;
	memset(&local, 0, sizeof(local));
	memset(&peer, 0, sizeof(peer));
	local.family = peer.family = PLAT_AF_INET;
	memcpy(local.addr, s->ipv4_local, 4);
	memcpy(peer.addr, s->ipv4_peer, 4);

	if (s->plain_fd < 0 && !s->cfg.no_routes && !s->cfg.report_only && s->n_addrs > 0 &&
	    (r = plat_net_pin_gateway(s->net, &s->addrs[s->addr_idx])) < 0)
		return net_failed(s, r, "pinning the route to the gateway");
	if ((r = plat_net_tun_create(s->net, s->cfg.ifname)) < 0)
		return net_failed(s, r, "creating the TUN device");
	SSTP_STATUS_SET(s->st.ifname, plat_net_tun_name(s->net));
	mtu = s->cfg.mtu ? s->cfg.mtu : ppp_mtu(s->ppp);
	if (mtu > PPP_MRU_MAX - PPP_DATA_HDR_LEN)
		mtu = PPP_MRU_MAX - PPP_DATA_HDR_LEN;
	if ((r = plat_net_set_mtu(s->net, mtu)) < 0)
		return net_failed(s, r, "setting the MTU");
	s->st.mtu = mtu;
	if ((r = plat_net_addr_add(s->net, &local, peer.addr[0] | peer.addr[1] | peer.addr[2] |
				   peer.addr[3] ? &peer : NULL, 32)) < 0)
		return net_failed(s, r, "adding the tunnel address");
	plat_ip_format(&local, s->st.ipv4_local, sizeof(s->st.ipv4_local));
	plat_ip_format(&peer, s->st.ipv4_peer, sizeof(s->st.ipv4_peer));
	if ((r = plat_net_set_up(s->net)) < 0)
		return net_failed(s, r, "bringing the TUN device up");
	s->st.nroutes = 0;
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

void sess_net_apply_ipv6(struct sstp_session *s)
{
	struct plat_ip local, peer;
	int r;

	iid_addr(&local, s->ipv6_local_iid);
	iid_addr(&peer, s->ipv6_peer_iid);
	if ((r = plat_net_addr_add(s->net, &local, &peer, 64)) < 0) {
		sstp_warn("IPv6 link-local address not set: %s", plat_net_error(s->net));
		return;
	}
	plat_ip_format(&local, s->st.ipv6_local, sizeof(s->st.ipv6_local));
	plat_ip_format(&peer, s->st.ipv6_peer, sizeof(s->st.ipv6_peer));
	add_routes(s, PLAT_AF_INET6);
}

void sess_net_undo(struct sstp_session *s)
{
	int r;

	if (!s->net_applied)
		return;
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
	s->st.ndns = 0;
	s->st.dns_backend[0] = '\0';
	s->st.mtu = 0;
}
