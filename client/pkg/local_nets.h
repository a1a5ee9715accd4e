/* local_nets.h - the machine's local networks (interface addresses and main-table routes, from
 * platform/) as struct sstp_local_net for the overlap warning of pkg.h (sstp_pkg_overlaps), and
 * the warning itself for `sstp import` and `sstp connect`. A warning, never a failure. */
#ifndef SSTP_LOCAL_NETS_H
#define SSTP_LOCAL_NETS_H

#include <stddef.h>

#include "pkg.h"
#include "plat_net.h"
#include "profile.h"

#define SSTP_LOCAL_ADDRS_MAX 128
#define SSTP_LOCAL_ROUTES_MAX 512

/* What the platform reported, and the networks made from it (nets[k].ifname points into
 * addrs/routes, so the struct must stay where it is while nets are used). */
struct sstp_local_nets {
	struct plat_addr_info addrs[SSTP_LOCAL_ADDRS_MAX];
	struct plat_route_info routes[SSTP_LOCAL_ROUTES_MAX];
	struct sstp_local_net nets[SSTP_LOCAL_ADDRS_MAX + SSTP_LOCAL_ROUTES_MAX];
	size_t n_addrs, n_routes, n;
};

/* Fill ln->nets from ln->addrs[0..n_addrs) and ln->routes[0..n_routes): an address becomes its
 * network (address/prefix, or the peer as a host for point-to-point links), a route its
 * destination. Default routes, entries of other families and routes through skip_if (the
 * tunnel's interface; NULL or "" for none) are left out. Returns ln->n. */
size_t sstp_local_nets_build(struct sstp_local_nets *ln, const char *skip_if);

/* Read the addresses and routes through net (NULL: a read-only handle is opened and closed
 * here) and build the networks. 0, or -1 when the platform cannot list them (ln->n is 0 then). */
int sstp_local_nets_read(struct sstp_local_nets *ln, struct plat_net *net);

/* Log (sstp_warn) one line per overlap between the profile's routes/pools and the local
 * networks; returns how many overlaps there are. */
size_t sstp_local_nets_warn(const struct sstp_local_nets *ln, const struct sstp_profile *p);

#endif
