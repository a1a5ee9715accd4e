/* test_helper_proto.c - cmocka tests of the helper's protocol layer: request round trips, every
 * validation rule (profile names, the connect-option allow-list, flags, request shapes),
 * malformed frames, the child command line, and frame reassembly fed byte by byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ctl_client.h"
#include "ctl_proto.h"
#include "sstp_err.h"
#include "helper_proto.h"

static uint8_t frame[SSTP_CTL_MAX_FRAME];

/* Encode req, parse it back as a frame and decode it; returns decode's result. */
static int round_trip(const struct sstp_helper_req *req, struct sstp_helper_req *out, char *err,
		      size_t errlen)
{
	struct sstp_ctl_msg m;
	long len = sstp_helper_req_encode(req, frame, sizeof(frame));

	assert_true(len >= SSTP_CTL_HEADER_LEN);
	assert_int_equal(sstp_ctl_parse(frame, (size_t)len, &m, NULL), len);
	return sstp_helper_req_decode(&m, out, err, errlen);
}

/* A frame with arbitrary attributes, built by hand. */
static long raw_frame(uint8_t type, const uint16_t *tags, const char *const *vals, size_t n)
{
	struct sstp_ctl_writer w;

	sstp_ctl_begin(&w, frame, sizeof(frame), type, 7);
	for (size_t i = 0; i < n; i++)
		sstp_ctl_put_bytes(&w, tags[i], vals[i], vals[i] ? strlen(vals[i]) : 0);
	return sstp_ctl_finish(&w);
}

static int decode_raw(uint8_t type, const uint16_t *tags, const char *const *vals, size_t n,
		      struct sstp_helper_req *out)
{
	struct sstp_ctl_msg m;
	char err[256];
	long len = raw_frame(type, tags, vals, n);

	assert_true(len > 0);
	assert_int_equal(sstp_ctl_parse(frame, (size_t)len, &m, NULL), len);
	return sstp_helper_req_decode(&m, out, err, sizeof(err));
}

static void test_round_trip_connect(void **state)
{
	struct sstp_helper_req req, out;
	char err[256];

	(void)state;
	memset(&req, 0, sizeof(req));
	req.type = SSTP_CTL_REQ_CONNECT;
	req.id = 0xdeadbeef;
	snprintf(req.profile, sizeof(req.profile), "%s", "work-vnet_1.test@corp");
	snprintf(req.options[0], sizeof(req.options[0]), "%s", "--timeout=30");
	snprintf(req.options[1], sizeof(req.options[1]), "%s", "--no-dns");
	snprintf(req.options[2], sizeof(req.options[2]), "%s", "--mtu=1400");
	req.n_options = 3;
	req.nowait = true;
	assert_int_equal(round_trip(&req, &out, err, sizeof(err)), 0);
	assert_int_equal(out.type, SSTP_CTL_REQ_CONNECT);
	assert_int_equal(out.id, 0xdeadbeef);
	assert_string_equal(out.profile, req.profile);
	assert_int_equal(out.n_options, 3);
	assert_string_equal(out.options[0], "--timeout=30");
	assert_string_equal(out.options[1], "--no-dns");
	assert_string_equal(out.options[2], "--mtu=1400");
	assert_true(out.nowait);
	assert_false(out.all);
	/* decoding is a fixed point: encode(decode(x)) decodes to the same struct */
	assert_int_equal(round_trip(&out, &req, err, sizeof(err)), 0);
	assert_memory_equal(&out, &req, sizeof(req));
}

static void test_round_trip_others(void **state)
{
	struct sstp_helper_req req, out;
	char err[256];

	(void)state;
	memset(&req, 0, sizeof(req));
	req.type = SSTP_CTL_REQ_DISCONNECT;
	req.all = true;
	assert_int_equal(round_trip(&req, &out, err, sizeof(err)), 0);
	assert_true(out.all);
	assert_string_equal(out.profile, "");

	memset(&req, 0, sizeof(req));
	req.type = SSTP_CTL_REQ_DISCONNECT;
	snprintf(req.profile, sizeof(req.profile), "%s", "a");
	assert_int_equal(round_trip(&req, &out, err, sizeof(err)), 0);
	assert_string_equal(out.profile, "a");

	memset(&req, 0, sizeof(req));
	req.type = SSTP_CTL_REQ_STATUS;
	assert_int_equal(round_trip(&req, &out, err, sizeof(err)), 0);
	snprintf(req.profile, sizeof(req.profile), "%s", "x");
	assert_int_equal(round_trip(&req, &out, err, sizeof(err)), 0);
	assert_string_equal(out.profile, "x");

	memset(&req, 0, sizeof(req));
	req.type = SSTP_CTL_REQ_SUBSCRIBE;
	assert_int_equal(round_trip(&req, &out, err, sizeof(err)), 0);
	assert_int_equal(out.type, SSTP_CTL_REQ_SUBSCRIBE);
}

static void test_request_shapes(void **state)
{
	struct sstp_helper_req req, out;
	char err[256];

	(void)state;
	/* connect without a profile, or with all */
	memset(&req, 0, sizeof(req));
	req.type = SSTP_CTL_REQ_CONNECT;
	assert_int_equal(round_trip(&req, &out, err, sizeof(err)), SSTP_ERR_USAGE);
	snprintf(req.profile, sizeof(req.profile), "%s", "p");
	req.all = true;
	assert_int_equal(round_trip(&req, &out, err, sizeof(err)), SSTP_ERR_USAGE);
	/* disconnect with neither or both */
	memset(&req, 0, sizeof(req));
	req.type = SSTP_CTL_REQ_DISCONNECT;
	assert_int_equal(round_trip(&req, &out, err, sizeof(err)), SSTP_ERR_USAGE);
	snprintf(req.profile, sizeof(req.profile), "%s", "p");
	req.all = true;
	assert_int_equal(round_trip(&req, &out, err, sizeof(err)), SSTP_ERR_USAGE);
	/* options or flags outside connect */
	memset(&req, 0, sizeof(req));
	req.type = SSTP_CTL_REQ_STATUS;
	snprintf(req.options[0], sizeof(req.options[0]), "%s", "--wait");
	req.n_options = 1;
	assert_int_equal(round_trip(&req, &out, err, sizeof(err)), SSTP_ERR_USAGE);
	memset(&req, 0, sizeof(req));
	req.type = SSTP_CTL_REQ_STATUS;
	req.nowait = true;
	assert_int_equal(round_trip(&req, &out, err, sizeof(err)), SSTP_ERR_USAGE);
	/* subscribe names no profile */
	memset(&req, 0, sizeof(req));
	req.type = SSTP_CTL_REQ_SUBSCRIBE;
	snprintf(req.profile, sizeof(req.profile), "%s", "p");
	assert_int_equal(round_trip(&req, &out, err, sizeof(err)), SSTP_ERR_USAGE);
	/* a reply type sent as a request */
	memset(&req, 0, sizeof(req));
	req.type = SSTP_CTL_RESP_OK;
	assert_int_equal(round_trip(&req, &out, err, sizeof(err)), SSTP_ERR_USAGE);
	assert_non_null(strstr(err, "not a request"));
}

static void test_profile_names(void **state)
{
	static const char *const bad[] = {
		"../etc", "a/b", "-x", ".hidden", "a..b", "sp ace", "semi;colon", "",
		"0123456789012345678901234567890123456789012345678901234567890123456789",
	};
	struct sstp_helper_req out;
	uint16_t tags[2] = { SSTP_CTL_A_PROFILE, SSTP_CTL_A_PROFILE };
	const char *vals[2];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		vals[0] = bad[i];
		assert_int_equal(decode_raw(SSTP_CTL_REQ_CONNECT, tags, vals, 1, &out),
				 SSTP_ERR_PROFILE);
	}
	/* a NUL inside the name */
	{
		struct sstp_ctl_writer w;
		struct sstp_ctl_msg m;
		char err[128];
		long len;

		sstp_ctl_begin(&w, frame, sizeof(frame), SSTP_CTL_REQ_CONNECT, 1);
		sstp_ctl_put_bytes(&w, SSTP_CTL_A_PROFILE, "ok\0evil", 7);
		len = sstp_ctl_finish(&w);
		assert_int_equal(sstp_ctl_parse(frame, (size_t)len, &m, NULL), len);
		assert_int_equal(sstp_helper_req_decode(&m, &out, err, sizeof(err)),
				 SSTP_ERR_PROFILE);
	}
	/* two profiles in one request */
	vals[0] = "one";
	vals[1] = "two";
	assert_int_equal(decode_raw(SSTP_CTL_REQ_CONNECT, tags, vals, 2, &out), SSTP_ERR_USAGE);
	/* the longest valid name */
	vals[0] = "0123456789012345678901234567890123456789012345678901234567890123";
	assert_int_equal(decode_raw(SSTP_CTL_REQ_CONNECT, tags, vals, 1, &out), 0);
	assert_string_equal(out.profile, vals[0]);
}

static void test_option_allow_list(void **state)
{
	static const char *const good[] = {
		"--wait", "--reconnect", "--no-reconnect", "--no-ipv6", "--no-dns", "--no-routes",
		"--verbose", "--timeout=1", "--timeout=86400", "--mtu=576", "--mtu=4087",
	};
	static const char *const bad[] = {
		"--cert=/etc/shadow", "--key=/root/k.pem", "--ca=/tmp/ca.pem", "--insecure",
		"--pin-sha256=abc", "--route=0.0.0.0/0", "--dns=1.1.1.1", "--proxy=http://x:1",
		"--user=root", "--password-file=/etc/shadow", "--full-tunnel", "--interface=eth0",
		"--state-dir=/tmp", "--name=x", "--background", "--timeout=0", "--timeout=86401",
		"--timeout=", "--timeout=12x", "--timeout=-5", "--timeout= 5", "--timeout=+5",
		"--timeout=0x10", "--timeout=99999999999", "--mtu=575", "--mtu=4088", "--wait=1",
		"--verbose2", "-v", "wait", "", "--WAIT",
	};
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(sstp_helper_option_check(good[i], err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(sstp_helper_option_check(bad[i], err, sizeof(err)), -1);
		assert_true(err[0] != '\0');
	}
	/* the refusal names the option but never echoes much of it */
	sstp_helper_option_check("--cert=/home/alice/very/long/path/to/a/key/file.pem", err,
				 sizeof(err));
	assert_null(strstr(err, "file.pem"));
}

static void test_options_in_frames(void **state)
{
	struct sstp_helper_req out;
	uint16_t tags[16];
	const char *vals[16];
	char err[256];

	(void)state;
	tags[0] = SSTP_CTL_A_PROFILE;
	vals[0] = "p";
	tags[1] = SSTP_CTL_A_OPTION;
	vals[1] = "--insecure";
	assert_int_equal(decode_raw(SSTP_CTL_REQ_CONNECT, tags, vals, 2, &out), SSTP_ERR_USAGE);
	/* an over-long option value (does not fit SSTP_HELPER_OPTION_MAX) */
	vals[1] = "--timeout=0000000000000000000000000000000000001";
	assert_int_equal(decode_raw(SSTP_CTL_REQ_CONNECT, tags, vals, 2, &out), SSTP_ERR_USAGE);
	/* the maximum count, and one more */
	for (int i = 1; i <= SSTP_HELPER_MAX_OPTIONS + 1; i++) {
		tags[i] = SSTP_CTL_A_OPTION;
		vals[i] = "--wait";
	}
	assert_int_equal(decode_raw(SSTP_CTL_REQ_CONNECT, tags, vals, SSTP_HELPER_MAX_OPTIONS + 1,
				    &out), 0);
	assert_int_equal(out.n_options, SSTP_HELPER_MAX_OPTIONS);
	assert_int_equal(decode_raw(SSTP_CTL_REQ_CONNECT, tags, vals, SSTP_HELPER_MAX_OPTIONS + 2,
				    &out), SSTP_ERR_USAGE);
	/* a flag with a value */
	tags[1] = SSTP_HELPER_A_NOWAIT;
	vals[1] = "x";
	assert_int_equal(decode_raw(SSTP_CTL_REQ_CONNECT, tags, vals, 2, &out), SSTP_ERR_USAGE);
	/* unknown tags are skipped */
	tags[1] = 0x3f;
	vals[1] = "whatever";
	assert_int_equal(decode_raw(SSTP_CTL_REQ_CONNECT, tags, vals, 2, &out), 0);
	(void)err;
}

static void test_child_argv(void **state)
{
	struct sstp_helper_req req;
	char *argv[SSTP_HELPER_ARGV_MAX];
	int n;

	(void)state;
	memset(&req, 0, sizeof(req));
	snprintf(req.profile, sizeof(req.profile), "%s", "work");
	snprintf(req.options[0], sizeof(req.options[0]), "%s", "--timeout=30");
	snprintf(req.options[1], sizeof(req.options[1]), "%s", "--verbose");
	snprintf(req.options[2], sizeof(req.options[2]), "%s", "--no-dns");
	snprintf(req.options[3], sizeof(req.options[3]), "%s", "--reconnect");
	req.n_options = 4;
	n = sstp_helper_child_argv(&req, "/proc/self/exe", "/run/sstp", argv, SSTP_HELPER_ARGV_MAX);
	assert_int_equal(n, 12);
	assert_string_equal(argv[0], "/proc/self/exe");
	assert_string_equal(argv[1], "connect");
	assert_string_equal(argv[2], "work");
	assert_string_equal(argv[3], "--name");
	assert_string_equal(argv[4], "work");
	assert_string_equal(argv[5], "--state-dir");
	assert_string_equal(argv[6], "/run/sstp");
	assert_string_equal(argv[7], "--reconnect");
	assert_string_equal(argv[8], "--timeout");
	assert_string_equal(argv[9], "30");
	assert_string_equal(argv[10], "-v");
	assert_string_equal(argv[11], "--no-dns");
	assert_null(argv[12]);

	snprintf(req.options[3], sizeof(req.options[3]), "%s", "--no-reconnect");
	n = sstp_helper_child_argv(&req, "/x", "/s", argv, SSTP_HELPER_ARGV_MAX);
	assert_int_equal(n, 12);
	for (int i = 0; i < n; i++)
		assert_string_not_equal(argv[i], "--reconnect");
	assert_string_equal(argv[11], "--no-reconnect");
	/* too small an array */
	assert_int_equal(sstp_helper_child_argv(&req, "/x", "/s", argv, 8), -1);
	/* an option that did not come through the allow-list is not turned into two words */
	snprintf(req.options[0], sizeof(req.options[0]), "%s", "--route=0.0.0.0/0");
	assert_int_equal(sstp_helper_child_argv(&req, "/x", "/s", argv, SSTP_HELPER_ARGV_MAX), -1);
}

static void test_rbuf(void **state)
{
	uint8_t store[SSTP_CTL_MAX_FRAME];
	struct sstp_ctl_rbuf rb = { store, sizeof(store), 0 };
	struct sstp_helper_req req;
	struct sstp_ctl_msg m;
	const char *why = NULL;
	uint8_t two[256];
	long l1, l2;
	size_t room;

	(void)state;
	memset(&req, 0, sizeof(req));
	req.type = SSTP_CTL_REQ_STATUS;
	req.id = 1;
	snprintf(req.profile, sizeof(req.profile), "%s", "one");
	l1 = sstp_helper_req_encode(&req, two, sizeof(two));
	req.id = 2;
	snprintf(req.profile, sizeof(req.profile), "%s", "two");
	l2 = sstp_helper_req_encode(&req, two + l1, sizeof(two) - (size_t)l1);
	assert_true(l1 > 0 && l2 > 0);
	/* byte by byte: nothing until the last byte of the first frame */
	for (long i = 0; i < l1 + l2; i++) {
		uint8_t *tail = sstp_ctl_rbuf_tail(&rb, &room);
		long r;

		assert_true(room > 0);
		*tail = two[i];
		sstp_ctl_rbuf_commit(&rb, 1);
		r = sstp_ctl_rbuf_frame(&rb, &m, &why);
		if (i == l1 - 1) {
			assert_int_equal(r, l1);
			assert_int_equal(m.id, 1);
			sstp_ctl_rbuf_consume(&rb, (size_t)r);
		} else if (i == l1 + l2 - 1) {
			assert_int_equal(r, l2);
			assert_int_equal(m.id, 2);
			sstp_ctl_rbuf_consume(&rb, (size_t)r);
		} else {
			assert_int_equal(r, 0);
		}
	}
	assert_int_equal(rb.len, 0);
	/* garbage is reported at once */
	memcpy(sstp_ctl_rbuf_tail(&rb, &room), "GET / HTTP/1.0", 14);
	sstp_ctl_rbuf_commit(&rb, 14);
	assert_int_equal(sstp_ctl_rbuf_frame(&rb, &m, &why), -1);
	assert_non_null(why);
	/* a buffer full of an incomplete frame can never complete */
	{
		uint8_t small[32];
		struct sstp_ctl_rbuf s2 = { small, sizeof(small), 0 };

		memcpy(small, two, 12);
		small[8] = 0; small[9] = 0; small[10] = 1; small[11] = 0; /* payload 256 */
		memset(small + 12, 0, 20);
		s2.len = 32;
		assert_int_equal(sstp_ctl_rbuf_frame(&s2, &m, &why), -1);
		/* commit never goes past the capacity */
		s2.len = 30;
		sstp_ctl_rbuf_commit(&s2, 10);
		assert_int_equal(s2.len, 32);
	}
}

static void test_reply_frames(void **state)
{
	uint8_t buf[512];
	struct sstp_ctl_msg m;
	struct sstp_ctl_iter it;
	struct sstp_ctl_attr a;
	uint32_t code = 0;
	char msg[64] = "";
	long len;

	(void)state;
	len = sstp_helper_error_frame(buf, sizeof(buf), 9, 11, "permission denied");
	assert_true(len > 0);
	assert_int_equal(sstp_ctl_parse(buf, (size_t)len, &m, NULL), len);
	assert_int_equal(m.type, SSTP_CTL_RESP_ERROR);
	assert_int_equal(m.id, 9);
	sstp_ctl_iter_init(&it, &m);
	while (sstp_ctl_next(&it, &a) == 1) {
		if (a.tag == SSTP_CTL_A_EXIT_CODE)
			assert_int_equal(sstp_ctl_get_u32(&a, &code), 0);
		if (a.tag == SSTP_CTL_A_MESSAGE)
			assert_int_equal(sstp_ctl_get_str(&a, msg, sizeof(msg)), 0);
	}
	assert_int_equal(code, 11);
	assert_string_equal(msg, "permission denied");
	len = sstp_helper_ok_frame(buf, sizeof(buf), 3, NULL);
	assert_int_equal(len, SSTP_CTL_HEADER_LEN);
	assert_int_equal(sstp_helper_ok_frame(buf, 8, 3, "x"), -1);
}

/* PASSWORD: round trip, only for CONNECT, bounded, no NUL/CR/LF, never on the command line, and
 * wiped from a refused request and by sstp_helper_req_wipe. */
static void test_password(void **state)
{
	static struct sstp_helper_req req, out;
	static char big[SSTP_HELPER_PASSWORD_MAX + 2];
	char err[256], *argv[SSTP_HELPER_ARGV_MAX];
	const uint16_t tags[] = { SSTP_CTL_A_PROFILE, SSTP_HELPER_A_PASSWORD, SSTP_HELPER_A_PASSWORD };
	int n, seen = 0;

	(void)state;
	memset(&req, 0, sizeof(req));
	req.type = SSTP_CTL_REQ_CONNECT;
	snprintf(req.profile, sizeof(req.profile), "corp");
	snprintf(req.password, sizeof(req.password), "canary-S3cret pass");
	req.has_password = true;
	assert_int_equal(round_trip(&req, &out, err, sizeof(err)), 0);
	assert_true(out.has_password);
	assert_string_equal(out.password, "canary-S3cret pass");
	assert_memory_equal(&req, &out, sizeof(req));
	/* an empty password is a password */
	req.password[0] = '\0';
	assert_int_equal(round_trip(&req, &out, err, sizeof(err)), 0);
	assert_true(out.has_password);
	assert_string_equal(out.password, "");
	/* the longest one fits a frame */
	memset(req.password, 'p', SSTP_HELPER_PASSWORD_MAX);
	req.password[SSTP_HELPER_PASSWORD_MAX] = '\0';
	assert_int_equal(round_trip(&req, &out, err, sizeof(err)), 0);
	assert_int_equal(strlen(out.password), SSTP_HELPER_PASSWORD_MAX);

	/* the child command line says --password-stdin, never the password */
	snprintf(out.password, sizeof(out.password), "canary-S3cret");
	n = sstp_helper_child_argv(&out, "/usr/bin/sstp", "/run/sstp", argv, SSTP_HELPER_ARGV_MAX);
	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		assert_null(strstr(argv[i], "canary"));
		if (strcmp(argv[i], "--password-stdin") == 0)
			seen++;
	}
	assert_int_equal(seen, 1);
	out.has_password = false;
	n = sstp_helper_child_argv(&out, "/usr/bin/sstp", "/run/sstp", argv, SSTP_HELPER_ARGV_MAX);
	for (int i = 0; i < n; i++)
		assert_string_not_equal(argv[i], "--password-stdin");

	/* wipe */
	snprintf(out.password, sizeof(out.password), "canary");
	out.has_password = true;
	sstp_helper_req_wipe(&out);
	assert_false(out.has_password);
	for (size_t i = 0; i < sizeof(out.password); i++)
		assert_int_equal(out.password[i], 0);

	/* malformed: two passwords, too long, CR/LF, outside CONNECT */
	{
		const char *two[] = { "corp", "a", "b" };
		const char *lf[] = { "corp", "line1\nline2" };
		const char *cr[] = { "corp", "x\r" };

		assert_int_equal(decode_raw(SSTP_CTL_REQ_CONNECT, tags, two, 3, &out), SSTP_ERR_USAGE);
		assert_false(out.has_password);
		assert_int_equal(out.password[0], 0); /* the first one is wiped too */
		assert_int_equal(decode_raw(SSTP_CTL_REQ_CONNECT, tags, lf, 2, &out), SSTP_ERR_USAGE);
		assert_int_equal(decode_raw(SSTP_CTL_REQ_CONNECT, tags, cr, 2, &out), SSTP_ERR_USAGE);
		memset(big, 'x', SSTP_HELPER_PASSWORD_MAX + 1);
		lf[1] = big;
		assert_int_equal(decode_raw(SSTP_CTL_REQ_CONNECT, tags, lf, 2, &out), SSTP_ERR_USAGE);
		lf[1] = "pw";
		assert_int_equal(decode_raw(SSTP_CTL_REQ_CONNECT, tags, lf, 2, &out), 0);
		assert_int_equal(decode_raw(SSTP_CTL_REQ_DISCONNECT, tags, lf, 2, &out),
				 SSTP_ERR_USAGE);
		assert_int_equal(decode_raw(SSTP_CTL_REQ_STATUS, tags, lf, 2, &out), SSTP_ERR_USAGE);
		assert_false(out.has_password);
	}
	{
		/* a NUL inside the value */
		struct sstp_ctl_writer w;
		struct sstp_ctl_msg m;
		long len;

		sstp_ctl_begin(&w, frame, sizeof(frame), SSTP_CTL_REQ_CONNECT, 3);
		sstp_ctl_put_str(&w, SSTP_CTL_A_PROFILE, "corp");
		sstp_ctl_put_bytes(&w, SSTP_HELPER_A_PASSWORD, "a\0b", 3);
		len = sstp_ctl_finish(&w);
		assert_int_equal(sstp_ctl_parse(frame, (size_t)len, &m, NULL), len);
		assert_int_equal(sstp_helper_req_decode(&m, &out, err, sizeof(err)), SSTP_ERR_USAGE);
		assert_non_null(strstr(err, "the password is longer than")); /* generic: never quoted */
	}
	assert_true(sstp_helper_password_ok("fine"));
	assert_false(sstp_helper_password_ok("no\nway"));
}

/* NEED_PASSWORD in an error reply; consumed frames are wiped from the reassembly buffer. */
static void test_need_password_and_wipe(void **state)
{
	uint8_t buf[512], rbb[512];
	struct sstp_ctl_msg m;
	struct sstp_ctl_rbuf rb = { rbb, sizeof(rbb), 0 };
	const char *why = NULL;
	char msg[128];
	long len;
	size_t room;

	(void)state;
	len = sstp_helper_need_password_frame(buf, sizeof(buf), 9, SSTP_ERR_USAGE, "needs one");
	assert_true(len > 0);
	assert_int_equal(sstp_ctl_parse(buf, (size_t)len, &m, NULL), len);
	assert_true(sstp_helper_reply_needs_password(&m));
	assert_int_equal(sstp_ctl_reply_error(&m, msg, sizeof(msg)), SSTP_ERR_USAGE);
	assert_string_equal(msg, "needs one");
	len = sstp_helper_error_frame(buf, sizeof(buf), 9, SSTP_ERR_USAGE, "plain");
	assert_int_equal(sstp_ctl_parse(buf, (size_t)len, &m, NULL), len);
	assert_false(sstp_helper_reply_needs_password(&m));
	len = sstp_helper_ok_frame(buf, sizeof(buf), 9, "ok");
	assert_int_equal(sstp_ctl_parse(buf, (size_t)len, &m, NULL), len);
	assert_false(sstp_helper_reply_needs_password(&m));

	/* two frames in the buffer: consuming the first leaves zeros behind the second */
	{
		struct sstp_helper_req req;

		memset(&req, 0, sizeof(req));
		req.type = SSTP_CTL_REQ_CONNECT;
		snprintf(req.profile, sizeof(req.profile), "corp");
		snprintf(req.password, sizeof(req.password), "canary-wipe");
		req.has_password = true;
		len = sstp_helper_req_encode(&req, rbb, sizeof(rbb));
		assert_true(len > 0);
		rb.len = (size_t)len;
		memcpy(rbb + rb.len, "\x01\x02", 2);
		sstp_ctl_rbuf_commit(&rb, 2);
		assert_int_equal(sstp_ctl_rbuf_frame(&rb, &m, &why), len);
		sstp_ctl_rbuf_consume(&rb, (size_t)len);
		assert_int_equal(rb.len, 2);
		assert_int_equal(rbb[0], 1);
		for (size_t i = 2; i < (size_t)len + 2; i++)
			assert_int_equal(rbb[i], 0);
		sstp_ctl_rbuf_consume(&rb, 2);
		assert_int_equal(rb.len, 0);
		assert_int_equal(rbb[0], 0);
		assert_int_equal(rbb[1], 0);
		(void)sstp_ctl_rbuf_tail(&rb, &room);
		assert_int_equal(room, sizeof(rbb));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_connect),
		cmocka_unit_test(test_round_trip_others),
		cmocka_unit_test(test_request_shapes),
		cmocka_unit_test(test_profile_names),
		cmocka_unit_test(test_option_allow_list),
		cmocka_unit_test(test_options_in_frames),
		cmocka_unit_test(test_child_argv),
		cmocka_unit_test(test_rbuf),
		cmocka_unit_test(test_reply_frames),
		cmocka_unit_test(test_password),
		cmocka_unit_test(test_need_password_and_wipe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
