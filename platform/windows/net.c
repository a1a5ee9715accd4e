/* net.c - the Windows plat_net backend: the ops table over Wintun, the IP Helper API and
 * per-interface DNS, journaling each change before it is made and undoing newest first. The
 * TUN "fd" is a table descriptor over the Wintun session's read event. */
#include "plat_win_net.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct plat_net_win {
	struct plat_net base; /* first */
	bool readonly;
	char session[PLAT_NET_SESSION_MAX + 1];
	uint32_t metric;
	struct plat_wintun tun;
	struct plat_win_jfile j;
	struct plat_jrec active[PLAT_JOURNAL_MAX_RECS]; /* applied, in order */
	size_t n_active;
};

static struct plat_net_win *W(struct plat_net *n)
{
	return (struct plat_net_win *)n;
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
	return W(n)->readonly ? fail(n, -EPERM, "read-only network handle (no session name)") : 0;
}

static int need_tun(struct plat_net *n)
{
	int e = need_rw(n);

	if (e)
		return e;
	return n->tun_fd < 0 ? fail(n, -ENODEV, "the tunnel adapter does not exist yet") : 0;
}

static int jadd(struct plat_net_win *w, struct plat_jrec *r)
{
	int e;

	if (w->n_active >= PLAT_JOURNAL_MAX_RECS)
		return -E2BIG;
	if ((e = plat_win_jfile_add(&w->j, r)) < 0)
		return e;
	w->active[w->n_active++] = *r;
	return 0;
}

static void jdrop(struct plat_net_win *w, uint32_t seq)
{
	plat_win_jfile_done(&w->j, seq);
	if (w->n_active && w->active[w->n_active - 1].seq == seq)
		w->n_active--;
}

static int win_tun_create(struct plat_net *n, const char *want)
{
	struct plat_net_win *w = W(n);
	struct plat_jrec r;
	char name[PLAT_NET_IFNAME_MAX];
	int e = need_rw(n);

	if (e)
		return e;
	if (n->tun_fd >= 0)
		return fail(n, -EALREADY, "the tunnel adapter %s already exists", n->tun_name);
	if (want && *want) {
		if (!plat_journal_ifname_ok(want))
			return fail(n, -EINVAL, "'%s' cannot name an adapter", want);
		snprintf(name, sizeof(name), "%s", want);
	} else {
		snprintf(name, sizeof(name), "sstp-%.10s", w->session); /* one adapter per session */
	}
	memset(&r, 0, sizeof(r));
	r.type = PLAT_JREC_LINK;
	snprintf(r.ifname, sizeof(r.ifname), "%s", name);
	if ((e = jadd(w, &r)) != 0)
		return fail(n, e, "cannot write the undo journal: %s", strerror(-e));
	e = plat_wintun_open(&w->tun, name, n->err, sizeof(n->err));
	if (e) {
		jdrop(w, r.seq);
		return e;
	}
	/* the index is known only now: journal it (a second link line; the parser keeps both) */
	n->tun_fd = w->tun.fd;
	n->tun_ifindex = w->tun.ifindex;
	snprintf(n->tun_name, sizeof(n->tun_name), "%s", name);
	w->active[w->n_active - 1].ifindex = w->tun.ifindex;
	return 0;
}

static int win_set_mtu(struct plat_net *n, unsigned mtu)
{
	int e = need_tun(n);

	if (e)
		return e;
	if ((e = plat_win_set_mtu(n->tun_ifindex, PLAT_AF_INET, mtu)) < 0)
		return fail(n, e, "setting the IPv4 MTU of %s to %u: %s", n->tun_name, mtu,
			    strerror(-e));
	plat_win_set_mtu(n->tun_ifindex, PLAT_AF_INET6, mtu); /* IPv6 may be unbound: not fatal */
	return 0;
}

static int win_set_up(struct plat_net *n)
{
	return need_tun(n); /* a Wintun adapter is up while its session runs */
}

static int win_addr_add(struct plat_net *n, const struct plat_ip *local, const struct plat_ip *peer,
			unsigned prefix_len)
{
	struct plat_net_win *w = W(n);
	MIB_UNICASTIPADDRESS_ROW row;
	struct plat_jrec r;
	char s[PLAT_PREFIX_STRMAX];
	int e = need_tun(n);

	if (e)
		return e;
	memset(&r, 0, sizeof(r));
	r.type = PLAT_JREC_ADDR;
	snprintf(r.ifname, sizeof(r.ifname), "%s", n->tun_name);
	r.ifindex = n->tun_ifindex;
	r.prefix.ip = *local;
	r.prefix.len = (uint8_t)prefix_len;
	if (peer)
		r.other = *peer; /* Windows has no peer address: the on-link prefix covers it */
	plat_prefix_format(&r.prefix, s, sizeof(s));
	if ((e = plat_win_addr_row(local, prefix_len, n->tun_ifindex, &row)) < 0)
		return fail(n, e, "invalid address %s", s);
	if ((e = jadd(w, &r)) != 0)
		return fail(n, e, "cannot write the undo journal: %s", strerror(-e));
	if ((e = plat_win_addr_add(&row)) < 0) {
		jdrop(w, r.seq);
		return fail(n, e, "adding address %s to %s: %s", s, n->tun_name, strerror(-e));
	}
	return 0;
}

static int add_route(struct plat_net_win *w, const struct plat_prefix *dst, const struct plat_ip *gw,
		     uint32_t ifindex, const char *ifname, uint32_t metric)
{
	MIB_IPFORWARD_ROW2 row;
	struct plat_jrec r;
	int e;

	if (!metric)
		metric = w->metric;
	if ((e = plat_win_route_row(dst, gw, ifindex, metric, &row)) < 0)
		return e;
	memset(&r, 0, sizeof(r));
	r.type = PLAT_JREC_ROUTE;
	r.prefix = *dst;
	if (gw)
		r.other = *gw;
	snprintf(r.ifname, sizeof(r.ifname), "%s", ifname);
	r.ifindex = ifindex;
	r.metric = metric;
	r.table = 254; /* "main": Windows has one routing table per compartment */
	r.proto = PLAT_NET_RTPROT;
	if ((e = jadd(w, &r)) != 0)
		return e;
	if ((e = plat_win_route_add(&row)) < 0)
		jdrop(w, r.seq);
	return e;
}

static int win_pin_gateway(struct plat_net *n, const struct plat_ip *server)
{
	struct plat_route_info cur;
	struct plat_prefix host;
	char s[PLAT_IP_STRMAX];
	uint32_t ifindex = 0;
	int e = need_rw(n);

	if (e)
		return e;
	plat_ip_format(server, s, sizeof(s));
	if ((e = plat_win_best_route(server, &cur, &ifindex)) < 0)
		return fail(n, e, "no route to the server %s: %s", s, strerror(-e));
	if (n->tun_ifindex && ifindex == n->tun_ifindex)
		return fail(n, -ELOOP, "the route to the server %s already goes through %s", s,
			    n->tun_name);
	if (ifindex == 1 || (cur.dst.len == (server->family == PLAT_AF_INET ? 32 : 128) &&
			     !cur.gateway.family))
		return 0; /* loopback or a local address: nothing to pin */
	host.ip = *server;
	host.len = server->family == PLAT_AF_INET ? 32 : 128;
	e = add_route(W(n), &host, &cur.gateway, ifindex, cur.ifname, 0);
	if (e == -EEXIST)
		return 0; /* a host route to the server exists already */
	if (e)
		return fail(n, e, "pinning a host route to the server %s via %s: %s", s, cur.ifname,
			    strerror(-e));
	return 0;
}

static int win_route_add(struct plat_net *n, const struct plat_prefix *dst, uint32_t metric)
{
	char s[PLAT_PREFIX_STRMAX];
	int e = need_tun(n);

	if (e)
		return e;
	e = add_route(W(n), dst, NULL, n->tun_ifindex, n->tun_name, metric);
	if (e == -EEXIST)
		return fail(n, e, "a route to %s already exists on %s: left alone",
			    plat_prefix_format(dst, s, sizeof(s)), n->tun_name);
	if (e)
		return fail(n, e, "adding route %s on %s: %s", plat_prefix_format(dst, s, sizeof(s)),
			    n->tun_name, strerror(-e));
	return 0;
}

static int nrpt_jadd(void *ctx, struct plat_jrec *r)
{
	return jadd(ctx, r);
}

static void nrpt_jdrop(void *ctx, uint32_t seq)
{
	jdrop(ctx, seq);
}

static int win_dns_apply(struct plat_net *n, const struct plat_dns_config *c,
			 enum plat_dns_backend *used)
{
	struct plat_net_win *w = W(n);
	struct plat_jrec r;
	int e = need_tun(n);

	if (e)
		return e;
	if (c->force != PLAT_DNS_NONE && c->force != PLAT_DNS_WINDOWS)
		return fail(n, -ENOTSUP, "the %s DNS backend does not exist on Windows",
			    plat_dns_backend_name(c->force));
	if (n->dns_used != PLAT_DNS_NONE)
		return fail(n, -EALREADY, "DNS is already set");
	if (!c->full_tunnel && c->n_domains > 0) {
		/* split: only the VNet's suffixes go to the tunnel's servers, through an NRPT
		 * rule; the interface gets no servers (it would draw other queries) */
		struct plat_win_nrpt_journal jr = { nrpt_jadd, nrpt_jdrop, w };

		if ((e = plat_win_nrpt_apply(&jr, w->session, c, n->err, sizeof(n->err))) < 0)
			return e;
		if (plat_win_nrpt_gpo_active() && n->log)
			n->log(n->log_ctx, 1, "group-policy NRPT rules exist: Windows ignores local "
					      "rules, split DNS for the VNet suffixes will not apply");
		goto done;
	}
	memset(&r, 0, sizeof(r));
	r.type = PLAT_JREC_DNS_RESOLVED; /* per-link DNS: on Windows, of this interface */
	snprintf(r.ifname, sizeof(r.ifname), "%s", n->tun_name);
	r.ifindex = n->tun_ifindex;
	if ((e = jadd(w, &r)) != 0)
		return fail(n, e, "cannot write the undo journal: %s", strerror(-e));
	if ((e = plat_win_dns_set(n->tun_ifindex, c, n->err, sizeof(n->err))) < 0) {
		jdrop(w, r.seq);
		return e;
	}
done:
	n->dns_used = PLAT_DNS_WINDOWS;
	if (used)
		*used = PLAT_DNS_WINDOWS;
	return 0;
}

static int win_undo_all(struct plat_net *n)
{
	struct plat_net_win *w = W(n);
	int first = 0;

	while (w->n_active) {
		struct plat_jrec *r = &w->active[w->n_active - 1];
		struct plat_win_undo_step st = { 0, r, NULL };
		char msg[256];
		int e;

		if (r->type == PLAT_JREC_LINK) {
			plat_wintun_close(&w->tun); /* removes the adapter and what was bound to it */
			n->tun_fd = -1;
			n->tun_ifindex = 0;
			n->tun_name[0] = '\0';
			e = 0;
		} else {
			st.action = r->type == PLAT_JREC_ADDR    ? PLAT_WIN_UNDO_ADDR_DEL
				    : r->type == PLAT_JREC_ROUTE ? PLAT_WIN_UNDO_ROUTE_DEL
				    : r->type == PLAT_JREC_NRPT  ? PLAT_WIN_UNDO_NRPT_DEL
								 : PLAT_WIN_UNDO_DNS_CLEAR;
			e = plat_win_undo_step(&st, msg, sizeof(msg));
			if (e < 0 && !first) {
				first = e;
				snprintf(n->err, sizeof(n->err), "undo: %s", msg);
			}
		}
		if (e >= 0)
			plat_win_jfile_done(&w->j, r->seq);
		w->n_active--;
	}
	n->dns_used = PLAT_DNS_NONE;
	plat_win_jfile_close(&w->j, first == 0);
	return first;
}

static int win_tun_read_batch(struct plat_net *n, struct plat_pkt *pkts, size_t max)
{
	return plat_wintun_read_batch(&W(n)->tun, pkts, max);
}

static int win_tun_write(struct plat_net *n, const uint8_t *pkt, size_t len)
{
	return plat_wintun_write(&W(n)->tun, pkt, len);
}

static int win_resolve(struct plat_net *n, const char *host, struct plat_ip *out, size_t max)
{
	struct addrinfo hints, *res = NULL;
	size_t k = 0;
	int r;

	if ((r = plat_win_wsa_init()) < 0)
		return r;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if ((r = getaddrinfo(host, NULL, &hints, &res)) != 0)
		return fail(n, r == EAI_AGAIN ? -EAGAIN : -ENOENT, "cannot resolve %s: %s", host,
			    gai_strerrorA(r));
	for (int pass = 0; pass < 2; pass++)
		for (struct addrinfo *a = res; a && k < max; a = a->ai_next)
			if ((pass == 0 && a->ai_family == AF_INET) ||
			    (pass == 1 && a->ai_family == AF_INET6)) {
				SOCKADDR_INET si;

				memset(&si, 0, sizeof(si));
				memcpy(&si, a->ai_addr,
				       a->ai_addrlen < sizeof(si) ? a->ai_addrlen : sizeof(si));
				if (plat_win_from_sockaddr(&si, &out[k]) == 0)
					k++;
			}
	freeaddrinfo(res);
	return k ? (int)k : fail(n, -ENOENT, "%s has no address", host);
}

static int win_route_get(struct plat_net *n, const struct plat_ip *dst, struct plat_route_info *out)
{
	return plat_win_best_route(dst, out, NULL);
}

static int win_list_addrs(struct plat_net *n, struct plat_addr_info *out, size_t max,
			  size_t *total)
{
	return plat_win_list_addrs(out, max, total);
}

static int win_list_routes(struct plat_net *n, struct plat_route_info *out, size_t max,
			   size_t *total)
{
	return plat_win_list_routes(out, max, total);
}

static void win_destroy(struct plat_net *n)
{
	struct plat_net_win *w = W(n);

	if (!w->readonly)
		win_undo_all(n);
	plat_wintun_close(&w->tun);
	plat_win_jfile_close(&w->j, false);
	free(w);
}

static const struct plat_net_ops win_ops = {
	.name = "windows",
	.tun_create = win_tun_create,
	.set_mtu = win_set_mtu,
	.set_up = win_set_up,
	.addr_add = win_addr_add,
	.pin_gateway = win_pin_gateway,
	.route_add = win_route_add,
	.dns_apply = win_dns_apply,
	.undo_all = win_undo_all,
	.tun_read_batch = win_tun_read_batch,
	.tun_write = win_tun_write,
	.resolve = win_resolve,
	.route_get = win_route_get,
	.list_addrs = win_list_addrs,
	.list_routes = win_list_routes,
	.destroy = win_destroy,
};

int plat_net_open_system(const struct plat_net_config *cfg, struct plat_net **out, char *err,
			 size_t errlen)
{
	struct plat_net_win *w;
	int e;

	*out = NULL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->base.ops = &win_ops;
	w->base.log = cfg ? cfg->log : NULL;
	w->base.log_ctx = cfg ? cfg->log_ctx : NULL;
	w->base.tun_fd = -1;
	w->tun.fd = -1;
	w->j.h = INVALID_HANDLE_VALUE;
	w->metric = cfg && cfg->metric ? cfg->metric : PLAT_NET_DEFAULT_METRIC;
	w->readonly = !cfg || !cfg->session;
	if (!w->readonly) {
		struct plat_journal j;
		char m[128];

		snprintf(w->session, sizeof(w->session), "%s", cfg->session);
		if ((e = plat_win_jfile_init(&w->j, cfg->state_dir, cfg->session)) < 0) {
			if (err)
				snprintf(err, errlen, "invalid session name or state directory");
			free(w);
			return e;
		}
		/* a live owner of this session's journal: refuse; a dead one: cleanup first */
		if (plat_win_jfile_read(w->j.path, &j, m, sizeof(m)) == 0 &&
		    plat_win_owner_alive(&j.owner)) {
			if (err)
				snprintf(err, errlen, "session %s is in use by process %u", cfg->session,
					 (unsigned)j.owner.pid);
			free(w);
			return -EBUSY;
		}
	}
	*out = &w->base;
	return 0;
}

const char *plat_net_kill_switch_missing(void)
{
	return "is not available on Windows yet (it is an nftables table on Linux)";
}
