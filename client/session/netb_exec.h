/* netb_exec.h - the privileged side of the net broker (platform/plat_netb.h): decodes each
 * request of the unprivileged session, checks it against the profile's policy and only then
 * makes the change through its own plat_net handle (which journals it). What it allows:
 * - one TUN, named as the profile says (or the first free sstpN); its descriptor goes back
 *   with the reply;
 * - MTU 68..65535, link up, only on that TUN;
 * - IPv4 addresses /32 that pass the IPCP rules of ipcp_check.h (no loopback, multicast,
 *   broadcast, link-local, the gateway's address or an address inside a local network); IPv6
 *   only fe80::IID/64 with the IPv6CP rules; at most NETB_EXEC_MAX_ADDRS;
 * - the gateway pin only to one of the policy's server addresses;
 * - routes only to prefixes the policy lists, plus the full-tunnel halves when it allows the full
 *   tunnel; at most the policy's count;
 * - DNS only when allowed, scoped to the link unless the full tunnel is allowed, with servers
 *   that are unicast and domains that are host names;
 * - undo of everything, also when the session goes away (netb_exec_serve).
 * Every refusal answers -EPERM with a sentence and is logged. */
#ifndef SSTP_NETB_EXEC_H
#define SSTP_NETB_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plat_net.h"

#define NETB_EXEC_MAX_ADDRS 4

struct netb_policy {
	const char *ifname;                /* the TUN's name; NULL or "" = the first free sstpN */
	const struct plat_ip *gateways;    /* the server's addresses (pin, IPCP check) */
	size_t n_gateways;
	const struct plat_prefix *routes;  /* the prefixes the profile may route into the tunnel */
	size_t n_routes;
	bool full_tunnel;                  /* the halves of both families and DNS for all names */
	size_t max_routes;                 /* 0 = n_routes (+4 with the full tunnel) */
	bool dns;                          /* DNS may be applied at all */
	enum plat_dns_backend dns_force;   /* PLAT_DNS_RESOLVED = per-link only; NONE = any */
};

struct netb_exec {
	struct plat_net *net;              /* the privileged handle (journaled), not owned */
	struct netb_policy pol;            /* pointers must outlive the executor */
	bool tun;                          /* the TUN exists */
	size_t n_addrs, n_routes;
	char last[PLAT_NET_ERR_MAX];       /* the last refusal, for logs and tests */
};

void netb_exec_init(struct netb_exec *x, struct plat_net *net, const struct netb_policy *pol);

/* Handle one request message: the reply into rep[0..cap) and its length; *fd_pass gets the
 * descriptor to send with it (TUN_CREATE) or -1. -1 if the request is malformed (the session
 * is not to be trusted any more: the caller undoes everything and hangs up), why says what. */
int netb_exec_handle(struct netb_exec *x, const uint8_t *req, size_t len, uint8_t *rep,
		     size_t cap, int *fd_pass, char *why, size_t whylen);

/* Serve requests on sock until the session hangs up or sends a malformed message; then undo
 * everything still applied. 0 when the peer closed cleanly, -1 otherwise (why says what). */
int netb_exec_serve(struct netb_exec *x, int sock, char *why, size_t whylen);

#endif
