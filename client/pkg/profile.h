/* profile.h - the connection model shared by package import, profile files and `sstp connect`:
 * struct sstp_profile, its small INI-style file format (keys mirror the long options of
 * `sstp connect`), profile directories and names, and the IP/CIDR parsers the CLI reuses.
 * Secrets are never part of a profile: only paths or keystore URIs. */
#ifndef SSTP_PROFILE_H
#define SSTP_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sstp_err.h" /* enum sstp_errkind, what failing functions return */
#include "names.h" /* SSTP_PROFILE_NAME_MAX, sstp_profile_name_valid, sstp_ifname_valid */

/* Address families, independent of the OS's AF_* values (the platform layer maps them). */
enum sstp_af {
	SSTP_AF_NONE = 0,
	SSTP_AF_INET4 = 4,
	SSTP_AF_INET6 = 6,
};

/* One IPv4 or IPv6 address in network byte order (IPv4 uses addr[0..3]). */
struct sstp_ip {
	enum sstp_af family;
	uint8_t addr[16];
};

/* A prefix: address plus prefix length (0..32 or 0..128). The host bits are cleared by
 * sstp_cidr_parse, so 10.1.2.3/16 reads as 10.1.0.0/16. */
struct sstp_cidr {
	struct sstp_ip ip;
	unsigned prefix;
};

/* Buffer sizes for the formatters below (with the NUL). */
#define SSTP_IP_STRLEN 46
#define SSTP_CIDR_STRLEN 50

/* "10.0.0.0/16", "fd00::/8"; a bare address means a host route (/32 or /128). 0 or -1. */
int sstp_cidr_parse(const char *s, struct sstp_cidr *out);
/* Dotted IPv4 or RFC 4291 IPv6 text (no zone, no brackets). 0 or -1. */
int sstp_ip_parse(const char *s, struct sstp_ip *out);
/* Formatters: 0, or -1 when the buffer is too small or the family is unknown. */
int sstp_ip_format(const struct sstp_ip *ip, char *buf, size_t len);
int sstp_cidr_format(const struct sstp_cidr *c, char *buf, size_t len);
/* True when the two prefixes share at least one address. */
bool sstp_cidr_overlap(const struct sstp_cidr *a, const struct sstp_cidr *b);
/* Netmask (255.255.0.0) to prefix length; -1 when not a contiguous IPv4 mask. */
int sstp_ipv4_mask_prefix(const struct sstp_ip *mask);

/* A growable list of owned strings. */
struct sstp_strlist {
	char **v;
	size_t n;
};
/* Append a copy of s. 0 or -1 (out of memory). */
int sstp_strlist_add(struct sstp_strlist *l, const char *s);
void sstp_strlist_free(struct sstp_strlist *l);
/* Replace p->dns_domains with the n names in v (n == 0: leave them as they are). 0 or -1. */
struct sstp_profile;
int sstp_profile_set_domains(struct sstp_profile *p, const char *const *v, size_t n);

/* Hard limits of the profile format. */
#define SSTP_PROFILE_MAX_FILE (64u * 1024u)  /* bytes per profile file */
#define SSTP_PROFILE_MAX_LINE 4096u          /* bytes per line, newline excluded */
#define SSTP_PROFILE_MAX_KEYS 512u           /* key = value lines per file */
#define SSTP_PROFILE_MAX_LIST 256u           /* entries of one repeatable key */
#define SSTP_PROFILE_FILE "profile.conf"     /* file name inside a profile's directory */
/* Ranges shared by the profile keys and their `sstp connect` twins. */
#define SSTP_MTU_MIN 576u
#define SSTP_MTU_MAX 4087u      /* the largest PPP frame an SSTP data packet carries */
#define SSTP_TIMEOUT_MAX 86400u /* seconds */
#define SSTP_HOOK_MAX 1024u     /* bytes of an up/down command */

/* The connection. Every pointer is owned by the struct and freed by sstp_profile_free;
 * NULL means "not set" (the connect code applies its defaults). */
struct sstp_profile {
	char *name;                 /* profile name (safe charset, see sstp_profile_name_valid) */
	char *server;               /* gateway host name or address literal, without port */
	uint16_t port;              /* 443 unless set */
	char *sni;                  /* TLS SNI / name to verify, when it differs from server */
	struct sstp_strlist ca;     /* CA certificate files (absolute paths after load) */
	char *pin_sha256;           /* server key pin as the user wrote it ("sha256:<b64>" / hex) */
	struct sstp_cidr *routes;   /* split-tunnel routes (VNet address space) */
	size_t n_routes;
	struct sstp_cidr *pools;    /* client address pool(s) the gateway assigns from; Windows
				     * routes them through the tunnel too (other P2S clients) */
	size_t n_pools;
	struct sstp_ip *dns;        /* DNS servers (used when IPCP gives none) */
	size_t n_dns;
	struct sstp_strlist dns_domains; /* search / routing domains */
	char *cert;                 /* client certificate: file path or keystore URI (pkcs11:...) */
	char *key;                  /* private key file path or URI, when not inside cert */
	char *cert_password_file;   /* path of a file holding the PKCS#12 password (never the password) */
	char *user;                 /* user name for MS-CHAPv2/PAP */
	char *identity;             /* EAP identity; NULL = user, else the certificate's UPN/e-mail/CN */
	char *tls_cert;             /* outer-TLS client certificate (file or keystore URI; the
				     * password/PIN is cert-password-file's); may equal cert */
	char *password_file;        /* path of a file holding that user's password (first line);
				     * through the helper: owned by root or the requesting user,
				     * no group/other access */
	char *auth;                 /* allowed methods, comma list: eap-tls,eap-mschapv2,mschapv2,pap */
	char *proxy;                /* HTTP proxy URL (without credentials) */
	char *proxy_user;           /* proxy user name (the password: proxy_password_file) */
	char *proxy_password_file;  /* path of a file holding the proxy password */
	unsigned mtu;               /* 0 = default */
	bool no_routes;             /* install no routes at all */
	bool no_dns;                /* leave DNS alone */
	bool full_tunnel;           /* default route through the tunnel */
	bool kill_switch;           /* full tunnel: nothing leaves outside it (kill-switch) */
	char *route_conflict;       /* "skip" or "prefer-tunnel" (the default when NULL) */
	bool reconnect;             /* reconnect after a drop (default true) */
	bool no_ipv6;               /* do not negotiate IPv6CP */
	char *ifname;               /* interface name (--interface) */
	unsigned timeout;           /* seconds until the tunnel is up; 0 = default */
	char *script;               /* vpnc-script compatible program (--script): it, not sstp, sets
				     * addresses, routes and DNS */
	char *up;                   /* shell command after the tunnel is up */
	char *down;                 /* shell command before it goes down */
	char *vnet_name;            /* Azure VNet name / id, informational */
	char *vnet_id;
	char *dir;                  /* directory the profile was loaded from / saved to, or NULL */
};

/* Zero everything, port 443, reconnect on. Never fails. */
void sstp_profile_init(struct sstp_profile *p);
/* Free everything the profile owns and re-init it. Safe on an initialised profile. */
void sstp_profile_free(struct sstp_profile *p);

/* Append helpers (copies). 0, or -1 when the list is full (SSTP_PROFILE_MAX_LIST) or out of
 * memory. */
int sstp_profile_add_route(struct sstp_profile *p, const struct sstp_cidr *c);
int sstp_profile_add_pool(struct sstp_profile *p, const struct sstp_cidr *c);
int sstp_profile_add_dns(struct sstp_profile *p, const struct sstp_ip *ip);

/* The scheme length of a keystore URI ("pkcs11:", "certstore:", "keychain:"...): two or more
 * letters, digits, '+', '-', '.' after a leading letter, then ':' (so "C:\\x" is a path); else 0. */
size_t sstp_profile_keystore_scheme(const char *v);

/* Parse profile text. basedir (may be NULL) resolves relative ca/cert/key paths. Errors name
 * the line: "line 7: unknown key 'rout'". Returns 0 or SSTP_ERR_PROFILE; p must be initialised
 * and is left holding what was parsed so far on error (free it either way). */
int sstp_profile_parse(struct sstp_profile *p, const char *text, size_t len, const char *basedir,
		       char *err, size_t errlen);
/* Like sstp_profile_parse; each accepted `key = value` is also reported to cb (when not NULL)
 * with its line number, before the next line is read (`sstp show` names where a value came
 * from). */
typedef void (*sstp_profile_key_cb)(void *ctx, const char *key, const char *value, unsigned line);
int sstp_profile_parse_cb(struct sstp_profile *p, const char *text, size_t len,
			  const char *basedir, sstp_profile_key_cb cb, void *ctx, char *err,
			  size_t errlen);

/* What the profile format knows about each key (the table `sstp show`, `sstp set`, the man page
 * and the completions follow). */
struct sstp_profile_key_info {
	const char *key;      /* "mtu" */
	const char *range;    /* "576-4087", "true|false", "path", ... */
	const char *deflt;    /* the value in effect when the key is absent ("" = unset) */
	const char *option;   /* the `sstp connect` twin ("--mtu"), or NULL */
	bool list;            /* may be given more than once */
	bool path;            /* a file path (relative: to the profile's directory) */
	bool secret;          /* refused: secrets are never stored */
};
size_t sstp_profile_key_count(void);
/* The i-th key (0 <= i < count), or NULL. */
const struct sstp_profile_key_info *sstp_profile_key_at(size_t i);
/* The key of that name, or NULL. */
const struct sstp_profile_key_info *sstp_profile_key_find(const char *key);

/* `sstp set`: apply "KEY=VALUE" assignments to profile text. The lines of each assigned key are
 * replaced by its new values at the place of its first line (or appended), other lines are kept,
 * an empty VALUE removes the key. The result must parse and name a server, else nothing is
 * returned and err names the key (and the line of the result). *out is malloc'ed (caller frees).
 * 0 or SSTP_ERR_PROFILE. */
int sstp_profile_text_set(const char *text, size_t len, const char *const *assign, size_t n,
			  const char *basedir, char **out, size_t *outlen, char *err,
			  size_t errlen);
/* Parse text as a profile that must name a server. 0 or SSTP_ERR_PROFILE with err. */
int sstp_profile_validate_text(const char *text, size_t len, const char *basedir, char *err,
			       size_t errlen);

/* Render a profile as text; *out is malloc'ed, the caller frees it. 0 or SSTP_ERR_INTERNAL. */
int sstp_profile_format(const struct sstp_profile *p, char **out, size_t *outlen);

/* Where profiles live. user: $XDG_CONFIG_HOME/sstp or $HOME/.config/sstp; system: /etc/sstp.
 * The caller says whether it runs as root (platform layer); NULL user dir when HOME is unset. */
struct sstp_profile_dirs {
	char *user;    /* owned; NULL when root or unknown */
	char *system;  /* owned */
};
/* Fill dirs from the environment. as_root: only the system dir is used. $SSTP_SYSTEM_DIR, when
 * set to an absolute path, replaces /etc/sstp (tests). 0 or SSTP_ERR_INTERNAL. */
int sstp_profile_dirs_default(struct sstp_profile_dirs *d, bool as_root);
void sstp_profile_dirs_free(struct sstp_profile_dirs *d);
/* The directory new profiles go to: system when root, else user. Not owned by the caller. */
const char *sstp_profile_dirs_write(const struct sstp_profile_dirs *d);

/* Load by name (user dir first, then system dir) or by path: a string with a '/' is a path to a
 * profile file or to a profile directory holding SSTP_PROFILE_FILE. Fills p->dir and p->name
 * (from the directory name when the file has no name key). Returns 0, SSTP_ERR_PROFILE (bad or
 * missing profile: err says which and why) or SSTP_ERR_INTERNAL. */
int sstp_profile_load(struct sstp_profile *p, const char *name_or_path,
		      const struct sstp_profile_dirs *dirs, char *err, size_t errlen);

/* Write <base>/<p->name>/profile.conf (mode 0644, directory 0755; base created if missing).
 * overwrite false: fail if the profile exists. The file is written to a temp file and renamed.
 * Sets p->dir. 0, SSTP_ERR_PROFILE (bad name / exists) or SSTP_ERR_INTERNAL (I/O). */
int sstp_profile_save(struct sstp_profile *p, const char *base, bool overwrite,
		      char *err, size_t errlen);

/* For importers: create <base>/<name>/ (and base) as real directories (never through a symlink)
 * and write the directory path to dir. Fails with SSTP_ERR_PROFILE when <base>/<name>/profile.conf
 * exists and overwrite is false. 0, SSTP_ERR_PROFILE or SSTP_ERR_INTERNAL. */
int sstp_profile_prepare_dir(const char *base, const char *name, bool overwrite, char *dir,
			     size_t dirlen, char *err, size_t errlen);
/* Write data to dir/fname through a temp file + rename (mode 0644). fname must be a plain file
 * name (no '/'). 0 or SSTP_ERR_INTERNAL. */
int sstp_profile_write_file(const char *dir, const char *fname, const void *data, size_t len,
			    char *err, size_t errlen);
/* Read a whole file of at most max bytes into a malloc'ed, NUL-terminated buffer (caller frees).
 * 0, SSTP_ERR_PROFILE (missing, not a regular file, too large) or SSTP_ERR_INTERNAL. */
int sstp_read_file_capped(const char *path, size_t max, unsigned char **buf, size_t *len,
			  char *err, size_t errlen);

/* Names of the profiles under the given dirs (user first, duplicates dropped), sorted. *names is a
 * list the caller frees with sstp_strlist_free. Missing directories are not errors. 0 or -1. */
int sstp_profile_list(const struct sstp_profile_dirs *dirs, struct sstp_strlist *names);

#endif
