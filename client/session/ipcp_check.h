/* ipcp_check.h - whether the addresses a gateway assigned through IPCP (and the interface
 * identifiers of IPv6CP) are safe to put on the tunnel. A hostile gateway could otherwise name
 * the LAN router, loopback, a multicast group or its own address, and the route the kernel adds
 * for the peer would pull that traffic into the tunnel whatever the profile says. Pure: the
 * machine's interface addresses are given by the caller (plat_net_list_addrs). */
#ifndef SSTP_IPCP_CHECK_H
#define SSTP_IPCP_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "plat_net.h"

/* Check the local and peer IPv4 addresses of IPCP (network byte order; a peer of 0.0.0.0 means
 * "none given" and is accepted). Refused: an unspecified local address, 0/8, loopback 127/8,
 * link-local 169.254/16, multicast 224/4, reserved 240/4 and the broadcast address, local equal
 * to peer, either equal to gateway (the server's address; NULL or not IPv4 to skip), or either
 * inside the network of one of the machine's interface addresses addrs[0..n). A point-to-point
 * interface's network is its own address (/32), and its peer host too for the local address
 * only (tunnels to one server share the server's peer address). Interfaces named skip_if are
 * left out. 0, or -1 with a sentence in why. */
int sstp_ipcp_check_v4(const uint8_t local[4], const uint8_t peer[4],
		       const struct plat_ip *gateway, const struct plat_addr_info *addrs, size_t n,
		       const char *skip_if, char *why, size_t whylen);

/* Check the interface identifiers of IPv6CP (the tunnel's addresses are fe80::IID): the local
 * one must not be zero, and the two must differ. 0, or -1 with a sentence in why. */
int sstp_ipcp_check_v6(const uint8_t local_iid[8], const uint8_t peer_iid[8], char *why,
		       size_t whylen);

#endif
