/* nm_sstp.h - the NetworkManager VPN plugin (nm-sstp-service): the keys of an sstp connection's
 * vpn.data and vpn.secrets, the options read from them, and the child process that runs the
 * session (routes and DNS left to NetworkManager) and reports the tunnel's configuration. */
#ifndef SSTP_NM_SSTP_H
#define SSTP_NM_SSTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <NetworkManager.h>

#include "plat_net.h"

#define NM_SSTP_SERVICE "org.freedesktop.NetworkManager.sstp"

/* vpn.data (lists: separated by spaces, commas or semicolons) */
#define NM_SSTP_KEY_GATEWAY "gateway"       /* host[:port] */
#define NM_SSTP_KEY_CA "ca"                 /* CA files (PEM/DER), list; none: the system's */
#define NM_SSTP_KEY_USER "user"
#define NM_SSTP_KEY_AUTH "auth"             /* auto|mschapv2|pap|eap-mschapv2|eap-tls */
#define NM_SSTP_KEY_CERT "cert"             /* EAP-TLS client certificate (PEM or PKCS#12) */
#define NM_SSTP_KEY_KEY "key"               /* its key when the certificate file has none */
#define NM_SSTP_KEY_ROUTES "routes"         /* CIDR list */
#define NM_SSTP_KEY_DNS "dns"               /* servers that override the ones PPP gives */
#define NM_SSTP_KEY_DNS_SEARCH "dns-search" /* domain list */
#define NM_SSTP_KEY_IPV6 "ipv6"             /* yes: negotiate IPv6CP */
/* vpn.secrets (each with a NAME-flags entry in vpn.data, as NetworkManager keeps them) */
#define NM_SSTP_KEY_PASSWORD "password"
#define NM_SSTP_KEY_CERT_PASS "cert-pass"

#define NM_SSTP_MAX_ROUTES 32
#define NM_SSTP_MAX_DNS 4
#define NM_SSTP_MAX_DOMAINS 8
#define NM_SSTP_MAX_CA 8

struct nm_sstp_opts {
	char name[48];                  /* session name: nm- and the connection's UUID */
	char *server;
	uint16_t port;
	char *ca[NM_SSTP_MAX_CA + 1];   /* NULL-terminated */
	size_t n_ca;
	char *user;
	char *password;
	char *cert;
	char *key;
	char *cert_pass;
	unsigned auth;                  /* PPP_AUTH_* */
	struct plat_prefix routes[NM_SSTP_MAX_ROUTES];
	size_t n_routes;
	struct plat_ip dns[NM_SSTP_MAX_DNS];
	size_t n_dns;
	char *domains[NM_SSTP_MAX_DOMAINS + 1]; /* NULL-terminated */
	size_t n_domains;
	bool ipv6;
};

/* Read the connection's vpn setting into o (all strings copied). FALSE with err on a bad value. */
gboolean nm_sstp_opts_read(NMConnection *conn, struct nm_sstp_opts *o, GError **err);
/* Wipe the secrets and free the strings. */
void nm_sstp_opts_clear(struct nm_sstp_opts *o);
/* The secret the connection still lacks (NULL: none): the password for password methods, the
 * certificate password when its flags say one is wanted. */
const char *nm_sstp_missing_secret(NMSettingVpn *s);

/* In the forked child: run the session from o; when the tunnel is up, write its configuration
 * to report_fd as "KEY VALUE" lines ending with "up". Returns the session's exit code. */
struct nm_sstp_child {
	const struct nm_sstp_opts *o;
	int report_fd;
	int parent; /* nm-sstp-service's pid: the child ends with it (plat_die_with_parent) */
};
int nm_sstp_child_main(void *ctx);

/* What the child reported, collected line by line in the parent. */
struct nm_sstp_report {
	char ifname[32];
	unsigned mtu;
	struct plat_ip local, peer, gw, ip6local, ip6peer;
	bool has_local, has_peer, has_gw, has_ip6;
	struct plat_prefix routes[NM_SSTP_MAX_ROUTES];
	size_t n_routes;
	struct plat_ip dns[NM_SSTP_MAX_DNS];
	size_t n_dns;
	bool up;
};
/* One line of the child's report (without the newline). -1 for a line it does not know or a
 * value that does not parse; the report is then incomplete and the parent fails the connection. */
int nm_sstp_report_line(struct nm_sstp_report *r, const char *line);
/* The a{sv} dictionaries for SetConfig, SetIp4Config (NULL without an IPv4 address) and
 * SetIp6Config (NULL without IPv6); floating references. */
GVariant *nm_sstp_report_config(const struct nm_sstp_report *r);
GVariant *nm_sstp_report_ip4(const struct nm_sstp_report *r, const struct nm_sstp_opts *o);
GVariant *nm_sstp_report_ip6(const struct nm_sstp_report *r, const struct nm_sstp_opts *o);

#endif
