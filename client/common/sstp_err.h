/* sstp_err.h - the one error type of the client's libraries: what kind of failure it was.
 * pkg/, ctl/ (and the layers being converted) return an enum sstp_errkind, 0 for success, and
 * say why in a sentence (their err buffer). They do not know the process exit codes: client/cli/
 * alone turns a kind into one (cli_exit_code in cli_err.c).
 * The kinds are the documented failure classes of README "Exit codes", one each. Their values
 * equal those exit codes so that a layer not yet converted (helper/, session/, nm/) which still
 * passes a kind on as an exit code keeps its codes; cli_err.c's test checks the pairing. */
#ifndef SSTP_ERR_H
#define SSTP_ERR_H

enum sstp_errkind {
	SSTP_ERR_NONE = 0,
	SSTP_ERR_INTERNAL = 1,      /* unexpected: out of memory, an I/O error */
	SSTP_ERR_USAGE = 2,         /* the caller asked for something invalid */
	SSTP_ERR_TIMEOUT = 3,       /* a phase or a transfer timed out */
	SSTP_ERR_UNREACHABLE = 4,   /* server, proxy or download host unreachable */
	SSTP_ERR_CERT = 5,          /* a server certificate was rejected */
	SSTP_ERR_AUTH = 6,          /* authentication rejected */
	SSTP_ERR_NEGOTIATION = 7,   /* SSTP/PPP negotiation failed */
	SSTP_ERR_PEER_DEAD = 8,     /* the peer stopped responding */
	SSTP_ERR_PROFILE = 9,       /* bad profile, package or connection file */
	SSTP_ERR_NOT_CONNECTED = 10, /* no such session */
	SSTP_ERR_PERMISSION = 11,   /* permission denied or helper unreachable */
	SSTP_ERR_PROBE = 12,        /* tunnel up but a probe target unreachable */
};
#define SSTP_ERR_KIND_MAX SSTP_ERR_PROBE

/* A failure as a function hands it up, in place of a (char *err, size_t errlen) pair: the kind
 * and one sentence naming what failed and why (never a secret). Zero-initialise it. */
#define SSTP_ERR_MSG_MAX 512
struct sstp_err {
	enum sstp_errkind kind;
	char msg[SSTP_ERR_MSG_MAX];
};

/* Record kind and the sentence (printf format, cut to fit) in e (may be NULL) and return kind,
 * so that a function can `return sstp_err_set(e, SSTP_ERR_PROFILE, "...", ...);`. */
int sstp_err_set(struct sstp_err *e, enum sstp_errkind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A short phrase for the kind ("bad profile or package"); "unknown error" for a value outside
 * the enum. Never NULL. */
const char *sstp_err_str(int kind);

#endif
