/* cli_exit.c - error kind -> exit code. */
#include "cli_exit.h"

int sstp_cli_exit_code(int kind)
{
	switch (kind) {
	case SSTP_ERR_NONE: return SSTP_EXIT_OK;
	case SSTP_ERR_INTERNAL: return SSTP_EXIT_ERROR;
	case SSTP_ERR_USAGE: return SSTP_EXIT_USAGE;
	case SSTP_ERR_TIMEOUT: return SSTP_EXIT_TIMEOUT;
	case SSTP_ERR_UNREACHABLE: return SSTP_EXIT_UNREACHABLE;
	case SSTP_ERR_CERT: return SSTP_EXIT_CERT;
	case SSTP_ERR_AUTH: return SSTP_EXIT_AUTH;
	case SSTP_ERR_NEGOTIATION: return SSTP_EXIT_NEGOTIATION;
	case SSTP_ERR_PEER_DEAD: return SSTP_EXIT_PEER_DEAD;
	case SSTP_ERR_PROFILE: return SSTP_EXIT_PROFILE;
	case SSTP_ERR_NOT_CONNECTED: return SSTP_EXIT_NOT_CONNECTED;
	case SSTP_ERR_PERMISSION: return SSTP_EXIT_PERMISSION;
	case SSTP_ERR_PROBE: return SSTP_EXIT_PROBE;
	}
	return SSTP_EXIT_ERROR;
}
