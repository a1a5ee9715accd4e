/* test_helper_user.c - users' own profiles through the helper: the policy file (parse, check),
 * the sanitizing of a user's profile text (paths, proxies and password files dropped, keystore
 * URIs refused), the request attributes that carry the profile and its files (round trip and
 * malformed frames) and the child's command line for such a profile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "exit_codes.h"
#include "helper_proto.h"
#include "helper_user.h"

static uint8_t frame[SSTP_CTL_MAX_FRAME];

static int parse_policy(struct helper_policy *pol, const char *text, char *err, size_t len)
{
	helper_policy_init(pol);
	return helper_policy_parse(pol, text, strlen(text), err, len);
}

static void test_policy_parse(void **state)
{
	struct helper_policy pol;
	char err[200];

	(void)state;
	assert_int_equal(parse_policy(&pol, "", err, sizeof(err)), 0);
	assert_true(pol.user_profiles);
	assert_false(pol.full_tunnel);
	assert_string_equal(pol.group, "sstp");
	assert_int_equal(pol.n_gateways, 0);
	assert_int_equal(parse_policy(&pol, "# c\n\n user-profiles = no \r\nuser-full-tunnel=yes\n"
				      "user-profiles-group = vpn\nallowed-gateway = a.test\n"
				      "allowed-gateway = B.test", err, sizeof(err)), 0);
	assert_false(pol.user_profiles);
	assert_true(pol.full_tunnel);
	assert_string_equal(pol.group, "vpn");
	assert_int_equal(pol.n_gateways, 2);
	assert_string_equal(pol.gateways[1], "B.test");
	assert_int_equal(parse_policy(&pol, "\nfull = yes\n", err, sizeof(err)), SSTP_EXIT_PROFILE);
	assert_string_equal(err, "policy line 2: unknown key 'full'");
	assert_int_equal(parse_policy(&pol, "user-profiles = maybe", err, sizeof(err)),
			 SSTP_EXIT_PROFILE);
	assert_non_null(strstr(err, "takes yes or no"));
	assert_int_equal(parse_policy(&pol, "allowed-gateway", err, sizeof(err)), SSTP_EXIT_PROFILE);
	assert_non_null(strstr(err, "expected 'key = value'"));
	assert_int_equal(helper_policy_parse(&pol, "a\0b", 3, err, sizeof(err)), SSTP_EXIT_PROFILE);
	assert_non_null(strstr(err, "NUL"));
	char big[700];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(parse_policy(&pol, big, err, sizeof(err)), SSTP_EXIT_PROFILE);
	assert_non_null(strstr(err, "too long"));
}

static int user_profile(struct sstp_profile *p, const char *text, char *err, size_t len)
{
	sstp_profile_init(p);
	return helper_user_parse(p, "corp", (const uint8_t *)text, strlen(text), err, len);
}

static void test_user_parse_and_check(void **state)
{
	struct helper_policy pol;
	struct sstp_profile p;
	char err[300];

	(void)state;
	assert_int_equal(user_profile(&p, "name = other\nserver = gw.test\nca = /etc/shadow\n"
				      "cert = /root/key.p12\nkey = /root/k.pem\ncert-password-file = /x\n"
				      "user = u\npassword-file = /etc/shadow\nproxy = http://p.test:3128\n"
				      "route = 10.1.0.0/16\n", err, sizeof(err)), 0);
	assert_string_equal(p.name, "corp");
	assert_string_equal(p.server, "gw.test");
	assert_int_equal(p.ca.n, 0);
	assert_null(p.cert);
	assert_null(p.key);
	assert_null(p.cert_password_file);
	assert_null(p.password_file);
	assert_null(p.proxy);
	assert_string_equal(p.user, "u");
	assert_int_equal(p.n_routes, 1);
	helper_policy_init(&pol);
	assert_int_equal(helper_policy_check(&pol, &p, err, sizeof(err)), 0);
	snprintf(pol.gateways[pol.n_gateways++], sizeof(pol.gateways[0]), "GW.test");
	assert_int_equal(helper_policy_check(&pol, &p, err, sizeof(err)), 0);
	snprintf(pol.gateways[0], sizeof(pol.gateways[0]), "other.test");
	assert_int_equal(helper_policy_check(&pol, &p, err, sizeof(err)), SSTP_EXIT_PERMISSION);
	assert_non_null(strstr(err, "does not allow the gateway gw.test"));
	pol.n_gateways = 0;
	p.full_tunnel = true;
	assert_int_equal(helper_policy_check(&pol, &p, err, sizeof(err)), SSTP_EXIT_PERMISSION);
	assert_non_null(strstr(err, "full tunnel"));
	pol.full_tunnel = true;
	assert_int_equal(helper_policy_check(&pol, &p, err, sizeof(err)), 0);
	pol.full_tunnel = false;
	p.full_tunnel = false;
	p.routes[0].prefix = 1; /* 0/1 + 128/1 is a full tunnel by another name */
	assert_int_equal(helper_policy_check(&pol, &p, err, sizeof(err)), SSTP_EXIT_PERMISSION);
	assert_non_null(strstr(err, "wider than /8"));
	pol.user_profiles = false;
	assert_int_equal(helper_policy_check(&pol, &p, err, sizeof(err)), SSTP_EXIT_PERMISSION);
	sstp_profile_free(&p);

	assert_int_equal(user_profile(&p, "server = gw.test\ncert = pkcs11:token=x\n", err,
				      sizeof(err)), SSTP_EXIT_PROFILE);
	assert_non_null(strstr(err, "keystore URI"));
	sstp_profile_free(&p);
	assert_int_equal(user_profile(&p, "server = gw.test\nbogus = 1\n", err, sizeof(err)),
			 SSTP_EXIT_PROFILE);
	sstp_profile_free(&p);
}

static int decode_frame(long len, struct sstp_helper_req *out, char *err, size_t errlen)
{
	struct sstp_ctl_msg m;

	assert_true(len > 0);
	assert_int_equal(sstp_ctl_parse(frame, (size_t)len, &m, NULL), len);
	return sstp_helper_req_decode(&m, out, err, errlen);
}

static void test_request_round_trip(void **state)
{
	static struct sstp_helper_req req, out;
	static const char text[] = "server = gw.test\n", cert[] = "\x30\x82\x01\x00pkcs12";
	char err[256];

	(void)state;
	memset(&req, 0, sizeof(req));
	req.type = SSTP_CTL_REQ_CONNECT;
	snprintf(req.profile, sizeof(req.profile), "corp");
	req.uprofile = (struct sstp_helper_blob){ (const uint8_t *)text, strlen(text), true };
	req.ucert = (struct sstp_helper_blob){ (const uint8_t *)cert, sizeof(cert), true };
	req.cert_password = (struct sstp_helper_blob){ (const uint8_t *)"pw", 2, true };
	assert_int_equal(decode_frame(sstp_helper_req_encode(&req, frame, sizeof(frame)), &out, err,
				      sizeof(err)), 0);
	assert_true(out.uprofile.set && out.ucert.set && out.cert_password.set);
	assert_false(out.uca.set || out.ukey.set);
	assert_memory_equal(out.uprofile.p, text, strlen(text));
	assert_memory_equal(out.ucert.p, cert, sizeof(cert));
	assert_int_equal(out.cert_password.len, 2);
	sstp_helper_req_wipe(&out);
	assert_false(out.cert_password.set);

	/* a certificate password with a LF, files without a profile, files on status */
	req.cert_password = (struct sstp_helper_blob){ (const uint8_t *)"p\nw", 3, true };
	assert_int_equal(decode_frame(sstp_helper_req_encode(&req, frame, sizeof(frame)), &out, err,
				      sizeof(err)), SSTP_EXIT_USAGE);
	assert_non_null(strstr(err, "certificate password holds a NUL, CR or LF"));
	req.cert_password.set = false;
	req.uprofile.set = false;
	assert_int_equal(decode_frame(sstp_helper_req_encode(&req, frame, sizeof(frame)), &out, err,
				      sizeof(err)), SSTP_EXIT_USAGE);
	assert_non_null(strstr(err, "without the profile"));
	req.uprofile.set = true;
	req.type = SSTP_CTL_REQ_STATUS;
	assert_int_equal(decode_frame(sstp_helper_req_encode(&req, frame, sizeof(frame)), &out, err,
				      sizeof(err)), SSTP_EXIT_USAGE);
	/* two profiles, an empty one, one over the limit */
	struct sstp_ctl_writer w;
	static char huge[SSTP_HELPER_UPROFILE_MAX + 1];
	const struct { const char *v; size_t n; int twice; const char *why; } bad[] = {
		{ text, strlen(text), 1, "more than one user profile" },
		{ text, 0, 0, "empty or longer" },
		{ huge, sizeof(huge), 0, "empty or longer" },
	};
	memset(huge, 'a', sizeof(huge));
	for (size_t i = 0; i < 3; i++) {
		sstp_ctl_begin(&w, frame, sizeof(frame), SSTP_CTL_REQ_CONNECT, 1);
		sstp_ctl_put_str(&w, SSTP_CTL_A_PROFILE, "corp");
		sstp_ctl_put_bytes(&w, SSTP_HELPER_A_UPROFILE, bad[i].v, bad[i].n);
		if (bad[i].twice)
			sstp_ctl_put_bytes(&w, SSTP_HELPER_A_UPROFILE, bad[i].v, bad[i].n);
		assert_int_equal(decode_frame(sstp_ctl_finish(&w), &out, err, sizeof(err)),
				 SSTP_EXIT_USAGE);
		assert_non_null(strstr(err, bad[i].why));
	}
}

static void test_child_argv_path(void **state)
{
	struct sstp_helper_req req;
	char *argv[SSTP_HELPER_ARGV_MAX];

	(void)state;
	memset(&req, 0, sizeof(req));
	req.type = SSTP_CTL_REQ_CONNECT;
	snprintf(req.profile, sizeof(req.profile), "corp");
	req.profile_path = "/run/sstp/user-1000-corp";
	assert_true(sstp_helper_child_argv(&req, "/usr/bin/sstp", "/run/sstp", argv,
					   SSTP_HELPER_ARGV_MAX) > 4);
	assert_string_equal(argv[1], "connect");
	assert_string_equal(argv[2], "/run/sstp/user-1000-corp");
	assert_string_equal(argv[3], "--name");
	assert_string_equal(argv[4], "corp");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_parse),
		cmocka_unit_test(test_user_parse_and_check),
		cmocka_unit_test(test_request_round_trip),
		cmocka_unit_test(test_child_argv_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
