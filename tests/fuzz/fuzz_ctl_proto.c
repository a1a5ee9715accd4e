/* fuzz_ctl_proto.c - libFuzzer target for the control protocol parser (ctl_proto.c) and the
 * status attribute decoder (ctl_status.c). Invariants: a frame is never longer than the input;
 * the attributes of an accepted frame tile its payload exactly; a decoded status re-encodes and
 * decodes to the same struct; the parser's verdict does not depend on trailing bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_proto.h"
#include "ctl_status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t frame[SSTP_CTL_MAX_FRAME];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sstp_ctl_msg m, m2;
	struct sstp_ctl_iter it;
	struct sstp_ctl_attr a;
	struct sstp_conn_status st, st2;
	struct sstp_ctl_writer w;
	const char *why = NULL;
	uint8_t *copy;
	size_t sum = 0;
	long n, n2;
	int r;

	/* an exact-size heap copy, so ASan sees any read past the input */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	n = sstp_ctl_parse(copy, size, &m, &why);
	if (n == SSTP_CTL_BAD && !why)
		abort(); /* every rejection says why */
	if (n > 0) {
		if ((size_t)n > size || m.payload != copy + SSTP_CTL_HEADER_LEN ||
		    (size_t)n != SSTP_CTL_HEADER_LEN + m.payload_len)
			abort();
		sstp_ctl_iter_init(&it, &m);
		while ((r = sstp_ctl_next(&it, &a)) == 1)
			sum += 4u + a.len;
		if (r != 0 || sum != m.payload_len)
			abort();
		/* the verdict on a prefix that holds the whole frame is the same */
		if (sstp_ctl_parse(copy, (size_t)n, &m2, &why) != n)
			abort();
		if (sstp_ctl_get_status(&m, &st, &why) == 0) {
			sstp_ctl_begin(&w, frame, sizeof(frame), SSTP_CTL_RESP_STATUS, m.id);
			sstp_ctl_put_status(&w, &st);
			n2 = sstp_ctl_finish(&w);
			if (n2 <= 0 || sstp_ctl_parse(frame, (size_t)n2, &m2, &why) != n2 ||
			    sstp_ctl_get_status(&m2, &st2, &why) != 0 || memcmp(&st, &st2, sizeof(st)) != 0)
				abort();
		}
	} else if (n == SSTP_CTL_NEED_MORE && size >= SSTP_CTL_MAX_FRAME) {
		abort(); /* a maximal frame always fits in SSTP_CTL_MAX_FRAME bytes */
	}
	free(copy);
	return 0;
}
