/* rtnl.c - the rtnetlink exchange of the Linux backend: a libmnl NETLINK_ROUTE socket with a
 * receive timeout, request/ACK handling, and the route/address/link operations and dumps built
 * from the pure builders and parsers of nl.c. */
#include "plat_nl.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

int plat_nl_open(struct plat_nl *nl)
{
	struct timeval tv = {.tv_sec = 5};
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->sk = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl->sk)
		return -errno;
	if (mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = -errno;
		mnl_socket_close(nl->sk);
		nl->sk = NULL;
		return e;
	}
	setsockopt(mnl_socket_get_fd(nl->sk), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/* extended ACKs give the kernel's reason text; harmless where unsupported */
	mnl_socket_setsockopt(nl->sk, NETLINK_EXT_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sk);
	nl->seq = 1;
	return 0;
}

void plat_nl_close(struct plat_nl *nl)
{
	if (nl && nl->sk) {
		mnl_socket_close(nl->sk);
		nl->sk = NULL;
	}
}

struct talk_ctx {
	plat_nl_cb *cb;
	void *ctx;
	int err;
};

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk_ctx *t = data;

	if (t->cb && t->err == 0) {
		int r = t->cb(nlh, t->ctx);
		if (r < 0)
			t->err = r;
	}
	return MNL_CB_OK;
}

int plat_nl_talk(struct plat_nl *nl, struct nlmsghdr *req, plat_nl_cb *cb, void *ctx)
{
	/* 32 KiB: a dump may deliver several messages per datagram */
	char buf[32768];
	struct talk_ctx t = {.cb = cb, .ctx = ctx};
	bool dump = (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	unsigned rounds = 0;
	int ret;

	if (!nl || !nl->sk)
		return -EBADF;
	req->nlmsg_seq = ++nl->seq;
	if (!dump && req->nlmsg_type != RTM_GETROUTE && req->nlmsg_type != RTM_GETLINK)
		req->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl->sk, req, req->nlmsg_len) < 0)
		return -errno;
	do {
		ssize_t n = mnl_socket_recvfrom(nl->sk, buf, sizeof(buf));
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;
		ret = mnl_cb_run(buf, (size_t)n, req->nlmsg_seq, nl->portid, data_cb, &t);
		if (ret < 0)
			return errno ? -errno : -EIO;
		/* a get without ACK ends with its single reply */
		if (!dump && !(req->nlmsg_flags & NLM_F_ACK) && ret == MNL_CB_OK)
			break;
	} while (ret > MNL_CB_STOP && ++rounds < 100000);
	return t.err;
}

int plat_nl_route_change(struct plat_nl *nl, uint16_t type, const struct plat_nl_route *r)
{
	char buf[PLAT_NL_BUF];
	struct nlmsghdr *nlh = plat_nl_build_route(buf, sizeof(buf), type, 0, r);

	return nlh ? plat_nl_talk(nl, nlh, NULL, NULL) : -EINVAL;
}

static int route_one(const struct nlmsghdr *nlh, void *ctx)
{
	return plat_nl_parse_route(nlh, ctx) == 0 ? 0 : -EPROTO;
}

int plat_nl_route_get(struct plat_nl *nl, const struct plat_ip *dst, struct plat_nl_route *out)
{
	char buf[PLAT_NL_BUF];
	struct nlmsghdr *nlh = plat_nl_build_route_get(buf, sizeof(buf), 0, dst);

	memset(out, 0, sizeof(*out));
	if (!nlh)
		return -EINVAL;
	int r = plat_nl_talk(nl, nlh, route_one, out);
	if (r == 0 && out->dst.ip.family == 0)
		r = -EPROTO;
	return r;
}

int plat_nl_addr_change(struct plat_nl *nl, uint16_t type, const struct plat_nl_addr *a)
{
	char buf[PLAT_NL_BUF];
	struct nlmsghdr *nlh = plat_nl_build_addr(buf, sizeof(buf), type, 0, a);

	return nlh ? plat_nl_talk(nl, nlh, NULL, NULL) : -EINVAL;
}

int plat_nl_link_set(struct plat_nl *nl, uint32_t ifindex, uint32_t mtu, bool set_up)
{
	char buf[PLAT_NL_BUF];
	struct nlmsghdr *nlh = plat_nl_build_link_set(buf, sizeof(buf), 0, ifindex, mtu, set_up);

	return nlh ? plat_nl_talk(nl, nlh, NULL, NULL) : -EINVAL;
}

int plat_nl_link_promote(struct plat_nl *nl, uint32_t ifindex)
{
	char buf[PLAT_NL_BUF];
	struct nlmsghdr *nlh = plat_nl_build_link_promote(buf, sizeof(buf), 0, ifindex);

	return nlh ? plat_nl_talk(nl, nlh, NULL, NULL) : -EINVAL;
}

static int link_one(const struct nlmsghdr *nlh, void *ctx)
{
	return plat_nl_parse_link(nlh, ctx) == 0 ? 0 : -EPROTO;
}

int plat_nl_link_get(struct plat_nl *nl, uint32_t ifindex, const char *name,
		     struct plat_nl_link *out)
{
	char buf[PLAT_NL_BUF];
	struct nlmsghdr *nlh = plat_nl_build_link_get(buf, sizeof(buf), 0, ifindex, name);
	int r;

	memset(out, 0, sizeof(*out));
	if (!nlh)
		return -EINVAL;
	r = plat_nl_talk(nl, nlh, link_one, out);
	if (r == 0 && out->ifindex == 0)
		r = -ENODEV;
	return r;
}

int plat_nl_link_del(struct plat_nl *nl, uint32_t ifindex)
{
	char buf[PLAT_NL_BUF];
	struct nlmsghdr *nlh = plat_nl_build_link_del(buf, sizeof(buf), 0, ifindex);

	return nlh ? plat_nl_talk(nl, nlh, NULL, NULL) : -EINVAL;
}

struct dump_ctx {
	plat_nl_route_cb *rcb;
	plat_nl_addr_cb *acb;
	void *ctx;
};

static int dump_route(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *d = data;
	struct plat_nl_route r;
	int e = plat_nl_parse_route(nlh, &r);

	if (e == -ENOENT)
		return 0;
	return e < 0 ? -EPROTO : d->rcb(&r, d->ctx);
}

static int dump_addr(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *d = data;
	struct plat_nl_addr a;
	int e = plat_nl_parse_addr(nlh, &a);

	if (e == -ENOENT)
		return 0;
	return e < 0 ? -EPROTO : d->acb(&a, d->ctx);
}

int plat_nl_dump_routes(struct plat_nl *nl, plat_nl_route_cb *cb, void *ctx)
{
	char buf[PLAT_NL_BUF];
	struct dump_ctx d = {.rcb = cb, .ctx = ctx};
	struct nlmsghdr *nlh = plat_nl_build_dump(buf, sizeof(buf), RTM_GETROUTE, 0, PLAT_AF_NONE);

	return nlh ? plat_nl_talk(nl, nlh, dump_route, &d) : -EINVAL;
}

int plat_nl_dump_addrs(struct plat_nl *nl, plat_nl_addr_cb *cb, void *ctx)
{
	char buf[PLAT_NL_BUF];
	struct dump_ctx d = {.acb = cb, .ctx = ctx};
	struct nlmsghdr *nlh = plat_nl_build_dump(buf, sizeof(buf), RTM_GETADDR, 0, PLAT_AF_NONE);

	return nlh ? plat_nl_talk(nl, nlh, dump_addr, &d) : -EINVAL;
}
