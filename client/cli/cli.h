/* cli.h - command line of `sstp`: the subcommands of DESIGN.md, their options, and the small
 * parsers the CLI shares (SERVER as host[:port], probes as HOST:PORT or icmp:HOST).
 * Parsing only: no I/O except usage text. Secrets are never accepted on argv: options that
 * would carry one are refused with a pointer to --password-file / --password-stdin.
 * The parsed struct points into argv (nothing to free). */
#ifndef SSTP_CLI_H
#define SSTP_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum sstp_cmd {
	SSTP_CMD_NONE = 0,
	SSTP_CMD_HELP,       /* `sstp help [CMD]`, `sstp CMD --help`, `sstp --help` */
	SSTP_CMD_VERSION,
	SSTP_CMD_CONNECT,
	SSTP_CMD_DISCONNECT,
	SSTP_CMD_STATUS,
	SSTP_CMD_RUN,
	SSTP_CMD_CHECK,
	SSTP_CMD_IMPORT,
	SSTP_CMD_PACKAGE_SHOW,
	SSTP_CMD_CERT,
	SSTP_CMD_CLEANUP,
	SSTP_CMD_LIST,       /* profiles: list, show, remove, set, edit (cli_profile.c) */
	SSTP_CMD_SHOW,
	SSTP_CMD_REMOVE,
	SSTP_CMD_SET,
	SSTP_CMD_EDIT,
};

enum sstp_cert_cmd {
	SSTP_CERT_NONE = 0,
	SSTP_CERT_ROOT,
	SSTP_CERT_CLIENT,
	SSTP_CERT_THUMBPRINT,
	SSTP_CERT_CHECK,
};

#define SSTP_CLI_MAX_LIST 64  /* --route, --dns, --ca, --check, --probe entries */
#define SSTP_HOST_MAX 256

struct sstp_probe {
	char host[SSTP_HOST_MAX];
	uint16_t port;  /* 0 for icmp */
	bool icmp;
	const char *spec; /* as written on the command line */
};

/* Options of connect, shared by run and check. NULL / 0 / -1 = not given. */
struct sstp_connect_opts {
	const char *target;             /* NAME or SERVER */
	const char *package;            /* --package ZIP|URL */
	const char *cert, *key;
	const char *cert_password_file;
	const char *ca[SSTP_CLI_MAX_LIST];
	size_t n_ca;
	const char *pin_sha256;
	bool insecure;
	const char *user;
	const char *identity;           /* --identity: EAP identity (else user, else the certificate's) */
	const char *tls_cert;           /* --tls-cert: client certificate for the outer TLS handshake */
	bool password_stdin;
	const char *password_file;
	const char *proxy;
	const char *proxy_user;         /* --proxy-user (else the proxy URL's user) */
	const char *proxy_password_file;
	const char *run_as;             /* --run-as USER: the session unprivileged (cli_privsep.h) */
	const char *sni;
	const char *auth;               /* --auth LIST: mschapv2,pap,eap-tls,eap-mschapv2 */
	const char *routes[SSTP_CLI_MAX_LIST];
	size_t n_routes;
	bool no_routes;
	bool full_tunnel;
	bool kill_switch;
	const char *route_conflict;     /* --route-conflict skip|prefer-tunnel, NULL = the profile's */
	const char *dns[SSTP_CLI_MAX_LIST];
	size_t n_dns;
	const char *dns_domains[SSTP_CLI_MAX_LIST]; /* --dns-domain (replace the profile's) */
	size_t n_dns_domains;
	bool no_dns;
	bool no_ipv6;
	unsigned mtu;                   /* 0 = default */
	int reconnect;                  /* -1 default (on with --background), 0 off, 1 on */
	bool background;
	bool wait;
	unsigned timeout_s;             /* 0 = default */
	struct sstp_probe checks[SSTP_CLI_MAX_LIST]; /* --check (connect) or --probe (check) */
	size_t n_checks;
	const char *name;               /* --name: session name */
	const char *ifname;             /* --interface */
	const char *script;             /* --script: vpnc-script compatible program */
	const char *up, *down;          /* --up / --down: shell commands */
};

struct sstp_cli {
	enum sstp_cmd cmd;
	enum sstp_cmd help_for;         /* SSTP_CMD_HELP: the command asked about (NONE = overview) */
	int verbosity;                  /* -q: -1, default 0, -v 1, -vv 2 */
	bool json;
	bool syslog;                    /* --syslog: log to syslog as well */
	const char *state_dir;          /* --state-dir */
	const char *backup_dir;         /* --backup-dir (resolv.conf copies; survive a reboot) */
	struct sstp_connect_opts conn;  /* connect, run, check */
	/* disconnect / status / cleanup */
	const char *name;
	bool all;
	/* run: the command after "--" (NULL-terminated, points into argv) */
	char **run_argv;
	int run_argc;
	/* check */
	const char *junit;
	/* set: the KEY=VALUE words (point into argv) */
	const char *assign[SSTP_CLI_MAX_LIST];
	size_t n_assign;
	/* import / package show / cert */
	const char *source;             /* PACKAGE|URL, or FILE for cert thumbprint/check */
	const char *import_name;
	bool force;
	enum sstp_cert_cmd cert_cmd;
	const char *cn, *out, *root;
	const char *password_file;      /* cert: PKCS#12 password */
	bool password_stdin;
	unsigned bits, days;
};

/* Parse argv (argv[0] is the program). Returns 0, or SSTP_EXIT_USAGE with one sentence in err
 * ("sstp connect: --mtu needs a number between 576 and 4087, not 'x'"). */
int sstp_cli_parse(int argc, char **argv, struct sstp_cli *cli, char *err, size_t errlen);

/* Usage text: the overview for SSTP_CMD_NONE/HELP, else that command's options. */
void sstp_cli_usage(FILE *out, enum sstp_cmd cmd);
const char *sstp_cmd_name(enum sstp_cmd cmd);

/* SERVER = host | host:port | [v6]:port | bare IPv6 literal. Port 443 when absent.
 * 0, or -1 when empty, too long, or the port is not 1..65535. */
int sstp_parse_server(const char *s, char *host, size_t hostlen, uint16_t *port);
/* HOST:PORT with the port required ([v6]:port for IPv6), or icmp:HOST. 0 or -1. */
int sstp_parse_probe(const char *s, struct sstp_probe *p);
/* (cli_hostport.c) 1 when h[0..n) may be a host name or address literal: 1 to SSTP_HOST_MAX - 1
 * printable bytes without '/', '@', '?', '#', '[' or ']'; else 0. */
int sstp_host_ok(const char *h, size_t n);
/* (cli.c) A decimal number in lo..hi (no sign, nothing after it) into *out: 0, or -1. */
int sstp_cli_parse_uint(const char *s, unsigned long lo, unsigned long hi, unsigned *out);

#endif
