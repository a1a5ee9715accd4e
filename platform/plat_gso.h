/* plat_gso.h - pure cutter for the TUN's offloaded packets (IFF_VNET_HDR): the kernel hands one
 * TCP "super-packet" of up to 64 KiB behind a 10-byte virtio-net header (gso_type, gso_size,
 * csum_start, csum_offset) and leaves the checksum partial; this cuts it into packets of at most
 * gso_size payload bytes, each with its own IPv4/IPv6 and TCP header (lengths, IPv4 id, sequence
 * number, flags, both checksums complete), as the wire wants them. Also finishes the checksum of
 * a single packet marked NEEDS_CSUM. Bytes in, bytes out; every length is checked. */
#ifndef PLAT_GSO_H
#define PLAT_GSO_H

#include <stddef.h>
#include <stdint.h>

#define PLAT_VNET_HDR_LEN 10u      /* struct virtio_net_hdr */
#define PLAT_GSO_MAX 65535u        /* largest packet behind the header */

struct plat_gso {
	const uint8_t *pkt; /* the IP packet (after the virtio-net header) */
	size_t len;
	size_t l4;          /* offset of the TCP header (or csum_start for a single packet) */
	size_t hdr;         /* IP + TCP header bytes (TCP segmentation only) */
	size_t off;         /* payload bytes already cut */
	uint16_t seg;       /* payload per packet; 0: one packet */
	uint16_t csum_off;  /* checksum field at l4 + csum_off; 0xffff: nothing to finish */
	uint16_t idx;       /* packets handed out */
	uint8_t v6;
};

/* Parse buf (virtio-net header + packet, len bytes). 0, or -EINVAL (malformed header or packet:
 * drop it), -EPROTONOSUPPORT (a GSO type other than TCPv4/TCPv6). */
int plat_gso_start(struct plat_gso *g, const uint8_t *buf, size_t len);

/* The next packet into out (cap bytes): its length, 0 when all were handed out, -EMSGSIZE when
 * it does not fit cap. */
int plat_gso_next(struct plat_gso *g, uint8_t *out, size_t cap);

/* Internet checksum (RFC 1071) of data, added to sum: the 16-bit one's-complement value in the
 * byte order it is stored in (not yet inverted). */
uint16_t plat_csum(const uint8_t *data, size_t len, uint32_t sum);

#endif

/* ---- the other way: consecutive TCP segments of one flow coalesced into one write ----------- */

/* One super-packet being built in buf (PLAT_VNET_HDR_LEN + PLAT_GSO_MAX bytes, the caller's):
 * segments of one TCP flow, in sequence, same headers but for lengths, sequence number and
 * checksums, each with a valid checksum, every one but the last exactly seg bytes of payload,
 * flags ACK (PSH only on the last). */
struct plat_gro {
	uint8_t *buf;
	size_t len;        /* IP bytes held after the header; 0: empty */
	size_t l4, hdr;    /* TCP header offset, IP + TCP header bytes */
	uint32_t next_seq; /* the sequence number that continues it */
	uint16_t seg;      /* payload of the first segment */
	uint16_t n;        /* segments held */
	uint8_t v6, closed, psh;
};

/* Take the packet into the held super-packet (or start one when none is held): 1, or 0 when it
 * does not continue it (the caller writes what is held, then offers the packet again, and
 * writes it alone if it is refused a second time). */
int plat_gro_add(struct plat_gro *g, const uint8_t *pkt, size_t len);

/* Finish what is held: the virtio-net header and packet to write (*out, length returned: a
 * single segment goes as it came, several as one TCP GSO packet with a partial checksum), 0 when
 * nothing is held. The holder is empty afterwards. */
size_t plat_gro_finish(struct plat_gro *g, const uint8_t **out);
