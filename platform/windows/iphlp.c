/* iphlp.c - addresses and routes through the IP Helper API: the rows handed to
 * CreateUnicastIpAddressEntry / CreateIpForwardEntry2 (built by pure functions the unit tests
 * check), the calls themselves, GetBestRoute2 for the gateway pin, the per-interface MTU, and the
 * snapshots of the address and route tables. */
#include "plat_win_net.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void plat_win_to_sockaddr(const struct plat_ip *ip, SOCKADDR_INET *out)
{
	memset(out, 0, sizeof(*out));
	if (ip && ip->family == PLAT_AF_INET) {
		out->Ipv4.sin_family = AF_INET;
		memcpy(&out->Ipv4.sin_addr, ip->addr, 4);
	} else if (ip && ip->family == PLAT_AF_INET6) {
		out->Ipv6.sin6_family = AF_INET6;
		memcpy(&out->Ipv6.sin6_addr, ip->addr, 16);
	}
}

int plat_win_from_sockaddr(const SOCKADDR_INET *in, struct plat_ip *out)
{
	memset(out, 0, sizeof(*out));
	if (in->si_family == AF_INET) {
		out->family = PLAT_AF_INET;
		memcpy(out->addr, &in->Ipv4.sin_addr, 4);
		return 0;
	}
	if (in->si_family == AF_INET6) {
		out->family = PLAT_AF_INET6;
		memcpy(out->addr, &in->Ipv6.sin6_addr, 16);
		return 0;
	}
	return -EAFNOSUPPORT;
}

static unsigned max_len(uint8_t family)
{
	return family == PLAT_AF_INET ? 32u : family == PLAT_AF_INET6 ? 128u : 0u;
}

int plat_win_addr_row(const struct plat_ip *local, unsigned prefix_len, uint32_t ifindex,
		      MIB_UNICASTIPADDRESS_ROW *row)
{
	if (!local || !max_len(local->family) || prefix_len > max_len(local->family) || !ifindex)
		return -EINVAL;
	memset(row, 0, sizeof(*row));
	plat_win_to_sockaddr(local, &row->Address);
	row->InterfaceIndex = ifindex;
	row->OnLinkPrefixLength = (UINT8)prefix_len;
	row->PrefixOrigin = IpPrefixOriginManual;
	row->SuffixOrigin = IpSuffixOriginManual;
	row->ValidLifetime = 0xffffffffu; /* infinite */
	row->PreferredLifetime = 0xffffffffu;
	row->DadState = IpDadStatePreferred; /* a point-to-point tunnel has nobody to collide with */
	row->SkipAsSource = FALSE;
	return 0;
}

int plat_win_route_row(const struct plat_prefix *dst, const struct plat_ip *gw, uint32_t ifindex,
		       uint32_t metric, MIB_IPFORWARD_ROW2 *row)
{
	if (!dst || !max_len(dst->ip.family) || dst->len > max_len(dst->ip.family) || !ifindex)
		return -EINVAL;
	if (gw && gw->family && gw->family != dst->ip.family)
		return -EINVAL;
	memset(row, 0, sizeof(*row));
	row->InterfaceIndex = ifindex;
	plat_win_to_sockaddr(&dst->ip, &row->DestinationPrefix.Prefix);
	row->DestinationPrefix.PrefixLength = dst->len;
	if (gw && gw->family) {
		plat_win_to_sockaddr(gw, &row->NextHop);
	} else { /* on-link: the unspecified address of the destination's family */
		struct plat_ip any = { .family = dst->ip.family };

		plat_win_to_sockaddr(&any, &row->NextHop);
	}
	row->SitePrefixLength = 0;
	row->ValidLifetime = 0xffffffffu;
	row->PreferredLifetime = 0xffffffffu;
	row->Metric = metric;
	row->Protocol = MIB_IPPROTO_NETMGMT; /* a static route, like `route add` makes */
	row->Loopback = FALSE;
	row->AutoconfigureAddress = FALSE;
	row->Publish = FALSE;
	row->Immortal = FALSE;
	row->Origin = NlroManual;
	return 0;
}

static int iph_errno(DWORD e)
{
	if (e == ERROR_OBJECT_ALREADY_EXISTS)
		return -EEXIST;
	if (e == ERROR_NOT_FOUND || e == ERROR_FILE_NOT_FOUND)
		return -ENOENT;
	return plat_win_errno(e);
}

int plat_win_addr_add(const MIB_UNICASTIPADDRESS_ROW *row)
{
	return iph_errno(CreateUnicastIpAddressEntry(row));
}

int plat_win_addr_del(const MIB_UNICASTIPADDRESS_ROW *row)
{
	return iph_errno(DeleteUnicastIpAddressEntry(row));
}

int plat_win_route_add(const MIB_IPFORWARD_ROW2 *row)
{
	return iph_errno(CreateIpForwardEntry2(row));
}

int plat_win_route_del(const MIB_IPFORWARD_ROW2 *row)
{
	return iph_errno(DeleteIpForwardEntry2(row));
}

int plat_win_set_mtu(uint32_t ifindex, enum plat_family fam, unsigned mtu)
{
	MIB_IPINTERFACE_ROW row;
	DWORD e;

	memset(&row, 0, sizeof(row));
	InitializeIpInterfaceEntry(&row);
	row.Family = fam == PLAT_AF_INET6 ? AF_INET6 : AF_INET;
	row.InterfaceIndex = ifindex;
	if ((e = GetIpInterfaceEntry(&row)) != NO_ERROR)
		return iph_errno(e);
	row.NlMtu = mtu;
	if (row.Family == AF_INET)
		row.SitePrefixLength = 0; /* must be 0 for IPv4 when writing the row back */
	return iph_errno(SetIpInterfaceEntry(&row));
}

void plat_win_ifname(uint32_t ifindex, char out[PLAT_NET_IFNAME_MAX])
{
	NET_LUID luid;
	wchar_t alias[IF_MAX_STRING_SIZE + 1];
	char u8[3 * (IF_MAX_STRING_SIZE + 1)];

	snprintf(out, PLAT_NET_IFNAME_MAX, "if%u", (unsigned)ifindex);
	if (ConvertInterfaceIndexToLuid(ifindex, &luid) != NO_ERROR ||
	    ConvertInterfaceLuidToAlias(&luid, alias, IF_MAX_STRING_SIZE + 1) != NO_ERROR ||
	    plat_win_narrow(alias, u8, sizeof(u8)) != 0)
		return;
	/* journal names have no spaces ("Ethernet 2" -> "Ethernet_2") and fit 15 bytes */
	for (char *p = u8; *p; p++)
		if (*p == ' ' || *p == '/' || (unsigned char)*p < 0x21)
			*p = '_';
	snprintf(out, PLAT_NET_IFNAME_MAX, "%.*s", PLAT_NET_IFNAME_MAX - 1, u8);
}

int plat_win_best_route(const struct plat_ip *dst, struct plat_route_info *out, uint32_t *ifindex)
{
	SOCKADDR_INET d, src;
	MIB_IPFORWARD_ROW2 row;
	DWORD e;

	plat_win_to_sockaddr(dst, &d);
	memset(&row, 0, sizeof(row));
	e = GetBestRoute2(NULL, 0, NULL, &d, 0, &row, &src);
	if (e != NO_ERROR)
		return e == ERROR_NETWORK_UNREACHABLE || e == ERROR_HOST_UNREACHABLE ? -ENETUNREACH
										     : iph_errno(e);
	memset(out, 0, sizeof(*out));
	plat_win_from_sockaddr(&row.DestinationPrefix.Prefix, &out->dst.ip);
	out->dst.len = row.DestinationPrefix.PrefixLength;
	if (plat_win_from_sockaddr(&row.NextHop, &out->gateway) == 0) {
		static const uint8_t zero[16];

		if (memcmp(out->gateway.addr, zero, 16) == 0)
			out->gateway.family = PLAT_AF_NONE; /* on-link */
	}
	out->metric = row.Metric;
	plat_win_ifname(row.InterfaceIndex, out->ifname);
	if (ifindex)
		*ifindex = row.InterfaceIndex;
	return 0;
}

int plat_win_list_addrs(struct plat_addr_info *out, size_t max, size_t *total)
{
	MIB_UNICASTIPADDRESS_TABLE *t = NULL;
	size_t n = 0;
	DWORD e = GetUnicastIpAddressTable(AF_UNSPEC, &t);

	if (e != NO_ERROR)
		return iph_errno(e);
	for (ULONG i = 0; i < t->NumEntries; i++) {
		const MIB_UNICASTIPADDRESS_ROW *r = &t->Table[i];

		if (n < max) {
			memset(&out[n], 0, sizeof(out[n]));
			if (plat_win_from_sockaddr(&r->Address, &out[n].local.ip) != 0)
				continue;
			out[n].local.len = r->OnLinkPrefixLength;
			plat_win_ifname(r->InterfaceIndex, out[n].ifname);
		}
		n++;
	}
	FreeMibTable(t);
	if (total)
		*total = n;
	return (int)(n < max ? n : max);
}

int plat_win_list_routes(struct plat_route_info *out, size_t max, size_t *total)
{
	MIB_IPFORWARD_TABLE2 *t = NULL;
	size_t n = 0;
	DWORD e = GetIpForwardTable2(AF_UNSPEC, &t);

	if (e != NO_ERROR)
		return iph_errno(e);
	for (ULONG i = 0; i < t->NumEntries; i++) {
		const MIB_IPFORWARD_ROW2 *r = &t->Table[i];

		if (n < max) {
			static const uint8_t zero[16];

			memset(&out[n], 0, sizeof(out[n]));
			if (plat_win_from_sockaddr(&r->DestinationPrefix.Prefix, &out[n].dst.ip) != 0)
				continue;
			out[n].dst.len = r->DestinationPrefix.PrefixLength;
			if (plat_win_from_sockaddr(&r->NextHop, &out[n].gateway) == 0 &&
			    memcmp(out[n].gateway.addr, zero, 16) == 0)
				out[n].gateway.family = PLAT_AF_NONE;
			out[n].metric = r->Metric;
			plat_win_ifname(r->InterfaceIndex, out[n].ifname);
		}
		n++;
	}
	FreeMibTable(t);
	if (total)
		*total = n;
	return (int)(n < max ? n : max);
}
