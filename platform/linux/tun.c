/* tun.c - the TUN device: pick a free "sstpN" name, attach a non-persistent IFF_TUN|IFF_NO_PI
 * device on /dev/net/tun (it vanishes with the last fd, so even kill -9 removes it), and move
 * whole packets through the non-blocking fd. With offload (IFF_VNET_HDR + TUNSETOFFLOAD: TSO for
 * IPv4 and IPv6, checksum), one read brings a TCP super-packet of up to 64 KiB that plat_gso.c
 * cuts into MTU-sized packets, so the kernel is entered once per ~40 packets instead of each. */
#include "plat_linux.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
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

int plat_tun_open(const char *name, bool offload, bool *vnet)
{
	struct ifreq ifr;
	int fd;

	*vnet = false;
	if (!name || strlen(name) >= IFNAMSIZ)
		return -EINVAL;
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI | (offload ? IFF_VNET_HDR : 0);
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
	if (offload) {
		int sz = PLAT_VNET_HDR_LEN;
		/* the header stays on even if the kernel refuses the offloads: packets then come whole */
		if (ioctl(fd, TUNSETVNETHDRSZ, &sz) != 0) {
			int e = -errno;
			close(fd);
			return e;
		}
		(void)ioctl(fd, TUNSETOFFLOAD, (unsigned long)(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6));
		*vnet = true;
	}
	return fd;
}

/* The next packet of the pending super-packet into p: 1, 0 when none is left, -1 when the rest
 * is dropped (malformed, or a packet larger than the caller's buffer). */
static int gso_take(struct plat_tun_rx *rx, struct plat_pkt *p)
{
	if (!rx->pending)
		return 0;
	int n = plat_gso_next(&rx->g, p->buf, p->cap);
	if (n > 0) {
		p->len = (size_t)n;
		return 1;
	}
	rx->pending = false;
	return n == 0 ? 0 : -1;
}

/* One read of a virtio-net header and (super-)packet into rx's buffer: 1 when it is pending,
 * 0 (nothing to read), -1 (dropped) or -errno. */
static int vnet_read(int fd, struct plat_tun_rx *rx)
{
	if (!rx->buf && !(rx->buf = malloc(PLAT_VNET_HDR_LEN + PLAT_GSO_MAX)))
		return -ENOMEM;
	for (;;) {
		ssize_t n = read(fd, rx->buf, PLAT_VNET_HDR_LEN + PLAT_GSO_MAX);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
		if (n == 0)
			return 0;
		if (plat_gso_start(&rx->g, rx->buf, (size_t)n) != 0)
			return -1;
		rx->pending = true;
		return 1;
	}
}

int plat_tun_vnet_read_batch(int fd, struct plat_tun_rx *rx, struct plat_pkt *pkts, size_t max)
{
	size_t got = 0, dropped = 0;

	while (got < max && dropped <= max) {
		int r = gso_take(rx, &pkts[got]);
		if (r > 0) {
			got++;
			continue;
		}
		if (r < 0) {
			dropped++;
			continue;
		}
		r = vnet_read(fd, rx);
		if (r == 0)
			break;
		if (r == -1) {
			dropped++;
			continue;
		}
		if (r < 0)
			return got ? (int)got : r;
	}
	return (int)got;
}

int plat_tun_vnet_write(int fd, const uint8_t *pkt, size_t len)
{
	static const uint8_t hdr[PLAT_VNET_HDR_LEN]; /* no offload asked: checksums are complete */
	struct iovec iov[2] = {{(void *)hdr, sizeof(hdr)}, {(void *)pkt, len}};

	for (;;) {
		ssize_t n = writev(fd, iov, 2);
		if (n >= 0)
			return (size_t)n == len + sizeof(hdr) ? 0 : -EIO;
		if (errno != EINTR)
			return -errno;
	}
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	for (;;) {
		ssize_t n = write(fd, p, len);
		if (n >= 0)
			return (size_t)n == len ? 0 : -EIO;
		if (errno != EINTR)
			return -errno;
	}
}

void plat_tun_gro_flush(int fd, struct plat_gro *gro)
{
	const uint8_t *p;
	size_t n = plat_gro_finish(gro, &p);

	if (n)
		(void)write_all(fd, p, n); /* a full queue drops it: TCP sends it again */
}

int plat_tun_gro_write(int fd, struct plat_gro *gro, const uint8_t *pkt, size_t len)
{
	if (!gro->buf && !(gro->buf = malloc(PLAT_VNET_HDR_LEN + PLAT_GSO_MAX)))
		return plat_tun_vnet_write(fd, pkt, len);
	if (plat_gro_add(gro, pkt, len))
		return 0;
	plat_tun_gro_flush(fd, gro);
	if (plat_gro_add(gro, pkt, len))
		return 0;
	return plat_tun_vnet_write(fd, pkt, len);
}

void plat_tun_gro_reset(struct plat_gro *gro)
{
	free(gro->buf);
	memset(gro, 0, sizeof(*gro));
}

void plat_tun_rx_reset(struct plat_tun_rx *rx)
{
	free(rx->buf);
	rx->buf = NULL;
	rx->pending = false;
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
