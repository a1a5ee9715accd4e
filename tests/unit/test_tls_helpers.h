/* test_tls_helpers.h - helpers for the tls unit tests: file paths, running openssl, an
 * in-process mbedTLS server over a socketpair, and certificates minted with mbedTLS x509write
 * (arbitrary dates, EKU, SAN) signed by the committed test CA. Header-only (static inline). */
#ifndef SSTP_TEST_TLS_HELPERS_H
#define SSTP_TEST_TLS_HELPERS_H

#include "tls_compat.h"

#include <mbedtls/asn1write.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/oid.h>
#include <mbedtls/pem.h>
#include <mbedtls/x509_crt.h>

#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tls.h"
#include "tls_priv.h"

#define TD SSTP_TEST_DATA "/tls/"

static inline int th_have_openssl(void)
{
	return system("openssl version >/dev/null 2>&1") == 0;
}

/* Runs a shell command (printf-style); returns its exit status. */
static inline int th_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int th_sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A fresh temporary directory (path in dir[64]). */
static inline void th_tmpdir(char dir[64])
{
	snprintf(dir, 64, "/tmp/sstp-tls-XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
}

static inline void th_rmdir(const char *dir)
{
	th_sh("rm -rf '%s'", dir);
}

static inline uint8_t *th_read(const char *path, size_t *len)
{
	char err[256];
	uint8_t *buf;

	if (tls_read_file(path, 4 * 1024 * 1024, &buf, len, err, sizeof(err)) != 0)
		return NULL;
	return buf;
}

static inline int th_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (f == NULL)
		return -1;
	ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static inline int th_load_key(mbedtls_pk_context *pk, const char *path)
{
	size_t len;
	uint8_t *buf = th_read(path, &len);
	int ret;

	if (buf == NULL)
		return -1;
	ret = tls_compat_pk_parse_key(pk, buf, len + 1, NULL, 0);
	free(buf);
	return ret;
}

/* ---- certificates minted in the test ---- */

struct th_cert_spec {
	const char *subject;     /* "CN=..." */
	const char *not_before;  /* "YYYYMMDDhhmmss" */
	const char *not_after;
	const char *dns;         /* one DNS SAN, or NULL */
	const uint8_t *ip4;      /* one IPv4 SAN, or NULL */
	const char *eku;         /* an EKU OID (MBEDTLS_OID_*), or NULL for none */
	size_t eku_len;
	int is_ca;
};

/* Issues a certificate for subject_key signed by issuer (ca.pem/ca.key by default). PEM into out
 * (NUL-terminated). 0 or -1. */
static inline int th_mint(const struct th_cert_spec *sp, const char *subject_key,
			  const char *issuer_crt, const char *issuer_key, char *out, size_t outlen)
{
	mbedtls_x509write_cert w;
	mbedtls_pk_context sk, ik;
	mbedtls_x509_crt ic;
	char issuer_name[256];
	unsigned char ext[128], *p;
	const unsigned char serial[] = { 0x01, 0x23, 0x45 };
	int ret = -1;

	mbedtls_x509write_crt_init(&w);
	mbedtls_pk_init(&sk);
	mbedtls_pk_init(&ik);
	mbedtls_x509_crt_init(&ic);
	if (th_load_key(&sk, subject_key) != 0 ||
	    th_load_key(&ik, issuer_key ? issuer_key : TD "ca.key") != 0 ||
	    mbedtls_x509_crt_parse_file(&ic, issuer_crt ? issuer_crt : TD "ca.pem") != 0)
		goto out;
	if (mbedtls_x509_dn_gets(issuer_name, sizeof(issuer_name), &ic.subject) < 0)
		goto out;
	mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
	mbedtls_x509write_crt_set_subject_key(&w, &sk);
	mbedtls_x509write_crt_set_issuer_key(&w, &ik);
	if (tls_compat_crt_set_serial(&w, serial, sizeof(serial)) != 0 ||
	    mbedtls_x509write_crt_set_subject_name(&w, sp->subject) != 0 ||
	    mbedtls_x509write_crt_set_issuer_name(&w, issuer_name) != 0 ||
	    mbedtls_x509write_crt_set_validity(&w, sp->not_before, sp->not_after) != 0 ||
	    mbedtls_x509write_crt_set_basic_constraints(&w, sp->is_ca, -1) != 0)
		goto out;
	if (sp->eku != NULL) {
		size_t len = 0;

		p = ext + sizeof(ext);
		len += (size_t)mbedtls_asn1_write_oid(&p, ext, sp->eku, sp->eku_len);
		len += (size_t)mbedtls_asn1_write_len(&p, ext, len);
		len += (size_t)mbedtls_asn1_write_tag(&p, ext, MBEDTLS_ASN1_CONSTRUCTED |
								 MBEDTLS_ASN1_SEQUENCE);
		if (mbedtls_x509write_crt_set_extension(&w, MBEDTLS_OID_EXTENDED_KEY_USAGE,
							MBEDTLS_OID_SIZE(MBEDTLS_OID_EXTENDED_KEY_USAGE),
							0, p, len) != 0)
			goto out;
	}
	if (sp->dns != NULL || sp->ip4 != NULL) {
		size_t len = 0;

		p = ext + sizeof(ext);
		if (sp->ip4 != NULL)
			len += (size_t)mbedtls_asn1_write_tagged_string(
				&p, ext, MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7, (const char *)sp->ip4, 4);
		if (sp->dns != NULL)
			len += (size_t)mbedtls_asn1_write_tagged_string(
				&p, ext, MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2, sp->dns, strlen(sp->dns));
		len += (size_t)mbedtls_asn1_write_len(&p, ext, len);
		len += (size_t)mbedtls_asn1_write_tag(&p, ext, MBEDTLS_ASN1_CONSTRUCTED |
								 MBEDTLS_ASN1_SEQUENCE);
		if (mbedtls_x509write_crt_set_extension(&w, MBEDTLS_OID_SUBJECT_ALT_NAME,
							MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME),
							0, p, len) != 0)
			goto out;
	}
	if (mbedtls_x509write_crt_pem(&w, (unsigned char *)out, outlen, tls_rng, NULL) != 0)
		goto out;
	ret = 0;
out:
	mbedtls_x509write_crt_free(&w);
	mbedtls_pk_free(&sk);
	mbedtls_pk_free(&ik);
	mbedtls_x509_crt_free(&ic);
	return ret;
}

/* ---- an in-process mbedTLS server over one end of a socketpair ---- */

struct th_server {
	mbedtls_ssl_context ssl;
	mbedtls_ssl_config conf;
	mbedtls_x509_crt crt, ca;
	mbedtls_pk_context key;
	mbedtls_net_context net;
	struct tls_compat_export exp;
	uint8_t ms[48], cr[32], sr[32];
	mbedtls_tls_prf_types prf;
	int have_keys;
};

static inline void th_server_keys(void *ctx, const unsigned char *ms, size_t ms_len,
				  const unsigned char cr[32], const unsigned char sr[32],
				  mbedtls_tls_prf_types prf)
{
	struct th_server *s = ctx;

	if (ms_len != 48)
		return;
	memcpy(s->ms, ms, 48);
	memcpy(s->cr, cr, 32);
	memcpy(s->sr, sr, 32);
	s->prf = prf;
	s->have_keys = 1;
}

/* crt_pem: PEM text (or NULL to use server.pem); ca_file: client CAs to require a client
 * certificate (NULL: none requested). fd: non-blocking server end, or -1 for memory BIOs set
 * later by the caller. */
static inline int th_server_init(struct th_server *s, const char *crt_pem, const char *ca_file,
				 int fd)
{
	memset(s, 0, sizeof(*s));
	mbedtls_ssl_init(&s->ssl);
	mbedtls_ssl_config_init(&s->conf);
	mbedtls_x509_crt_init(&s->crt);
	mbedtls_x509_crt_init(&s->ca);
	mbedtls_pk_init(&s->key);
	mbedtls_net_init(&s->net);
	s->net.fd = fd;
	if (crt_pem != NULL) {
		if (mbedtls_x509_crt_parse(&s->crt, (const unsigned char *)crt_pem,
					   strlen(crt_pem) + 1) != 0)
			return -1;
	} else if (mbedtls_x509_crt_parse_file(&s->crt, TD "server.pem") != 0) {
		return -1;
	}
	if (th_load_key(&s->key, TD "server.key") != 0)
		return -1;
	if (mbedtls_ssl_config_defaults(&s->conf, MBEDTLS_SSL_IS_SERVER,
					MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT))
		return -1;
	mbedtls_ssl_conf_rng(&s->conf, tls_rng, NULL);
	if (mbedtls_ssl_conf_own_cert(&s->conf, &s->crt, &s->key) != 0)
		return -1;
	if (ca_file != NULL) {
		if (mbedtls_x509_crt_parse_file(&s->ca, ca_file) != 0)
			return -1;
		mbedtls_ssl_conf_ca_chain(&s->conf, &s->ca, NULL);
		mbedtls_ssl_conf_authmode(&s->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
	} else {
		mbedtls_ssl_conf_authmode(&s->conf, MBEDTLS_SSL_VERIFY_NONE);
	}
	if (mbedtls_ssl_setup(&s->ssl, &s->conf) != 0)
		return -1;
	s->exp.fn = th_server_keys;
	s->exp.ctx = s;
	tls_compat_set_export_cb(&s->conf, &s->ssl, &s->exp);
	if (fd >= 0)
		mbedtls_ssl_set_bio(&s->ssl, &s->net, mbedtls_net_send, mbedtls_net_recv, NULL);
	return 0;
}

static inline void th_server_free(struct th_server *s)
{
	mbedtls_ssl_free(&s->ssl);
	mbedtls_ssl_config_free(&s->conf);
	mbedtls_x509_crt_free(&s->crt);
	mbedtls_x509_crt_free(&s->ca);
	mbedtls_pk_free(&s->key);
	if (s->net.fd >= 0)
		close(s->net.fd);
}

/* A connected pair of non-blocking stream sockets. */
static inline void th_socketpair(int fds[2])
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0)
		abort();
	fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
	fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK);
}

/* Steps client and server until the client's handshake ends; returns its last result. */
static inline int th_pump(struct tls_session *c, struct th_server *s)
{
	int rc = TLS_WANT_READ;

	for (int i = 0; i < 2000; i++) {
		rc = tls_handshake(c);
		if (rc != TLS_WANT_READ && rc != TLS_WANT_WRITE)
			break;
		(void)mbedtls_ssl_handshake(&s->ssl);
		poll(NULL, 0, 1);
	}
	/* let the server see the client's last flight or alert */
	for (int i = 0; i < 5; i++)
		(void)mbedtls_ssl_handshake(&s->ssl);
	return rc;
}

/* ---- openssl s_server on a free loopback port ---- */

/* A TCP port that was free a moment ago. */
static inline int th_free_port(void)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	socklen_t sl = sizeof(ss);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	memset(&ss, 0, sizeof(ss));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(0x7f000001);
	if (fd < 0 || bind(fd, (struct sockaddr *)sin, sizeof(*sin)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
		abort();
	port = ntohs(sin->sin_port);
	close(fd);
	return port;
}

/* Connects to 127.0.0.1:port, retrying for up to 5 s while the server starts. Blocking fd. */
static inline int th_connect(int port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(0x7f000001);
	for (int i = 0; i < 250; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0)
			return fd;
		close(fd);
		poll(NULL, 0, 20);
	}
	return -1;
}

/* Starts `openssl s_server -accept 127.0.0.1:port <args>` in the background; returns its pid.
 * Its output goes to log (a path). */
static inline pid_t th_s_server(int port, const char *args, const char *log)
{
	char cmd[2048];
	pid_t pid;

	snprintf(cmd, sizeof(cmd),
		 "exec openssl s_server -accept 127.0.0.1:%d -naccept 1 %s >'%s' 2>&1 </dev/null",
		 port, args, log);
	pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static inline void th_kill(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
}

/* Drives a blocking-fd session handshake with poll (at most ~10 s). */
static inline int th_handshake_poll(struct tls_session *s)
{
	int fd = tls_session_fd(s), rc = TLS_WANT_READ;

	for (int i = 0; i < 1000; i++) {
		struct pollfd pfd = { .fd = fd };

		rc = tls_handshake(s);
		if (rc == TLS_WANT_READ)
			pfd.events = POLLIN;
		else if (rc == TLS_WANT_WRITE)
			pfd.events = POLLOUT;
		else
			return rc;
		poll(&pfd, 1, 10);
	}
	return rc;
}

#endif
