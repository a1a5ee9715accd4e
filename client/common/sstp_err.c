/* sstp_err.c - the phrases of enum sstp_errkind. */
#include "sstp_err.h"

const char *sstp_err_str(int kind)
{
	switch (kind) {
	case SSTP_ERR_NONE: return "no error";
	case SSTP_ERR_INTERNAL: return "unexpected error";
	case SSTP_ERR_USAGE: return "invalid request";
	case SSTP_ERR_TIMEOUT: return "timed out";
	case SSTP_ERR_UNREACHABLE: return "server or proxy unreachable";
	case SSTP_ERR_CERT: return "server certificate rejected";
	case SSTP_ERR_AUTH: return "authentication rejected";
	case SSTP_ERR_NEGOTIATION: return "SSTP/PPP negotiation failed";
	case SSTP_ERR_PEER_DEAD: return "peer stopped responding";
	case SSTP_ERR_PROFILE: return "bad profile or package";
	case SSTP_ERR_NOT_CONNECTED: return "not connected";
	case SSTP_ERR_PERMISSION: return "permission denied or helper unreachable";
	case SSTP_ERR_PROBE: return "a probe target is unreachable";
	}
	return "unknown error";
}
