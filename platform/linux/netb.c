/* netb.c - the net broker's transport (SOCK_SEQPACKET, SCM_RIGHTS) and the session's plat_net
 * backend "broker": every change becomes a request to the privileged side (plat_netb.h), the TUN
 * descriptor arrives with the reply to TUN_CREATE, reads of the system's state stay local. */
#include "plat_netb.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "plat_linux.h"

int plat_netb_send(int sock, const uint8_t *msg, size_t len, int fd_pass)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { (void *)msg, len };
	struct msghdr mh;
	ssize_t w;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (fd_pass >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.b;
		mh.msg_controllen = sizeof(ctl.b);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd_pass, sizeof(int));
	}
	do
		w = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		return -errno;
	return (size_t)w == len ? 0 : -EIO;
}

int plat_netb_recv(int sock, uint8_t *buf, size_t cap, int *fd_recv)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int) * 4)];
	} ctl;
	struct iovec iov = { buf, cap };
	struct msghdr mh;
	ssize_t r;
	int got = -1;

	if (fd_recv)
		*fd_recv = -1;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctl.b;
	mh.msg_controllen = sizeof(ctl.b);
	do
		r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (got < 0 && fd_recv)
				got = fd; /* the first one is ours, any more are closed */
			else
				close(fd);
		}
	}
	if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
		if (got >= 0)
			close(got);
		return -EMSGSIZE;
	}
	if (fd_recv)
		*fd_recv = got;
	else if (got >= 0)
		close(got);
	return (int)r;
}

/* ---- the broker backend ------------------------------------------------------------------ */

struct plat_net_broker {
	struct plat_net base;
	int sock;
	struct plat_net *ro; /* read-only system handle: lists, route_get, resolve */
	bool applied;        /* something may be applied on the privileged side */
};

#define B(n) ((struct plat_net_broker *)(n))

static void close_tun(struct plat_net *n)
{
	if (n->tun_fd >= 0)
		close(n->tun_fd);
	n->tun_fd = -1;
	n->tun_ifindex = 0;
	n->tun_name[0] = '\0';
}

/* One round trip. The reply's result, or -EIO/-EPROTO if the broker is gone or answers garbage. */
static int call(struct plat_net *n, const struct netb_req *q)
{
	uint8_t msg[NETB_MSG_MAX];
	struct netb_rep p;
	char why[160];
	int len, r, fd = -1;

	len = netb_req_encode(q, msg, sizeof(msg));
	if (len < 0) {
		snprintf(n->err, sizeof(n->err), "%s: the request cannot be encoded",
			 netb_op_name(q->op));
		return -EINVAL;
	}
	B(n)->applied = true;
	if ((r = plat_netb_send(B(n)->sock, msg, (size_t)len, -1)) < 0 ||
	    (r = plat_netb_recv(B(n)->sock, msg, sizeof(msg), &fd)) <= 0) {
		snprintf(n->err, sizeof(n->err), "the privileged network broker is gone (%s)",
			 r == 0 ? "closed" : strerror(-r));
		return -EIO;
	}
	if (netb_rep_decode(msg, (size_t)r, &p, why, sizeof(why)) < 0 || p.op != q->op ||
	    (fd >= 0 && (q->op != NETB_TUN_CREATE || p.result != 0))) {
		if (fd >= 0)
			close(fd);
		snprintf(n->err, sizeof(n->err), "the network broker's reply is invalid: %s",
			 p.op != q->op ? "another operation" : why);
		return -EPROTO;
	}
	snprintf(n->err, sizeof(n->err), "%s", p.err);
	if (q->op == NETB_TUN_CREATE && p.result == 0) {
		if (fd < 0) {
			snprintf(n->err, sizeof(n->err), "the network broker sent no TUN descriptor");
			return -EPROTO;
		}
		close_tun(n);
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		n->tun_fd = fd;
		n->tun_ifindex = p.ifindex;
		snprintf(n->tun_name, sizeof(n->tun_name), "%s", p.ifname);
	}
	if (q->op == NETB_DNS_APPLY && p.result == 0)
		n->dns_used = (enum plat_dns_backend)p.dns_used;
	return p.result;
}

static int br_tun_create(struct plat_net *n, const char *want)
{
	struct netb_req q = { .op = NETB_TUN_CREATE };

	snprintf(q.name, sizeof(q.name), "%s", want ? want : "");
	return call(n, &q);
}

static int br_set_mtu(struct plat_net *n, unsigned mtu)
{
	struct netb_req q = { .op = NETB_SET_MTU, .mtu = mtu };

	return call(n, &q);
}

static int br_set_up(struct plat_net *n)
{
	struct netb_req q = { .op = NETB_SET_UP };

	return call(n, &q);
}

static int br_addr_add(struct plat_net *n, const struct plat_ip *local, const struct plat_ip *peer,
		       unsigned plen)
{
	struct netb_req q = { .op = NETB_ADDR_ADD, .ip = *local, .plen = (uint8_t)plen };

	if (peer) {
		q.has_peer = true;
		q.peer = *peer;
	}
	return call(n, &q);
}

static int br_ip_op(struct plat_net *n, enum netb_op op, const struct plat_ip *ip)
{
	struct netb_req q = { .op = op, .ip = *ip };

	return call(n, &q);
}

static int br_addr_del(struct plat_net *n, const struct plat_ip *local)
{
	return br_ip_op(n, NETB_ADDR_DEL, local);
}

static int br_pin_gateway(struct plat_net *n, const struct plat_ip *server)
{
	return br_ip_op(n, NETB_PIN_GATEWAY, server);
}

static int br_route_add(struct plat_net *n, const struct plat_prefix *dst, uint32_t metric)
{
	struct netb_req q = { .op = NETB_ROUTE_ADD, .dst = *dst, .metric = metric };

	return call(n, &q);
}

static int br_dns_apply(struct plat_net *n, const struct plat_dns_config *c,
			enum plat_dns_backend *used)
{
	struct netb_req *q = calloc(1, sizeof(*q));
	int r;

	if (!q)
		return -ENOMEM;
	q->op = NETB_DNS_APPLY;
	q->full_tunnel = c->full_tunnel;
	q->n_servers = c->n_servers;
	memcpy(q->servers, c->servers, c->n_servers * sizeof(c->servers[0]));
	q->n_domains = c->n_domains;
	for (size_t i = 0; i < c->n_domains; i++)
		snprintf(q->domains[i], sizeof(q->domains[i]), "%s", c->domains[i]);
	r = call(n, q);
	free(q);
	if (r == 0 && used)
		*used = n->dns_used;
	return r;
}

static int br_undo_all(struct plat_net *n)
{
	struct netb_req q = { .op = NETB_UNDO_ALL };
	int r = 0;

	close_tun(n);
	n->dns_used = PLAT_DNS_NONE;
	if (B(n)->applied)
		r = call(n, &q);
	if (r == 0)
		B(n)->applied = false;
	return r;
}

static int br_tun_read_batch(struct plat_net *n, struct plat_pkt *pkts, size_t max)
{
	return n->tun_fd < 0 ? -EBADF : plat_tun_read_batch(n->tun_fd, pkts, max);
}

static int br_tun_write(struct plat_net *n, const uint8_t *pkt, size_t len)
{
	return n->tun_fd < 0 ? -EBADF : plat_tun_write(n->tun_fd, pkt, len);
}

static int br_resolve(struct plat_net *n, const char *host, struct plat_ip *out, size_t max)
{
	return plat_net_resolve(B(n)->ro, host, out, max);
}

static int br_route_get(struct plat_net *n, const struct plat_ip *dst, struct plat_route_info *o)
{
	return plat_net_route_get(B(n)->ro, dst, o);
}

static int br_list_addrs(struct plat_net *n, struct plat_addr_info *out, size_t max, size_t *t)
{
	return plat_net_list_addrs(B(n)->ro, out, max, t);
}

static int br_list_routes(struct plat_net *n, struct plat_route_info *out, size_t max, size_t *t)
{
	return plat_net_list_routes(B(n)->ro, out, max, t);
}

static void br_destroy(struct plat_net *n)
{
	if (B(n)->applied || n->tun_fd >= 0)
		br_undo_all(n);
	plat_net_close(B(n)->ro);
	free(n);
}

static const struct plat_net_ops broker_ops = {
	.name = "broker",
	.tun_create = br_tun_create,
	.set_mtu = br_set_mtu,
	.set_up = br_set_up,
	.addr_add = br_addr_add,
	.addr_del = br_addr_del,
	.pin_gateway = br_pin_gateway,
	.route_add = br_route_add,
	.dns_apply = br_dns_apply,
	.undo_all = br_undo_all,
	.tun_read_batch = br_tun_read_batch,
	.tun_write = br_tun_write,
	.resolve = br_resolve,
	.route_get = br_route_get,
	.list_addrs = br_list_addrs,
	.list_routes = br_list_routes,
	.destroy = br_destroy,
};

int plat_net_broker_open(int sock, const struct plat_net_config *cfg, struct plat_net **out)
{
	struct plat_net_broker *b;
	char err[PLAT_NET_ERR_MAX];
	int e;

	*out = NULL;
	if (sock < 0)
		return -EINVAL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->base.ops = &broker_ops;
	b->base.tun_fd = -1;
	b->sock = sock;
	if (cfg) {
		b->base.log = cfg->log;
		b->base.log_ctx = cfg->log_ctx;
	}
	if ((e = plat_net_open_system(NULL, &b->ro, err, sizeof(err))) < 0) {
		free(b);
		return e;
	}
	*out = &b->base;
	return 0;
}
