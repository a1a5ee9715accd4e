/* test_tls_peap_radius.c - PEAPv0 / EAP-MSCHAPv2 of the PPP engine (ppp/eap_peap.c on the
 * EAP-TLS engine's tunnel) against a real FreeRADIUS started by the test on loopback
 * (tests/data/radius/freeradius-peap.sh). The test is the NAS, as RRAS is for NPS: each EAP
 * Response the client puts in a PPP frame goes to FreeRADIUS in an Access-Request (EAP-Message,
 * State, Message-Authenticator); each EAP-Message of the Access-Challenge goes back into PPP.
 * Checks: the HLAK the client derives equals MS-MPPE-Recv-Key of the Access-Accept (MSK[0..31],
 * what MS-SSTP's binding uses); a wrong password ends in AUTH_FAILED with the server's MS-CHAPv2
 * error (691), which the session turns into exit 6. Skips (77) without freeradius. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <mbedtls/md.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include "test_tls_helpers.h"
#include "ppp.h"
#include "ppp_internal.h"
#include "tls_eap.h"

#define SECRET "testing123"

static const char *const test_ca[] = {TD "ca.pem", NULL};
static char dir[64];
static pid_t radius_pid;
static int radius_port;

static void rnd(void *ctx, uint8_t *buf, size_t n)
{
	(void)ctx;
	assert_int_equal(tls_random(buf, n), 0);
}

static void md5(const uint8_t *a, size_t al, const uint8_t *b, size_t bl, uint8_t out[16])
{
	uint8_t buf[512];

	assert_true(al + bl <= sizeof(buf));
	memcpy(buf, a, al);
	memcpy(buf + al, b, bl);
	assert_int_equal(mbedtls_md(mbedtls_md_info_from_type(MBEDTLS_MD_MD5), buf, al + bl, out), 0);
}

/* ---- the RADIUS side (RFC 2865, 3579, 2548) ------------------------------------------------ */

struct radius {
	int fd;
	uint8_t id;
	uint8_t req_auth[16];
	uint8_t state[253];
	size_t state_len;
	uint8_t eap[4096]; /* EAP-Message of the last answer */
	size_t eap_len;
	uint8_t recv_key[32];
	int code, have_recv_key;
};

static void put_attr(uint8_t *p, size_t *n, uint8_t type, const void *v, size_t len)
{
	p[(*n)++] = type;
	p[(*n)++] = (uint8_t)(len + 2);
	memcpy(p + *n, v, len);
	*n += len;
}

/* MS-MPPE-Recv-Key: salt, then the key length, key and padding hidden with MD5 chaining. */
static void mppe_key(struct radius *r, const uint8_t *v, size_t len)
{
	uint8_t plain[64], b[16];
	const uint8_t *prev = r->req_auth;
	size_t prev_len = 16;
	uint8_t first[18];

	if (len < 2 + 16 || (len - 2) % 16 != 0 || len - 2 > sizeof(plain))
		return;
	memcpy(first, r->req_auth, 16);
	memcpy(first + 16, v, 2);
	prev = first;
	prev_len = 18;
	for (size_t i = 0; i < len - 2; i += 16) {
		md5((const uint8_t *)SECRET, strlen(SECRET), prev, prev_len, b);
		for (size_t k = 0; k < 16; k++)
			plain[i + k] = v[2 + i + k] ^ b[k];
		prev = v + 2 + i;
		prev_len = 16;
	}
	if (plain[0] == 32) {
		memcpy(r->recv_key, plain + 1, 32);
		r->have_recv_key = 1;
	}
}

static void parse_answer(struct radius *r, const uint8_t *p, size_t n)
{
	size_t off = 20;

	r->code = p[0];
	r->eap_len = 0;
	while (off + 2 <= n && p[off + 1] >= 2 && off + p[off + 1] <= n) {
		uint8_t t = p[off], l = p[off + 1];
		const uint8_t *v = p + off + 2;

		if (t == 79 && r->eap_len + l - 2 <= sizeof(r->eap)) {
			memcpy(r->eap + r->eap_len, v, l - 2u);
			r->eap_len += l - 2u;
		} else if (t == 24) {
			memcpy(r->state, v, l - 2u);
			r->state_len = l - 2u;
		} else if (t == 26 && l >= 8 && ppp_get32(v) == 311 && v[4] == 17 && v[5] == l - 6) {
			mppe_key(r, v + 6, l - 8u);
		}
		off += l;
	}
}

/* One Access-Request carrying the EAP packet; the answer is parsed into r. */
static void radius_round(struct radius *r, const uint8_t *eap, size_t eap_len)
{
	uint8_t p[4096], ans[4096], mac[16];
	size_t n = 20;
	ssize_t got = -1;

	p[0] = 1;
	p[1] = ++r->id;
	rnd(NULL, r->req_auth, 16);
	memcpy(p + 4, r->req_auth, 16);
	put_attr(p, &n, 1, "alice", 5);
	for (size_t off = 0; off < eap_len; off += 253)
		put_attr(p, &n, 79, eap + off, eap_len - off < 253 ? eap_len - off : 253);
	if (r->state_len)
		put_attr(p, &n, 24, r->state, r->state_len);
	memset(mac, 0, sizeof(mac));
	put_attr(p, &n, 80, mac, 16);
	p[2] = (uint8_t)(n >> 8);
	p[3] = (uint8_t)n;
	assert_int_equal(mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_MD5),
					 (const uint8_t *)SECRET, strlen(SECRET), p, n, mac),
			 0);
	memcpy(p + n - 16, mac, 16);
	for (int tries = 0; tries < 3 && got < 20; tries++) {
		struct pollfd pfd = {.fd = r->fd, .events = POLLIN};

		assert_int_equal(send(r->fd, p, n, 0), (ssize_t)n);
		if (poll(&pfd, 1, 5000) == 1)
			got = recv(r->fd, ans, sizeof(ans), 0);
	}
	assert_true(got >= 20 && ans[1] == r->id);
	parse_answer(r, ans, (size_t)got);
}

/* ---- FreeRADIUS ----------------------------------------------------------------------------- */

static int start_radius(void **state)
{
	char log[128], line[256];
	int ready = 0;

	(void)state;
	th_tmpdir(dir);
	radius_port = th_free_port();
	snprintf(log, sizeof(log), "%s/radius.log", dir);
	radius_pid = fork();
	if (radius_pid == 0) {
		char port[16];

		snprintf(port, sizeof(port), "%d", radius_port);
		if (freopen(log, "w", stdout) == NULL || dup2(1, 2) < 0)
			_exit(1);
		execl("/bin/sh", "sh", SSTP_TEST_DATA "/radius/freeradius-peap.sh", dir, port,
		      "alice", "secret", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 300 && !ready; i++) { /* up to 30 s on a loaded machine */
		FILE *f = fopen(log, "r");
		int status;

		while (f && fgets(line, sizeof(line), f))
			if (strstr(line, "Ready to process requests"))
				ready = 1;
		if (f)
			fclose(f);
		if (!ready && waitpid(radius_pid, &status, WNOHANG) == radius_pid) {
			radius_pid = 0;
			if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
				return 0; /* no freeradius: the tests skip */
			th_sh("cat %s >&2", log);
			return -1;
		}
		poll(NULL, 0, 100);
	}
	return ready ? 0 : -1;
}

static int stop_radius(void **state)
{
	(void)state;
	th_kill(radius_pid);
	radius_pid = 0;
	th_rmdir(dir);
	return 0;
}

/* ---- the client: the PPP engine with PEAP ---------------------------------------------------- */

struct run {
	struct ppp_event ok, failed;
	int have_ok, have_failed, rounds;
	struct radius r;
};

static void feed_eap(struct ppp *p, const uint8_t *eap, size_t len)
{
	static uint8_t fr[4 + 4096];
	struct ppp_data d;

	assert_true(len <= 4096);
	ppp_data_header(fr, PPP_PROTO_EAP);
	memcpy(fr + 4, eap, len);
	ppp_input(p, fr, len + 4, 0, &d);
}

/* The EAP packet the client sent (0 when none). */
static size_t take_eap(struct ppp *p, uint8_t *out, size_t cap)
{
	const uint8_t *fr;
	size_t len, n = 0;

	while (ppp_next_output(p, &fr, &len) == 1)
		if (len > 4 && ppp_get16(fr + 2) == PPP_PROTO_EAP && len - 4 <= cap) {
			memcpy(out, fr + 4, len - 4);
			n = len - 4;
		}
	return n;
}

static void peap_run(struct run *run, const char *password)
{
	static const uint8_t lcp_req[] = {1, 4, 0x05, 0xDC, 3, 4, 0xC2, 0x27, 5, 6, 9, 8, 7, 6};
	static const uint8_t ident[] = {1, 1, 0, 5, 1};
	struct tls_eap_config ec = {.ca_paths = test_ca, .server_name = "localhost", .peap = 1};
	struct ppp_tls_engine iface;
	struct tls_eap_engine *e;
	struct ppp_config cfg;
	struct ppp *p;
	struct sockaddr_in sa;
	uint8_t eap[4096], fr[64];
	const uint8_t *o;
	size_t n = 0, olen;
	char err[256];
	struct ppp_data d;

	memset(run, 0, sizeof(*run));
	e = tls_eap_engine_new(&ec, &iface, err, sizeof(err));
	if (e == NULL)
		fail_msg("%s", err);
	memset(&cfg, 0, sizeof(cfg));
	cfg.auth = PPP_AUTH_PEAP;
	cfg.tls = &iface;
	cfg.user = "alice";
	cfg.user_len = 5;
	cfg.password = password;
	cfg.password_len = strlen(password);
	cfg.random = rnd;
	p = ppp_new(&cfg);
	assert_non_null(p);
	/* LCP: the server asks for EAP and acks our request */
	ppp_lower_up(p, 0);
	while (ppp_next_output(p, &o, &olen) == 1)
		if (ppp_get16(o + 2) == PPP_PROTO_LCP && o[4] == 1 && olen <= sizeof(fr)) {
			memcpy(fr, o, olen);
			n = olen;
		}
	{
		uint8_t req[8 + sizeof(lcp_req)] = {0xFF, 3, 0xC0, 0x21, 1, 0x20, 0, 4 + sizeof(lcp_req)};
		memcpy(req + 8, lcp_req, sizeof(lcp_req));
		ppp_input(p, req, sizeof(req), 0, &d);
		fr[4] = 2;
		ppp_input(p, fr, n, 0, &d);
	}
	assert_true(n > 0);
	assert_int_equal(ppp_get_phase(p), PPP_PHASE_AUTHENTICATE);
	(void)take_eap(p, eap, sizeof(eap));
	/* the NAS asks for the identity, then relays between the client and FreeRADIUS */
	run->r.fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)radius_port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(run->r.fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	feed_eap(p, ident, sizeof(ident));
	n = take_eap(p, eap, sizeof(eap));
	for (run->rounds = 0; n > 0 && run->rounds < 40; run->rounds++) {
		radius_round(&run->r, eap, n);
		if (run->r.eap_len < 4 && run->r.code == 3)
			break; /* Access-Reject without EAP-Message */
		assert_true(run->r.eap_len >= 4);
		feed_eap(p, run->r.eap, run->r.eap_len);
		if (run->r.code != 11)
			break; /* Accept (EAP-Success) or Reject (EAP-Failure) */
		n = take_eap(p, eap, sizeof(eap));
	}
	close(run->r.fd);
	{
		struct ppp_event ev;

		while (ppp_next_event(p, &ev) == 1) {
			if (ev.type == PPP_EV_AUTH_OK) {
				run->ok = ev;
				run->have_ok = 1;
			} else if (ev.type == PPP_EV_AUTH_FAILED) {
				run->failed = ev;
				run->have_failed = 1;
			}
		}
	}
	ppp_free(p);
	tls_eap_engine_free(e);
}

static void test_peap_mschapv2_msk_matches_freeradius(void **state)
{
	static struct run run;

	(void)state;
	if (radius_pid == 0)
		skip();
	peap_run(&run, "secret");
	if (!run.have_ok)
		fail_msg("no AUTH_OK: %s (RADIUS code %d after %d rounds)",
			 run.have_failed ? run.failed.message : "-", run.r.code, run.rounds);
	assert_int_equal(run.r.code, 2); /* Access-Accept */
	assert_int_equal(run.ok.method, PPP_METHOD_PEAP);
	assert_true(run.r.have_recv_key);
	/* MS-MPPE-Recv-Key = MSK[0..31] = the HLAK MS-SSTP binds the call with */
	assert_memory_equal(run.ok.hlak, run.r.recv_key, 32);
	print_message("PEAP: Access-Accept after %d rounds, HLAK = MS-MPPE-Recv-Key\n", run.rounds);
}

static void test_peap_wrong_password(void **state)
{
	static struct run run;

	(void)state;
	if (radius_pid == 0)
		skip();
	peap_run(&run, "not-the-password");
	assert_false(run.have_ok);
	assert_true(run.have_failed);
	assert_int_equal(run.failed.code, 691); /* the session maps AUTH_FAILED to exit 6 */
	assert_non_null(strstr(run.failed.message, "691"));
	print_message("wrong password: %s\n", run.failed.message);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_peap_mschapv2_msk_matches_freeradius),
		cmocka_unit_test(test_peap_wrong_password),
	};

	return cmocka_run_group_tests(tests, start_radius, stop_radius);
}
