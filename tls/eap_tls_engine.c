/* eap_tls_engine.c - the EAP-TLS engine (RFC 5216) behind struct ppp_tls_engine: an mbedTLS
 * client over memory buffers (what the server sent in, what we send out), TLS 1.2 at most,
 * presenting the client chain without its root, verifying the EAP server, and deriving the MSK
 * from the master secret with TLS-PRF("client EAP encryption", client_random || server_random).
 * After the handshake it also opens and seals application data, the tunnel PEAP runs in. */
#include "tls_compat.h"

#include <mbedtls/platform_util.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls_eap.h"
#include "tls_priv.h"

#define EAP_TLS_MAX_BUF (256 * 1024) /* bytes buffered either way; a flight is far smaller */

enum eap_state { EAP_IDLE, EAP_RUNNING, EAP_DONE, EAP_FAILED };

struct buf {
	uint8_t *p;
	size_t len, off, cap;
};

struct tls_eap_engine {
	mbedtls_ssl_context ssl;
	mbedtls_ssl_config conf;
	mbedtls_x509_crt ca;
	struct tls_verify verify;
	int *suites;
	struct buf in, out;
	struct buf plain; /* application data opened from the tunnel (PEAP) */
	struct tls_compat_export exp;
	uint8_t ms[48], cr[32], sr[32];
	mbedtls_tls_prf_types prf;
	int have_keys;
	enum eap_state state;
	char error[TLS_MSG_LEN];
};

static int buf_append(struct buf *b, const uint8_t *d, size_t n)
{
	if (b->off > 0 && b->off == b->len) /* fully consumed: start over */
		b->off = b->len = 0;
	if (n > EAP_TLS_MAX_BUF - b->len)
		return -1;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		uint8_t *np;

		while (cap < b->len + n)
			cap *= 2;
		np = realloc(b->p, cap);
		if (np == NULL)
			return -1;
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, d, n);
	b->len += n;
	return 0;
}

static void buf_free(struct buf *b)
{
	if (b->p != NULL) {
		mbedtls_platform_zeroize(b->p, b->cap);
		free(b->p);
	}
	memset(b, 0, sizeof(*b));
}

static int bio_send(void *ctx, const unsigned char *d, size_t n)
{
	struct tls_eap_engine *e = ctx;

	if (buf_append(&e->out, d, n) != 0)
		return MBEDTLS_ERR_SSL_ALLOC_FAILED;
	return (int)n;
}

static int bio_recv(void *ctx, unsigned char *d, size_t n)
{
	struct tls_eap_engine *e = ctx;
	size_t avail = e->in.len - e->in.off;

	if (avail == 0)
		return MBEDTLS_ERR_SSL_WANT_READ;
	if (n > avail)
		n = avail;
	memcpy(d, e->in.p + e->in.off, n);
	e->in.off += n;
	return (int)n;
}

static void on_keys(void *ctx, const unsigned char *ms, size_t ms_len, const unsigned char cr[32],
		    const unsigned char sr[32], mbedtls_tls_prf_types prf)
{
	struct tls_eap_engine *e = ctx;

	if (ms_len != sizeof(e->ms))
		return;
	memcpy(e->ms, ms, sizeof(e->ms));
	memcpy(e->cr, cr, 32);
	memcpy(e->sr, sr, 32);
	e->prf = prf;
	e->have_keys = 1;
}

static void forget_keys(struct tls_eap_engine *e)
{
	mbedtls_platform_zeroize(e->ms, sizeof(e->ms));
	e->have_keys = 0;
}

static int eap_begin(void *ctx)
{
	struct tls_eap_engine *e = ctx;

	forget_keys(e);
	tls_verify_reset(&e->verify);
	e->in.len = e->in.off = 0;
	e->out.len = e->out.off = 0;
	e->plain.len = e->plain.off = 0;
	e->error[0] = '\0';
	if (mbedtls_ssl_session_reset(&e->ssl) != 0) {
		e->state = EAP_FAILED;
		snprintf(e->error, sizeof(e->error), "EAP-TLS: cannot reset the TLS context");
		return -1;
	}
	e->state = EAP_RUNNING;
	return 0;
}

static enum ppp_tls_status eap_step(void *ctx, const uint8_t *in, size_t in_len,
				    const uint8_t **out, size_t *out_len)
{
	struct tls_eap_engine *e = ctx;
	int ret;

	e->out.len = e->out.off = 0;
	*out = NULL;
	*out_len = 0;
	if (e->state == EAP_DONE)
		return PPP_TLS_DONE;
	if (e->state != EAP_RUNNING) {
		if (e->error[0] == '\0')
			snprintf(e->error, sizeof(e->error), "EAP-TLS: step without a start");
		return PPP_TLS_FAILED;
	}
	if (in_len > 0 && buf_append(&e->in, in, in_len) != 0) {
		e->state = EAP_FAILED;
		snprintf(e->error, sizeof(e->error), "EAP-TLS: the server sent too much data");
		return PPP_TLS_FAILED;
	}
	ret = mbedtls_ssl_handshake(&e->ssl);
	*out = e->out.p;
	*out_len = e->out.len;
	if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE)
		return PPP_TLS_CONTINUE;
	if (ret != 0) {
		char msg[TLS_MSG_LEN];

		e->state = EAP_FAILED;
		tls_map_error(&e->ssl, &e->verify, ret, 0, "during the EAP-TLS handshake", msg,
			      sizeof(msg));
		e->error[0] = '\0';
		tls_appendf(e->error, sizeof(e->error), "EAP-TLS: %s", msg);
		return PPP_TLS_FAILED;
	}
	if (!e->have_keys) {
		e->state = EAP_FAILED;
		snprintf(e->error, sizeof(e->error), "EAP-TLS: the TLS library exported no keys");
		return PPP_TLS_FAILED;
	}
	e->state = EAP_DONE;
	return PPP_TLS_DONE;
}

static int eap_msk(void *ctx, uint8_t out[PPP_TLS_MSK_LEN])
{
	struct tls_eap_engine *e = ctx;
	uint8_t seed[64];
	int ret;

	if (e->state != EAP_DONE || !e->have_keys)
		return -1;
	memcpy(seed, e->cr, 32);
	memcpy(seed + 32, e->sr, 32);
	/* RFC 5216 2.3: Key_Material = TLS-PRF-128(master_secret, "client EAP encryption",
	 * client.random || server.random); MSK = Key_Material(0, 63) */
	ret = mbedtls_ssl_tls_prf(e->prf, e->ms, sizeof(e->ms), "client EAP encryption", seed,
				  sizeof(seed), out, PPP_TLS_MSK_LEN);
	return ret == 0 ? 0 : -1;
}

#define EAP_TUNNEL_MAX (64 * 1024) /* inner data opened from one server message */

/* PEAP: the application data in the server's records (after the handshake). */
static int eap_open(void *ctx, const uint8_t *in, size_t in_len, const uint8_t **out,
		    size_t *out_len)
{
	struct tls_eap_engine *e = ctx;
	uint8_t tmp[4096];

	*out = NULL;
	*out_len = 0;
	if (e->state != EAP_DONE) {
		snprintf(e->error, sizeof(e->error), "TLS tunnel used before the handshake finished");
		return -1;
	}
	e->plain.len = e->plain.off = 0;
	if (in_len > 0 && buf_append(&e->in, in, in_len) != 0) {
		snprintf(e->error, sizeof(e->error), "the server sent too much tunnel data");
		goto fail;
	}
	for (;;) {
		int ret = mbedtls_ssl_read(&e->ssl, tmp, sizeof(tmp));

		if (ret == MBEDTLS_ERR_SSL_WANT_READ)
			break;
		if (ret <= 0) {
			char msg[TLS_MSG_LEN];

			if (ret == 0 || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
				snprintf(msg, sizeof(msg), "the server closed the TLS tunnel");
			else
				tls_map_error(&e->ssl, &e->verify, ret, 0, "inside the TLS tunnel", msg,
					      sizeof(msg));
			e->error[0] = '\0';
			tls_appendf(e->error, sizeof(e->error), "%s", msg);
			goto fail;
		}
		if (e->plain.len + (size_t)ret > EAP_TUNNEL_MAX ||
		    buf_append(&e->plain, tmp, (size_t)ret) != 0) {
			snprintf(e->error, sizeof(e->error), "the server sent too much tunnel data");
			goto fail;
		}
	}
	mbedtls_platform_zeroize(tmp, sizeof(tmp));
	*out = e->plain.p;
	*out_len = e->plain.len;
	return 0;
fail:
	mbedtls_platform_zeroize(tmp, sizeof(tmp));
	e->state = EAP_FAILED;
	return -1;
}

/* PEAP: inner bytes to the server as TLS application data records. */
static int eap_seal(void *ctx, const uint8_t *in, size_t in_len, const uint8_t **out,
		    size_t *out_len)
{
	struct tls_eap_engine *e = ctx;
	size_t off = 0;

	*out = NULL;
	*out_len = 0;
	e->out.len = e->out.off = 0;
	if (e->state != EAP_DONE) {
		snprintf(e->error, sizeof(e->error), "TLS tunnel used before the handshake finished");
		return -1;
	}
	while (off < in_len) {
		int ret = mbedtls_ssl_write(&e->ssl, in + off, in_len - off);

		if (ret <= 0) { /* memory BIO: nothing to wait for */
			snprintf(e->error, sizeof(e->error), "cannot write into the TLS tunnel (-0x%04x)",
				 (unsigned)-ret);
			e->state = EAP_FAILED;
			return -1;
		}
		off += (size_t)ret;
	}
	*out = e->out.p;
	*out_len = e->out.len;
	return 0;
}

static const char *eap_error(void *ctx)
{
	const struct tls_eap_engine *e = ctx;

	return e->error;
}

struct tls_eap_engine *tls_eap_engine_new(const struct tls_eap_config *cfg,
					  struct ppp_tls_engine *iface, char *err, size_t errlen)
{
	struct tls_eap_engine *e;
	int anchors, ret;

	if (cfg == NULL || (cfg->creds == NULL && !cfg->peap)) {
		snprintf(err, errlen, "EAP-TLS needs a client certificate");
		return NULL;
	}
	if (cfg->max_version == TLS_VERSION_1_3) {
		snprintf(err, errlen, "EAP-TLS over TLS 1.3 (RFC 9190) is not supported");
		return NULL;
	}
	if (tls_drbg() == NULL) {
		snprintf(err, errlen, "cannot seed the random generator");
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (e == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	mbedtls_ssl_init(&e->ssl);
	mbedtls_ssl_config_init(&e->conf);
	mbedtls_x509_crt_init(&e->ca);
	if (tls_verify_set_name(&e->verify, cfg->server_name) != 0) {
		snprintf(err, errlen, "EAP server name is too long");
		goto fail;
	}
	anchors = tls_ca_load(&e->ca, cfg->ca_paths, cfg->ca_blobs, cfg->n_ca_blobs,
			      cfg->use_system_ca, NULL, err, errlen);
	if (anchors < 0)
		goto fail;
	if (anchors == 0 && !cfg->no_verify) {
		snprintf(err, errlen,
			 "no CA for the EAP server: give the package roots or --ca, or turn EAP "
			 "server verification off");
		goto fail;
	}
	ret = mbedtls_ssl_config_defaults(&e->conf, MBEDTLS_SSL_IS_CLIENT,
					  MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
	if (ret != 0) {
		snprintf(err, errlen, "mbedTLS configuration failed (-0x%04x)", (unsigned)-ret);
		goto fail;
	}
	tls_compat_conf_versions(&e->conf, 12, 12);
	mbedtls_ssl_conf_rng(&e->conf, tls_rng, NULL);
	mbedtls_ssl_conf_authmode(&e->conf, cfg->no_verify ? MBEDTLS_SSL_VERIFY_NONE
							   : MBEDTLS_SSL_VERIFY_REQUIRED);
	mbedtls_ssl_conf_ca_chain(&e->conf, &e->ca, NULL);
	mbedtls_ssl_conf_session_tickets(&e->conf, MBEDTLS_SSL_SESSION_TICKETS_DISABLED);
	e->suites = tls_suite_list();
	if (e->suites == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	mbedtls_ssl_conf_ciphersuites(&e->conf, e->suites);
	ret = cfg->creds == NULL ? 0
				 : mbedtls_ssl_conf_own_cert(&e->conf, tls_creds_crt(cfg->creds),
							     tls_creds_pk(cfg->creds));
	if (ret != 0) {
		snprintf(err, errlen, "cannot use the client certificate (-0x%04x)", (unsigned)-ret);
		goto fail;
	}
	ret = mbedtls_ssl_setup(&e->ssl, &e->conf);
	if (ret != 0) {
		snprintf(err, errlen, "mbedTLS setup failed (-0x%04x)", (unsigned)-ret);
		goto fail;
	}
	ret = mbedtls_ssl_set_hostname(&e->ssl, e->verify.name[0] && !e->verify.ip_len
							? e->verify.name
							: NULL);
	if (ret != 0) {
		snprintf(err, errlen, "EAP server name is not usable");
		goto fail;
	}
	mbedtls_ssl_set_verify(&e->ssl, tls_verify_cb, &e->verify);
	mbedtls_ssl_set_bio(&e->ssl, e, bio_send, bio_recv, NULL);
	e->exp.fn = on_keys;
	e->exp.ctx = e;
	tls_compat_set_export_cb(&e->conf, &e->ssl, &e->exp);
	e->state = EAP_IDLE;
	iface->ctx = e;
	iface->begin = eap_begin;
	iface->step = eap_step;
	iface->msk = eap_msk;
	iface->error = eap_error;
	iface->open = eap_open;
	iface->seal = eap_seal;
	return e;
fail:
	tls_eap_engine_free(e);
	return NULL;
}

void tls_eap_engine_free(struct tls_eap_engine *e)
{
	if (e == NULL)
		return;
	mbedtls_ssl_free(&e->ssl);
	mbedtls_ssl_config_free(&e->conf);
	mbedtls_x509_crt_free(&e->ca);
	free(e->suites);
	buf_free(&e->in);
	buf_free(&e->out);
	buf_free(&e->plain);
	mbedtls_platform_zeroize(e, sizeof(*e));
	free(e);
}
