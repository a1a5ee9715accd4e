/* pkg.h - the Azure VPN client configuration package: read it (zip file, memory or HTTPS URL)
 * into struct sstp_package, render it for `sstp package show` (text / JSON), import it as a
 * profile for `sstp import`, and check its routes against the local networks.
 * Functions that can fail return an enum sstp_errkind (sstp_err.h), 0 on success, with a
 * sentence in err; the CLI turns the kind into its exit code. */
#ifndef SSTP_PKG_H
#define SSTP_PKG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "profile.h"
#include "sstp_err.h"

/* Protocols a gateway offers (VpnType). */
enum sstp_pkg_proto {
	SSTP_PKG_PROTO_SSTP = 1u << 0,
	SSTP_PKG_PROTO_IKEV2 = 1u << 1,
	SSTP_PKG_PROTO_OPENVPN = 1u << 2,
	SSTP_PKG_PROTO_OTHER = 1u << 3, /* a value we do not know; see vpn_type */
};

/* Where the package facts came from. */
enum sstp_pkg_source {
	SSTP_PKG_SRC_GENERIC = 1,   /* Generic/VpnSettings.xml */
	SSTP_PKG_SRC_INSTALLER = 2, /* the Windows installer's cabinet (SSTP-only gateways) */
};

/* A server root certificate from the package. */
struct sstp_pkg_cert {
	unsigned char *der;   /* owned */
	size_t der_len;
	char subject[512];    /* "C=US, O=DigiCert Inc, OU=www.digicert.com, CN=DigiCert Global Root CA" */
	char cn[128];         /* the subject's CN, or "" */
	char not_before[24];  /* "2006-11-10T00:00:00Z" */
	char not_after[24];
	uint8_t sha1[20];
	uint8_t sha256[32];
};

/* Everything a package says. All pointers owned; free with sstp_package_free. */
struct sstp_package {
	enum sstp_pkg_source source;
	char *gateway;              /* VpnServer / PhoneNumber / TunnelAddress */
	unsigned protocols;         /* enum sstp_pkg_proto bits */
	char *vpn_type;             /* VpnType as written ("SSTP,IkeV2"), or NULL (installer path) */
	char *auth;                 /* Auth as written ("EAPTLS"), or NULL */
	struct sstp_pkg_cert *roots;
	size_t n_roots;
	struct sstp_strlist root_cns;   /* ServerCertRootCn / ServerCertsRootCn */
	struct sstp_strlist issuer_cns; /* ServerCertIssuerCn / ServerCertsIssuerCn */
	struct sstp_cidr *routes;   /* VNet address space */
	size_t n_routes;
	struct sstp_cidr *pools;    /* VpnClientAddressPool */
	size_t n_pools;
	bool pool_inferred;         /* installer path: routes.txt does not label the pool; its last
				     * line was taken as the pool (Azure writes it last) */
	struct sstp_ip *dns;        /* CustomDnsServers */
	size_t n_dns;
	char *vnet_name;
	char *vnet_id;
};

void sstp_package_init(struct sstp_package *p);
void sstp_package_free(struct sstp_package *p);

/* Options for reading a package from a URL. Zero-initialise for defaults. */
struct sstp_fetch_opts {
	size_t max_bytes;        /* 0 = SSTP_FETCH_MAX_BYTES */
	long max_redirects;      /* 0 = 5 */
	long timeout_s;          /* whole transfer; 0 = 120 */
	const char *ca_file;     /* extra CA bundle to verify the download server (tests), or NULL */
	FILE *progress;          /* progress bar target, drawn only when it is a terminal; or NULL */
};
#define SSTP_FETCH_MAX_BYTES (64u * 1024u * 1024u)

/* True when src looks like an http(s) URL (after stripping surrounding quotes/blanks). */
bool sstp_pkg_is_url(const char *src);

/* Copy url to out with its query string and fragment replaced by "?<redacted>" and any
 * user:password@ removed; surrounding quotes stripped. Always NUL-terminates; never copies a
 * byte of the query. Use it for every message that mentions a URL. */
void sstp_url_redact(const char *url, char *out, size_t outlen);

/* GET an https URL (surrounding quotes and blanks are stripped) into a malloc'ed buffer (caller
 * frees). TLS verified, redirects followed up to the limit (https only), size capped, proxy from
 * the environment. Returns 0, SSTP_ERR_UNREACHABLE (network / HTTP error), SSTP_ERR_TIMEOUT,
 * SSTP_ERR_CERT (TLS verification failed), SSTP_ERR_PROFILE (too large, not https) or
 * SSTP_ERR_INTERNAL. err never
 * contains the query string. */
int sstp_pkg_fetch(const char *url, const struct sstp_fetch_opts *opts, unsigned char **buf,
		   size_t *len, char *err, size_t errlen);

/* Read a package from a zip in memory. Returns 0 or SSTP_ERR_PROFILE / SSTP_ERR_INTERNAL with a
 * message. Does NOT require SSTP (see sstp_package_check_sstp) so `package show` can show any. */
int sstp_package_from_zip(const void *zip, size_t len, struct sstp_package *out,
			  char *err, size_t errlen);
/* Read a standalone VpnSettings.xml (the Generic folder's file alone) as a package. 0 or
 * SSTP_ERR_PROFILE with a message naming the line. */
int sstp_package_from_xml(const void *xml, size_t len, struct sstp_package *out, char *err,
			  size_t errlen);
/* Read a package (zip, or a standalone VpnSettings.xml) from a file path or an https URL. */
int sstp_package_read(const char *src, const struct sstp_fetch_opts *fopts,
		      struct sstp_package *out, char *err, size_t errlen);
/* 0 when the gateway offers SSTP; else SSTP_ERR_PROFILE and err says which protocols it offers
 * and that sstp cannot use them. */
int sstp_package_check_sstp(const struct sstp_package *p, char *err, size_t errlen);

/* Render for `sstp package show`. JSON carries "schema": 1. 0, or SSTP_ERR_INTERNAL on a write
 * error. */
int sstp_package_print_text(const struct sstp_package *p, FILE *out);
int sstp_package_print_json(const struct sstp_package *p, FILE *out);

struct sstp_local_net;

/* Options for sstp_package_import. */
struct sstp_import_opts {
	const char *name;          /* profile name, or NULL: derived from the VNet name or gateway */
	const char *cert;          /* client certificate path or keystore URI, or NULL */
	const char *key;           /* private key path or URI, or NULL */
	const char *user;          /* user name (MS-CHAPv2 gateways), or NULL */
	const char *const *extra_ca; /* more CA files to copy beside the profile */
	size_t n_extra_ca;
	const char *const *dns_domains; /* --dns-domain: replace the package's DNS suffixes */
	size_t n_dns_domains;
	const char *base_dir;      /* where to write; NULL = sstp_profile_dirs_write of the default dirs */
	bool as_root;              /* for the default dirs */
	bool overwrite;            /* replace an existing profile of that name */
	const struct sstp_local_net *local; /* local networks for the overlap warning (cmd_import), */
	size_t n_local;                     /* from platform/; may be NULL / 0 */
};

/* Foreign connection files (pkg_foreign.c): a Windows phonebook entry (entry NULL: the first
 * SSTP one) and a NetworkManager-sstp keyfile, as a profile (no files written; passwords never
 * read). 0 or SSTP_ERR_PROFILE with a sentence naming the file part; p is initialised. */
int sstp_profile_from_pbk(const char *text, size_t len, const char *entry,
			  struct sstp_profile *p, char *err, size_t errlen);
int sstp_profile_from_nmconnection(const char *text, size_t len, struct sstp_profile *p,
				   char *err, size_t errlen);
/* A path ending in .pbk or .nmconnection. */
bool sstp_pkg_is_foreign(const char *src);
/* `sstp import` of such a file: the profile, validated, saved as for a package. */
int sstp_pkg_import_foreign(const char *src, const struct sstp_import_opts *opts, FILE *out,
			    char *err, size_t errlen);

/* Turn a package into a profile (no files written): server, routes, pools, DNS, vnet, auth.
 * CA paths are not set (import does that). 0 or SSTP_ERR_INTERNAL. */
int sstp_package_to_profile(const struct sstp_package *pkg, struct sstp_profile *out);

/* Write a profile for pkg: <base>/<name>/profile.conf plus the server roots as
 * <base>/<name>/server-root-<n>.pem and copies of extra CA files as ca-<n>.pem. Fails on a gateway
 * without SSTP. name_out (may be NULL) receives the profile name used, path_out (may be NULL) the
 * profile file path. Returns 0, SSTP_ERR_USAGE (bad --name, a PIN inside a keystore URI),
 * SSTP_ERR_PROFILE (no SSTP, profile exists, missing cert file, bad CA file) or SSTP_ERR_INTERNAL,
 * with a message. */
int sstp_package_import(const struct sstp_package *pkg, const struct sstp_import_opts *opts,
			char *name_out, size_t name_len, char *path_out, size_t path_len,
			char *err, size_t errlen);

/* CLI entry points. src is a file path or URL. Messages for the user (warnings, progress) go to
 * `out`/stderr; errors into err. They return an enum sstp_errkind.
 * show prints any package, also one without SSTP (marked in the text, "sstp": false in JSON),
 * and returns 0; import refuses a gateway without SSTP with SSTP_ERR_PROFILE. */
int sstp_pkg_cmd_show(const char *src, bool json, FILE *out, char *err, size_t errlen);
int sstp_pkg_cmd_import(const char *src, const struct sstp_import_opts *opts, FILE *out,
			char *err, size_t errlen);

/* One local network the caller got from platform/ (interface address with prefix, or route). */
struct sstp_local_net {
	struct sstp_cidr net;
	const char *ifname;   /* may be NULL */
	bool is_route;        /* false: an interface address */
};

/* One overlap found. */
struct sstp_overlap {
	struct sstp_cidr vpn;         /* the package route or pool */
	bool vpn_is_pool;
	const struct sstp_local_net *local; /* points into the caller's array */
};

/* Compare the VPN routes and pools with the local networks (default routes, prefix 0, loopback
 * and IPv6 link-local are ignored). Pass the networks as they are before the tunnel comes up (or
 * without the tunnel's own address, which lies in the pool). Writes up to max overlaps to out
 * (may be NULL when max is 0) and returns
 * how many there are in total. */
size_t sstp_pkg_overlaps(const struct sstp_cidr *routes, size_t n_routes,
			 const struct sstp_cidr *pools, size_t n_pools,
			 const struct sstp_local_net *local, size_t n_local,
			 struct sstp_overlap *out, size_t max);
/* "warning: VNet route 10.0.0.0/16 overlaps 10.0.3.0/24 on eth0 (local address): traffic to it
 * would stay on the local network". 0 or -1 when truncated. */
int sstp_overlap_format(const struct sstp_overlap *o, char *buf, size_t len);
/* Convenience: print one warning line per overlap to `out`; returns how many. */
size_t sstp_pkg_warn_overlaps(const struct sstp_profile *p, const struct sstp_local_net *local,
			      size_t n_local, FILE *out);

#endif
