/* plat_net.h - the one interface through which the session changes the machine's network: TUN
 * device, addresses, routes, DNS, all recorded in a crash-safe undo journal. A table of function
 * pointers, so the OS backend (platform/linux/) and the in-memory fake (platform/fake/,
 * plat_net_fake.h) are interchangeable at run time.
 *
 * Routing choices (Linux backend):
 * - Main table, not a dedicated table. A dedicated table only takes effect through policy rules
 *   (`ip rule`), which then have to exempt the tunnel's own TLS traffic (fwmark or uid rules),
 *   interact with NetworkManager, wg-quick and other VPNs, and are invisible to `ip route`. More
 *   specific prefixes in the main table give the same result with nothing global: the VNet routes
 *   (split tunnel, the default), or 0.0.0.0/1 + 128.0.0.0/1 (and ::/1 + 8000::/1) for a full tunnel,
 *   which win over the user's default route by prefix length without touching it.
 * - Every route we add carries our own routing protocol number (PLAT_NET_RTPROT, shown by
 *   `ip route` as "proto 83" unless named in rt_protos) and is deleted with that number, so undo
 *   can never delete an identical-looking route of the user or of another daemon.
 * - Metric: PLAT_NET_DEFAULT_METRIC (50, the value NetworkManager gives VPN routes) unless the
 *   config says otherwise. A route for a prefix that already exists on another interface with a
 *   different metric coexists with it instead of replacing it.
 * - Before any route is added, plat_net_pin_gateway() asks the kernel (RTM_GETROUTE) how it reaches
 *   the SSTP server now and adds a /32 (/128) host route to it via the same gateway and device, so
 *   the tunnel never routes its own packets into itself.
 *
 * Journal: every change is appended (and fsync'ed) to STATE_DIR/SESSION.journal BEFORE it is made,
 * marked done when undone, and the file is removed when nothing is left. The record format is in
 * plat_journal.h. plat_net_cleanup_stale() replays journals whose owner process is dead.
 *
 * Errors: functions return 0 on success or a negative errno value; plat_net_error() then says why in
 * words meant for the user ("adding route 10.1.0.0/16 dev sstp0: File exists").
 */
#ifndef SSTP_PLAT_NET_H
#define SSTP_PLAT_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PLAT_NET_RTPROT 83          /* routing protocol number on every route we add */
#define PLAT_NET_DEFAULT_METRIC 50u /* metric of tunnel routes unless configured */
#define PLAT_NET_DEFAULT_MTU 1400u
#define PLAT_NET_IFNAME_MAX 16      /* including the NUL, like IFNAMSIZ */
#define PLAT_NET_SESSION_MAX 64     /* session name length limit, NUL excluded */
#define PLAT_NET_ERR_MAX 256

/* ---- addresses ---------------------------------------------------------------------------- */

enum plat_family { PLAT_AF_NONE = 0, PLAT_AF_INET = 4, PLAT_AF_INET6 = 6 };

struct plat_ip {
	uint8_t family; /* enum plat_family */
	uint8_t addr[16]; /* network byte order; IPv4 uses the first 4 bytes, the rest is zero */
};

struct plat_prefix {
	struct plat_ip ip; /* host bits are zero after plat_prefix_parse() */
	uint8_t len;       /* 0..32 or 0..128 */
};

#define PLAT_IP_STRMAX 46     /* INET6_ADDRSTRLEN */
#define PLAT_PREFIX_STRMAX 50 /* address + "/128" */

/* Parse "10.1.2.3" or "fd00::1". 0 or -EINVAL. */
int plat_ip_parse(const char *s, struct plat_ip *out);
/* Parse "10.0.0.0/8", "fd00::/64", or a bare address (host prefix). Host bits are cleared
 * (-EINVAL if strict and any were set). 0 or -EINVAL. */
int plat_prefix_parse(const char *s, bool strict, struct plat_prefix *out);
/* Format into buf (PLAT_IP_STRMAX / PLAT_PREFIX_STRMAX bytes suffice); returns buf ("?" if bad). */
const char *plat_ip_format(const struct plat_ip *ip, char *buf, size_t len);
const char *plat_prefix_format(const struct plat_prefix *p, char *buf, size_t len);
bool plat_ip_equal(const struct plat_ip *a, const struct plat_ip *b);
/* True if ip lies inside p (same family). */
bool plat_prefix_contains(const struct plat_prefix *p, const struct plat_ip *ip);
/* True if the two prefixes share any address (same family). */
bool plat_prefix_overlap(const struct plat_prefix *a, const struct plat_prefix *b);
/* The two halves that cover a family's whole space for a full tunnel (0/1 + 128/1, ::/1 + 8000::/1). */
void plat_full_tunnel_prefixes(enum plat_family fam, struct plat_prefix out[2]);

/* The reverse-lookup zones (in-addr.arpa / ip6.arpa names, no trailing dot) of a prefix, at
 * most max of them into out. A prefix on a label boundary (8 bits IPv4, 4 bits IPv6) is one zone;
 * otherwise it is the zones one boundary longer that cover it (a /20 is 16 /24 zones, an IPv6 /62
 * 4 /64 zones), unless that is more than 16, when it is the enclosing zone one boundary shorter
 * (a /17 is the /16 zone). Returns the number of zones the prefix needs (may exceed max: then
 * only max are written), 0 for a bad prefix. */
#define PLAT_REVERSE_ZONE_MAX 80 /* "f.e.d...ip6.arpa" of a /128 is 73 bytes with the NUL */
size_t plat_prefix_reverse_zones(const struct plat_prefix *p, char (*out)[PLAT_REVERSE_ZONE_MAX],
				 size_t max);

/* ---- DNS ---------------------------------------------------------------------------------- */

enum plat_dns_backend {
	PLAT_DNS_NONE = 0,      /* nothing applied (yet, or --no-dns) */
	PLAT_DNS_RESOLVED,      /* systemd-resolved, per-link servers + routing domains over D-Bus */
	PLAT_DNS_RESOLVCONF,    /* resolvconf/openresolv: resolvconf -a IFACE */
	PLAT_DNS_RESOLV_CONF,   /* direct rewrite of /etc/resolv.conf, original kept as a backup */
	PLAT_DNS_WINDOWS,       /* Windows: the tunnel interface's own DNS servers and suffixes */
};
/* "none", "systemd-resolved", "resolvconf", "resolv.conf", "windows": for `status`. */
const char *plat_dns_backend_name(enum plat_dns_backend b);

#define PLAT_DNS_MAX_SERVERS 8
#define PLAT_DNS_MAX_DOMAINS 16
#define PLAT_DNS_DOMAIN_MAX 253

struct plat_dns_config {
	const struct plat_ip *servers; /* IPv4 and/or IPv6; 1..PLAT_DNS_MAX_SERVERS */
	size_t n_servers;
	const char *const *domains;    /* the VNet's DNS suffixes, may be 0 */
	size_t n_domains;
	/* false (split DNS): only names under `domains` go to these servers (resolved routing
	 * domains; resolvconf/resolv.conf cannot do split DNS and put the servers first plus the
	 * domains as search). true (full tunnel): all queries go to them (resolved: "~."). */
	bool full_tunnel;
	/* Split DNS with servers but no domains: the tunnel's routes. systemd-resolved then asks these
	 * servers every name (default route, as Windows does) and gets their reverse-lookup zones as
	 * routing domains, so PTR queries for tunnel addresses go nowhere else. May be 0. */
	const struct plat_prefix *reverse;
	size_t n_reverse;
	/* PLAT_DNS_NONE = try resolved, then resolvconf, then resolv.conf; else only that one. */
	enum plat_dns_backend force;
};

/* ---- routes and addresses as the OS has them (for overlap checks and diagnostics) ---------- */

struct plat_route_info {
	struct plat_prefix dst;
	struct plat_ip gateway; /* family PLAT_AF_NONE if on-link */
	char ifname[PLAT_NET_IFNAME_MAX];
	uint32_t metric;
	uint32_t table;
};

struct plat_addr_info {
	struct plat_prefix local; /* address and its prefix length */
	struct plat_ip peer;      /* family PLAT_AF_NONE unless point-to-point */
	char ifname[PLAT_NET_IFNAME_MAX];
};

/* ---- the handle ----------------------------------------------------------------------------- */

/* Log sink for warnings and notes the backend has for the user (level: 0 error, 1 warning,
 * 2 info, 3 debug). Called synchronously; msg is valid only during the call. */
typedef void plat_net_log_fn(void *ctx, int level, const char *msg);

struct plat_net_config {
	/* Session name: names the journal (STATE_DIR/SESSION.journal); [A-Za-z0-9._-], 1..64 chars,
	 * not starting with '.'. NULL opens a read-only handle (list/resolve/route_get only; every
	 * change fails with -EPERM). */
	const char *session;
	const char *state_dir;        /* NULL: plat_default_state_dir(); created 0700 if missing */
	/* The resolv.conf backend's copies (they must survive a reboot); NULL:
	 * plat_backup_dir_for(NULL, state_dir). Created 0700 if missing. */
	const char *backup_dir;
	uint32_t metric;              /* 0: PLAT_NET_DEFAULT_METRIC */
	plat_net_log_fn *log;         /* may be NULL */
	void *log_ctx;
	/* Test and expert hooks; NULL means the normal value. */
	const char *resolv_conf_path; /* "/etc/resolv.conf" */
	const char *resolvconf_cmd;   /* "resolvconf" found in PATH (/usr/sbin:/sbin added) */
	const char *busctl_cmd;       /* "busctl" found in PATH */
};

struct plat_pkt {
	uint8_t *buf;  /* caller's buffer */
	size_t cap;    /* its size (>= MTU) */
	size_t len;    /* out: bytes of the packet read */
};

struct plat_net;

struct plat_net_ops {
	const char *name; /* "linux", "fake" */
	/* Create the TUN device: want_name NULL or "" = first free "sstp%d"; else exactly that name
	 * (-EEXIST if a device has it). The fd is non-blocking and close-on-exec and OWNED BY THE
	 * HANDLE: poll it, never close it; it is closed by undo_all/close. */
	int (*tun_create)(struct plat_net *n, const char *want_name);
	/* MTU and link up are not journaled: they disappear with the TUN. */
	int (*set_mtu)(struct plat_net *n, unsigned mtu);
	int (*set_up)(struct plat_net *n);
	/* Add local/prefix_len on the TUN, point-to-point to peer if peer is given (IPCP: local
	 * 10.0.0.2, peer 10.0.0.1, prefix_len 32). IPv6 addresses get no DAD (link-local fe80::IID/64
	 * from IPV6CP, or a global one). */
	int (*addr_add)(struct plat_net *n, const struct plat_ip *local, const struct plat_ip *peer,
			unsigned prefix_len);
	/* Remove an address addr_add put on the TUN, with its journal record (a reconnect that
	 * got a new address swaps it in place). -ENOENT if addr_add did not add it. Optional. */
	int (*addr_del)(struct plat_net *n, const struct plat_ip *local);
	/* Pin a host route to the server (its resolved address) via the path the kernel uses now.
	 * Nothing is added (and 0 returned) when the path is loopback/local or the host route
	 * already exists. Call before the first route_add. */
	int (*pin_gateway)(struct plat_net *n, const struct plat_ip *server);
	/* Kill switch (full tunnel): from now until undo, the machine sends nothing but through
	 * the TUN, to loopback and to gateway:port over TCP (plus DHCP and IPv6 neighbour
	 * discovery on the uplink); forwarded traffic only into the TUN. Journaled; undo removes
	 * it. Call after tun_create. Linux: an nftables table "inet sstp_SESSION"
	 * (platform/linux/killswitch.c). -EEXIST if that table exists already. NULL where the OS
	 * backend has none (Windows for now): plat_net_kill_switch() returns -ENOTSUP. */
	int (*kill_switch)(struct plat_net *n, const struct plat_ip *gateway, uint16_t port);
	/* Route dst into the TUN (device route; host bits are cleared first) with metric, 0 = the
	 * configured one. -EEXIST if a route to dst with that metric already exists (the user's or
	 * another program's): it is left alone and not journaled, the session may go on with a
	 * warning. */
	int (*route_add)(struct plat_net *n, const struct plat_prefix *dst, uint32_t metric);
	/* Apply DNS; *used (may be NULL) says which backend took it. -ENOTSUP if none could. */
	int (*dns_apply)(struct plat_net *n, const struct plat_dns_config *cfg,
			 enum plat_dns_backend *used);
	/* Undo every journaled change in reverse order (DNS, routes, addresses, TUN, gateway pin),
	 * remove the journal. Goes on after a failed step; returns the first error. Idempotent. */
	int (*undo_all)(struct plat_net *n);
	/* Read up to max whole packets without blocking. Returns the count (0: nothing pending),
	 * or a negative errno. A packet longer than cap is dropped (-EMSGSIZE is not returned). */
	int (*tun_read_batch)(struct plat_net *n, struct plat_pkt *pkts, size_t max);
	/* Write one whole packet: 0, -EAGAIN (TUN queue full: drop or retry), or -errno. */
	int (*tun_write)(struct plat_net *n, const uint8_t *pkt, size_t len);
	/* Optional: tun_write may hold packets to coalesce them (TCP segments of one flow, Linux
	 * offload); this writes what is held. Called after each batch of tun_write. */
	void (*tun_flush)(struct plat_net *n);
	/* Resolve a host name (or literal) to up to max addresses, IPv4 first. Returns count or
	 * -errno (-ENOENT: no such host). */
	int (*resolve)(struct plat_net *n, const char *host, struct plat_ip *out, size_t max);
	/* Ask the kernel how it reaches dst now (gateway, device, metric). */
	int (*route_get)(struct plat_net *n, const struct plat_ip *dst, struct plat_route_info *out);
	/* Snapshot of local addresses / main-table unicast routes (both families; for the overlap
	 * check of package routes against the LAN). Returns the count stored
	 * (at most max) or -errno; *total (may be NULL) gets the full count. */
	int (*list_addrs)(struct plat_net *n, struct plat_addr_info *out, size_t max, size_t *total);
	int (*list_routes)(struct plat_net *n, struct plat_route_info *out, size_t max, size_t *total);
	/* Free the handle; undoes whatever is still applied first. */
	void (*destroy)(struct plat_net *n);
};

/* Common head of every backend's handle (backends embed it as their first member). The fields
 * are read through the accessors below. */
struct plat_net {
	const struct plat_net_ops *ops;
	plat_net_log_fn *log;
	void *log_ctx;
	int tun_fd;                         /* -1 until tun_create */
	unsigned tun_ifindex;               /* 0 until tun_create */
	char tun_name[PLAT_NET_IFNAME_MAX]; /* "" until tun_create */
	enum plat_dns_backend dns_used;
	char err[PLAT_NET_ERR_MAX];
};

/* Open the handle of the OS backend built into sstp_platform. Fails with -EBUSY if a live process
 * already owns STATE_DIR/SESSION.journal; a journal of the same name left by a dead process is
 * replayed first (fails if that cannot be completed). The state dir and journal are created at
 * the first change (-EPERM/-EACCES then if they cannot be written). Nothing else on the system
 * changes until the first operation. On failure *out is NULL and
 * err (may be NULL) gets the reason. The caller frees the handle with plat_net_close(). */
int plat_net_open_system(const struct plat_net_config *cfg, struct plat_net **out, char *err,
			 size_t errlen);

/* Thin wrappers over n->ops (platform/plat_net.c); the session calls these. */
int plat_net_tun_create(struct plat_net *n, const char *want_name);
int plat_net_set_mtu(struct plat_net *n, unsigned mtu);
int plat_net_set_up(struct plat_net *n);
int plat_net_addr_add(struct plat_net *n, const struct plat_ip *local, const struct plat_ip *peer,
		      unsigned prefix_len);
int plat_net_addr_del(struct plat_net *n, const struct plat_ip *local);
int plat_net_pin_gateway(struct plat_net *n, const struct plat_ip *server);
int plat_net_route_add(struct plat_net *n, const struct plat_prefix *dst);
/* The same with a metric of its own (0 = the configured one): the session's route set gives a
 * route that must beat an equal one of another interface a lower metric. */
int plat_net_route_add_metric(struct plat_net *n, const struct plat_prefix *dst, uint32_t metric);
int plat_net_kill_switch(struct plat_net *n, const struct plat_ip *gateway, uint16_t port);
/* Why this OS has no kill switch (a sentence after "--kill-switch "), NULL where it has one. */
const char *plat_net_kill_switch_missing(void);
int plat_net_dns_apply(struct plat_net *n, const struct plat_dns_config *cfg,
		       enum plat_dns_backend *used);
int plat_net_undo_all(struct plat_net *n);
int plat_net_tun_read_batch(struct plat_net *n, struct plat_pkt *pkts, size_t max);
int plat_net_tun_write(struct plat_net *n, const uint8_t *pkt, size_t len);
void plat_net_tun_flush(struct plat_net *n);
int plat_net_resolve(struct plat_net *n, const char *host, struct plat_ip *out, size_t max);
int plat_net_route_get(struct plat_net *n, const struct plat_ip *dst, struct plat_route_info *out);
int plat_net_list_addrs(struct plat_net *n, struct plat_addr_info *out, size_t max, size_t *total);
int plat_net_list_routes(struct plat_net *n, struct plat_route_info *out, size_t max,
			 size_t *total);
void plat_net_close(struct plat_net *n); /* NULL is fine */

int plat_net_tun_fd(const struct plat_net *n);               /* -1 before tun_create */
const char *plat_net_tun_name(const struct plat_net *n);     /* "" before tun_create */
unsigned plat_net_tun_ifindex(const struct plat_net *n);     /* 0 before tun_create */
enum plat_dns_backend plat_net_dns_backend(const struct plat_net *n);
const char *plat_net_error(const struct plat_net *n);        /* last error, "" if none */

/* ---- crash recovery ------------------------------------------------------------------------ */

struct plat_cleanup_report {
	unsigned journals_found;    /* journal files looked at */
	unsigned journals_replayed; /* owner dead: replayed (and removed unless something failed) */
	unsigned journals_live;     /* owner alive: left alone */
	unsigned undone;            /* records undone */
	unsigned already_gone;      /* records whose change was no longer there */
	unsigned skipped;           /* records left alone because the system no longer matched them
				     * or a live session claims the same device (a warning is logged) */
	unsigned failed;            /* records whose undo failed (journal kept) */
};

/* Replay the journals in cfg->state_dir whose owner is dead (pid gone, or a different process now
 * has that pid: the process start time is compared, and the boot id). cfg->session NULL = all
 * sessions, else only that one. Undo only what the journal says we added and only if the system
 * still matches it. rep may be NULL. Returns 0, or the first error (journals_* counts are still
 * filled in). Used at `sstp connect` start and by `sstp cleanup`. OS backend. */
int plat_net_cleanup_stale(const struct plat_net_config *cfg, struct plat_cleanup_report *rep);

#endif
