/* plat_privsep.h - privilege separation of `sstp connect` (issue 17): the process that holds the
 * network changes stays root; the session (TLS, SSTP, PPP, EAP) is a child that talks to it over
 * a socketpair (plat_netb.h) and gives up every privilege before the first byte from the server.
 * Linux; elsewhere every call fails with -ENOTSUP. */
#ifndef PLAT_PRIVSEP_H
#define PLAT_PRIVSEP_H

#include <stddef.h>

/* socketpair (SOCK_SEQPACKET) and fork. 1 in the parent (*sock its end, *pid the child's), 0 in
 * the child (*sock its end; the other end is closed), -errno if either failed. */
int plat_privsep_fork(int *sock, int *pid);

/* In the parent: SIGTERM, SIGINT and SIGHUP are passed on to pid (the session ends cleanly and
 * then hangs up, which ends the parent's serving). */
int plat_privsep_forward_signals(int pid);

/* In the child: become user (a name or a numeric uid; not root) with its groups, no
 * capabilities left, no_new_privs, not dumpable and no core dumps. 0, or -errno with a sentence
 * in err (-ENOENT: no such user, -EPERM: root asked for or the drop did not hold). */
int plat_privsep_drop(const char *user, char *err, size_t errlen);

#endif
