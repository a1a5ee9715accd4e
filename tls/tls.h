/* tls.h - the outer TLS session of an SSTP connection on mbedTLS: non-blocking handshake, read
 * and write over a socket the session owns, certificate verification (chain, host name, EKU,
 * dates, optional SHA-256 key pin) with precise failure text, and the process-wide random source.
 * Not thread-safe: one thread drives a session; tls_random() is for that same thread. */
#ifndef SSTP_TLS_H
#define SSTP_TLS_H

#include <stddef.h>
#include <stdint.h>

struct tls_creds; /* tls_creds.h: client certificate chain + signing key */

/* Results of tls_handshake/tls_read/tls_write/tls_close_notify. Negative values are not byte
 * counts. After a TLS_ERR_* the session is dead: tls_error() says why, then free it. */
enum tls_result {
	TLS_OK = 0,
	TLS_WANT_READ = -1,  /* poll the fd for reading, then call again */
	TLS_WANT_WRITE = -2, /* poll the fd for writing, then call again with the SAME arguments */
	TLS_CLOSED = -3,     /* peer closed the connection (close_notify or EOF) */
	TLS_ERR_CERT = -4,   /* server certificate rejected (exit code 5) */
	TLS_ERR_IO = -5,     /* socket error or EOF during the handshake */
	TLS_ERR_PROTO = -6,  /* TLS protocol failure: alert, no common suite/version, bad record */
	TLS_ERR_CONFIG = -7, /* bad configuration (CA file unreadable, bad pin syntax, ...) */
	TLS_ERR_NOMEM = -8,
};

/* Protocol versions for tls_config.min_version/max_version. */
enum tls_version {
	TLS_VERSION_DEFAULT = 0, /* min: TLS 1.2; max: the highest the linked mbedTLS supports */
	TLS_VERSION_1_2 = 12,
	TLS_VERSION_1_3 = 13,    /* refused by tls_session_new when tls_supports_tls13() is 0 */
};

/* A certificate (PEM or DER) held in memory, e.g. a package root extracted from the zip. */
struct tls_blob {
	const uint8_t *data;
	size_t len;
};

/* Everything tls_session_new needs. All pointers are borrowed and only read during
 * tls_session_new, except client_creds, which must outlive the session. */
struct tls_config {
	const char *server_name;    /* host the user asked for: DNS name or IP literal; required */
	const char *sni;            /* --sni: replaces server_name for SNI and the name check */
	const char *const *ca_paths;/* files (PEM/DER, bundles) or directories; NULL-terminated */
	const struct tls_blob *ca_blobs; /* in-memory roots (package roots) */
	size_t n_ca_blobs;
	int no_system_ca;           /* 1: do not load the system store */
	const char *system_ca_path; /* NULL: the platform default (/etc/ssl/certs bundle or dir) */
	const char *pin_sha256;     /* SHA-256 of the server SubjectPublicKeyInfo DER, base64 (with
				     * or without a "sha256//" prefix) or 64 hex digits (colons
				     * allowed); several separated by ','. A match accepts the key
				     * even if chain/name checks fail; a mismatch always fails. */
	int insecure;               /* 1: accept any certificate; tls_warning() says what was wrong;
				     * the caller must warn the user on every connect */
	enum tls_version min_version;
	enum tls_version max_version;
	const struct tls_creds *client_creds; /* optional outer-handshake client certificate */
};

/* Creates a session (no I/O yet). NULL on failure with a sentence in err. */
struct tls_session *tls_session_new(const struct tls_config *cfg, char *err, size_t errlen);

/* Hands a connected, non-blocking socket to the session; tls_session_free closes it. I/O goes
 * through mbedTLS's portable socket layer; on POSIX a write to a socket the peer reset raises
 * SIGPIPE, so the process must ignore SIGPIPE (the session loop does). */
void tls_session_set_fd(struct tls_session *s, int fd);
int tls_session_fd(const struct tls_session *s);

/* Drives the handshake: TLS_OK when done and verified, TLS_WANT_*, or TLS_ERR_*. */
int tls_handshake(struct tls_session *s);

/* Reads up to n decrypted bytes: > 0 byte count, TLS_WANT_READ/WANT_WRITE, TLS_CLOSED, TLS_ERR_*.
 * A read may return fewer bytes than buffered: before polling again, drain while
 * tls_pending() > 0. n above INT_MAX is clamped. */
int tls_read(struct tls_session *s, uint8_t *buf, size_t n);

/* Writes up to n bytes: > 0 bytes written (may be < n: write the rest next), TLS_WANT_*
 * (retry with the same buf and n), TLS_ERR_*. */
int tls_write(struct tls_session *s, const uint8_t *buf, size_t n);

/* Decrypted bytes already buffered in the session (readable without touching the fd). */
size_t tls_pending(const struct tls_session *s);

/* Sends close_notify: TLS_OK, TLS_WANT_WRITE or TLS_ERR_IO. */
int tls_close_notify(struct tls_session *s);

/* Frees everything and closes the fd. NULL is fine. */
void tls_session_free(struct tls_session *s);

/* The server's leaf certificate DER (for the SSTP crypto binding hash), valid until free.
 * 0, or -1 before the handshake completed. */
int tls_peer_cert_der(const struct tls_session *s, const uint8_t **der, size_t *len);

/* Negotiated protocol ("TLSv1.2") and suite ("TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384");
 * "unknown" before the handshake. Static strings. */
const char *tls_version_name(const struct tls_session *s);
const char *tls_cipher_name(const struct tls_session *s);

/* Who seals and opens the established session's records: "nettle" (TLS 1.2 AES-GCM after an
 * mbedTLS 2.x handshake, where nettle is built in) or "mbedTLS". SSTP_TLS_RECORD=mbedtls in the
 * environment keeps every session on mbedTLS. */
const char *tls_record_layer(const struct tls_session *s);

/* The last failure as one sentence, e.g. "certificate for other.example.net presented by
 * vpn.example.com", "unknown issuer CN=Foo CA", "server certificate expired on 2025-08-23",
 * "server key does not match the pinned SHA-256". Never NULL ("" when none). */
const char *tls_error(const struct tls_session *s);

/* After a successful handshake: what verification found wrong but was accepted because of
 * insecure or a matching pin; NULL when the certificate verified cleanly. */
const char *tls_warning(const struct tls_session *s);

/* Base64 of SHA-256 over the server's SubjectPublicKeyInfo (the value --pin-sha256 takes),
 * into out (>= 45 bytes). Available as soon as the certificate arrived, also after it was
 * rejected (to tell the user what --pin-sha256 would take). 0, or -1 (no certificate seen yet,
 * out too small). */
int tls_peer_pin_sha256(const struct tls_session *s, char *out, size_t outlen);

/* 1 if the linked mbedTLS can negotiate TLS 1.3, else 0. */
int tls_supports_tls13(void);

/* The process-wide CSPRNG (mbedTLS CTR_DRBG seeded from the OS entropy source, created on first
 * use). 0, or -1 if the entropy source failed. */
int tls_random(void *buf, size_t n);

/* Same source with mbedTLS's f_rng signature (ctx ignored). */
int tls_rng(void *ctx, unsigned char *buf, size_t n);

/* Same source shaped as struct ppp_config's random callback (ctx ignored). Aborts the process if
 * the entropy source fails, so call tls_random() once at start-up to find out gracefully. */
void tls_random_fill(void *ctx, uint8_t *buf, size_t n);

#endif
