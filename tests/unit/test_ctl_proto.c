/* test_ctl_proto.c - the control protocol codec: frame round trips, incremental parsing, every
 * malformed header and attribute, writer overflow, and the status attributes in both directions
 * (including wrong lengths, embedded NULs, over-long strings and too many routes). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ctl_client.h"
#include "ctl_proto.h"
#include "ctl_status.h"

static uint8_t buf[SSTP_CTL_MAX_FRAME + 64];

static void test_roundtrip(void **state)
{
	struct sstp_ctl_writer w;
	struct sstp_ctl_msg m;
	struct sstp_ctl_iter it;
	struct sstp_ctl_attr a;
	uint32_t u32;
	uint64_t u64;
	char s[32];
	const char *why;
	long n;

	(void)state;
	sstp_ctl_begin(&w, buf, sizeof(buf), SSTP_CTL_RESP_ERROR, 0x01020304);
	sstp_ctl_put_u32(&w, SSTP_CTL_A_EXIT_CODE, 6);
	sstp_ctl_put_str(&w, SSTP_CTL_A_MESSAGE, "authentication rejected");
	sstp_ctl_put_u64(&w, 0x99, 0x1122334455667788ull);
	sstp_ctl_put_str(&w, SSTP_CTL_A_PROFILE, "");
	n = sstp_ctl_finish(&w);
	assert_int_equal(n, 12 + 8 + 4 + 23 + 12 + 4);
	assert_memory_equal(buf, "SC\x01\x82\x01\x02\x03\x04", 8);
	/* every prefix is "need more", the whole frame parses */
	for (long i = 0; i < n; i++)
		assert_int_equal(sstp_ctl_parse(buf, (size_t)i, &m, &why), SSTP_CTL_NEED_MORE);
	assert_int_equal(sstp_ctl_parse(buf, (size_t)n, &m, &why), n);
	assert_int_equal(m.type, SSTP_CTL_RESP_ERROR);
	assert_int_equal(m.id, 0x01020304);
	sstp_ctl_iter_init(&it, &m);
	assert_int_equal(sstp_ctl_next(&it, &a), 1);
	assert_int_equal(a.tag, SSTP_CTL_A_EXIT_CODE);
	assert_int_equal(sstp_ctl_get_u32(&a, &u32), 0);
	assert_int_equal(u32, 6);
	assert_int_equal(sstp_ctl_get_u64(&a, &u64), -1); /* wrong length */
	assert_int_equal(sstp_ctl_next(&it, &a), 1);
	assert_int_equal(sstp_ctl_get_str(&a, s, sizeof(s)), 0);
	assert_string_equal(s, "authentication rejected");
	assert_int_equal(sstp_ctl_get_str(&a, s, 10), -1); /* does not fit */
	assert_int_equal(sstp_ctl_next(&it, &a), 1);
	assert_int_equal(sstp_ctl_get_u64(&a, &u64), 0);
	assert_true(u64 == 0x1122334455667788ull);
	assert_int_equal(sstp_ctl_next(&it, &a), 1);
	assert_int_equal(a.len, 0);
	assert_int_equal(sstp_ctl_get_str(&a, s, sizeof(s)), 0);
	assert_string_equal(s, "");
	assert_int_equal(sstp_ctl_next(&it, &a), 0);
	assert_int_equal(sstp_ctl_reply_error(&m, s, sizeof(s)), 6);
	assert_string_equal(s, "authentication rejected");

	/* two frames back to back: the first is reported with its length */
	memcpy(buf + n, buf, (size_t)n);
	assert_int_equal(sstp_ctl_parse(buf, (size_t)(2 * n), &m, &why), n);
}

static void test_malformed(void **state)
{
	struct sstp_ctl_msg m;
	const char *why;
	uint8_t f[32];

	(void)state;
	assert_int_equal(sstp_ctl_parse((const uint8_t *)"X", 1, &m, &why), SSTP_CTL_BAD);
	assert_non_null(why);
	assert_int_equal(sstp_ctl_parse((const uint8_t *)"SX", 2, &m, &why), SSTP_CTL_BAD);
	assert_int_equal(sstp_ctl_parse((const uint8_t *)"SC\x02", 3, &m, &why), SSTP_CTL_BAD);
	assert_string_equal(why, "unsupported control protocol version");
	assert_int_equal(sstp_ctl_parse((const uint8_t *)"SC\x01\x42", 4, &m, &why), SSTP_CTL_BAD);
	assert_string_equal(why, "unknown control message type");
	assert_int_equal(sstp_ctl_parse((const uint8_t *)"SC\x01\x00", 4, &m, &why), SSTP_CTL_BAD);
	/* length above the maximum is refused before the payload arrives */
	memcpy(f, "SC\x01\x01\0\0\0\0\0\x00\x40\x01", 12);
	assert_int_equal(sstp_ctl_parse(f, 12, &m, &why), SSTP_CTL_BAD);
	assert_string_equal(why, "control message too long");
	/* attribute header cut */
	memcpy(f, "SC\x01\x01\0\0\0\0\0\0\0\x03\x00\x01\x00", 15);
	assert_int_equal(sstp_ctl_parse(f, 15, &m, &why), SSTP_CTL_BAD);
	assert_string_equal(why, "truncated attribute header");
	/* attribute longer than the payload */
	memcpy(f, "SC\x01\x01\0\0\0\0\0\0\0\x05\x00\x01\x00\x02\x41", 17);
	assert_int_equal(sstp_ctl_parse(f, 17, &m, &why), SSTP_CTL_BAD);
	assert_string_equal(why, "attribute overruns the message");
	/* NUL inside a string */
	memcpy(f, "SC\x01\x82\0\0\0\0\0\0\0\x07\x00\x02\x00\x03\x41\x00\x42", 19);
	assert_int_equal(sstp_ctl_parse(f, 19, &m, &why), 19);
	{
		struct sstp_ctl_iter it;
		struct sstp_ctl_attr a;
		char s[8];

		sstp_ctl_iter_init(&it, &m);
		assert_int_equal(sstp_ctl_next(&it, &a), 1);
		assert_int_equal(sstp_ctl_get_str(&a, s, sizeof(s)), -1);
	}
}

static void test_writer_overflow(void **state)
{
	struct sstp_ctl_writer w;
	static uint8_t big[70000], src[60000];
	uint8_t small[20];

	(void)state;
	sstp_ctl_begin(&w, small, sizeof(small), SSTP_CTL_REQ_STATUS, 1);
	sstp_ctl_put_str(&w, 1, "four");
	assert_int_equal(sstp_ctl_finish(&w), 20);
	sstp_ctl_begin(&w, small, sizeof(small), SSTP_CTL_REQ_STATUS, 1);
	sstp_ctl_put_str(&w, 1, "five!");
	assert_int_equal(sstp_ctl_finish(&w), -1);
	sstp_ctl_begin(&w, small, 8, SSTP_CTL_REQ_STATUS, 1);
	assert_int_equal(sstp_ctl_finish(&w), -1);
	/* the payload limit holds even with a big buffer */
	sstp_ctl_begin(&w, big, sizeof(big), SSTP_CTL_REQ_STATUS, 1);
	sstp_ctl_put_bytes(&w, 1, src, 60000);
	assert_int_equal(sstp_ctl_finish(&w), -1);
	sstp_ctl_begin(&w, big, sizeof(big), SSTP_CTL_REQ_STATUS, 1);
	for (int i = 0; i < 4; i++)
		sstp_ctl_put_bytes(&w, 1, src, 4092);
	assert_int_equal(sstp_ctl_finish(&w), 12 + 4 * 4096);
	sstp_ctl_put_bytes(&w, 1, src, 1);
	assert_int_equal(sstp_ctl_finish(&w), -1);
}

static void fill_status(struct sstp_conn_status *st)
{
	memset(st, 0, sizeof(*st));
	SSTP_STATUS_SET(st->name, "work");
	st->state = SSTP_STATE_CONNECTED;
	st->pid = 4242;
	SSTP_STATUS_SET(st->server, "vpn.example.com");
	st->port = 443;
	SSTP_STATUS_SET(st->ifname, "sstp0");
	st->mtu = 1400;
	SSTP_STATUS_SET(st->ipv4_local, "10.0.0.2");
	SSTP_STATUS_SET(st->ipv6_local, "fe80::1");
	for (int i = 0; i < SSTP_STATUS_MAX_ROUTES; i++) {
		snprintf(st->routes[i], sizeof(st->routes[i]), "10.%d.0.0/16", i);
		snprintf(st->route_src[i], sizeof(st->route_src[i]), "package,pool,option");
	}
	st->nroutes = SSTP_STATUS_MAX_ROUTES;
	SSTP_STATUS_SET(st->pin, "203.0.113.5/32");
	SSTP_STATUS_SET(st->dns[0], "10.0.0.53");
	st->ndns = 1;
	SSTP_STATUS_SET(st->dns_domains[0], "corp.example");
	memset(st->dns_domains[1], 'd', sizeof(st->dns_domains[1]) - 1); /* longest possible */
	st->ndomains = 2;
	SSTP_STATUS_SET(st->tls_suite, "TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384");
	st->bytes_in = 1ull << 40;
	st->last_exit = 8;
	memset(st->last_error, 'e', sizeof(st->last_error) - 1); /* longest possible string */
}

static void test_status_roundtrip(void **state)
{
	struct sstp_conn_status in, out;
	struct sstp_ctl_writer w;
	struct sstp_ctl_msg m;
	const char *why = NULL;
	long n;

	(void)state;
	fill_status(&in);
	sstp_ctl_begin(&w, buf, sizeof(buf), SSTP_CTL_RESP_STATUS, 7);
	sstp_ctl_put_status(&w, &in);
	n = sstp_ctl_finish(&w);
	assert_true(n > 0);
	assert_int_equal(sstp_ctl_parse(buf, (size_t)n, &m, &why), n);
	assert_int_equal(sstp_ctl_get_status(&m, &out, &why), 0);
	assert_memory_equal(&in, &out, sizeof(in));
}

static void test_status_malformed(void **state)
{
	struct sstp_conn_status out;
	struct sstp_ctl_writer w;
	struct sstp_ctl_msg m;
	const char *why;
	char longs[300];

	(void)state;
	/* u32 field with 3 bytes */
	sstp_ctl_begin(&w, buf, sizeof(buf), SSTP_CTL_RESP_STATUS, 1);
	sstp_ctl_put_bytes(&w, 0x41, "abc", 3);
	assert_true(sstp_ctl_parse(buf, (size_t)sstp_ctl_finish(&w), &m, &why) > 0);
	assert_int_equal(sstp_ctl_get_status(&m, &out, &why), -1);
	/* a name longer than the field */
	memset(longs, 'x', sizeof(longs));
	sstp_ctl_begin(&w, buf, sizeof(buf), SSTP_CTL_RESP_STATUS, 1);
	sstp_ctl_put_bytes(&w, 0x40, longs, 64);
	assert_true(sstp_ctl_parse(buf, (size_t)sstp_ctl_finish(&w), &m, &why) > 0);
	assert_int_equal(sstp_ctl_get_status(&m, &out, &why), -1);
	/* 65 routes */
	sstp_ctl_begin(&w, buf, sizeof(buf), SSTP_CTL_RESP_STATUS, 1);
	for (int i = 0; i < SSTP_STATUS_MAX_ROUTES + 1; i++)
		sstp_ctl_put_str(&w, 0x4c, "10.0.0.0/8");
	assert_true(sstp_ctl_parse(buf, (size_t)sstp_ctl_finish(&w), &m, &why) > 0);
	assert_int_equal(sstp_ctl_get_status(&m, &out, &why), -1);
	/* 65 route sources */
	sstp_ctl_begin(&w, buf, sizeof(buf), SSTP_CTL_RESP_STATUS, 1);
	for (int i = 0; i < SSTP_STATUS_MAX_ROUTES + 1; i++)
		sstp_ctl_put_str(&w, 0x5c, "pool");
	assert_true(sstp_ctl_parse(buf, (size_t)sstp_ctl_finish(&w), &m, &why) > 0);
	assert_int_equal(sstp_ctl_get_status(&m, &out, &why), -1);
	/* unknown tags are skipped */
	sstp_ctl_begin(&w, buf, sizeof(buf), SSTP_CTL_RESP_STATUS, 1);
	sstp_ctl_put_str(&w, 0x7f, "future");
	sstp_ctl_put_str(&w, 0x40, "ok");
	assert_true(sstp_ctl_parse(buf, (size_t)sstp_ctl_finish(&w), &m, &why) > 0);
	assert_int_equal(sstp_ctl_get_status(&m, &out, &why), 0);
	assert_string_equal(out.name, "ok");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),        cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_writer_overflow),  cmocka_unit_test(test_status_roundtrip),
		cmocka_unit_test(test_status_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
