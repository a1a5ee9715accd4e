/* vpnc_env.h - the environment a vpnc-script compatible program (Debian's vpnc-scripts, vpn-slice)
 * expects from its VPN client, built from what the tunnel negotiated and what the profile asks
 * for: reason, TUNDEV, VPNGATEWAY, VPNPID, INTERNAL_IP4_* and INTERNAL_IP6_*, the split routes as
 * CISCO_SPLIT_INC / CISCO_IPV6_SPLIT_INC, and the DNS domains as CISCO_DEF_DOMAIN. Pure: strings
 * in, "NAME=value" strings out. */
#ifndef SSTP_VPNC_ENV_H
#define SSTP_VPNC_ENV_H

#include <stdbool.h>
#include <stddef.h>

#include "plat_net.h"

#define SSTP_VPNC_ENV_MAX 2048 /* variables at most (a route takes 4) */

struct sstp_vpnc_info {
	const char *reason;            /* pre-init, connect, disconnect, reconnect, attempt-reconnect */
	const char *tundev;            /* "" before the TUN exists */
	const struct plat_ip *gateway; /* the address connected to, or NULL */
	int pid;                       /* VPNPID: the process to signal to end the session */
	const struct plat_ip *ip4;     /* tunnel address, or NULL before IPCP */
	const struct plat_ip *ip4_peer;
	unsigned mtu;                  /* 0: not known */
	const struct plat_ip *dns;     /* servers to use */
	size_t n_dns;
	const char *const *domains;
	size_t n_domains;
	const struct plat_prefix *routes; /* split routes (IPv4 and IPv6) */
	size_t n_routes;
	bool full_tunnel;              /* no CISCO_SPLIT_INC: the script routes everything */
	bool no_routes;                /* CISCO_SPLIT_INC=0: the script adds no route */
	const struct plat_ip *ip6;     /* IPv6 tunnel address, or NULL */
	unsigned ip6_prefix;
	const char *banner;            /* CISCO_BANNER, or NULL (SSTP servers send none) */
};

/* A NULL-terminated array of malloc'ed "NAME=value" strings (free with sstp_vpnc_env_free).
 * NULL when out of memory or over SSTP_VPNC_ENV_MAX. */
char **sstp_vpnc_env(const struct sstp_vpnc_info *in);
void sstp_vpnc_env_free(char **env);

#endif
