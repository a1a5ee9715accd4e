/* plat_wake.h - what tells the session that the path under its tunnel may have died without a
 * packet saying so: a change of the route to the gateway or of its link and address (netlink on
 * Linux), the system going to sleep and waking up (logind's PrepareForSleep on the system bus),
 * and the time the machine spent suspended (CLOCK_BOOTTIME runs on through a suspend,
 * CLOCK_MONOTONIC does not). Each source is a descriptor for the loop (plat_loop.h); reading it
 * says whether something happened and why. Where a source is not available (no system bus, no
 * netlink, another OS) its open fails and the session goes on without it. */
#ifndef PLAT_WAKE_H
#define PLAT_WAKE_H

#include <stddef.h>
#include <stdint.h>

#include "plat_net.h"

/* Milliseconds of a clock that also counts time suspended (same origin as plat_now_ms() at boot;
 * the difference of the two grows by the length of each suspend). */
uint64_t plat_boot_ms(void);

/* ---- the path to the gateway ------------------------------------------------------------- */

struct plat_pathmon;

/* Listen to link, address and route changes. NULL with errno set when it cannot. */
struct plat_pathmon *plat_pathmon_open(void);
void plat_pathmon_close(struct plat_pathmon *m);
int plat_pathmon_fd(const struct plat_pathmon *m);
/* The address whose path is watched (the gateway or the proxy the tunnel's TCP goes to); the
 * path the kernel uses now is recorded as the good one. NULL stops watching routes. `tun_ifname`
 * (may be NULL) is left out: changes of the tunnel's own interface are not the path's. */
void plat_pathmon_target(struct plat_pathmon *m, const struct plat_ip *dst, const char *tun_ifname);
/* Drain the pending notifications. 1 when the path changed since the last record (the link went
 * down, the source address went away, the route now leaves by another interface or next hop, or
 * there is none), with a sentence in why; the new path is recorded. 0 when nothing that matters
 * changed, -1 on a socket error (errno; the monitor should be closed). */
int plat_pathmon_read(struct plat_pathmon *m, char *why, size_t whylen);

/* ---- sleep and resume ---------------------------------------------------------------------- */

struct plat_sleepmon;

/* Subscribe to logind's PrepareForSleep on the system bus ($DBUS_SYSTEM_BUS_ADDRESS, else the
 * standard socket). NULL with errno set when there is no bus. */
struct plat_sleepmon *plat_sleepmon_open(void);
void plat_sleepmon_close(struct plat_sleepmon *m);
int plat_sleepmon_fd(const struct plat_sleepmon *m);
/* Process what arrived. 1 when the machine resumed (PrepareForSleep false) since the last call,
 * 0 otherwise (going to sleep is only logged), -1 when the bus connection is gone. */
int plat_sleepmon_read(struct plat_sleepmon *m);

#endif
