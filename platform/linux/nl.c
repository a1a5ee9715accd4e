/* nl.c - build and parse rtnetlink route, address and link messages with libmnl. Pure: memory in,
 * memory out, so the exact bytes sent to the kernel are unit-tested (test_plat_nlmsg.c) and the
 * parsers are checked against malformed replies. */
#include "plat_nl.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/ip.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

static int os_family(uint8_t fam)
{
	return fam == PLAT_AF_INET ? AF_INET : fam == PLAT_AF_INET6 ? AF_INET6 : -1;
}

static size_t ip_len(uint8_t fam)
{
	return fam == PLAT_AF_INET ? 4 : fam == PLAT_AF_INET6 ? 16 : 0;
}

static struct nlmsghdr *start(void *buf, size_t len, uint16_t type, uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *nlh;

	if (!buf || len < PLAT_NL_BUF)
		return NULL;
	memset(buf, 0, PLAT_NL_BUF);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	nlh->nlmsg_seq = seq;
	return nlh;
}

struct nlmsghdr *plat_nl_build_route(void *buf, size_t len, uint16_t type, uint32_t seq,
				     const struct plat_nl_route *r)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	int fam;
	size_t alen;
	uint32_t table;

	if (!r || (type != RTM_NEWROUTE && type != RTM_DELROUTE))
		return NULL;
	fam = os_family(r->dst.ip.family);
	alen = ip_len(r->dst.ip.family);
	if (fam < 0 || r->dst.len > alen * 8 || (r->gw.family && r->gw.family != r->dst.ip.family))
		return NULL;
	nlh = start(buf, len, type, type == RTM_NEWROUTE ? NLM_F_CREATE | NLM_F_EXCL : 0, seq);
	if (!nlh)
		return NULL;
	table = r->table ? r->table : RT_TABLE_MAIN;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)fam;
	rtm->rtm_dst_len = r->dst.len;
	rtm->rtm_table = table < 256 ? (unsigned char)table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = r->protocol;
	rtm->rtm_type = r->type ? r->type : RTN_UNICAST;
	if (type == RTM_DELROUTE)
		rtm->rtm_scope = RT_SCOPE_NOWHERE;
	else
		rtm->rtm_scope = r->gw.family ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	mnl_attr_put(nlh, RTA_DST, alen, r->dst.ip.addr);
	if (r->gw.family)
		mnl_attr_put(nlh, RTA_GATEWAY, alen, r->gw.addr);
	if (r->oif)
		mnl_attr_put_u32(nlh, RTA_OIF, r->oif);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, r->metric);
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	return nlh;
}

struct nlmsghdr *plat_nl_build_route_get(void *buf, size_t len, uint32_t seq,
					 const struct plat_ip *dst)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	int fam;

	if (!dst || (fam = os_family(dst->family)) < 0)
		return NULL;
	nlh = start(buf, len, RTM_GETROUTE, 0, seq);
	if (!nlh)
		return NULL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)fam;
	rtm->rtm_dst_len = (unsigned char)(ip_len(dst->family) * 8);
	mnl_attr_put(nlh, RTA_DST, ip_len(dst->family), dst->addr);
	return nlh;
}

struct nlmsghdr *plat_nl_build_addr(void *buf, size_t len, uint16_t type, uint32_t seq,
				    const struct plat_nl_addr *a)
{
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	int fam;
	size_t alen;

	if (!a || a->ifindex == 0 || (type != RTM_NEWADDR && type != RTM_DELADDR))
		return NULL;
	fam = os_family(a->local.ip.family);
	alen = ip_len(a->local.ip.family);
	if (fam < 0 || a->local.len > alen * 8 ||
	    (a->peer.family && a->peer.family != a->local.ip.family))
		return NULL;
	nlh = start(buf, len, type, type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_EXCL : 0, seq);
	if (!nlh)
		return NULL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (unsigned char)fam;
	ifa->ifa_prefixlen = a->local.len;
	ifa->ifa_index = a->ifindex;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	if (type == RTM_NEWADDR) {
		ifa->ifa_flags = IFA_F_PERMANENT;
		if (fam == AF_INET6)
			ifa->ifa_flags |= IFA_F_NODAD;
	}
	mnl_attr_put(nlh, IFA_LOCAL, alen, a->local.ip.addr);
	mnl_attr_put(nlh, IFA_ADDRESS, alen, a->peer.family ? a->peer.addr : a->local.ip.addr);
	return nlh;
}

/* RTM_NEWLINK for one interface, its ifinfomsg filled; NULL on a bad index or no room. */
static struct nlmsghdr *link_msg(void *buf, size_t len, uint32_t seq, uint32_t ifindex,
				 struct ifinfomsg **ifi)
{
	struct nlmsghdr *nlh;

	if (ifindex == 0 || ifindex > INT32_MAX)
		return NULL;
	nlh = start(buf, len, RTM_NEWLINK, 0, seq);
	if (!nlh)
		return NULL;
	*ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(**ifi));
	(*ifi)->ifi_family = AF_UNSPEC;
	(*ifi)->ifi_index = (int)ifindex;
	return nlh;
}

struct nlmsghdr *plat_nl_build_link_set(void *buf, size_t len, uint32_t seq, uint32_t ifindex,
					uint32_t mtu, bool set_up)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = link_msg(buf, len, seq, ifindex, &ifi);

	if (!nlh)
		return NULL;
	if (set_up) {
		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP;
	}
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return nlh;
}

struct nlmsghdr *plat_nl_build_link_promote(void *buf, size_t len, uint32_t seq, uint32_t ifindex)
{
	struct ifinfomsg *ifi;
	struct nlattr *spec, *inet, *conf;
	struct nlmsghdr *nlh = link_msg(buf, len, seq, ifindex, &ifi);

	if (!nlh)
		return NULL;
	spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	inet = mnl_attr_nest_start(nlh, AF_INET);
	conf = mnl_attr_nest_start(nlh, IFLA_INET_CONF);
	mnl_attr_put_u32(nlh, IPV4_DEVCONF_PROMOTE_SECONDARIES, 1);
	mnl_attr_nest_end(nlh, conf);
	mnl_attr_nest_end(nlh, inet);
	mnl_attr_nest_end(nlh, spec);
	return nlh;
}

struct nlmsghdr *plat_nl_build_link_get(void *buf, size_t len, uint32_t seq, uint32_t ifindex,
					const char *name)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	if (ifindex > INT32_MAX || (ifindex == 0 && (!name || !*name || strlen(name) >= IFNAMSIZ)))
		return NULL;
	nlh = start(buf, len, RTM_GETLINK, 0, seq);
	if (!nlh)
		return NULL;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	if (ifindex == 0)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

struct nlmsghdr *plat_nl_build_link_del(void *buf, size_t len, uint32_t seq, uint32_t ifindex)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	if (ifindex == 0 || ifindex > INT32_MAX)
		return NULL;
	nlh = start(buf, len, RTM_DELLINK, 0, seq);
	if (!nlh)
		return NULL;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	return nlh;
}

struct nlmsghdr *plat_nl_build_dump(void *buf, size_t len, uint16_t type, uint32_t seq,
				    enum plat_family family)
{
	struct nlmsghdr *nlh;
	int fam = family == PLAT_AF_NONE ? AF_UNSPEC : os_family((uint8_t)family);

	if (fam < 0 || (type != RTM_GETROUTE && type != RTM_GETADDR && type != RTM_GETLINK))
		return NULL;
	nlh = start(buf, len, type, NLM_F_DUMP, seq);
	if (!nlh)
		return NULL;
	if (type == RTM_GETROUTE) {
		struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
		rtm->rtm_family = (unsigned char)fam;
	} else if (type == RTM_GETADDR) {
		struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
		ifa->ifa_family = (unsigned char)fam;
	} else {
		struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
		ifi->ifi_family = (unsigned char)fam;
	}
	return nlh;
}

/* ---- parsing ---------------------------------------------------------------------------- */

struct attrs {
	const struct nlattr *tb[64];
	int max;
};

static int collect(const struct nlattr *attr, void *data)
{
	struct attrs *a = data;
	int type = mnl_attr_get_type(attr);

	if (type > a->max || type >= 64)
		return MNL_CB_OK; /* newer attribute we do not know: ignore */
	a->tb[type] = attr;
	return MNL_CB_OK;
}

/* Parse the attributes after a fixed header of hdrlen bytes. */
static int parse_attrs(const struct nlmsghdr *nlh, size_t hdrlen, int max, struct attrs *a)
{
	memset(a, 0, sizeof(*a));
	a->max = max;
	/* libmnl walks attributes up to the aligned end: an unaligned length (never sent by the
	 * kernel, which pads every attribute) could make it read past the message */
	if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len < mnl_nlmsg_size(hdrlen) ||
	    nlh->nlmsg_len % NLMSG_ALIGNTO != 0)
		return -EINVAL;
	if (mnl_attr_parse(nlh, (unsigned)hdrlen, collect, a) < 0)
		return -EINVAL;
	return 0;
}

static int get_ip(const struct nlattr *at, uint8_t fam, struct plat_ip *out)
{
	size_t alen = ip_len(fam);

	memset(out, 0, sizeof(*out));
	if (!at)
		return 0;
	if (mnl_attr_get_payload_len(at) != alen)
		return -EINVAL;
	out->family = fam;
	memcpy(out->addr, mnl_attr_get_payload(at), alen);
	return 0;
}

static int get_u32(const struct nlattr *at, uint32_t *out)
{
	if (!at)
		return 0;
	if (mnl_attr_validate(at, MNL_TYPE_U32) < 0)
		return -EINVAL;
	*out = mnl_attr_get_u32(at);
	return 0;
}

int plat_nl_parse_route(const struct nlmsghdr *nlh, struct plat_nl_route *out)
{
	const struct rtmsg *rtm;
	struct attrs a;
	uint8_t fam;

	memset(out, 0, sizeof(*out));
	if (nlh->nlmsg_type != RTM_NEWROUTE && nlh->nlmsg_type != RTM_DELROUTE)
		return -ENOENT;
	if (parse_attrs(nlh, sizeof(*rtm), RTA_MAX, &a) != 0)
		return -EINVAL;
	rtm = mnl_nlmsg_get_payload(nlh);
	fam = rtm->rtm_family == AF_INET ? PLAT_AF_INET : rtm->rtm_family == AF_INET6 ? PLAT_AF_INET6 : 0;
	if (!fam)
		return -ENOENT;
	if (rtm->rtm_dst_len > ip_len(fam) * 8)
		return -EINVAL;
	if (get_ip(a.tb[RTA_DST], fam, &out->dst.ip) || get_ip(a.tb[RTA_GATEWAY], fam, &out->gw) ||
	    get_ip(a.tb[RTA_PREFSRC], fam, &out->prefsrc) || get_u32(a.tb[RTA_OIF], &out->oif) ||
	    get_u32(a.tb[RTA_PRIORITY], &out->metric))
		return -EINVAL;
	out->dst.ip.family = fam; /* no RTA_DST: the default route */
	out->dst.len = rtm->rtm_dst_len;
	out->table = rtm->rtm_table;
	if (get_u32(a.tb[RTA_TABLE], &out->table))
		return -EINVAL;
	out->protocol = rtm->rtm_protocol;
	out->type = rtm->rtm_type;
	return 0;
}

int plat_nl_parse_addr(const struct nlmsghdr *nlh, struct plat_nl_addr *out)
{
	const struct ifaddrmsg *ifa;
	struct attrs a;
	uint8_t fam;
	const struct nlattr *local, *address;

	memset(out, 0, sizeof(*out));
	if (nlh->nlmsg_type != RTM_NEWADDR && nlh->nlmsg_type != RTM_DELADDR)
		return -ENOENT;
	if (parse_attrs(nlh, sizeof(*ifa), IFA_MAX, &a) != 0)
		return -EINVAL;
	ifa = mnl_nlmsg_get_payload(nlh);
	fam = ifa->ifa_family == AF_INET ? PLAT_AF_INET : ifa->ifa_family == AF_INET6 ? PLAT_AF_INET6 : 0;
	if (!fam)
		return -ENOENT;
	if (ifa->ifa_prefixlen > ip_len(fam) * 8 || ifa->ifa_index == 0)
		return -EINVAL;
	local = a.tb[IFA_LOCAL];
	address = a.tb[IFA_ADDRESS];
	if (!local && !address)
		return -EINVAL;
	if (get_ip(local ? local : address, fam, &out->local.ip))
		return -EINVAL;
	if (local && address) {
		if (get_ip(address, fam, &out->peer))
			return -EINVAL;
		if (plat_ip_equal(&out->peer, &out->local.ip))
			memset(&out->peer, 0, sizeof(out->peer));
	}
	out->local.len = ifa->ifa_prefixlen;
	out->ifindex = ifa->ifa_index;
	out->scope = ifa->ifa_scope;
	return 0;
}

static int collect_info(const struct nlattr *attr, void *data)
{
	struct attrs *a = data;
	int type = mnl_attr_get_type(attr);

	if (type <= IFLA_INFO_MAX && type < 64)
		a->tb[type] = attr;
	return MNL_CB_OK;
}

int plat_nl_parse_link(const struct nlmsghdr *nlh, struct plat_nl_link *out)
{
	const struct ifinfomsg *ifi;
	struct attrs a;
	const struct nlattr *name;

	memset(out, 0, sizeof(*out));
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return -ENOENT;
	if (parse_attrs(nlh, sizeof(*ifi), IFLA_MAX, &a) != 0)
		return -EINVAL;
	ifi = mnl_nlmsg_get_payload(nlh);
	if (ifi->ifi_index <= 0)
		return -EINVAL;
	name = a.tb[IFLA_IFNAME];
	if (!name || mnl_attr_validate(name, MNL_TYPE_NUL_STRING) < 0 ||
	    mnl_attr_get_payload_len(name) > IFNAMSIZ)
		return -EINVAL;
	memcpy(out->name, mnl_attr_get_str(name), strnlen(mnl_attr_get_str(name), IFNAMSIZ - 1));
	if (out->name[0] == '\0')
		return -EINVAL;
	if (get_u32(a.tb[IFLA_MTU], &out->mtu))
		return -EINVAL;
	if (a.tb[IFLA_LINKINFO]) {
		struct attrs info;
		memset(&info, 0, sizeof(info));
		if (mnl_attr_validate(a.tb[IFLA_LINKINFO], MNL_TYPE_NESTED) < 0 ||
		    mnl_attr_parse_nested(a.tb[IFLA_LINKINFO], collect_info, &info) < 0)
			return -EINVAL;
		const struct nlattr *kind = info.tb[IFLA_INFO_KIND];
		if (kind) {
			size_t kl = mnl_attr_get_payload_len(kind);
			const char *ks = mnl_attr_get_payload(kind);
			kl = strnlen(ks, kl);
			if (kl >= sizeof(out->kind))
				return -EINVAL;
			memcpy(out->kind, ks, kl);
		}
	}
	out->ifindex = (uint32_t)ifi->ifi_index;
	out->flags = ifi->ifi_flags;
	return 0;
}
