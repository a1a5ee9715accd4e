/* wake.c - plat_wake.h on Windows: not built yet (NotifyRouteChange2 and the power broadcast
 * would be its sources). Both monitors fail to open with ENOSYS, so the session relies on its
 * echoes alone; the suspend-aware clock is the tick count that includes sleep. */
#include "plat_wake.h"

#include <errno.h>
#include <windows.h>

uint64_t plat_boot_ms(void)
{
	return (uint64_t)GetTickCount64(); /* counts time asleep */
}

struct plat_pathmon *plat_pathmon_open(void)
{
	errno = ENOSYS;
	return NULL;
}

void plat_pathmon_close(struct plat_pathmon *m)
{
	(void)m;
}

int plat_pathmon_fd(const struct plat_pathmon *m)
{
	(void)m;
	return -1;
}

void plat_pathmon_target(struct plat_pathmon *m, const struct plat_ip *dst, const char *tun_ifname)
{
	(void)m;
	(void)dst;
	(void)tun_ifname;
}

int plat_pathmon_read(struct plat_pathmon *m, char *why, size_t whylen)
{
	(void)m;
	(void)why;
	(void)whylen;
	return 0;
}

struct plat_sleepmon *plat_sleepmon_open(void)
{
	errno = ENOSYS;
	return NULL;
}

void plat_sleepmon_close(struct plat_sleepmon *m)
{
	(void)m;
}

int plat_sleepmon_fd(const struct plat_sleepmon *m)
{
	(void)m;
	return -1;
}

int plat_sleepmon_read(struct plat_sleepmon *m)
{
	(void)m;
	return 0;
}
