/* ctl_status.c - the status attributes of the control protocol, driven by one field table so
 * that encoder and decoder cannot drift apart. */
#include "ctl_status.h"

#include <stddef.h>
#include <string.h>

enum field_kind { F_STR, F_U32, F_I32, F_U64, F_ROUTE, F_DNS, F_ROUTE_SRC, F_DOMAIN };

struct field {
	uint16_t tag;
	uint8_t kind;
	size_t off;
	size_t size; /* string fields: buffer size */
};

#define S(tag, m) { tag, F_STR, offsetof(struct sstp_conn_status, m), sizeof(((struct sstp_conn_status *)0)->m) }
#define U32(tag, m) { tag, F_U32, offsetof(struct sstp_conn_status, m), 4 }
#define I32(tag, m) { tag, F_I32, offsetof(struct sstp_conn_status, m), 4 }
#define U64(tag, m) { tag, F_U64, offsetof(struct sstp_conn_status, m), 8 }

static const struct field fields[] = {
	S(0x40, name), U32(0x41, state), U32(0x42, pid), S(0x43, server), U32(0x44, port),
	S(0x45, server_addr), S(0x46, ifname), U32(0x47, mtu), S(0x48, ipv4_local),
	S(0x49, ipv4_peer), S(0x4a, ipv6_local), S(0x4b, ipv6_peer),
	{ 0x4c, F_ROUTE, offsetof(struct sstp_conn_status, routes), sizeof(((struct sstp_conn_status *)0)->routes[0]) },
	{ 0x4d, F_DNS, offsetof(struct sstp_conn_status, dns), sizeof(((struct sstp_conn_status *)0)->dns[0]) },
	S(0x4e, dns_backend), S(0x4f, tls_version), S(0x50, tls_suite), S(0x51, auth_method),
	S(0x52, binding_hash), S(0x53, server_cert_hash), U64(0x54, bytes_in), U64(0x55, bytes_out),
	U64(0x56, packets_in), U64(0x57, packets_out), U64(0x58, uptime_s), U32(0x59, reconnects),
	I32(0x5a, last_exit), S(0x5b, last_error),
	/* one per route, in the order of 0x4c; older peers skip the tag */
	{ 0x5c, F_ROUTE_SRC, offsetof(struct sstp_conn_status, route_src), sizeof(((struct sstp_conn_status *)0)->route_src[0]) },
	S(0x5d, pin),
	/* one per DNS domain; older peers skip the tag */
	{ 0x6d, F_DOMAIN, offsetof(struct sstp_conn_status, dns_domains), sizeof(((struct sstp_conn_status *)0)->dns_domains[0]) },
	S(0x70, kill_switch), /* older peers skip the tag */
};

void sstp_ctl_put_status(struct sstp_ctl_writer *w, const struct sstp_conn_status *st)
{
	const char *base = (const char *)st;
	uint32_t i;

	for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
		const struct field *f = &fields[k];
		uint32_t u32;
		uint64_t u64;

		switch (f->kind) {
		case F_STR:
			if (base[f->off])
				sstp_ctl_put_bytes(w, f->tag, base + f->off,
						   strnlen(base + f->off, f->size - 1));
			break;
		case F_U32:
		case F_I32:
			memcpy(&u32, base + f->off, 4);
			sstp_ctl_put_u32(w, f->tag, u32);
			break;
		case F_U64:
			memcpy(&u64, base + f->off, 8);
			sstp_ctl_put_u64(w, f->tag, u64);
			break;
		case F_ROUTE:
			for (i = 0; i < st->nroutes && i < SSTP_STATUS_MAX_ROUTES; i++)
				sstp_ctl_put_bytes(w, f->tag, st->routes[i],
						   strnlen(st->routes[i], f->size - 1));
			break;
		case F_DNS:
			for (i = 0; i < st->ndns && i < SSTP_STATUS_MAX_DNS; i++)
				sstp_ctl_put_bytes(w, f->tag, st->dns[i], strnlen(st->dns[i], f->size - 1));
			break;
		case F_ROUTE_SRC:
			for (i = 0; i < st->nroutes && i < SSTP_STATUS_MAX_ROUTES; i++)
				sstp_ctl_put_bytes(w, f->tag, st->route_src[i],
						   strnlen(st->route_src[i], f->size - 1));
			break;
		case F_DOMAIN:
			for (i = 0; i < st->ndomains && i < SSTP_STATUS_MAX_DOMAINS; i++)
				sstp_ctl_put_bytes(w, f->tag, st->dns_domains[i],
						   strnlen(st->dns_domains[i], f->size - 1));
			break;
		}
	}
}

int sstp_ctl_get_status(const struct sstp_ctl_msg *msg, struct sstp_conn_status *st, const char **why)
{
	struct sstp_ctl_iter it;
	struct sstp_ctl_attr a;
	char *base = (char *)st;
	uint32_t nsrc = 0;
	int r;

	memset(st, 0, sizeof(*st));
	sstp_ctl_iter_init(&it, msg);
	while ((r = sstp_ctl_next(&it, &a)) == 1) {
		const struct field *f = NULL;
		uint32_t u32;
		uint64_t u64;

		for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++)
			if (fields[k].tag == a.tag)
				f = &fields[k];
		if (!f)
			continue;
		switch (f->kind) {
		case F_STR: /* a repeated tag replaces the value entirely, no stale bytes behind it */
			memset(base + f->off, 0, f->size);
			if (sstp_ctl_get_str(&a, base + f->off, f->size) < 0)
				goto bad;
			break;
		case F_U32:
		case F_I32:
			if (sstp_ctl_get_u32(&a, &u32) < 0)
				goto bad;
			memcpy(base + f->off, &u32, 4);
			break;
		case F_U64:
			if (sstp_ctl_get_u64(&a, &u64) < 0)
				goto bad;
			memcpy(base + f->off, &u64, 8);
			break;
		case F_ROUTE:
			if (st->nroutes >= SSTP_STATUS_MAX_ROUTES ||
			    sstp_ctl_get_str(&a, st->routes[st->nroutes], f->size) < 0)
				goto bad;
			st->nroutes++;
			break;
		case F_DNS:
			if (st->ndns >= SSTP_STATUS_MAX_DNS ||
			    sstp_ctl_get_str(&a, st->dns[st->ndns], f->size) < 0)
				goto bad;
			st->ndns++;
			break;
		case F_DOMAIN:
			if (st->ndomains >= SSTP_STATUS_MAX_DOMAINS ||
			    sstp_ctl_get_str(&a, st->dns_domains[st->ndomains], f->size) < 0)
				goto bad;
			st->ndomains++;
			break;
		case F_ROUTE_SRC:
			if (nsrc >= SSTP_STATUS_MAX_ROUTES ||
			    sstp_ctl_get_str(&a, st->route_src[nsrc], f->size) < 0)
				goto bad;
			nsrc++;
			break;
		}
	}
	if (r < 0) {
		if (why)
			*why = "truncated status attribute";
		return -1;
	}
	/* sources belong to routes: one without its route is dropped (found by fuzz_ctl_proto) */
	for (uint32_t i = st->nroutes; i < nsrc; i++)
		memset(st->route_src[i], 0, sizeof(st->route_src[i]));
	return 0;
bad:
	if (why)
		*why = "malformed status attribute";
	return -1;
}
