/* sstp_err.c - struct sstp_err and the phrases of enum sstp_errkind. */
#include "sstp_err.h"

#include <stdarg.h>
#include <stdio.h>

int sstp_err_set(struct sstp_err *e, enum sstp_errkind kind, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return kind;
	e->kind = kind;
	va_start(ap, fmt);
	if (vsnprintf(e->msg, sizeof(e->msg), fmt, ap) < 0)
		e->msg[0] = '\0';
	va_end(ap);
	return kind;
}

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
