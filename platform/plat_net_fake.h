/* plat_net_fake.h - in-memory plat_net backend for unit tests of the session (platform/fake/).
 * Records every call as one text line, keeps the set of applied changes so a test can check that
 * everything was undone, injects failures, and gives the TUN as a SOCK_SEQPACKET socketpair so
 * poll() and packet boundaries work as with a real TUN (the test owns the other end). */
#ifndef SSTP_PLAT_NET_FAKE_H
#define SSTP_PLAT_NET_FAKE_H

#include "plat_net.h"

/* Open a fake handle (cfg may be NULL; only session, log and log_ctx are used). Never touches the
 * system. Free with plat_net_close(). 0 or -ENOMEM. */
int plat_net_fake_open(const struct plat_net_config *cfg, struct plat_net **out);

/* The call log, one line per call, in order. Lines (addresses as plat_ip_format prints them):
 *   tun_create sstp0                    (want_name, or "sstp0" when none was asked for)
 *   set_mtu 1400 | set_up
 *   addr_add 10.0.0.2 peer 10.0.0.1/32  (" peer X" only when a peer was given)
 *   pin_gateway 203.0.113.5
 *   kill_switch 203.0.113.5 port 443   (undone as "undo kill_switch")
 *   route_add 10.1.0.0/16 ("route_add 10.1.0.0/16 metric 49" with a metric of its own)
 *   dns_apply systemd-resolved|resolvconf|resolv.conf servers=A,B domains=d1,d2 split|full
 *   undo_all, then one "undo <what as above without the verb's args prefix>" per change, newest
 *   first: "undo dns", "undo route 10.1.0.0/16", "undo pin 203.0.113.5",
 *   "undo addr 10.0.0.2", "undo tun sstp0"
 *   resolve HOST | route_get IP | list_addrs | list_routes | tun_write LEN
 * A call that failed (injected) is logged with " -> -ERRNO" appended. The string is owned by the
 * handle and valid until the next call on it. */
const char *plat_net_fake_log(const struct plat_net *n);
void plat_net_fake_clear_log(struct plat_net *n);
/* True if the log contains this exact line. */
bool plat_net_fake_logged(const struct plat_net *n, const char *line);

/* Number of changes currently applied (tun, addresses, pin, routes, dns); 0 after undo_all. */
size_t plat_net_fake_applied(const struct plat_net *n);

/* Make the next call of op ("tun_create", "route_add", "dns_apply", "resolve", ...) fail with err
 * (negative errno). after > 0 lets that many calls of op succeed first. One rule per op. */
void plat_net_fake_fail(struct plat_net *n, const char *op, unsigned after, int err);

/* Which backend dns_apply reports as used (default PLAT_DNS_RESOLVED) unless cfg->force is set. */
void plat_net_fake_set_dns_backend(struct plat_net *n, enum plat_dns_backend b);

/* The test's end of the TUN socketpair (-1 before tun_create): write() here is a packet the OS
 * sends into the tunnel (tun_read_batch sees it), read() gets what tun_write wrote. Owned by the
 * handle. */
int plat_net_fake_peer_fd(const struct plat_net *n);

/* Answers for resolve (host -> addresses); unknown hosts give -ENOENT, IP literals resolve to
 * themselves. 0 or -ENOMEM/-E2BIG. */
int plat_net_fake_add_host(struct plat_net *n, const char *host, const struct plat_ip *ip);
/* Entries list_addrs/list_routes return, and that route_get uses (longest prefix match; with no
 * entry route_get gives -ENETUNREACH). 0 or -E2BIG. */
int plat_net_fake_add_addr(struct plat_net *n, const struct plat_addr_info *a);
int plat_net_fake_add_route(struct plat_net *n, const struct plat_route_info *r);

#endif
