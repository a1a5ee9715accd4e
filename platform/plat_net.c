/* plat_net.c - the backend-independent face of plat_net.h: wrappers that dispatch through the
 * handle's ops table (checking the handle and arguments once, for every backend) and the
 * accessors of the common handle head. */
#include "plat_net.h"

#include <errno.h>
#include <stdio.h>

static int bad_handle(struct plat_net *n)
{
	return !n || !n->ops;
}

static int nosupp(struct plat_net *n, const char *what)
{
	snprintf(n->err, sizeof(n->err), "%s is not supported by the %s network backend", what,
		 n->ops->name);
	return -ENOTSUP;
}

#define DISPATCH(n, op, ...)                                                                  \
	do {                                                                                  \
		if (bad_handle(n))                                                            \
			return -EINVAL;                                                       \
		if (!(n)->ops->op)                                                            \
			return nosupp((n), #op);                                              \
		(n)->err[0] = '\0';                                                           \
		return (n)->ops->op(__VA_ARGS__);                                             \
	} while (0)

int plat_net_tun_create(struct plat_net *n, const char *want_name)
{
	DISPATCH(n, tun_create, n, want_name);
}

int plat_net_set_mtu(struct plat_net *n, unsigned mtu)
{
	if (!bad_handle(n) && (mtu < 68 || mtu > 65535)) {
		snprintf(n->err, sizeof(n->err), "MTU %u is out of range (68..65535)", mtu);
		return -EINVAL;
	}
	DISPATCH(n, set_mtu, n, mtu);
}

int plat_net_set_up(struct plat_net *n)
{
	DISPATCH(n, set_up, n);
}

int plat_net_addr_add(struct plat_net *n, const struct plat_ip *local, const struct plat_ip *peer,
		      unsigned prefix_len)
{
	if (!bad_handle(n)) {
		unsigned max = local && local->family == PLAT_AF_INET6 ? 128u : 32u;
		if (!local || (local->family != PLAT_AF_INET && local->family != PLAT_AF_INET6) ||
		    prefix_len > max || (peer && peer->family != local->family)) {
			snprintf(n->err, sizeof(n->err), "invalid address to add");
			return -EINVAL;
		}
	}
	DISPATCH(n, addr_add, n, local, peer, prefix_len);
}

int plat_net_addr_del(struct plat_net *n, const struct plat_ip *local)
{
	if (!bad_handle(n) && !local) {
		snprintf(n->err, sizeof(n->err), "invalid address to remove");
		return -EINVAL;
	}
	DISPATCH(n, addr_del, n, local);
}

int plat_net_kill_switch(struct plat_net *n, const struct plat_ip *gateway, uint16_t port)
{
	if (!bad_handle(n) && (!gateway || port == 0 || (gateway->family != PLAT_AF_INET &&
							 gateway->family != PLAT_AF_INET6))) {
		snprintf(n->err, sizeof(n->err), "invalid gateway for the kill switch");
		return -EINVAL;
	}
	DISPATCH(n, kill_switch, n, gateway, port);
}

int plat_net_pin_gateway(struct plat_net *n, const struct plat_ip *server)
{
	if (!bad_handle(n) && (!server || (server->family != PLAT_AF_INET &&
					   server->family != PLAT_AF_INET6))) {
		snprintf(n->err, sizeof(n->err), "invalid server address to pin");
		return -EINVAL;
	}
	DISPATCH(n, pin_gateway, n, server);
}

int plat_net_route_add(struct plat_net *n, const struct plat_prefix *dst)
{
	return plat_net_route_add_metric(n, dst, 0);
}

int plat_net_route_add_metric(struct plat_net *n, const struct plat_prefix *dst, uint32_t metric)
{
	if (!bad_handle(n)) {
		unsigned max = dst && dst->ip.family == PLAT_AF_INET6 ? 128u : 32u;
		if (!dst || (dst->ip.family != PLAT_AF_INET && dst->ip.family != PLAT_AF_INET6) ||
		    dst->len > max) {
			snprintf(n->err, sizeof(n->err), "invalid route prefix");
			return -EINVAL;
		}
	}
	/* host bits set ("10.1.2.3/16") would be refused by the kernel: route the prefix */
	char buf[PLAT_PREFIX_STRMAX];
	struct plat_prefix norm;
	if (plat_prefix_parse(plat_prefix_format(dst, buf, sizeof(buf)), false, &norm) != 0)
		return -EINVAL;
	DISPATCH(n, route_add, n, &norm, metric);
}

int plat_net_dns_apply(struct plat_net *n, const struct plat_dns_config *cfg,
		       enum plat_dns_backend *used)
{
	if (used)
		*used = PLAT_DNS_NONE;
	if (!bad_handle(n)) {
		if (!cfg || cfg->n_servers == 0 || cfg->n_servers > PLAT_DNS_MAX_SERVERS ||
		    !cfg->servers || cfg->n_domains > PLAT_DNS_MAX_DOMAINS ||
		    (cfg->n_domains && !cfg->domains)) {
			snprintf(n->err, sizeof(n->err),
				 "DNS configuration needs 1..%d servers and at most %d domains",
				 PLAT_DNS_MAX_SERVERS, PLAT_DNS_MAX_DOMAINS);
			return -EINVAL;
		}
	}
	DISPATCH(n, dns_apply, n, cfg, used);
}

int plat_net_undo_all(struct plat_net *n)
{
	DISPATCH(n, undo_all, n);
}

int plat_net_tun_read_batch(struct plat_net *n, struct plat_pkt *pkts, size_t max)
{
	DISPATCH(n, tun_read_batch, n, pkts, max);
}

int plat_net_tun_write(struct plat_net *n, const uint8_t *pkt, size_t len)
{
	DISPATCH(n, tun_write, n, pkt, len);
}

void plat_net_tun_flush(struct plat_net *n)
{
	if (n && n->ops && n->ops->tun_flush)
		n->ops->tun_flush(n);
}

int plat_net_resolve(struct plat_net *n, const char *host, struct plat_ip *out, size_t max)
{
	if (!bad_handle(n) && (!host || !*host || !out || max == 0)) {
		snprintf(n->err, sizeof(n->err), "no host name to resolve");
		return -EINVAL;
	}
	DISPATCH(n, resolve, n, host, out, max);
}

int plat_net_route_get(struct plat_net *n, const struct plat_ip *dst, struct plat_route_info *out)
{
	if (!bad_handle(n) && (!dst || !out)) {
		snprintf(n->err, sizeof(n->err), "invalid route lookup");
		return -EINVAL;
	}
	DISPATCH(n, route_get, n, dst, out);
}

int plat_net_list_addrs(struct plat_net *n, struct plat_addr_info *out, size_t max, size_t *total)
{
	DISPATCH(n, list_addrs, n, out, max, total);
}

int plat_net_list_routes(struct plat_net *n, struct plat_route_info *out, size_t max,
			 size_t *total)
{
	DISPATCH(n, list_routes, n, out, max, total);
}

void plat_net_close(struct plat_net *n)
{
	if (bad_handle(n) || !n->ops->destroy)
		return;
	n->ops->destroy(n);
}

int plat_net_tun_fd(const struct plat_net *n)
{
	return n ? n->tun_fd : -1;
}

const char *plat_net_tun_name(const struct plat_net *n)
{
	return n ? n->tun_name : "";
}

unsigned plat_net_tun_ifindex(const struct plat_net *n)
{
	return n ? n->tun_ifindex : 0;
}

enum plat_dns_backend plat_net_dns_backend(const struct plat_net *n)
{
	return n ? n->dns_used : PLAT_DNS_NONE;
}

const char *plat_net_error(const struct plat_net *n)
{
	return n ? n->err : "no network handle";
}
