/* fuzz_plat_nlmsg.c - libFuzzer target for the rtnetlink reply parsers of the Linux backend
 * (route, address, link). Checks, beyond not crashing or reading past the message: a parsed route
 * or address rebuilt with our own builder parses back to the same fields, and names are bounded. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/rtnetlink.h>

#include "linux/plat_nl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_route(const struct nlmsghdr *nlh)
{
	struct plat_nl_route r, back;
	char buf[PLAT_NL_BUF];
	struct nlmsghdr *out;

	if (plat_nl_parse_route(nlh, &r) != 0)
		return;
	if (r.dst.ip.family != PLAT_AF_INET && r.dst.ip.family != PLAT_AF_INET6)
		abort();
	if (r.dst.len > (r.dst.ip.family == PLAT_AF_INET ? 32 : 128))
		abort();
	if (r.gw.family && r.gw.family != r.dst.ip.family)
		abort();
	out = plat_nl_build_route(buf, sizeof(buf), RTM_NEWROUTE, 1, &r);
	if (!out || plat_nl_parse_route(out, &back) != 0)
		abort();
	if (memcmp(&back.dst, &r.dst, sizeof(r.dst)) != 0 || memcmp(&back.gw, &r.gw, sizeof(r.gw)) != 0 ||
	    back.oif != r.oif || back.metric != r.metric || back.protocol != r.protocol ||
	    back.table != (r.table ? r.table : RT_TABLE_MAIN))
		abort();
}

static void check_addr(const struct nlmsghdr *nlh)
{
	struct plat_nl_addr a, back;
	char buf[PLAT_NL_BUF];
	struct nlmsghdr *out;

	if (plat_nl_parse_addr(nlh, &a) != 0)
		return;
	out = plat_nl_build_addr(buf, sizeof(buf), RTM_NEWADDR, 1, &a);
	if (!out || plat_nl_parse_addr(out, &back) != 0)
		abort();
	if (back.ifindex != a.ifindex || memcmp(&back.local, &a.local, sizeof(a.local)) != 0 ||
	    memcmp(&back.peer, &a.peer, sizeof(a.peer)) != 0)
		abort();
}

static void check_link(const struct nlmsghdr *nlh)
{
	struct plat_nl_link l;

	if (plat_nl_parse_link(nlh, &l) != 0)
		return;
	if (l.ifindex == 0 || l.name[0] == '\0' || memchr(l.name, 0, sizeof(l.name)) == NULL ||
	    memchr(l.kind, 0, sizeof(l.kind)) == NULL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlmsghdr *nlh;
	uint32_t declared;

	if (size < NLMSG_HDRLEN || size > 65536)
		return 0;
	/* exact-size, aligned copy: nlmsg_len never claims more than was received */
	nlh = malloc(size);
	if (!nlh)
		return 0;
	memcpy(nlh, data, size);
	declared = nlh->nlmsg_len;
	if (declared > size || declared < NLMSG_HDRLEN)
		nlh->nlmsg_len = (uint32_t)size;
	/* try each parser whatever the type says, with the type set accordingly */
	nlh->nlmsg_type = RTM_NEWROUTE;
	check_route(nlh);
	nlh->nlmsg_type = RTM_NEWADDR;
	check_addr(nlh);
	nlh->nlmsg_type = RTM_NEWLINK;
	check_link(nlh);
	free(nlh);
	return 0;
}
