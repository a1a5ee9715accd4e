/* ppp_mschap.h - MS-CHAPv2 building blocks (RFC 2759) and RFC 3079 master keys, plus the
 * parsers for the server's Success ("S=...") and Failure ("E=... R=... C=... V=... M=...")
 * messages. Shared by CHAP and EAP-MSCHAPv2; exposed so unit tests can check every step. */
#ifndef SSTP_PPP_MSCHAP_H
#define SSTP_PPP_MSCHAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* MD4 of the password as UTF-16LE (UTF-8 input; invalid UTF-8 bytes map to U+00xx). 0 / -1. */
int ppp_mschap_nt_hash(const char *pw, size_t pwlen, uint8_t out[16]);
/* SHA1(peer || auth || user without "DOMAIN\")[0..7]. 0 / -1. */
int ppp_mschap_challenge_hash(const uint8_t peer[16], const uint8_t auth[16], const char *user,
			      size_t ulen, uint8_t out[8]);
/* 24-byte NT-Response. 0 / -1. */
int ppp_mschap_nt_response(const uint8_t auth[16], const uint8_t peer[16], const char *user,
			   size_t ulen, const char *pw, size_t pwlen, uint8_t out[24]);
/* The 20 bytes behind "S=" the server must send. 0 / -1. */
int ppp_mschap_auth_response(const char *pw, size_t pwlen, const uint8_t nt_response[24],
			     const uint8_t peer[16], const uint8_t auth[16], const char *user,
			     size_t ulen, uint8_t out[20]);
/* RFC 3079: MasterKey and the client's MasterSendKey / MasterReceiveKey (16 bytes each). */
int ppp_mschap_master_keys(const char *pw, size_t pwlen, const uint8_t nt_response[24],
			   uint8_t master[16], uint8_t send[16], uint8_t recv[16]);

/* Parse "S=<40 hex>[ M=...]": 0 and out filled, -1 if malformed. */
int ppp_mschap_parse_success(const uint8_t *msg, size_t len, uint8_t out[20]);

struct ppp_mschap_failure {
	int error;         /* E= value, -1 when absent */
	bool retry;        /* R=1 */
	bool has_challenge;
	uint8_t challenge[16];
	int version;       /* V= value, -1 when absent */
	char message[128]; /* M= text, printable ASCII only */
};
/* Parse a Failure message. 0 when it has at least a valid E=, -1 otherwise (out still holds
 * whatever was understood). */
int ppp_mschap_parse_failure(const uint8_t *msg, size_t len, struct ppp_mschap_failure *out);
/* Human text for a Windows RAS error code ("bad user name or password" for 691...). */
const char *ppp_mschap_error_text(int code);

#endif
