/* net.c - the Linux plat_net backend: the ops table over TUN, rtnetlink and the DNS backends,
 * journaling each change before it is made and undoing them newest first. */
#include "plat_linux.h"
#include "plat_paths.h"

#include <errno.h>
#include <stdarg.h>
#include <linux/rtnetlink.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

extern char *if_indextoname(unsigned int ifindex, char *ifname);

struct plat_net_linux {
	struct plat_net base; /* first */
	bool readonly;
	char session[PLAT_NET_SESSION_MAX + 1];
	char state_dir[PATH_MAX];
	char backup_dir[PATH_MAX];
	char resolv_conf[PATH_MAX];
	char resolvconf_cmd[PATH_MAX];
	char busctl_cmd[PATH_MAX];
	uint32_t metric;
	struct plat_nl nl;
	struct plat_jfile j;
	struct plat_jrec active[PLAT_JOURNAL_MAX_RECS]; /* applied, in order */
	size_t n_active;
	bool tun_vnet;          /* the TUN carries virtio-net headers (offload) */
	struct plat_tun_rx tun_rx;
	struct plat_gro tun_gro;
	bool tun_gro_on;        /* SSTP_TUN_GRO=0 turns coalescing off */
};

static struct plat_net_linux *L(struct plat_net *n)
{
	return (struct plat_net_linux *)n;
}

static int fail(struct plat_net *n, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct plat_net *n, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(n->err, sizeof(n->err), fmt, ap);
	va_end(ap);
	return err;
}

static int need_rw(struct plat_net *n)
{
	return L(n)->readonly ? fail(n, -EPERM, "read-only network handle (no session name)") : 0;
}

/* Journal r before the change it announces; the journal file is created on first use. */
static int jadd(struct plat_net_linux *l, struct plat_jrec *r)
{
	int e;

	if (l->n_active >= PLAT_JOURNAL_MAX_RECS)
		return -E2BIG;
	if (l->j.fd < 0 && (e = plat_jfile_create(&l->j)) != 0)
		return e;
	if ((e = plat_jfile_add(&l->j, r)) != 0)
		return e;
	l->active[l->n_active++] = *r;
	return 0;
}

/* The change announced by seq did not happen (or was undone): mark it done. */
static void jdrop(struct plat_net_linux *l, uint32_t seq)
{
	for (size_t i = 0; i < l->n_active; i++) {
		if (l->active[i].seq == seq) {
			memmove(&l->active[i], &l->active[i + 1],
				(l->n_active - i - 1) * sizeof(l->active[0]));
			l->n_active--;
			break;
		}
	}
	plat_jfile_done(&l->j, seq);
}

static int jadd_cb(void *ctx, struct plat_jrec *r)
{
	return jadd(ctx, r);
}

static void jdrop_cb(void *ctx, uint32_t seq)
{
	jdrop(ctx, seq);
}

static void undo_env(struct plat_net_linux *l, struct plat_undo_env *env)
{
	memset(env, 0, sizeof(*env));
	env->nl = &l->nl;
	env->resolvconf_cmd = l->resolvconf_cmd[0] ? l->resolvconf_cmd : NULL;
	env->busctl_cmd = l->busctl_cmd[0] ? l->busctl_cmd : NULL;
	env->log = l->base.log;
	env->log_ctx = l->base.log_ctx;
}

static int lx_tun_create(struct plat_net *n, const char *want)
{
	struct plat_net_linux *l = L(n);
	struct plat_jrec r;
	char name[PLAT_NET_IFNAME_MAX];
	int fd, e;

	if ((e = need_rw(n)) != 0)
		return e;
	if (n->tun_fd >= 0)
		return fail(n, -EALREADY, "the TUN device %s already exists", n->tun_name);
	if (want && *want) {
		if (!plat_journal_ifname_ok(want))
			return fail(n, -EINVAL, "invalid interface name \"%.20s\"", want);
		if (plat_nl_link_get(&l->nl, 0, want, &(struct plat_nl_link){0}) == 0)
			return fail(n, -EEXIST, "an interface called %s already exists", want);
		snprintf(name, sizeof(name), "%s", want);
	} else if (plat_tun_pick_name(name) != 0) {
		return fail(n, -EEXIST, "no free sstpN interface name");
	}
	memset(&r, 0, sizeof(r));
	r.type = PLAT_JREC_LINK;
	memcpy(r.ifname, name, sizeof(name));
	if ((e = jadd(l, &r)) != 0)
		return fail(n, e, "cannot write the undo journal %s: %s", l->j.path, strerror(-e));
	/* SSTP_TUN_OFFLOAD=0: whole packets, one per read (for comparisons) */
	const char *off = getenv("SSTP_TUN_OFFLOAD");
	fd = plat_tun_open(name, !(off && strcmp(off, "0") == 0), &l->tun_vnet);
	const char *gro = getenv("SSTP_TUN_GRO");
	l->tun_gro_on = l->tun_vnet && !(gro && strcmp(gro, "0") == 0);
	if (fd < 0) {
		jdrop(l, r.seq);
		return fail(n, fd, "creating TUN device %s: %s%s", name, strerror(-fd),
			    fd == -ENOENT ? " (is the tun module loaded?)" : "");
	}
	struct plat_nl_link info;
	e = plat_nl_link_get(&l->nl, 0, name, &info);
	if (e == 0) {
		struct plat_jrec r2 = r;
		r2.ifindex = info.ifindex;
		e = jadd(l, &r2);
	}
	if (e != 0) {
		close(fd);
		return fail(n, e, "recording TUN device %s: %s", name, strerror(-e));
	}
	jdrop(l, r.seq);
	n->tun_fd = fd;
	n->tun_ifindex = info.ifindex;
	memcpy(n->tun_name, name, sizeof(name));
	return 0;
}

static int need_tun(struct plat_net *n)
{
	int e = need_rw(n);

	if (e == 0 && n->tun_fd < 0)
		e = fail(n, -ENODEV, "no TUN device yet");
	return e;
}

static int lx_set_mtu(struct plat_net *n, unsigned mtu)
{
	int e = need_tun(n);

	if (e == 0 && (e = plat_nl_link_set(&L(n)->nl, n->tun_ifindex, mtu, false)) != 0)
		return fail(n, e, "setting MTU %u on %s: %s", mtu, n->tun_name, strerror(-e));
	return e;
}

static int lx_set_up(struct plat_net *n)
{
	int e = need_tun(n);

	if (e == 0 && (e = plat_nl_link_set(&L(n)->nl, n->tun_ifindex, 0, true)) != 0)
		return fail(n, e, "bringing %s up: %s", n->tun_name, strerror(-e));
	return e;
}

static int lx_addr_add(struct plat_net *n, const struct plat_ip *local, const struct plat_ip *peer,
		       unsigned prefix_len)
{
	struct plat_net_linux *l = L(n);
	struct plat_jrec r;
	struct plat_nl_addr a;
	char s[PLAT_PREFIX_STRMAX];
	int e = need_tun(n);

	if (e)
		return e;
	memset(&r, 0, sizeof(r));
	r.type = PLAT_JREC_ADDR;
	memcpy(r.ifname, n->tun_name, sizeof(r.ifname));
	r.ifindex = n->tun_ifindex;
	r.prefix.ip = *local;
	r.prefix.len = (uint8_t)prefix_len;
	if (peer)
		r.other = *peer;
	plat_prefix_format(&r.prefix, s, sizeof(s));
	if ((e = jadd(l, &r)) != 0)
		return fail(n, e, "cannot write the undo journal: %s", strerror(-e));
	memset(&a, 0, sizeof(a));
	a.ifindex = r.ifindex;
	a.local = r.prefix;
	a.peer = r.other;
	e = plat_nl_addr_change(&l->nl, RTM_NEWADDR, &a);
	if (e) {
		jdrop(l, r.seq);
		return fail(n, e, "adding address %s to %s: %s", s, n->tun_name, strerror(-e));
	}
	return 0;
}

static int lx_addr_del(struct plat_net *n, const struct plat_ip *local)
{
	struct plat_net_linux *l = L(n);
	struct plat_undo_env env;
	char msg[PLAT_NET_ERR_MAX];
	int pe;

	/* the caller added the new address first; with the same peer it is a secondary of the old
	 * one, which Linux would delete with it unless secondaries are promoted (dies with the TUN) */
	if (local->family == PLAT_AF_INET && n->tun_ifindex &&
	    (pe = plat_nl_link_promote(&l->nl, n->tun_ifindex)) != 0)
		plat_logf(n->log, n->log_ctx, 1, "promote_secondaries on %s: %s", n->tun_name,
			  strerror(-pe));

	for (size_t i = l->n_active; i-- > 0;) {
		struct plat_jrec r = l->active[i];
		int e;

		if (r.type != PLAT_JREC_ADDR || !plat_ip_equal(&r.prefix.ip, local))
			continue;
		undo_env(l, &env);
		e = plat_undo_rec(&env, &r, msg, sizeof(msg));
		if (e < 0)
			return fail(n, e, "%s", msg);
		jdrop(l, r.seq);
		return 0;
	}
	return fail(n, -ENOENT, "the address to remove was not added by this session");
}

static int add_route(struct plat_net *n, const struct plat_nl_route *rt, const char *ifname,
		     struct plat_jrec *r)
{
	struct plat_net_linux *l = L(n);
	int e;

	memset(r, 0, sizeof(*r));
	r->type = PLAT_JREC_ROUTE;
	r->prefix = rt->dst;
	r->other = rt->gw;
	snprintf(r->ifname, sizeof(r->ifname), "%s", ifname);
	r->ifindex = rt->oif;
	r->metric = rt->metric;
	r->table = rt->table;
	r->proto = rt->protocol;
	if ((e = jadd(l, r)) != 0)
		return e;
	e = plat_nl_route_change(&l->nl, RTM_NEWROUTE, rt);
	if (e)
		jdrop(l, r->seq);
	return e;
}

/* How many metrics above the configured one a gateway pin may take (one per concurrent session
 * to the same gateway). */
#define PIN_METRIC_TRIES 16u

static int lx_pin_gateway(struct plat_net *n, const struct plat_ip *server)
{
	struct plat_net_linux *l = L(n);
	struct plat_nl_route cur, rt;
	struct plat_jrec r;
	char ifname[PLAT_NET_IFNAME_MAX] = "", s[PLAT_IP_STRMAX], g[PLAT_IP_STRMAX];
	int e = need_rw(n);

	if (e)
		return e;
	plat_ip_format(server, s, sizeof(s));
	e = plat_nl_route_get(&l->nl, server, &cur);
	if (e)
		return fail(n, e, "no route to the server %s: %s", s, strerror(-e));
	if (cur.type == RTN_LOCAL || cur.oif == 0 || !if_indextoname(cur.oif, ifname) ||
	    strcmp(ifname, "lo") == 0) {
		plat_logf(n->log, n->log_ctx, 3, "server %s is local: no host route needed", s);
		return 0;
	}
	if (n->tun_ifindex && cur.oif == n->tun_ifindex)
		return fail(n, -ELOOP, "the route to the server %s already goes through %s", s,
			    n->tun_name);
	memset(&rt, 0, sizeof(rt));
	rt.dst.ip = *server;
	rt.dst.len = server->family == PLAT_AF_INET ? 32 : 128;
	rt.gw = cur.gw;
	rt.oif = cur.oif;
	rt.table = RT_TABLE_MAIN;
	rt.protocol = PLAT_NET_RTPROT;
	/* A host route with this metric may exist already: another session's pin to the same
	 * gateway, or the user's own. Relying on it would lose the pin when its owner goes, so
	 * this session adds its own beside it with the next free metric (same path). */
	for (unsigned i = 0; i < PIN_METRIC_TRIES; i++) {
		rt.metric = l->metric + i;
		e = add_route(n, &rt, ifname, &r);
		if (e != -EEXIST)
			break;
	}
	if (e == 0 && rt.metric != l->metric)
		plat_logf(n->log, n->log_ctx, 2,
			  "a host route to the server %s with metric %u exists: pinned with metric %u", s,
			  l->metric, rt.metric);
	if (e)
		return fail(n, e, "pinning a host route to the server %s via %s dev %s: %s", s,
			    cur.gw.family ? plat_ip_format(&cur.gw, g, sizeof(g)) : "(on-link)",
			    ifname, strerror(-e));
	return 0;
}

/* The session's nftables table (killswitch.c), journaled before it is made. */
static int lx_kill_switch(struct plat_net *n, const struct plat_ip *gateway, uint16_t port)
{
	struct plat_net_linux *l = L(n);
	struct plat_jrec r;
	char why[PLAT_NET_ERR_MAX];
	int e = need_tun(n);

	if (e)
		return e;
	memset(&r, 0, sizeof(r));
	r.type = PLAT_JREC_NFT;
	snprintf(r.nft_table, sizeof(r.nft_table), "sstp_%s", l->session);
	if ((e = jadd(l, &r)) != 0)
		return fail(n, e, "journaling the kill switch: %s", strerror(-e));
	e = plat_ks_install(r.nft_table, n->tun_name, gateway, port, why, sizeof(why));
	if (e) {
		jdrop(l, r.seq);
		return fail(n, e, "installing the kill switch (nftables table inet %s): %s", r.nft_table,
			    why);
	}
	return 0;
}

static int lx_route_add(struct plat_net *n, const struct plat_prefix *dst, uint32_t metric)
{
	struct plat_net_linux *l = L(n);
	struct plat_nl_route rt;
	struct plat_jrec r;
	char s[PLAT_PREFIX_STRMAX];
	int e = need_tun(n);

	if (e)
		return e;
	memset(&rt, 0, sizeof(rt));
	rt.dst = *dst;
	rt.oif = n->tun_ifindex;
	rt.metric = metric ? metric : l->metric;
	rt.table = RT_TABLE_MAIN;
	rt.protocol = PLAT_NET_RTPROT;
	e = add_route(n, &rt, n->tun_name, &r);
	if (e == -EEXIST)
		return fail(n, e, "a route to %s with metric %u already exists (not ours): left alone",
			    plat_prefix_format(dst, s, sizeof(s)), (unsigned)rt.metric);
	if (e)
		return fail(n, e, "adding route %s dev %s: %s", plat_prefix_format(dst, s, sizeof(s)),
			    n->tun_name, strerror(-e));
	return 0;
}

static int lx_dns_apply(struct plat_net *n, const struct plat_dns_config *c,
			enum plat_dns_backend *used)
{
	struct plat_net_linux *l = L(n);
	struct plat_undo_env uenv;
	struct plat_dns_env env;
	char err[3][PLAT_NET_ERR_MAX] = {"", "", ""};
	int e = need_tun(n), first = 0;

	if (e)
		return e;
	if (n->dns_used != PLAT_DNS_NONE)
		return fail(n, -EALREADY, "DNS is already set through %s",
			    plat_dns_backend_name(n->dns_used));
	undo_env(l, &uenv);
	memset(&env, 0, sizeof(env));
	env.undo = &uenv;
	env.session = l->session;
	env.state_dir = l->state_dir;
	env.backup_dir = l->backup_dir;
	env.resolv_conf_path = l->resolv_conf;
	env.ifname = n->tun_name;
	env.ifindex = n->tun_ifindex;
	env.journal_add = jadd_cb;
	env.journal_drop = jdrop_cb;
	env.ctx = l;
	for (int b = PLAT_DNS_RESOLVED; b <= PLAT_DNS_RESOLV_CONF; b++) {
		char *m = err[b - PLAT_DNS_RESOLVED];
		if (c->force != PLAT_DNS_NONE && c->force != (enum plat_dns_backend)b)
			continue;
		if (b == PLAT_DNS_RESOLVED) {
			if (!plat_dns_resolved_running(uenv.busctl_cmd)) {
				snprintf(m, PLAT_NET_ERR_MAX, "systemd-resolved is not running");
				e = -ENOENT;
			} else {
				e = plat_dns_apply_resolved(&env, c, m, PLAT_NET_ERR_MAX);
			}
		} else if (b == PLAT_DNS_RESOLVCONF) {
			e = plat_dns_apply_resolvconf(&env, c, m, PLAT_NET_ERR_MAX);
		} else {
			e = plat_dns_apply_file(&env, c, m, PLAT_NET_ERR_MAX);
		}
		if (e == 0) {
			n->dns_used = (enum plat_dns_backend)b;
			if (used)
				*used = n->dns_used;
			plat_logf(n->log, n->log_ctx, 2, "DNS for %s set through %s", n->tun_name,
				  plat_dns_backend_name(n->dns_used));
			return 0;
		}
		if (!first || (first == -ENOENT && e != -ENOENT))
			first = e;
		plat_logf(n->log, n->log_ctx, 3, "DNS backend %s: %s", plat_dns_backend_name(b), m);
	}
	return fail(n, first ? first : -ENOTSUP, "DNS could not be set: %s%s%s%s%s",
		    err[0][0] ? err[0] : "", err[0][0] && (err[1][0] || err[2][0]) ? "; " : "",
		    err[1][0] ? err[1] : "", err[1][0] && err[2][0] ? "; " : "", err[2]);
}

static int lx_undo_all(struct plat_net *n)
{
	struct plat_net_linux *l = L(n);
	struct plat_undo_env env;
	int first = 0;

	undo_env(l, &env);
	/* closing the last fd removes a non-persistent TUN with its addresses and routes, but
	 * undo what we journaled anyway, newest first, so nothing depends on that */
	for (size_t i = l->n_active; i-- > 0;) {
		struct plat_jrec r = l->active[i];
		char msg[PLAT_NET_ERR_MAX];
		int e;

		if (r.type == PLAT_JREC_LINK && n->tun_fd >= 0) {
			close(n->tun_fd);
			n->tun_fd = -1;
		}
		e = plat_undo_rec(&env, &r, msg, sizeof(msg));
		if (e == PLAT_UNDO_SKIPPED)
			plat_logf(n->log, n->log_ctx, 1, "%s", msg);
		if (e < 0) {
			/* stays journaled for `sstp cleanup`; go on with the rest */
			plat_logf(n->log, n->log_ctx, 0, "undo: %s", msg);
			if (!first) {
				first = e;
				snprintf(n->err, sizeof(n->err), "%s", msg);
			}
			continue;
		}
		jdrop(l, r.seq); /* removes active[i]; lower indices are unaffected */
	}
	if (n->tun_fd >= 0) {
		close(n->tun_fd);
		n->tun_fd = -1;
	}
	plat_tun_rx_reset(&l->tun_rx);
	plat_tun_gro_reset(&l->tun_gro);
	n->dns_used = PLAT_DNS_NONE;
	if (l->j.fd >= 0 && first == 0 && l->n_active == 0)
		plat_jfile_close(&l->j, true);
	n->tun_ifindex = 0;
	n->tun_name[0] = '\0';
	return first;
}

static int lx_tun_read_batch(struct plat_net *n, struct plat_pkt *pkts, size_t max)
{
	if (n->tun_fd < 0)
		return -EBADF;
	if (L(n)->tun_vnet)
		return plat_tun_vnet_read_batch(n->tun_fd, &L(n)->tun_rx, pkts, max);
	return plat_tun_read_batch(n->tun_fd, pkts, max);
}

static int lx_tun_write(struct plat_net *n, const uint8_t *pkt, size_t len)
{
	if (n->tun_fd < 0)
		return -EBADF;
	if (L(n)->tun_gro_on)
		return plat_tun_gro_write(n->tun_fd, &L(n)->tun_gro, pkt, len);
	if (L(n)->tun_vnet)
		return plat_tun_vnet_write(n->tun_fd, pkt, len);
	return plat_tun_write(n->tun_fd, pkt, len);
}

static void lx_tun_flush(struct plat_net *n)
{
	if (n->tun_fd >= 0 && L(n)->tun_gro_on)
		plat_tun_gro_flush(n->tun_fd, &L(n)->tun_gro);
}

static int lx_resolve(struct plat_net *n, const char *host, struct plat_ip *out, size_t max)
{
	struct addrinfo hints, *res = NULL;
	size_t k = 0;
	int e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	e = getaddrinfo(host, NULL, &hints, &res);
	if (e != 0) {
		int err = e == EAI_NONAME || e == EAI_NODATA ? -ENOENT
			  : e == EAI_AGAIN		     ? -EAGAIN
			  : e == EAI_MEMORY		     ? -ENOMEM
							     : -EIO;
		return fail(n, err, "cannot resolve %.200s: %s", host, gai_strerror(e));
	}
	/* IPv4 first, then IPv6, each in resolver order, without duplicates */
	for (int pass = 0; pass < 2; pass++) {
		for (struct addrinfo *ai = res; ai && k < max; ai = ai->ai_next) {
			struct plat_ip ip;
			memset(&ip, 0, sizeof(ip));
			if (pass == 0 && ai->ai_family == AF_INET) {
				ip.family = PLAT_AF_INET;
				memcpy(ip.addr, &((struct sockaddr_in *)(void *)ai->ai_addr)->sin_addr, 4);
			} else if (pass == 1 && ai->ai_family == AF_INET6) {
				ip.family = PLAT_AF_INET6;
				memcpy(ip.addr, &((struct sockaddr_in6 *)(void *)ai->ai_addr)->sin6_addr, 16);
			} else {
				continue;
			}
			bool dup = false;
			for (size_t i = 0; i < k && !dup; i++)
				dup = plat_ip_equal(&out[i], &ip);
			if (!dup)
				out[k++] = ip;
		}
	}
	freeaddrinfo(res);
	if (k == 0)
		return fail(n, -ENOENT, "%.200s has no IPv4 or IPv6 address", host);
	return (int)k;
}

static void to_info(const struct plat_nl_route *r, struct plat_route_info *o)
{
	memset(o, 0, sizeof(*o));
	o->dst = r->dst;
	o->gateway = r->gw;
	o->metric = r->metric;
	o->table = r->table;
	if (!r->oif || !if_indextoname(r->oif, o->ifname))
		o->ifname[0] = '\0';
}

static int lx_route_get(struct plat_net *n, const struct plat_ip *dst, struct plat_route_info *out)
{
	struct plat_nl_route r;
	char s[PLAT_IP_STRMAX];
	int e = plat_nl_route_get(&L(n)->nl, dst, &r);

	if (e)
		return fail(n, e, "no route to %s: %s", plat_ip_format(dst, s, sizeof(s)),
			    strerror(-e));
	to_info(&r, out);
	return 0;
}

struct list_ctx {
	struct plat_route_info *routes;
	struct plat_addr_info *addrs;
	size_t max, total;
};

static int list_route_cb(const struct plat_nl_route *r, void *ctx)
{
	struct list_ctx *c = ctx;

	if (r->table != RT_TABLE_MAIN || r->type != RTN_UNICAST)
		return 0;
	if (c->total < c->max)
		to_info(r, &c->routes[c->total]);
	c->total++;
	return 0;
}

static int list_addr_cb(const struct plat_nl_addr *a, void *ctx)
{
	struct list_ctx *c = ctx;

	if (c->total < c->max) {
		struct plat_addr_info *o = &c->addrs[c->total];
		memset(o, 0, sizeof(*o));
		o->local = a->local;
		o->peer = a->peer;
		if (!if_indextoname(a->ifindex, o->ifname))
			o->ifname[0] = '\0';
	}
	c->total++;
	return 0;
}

static int lx_list_routes(struct plat_net *n, struct plat_route_info *out, size_t max,
			  size_t *total)
{
	struct list_ctx c = {.routes = out, .max = out ? max : 0};
	int e = plat_nl_dump_routes(&L(n)->nl, list_route_cb, &c);

	if (e)
		return fail(n, e, "listing routes: %s", strerror(-e));
	if (total)
		*total = c.total;
	return (int)(c.total < c.max ? c.total : c.max);
}

static int lx_list_addrs(struct plat_net *n, struct plat_addr_info *out, size_t max,
			 size_t *total)
{
	struct list_ctx c = {.addrs = out, .max = out ? max : 0};
	int e = plat_nl_dump_addrs(&L(n)->nl, list_addr_cb, &c);

	if (e)
		return fail(n, e, "listing addresses: %s", strerror(-e));
	if (total)
		*total = c.total;
	return (int)(c.total < c.max ? c.total : c.max);
}

static void lx_destroy(struct plat_net *n)
{
	struct plat_net_linux *l = L(n);

	if (l->n_active > 0 || n->tun_fd >= 0)
		lx_undo_all(n);
	plat_jfile_close(&l->j, false);
	plat_nl_close(&l->nl);
	plat_tun_rx_reset(&l->tun_rx);
	plat_tun_gro_reset(&l->tun_gro);
	free(l);
}

static const struct plat_net_ops linux_ops = {
	.name = "linux",
	.tun_create = lx_tun_create,
	.set_mtu = lx_set_mtu,
	.set_up = lx_set_up,
	.addr_add = lx_addr_add,
	.addr_del = lx_addr_del,
	.pin_gateway = lx_pin_gateway,
	.kill_switch = lx_kill_switch,
	.route_add = lx_route_add,
	.dns_apply = lx_dns_apply,
	.undo_all = lx_undo_all,
	.tun_read_batch = lx_tun_read_batch,
	.tun_write = lx_tun_write,
	.tun_flush = lx_tun_flush,
	.resolve = lx_resolve,
	.route_get = lx_route_get,
	.list_addrs = lx_list_addrs,
	.list_routes = lx_list_routes,
	.destroy = lx_destroy,
};

static int copy_opt(char *dst, size_t len, const char *src, const char *def)
{
	const char *s = src && *src ? src : def;

	if (!s) {
		dst[0] = '\0';
		return 0;
	}
	return (size_t)snprintf(dst, len, "%s", s) < len ? 0 : -ENAMETOOLONG;
}

int plat_net_open_system(const struct plat_net_config *cfg, struct plat_net **out, char *err,
			 size_t errlen)
{
	struct plat_net_linux *l;
	struct plat_journal *old = NULL;
	int e;

	*out = NULL;
	if (cfg && cfg->session && !plat_journal_session_ok(cfg->session)) {
		snprintf(err, errlen, "invalid session name \"%.64s\" (use letters, digits, . _ -)",
			 cfg->session);
		return -EINVAL;
	}
	l = calloc(1, sizeof(*l));
	if (!l) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	l->base.ops = &linux_ops;
	l->base.tun_fd = -1;
	l->j.fd = -1;
	l->readonly = !cfg || !cfg->session;
	if (cfg) {
		l->base.log = cfg->log;
		l->base.log_ctx = cfg->log_ctx;
		l->metric = cfg->metric;
		if (cfg->session)
			snprintf(l->session, sizeof(l->session), "%s", cfg->session);
	}
	if (!l->metric)
		l->metric = PLAT_NET_DEFAULT_METRIC;
	if (copy_opt(l->state_dir, sizeof(l->state_dir), cfg ? cfg->state_dir : NULL,
		     plat_default_state_dir()) ||
	    copy_opt(l->backup_dir, sizeof(l->backup_dir),
		     plat_backup_dir_for(cfg ? cfg->backup_dir : NULL, l->state_dir), NULL) ||
	    copy_opt(l->resolv_conf, sizeof(l->resolv_conf), cfg ? cfg->resolv_conf_path : NULL,
		     "/etc/resolv.conf") ||
	    copy_opt(l->resolvconf_cmd, sizeof(l->resolvconf_cmd), cfg ? cfg->resolvconf_cmd : NULL,
		     NULL) ||
	    copy_opt(l->busctl_cmd, sizeof(l->busctl_cmd), cfg ? cfg->busctl_cmd : NULL, NULL)) {
		snprintf(err, errlen, "a configured path is too long");
		free(l);
		return -ENAMETOOLONG;
	}
	if ((e = plat_nl_open(&l->nl)) != 0) {
		snprintf(err, errlen, "cannot open a netlink socket: %s", strerror(-e));
		free(l);
		return e;
	}
	if (!l->readonly) {
		char msg[PLAT_NET_ERR_MAX];
		if ((e = plat_jfile_init(&l->j, l->state_dir, l->session)) != 0) {
			snprintf(err, errlen, "state directory %s is not usable: %s", l->state_dir,
				 strerror(-e));
			goto fail;
		}
		old = malloc(sizeof(*old));
		if (!old) {
			e = -ENOMEM;
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		e = plat_jfile_read(l->j.path, old, msg, sizeof(msg));
		if (e != 0 && e != -ENOENT) {
			snprintf(err, errlen,
				 "the journal %s of an earlier session is unreadable (%s); check what it "
				 "lists, undo that by hand and remove it",
				 l->j.path, msg);
			goto fail;
		}
		if (e == 0 && plat_proc_owner_alive(&old->owner)) {
			snprintf(err, errlen, "session %s is already running (process %u)", l->session,
				 (unsigned)old->owner.pid);
			e = -EBUSY;
			goto fail;
		}
		if (e != -ENOENT) {
			/* a dead session of the same name left changes behind: put them back first */
			struct plat_net_config c = {.session = l->session, .state_dir = l->state_dir,
						    .backup_dir = l->backup_dir,
						    .resolv_conf_path = l->resolv_conf,
						    .log = l->base.log, .log_ctx = l->base.log_ctx,
						    .resolvconf_cmd = cfg->resolvconf_cmd,
						    .busctl_cmd = cfg->busctl_cmd};
			e = plat_net_cleanup_stale(&c, NULL);
			if (e || access(l->j.path, F_OK) == 0) {
				snprintf(err, errlen,
					 "the journal %s of an earlier session could not be replayed; "
					 "run `sstp cleanup`",
					 l->j.path);
				e = e ? e : -EBUSY;
				goto fail;
			}
		}
		free(old);
		old = NULL;
	}
	*out = &l->base;
	return 0;
fail:
	free(old);
	plat_nl_close(&l->nl);
	free(l);
	return e;
}
