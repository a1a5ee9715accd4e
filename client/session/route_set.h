/* route_set.h - the one set of routes a session installs, computed before anything is installed.
 *
 * In: the package's VNet routes, the client address pool (when the profile names one, as Windows'
 * class-based route does), --route entries, full tunnel, the gateway pin, the tunnel's peer
 * address, and the routes the system has now. Out: one list in which
 * - a prefix given twice (by one source or several) appears once, with every source;
 * - a prefix nested in another tunnel prefix is left out, unless a route of the system that is
 *   more specific than the outer prefix would take its traffic elsewhere (then it changes the
 *   path and stays);
 * - a host route equal to the tunnel's peer is left out (the address already routes it), and one
 *   equal to the gateway's own address is left to the pin, which keeps routes that contain the
 *   gateway from capturing the tunnel's own packets (the pin is longer, so it wins);
 * - a prefix that exists already on another interface with a metric that beats or equals ours is
 *   a conflict, resolved as asked: ROUTE_CONFLICT_PREFER_TUNNEL installs ours with a lower metric
 *   than the other route, ROUTE_CONFLICT_SKIP leaves ours out. Either way the entry names the
 *   other route so that the caller can warn.
 * Pure: no OS call, no allocation; IPv4 and IPv6 (struct plat_prefix from plat_net.h). */
#ifndef SSTP_ROUTE_SET_H
#define SSTP_ROUTE_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plat_net.h"

/* Where a route came from (bits; one entry may have several). */
enum route_src {
	ROUTE_SRC_PACKAGE = 1u << 0, /* the package's / profile's VNet routes */
	ROUTE_SRC_POOL = 1u << 1,    /* the client address pool */
	ROUTE_SRC_OPTION = 1u << 2,  /* --route */
	ROUTE_SRC_FULL = 1u << 3,    /* --full-tunnel halves */
	ROUTE_SRC_PIN = 1u << 4,     /* the host route to the gateway via the current path */
};
#define ROUTE_SRC_ALL 0x1fu

enum route_conflict {
	ROUTE_CONFLICT_PREFER_TUNNEL = 0, /* default: ours with a lower metric than the other route */
	ROUTE_CONFLICT_SKIP,              /* ours left out; the other route keeps the traffic */
};

/* What the caller does with an entry. */
enum route_action {
	ROUTE_ADD = 0,           /* route into the tunnel with `metric` */
	ROUTE_PIN,               /* the gateway pin (plat_net_pin_gateway), not into the tunnel */
	ROUTE_SKIP_CONFLICT,     /* left out by --route-conflict skip: install nothing */
};

#define ROUTE_SET_MAX_INPUT 512  /* input items looked at, more are counted as dropped */
#define ROUTE_SET_MAX_EXISTING 1024

struct route_set_item {
	struct plat_prefix dst;
	unsigned src; /* ROUTE_SRC_PACKAGE, _POOL or _OPTION */
};

struct route_set_input {
	const struct route_set_item *items;
	size_t n_items;
	bool full_tunnel;                   /* both families' halves */
	const struct plat_ip *gateway;      /* the server's address to pin, or NULL */
	const struct plat_ip *peer4;        /* the tunnel's IPv4 peer, or NULL */
	const struct plat_ip *peer6;        /* the tunnel's IPv6 peer, or NULL */
	const struct plat_route_info *existing; /* the system's routes now (main table), may be 0 */
	size_t n_existing;
	const char *tun_ifname;             /* routes on it are not conflicts; may be NULL */
	uint32_t metric;                    /* ours; 0 = PLAT_NET_DEFAULT_METRIC */
	enum route_conflict conflict;
};

struct route_set_entry {
	struct plat_prefix dst;
	unsigned src;              /* ROUTE_SRC_* bits */
	enum route_action action;
	uint32_t metric;           /* ROUTE_ADD: the metric to install with */
	bool conflict;             /* another interface has this prefix (other_* say which) */
	bool conflict_lost;        /* prefer-tunnel could not find a lower metric: the other wins */
	char other_ifname[PLAT_NET_IFNAME_MAX];
	struct plat_ip other_gw;   /* family PLAT_AF_NONE if on-link */
	uint32_t other_metric;
};

struct route_set_stats {
	size_t invalid;    /* items with a bad family, length or source: left out */
	size_t merged;     /* duplicates folded into an earlier entry */
	size_t nested;     /* left out: inside another tunnel prefix on the same path */
	size_t peer;       /* left out: the tunnel's peer */
	size_t pinned;     /* left out: the gateway's own host route (the pin has it) */
	size_t overflow;   /* left out: more than the output could hold */
};

/* Compute the set into out[0..max). Entries come out IPv4 first, then IPv6, each family shortest
 * prefix first, the pin last. Returns the count (never more than max). stats may be NULL. */
size_t route_set_compute(const struct route_set_input *in, struct route_set_entry *out, size_t max,
			 struct route_set_stats *stats);

/* "package,pool,option": the sources of src in that fixed order, "" for none. Returns buf. */
const char *route_set_src_format(unsigned src, char *buf, size_t len);
/* "skip" / "prefer-tunnel" -> the enum; -1 if neither. */
int route_conflict_parse(const char *s);
const char *route_conflict_name(enum route_conflict c);

#endif
