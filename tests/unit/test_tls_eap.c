/* test_tls_eap.c - the EAP-TLS engine: against `openssl s_server -keylogfile` on loopback (the
 * MSK recomputed here from the logged master secret with an independent TLS 1.2 PRF, for a SHA-256
 * and a SHA-384 suite, with the server requiring our certificate), and against an in-process
 * mbedTLS server over memory (MSK from the server's own export, chain presented without the root,
 * unknown CA, wrong server name, verification off, misuse of the interface), and the TLS tunnel
 * after the handshake (seal/open both ways, a record changed in flight). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_tls_helpers.h"
#include "tls_creds.h"
#include "tls_eap.h"

static const char *const test_ca[] = { TD "ca.pem", NULL };
static const char *const other_ca[] = { TD "other-ca.pem", NULL };
static char dir[64];
static pid_t server_pid;

static int setup(void **state)
{
	(void)state;
	th_tmpdir(dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	th_rmdir(dir);
	return 0;
}

static int kill_server(void **state)
{
	(void)state;
	th_kill(server_pid);
	server_pid = 0;
	return 0;
}

/* TLS 1.2 PRF (RFC 5246 section 5), written from the RFC with HMAC only. */
static void prf12(mbedtls_md_type_t md, const uint8_t *secret, size_t slen, const char *label,
		  const uint8_t *seed, size_t seedlen, uint8_t *out, size_t outlen)
{
	const mbedtls_md_info_t *info = mbedtls_md_info_from_type(md);
	size_t hl = mbedtls_md_get_size(info), ll = strlen(label);
	uint8_t ls[128], a[64], blk[64 + 128], h[64];

	assert_true(ll + seedlen <= sizeof(ls));
	memcpy(ls, label, ll);
	memcpy(ls + ll, seed, seedlen);
	assert_int_equal(mbedtls_md_hmac(info, secret, slen, ls, ll + seedlen, a), 0); /* A(1) */
	while (outlen > 0) {
		size_t n = outlen < hl ? outlen : hl;

		memcpy(blk, a, hl);
		memcpy(blk + hl, ls, ll + seedlen);
		assert_int_equal(mbedtls_md_hmac(info, secret, slen, blk, hl + ll + seedlen, h), 0);
		memcpy(out, h, n);
		out += n;
		outlen -= n;
		assert_int_equal(mbedtls_md_hmac(info, secret, slen, a, hl, a), 0);
	}
}

static void expected_msk(mbedtls_md_type_t md, const uint8_t ms[48], const uint8_t cr[32],
			 const uint8_t sr[32], uint8_t msk[64])
{
	uint8_t seed[64];

	memcpy(seed, cr, 32);
	memcpy(seed + 32, sr, 32);
	prf12(md, ms, 48, "client EAP encryption", seed, 64, msk, 64);
}

static struct tls_creds *load_client(void)
{
	char err[256];
	struct tls_creds *c;

	c = tls_creds_load_files(TD "client.pem", TD "client.key", NULL, err, sizeof(err));
	assert_non_null(c);
	return c;
}

/* ---- against openssl s_server over TCP ---- */

static int recv_exact(int fd, uint8_t *b, size_t n)
{
	size_t got = 0;

	while (got < n) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, 5000) <= 0)
			return -1;
		r = recv(fd, b + got, n - got, 0);
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

/* Reads one server flight (what EAP would carry as one reassembled message): records up to a
 * ServerHelloDone, or up to the record after ChangeCipherSpec, or an alert. */
static size_t read_flight(int fd, uint8_t *buf, size_t cap, uint8_t server_random[32])
{
	size_t len = 0;
	int after_ccs = 0;

	for (;;) {
		uint8_t *rec = buf + len;
		size_t rlen;

		assert_true(len + 5 <= cap);
		assert_int_equal(recv_exact(fd, rec, 5), 0);
		rlen = (size_t)rec[3] << 8 | rec[4];
		assert_true(len + 5 + rlen <= cap);
		assert_int_equal(recv_exact(fd, rec + 5, rlen), 0);
		len += 5 + rlen;
		if (rec[0] == 21 || (rec[0] == 22 && after_ccs))
			return len;
		if (rec[0] == 20) {
			after_ccs = 1;
			continue;
		}
		if (rec[0] == 22) { /* plaintext handshake messages of this record */
			size_t off = 5;

			while (off + 4 <= 5 + rlen) {
				size_t mlen = (size_t)rec[off + 1] << 16 | (size_t)rec[off + 2] << 8 |
					      rec[off + 3];

				if (rec[off] == 2 && server_random != NULL && off + 4 + 34 <= 5 + rlen)
					memcpy(server_random, rec + off + 4 + 2, 32); /* ServerHello */
				if (rec[off] == 14)
					return len; /* ServerHelloDone */
				off += 4 + mlen;
			}
		}
	}
}

/* "CLIENT_RANDOM <64 hex> <96 hex>" from the key log */
static void read_keylog(const char *path, uint8_t cr[32], uint8_t ms[48])
{
	char line[512], crh[65], msh[97];
	FILE *f = fopen(path, "r");
	int found = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "CLIENT_RANDOM ", 14) != 0 || strlen(line) < 14 + 64 + 1 + 96)
			continue;
		memcpy(crh, line + 14, 64);
		crh[64] = 0;
		memcpy(msh, line + 14 + 65, 96);
		msh[96] = 0;
		for (int i = 0; i < 32; i++) {
			char b[3] = { crh[2 * i], crh[2 * i + 1], 0 };

			cr[i] = (uint8_t)strtoul(b, NULL, 16);
		}
		for (int i = 0; i < 48; i++) {
			char b[3] = { msh[2 * i], msh[2 * i + 1], 0 };

			ms[i] = (uint8_t)strtoul(b, NULL, 16);
		}
		found = 1;
	}
	fclose(f);
	assert_true(found);
}

static void msk_against_openssl(const char *cipher, mbedtls_md_type_t prf_md)
{
	char args[1024], keylog[128], log[128], err[256];
	uint8_t flight[32768], sr[32], cr[32], ms[48], msk[64], want[64];
	struct ppp_tls_engine eng;
	struct tls_eap_engine *e;
	struct tls_creds *creds;
	struct tls_eap_config cfg = { 0 };
	const uint8_t *out;
	size_t out_len, n;
	int port, fd;

	if (!th_have_openssl())
		skip();
	snprintf(keylog, sizeof(keylog), "%s/keys-%s.log", dir, cipher);
	snprintf(log, sizeof(log), "%s/s_server.log", dir);
	snprintf(args, sizeof(args),
		 "-cert %sserver.pem -key %sserver.key -Verify 2 -CAfile %sca.pem "
		 "-verify_return_error -cipher %s -no_tls1_3 -keylogfile %s -rev -quiet",
		 TD, TD, TD, cipher, keylog);
	port = th_free_port();
	server_pid = th_s_server(port, args, log);
	fd = th_connect(port);
	assert_true(fd >= 0);

	creds = load_client();
	cfg.creds = creds;
	cfg.ca_paths = test_ca;
	cfg.server_name = "vpn.test";
	e = tls_eap_engine_new(&cfg, &eng, err, sizeof(err));
	assert_non_null(e);
	assert_ptr_equal(eng.ctx, e);
	assert_int_equal(eng.begin(eng.ctx), 0);
	/* ClientHello */
	assert_int_equal(eng.step(eng.ctx, NULL, 0, &out, &out_len), PPP_TLS_CONTINUE);
	assert_true(out_len > 0);
	assert_int_equal(send(fd, out, out_len, 0), (ssize_t)out_len);
	/* ServerHello..ServerHelloDone -> Certificate, ClientKeyExchange, CertificateVerify,
	 * ChangeCipherSpec, Finished */
	n = read_flight(fd, flight, sizeof(flight), sr);
	assert_int_equal(eng.step(eng.ctx, flight, n, &out, &out_len), PPP_TLS_CONTINUE);
	assert_true(out_len > 0);
	assert_int_equal(send(fd, out, out_len, 0), (ssize_t)out_len);
	/* ChangeCipherSpec, Finished -> done, nothing more to send */
	n = read_flight(fd, flight, sizeof(flight), NULL);
	if (eng.step(eng.ctx, flight, n, &out, &out_len) != PPP_TLS_DONE)
		print_error("%s\n", eng.error(eng.ctx));
	assert_int_equal(eng.step(eng.ctx, NULL, 0, &out, &out_len), PPP_TLS_DONE);
	assert_int_equal(out_len, 0);
	assert_int_equal(eng.msk(eng.ctx, msk), 0);
	close(fd);
	kill_server(NULL);

	read_keylog(keylog, cr, ms);
	expected_msk(prf_md, ms, cr, sr, want);
	assert_memory_equal(msk, want, 64);
	tls_eap_engine_free(e);
	tls_creds_free(creds);
}

static void test_msk_openssl_sha256(void **state)
{
	(void)state;
	msk_against_openssl("ECDHE-RSA-AES128-GCM-SHA256", MBEDTLS_MD_SHA256);
}

static void test_msk_openssl_sha384(void **state)
{
	(void)state;
	msk_against_openssl("ECDHE-RSA-AES256-GCM-SHA384", MBEDTLS_MD_SHA384);
}

/* ---- against an in-process mbedTLS server over memory ---- */

struct mem {
	uint8_t b[65536];
	size_t len, off;
};

struct duplex {
	struct mem rx, tx; /* from the client, to the client */
};

static int mem_send(void *ctx, const unsigned char *d, size_t n)
{
	struct mem *m = &((struct duplex *)ctx)->tx;

	if (n > sizeof(m->b) - m->len)
		return MBEDTLS_ERR_SSL_WANT_WRITE;
	memcpy(m->b + m->len, d, n);
	m->len += n;
	return (int)n;
}

static int mem_recv(void *ctx, unsigned char *d, size_t n)
{
	struct mem *m = &((struct duplex *)ctx)->rx;

	if (m->off == m->len)
		return MBEDTLS_ERR_SSL_WANT_READ;
	if (n > m->len - m->off)
		n = m->len - m->off;
	memcpy(d, m->b + m->off, n);
	m->off += n;
	return (int)n;
}

struct mem_run {
	struct th_server s;
	struct duplex io;
	struct tls_eap_engine *e;
	struct ppp_tls_engine eng;
	enum ppp_tls_status st;
	int flights;
};

/* An engine with cfg against a server presenting crt_pem (NULL: server.pem) that requires a
 * client certificate under client_ca (NULL: none); runs until the engine is done or failed. */
static void mem_run(struct mem_run *r, struct tls_eap_config *cfg, const char *crt_pem,
		    const char *client_ca)
{
	const uint8_t *out;
	size_t out_len;
	char err[256];

	memset(r, 0, sizeof(*r));
	assert_int_equal(th_server_init(&r->s, crt_pem, client_ca, -1), 0);
	mbedtls_ssl_set_bio(&r->s.ssl, &r->io, mem_send, mem_recv, NULL);
	r->e = tls_eap_engine_new(cfg, &r->eng, err, sizeof(err));
	if (r->e == NULL)
		print_error("%s\n", err);
	assert_non_null(r->e);
	assert_int_equal(r->eng.begin(r->eng.ctx), 0);
	r->st = r->eng.step(r->eng.ctx, NULL, 0, &out, &out_len);
	while (r->st == PPP_TLS_CONTINUE && r->flights < 10) {
		/* deliver the client's flight, let the server answer with its own */
		assert_true(out_len <= sizeof(r->io.rx.b));
		memcpy(r->io.rx.b, out, out_len);
		r->io.rx.len = out_len;
		r->io.rx.off = 0;
		r->io.tx.len = 0;
		for (int i = 0; i < 10 && r->io.rx.off < r->io.rx.len; i++)
			(void)mbedtls_ssl_handshake(&r->s.ssl);
		if (r->io.tx.len == 0)
			(void)mbedtls_ssl_handshake(&r->s.ssl);
		r->flights++;
		r->st = r->eng.step(r->eng.ctx, r->io.tx.b, r->io.tx.len, &out, &out_len);
	}
	/* the server reads the client's last words (its final flight or an alert) */
	memcpy(r->io.rx.b, out, out_len);
	r->io.rx.len = out_len;
	r->io.rx.off = 0;
	(void)mbedtls_ssl_handshake(&r->s.ssl);
}

static void mem_done(struct mem_run *r)
{
	tls_eap_engine_free(r->e);
	th_server_free(&r->s);
}

static void test_mem_msk_and_chain(void **state)
{
	struct tls_eap_config cfg = { .ca_paths = test_ca, .server_name = "vpn.test" };
	char err[256], chain[256];
	const mbedtls_x509_crt *peer;
	uint8_t msk[64], want[64];
	struct tls_creds *creds;
	struct mem_run r;

	(void)state;
	/* EC client issued by the intermediate; the file also holds the root */
	snprintf(chain, sizeof(chain), "%s/ec-chain.pem", dir);
	assert_int_equal(th_sh("cat %sclient-ec.pem %sinter.pem %sca.pem > %s", TD, TD, TD, chain),
			 0);
	creds = tls_creds_load_files(chain, TD "client-ec.key", NULL, err, sizeof(err));
	assert_non_null(creds);
	cfg.creds = creds;
	mem_run(&r, &cfg, NULL, TD "ca.pem");
	if (r.st != PPP_TLS_DONE)
		print_error("%s\n", r.eng.error(r.eng.ctx));
	assert_int_equal(r.st, PPP_TLS_DONE);
	/* the server received leaf + intermediate, not the root */
	peer = mbedtls_ssl_get_peer_cert(&r.s.ssl);
	assert_non_null(peer);
	assert_non_null(peer->next);
	assert_true(peer->next->next == NULL || peer->next->next->version == 0);
	assert_int_equal(r.eng.msk(r.eng.ctx, msk), 0);
	assert_true(r.s.have_keys);
	expected_msk(r.s.prf == MBEDTLS_SSL_TLS_PRF_SHA384 ? MBEDTLS_MD_SHA384 : MBEDTLS_MD_SHA256,
		     r.s.ms, r.s.cr, r.s.sr, want);
	assert_memory_equal(msk, want, 64);
	/* a second handshake on the same engine (EAP restarted) gives a fresh MSK */
	mem_done(&r);
	mem_run(&r, &cfg, NULL, TD "ca.pem");
	assert_int_equal(r.st, PPP_TLS_DONE);
	assert_int_equal(r.eng.msk(r.eng.ctx, want), 0);
	assert_memory_not_equal(msk, want, 64);
	mem_done(&r);
	tls_creds_free(creds);
}

static void test_mem_failures(void **state)
{
	struct tls_eap_config cfg = { .ca_paths = other_ca };
	struct tls_creds *creds = load_client();
	uint8_t msk[64];
	struct mem_run r;

	(void)state;
	cfg.creds = creds;
	/* unknown CA */
	mem_run(&r, &cfg, NULL, NULL);
	assert_int_equal(r.st, PPP_TLS_FAILED);
	assert_non_null(strstr(r.eng.error(r.eng.ctx), "EAP-TLS: unknown issuer \"CN=sstp test root\""));
	assert_int_equal(r.eng.msk(r.eng.ctx, msk), -1);
	mem_done(&r);
	/* wrong expected name */
	cfg.ca_paths = test_ca;
	cfg.server_name = "radius.example.org";
	mem_run(&r, &cfg, NULL, NULL);
	assert_int_equal(r.st, PPP_TLS_FAILED);
	assert_non_null(strstr(r.eng.error(r.eng.ctx), "presented by radius.example.org"));
	mem_done(&r);
	/* verification off: any server will do */
	cfg.ca_paths = other_ca;
	cfg.no_verify = 1;
	mem_run(&r, &cfg, NULL, NULL);
	assert_int_equal(r.st, PPP_TLS_DONE);
	assert_int_equal(r.eng.msk(r.eng.ctx, msk), 0);
	mem_done(&r);
	tls_creds_free(creds);
}

/* The TLS tunnel PEAP runs inside (after the handshake): inner bytes sealed by the engine are
 * what the server reads; what the server writes, the engine opens; a record changed in flight
 * fails cleanly and the tunnel stays closed. */
static void test_mem_tunnel(void **state)
{
	struct tls_eap_config cfg = { .ca_paths = test_ca, .server_name = "vpn.test" };
	struct tls_creds *creds = load_client();
	static const char inner[] = "\x01" "DOMAIN\\alice"; /* an inner Identity response */
	static const char hello[] = "\x1a\x01\x07\x00\x1a" "challenge from the server";
	const uint8_t *out;
	size_t out_len;
	uint8_t buf[256];
	struct mem_run r;
	int n;

	(void)state;
	cfg.creds = creds;
	mem_run(&r, &cfg, NULL, TD "ca.pem");
	assert_int_equal(r.st, PPP_TLS_DONE);
	/* client -> server */
	assert_int_equal(r.eng.seal(r.eng.ctx, (const uint8_t *)inner, sizeof(inner) - 1, &out,
				    &out_len),
			 0);
	assert_true(out_len > sizeof(inner) - 1 && out[0] == 0x17); /* application_data record */
	memcpy(r.io.rx.b, out, out_len);
	r.io.rx.len = out_len;
	r.io.rx.off = 0;
	n = mbedtls_ssl_read(&r.s.ssl, buf, sizeof(buf));
	assert_int_equal(n, (int)sizeof(inner) - 1);
	assert_memory_equal(buf, inner, sizeof(inner) - 1);
	/* server -> client, two records in one message */
	r.io.tx.len = 0;
	assert_int_equal(mbedtls_ssl_write(&r.s.ssl, (const uint8_t *)hello, 5), 5);
	assert_int_equal(mbedtls_ssl_write(&r.s.ssl, (const uint8_t *)hello + 5, sizeof(hello) - 6),
			 (int)sizeof(hello) - 6);
	assert_int_equal(r.eng.open(r.eng.ctx, r.io.tx.b, r.io.tx.len, &out, &out_len), 0);
	assert_int_equal(out_len, sizeof(hello) - 1);
	assert_memory_equal(out, hello, out_len);
	/* nothing new: empty */
	assert_int_equal(r.eng.open(r.eng.ctx, NULL, 0, &out, &out_len), 0);
	assert_int_equal(out_len, 0);
	/* a record changed in flight */
	r.io.tx.len = 0;
	assert_int_equal(mbedtls_ssl_write(&r.s.ssl, (const uint8_t *)hello, sizeof(hello) - 1),
			 (int)sizeof(hello) - 1);
	r.io.tx.b[r.io.tx.len - 3] ^= 0x40;
	assert_int_equal(r.eng.open(r.eng.ctx, r.io.tx.b, r.io.tx.len, &out, &out_len), -1);
	assert_true(strlen(r.eng.error(r.eng.ctx)) > 0);
	assert_int_equal(r.eng.seal(r.eng.ctx, (const uint8_t *)inner, 3, &out, &out_len), -1);
	mem_done(&r);
	tls_creds_free(creds);
}

static void test_config_and_misuse(void **state)
{
	struct tls_eap_config cfg = { 0 };
	struct ppp_tls_engine eng;
	struct tls_eap_engine *e;
	const uint8_t *out;
	size_t out_len;
	char err[256];
	uint8_t msk[64], junk[300];

	(void)state;
	assert_null(tls_eap_engine_new(&cfg, &eng, err, sizeof(err)));
	assert_non_null(strstr(err, "client certificate"));
	cfg.creds = load_client();
	assert_null(tls_eap_engine_new(&cfg, &eng, err, sizeof(err)));
	assert_non_null(strstr(err, "no CA for the EAP server"));
	cfg.max_version = TLS_VERSION_1_3;
	cfg.ca_paths = test_ca;
	assert_null(tls_eap_engine_new(&cfg, &eng, err, sizeof(err)));
	cfg.max_version = TLS_VERSION_DEFAULT;
	e = tls_eap_engine_new(&cfg, &eng, err, sizeof(err));
	assert_non_null(e);
	/* step before begin, msk and the tunnel before done */
	assert_int_equal(eng.step(eng.ctx, NULL, 0, &out, &out_len), PPP_TLS_FAILED);
	assert_true(strlen(eng.error(eng.ctx)) > 0);
	assert_int_equal(eng.msk(eng.ctx, msk), -1);
	assert_int_equal(eng.open(eng.ctx, junk, 5, &out, &out_len), -1);
	assert_int_equal(eng.seal(eng.ctx, junk, 5, &out, &out_len), -1);
	/* garbage from the "server" fails cleanly */
	assert_int_equal(eng.begin(eng.ctx), 0);
	assert_int_equal(eng.step(eng.ctx, NULL, 0, &out, &out_len), PPP_TLS_CONTINUE);
	memset(junk, 0x16, sizeof(junk));
	assert_int_equal(eng.step(eng.ctx, junk, sizeof(junk), &out, &out_len), PPP_TLS_FAILED);
	assert_non_null(strstr(eng.error(eng.ctx), "EAP-TLS"));
	assert_int_equal(eng.msk(eng.ctx, msk), -1);
	/* begin starts over after a failure */
	assert_int_equal(eng.begin(eng.ctx), 0);
	assert_int_equal(eng.step(eng.ctx, NULL, 0, &out, &out_len), PPP_TLS_CONTINUE);
	assert_true(out_len > 0 && out[0] == 0x16); /* a new ClientHello record */
	tls_eap_engine_free(e);
	tls_creds_free((struct tls_creds *)cfg.creds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_msk_openssl_sha256, kill_server),
		cmocka_unit_test_teardown(test_msk_openssl_sha384, kill_server),
		cmocka_unit_test(test_mem_msk_and_chain),
		cmocka_unit_test(test_mem_failures),
		cmocka_unit_test(test_mem_tunnel),
		cmocka_unit_test(test_config_and_misuse),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
