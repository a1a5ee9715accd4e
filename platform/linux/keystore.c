/* keystore.c (Linux) - plat_keystore_open on Linux: there is no system certificate store with
 * non-exportable keys to talk to, so certstore: URIs are refused with what to use instead
 * (a PKCS#12 file, or a pkcs11: URI, which tls/ handles on every OS). */
#include "plat_keystore.h"

#include <stdio.h>

#include "tls_creds.h" /* struct tls_signer */

int plat_keystore_open(const char *uri, struct tls_blob **chain, size_t *n,
		       struct tls_signer *signer, char *err, size_t errlen)
{
	*chain = NULL;
	*n = 0;
	signer->ctx = NULL;
	signer->sign = NULL;
	signer->free = NULL;
	(void)uri;
	snprintf(err, errlen, "certstore: URIs are a Windows keystore; use a PKCS#12 file or "
		 "pkcs11: URI here");
	return -1;
}
