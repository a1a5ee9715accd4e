/* tun.c - the TUN device: pick a free "sstpN" name, attach a non-persistent IFF_TUN|IFF_NO_PI
 * device on /dev/net/tun (it vanishes with the last fd, so even kill -9 removes it), and move
 * whole packets through the non-blocking fd in batches. */
#include "plat_linux.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* <net/if.h> conflicts with <linux/if.h>; declare the one function we need from it. */
extern unsigned int if_nametoindex(const char *ifname);

int plat_tun_pick_name(char name[PLAT_NET_IFNAME_MAX])
{
	for (unsigned i = 0; i < 1000; i++) {
		snprintf(name, PLAT_NET_IFNAME_MAX, "sstp%u", i);
		if (if_nametoindex(name) == 0)
			return 0;
	}
	return -EEXIST;
}

int plat_tun_open(const char *name)
{
	struct ifreq ifr;
	int fd;

	if (!name || strlen(name) >= IFNAMSIZ)
		return -EINVAL;
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	if (strncmp(ifr.ifr_name, name, IFNAMSIZ) != 0) {
		close(fd);
		return -EEXIST;
	}
	return fd;
}

int plat_tun_read_batch(int fd, struct plat_pkt *pkts, size_t max)
{
	size_t got = 0, dropped = 0;

	while (got < max && dropped <= max) {
		ssize_t n = read(fd, pkts[got].buf, pkts[got].cap);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINVAL || errno == EMSGSIZE || errno == EFAULT) {
				dropped++; /* longer than the buffer: the kernel dropped it */
				continue;
			}
			return got ? (int)got : -errno;
		}
		if (n == 0)
			break;
		pkts[got].len = (size_t)n;
		got++;
	}
	return (int)got;
}

int plat_tun_write(int fd, const uint8_t *pkt, size_t len)
{
	for (;;) {
		ssize_t n = write(fd, pkt, len);
		if (n >= 0)
			return (size_t)n == len ? 0 : -EIO;
		if (errno != EINTR)
			return -errno;
	}
}
