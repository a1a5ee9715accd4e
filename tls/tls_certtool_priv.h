/* tls_certtool_priv.h - helpers shared by certtool.c and certtool_check.c (not for other
 * modules): reading a certificate set from PEM/DER/PKCS#12, writing new files, the root's
 * files in the directory `sstp cert root` made. */
#ifndef SSTP_TLS_CERTTOOL_PRIV_H
#define SSTP_TLS_CERTTOOL_PRIV_H

#include "tls_compat.h"

#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

/* Every certificate of a file, which one is the leaf, and the private key if the file had one. */
struct tls_cert_set {
	mbedtls_x509_crt certs;
	const mbedtls_x509_crt *leaf; /* in certs: the key's certificate, else the first non-CA */
	mbedtls_pk_context key;
	int have_key;    /* a PKCS#12 with a key bag */
	int key_matches; /* ... and it belongs to leaf */
	int is_pkcs12;
};

/* 0, or -1 with err (unreadable, wrong password, no certificate). */
int tls_cert_set_load(const char *path, const char *password, struct tls_cert_set *set,
		      char *err, size_t errlen);
void tls_cert_set_free(struct tls_cert_set *set);

/* Creates path (O_EXCL) with mode and writes data. 0 or -1 with err. */
int tls_cert_write_new(const char *path, const void *data, size_t len, int mode, char *err,
		       size_t errlen);

/* A DER certificate as PEM text (NUL-terminated) in out. 0 or -1. */
int tls_cert_pem(const uint8_t *der, size_t len, char *out, size_t outlen);

/* Loads DIR/root.pem (and DIR/root.key when key != NULL, checked to match). 0 or -1. */
int tls_cert_load_root(const char *root_dir, mbedtls_x509_crt *crt, mbedtls_pk_context *key,
		       char *err, size_t errlen);

#endif
