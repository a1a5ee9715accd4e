/* exit_codes.h - the process exit codes of `sstp`, shared by the CLI, the session and the
 * helper's control protocol. Documented in doc/sstp.1; every one is tested. */
#ifndef SSTP_EXIT_CODES_H
#define SSTP_EXIT_CODES_H

enum sstp_exit {
	SSTP_EXIT_OK = 0,
	SSTP_EXIT_ERROR = 1,        /* unexpected error */
	SSTP_EXIT_USAGE = 2,        /* bad command line */
	SSTP_EXIT_TIMEOUT = 3,      /* a phase timed out */
	SSTP_EXIT_UNREACHABLE = 4,  /* server or proxy unreachable */
	SSTP_EXIT_CERT = 5,         /* server certificate rejected */
	SSTP_EXIT_AUTH = 6,         /* authentication rejected */
	SSTP_EXIT_NEGOTIATION = 7,  /* SSTP/PPP negotiation failed (crypto binding included) */
	SSTP_EXIT_PEER_DEAD = 8,    /* peer stopped responding */
	SSTP_EXIT_PROFILE = 9,      /* bad profile or package */
	SSTP_EXIT_NOT_CONNECTED = 10,
	SSTP_EXIT_PERMISSION = 11,  /* permission denied or helper unreachable */
	SSTP_EXIT_PROBE = 12,       /* tunnel up but a --check/--probe target unreachable */
};

#endif
