/* privsep.c - privilege separation (plat_privsep.h) and the net broker's transport
 * (plat_netb.h): not on Windows yet, where the service (SYSTEM) runs the session. */
#include <errno.h>
#include <stdio.h>

#include "plat_netb.h"
#include "plat_privsep.h"

int plat_privsep_fork(int *sock, int *pid)
{
	*sock = -1;
	*pid = 0;
	return -ENOTSUP;
}

int plat_privsep_forward_signals(int pid)
{
	(void)pid;
	return -ENOTSUP;
}

int plat_privsep_drop(const char *user, char *err, size_t errlen)
{
	(void)user;
	snprintf(err, errlen, "running the session as another user is not supported on Windows");
	return -ENOTSUP;
}

int plat_netb_send(int sock, const uint8_t *msg, size_t len, int fd_pass)
{
	(void)sock, (void)msg, (void)len, (void)fd_pass;
	return -ENOTSUP;
}

int plat_netb_recv(int sock, uint8_t *buf, size_t cap, int *fd_recv)
{
	(void)sock, (void)buf, (void)cap;
	if (fd_recv)
		*fd_recv = -1;
	return -ENOTSUP;
}

int plat_net_broker_open(int sock, const struct plat_net_config *cfg, struct plat_net **out)
{
	(void)sock, (void)cfg;
	*out = NULL;
	return -ENOTSUP;
}
