/* tls_certtool.h - `sstp cert root|client|thumbprint|check`: make a self-signed P2S root, issue
 * client certificates exported as PKCS#12, print SHA-1 thumbprints, and check a client
 * certificate the way the gateway will. The CLI parses arguments and reads passwords (file,
 * stdin or prompt; never argv) and prints what these functions return. */
#ifndef SSTP_TLS_CERTTOOL_H
#define SSTP_TLS_CERTTOOL_H

#include <stddef.h>

/* Return values: an exit-code-like int. */
enum tls_cert_rc {
	TLS_CERT_OK = 0,
	TLS_CERT_ERROR = 1,   /* failed: err says why */
	TLS_CERT_USAGE = 2,   /* bad arguments: err says which */
	TLS_CERT_WARNINGS = 3 /* tls_cert_check only: the report lists problems ("warning: ...") */
};

/* `sstp cert root --cn NAME --out DIR`. Writes DIR/root.key (PEM, mode 0600, never
 * overwritten), DIR/root.pem and DIR/root.cer (DER), and sets *public_b64 to the base64 DER of
 * the certificate on one line without line breaks (what the Azure portal takes; caller frees).
 * key_bits 0 = 2048 (RSA); days 0 = 3650. */
int tls_cert_root(const char *cn, const char *out_dir, unsigned key_bits, unsigned days,
		  char **public_b64, char *err, size_t errlen);

/* `sstp cert client --root DIR --cn NAME --out FILE.p12`. Issues an RSA client certificate
 * (EKU clientAuth first, key usage digitalSignature+keyEncipherment) signed by DIR/root.key +
 * DIR/root.pem and writes FILE.p12 (mode 0600; PBES2 AES-256-CBC + PBKDF2-HMAC-SHA256, HMAC-SHA256
 * MAC) holding key, client certificate and the root. password must be non-empty.
 * key_bits 0 = 2048; days 0 = 730. */
int tls_cert_client(const char *root_dir, const char *cn, const char *out_p12,
		    const char *password, unsigned key_bits, unsigned days, char *err,
		    size_t errlen);

/* `sstp cert thumbprint FILE`: SHA-1 of the certificate DER as 40 upper-case hex digits, no
 * spaces, into out (>= 41 bytes). FILE is PEM, DER or PKCS#12 (password needed then; the leaf
 * is used). */
int tls_cert_thumbprint(const char *path, const char *password, char *out, size_t outlen,
			char *err, size_t errlen);

/* `sstp cert check FILE [--root ROOT]`: FILE is a PKCS#12 (password) or PEM/DER certificate
 * (chain). root_path (optional): the P2S root the gateway trusts (PEM/DER/the --out dir of
 * `cert root`). *report (caller frees) gets one line per finding: "ok: ...", "warning: ..."
 * (what would make the gateway refuse it: expired, not yet valid, clientAuth missing or not first,
 * key usage without digitalSignature, not issued by the root, chain incomplete, no private key
 * matching the certificate). TLS_CERT_OK, TLS_CERT_WARNINGS, or TLS_CERT_ERROR (unreadable). */
int tls_cert_check(const char *path, const char *password, const char *root_path,
		   char **report, char *err, size_t errlen);

#endif
