/* helper_proto.h - what the privileged helper adds on top of the control protocol (ctl_proto.h):
 * the requests it accepts, their validation (profile names, an allow-list of connect options
 * that can never carry a secret or a file path), the child command line built from them, and a
 * frame reassembly buffer shared by the helper, the CLI and the tray. Pure: no I/O.
 *
 * Requests to the helper (frames of ctl_proto.h, replies carry the request's id):
 *   REQ_CONNECT    PROFILE, OPTION*, [NOWAIT], [PASSWORD] -> RESP_OK once the tunnel is up (at
 *                  once with NOWAIT) | RESP_ERROR {EXIT_CODE, MESSAGE, [NEED_PASSWORD]} when the
 *                  session failed first. PASSWORD is the MS-CHAPv2/PAP password of the profile's
 *                  user, read by the CLI or the tray as the requesting user; the helper hands it
 *                  to the session child on a pipe (never argv, never a file), then wipes it.
 *                  Without it, the helper reads the profile's password-file when that file is
 *                  owned by root or by the requesting user and not accessible to group/others.
 *   REQ_DISCONNECT PROFILE | ALL             -> RESP_OK once the session(s) ended |
 *                  RESP_ERROR (10 when nothing of that name runs)
 *   REQ_STATUS     PROFILE                   -> RESP_STATUS | RESP_ERROR (10)
 *   REQ_STATUS     (no PROFILE)              -> one RESP_STATUS per known session, then
 *                  RESP_OK {COUNT = sessions sent, PROFILE* = profiles the helper can connect}
 *   REQ_SUBSCRIBE                            -> RESP_OK, one EVENT per known session (snapshot),
 *                  then an EVENT (id 0) for every state change of any session
 * Errors carry an error kind (sstp_err.h) in EXIT_CODE: its values are the documented exit codes
 * (11 = permission denied), which the CLI exits with. */
#ifndef SSTP_HELPER_PROTO_H
#define SSTP_HELPER_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl_proto.h"

/* Attribute tags of the helper (range 0x30-0x3f of the general tags). */
enum sstp_helper_tag {
	SSTP_HELPER_A_ALL = 0x30,    /* empty: disconnect every session */
	SSTP_HELPER_A_NOWAIT = 0x31, /* empty: answer CONNECT once the session process started */
	SSTP_HELPER_A_COUNT = 0x32,  /* u32: RESP_STATUS frames before the closing RESP_OK */
	SSTP_HELPER_A_PASSWORD = 0x33, /* bytes (CONNECT only): 0-1023, no NUL, CR or LF */
	SSTP_HELPER_A_NEED_PASSWORD = 0x34, /* empty, in RESP_ERROR: give a PASSWORD and retry */
	/* A user's own profile (CONNECT only), read by the user's CLI as that user: */
	SSTP_HELPER_A_UPROFILE = 0x35, /* bytes: the profile.conf text (paths inside are ignored) */
	SSTP_HELPER_A_UCA = 0x36,      /* bytes: the CA certificate file (PEM/DER) */
	SSTP_HELPER_A_UCERT = 0x37,    /* bytes: the client certificate (PKCS#12 or PEM) */
	SSTP_HELPER_A_UKEY = 0x38,     /* bytes: its private key (PEM/DER), when not in UCERT */
	SSTP_HELPER_A_CERT_PASSWORD = 0x39, /* bytes: the PKCS#12 password (no NUL, CR, LF) */
};

#define SSTP_HELPER_DEFAULT_GROUP "sstp"
#define SSTP_HELPER_NAME_MAX 64     /* profile name, NUL excluded (SSTP_PROFILE_NAME_MAX) */
#define SSTP_HELPER_MAX_OPTIONS 12
#define SSTP_HELPER_OPTION_MAX 32   /* "--timeout=86400" and the like, NUL included */
#define SSTP_HELPER_MAX_PROFILES 128 /* names listed in an overview reply */
#define SSTP_HELPER_PASSWORD_MAX 1023 /* bytes, NUL excluded (SSTP_SECRET_MAX - 1) */

#define SSTP_HELPER_UPROFILE_MAX 8192 /* bytes of a user's profile text */

/* Bytes carried by a request: on decode they point into the frame (valid while it is), on
 * encode into the caller's memory. */
struct sstp_helper_blob {
	const uint8_t *p;
	size_t len;
	bool set;
};

/* A decoded request. Plain data, but it may hold a password: whoever fills one in (decode, or
 * the CLI/tray) calls sstp_helper_req_wipe() once done with it. */
struct sstp_helper_req {
	uint8_t type; /* SSTP_CTL_REQ_* */
	uint32_t id;
	char profile[SSTP_HELPER_NAME_MAX + 1]; /* "" = none given */
	char options[SSTP_HELPER_MAX_OPTIONS][SSTP_HELPER_OPTION_MAX];
	size_t n_options;
	bool all;
	bool nowait;
	bool has_password;                         /* PASSWORD was given (possibly "") */
	char password[SSTP_HELPER_PASSWORD_MAX + 1];
	/* a user's own profile and its files (UPROFILE and the others need UPROFILE) */
	struct sstp_helper_blob uprofile, uca, ucert, ukey, cert_password;
	/* helper side, never encoded: the directory the session child connects instead of the
	 * profile's name (a user's profile written by the helper), or NULL */
	const char *profile_path;
};

/* Overwrite the password (and its flag) so that no copy stays in memory. */
void sstp_helper_req_wipe(struct sstp_helper_req *req);
/* Overwrite n bytes in a way the compiler does not drop (frames that carried a password). */
void sstp_helper_wipe(void *p, size_t n);
/* Whether s can be sent as a PASSWORD (length, no NUL/CR/LF). */
bool sstp_helper_password_ok(const char *s);

/* Check one connect option against the allow-list: "--wait", "--reconnect", "--no-reconnect",
 * "--no-ipv6", "--no-dns", "--no-routes", "--verbose", "--timeout=1..86400", "--mtu=576..4087".
 * Everything else (certificates, keys, CAs, pins, --insecure, routes, DNS servers, proxies, user
 * names, interface and state paths...) is refused: those come from the administrator's profile.
 * 0, or -1 with a sentence in err. */
int sstp_helper_option_check(const char *opt, char *err, size_t errlen);

/* Decode and validate a request frame. Returns 0, or an error kind (SSTP_ERR_USAGE for a
 * malformed or invalid request, SSTP_ERR_PROFILE for a bad profile name) with a sentence in err.
 * Unknown tags are skipped; a duplicated PROFILE, a string with a NUL, an over-long value or an
 * option outside the allow-list is refused, and so is a PASSWORD outside CONNECT or with a NUL,
 * CR or LF. */
int sstp_helper_req_decode(const struct sstp_ctl_msg *msg, struct sstp_helper_req *req, char *err,
			   size_t errlen);
/* Encode a request (the inverse of decode). Frame length, or -1 when it does not fit. */
long sstp_helper_req_encode(const struct sstp_helper_req *req, uint8_t *buf, size_t cap);

/* The command line of a session child: exe connect NAME --name NAME --state-dir DIR
 * [--reconnect] [--password-stdin] OPTIONS (the session, its socket and journal are named after
 * the profile; --password-stdin when req has a password, which the caller writes to the
 * child's standard input: the password itself is never on the command line).
 * --timeout=N / --mtu=N become two words; --verbose becomes -v. The helper sessions reconnect
 * after drops unless --no-reconnect was asked for. Strings point into req, exe, state_dir and
 * static literals; argv is NULL-terminated. Returns argc, or -1 when max is too small. */
#define SSTP_HELPER_ARGV_MAX (11 + 2 * SSTP_HELPER_MAX_OPTIONS)
int sstp_helper_child_argv(const struct sstp_helper_req *req, const char *exe,
			   const char *state_dir, char **argv, size_t max);

/* Reassembly of frames from a byte stream, in caller memory (cap >= SSTP_CTL_MAX_FRAME). */
struct sstp_ctl_rbuf {
	uint8_t *buf;
	size_t cap;
	size_t len;
};

/* Look for a complete frame at the start of the buffer: > 0 its length (msg filled, valid until
 * sstp_ctl_rbuf_consume), 0 need more bytes, -1 garbage (why says why: drop the connection). */
long sstp_ctl_rbuf_frame(struct sstp_ctl_rbuf *rb, struct sstp_ctl_msg *msg, const char **why);
/* Drop n bytes from the start; the bytes freed at the end are zeroed (a frame may have held a
 * password). */
void sstp_ctl_rbuf_consume(struct sstp_ctl_rbuf *rb, size_t n);
/* Free space at the end (where the next bytes go) and its size. */
uint8_t *sstp_ctl_rbuf_tail(struct sstp_ctl_rbuf *rb, size_t *room);
void sstp_ctl_rbuf_commit(struct sstp_ctl_rbuf *rb, size_t n);

/* Build a RESP_ERROR {EXIT_CODE, MESSAGE} / RESP_OK frame into buf; code is an error kind.
 * Frame length or -1. */
long sstp_helper_error_frame(uint8_t *buf, size_t cap, uint32_t id, int code, const char *msg);
/* The same RESP_ERROR with NEED_PASSWORD: the profile needs a password the request lacked. */
long sstp_helper_need_password_frame(uint8_t *buf, size_t cap, uint32_t id, int code,
				     const char *msg);
/* Whether a RESP_ERROR carries NEED_PASSWORD. */
bool sstp_helper_reply_needs_password(const struct sstp_ctl_msg *msg);
long sstp_helper_ok_frame(uint8_t *buf, size_t cap, uint32_t id, const char *msg);

#endif
