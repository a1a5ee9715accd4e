/* plat_nl.h - rtnetlink for the Linux backend: building and parsing route, address and link
 * messages (nl.c: pure functions over caller buffers, unit-tested without a socket) and the
 * request/acknowledge exchange over a libmnl socket (rtnl.c). Internal to platform/linux/. */
#ifndef SSTP_PLAT_NL_H
#define SSTP_PLAT_NL_H

#include "plat_net.h"

#include <linux/netlink.h>

#define PLAT_NL_BUF 1024 /* enough for any single request built here */

struct plat_nl_route {
	struct plat_prefix dst;
	struct plat_ip gw;      /* family 0: none (device route) */
	struct plat_ip prefsrc; /* parse only */
	uint32_t oif;           /* 0: none */
	uint32_t metric;
	uint32_t table;         /* 0 is taken as RT_TABLE_MAIN when building */
	uint8_t protocol;       /* 0: unspecified (matches any on delete) */
	uint8_t type;           /* RTN_*; 0 is taken as RTN_UNICAST when building */
};

struct plat_nl_addr {
	uint32_t ifindex;
	struct plat_prefix local; /* address + prefix length */
	struct plat_ip peer;      /* family 0: none */
	uint8_t scope;            /* parse only */
};

struct plat_nl_link {
	uint32_t ifindex;
	char name[PLAT_NET_IFNAME_MAX];
	char kind[16];   /* IFLA_INFO_KIND ("tun", "veth"...), "" if none */
	unsigned flags;  /* IFF_* */
	uint32_t mtu;
};

/* Builders. Each writes one complete request into buf (len >= PLAT_NL_BUF) and returns it, or
 * NULL if an argument is invalid. seq goes into nlmsg_seq. */
/* RTM_NEWROUTE (create, exclusive) or RTM_DELROUTE (scope "nowhere" so any scope matches). */
struct nlmsghdr *plat_nl_build_route(void *buf, size_t len, uint16_t type, uint32_t seq,
				     const struct plat_nl_route *r);
/* RTM_GETROUTE for the path to one address. */
struct nlmsghdr *plat_nl_build_route_get(void *buf, size_t len, uint32_t seq,
					 const struct plat_ip *dst);
/* RTM_NEWADDR (create, exclusive; IPv6 without DAD) or RTM_DELADDR. */
struct nlmsghdr *plat_nl_build_addr(void *buf, size_t len, uint16_t type, uint32_t seq,
				    const struct plat_nl_addr *a);
/* RTM_NEWLINK changing an existing link: mtu (0: unchanged) and, if set_up, IFF_UP. */
/* RTM_NEWLINK that sets the interface's IPv4 promote_secondaries (a new address with the same
 * peer survives the removal of the old one). */
struct nlmsghdr *plat_nl_build_link_promote(void *buf, size_t len, uint32_t seq, uint32_t ifindex);
struct nlmsghdr *plat_nl_build_link_set(void *buf, size_t len, uint32_t seq, uint32_t ifindex,
					uint32_t mtu, bool set_up);
/* RTM_GETLINK for one link (by index if ifindex != 0, else by name) / RTM_DELLINK by index. */
struct nlmsghdr *plat_nl_build_link_get(void *buf, size_t len, uint32_t seq, uint32_t ifindex,
					const char *name);
struct nlmsghdr *plat_nl_build_link_del(void *buf, size_t len, uint32_t seq, uint32_t ifindex);
/* Dump request: RTM_GETROUTE, RTM_GETADDR or RTM_GETLINK for family (0 = all). */
struct nlmsghdr *plat_nl_build_dump(void *buf, size_t len, uint16_t type, uint32_t seq,
				    enum plat_family family);

/* Parsers of one message (validated: lengths of header and every attribute used; nlmsg_len must
 * be 4-aligned and the buffer at least nlmsg_len bytes, as mnl_cb_run guarantees). 0 on success,
 * -EINVAL if malformed, -ENOENT if the message is of another kind/family we do not handle. */
int plat_nl_parse_route(const struct nlmsghdr *nlh, struct plat_nl_route *out);
int plat_nl_parse_addr(const struct nlmsghdr *nlh, struct plat_nl_addr *out);
int plat_nl_parse_link(const struct nlmsghdr *nlh, struct plat_nl_link *out);

/* ---- the socket (rtnl.c) ----------------------------------------------------------------- */

struct mnl_socket;
struct plat_nl {
	struct mnl_socket *sk;
	uint32_t portid;
	uint32_t seq;
};

/* Open/close a NETLINK_ROUTE socket (receive timeout 5 s so no exchange can hang). */
int plat_nl_open(struct plat_nl *nl);
void plat_nl_close(struct plat_nl *nl);
/* Send a request built above (NLM_F_ACK is added unless it is a dump or a get) and read replies
 * until the ACK or NLMSG_DONE; each data message is given to cb (may be NULL; cb returns 0 to go
 * on, negative errno to fail). Returns 0 or -errno (the kernel's error for the request). */
typedef int plat_nl_cb(const struct nlmsghdr *nlh, void *ctx);
int plat_nl_talk(struct plat_nl *nl, struct nlmsghdr *req, plat_nl_cb *cb, void *ctx);

/* Conveniences over plat_nl_talk. */
int plat_nl_route_change(struct plat_nl *nl, uint16_t type, const struct plat_nl_route *r);
int plat_nl_route_get(struct plat_nl *nl, const struct plat_ip *dst, struct plat_nl_route *out);
int plat_nl_addr_change(struct plat_nl *nl, uint16_t type, const struct plat_nl_addr *a);
int plat_nl_link_set(struct plat_nl *nl, uint32_t ifindex, uint32_t mtu, bool set_up);
int plat_nl_link_promote(struct plat_nl *nl, uint32_t ifindex);
/* -ENODEV if no such link. */
int plat_nl_link_get(struct plat_nl *nl, uint32_t ifindex, const char *name,
		     struct plat_nl_link *out);
int plat_nl_link_del(struct plat_nl *nl, uint32_t ifindex);
/* Dumps: cb gets each parsed entry of the main/any table (routes: all tables; caller filters). */
typedef int plat_nl_route_cb(const struct plat_nl_route *r, void *ctx);
typedef int plat_nl_addr_cb(const struct plat_nl_addr *a, void *ctx);
int plat_nl_dump_routes(struct plat_nl *nl, plat_nl_route_cb *cb, void *ctx);
int plat_nl_dump_addrs(struct plat_nl *nl, plat_nl_addr_cb *cb, void *ctx);

#endif
