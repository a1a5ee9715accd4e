/* wake.c - the path monitor of the Linux backend (plat_wake.h): a libmnl socket subscribed to the
 * link, address and route groups of rtnetlink; after each batch of notifications that is not
 * about the tunnel's own interface, the kernel is asked again for the route to the watched
 * address (RTM_GETROUTE) and for the state of the interface it leaves by, and the answer is
 * compared with the path recorded as good. Also CLOCK_BOOTTIME for plat_boot_ms(). */
#include "plat_wake.h"
#include "plat_nl.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

uint64_t plat_boot_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The path the kernel gives for the watched address. */
struct path {
	bool ok;                 /* a route exists */
	bool link_up;            /* its interface is up with a carrier */
	uint32_t oif;
	struct plat_ip gw;
	struct plat_ip src;
	char ifname[IF_NAMESIZE];
};

struct plat_pathmon {
	struct mnl_socket *sk;   /* notifications */
	struct plat_nl q;        /* queries */
	bool watching;
	struct plat_ip dst;
	uint32_t tun_ifindex;
	struct path good;
};

struct plat_pathmon *plat_pathmon_open(void)
{
	struct plat_pathmon *m = calloc(1, sizeof(*m));
	unsigned groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR |
			  RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE;
	int e;

	if (!m)
		return NULL;
	m->sk = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!m->sk)
		goto fail;
	if (mnl_socket_bind(m->sk, groups, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	if ((e = plat_nl_open(&m->q)) != 0) {
		errno = -e;
		goto fail;
	}
	return m;
fail:
	e = errno;
	if (m->sk)
		mnl_socket_close(m->sk);
	free(m);
	errno = e;
	return NULL;
}

void plat_pathmon_close(struct plat_pathmon *m)
{
	if (!m)
		return;
	mnl_socket_close(m->sk);
	plat_nl_close(&m->q);
	free(m);
}

int plat_pathmon_fd(const struct plat_pathmon *m)
{
	return mnl_socket_get_fd(m->sk);
}

static void path_now(struct plat_pathmon *m, struct path *p)
{
	struct plat_nl_route r;
	struct plat_nl_link l;

	memset(p, 0, sizeof(*p));
	if (plat_nl_route_get(&m->q, &m->dst, &r) != 0 || r.type != RTN_UNICAST || !r.oif)
		return;
	p->ok = true;
	p->oif = r.oif;
	p->gw = r.gw;
	p->src = r.prefsrc;
	if (plat_nl_link_get(&m->q, r.oif, NULL, &l) == 0) {
		p->link_up = (l.flags & IFF_UP) && (l.flags & IFF_RUNNING);
		snprintf(p->ifname, sizeof(p->ifname), "%s", l.name);
	}
}

void plat_pathmon_target(struct plat_pathmon *m, const struct plat_ip *dst, const char *tun_ifname)
{
	m->watching = dst != NULL && (dst->family == PLAT_AF_INET || dst->family == PLAT_AF_INET6);
	m->tun_ifindex = tun_ifname && tun_ifname[0] ? if_nametoindex(tun_ifname) : 0;
	if (!m->watching)
		return;
	m->dst = *dst;
	path_now(m, &m->good);
}

static bool same_ip(const struct plat_ip *a, const struct plat_ip *b)
{
	return a->family == b->family && memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

/* Why `now` is not the good path, or NULL when it is. */
static const char *path_diff(const struct path *good, const struct path *now, char *buf,
			     size_t len)
{
	char a[PLAT_IP_STRMAX], b[PLAT_IP_STRMAX];

	if ((!good->ok || !good->link_up) && (!now->ok || !now->link_up))
		return NULL; /* still none */
	if (!now->ok) {
		snprintf(buf, len, "no route to the gateway any more");
		return buf;
	}
	if (!now->link_up) {
		snprintf(buf, len, "the link %s to the gateway is down", now->ifname);
		return buf;
	}
	if (!good->ok || !good->link_up) {
		snprintf(buf, len, "the path to the gateway is back (via %s)", now->ifname);
		return buf;
	}
	if (good->oif != now->oif) {
		snprintf(buf, len, "the route to the gateway moved from %s to %s", good->ifname,
			 now->ifname);
		return buf;
	}
	if (!same_ip(&good->gw, &now->gw)) {
		plat_ip_format(&now->gw, a, sizeof(a));
		snprintf(buf, len, "the route to the gateway has a new next hop (%s)",
			 now->gw.family ? a : "none");
		return buf;
	}
	if (!same_ip(&good->src, &now->src)) {
		plat_ip_format(&good->src, a, sizeof(a));
		plat_ip_format(&now->src, b, sizeof(b));
		snprintf(buf, len, "the source address to the gateway changed (%s -> %s)",
			 good->src.family ? a : "none", now->src.family ? b : "none");
		return buf;
	}
	return NULL;
}

/* The interface a notification is about (0 when it cannot be told). */
static uint32_t msg_ifindex(const struct nlmsghdr *nlh)
{
	size_t plen = mnl_nlmsg_get_payload_len(nlh);
	struct plat_nl_route r;

	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		if (plen < sizeof(struct ifinfomsg))
			return 0;
		return (uint32_t)((const struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_index;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		if (plen < sizeof(struct ifaddrmsg))
			return 0;
		return ((const struct ifaddrmsg *)mnl_nlmsg_get_payload(nlh))->ifa_index;
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		return plat_nl_parse_route(nlh, &r) == 0 ? r.oif : 0;
	default:
		return 0;
	}
}

static int note_cb(const struct nlmsghdr *nlh, void *data)
{
	struct plat_pathmon *m = ((void **)data)[0];
	bool *dirty = ((void **)data)[1];

	if (nlh->nlmsg_type < RTM_NEWLINK || nlh->nlmsg_type > RTM_DELROUTE)
		return MNL_CB_OK;
	if (m->tun_ifindex && msg_ifindex(nlh) == m->tun_ifindex)
		return MNL_CB_OK; /* the tunnel's own interface, addresses and routes */
	*dirty = true;
	return MNL_CB_OK;
}

int plat_pathmon_read(struct plat_pathmon *m, char *why, size_t whylen)
{
	char buf[16384];
	bool dirty = false;
	void *ctx[2] = { m, &dirty };
	struct path now;
	const char *d;

	for (int rounds = 0; rounds < 64; rounds++) {
		ssize_t n = mnl_socket_recvfrom(m->sk, buf, sizeof(buf));

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				break;
			if (errno == ENOBUFS) { /* notifications were lost: look anyway */
				dirty = true;
				continue;
			}
			return -1;
		}
		if (mnl_cb_run(buf, (size_t)n, 0, 0, note_cb, ctx) < 0)
			dirty = true; /* a message we could not read: look anyway */
	}
	if (!dirty || !m->watching)
		return 0;
	path_now(m, &now);
	d = path_diff(&m->good, &now, why, whylen);
	m->good = now;
	return d ? 1 : 0;
}
