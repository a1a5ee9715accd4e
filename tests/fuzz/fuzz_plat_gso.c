/* fuzz_plat_gso.c - libFuzzer target for the TUN super-packet cutter (plat_gso.c). Input: 1 byte
 * of output room (64..2047 bytes, scaled), then what a TUN read returns (virtio-net header and
 * packet). Oracles: every packet handed out fits the room, carries at most gso_size payload, the
 * payloads of a TCP super-packet add up to its payload exactly, and cutting always ends; every
 * packet handed out is then offered to the coalescer (plat_gro), which must never build more than
 * a header and 64 KiB, nor give back more bytes than it took. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plat_gso.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t out[2048], gbuf[PLAT_VNET_HDR_LEN + PLAT_GSO_MAX];

static void gro_offer(struct plat_gro *g, size_t *taken, size_t n)
{
	const uint8_t *p;

	if (plat_gro_add(g, out, n)) {
		*taken += n;
		return;
	}
	size_t m = plat_gro_finish(g, &p);
	if (m > PLAT_VNET_HDR_LEN + PLAT_GSO_MAX || (m && m - PLAT_VNET_HDR_LEN > *taken))
		abort();
	*taken = 0;
	if (plat_gro_add(g, out, n))
		*taken = n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plat_gso g;
	struct plat_gro gro = {.buf = gbuf};
	const uint8_t *p;
	size_t cap, total = 0, taken = 0;
	int n;

	if (size < 1)
		return 0;
	cap = 64 + (size_t)data[0] * 7;
	if (plat_gso_start(&g, data + 1, size - 1) != 0)
		return 0;
	for (unsigned k = 0; (n = plat_gso_next(&g, out, cap)) > 0; k++) {
		if ((size_t)n > cap || k > PLAT_GSO_MAX)
			abort();
		if (g.seg) {
			if ((size_t)n < g.hdr || (size_t)n - g.hdr > g.seg)
				abort();
			total += (size_t)n - g.hdr;
		}
		gro_offer(&gro, &taken, (size_t)n);
	}
	size_t m = plat_gro_finish(&gro, &p);
	if (m > PLAT_VNET_HDR_LEN + PLAT_GSO_MAX || (m && m - PLAT_VNET_HDR_LEN > taken))
		abort();
	if (n == 0 && g.seg && total != g.len - g.hdr)
		abort();
	return 0;
}
