/* cli_hostport.c - the host[:port] arguments of `sstp`: a server (SERVER of connect, port 443
 * by default; IPv6 literals bare or in brackets) and the probes of --check / --probe
 * (HOST:PORT, tcp:HOST:PORT, icmp:HOST). See cli.h. */
#include "cli.h"

#include <string.h>

static int parse_port(const char *s, size_t n, uint16_t *port)
{
	char buf[8];
	unsigned v;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (sstp_cli_parse_uint(buf, 1, 65535, &v) < 0)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int sstp_host_ok(const char *h, size_t n)
{
	if (n == 0 || n >= SSTP_HOST_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)h[i];

		if (c <= ' ' || c >= 0x7f || c == '/' || c == '@' || c == '?' || c == '#' ||
		    c == '[' || c == ']')
			return 0;
	}
	return 1;
}

/* Split host[:port] / [v6]:port / v6 literal. require_port: the port must be there. */
static int split_hostport(const char *s, char *host, size_t hostlen, uint16_t *port,
			  int require_port)
{
	const char *h = s, *colon;
	size_t hl;

	if (!s || !*s)
		return -1;
	if (*s == '[') {
		const char *rb = strchr(s, ']');

		if (!rb)
			return -1;
		h = s + 1;
		hl = (size_t)(rb - h);
		if (rb[1] == ':') {
			if (parse_port(rb + 2, strlen(rb + 2), port) < 0)
				return -1;
		} else if (rb[1] == '\0' && !require_port) {
			*port = 443;
		} else {
			return -1;
		}
		if (!memchr(h, ':', hl))
			return -1; /* brackets are for IPv6 literals */
	} else {
		colon = strchr(s, ':');
		if (colon && strchr(colon + 1, ':')) { /* bare IPv6 literal: no port possible */
			if (require_port)
				return -1;
			hl = strlen(s);
			*port = 443;
		} else if (colon) {
			hl = (size_t)(colon - s);
			if (parse_port(colon + 1, strlen(colon + 1), port) < 0)
				return -1;
		} else {
			if (require_port)
				return -1;
			hl = strlen(s);
			*port = 443;
		}
	}
	if (!sstp_host_ok(h, hl) || hl >= hostlen)
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	return 0;
}

int sstp_parse_server(const char *s, char *host, size_t hostlen, uint16_t *port)
{
	return split_hostport(s, host, hostlen, port, 0);
}

int sstp_parse_probe(const char *s, struct sstp_probe *p)
{
	memset(p, 0, sizeof(*p));
	p->spec = s;
	if (s && strncmp(s, "icmp:", 5) == 0) {
		const char *h = s + 5;
		size_t hl = strlen(h);

		if (hl && h[0] == '[' && h[hl - 1] == ']') {
			h++;
			hl -= 2;
		}
		if (!sstp_host_ok(h, hl))
			return -1;
		memcpy(p->host, h, hl);
		p->host[hl] = '\0';
		p->icmp = true;
		return 0;
	}
	if (s && strncmp(s, "tcp:", 4) == 0)
		s += 4;
	return split_hostport(s, p->host, sizeof(p->host), &p->port, 1);
}
