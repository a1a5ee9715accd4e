/* tls_session.c - the outer TLS session: mbedTLS client over a non-blocking socket the session
 * owns, TLS 1.2+ with AEAD suites first, SNI, verification through tls_verify.c, optional client
 * certificate, and error codes/sentences the session and CLI can act on. */
#include "tls_compat.h"

#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl_ciphersuites.h>

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls.h"
#include "tls_fast.h"
#include "tls_priv.h"

/* The record layer moves to nettle after the handshake (tls_fast.c) where nettle is built in and
 * mbedTLS is 2.x (its key export gives the key block; 3.x keeps its own record layer). */
#if defined(SSTP_HAVE_NETTLE) && !TLS_COMPAT_V3 && defined(MBEDTLS_SSL_EXPORT_KEYS)
#define TLS_FAST 1
#else
#define TLS_FAST 0
#endif

struct tls_session {
	mbedtls_ssl_context ssl;
	mbedtls_ssl_config conf;
	mbedtls_x509_crt ca;
	struct tls_verify verify;
	int *suites;
	mbedtls_net_context net; /* the socket (fd -1 until set) */
	int last_errno;
	int established;
	int starved; /* the last read wanted more bytes from the socket */
	struct tls_fast *fast; /* the record layer after the handshake, NULL: mbedTLS's */
	struct tls_fast_keys keys; /* from the key export, wiped once used */
	char error[TLS_MSG_LEN];
};

int tls_supports_tls13(void)
{
	return TLS_COMPAT_HAVE_TLS13;
}

/* 0 = ECDHE + AEAD (and TLS 1.3), 1 = other AEAD, 2 = ECDHE + CBC-SHA2, 3 = other CBC-SHA2,
 * 4 = CBC-SHA1, -1 = never offered. */
static int suite_rank(const char *name)
{
	int aead, ecdhe;

	if (name == NULL || strstr(name, "PSK") != NULL || strstr(name, "NULL") != NULL ||
	    strstr(name, "3DES") != NULL || strstr(name, "RC4") != NULL ||
	    strstr(name, "CCM-8") != NULL || strstr(name, "DES-CBC") != NULL)
		return -1;
	if (strncmp(name, "TLS1-3", 6) == 0)
		return 0;
	aead = strstr(name, "GCM") != NULL || strstr(name, "CCM") != NULL ||
	       strstr(name, "CHACHA20-POLY1305") != NULL;
	ecdhe = strstr(name, "-ECDHE-") != NULL;
	if (aead)
		return ecdhe ? 0 : 1;
	if (strstr(name, "-SHA256") != NULL || strstr(name, "-SHA384") != NULL)
		return ecdhe ? 2 : 3;
	return 4;
}

int *tls_suite_list(void)
{
	const int *all = mbedtls_ssl_list_ciphersuites();
	size_t n = 0, k = 0;
	int *out, rank;

	while (all[n] != 0)
		n++;
	out = calloc(n + 1, sizeof(*out));
	if (out == NULL)
		return NULL;
	for (rank = 0; rank <= 4; rank++)
		for (size_t i = 0; i < n; i++)
			if (suite_rank(mbedtls_ssl_get_ciphersuite_name(all[i])) == rank)
				out[k++] = all[i];
	out[k] = 0;
	return out;
}

/* mbedTLS's socket layer (portable, POSIX and Winsock) plus the errno of a failure for the
 * error sentence. On POSIX a peer that vanished can raise SIGPIPE: the session loop ignores it. */
static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct tls_session *s = ctx;
	int r = mbedtls_net_send(&s->net, buf, len);

	if (r == MBEDTLS_ERR_NET_SEND_FAILED || r == MBEDTLS_ERR_NET_CONN_RESET)
		s->last_errno = errno;
	return r;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct tls_session *s = ctx;
	int r = mbedtls_net_recv(&s->net, buf, len);

	if (r == MBEDTLS_ERR_NET_RECV_FAILED || r == MBEDTLS_ERR_NET_CONN_RESET)
		s->last_errno = errno;
	return r; /* 0: EOF, mbedTLS turns it into CONN_EOF */
}

#if TLS_FAST
/* mbedTLS 2.28 key export: the key block of an AEAD suite is client key, server key, client
 * implicit IV, server implicit IV (no MAC keys). Only AES-GCM's shape (4-byte IVs) is kept. */
static int export_keys(void *ctx, const unsigned char *ms, const unsigned char *kb, size_t maclen,
		       size_t keylen, size_t ivlen, const unsigned char cr[32],
		       const unsigned char sr[32], mbedtls_tls_prf_types prf)
{
	struct tls_fast_keys *k = ctx;

	(void)ms, (void)cr, (void)sr, (void)prf;
	mbedtls_platform_zeroize(k, sizeof(*k));
	if (maclen != 0 || (keylen != 16 && keylen != 32) || ivlen != 4)
		return 0;
	memcpy(k->client_key, kb, keylen);
	memcpy(k->server_key, kb + keylen, keylen);
	memcpy(k->client_iv, kb + 2 * keylen, 4);
	memcpy(k->server_iv, kb + 2 * keylen + 4, 4);
	k->key_len = keylen;
	return 0;
}

static uint64_t be64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* After the handshake: AES-GCM over TLS 1.2 with nothing buffered in mbedTLS moves to tls_fast,
 * with the sequence numbers mbedTLS reached (the Finished records were 0). Anything else stays
 * on mbedTLS. SSTP_TLS_RECORD=mbedtls in the environment keeps it there too (comparisons). */
static void switch_record_layer(struct tls_session *s)
{
	const mbedtls_ssl_ciphersuite_t *cs =
		mbedtls_ssl_ciphersuite_from_id(mbedtls_ssl_get_ciphersuite_id(
			mbedtls_ssl_get_ciphersuite(&s->ssl)));
	const char *env = getenv("SSTP_TLS_RECORD");
	size_t want = 0;

	if (cs != NULL && cs->cipher == MBEDTLS_CIPHER_AES_128_GCM)
		want = 16;
	else if (cs != NULL && cs->cipher == MBEDTLS_CIPHER_AES_256_GCM)
		want = 32;
	if (want != 0 && s->keys.key_len == want && s->ssl.minor_ver == MBEDTLS_SSL_MINOR_VERSION_3 &&
	    s->ssl.in_left == 0 && s->ssl.out_left == 0 && mbedtls_ssl_get_bytes_avail(&s->ssl) == 0 &&
	    !mbedtls_ssl_check_pending(&s->ssl) && (env == NULL || strcmp(env, "mbedtls") != 0))
		s->fast = tls_fast_new(s->net.fd, &s->keys, be64(s->ssl.cur_out_ctr),
				       be64(s->ssl.in_ctr));
	mbedtls_platform_zeroize(&s->keys, sizeof(s->keys));
}
#endif

static int version_num(enum tls_version v, int dflt)
{
	return v == TLS_VERSION_DEFAULT ? dflt : (int)v;
}

struct tls_session *tls_session_new(const struct tls_config *cfg, char *err, size_t errlen)
{
	struct tls_session *s;
	const char *name;
	int min, max, ret, anchors;

	if (cfg == NULL || cfg->server_name == NULL || cfg->server_name[0] == '\0') {
		snprintf(err, errlen, "no server name given for TLS");
		return NULL;
	}
	min = version_num(cfg->min_version, 12);
	max = version_num(cfg->max_version, TLS_COMPAT_HAVE_TLS13 ? 13 : 12);
	if (min < 12 || min > 13 || max < 12 || max > 13) {
		snprintf(err, errlen, "unsupported TLS version (only 1.2 and 1.3 exist here)");
		return NULL;
	}
	if ((min == 13 || max == 13) && !TLS_COMPAT_HAVE_TLS13) {
		if (min == 13) {
			snprintf(err, errlen, "TLS 1.3 is not available in the linked %s",
				 MBEDTLS_VERSION_STRING_FULL);
			return NULL;
		}
		max = 12;
	}
	/* an external signer does PKCS#1 v1.5 only; TLS 1.3 wants RSA-PSS signatures */
	if (cfg->client_creds != NULL && tls_creds_external(cfg->client_creds) && max == 13) {
		if (min == 13) {
			snprintf(err, errlen,
				 "TLS 1.3 cannot use a client key held by an external key store");
			return NULL;
		}
		max = 12;
	}
	if (min > max) {
		snprintf(err, errlen, "minimum TLS version is above the maximum");
		return NULL;
	}
	if (tls_drbg() == NULL) {
		snprintf(err, errlen, "cannot seed the random generator from the OS entropy source");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	mbedtls_net_init(&s->net);
	mbedtls_ssl_init(&s->ssl);
	mbedtls_ssl_config_init(&s->conf);
	mbedtls_x509_crt_init(&s->ca);

	name = cfg->sni != NULL && cfg->sni[0] != '\0' ? cfg->sni : cfg->server_name;
	if (tls_verify_set_name(&s->verify, name) != 0) {
		snprintf(err, errlen, "server name is too long");
		goto fail;
	}
	if (tls_verify_set_pins(&s->verify, cfg->pin_sha256, err, errlen) != 0)
		goto fail;
	s->verify.insecure = cfg->insecure;

	anchors = tls_ca_load(&s->ca, cfg->ca_paths, cfg->ca_blobs, cfg->n_ca_blobs,
			      !cfg->no_system_ca, cfg->system_ca_path, err, errlen);
	if (anchors < 0)
		goto fail;
	if (anchors == 0 && s->verify.n_pins == 0 && !cfg->insecure) {
		snprintf(err, errlen,
			 "no trusted root certificates: give --ca, or install the system store "
			 "(Debian package ca-certificates)");
		goto fail;
	}

	ret = mbedtls_ssl_config_defaults(&s->conf, MBEDTLS_SSL_IS_CLIENT,
					  MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
	if (ret != 0) {
		snprintf(err, errlen, "mbedTLS configuration failed (-0x%04x)", (unsigned)-ret);
		goto fail;
	}
	tls_compat_conf_versions(&s->conf, min, max);
	mbedtls_ssl_conf_rng(&s->conf, tls_rng, NULL);
	/* insecure: also let mbedTLS's key-usage checks pass; the callback records problems */
	mbedtls_ssl_conf_authmode(&s->conf, cfg->insecure ? MBEDTLS_SSL_VERIFY_OPTIONAL
							  : MBEDTLS_SSL_VERIFY_REQUIRED);
	mbedtls_ssl_conf_ca_chain(&s->conf, &s->ca, NULL);
	s->suites = tls_suite_list();
	if (s->suites == NULL || s->suites[0] == 0) {
		snprintf(err, errlen, "no usable TLS cipher suite in the linked mbedTLS");
		goto fail;
	}
	mbedtls_ssl_conf_ciphersuites(&s->conf, s->suites);
	if (cfg->client_creds != NULL) {
		ret = mbedtls_ssl_conf_own_cert(&s->conf, tls_creds_crt(cfg->client_creds),
						tls_creds_pk(cfg->client_creds));
		if (ret != 0) {
			snprintf(err, errlen, "cannot use the client certificate (-0x%04x)",
				 (unsigned)-ret);
			goto fail;
		}
	}
	ret = mbedtls_ssl_setup(&s->ssl, &s->conf);
	if (ret != 0) {
		snprintf(err, errlen, "mbedTLS setup failed (-0x%04x)", (unsigned)-ret);
		goto fail;
	}
	/* SNI and mbedTLS's own name check only for DNS names; ours runs in the callback */
	ret = mbedtls_ssl_set_hostname(&s->ssl, s->verify.ip_len ? NULL : s->verify.name);
	if (ret != 0) {
		snprintf(err, errlen, "server name \"%s\" is not usable for TLS", name);
		goto fail;
	}
#if TLS_FAST
	mbedtls_ssl_conf_export_keys_ext_cb(&s->conf, export_keys, &s->keys);
#endif
	mbedtls_ssl_set_verify(&s->ssl, tls_verify_cb, &s->verify);
	mbedtls_ssl_set_bio(&s->ssl, s, bio_send, bio_recv, NULL);
	return s;
fail:
	tls_session_free(s);
	return NULL;
}

void tls_session_set_fd(struct tls_session *s, int fd)
{
	s->net.fd = fd;
}

int tls_session_fd(const struct tls_session *s)
{
	return s->net.fd;
}

const char *tls_alert_name(unsigned a)
{
	switch (a) {
	case 10: return "unexpected_message";
	case 20: return "bad_record_mac";
	case 22: return "record_overflow";
	case 40: return "handshake_failure";
	case 42: return "bad_certificate";
	case 43: return "unsupported_certificate";
	case 44: return "certificate_revoked";
	case 45: return "certificate_expired";
	case 46: return "certificate_unknown";
	case 47: return "illegal_parameter";
	case 48: return "unknown_ca";
	case 49: return "access_denied";
	case 50: return "decode_error";
	case 51: return "decrypt_error";
	case 70: return "protocol_version";
	case 71: return "insufficient_security";
	case 80: return "internal_error";
	case 86: return "inappropriate_fallback";
	case 90: return "user_canceled";
	case 109: return "missing_extension";
	case 110: return "unsupported_extension";
	case 112: return "unrecognized_name";
	case 116: return "certificate_required";
	default: return "unknown alert";
	}
}

/* A server that requires a client certificate (MikroTik verify-client-certificate, IIS/RRAS
 * with client certificates required) refuses our empty Certificate with an alert, or just
 * closes. When we had none to give and it asked (or said certificate_required), say so. */
static const char *no_cert_hint(const mbedtls_ssl_context *ssl, unsigned alert)
{
	bool asked = TLS_SSL_SERVER_ASKED_CERT(ssl) || alert == 116;

	if (TLS_SSL_HAS_OWN_CERT(ssl) || !asked)
		return "";
	if (alert != 0 && alert != 116 && alert != 40 && alert != 42 && alert != 48 && alert != 49)
		return "";
	return ": the server requires a client certificate on the TLS connection (give one with "
	       "--tls-cert FILE|URI or the profile key tls-cert)";
}

int tls_map_error(const mbedtls_ssl_context *ssl, const struct tls_verify *v, int ret,
		  int sys_errno, const char *during, char *out, size_t outlen)
{
	char buf[160];

	if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED || (v != NULL && v->error[0] != '\0')) {
		if (v != NULL && v->error[0] != '\0')
			snprintf(out, outlen, "%s", v->error);
		else
			snprintf(out, outlen, "server certificate rejected");
		return TLS_ERR_CERT;
	}
	if (ret == TLS_ERR_SSL_BAD_CERT) {
		uint32_t r = mbedtls_ssl_get_verify_result(ssl);

		if (r & (MBEDTLS_X509_BADCERT_KEY_USAGE | MBEDTLS_X509_BADCERT_EXT_KEY_USAGE))
			snprintf(out, outlen,
				 "server certificate key usage does not allow the negotiated cipher "
				 "suite");
		else if (r & MBEDTLS_X509_BADCERT_BAD_KEY)
			snprintf(out, outlen,
				 "server certificate key is too weak or on an unsupported curve");
		else
			snprintf(out, outlen,
				 "server sent a certificate that cannot be parsed");
		return TLS_ERR_CERT;
	}
	switch (ret) {
	case MBEDTLS_ERR_SSL_CONN_EOF:
		snprintf(out, outlen, "server closed the connection %s%s", during,
			 no_cert_hint(ssl, 0));
		return TLS_ERR_IO;
	case MBEDTLS_ERR_NET_CONN_RESET:
		snprintf(out, outlen, "connection reset by the server %s%s", during,
			 no_cert_hint(ssl, 0));
		return TLS_ERR_IO;
	case MBEDTLS_ERR_NET_SEND_FAILED:
	case MBEDTLS_ERR_NET_RECV_FAILED:
		snprintf(out, outlen, "socket error %s: %s", during,
			 strerror(sys_errno));
		return TLS_ERR_IO;
	case MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE: {
		unsigned a = TLS_SSL_LAST_ALERT(ssl);
		const char *hint = no_cert_hint(ssl, a);

		snprintf(out, outlen, "server sent TLS alert %s (%u) %s%s",
			 tls_alert_name(a), a, during,
			 hint[0] ? hint
			 : a == 40 || a == 70 ? ": no common TLS version or cipher suite" : "");
		return TLS_ERR_PROTO;
	}
	case TLS_ERR_SSL_BAD_VERSION:
		snprintf(out, outlen,
			 "server does not speak TLS 1.2 or newer (or is not a TLS server)");
		return TLS_ERR_PROTO;
	case MBEDTLS_ERR_SSL_ALLOC_FAILED:
		snprintf(out, outlen, "out of memory %s", during);
		return TLS_ERR_NOMEM;
	default:
		mbedtls_strerror(ret, buf, sizeof(buf));
		snprintf(out, outlen, "TLS failure %s: %s (-0x%04x)", during, buf,
			 (unsigned)-ret);
		return TLS_ERR_PROTO;
	}
}

/* Turns an mbedTLS error during the handshake or I/O into our code and s->error. */
static int fail(struct tls_session *s, int ret, const char *during)
{
	return tls_map_error(&s->ssl, &s->verify, ret, s->last_errno, during, s->error,
			     sizeof(s->error));
}

int tls_handshake(struct tls_session *s)
{
	int ret;

	if (s->established)
		return TLS_OK;
	if (s->net.fd < 0) {
		snprintf(s->error, sizeof(s->error), "TLS handshake without a socket");
		return TLS_ERR_CONFIG;
	}
	ret = mbedtls_ssl_handshake(&s->ssl);
	if (ret == MBEDTLS_ERR_SSL_WANT_READ)
		return TLS_WANT_READ;
	if (ret == MBEDTLS_ERR_SSL_WANT_WRITE)
		return TLS_WANT_WRITE;
	if (ret != 0)
		return fail(s, ret, "during the TLS handshake");
	s->established = 1;
#if TLS_FAST
	switch_record_layer(s);
#endif
	return TLS_OK;
}

int tls_read(struct tls_session *s, uint8_t *buf, size_t n)
{
	int ret;

#if TLS_FAST
	if (s->fast != NULL)
		return tls_fast_read(s->fast, buf, n, s->error, sizeof(s->error));
#endif
	if (n > INT_MAX)
		n = INT_MAX;
	do {
		ret = mbedtls_ssl_read(&s->ssl, buf, n);
	} while (ret == TLS_ERR_SSL_NEW_TICKET);
	s->starved = ret == MBEDTLS_ERR_SSL_WANT_READ;
	if (ret > 0)
		return ret;
	if (ret == MBEDTLS_ERR_SSL_WANT_READ)
		return TLS_WANT_READ;
	if (ret == MBEDTLS_ERR_SSL_WANT_WRITE)
		return TLS_WANT_WRITE;
	if (ret == 0 || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
		snprintf(s->error, sizeof(s->error), "server closed the TLS connection");
		return TLS_CLOSED;
	}
	if (ret == MBEDTLS_ERR_SSL_CONN_EOF) {
		snprintf(s->error, sizeof(s->error),
			 "server closed the connection (without a TLS close_notify)");
		return TLS_CLOSED;
	}
	return fail(s, ret, "while reading");
}

int tls_write(struct tls_session *s, const uint8_t *buf, size_t n)
{
	int ret;

#if TLS_FAST
	if (s->fast != NULL)
		return tls_fast_write(s->fast, buf, n, s->error, sizeof(s->error));
#endif
	if (n > INT_MAX)
		n = INT_MAX;
	ret = mbedtls_ssl_write(&s->ssl, buf, n);
	if (ret >= 0)
		return ret;
	if (ret == MBEDTLS_ERR_SSL_WANT_READ)
		return TLS_WANT_READ;
	if (ret == MBEDTLS_ERR_SSL_WANT_WRITE)
		return TLS_WANT_WRITE;
	return fail(s, ret, "while writing");
}

size_t tls_pending(const struct tls_session *s)
{
	size_t n;

#if TLS_FAST
	if (s->fast != NULL)
		return tls_fast_pending(s->fast);
#endif
	n = mbedtls_ssl_get_bytes_avail(&s->ssl);
	if (n == 0 && !s->starved && mbedtls_ssl_check_pending(&s->ssl))
		n = 1; /* a buffered record not yet decrypted: one more read will tell */
	return n;
}

int tls_close_notify(struct tls_session *s)
{
	int ret;

#if TLS_FAST
	if (s->fast != NULL)
		return tls_fast_close_notify(s->fast, s->error, sizeof(s->error));
#endif
	ret = mbedtls_ssl_close_notify(&s->ssl);
	if (ret == 0)
		return TLS_OK;
	if (ret == MBEDTLS_ERR_SSL_WANT_WRITE)
		return TLS_WANT_WRITE;
	if (ret == MBEDTLS_ERR_SSL_WANT_READ)
		return TLS_WANT_READ;
	return fail(s, ret, "while closing");
}

void tls_session_free(struct tls_session *s)
{
	if (s == NULL)
		return;
#if TLS_FAST
	tls_fast_free(s->fast);
#endif
	mbedtls_ssl_free(&s->ssl);
	mbedtls_ssl_config_free(&s->conf);
	mbedtls_x509_crt_free(&s->ca);
	free(s->suites);
	mbedtls_net_free(&s->net); /* closes the socket */
	mbedtls_platform_zeroize(s, sizeof(*s));
	free(s);
}

int tls_peer_cert_der(const struct tls_session *s, const uint8_t **der, size_t *len)
{
	const mbedtls_x509_crt *c;

	if (!s->established)
		return -1;
	c = mbedtls_ssl_get_peer_cert(&s->ssl);
	if (c == NULL || c->raw.p == NULL)
		return -1;
	*der = c->raw.p;
	*len = c->raw.len;
	return 0;
}

const char *tls_version_name(const struct tls_session *s)
{
	return s->established ? mbedtls_ssl_get_version(&s->ssl) : "unknown";
}

const char *tls_cipher_name(const struct tls_session *s)
{
	const char *n = s->established ? mbedtls_ssl_get_ciphersuite(&s->ssl) : NULL;

	return n != NULL ? n : "unknown";
}

const char *tls_record_layer(const struct tls_session *s)
{
	return s->fast != NULL ? "nettle" : "mbedTLS";
}

const char *tls_error(const struct tls_session *s)
{
	return s->error;
}

const char *tls_warning(const struct tls_session *s)
{
	return s->established && s->verify.warning[0] != '\0' ? s->verify.warning : NULL;
}

int tls_peer_pin_sha256(const struct tls_session *s, char *out, size_t outlen)
{
	if (!s->verify.have_leaf_pin)
		return -1;
	return tls_base64(s->verify.leaf_pin, 32, out, outlen);
}
