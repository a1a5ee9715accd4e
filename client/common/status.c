/* status.c - state names and the text/JSON rendering of struct sstp_conn_status. */
#include "status.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

static const char *const state_names[SSTP_STATE_COUNT] = {
	[SSTP_STATE_IDLE] = "idle",
	[SSTP_STATE_RESOLVING] = "resolving",
	[SSTP_STATE_CONNECTING] = "connecting",
	[SSTP_STATE_TLS] = "tls",
	[SSTP_STATE_HTTP] = "http",
	[SSTP_STATE_SSTP] = "sstp",
	[SSTP_STATE_PPP] = "ppp",
	[SSTP_STATE_AUTH] = "authenticating",
	[SSTP_STATE_NETWORK] = "network",
	[SSTP_STATE_CONFIGURING] = "configuring",
	[SSTP_STATE_CONNECTED] = "connected",
	[SSTP_STATE_RECONNECTING] = "reconnecting",
	[SSTP_STATE_DISCONNECTING] = "disconnecting",
	[SSTP_STATE_DISCONNECTED] = "disconnected",
};

const char *sstp_state_name(enum sstp_conn_state st)
{
	if ((unsigned)st >= SSTP_STATE_COUNT)
		return "unknown";
	return state_names[st];
}

int sstp_state_from_name(const char *name)
{
	for (int i = 0; i < SSTP_STATE_COUNT; i++)
		if (name && strcmp(name, state_names[i]) == 0)
			return i;
	return -1;
}

void sstp_status_set(char *field, size_t size, const char *value)
{
	size_t n;

	if (size == 0)
		return;
	if (!value)
		value = "";
	n = strnlen(value, size - 1);
	memcpy(field, value, n);
	field[n] = '\0';
}

static void fmt_bytes(char *out, size_t size, uint64_t b)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)b;
	int u = 0;

	while (v >= 1024.0 && u < 4) {
		v /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(out, size, "%" PRIu64 " B", b);
	else
		snprintf(out, size, "%.1f %s", v, units[u]);
}

static void fmt_duration(char *out, size_t size, uint64_t s)
{
	if (s >= 86400)
		snprintf(out, size, "%" PRIu64 "d %02" PRIu64 "h%02" PRIu64 "m", s / 86400,
			 (s % 86400) / 3600, (s % 3600) / 60);
	else if (s >= 3600)
		snprintf(out, size, "%" PRIu64 "h%02" PRIu64 "m%02" PRIu64 "s", s / 3600,
			 (s % 3600) / 60, s % 60);
	else if (s >= 60)
		snprintf(out, size, "%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
	else
		snprintf(out, size, "%" PRIu64 "s", s);
}

static void line(FILE *out, const char *key, const char *val)
{
	if (val && val[0])
		fprintf(out, "  %-14s %s\n", key, val);
}

void sstp_status_print_text(FILE *out, const struct sstp_conn_status *st)
{
	char a[64], b[64], buf[512];
	uint32_t i;

	fprintf(out, "%s: %s\n", st->name[0] ? st->name : "(unnamed)",
		sstp_state_name((enum sstp_conn_state)st->state));
	if (st->server[0]) {
		if (st->server_addr[0] && strcmp(st->server_addr, st->server) != 0)
			snprintf(buf, sizeof(buf), "%s:%" PRIu32 " (%s)", st->server, st->port,
				 st->server_addr);
		else
			snprintf(buf, sizeof(buf), "%s:%" PRIu32, st->server, st->port);
		line(out, "server:", buf);
	}
	if (st->ifname[0]) {
		snprintf(buf, sizeof(buf), "%s (mtu %" PRIu32 ")", st->ifname, st->mtu);
		line(out, "interface:", buf);
	}
	if (st->ipv4_local[0]) {
		snprintf(buf, sizeof(buf), "%s%s%s", st->ipv4_local, st->ipv4_peer[0] ? " peer " : "",
			 st->ipv4_peer);
		line(out, "ipv4:", buf);
	}
	if (st->ipv6_local[0]) {
		snprintf(buf, sizeof(buf), "%s%s%s", st->ipv6_local, st->ipv6_peer[0] ? " peer " : "",
			 st->ipv6_peer);
		line(out, "ipv6:", buf);
	}
	for (i = 0; i < st->nroutes && i < SSTP_STATUS_MAX_ROUTES; i++) {
		if (st->route_src[i][0]) {
			snprintf(buf, sizeof(buf), "%s (%s)", st->routes[i][0] ? st->routes[i] : "-",
				 st->route_src[i]);
			line(out, i == 0 ? "routes:" : "", buf);
		} else {
			line(out, i == 0 ? "routes:" : "", st->routes[i][0] ? st->routes[i] : "-");
		}
	}
	if (st->pin[0]) {
		snprintf(buf, sizeof(buf), "%s (pin: the gateway via the previous path)", st->pin);
		line(out, "gateway pin:", buf);
	}
	if (st->kill_switch[0]) {
		snprintf(buf, sizeof(buf), "on (nftables table %s)", st->kill_switch);
		line(out, "kill switch:", buf);
	}
	if (st->ndns) {
		size_t k = 0;

		buf[0] = '\0';
		for (i = 0; i < st->ndns && i < SSTP_STATUS_MAX_DNS; i++)
			k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%s", i ? ", " : "",
					      st->dns[i]);
		if (st->dns_backend[0] && k < sizeof(buf))
			snprintf(buf + k, sizeof(buf) - k, " (%s)", st->dns_backend);
		line(out, "dns:", buf);
	}
	for (i = 0; i < st->ndomains && i < SSTP_STATUS_MAX_DOMAINS; i++)
		line(out, i == 0 ? "dns domains:" : "", st->dns_domains[i]);
	if (st->tls_version[0]) {
		snprintf(buf, sizeof(buf), "%s %s", st->tls_version, st->tls_suite);
		line(out, "tls:", buf);
	}
	line(out, "auth:", st->auth_method);
	if (st->binding_hash[0]) {
		snprintf(buf, sizeof(buf), "%s, server certificate %s", st->binding_hash,
			 st->server_cert_hash);
		line(out, "binding:", buf);
	}
	if (st->state == SSTP_STATE_CONNECTED || st->bytes_in || st->bytes_out) {
		fmt_bytes(a, sizeof(a), st->bytes_in);
		fmt_bytes(b, sizeof(b), st->bytes_out);
		snprintf(buf, sizeof(buf), "%s in (%" PRIu64 " packets), %s out (%" PRIu64 " packets)",
			 a, st->packets_in, b, st->packets_out);
		line(out, "traffic:", buf);
	}
	if (st->uptime_s || st->state == SSTP_STATE_CONNECTED) {
		fmt_duration(a, sizeof(a), st->uptime_s);
		line(out, "uptime:", a);
	}
	if (st->reconnects) {
		snprintf(buf, sizeof(buf), "%" PRIu32, st->reconnects);
		line(out, "reconnects:", buf);
	}
	if (st->last_error[0]) {
		snprintf(buf, sizeof(buf), "%s (exit %" PRId32 ")", st->last_error, st->last_exit);
		line(out, "last error:", buf);
	}
	if (st->pid) {
		snprintf(buf, sizeof(buf), "%" PRIu32, st->pid);
		line(out, "pid:", buf);
	}
}

void sstp_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(out, "\\u%04x", c);
			else
				fputc(c, out);
		}
	}
	fputc('"', out);
}

static void jkey(FILE *out, const char *key, int *first)
{
	fputs(*first ? "{" : ",", out);
	*first = 0;
	sstp_json_string(out, key);
	fputc(':', out);
}

static void jstr(FILE *out, const char *key, const char *val, int *first)
{
	jkey(out, key, first);
	if (val && val[0])
		sstp_json_string(out, val);
	else
		fputs("null", out);
}

static void jnum(FILE *out, const char *key, uint64_t v, int *first)
{
	jkey(out, key, first);
	fprintf(out, "%" PRIu64, v);
}

/* "route_sources": every route the session added, once, with where it came from: the tunnel's
 * routes in the order of "routes", then the gateway pin. */
static void json_route_sources(FILE *out, const struct sstp_conn_status *st, int *first)
{
	uint32_t i;

	jkey(out, "route_sources", first);
	fputc('[', out);
	for (i = 0; i < st->nroutes && i < SSTP_STATUS_MAX_ROUTES; i++) {
		const char *s = st->route_src[i];

		fputs(i ? ",{\"route\":" : "{\"route\":", out);
		sstp_json_string(out, st->routes[i]);
		fputs(",\"sources\":[", out);
		while (*s) {
			char one[32];
			size_t n = strcspn(s, ",");

			snprintf(one, sizeof(one), "%.*s", (int)(n < sizeof(one) ? n : sizeof(one) - 1), s);
			sstp_json_string(out, one);
			s += n;
			if (*s == ',' && *++s)
				fputc(',', out);
		}
		fputs("]}", out);
	}
	if (st->pin[0]) {
		fputs(i ? ",{\"route\":" : "{\"route\":", out);
		sstp_json_string(out, st->pin);
		fputs(",\"sources\":[\"pin\"]}", out);
	}
	fputc(']', out);
}

static void print_json(FILE *out, const struct sstp_conn_status *st, bool schema);

void sstp_status_print_json(FILE *out, const struct sstp_conn_status *st)
{
	print_json(out, st, false);
}

void sstp_status_print_json_doc(FILE *out, const struct sstp_conn_status *st)
{
	print_json(out, st, true);
}

void sstp_status_print_json_list(FILE *out, const struct sstp_conn_status *const *list, size_t n)
{
	fprintf(out, "{\"schema\":%d,\"sessions\":[", SSTP_JSON_SCHEMA);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', out);
		print_json(out, list[i], false);
	}
	fputs("]}\n", out);
}

static void print_json(FILE *out, const struct sstp_conn_status *st, bool schema)
{
	int first = 1;
	uint32_t i;

	if (schema)
		jnum(out, "schema", SSTP_JSON_SCHEMA, &first);

	jstr(out, "name", st->name, &first);
	jstr(out, "state", sstp_state_name((enum sstp_conn_state)st->state), &first);
	jnum(out, "pid", st->pid, &first);
	jstr(out, "server", st->server, &first);
	jnum(out, "port", st->port, &first);
	jstr(out, "server_address", st->server_addr, &first);
	jstr(out, "interface", st->ifname, &first);
	jnum(out, "mtu", st->mtu, &first);
	jkey(out, "ipv4", &first);
	if (st->ipv4_local[0]) {
		int f2 = 1;
		jstr(out, "local", st->ipv4_local, &f2);
		jstr(out, "peer", st->ipv4_peer, &f2);
		fputc('}', out);
	} else {
		fputs("null", out);
	}
	jkey(out, "ipv6", &first);
	if (st->ipv6_local[0]) {
		int f2 = 1;
		jstr(out, "local", st->ipv6_local, &f2);
		jstr(out, "peer", st->ipv6_peer, &f2);
		fputc('}', out);
	} else {
		fputs("null", out);
	}
	jkey(out, "routes", &first);
	fputc('[', out);
	for (i = 0; i < st->nroutes && i < SSTP_STATUS_MAX_ROUTES; i++) {
		if (i)
			fputc(',', out);
		sstp_json_string(out, st->routes[i]);
	}
	fputc(']', out);
	json_route_sources(out, st, &first);
	jstr(out, "kill_switch", st->kill_switch, &first);
	jkey(out, "dns", &first);
	{
		int f2 = 1;
		jkey(out, "servers", &f2);
		fputc('[', out);
		for (i = 0; i < st->ndns && i < SSTP_STATUS_MAX_DNS; i++) {
			if (i)
				fputc(',', out);
			sstp_json_string(out, st->dns[i]);
		}
		fputc(']', out);
		jkey(out, "domains", &f2);
		fputc('[', out);
		for (i = 0; i < st->ndomains && i < SSTP_STATUS_MAX_DOMAINS; i++) {
			if (i)
				fputc(',', out);
			sstp_json_string(out, st->dns_domains[i]);
		}
		fputc(']', out);
		jstr(out, "backend", st->dns_backend, &f2);
		fputc('}', out);
	}
	jkey(out, "tls", &first);
	{
		int f2 = 1;
		jstr(out, "version", st->tls_version, &f2);
		jstr(out, "suite", st->tls_suite, &f2);
		fputc('}', out);
	}
	jstr(out, "auth", st->auth_method, &first);
	jkey(out, "crypto_binding", &first);
	{
		int f2 = 1;
		jstr(out, "hash", st->binding_hash, &f2);
		jstr(out, "server_cert_hash", st->server_cert_hash, &f2);
		fputc('}', out);
	}
	jkey(out, "traffic", &first);
	{
		int f2 = 1;
		jnum(out, "bytes_in", st->bytes_in, &f2);
		jnum(out, "bytes_out", st->bytes_out, &f2);
		jnum(out, "packets_in", st->packets_in, &f2);
		jnum(out, "packets_out", st->packets_out, &f2);
		fputc('}', out);
	}
	jnum(out, "uptime_s", st->uptime_s, &first);
	jnum(out, "reconnects", st->reconnects, &first);
	jkey(out, "last_error", &first);
	if (st->last_error[0]) {
		int f2 = 1;
		jnum(out, "exit_code", (uint64_t)(st->last_exit < 0 ? 0 : st->last_exit), &f2);
		jstr(out, "message", st->last_error, &f2);
		fputc('}', out);
	} else {
		fputs("null", out);
	}
	fputc('}', out);
}
