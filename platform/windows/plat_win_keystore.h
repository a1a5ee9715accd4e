/* plat_win_keystore.h - internals of the Windows key store adapter (keystore.c) that its unit
 * test drives directly: a signer built from a certificate context with the CNG path preferred
 * or the CryptoAPI path forced, or around a given CNG key, and which path a signer is on.
 * Not for use outside platform/windows/ and tests/windows/. */
#ifndef SSTP_PLAT_WIN_KEYSTORE_H
#define SSTP_PLAT_WIN_KEYSTORE_H

/* clang-format off: winsock2.h before windows.h (as plat_win.h), windows.h before wincrypt.h */
#include <winsock2.h>
#include <windows.h>
#include <wincrypt.h>
#include <ncrypt.h>
/* clang-format on */

#include <stdbool.h>
#include <stddef.h>

#include "plat_keystore.h"
#include "tls_creds.h" /* the signer this backend fills */

enum plat_win_ks_path {
	PLAT_WIN_KS_NCRYPT = 1, /* CNG key storage provider: NCryptSignHash */
	PLAT_WIN_KS_CAPI = 2,   /* legacy CryptoAPI CSP: CryptSignHash */
};

/* A signer for cert's private key (RSA only). prefer_ncrypt: ask for a CNG handle first
 * (CRYPT_ACQUIRE_PREFER_NCRYPT_KEY_FLAG), as plat_keystore_open does; false forces CryptoAPI.
 * machine: the certificate comes from LocalMachine (key containers of the machine).
 * cert is duplicated (the signer keeps its own reference). 0, or -1 with err. */
int plat_win_keystore_signer(PCCERT_CONTEXT cert, bool prefer_ncrypt, bool machine,
			     struct tls_signer *signer, char *err, size_t errlen);

/* A signer for cert around a CNG key handle the caller already has (borrowed: it must outlive
 * the signer; the caller frees it). The key is checked against the certificate. For the tests:
 * Wine 8 cannot attach a CNG handle to a certificate (CERT_NCRYPT_KEY_HANDLE_PROP_ID). */
int plat_win_keystore_signer_ncrypt(PCCERT_CONTEXT cert, NCRYPT_KEY_HANDLE key,
				    struct tls_signer *signer, char *err, size_t errlen);

/* Which API the signer's ctx signs through. */
enum plat_win_ks_path plat_win_keystore_path(const void *signer_ctx);

#endif
