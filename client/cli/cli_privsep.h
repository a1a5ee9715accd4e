/* cli_privsep.h - `sstp connect --run-as USER` (the helper passes it for a user's own profile):
 * the process splits in two before the first byte from the server. The parent stays root, keeps
 * the journaled network handle and serves the net broker (client/session/netb_exec.h) with a
 * policy made from the profile; the child becomes USER (platform/plat_privsep.h) right after its
 * control socket exists and runs TLS, SSTP, PPP and EAP with a broker plat_net handle. */
#ifndef SSTP_CLI_PRIVSEP_H
#define SSTP_CLI_PRIVSEP_H

#include "cli_setup.h"
#include "plat_net.h"

/* Split. In the child: 0, *net replaced by the broker handle (the privileged one is closed).
 * In the parent: 1 once the child ended, *code its exit code (the network changes are undone and
 * the control socket removed). -1 with *code and a sentence in err if the split failed. */
int sstp_privsep_split(struct sstp_conn_setup *su, const char *user, struct plat_net **net,
		       int *code, char *err, size_t errlen);

/* In the child, once the control socket exists: become the user. 0 or an exit code (logged). */
int sstp_privsep_lockdown(const char *user);

#endif
