/* pkg_show.c - `sstp package show`: render struct sstp_package as aligned text for people or as
 * JSON ("schema": 1) for scripts, and the CLI entry point that reads a package from a file or
 * URL and prints it. */
#include "pkg.h"

#include <stdio.h>
#include <string.h>

#include "sstp_err.h"
#include "pkg_internal.h"
#include "status.h" /* sstp_json_string */

static void hex_colons(const uint8_t *b, size_t n, char *out)
{
	static const char hx[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		out[i * 3] = hx[b[i] >> 4];
		out[i * 3 + 1] = hx[b[i] & 15];
		out[i * 3 + 2] = i + 1 < n ? ':' : '\0';
	}
}

static void hex_plain(const uint8_t *b, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[i * 2] = hx[b[i] >> 4];
		out[i * 2 + 1] = hx[b[i] & 15];
	}
	out[n * 2] = '\0';
}

static void print_cidrs(FILE *out, const char *label, const struct sstp_cidr *c, size_t n,
			const char *none)
{
	char a[SSTP_CIDR_STRLEN];
	fprintf(out, "%-16s", label);
	if (n == 0)
		fprintf(out, "%s", none);
	for (size_t i = 0; i < n; i++) {
		if (sstp_cidr_format(&c[i], a, sizeof(a)) != 0)
			snprintf(a, sizeof(a), "?");
		fprintf(out, "%s%s", i ? ", " : "", a);
	}
	fputc('\n', out);
}

/* Text from the package is printed as is only when printable; else '?' per byte. */
static void put_safe(FILE *out, const char *s)
{
	for (; s && *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, out);
}

int sstp_package_print_text(const struct sstp_package *p, FILE *out)
{
	char list[80], a[SSTP_IP_STRLEN];
	sstp_pkg_proto_text(p->protocols, list, sizeof(list));
	fprintf(out, "%-16s", "Gateway:");
	put_safe(out, p->gateway ? p->gateway : "(none)");
	fprintf(out, "\n%-16s%s", "Protocols:", list);
	if (p->vpn_type) {
		fprintf(out, " (VpnType \"");
		put_safe(out, p->vpn_type);
		fprintf(out, "\")");
	}
	fprintf(out, "%s\n", p->protocols & SSTP_PKG_PROTO_SSTP
				      ? ""
				      : "  <- no SSTP: sstp cannot use this gateway");
	if (p->auth) {
		fprintf(out, "%-16s", "Authentication:");
		put_safe(out, p->auth);
		fputc('\n', out);
	}
	if (p->vnet_name || p->vnet_id) {
		fprintf(out, "%-16s", "VNet:");
		put_safe(out, p->vnet_name ? p->vnet_name : "");
		if (p->vnet_id) {
			fprintf(out, p->vnet_name ? " (" : "(");
			put_safe(out, p->vnet_id);
			fputc(')', out);
		}
		fputc('\n', out);
	}
	fprintf(out, "%-16s%s\n", "Read from:",
		p->source == SSTP_PKG_SRC_INSTALLER ? "Windows installer (no Generic/ folder)"
						    : "Generic/VpnSettings.xml");
	print_cidrs(out, "Routes:", p->routes, p->n_routes, "(none)");
	print_cidrs(out, "Client pool:", p->pools, p->n_pools, "(not given)");
	if (p->pool_inferred)
		fprintf(out, "%-16s(the last line of routes.txt, where Azure puts the pool)\n", "");
	fprintf(out, "%-16s", "DNS servers:");
	if (p->n_dns == 0)
		fprintf(out, "(none in the package; the gateway may assign them)");
	for (size_t i = 0; i < p->n_dns; i++) {
		if (sstp_ip_format(&p->dns[i], a, sizeof(a)) != 0)
			snprintf(a, sizeof(a), "?");
		fprintf(out, "%s%s", i ? ", " : "", a);
	}
	fputc('\n', out);
	fprintf(out, "Server root certificates:%s\n", p->n_roots ? "" : " (none in the package)");
	for (size_t i = 0; i < p->n_roots; i++) {
		const struct sstp_pkg_cert *c = &p->roots[i];
		char h1[61], h256[97];
		hex_colons(c->sha1, sizeof(c->sha1), h1);
		hex_colons(c->sha256, sizeof(c->sha256), h256);
		fprintf(out, "  [%zu] ", i + 1);
		put_safe(out, c->subject);
		fprintf(out, "\n      SHA-1:   %s\n      SHA-256: %s\n      Valid:   %s to %s\n", h1,
			h256, c->not_before, c->not_after);
	}
	if (p->root_cns.n) {
		fprintf(out, "%-16s", "Server root CN:");
		for (size_t i = 0; i < p->root_cns.n; i++) {
			fprintf(out, "%s", i ? ", " : "");
			put_safe(out, p->root_cns.v[i]);
		}
		fputc('\n', out);
	}
	fflush(out);
	return ferror(out) ? SSTP_ERR_INTERNAL : 0;
}

/* A string, or null when unset (the escaping is the status JSON's: sstp_json_string). */
static void json_str(FILE *out, const char *s)
{
	if (!s)
		fputs("null", out);
	else
		sstp_json_string(out, s);
}

static void json_cidrs(FILE *out, const struct sstp_cidr *c, size_t n)
{
	char a[SSTP_CIDR_STRLEN];
	fputc('[', out);
	for (size_t i = 0; i < n; i++) {
		if (sstp_cidr_format(&c[i], a, sizeof(a)) != 0)
			snprintf(a, sizeof(a), "?");
		fprintf(out, "%s\"%s\"", i ? ", " : "", a);
	}
	fputc(']', out);
}

static void json_strlist(FILE *out, const struct sstp_strlist *l)
{
	fputc('[', out);
	for (size_t i = 0; i < l->n; i++) {
		fputs(i ? ", " : "", out);
		json_str(out, l->v[i]);
	}
	fputc(']', out);
}

int sstp_package_print_json(const struct sstp_package *p, FILE *out)
{
	static const struct {
		unsigned bit;
		const char *name;
	} protos[] = {{SSTP_PKG_PROTO_SSTP, "SSTP"}, {SSTP_PKG_PROTO_IKEV2, "IKEv2"},
		      {SSTP_PKG_PROTO_OPENVPN, "OpenVPN"}, {SSTP_PKG_PROTO_OTHER, "other"}};
	char a[SSTP_IP_STRLEN];
	fprintf(out, "{\n  \"schema\": 1,\n  \"source\": \"%s\",\n  \"gateway\": ",
		p->source == SSTP_PKG_SRC_INSTALLER ? "installer" : "generic");
	json_str(out, p->gateway);
	fputs(",\n  \"protocols\": [", out);
	bool first = true;
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (p->protocols & protos[i].bit) {
			fprintf(out, "%s\"%s\"", first ? "" : ", ", protos[i].name);
			first = false;
		}
	}
	fprintf(out, "],\n  \"sstp\": %s,\n  \"vpn_type\": ",
		p->protocols & SSTP_PKG_PROTO_SSTP ? "true" : "false");
	json_str(out, p->vpn_type);
	fputs(",\n  \"auth\": ", out);
	json_str(out, p->auth);
	fputs(",\n  \"vnet\": {\"name\": ", out);
	json_str(out, p->vnet_name);
	fputs(", \"id\": ", out);
	json_str(out, p->vnet_id);
	fputs("},\n  \"routes\": ", out);
	json_cidrs(out, p->routes, p->n_routes);
	fputs(",\n  \"client_pool\": ", out);
	json_cidrs(out, p->pools, p->n_pools);
	fprintf(out, ",\n  \"client_pool_inferred\": %s,\n  \"dns\": [",
		p->pool_inferred ? "true" : "false");
	for (size_t i = 0; i < p->n_dns; i++) {
		if (sstp_ip_format(&p->dns[i], a, sizeof(a)) != 0)
			snprintf(a, sizeof(a), "?");
		fprintf(out, "%s\"%s\"", i ? ", " : "", a);
	}
	fputs("],\n  \"server_root_cns\": ", out);
	json_strlist(out, &p->root_cns);
	fputs(",\n  \"server_issuer_cns\": ", out);
	json_strlist(out, &p->issuer_cns);
	fputs(",\n  \"server_roots\": [", out);
	for (size_t i = 0; i < p->n_roots; i++) {
		const struct sstp_pkg_cert *c = &p->roots[i];
		char h1[41], h256[65];
		hex_plain(c->sha1, sizeof(c->sha1), h1);
		hex_plain(c->sha256, sizeof(c->sha256), h256);
		fprintf(out, "%s\n    {\"subject\": ", i ? "," : "");
		json_str(out, c->subject);
		fputs(", \"cn\": ", out);
		json_str(out, c->cn);
		fprintf(out, ", \"sha1\": \"%s\", \"sha256\": \"%s\", \"not_before\": \"%s\", "
			"\"not_after\": \"%s\"}", h1, h256, c->not_before, c->not_after);
	}
	fprintf(out, "%s]\n}\n", p->n_roots ? "\n  " : "");
	fflush(out);
	return ferror(out) ? SSTP_ERR_INTERNAL : 0;
}

int sstp_pkg_cmd_show(const char *src, bool json, FILE *out, char *err, size_t errlen)
{
	struct sstp_package p;
	struct sstp_fetch_opts fo = {0};
	fo.progress = stderr;
	int rc = sstp_package_read(src, &fo, &p, err, errlen);
	if (rc)
		return rc;
	rc = json ? sstp_package_print_json(&p, out) : sstp_package_print_text(&p, out);
	if (rc)
		snprintf(err, errlen, "cannot write the output");
	sstp_package_free(&p);
	return rc;
}
