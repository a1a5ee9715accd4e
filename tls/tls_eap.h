/* tls_eap.h - the EAP-TLS engine (RFC 5216) behind ppp/ppp_eaptls.h: a second mbedTLS client
 * over memory buffers, TLS 1.2 at most, presenting the client chain (root left out), verifying the
 * EAP server certificate, and deriving the 64-byte MSK from the master secret. */
#ifndef SSTP_TLS_EAP_H
#define SSTP_TLS_EAP_H

#include <stddef.h>

#include "ppp_eaptls.h"
#include "tls.h"
#include "tls_creds.h"

/* All pointers are borrowed; creds must outlive the engine, the rest is read in
 * tls_eap_engine_new only. */
struct tls_eap_config {
	const struct tls_creds *creds;   /* the client identity; required unless peap */
	int peap;                        /* 1: PEAP (the server is verified, no client certificate
					  * unless creds are given) */
	const char *const *ca_paths;     /* EAP server trust anchors: files/dirs, NULL-terminated */
	const struct tls_blob *ca_blobs; /* in-memory roots (package roots) */
	size_t n_ca_blobs;
	int use_system_ca;               /* 1: also trust the system store */
	int no_verify;                   /* 1: do not verify the EAP server certificate at all */
	const char *server_name;         /* expected EAP server name (DNS SAN/CN); NULL: not checked */
	enum tls_version max_version;    /* TLS_VERSION_DEFAULT = TLS 1.2 (RFC 9190 is not done) */
};

/* Creates the engine and fills *iface (iface->ctx is the engine). NULL + err on failure.
 * Without any trust anchor and without no_verify it fails ("no CA for the EAP server"). */
struct tls_eap_engine *tls_eap_engine_new(const struct tls_eap_config *cfg,
					  struct ppp_tls_engine *iface, char *err, size_t errlen);

/* Frees the engine and wipes the key material. NULL is fine. */
void tls_eap_engine_free(struct tls_eap_engine *e);

#endif
