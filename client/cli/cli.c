/* cli.c - argument parsing for every subcommand of `sstp` (see cli.h): one option table with the
 * commands each option belongs to, GNU-style long options (--opt value, --opt=value), bundled
 * short flags (-vv), "--" as the end of options, and range checks with one-sentence errors. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>

#include "exit_codes.h"
#include "plat_paths.h"
#include "profile.h"
#include "route_set.h"
#include "sstp_proxy.h"

enum opt_id {
	O_HELP = 1, O_VERSION, O_VERBOSE, O_QUIET, O_JSON, O_STATE_DIR, O_BACKUP_DIR, O_SYSLOG,
	O_PACKAGE, O_CERT, O_KEY, O_CERT_PW_FILE, O_CA, O_PIN, O_INSECURE, O_USER, O_PW_STDIN,
	O_PW_FILE, O_PROXY, O_PROXY_USER, O_PROXY_PW_FILE, O_SNI, O_AUTH, O_ROUTE, O_NO_ROUTES,
	O_FULL_TUNNEL, O_KILL_SWITCH, O_DNS, O_DNS_DOMAIN, O_NO_DNS, O_ROUTE_CONFLICT, O_IDENTITY, O_TLS_CERT,
	O_NO_IPV6, O_MTU, O_RECONNECT, O_NO_RECONNECT, O_BACKGROUND, O_WAIT, O_TIMEOUT, O_CHECK,
	O_NAME, O_IFNAME, O_SCRIPT, O_UP, O_DOWN, O_ALL, O_PROBE, O_JUNIT, O_FORCE, O_CN, O_OUT, O_ROOT, O_BITS, O_DAYS,
	O_RUN_AS,
};

#define C(x) (1u << SSTP_CMD_##x)
#define ANY 0xffffffffu
#define CONN (C(CONNECT) | C(RUN) | C(CHECK))

struct opt {
	const char *lng;
	char shrt;
	int has_arg;
	enum opt_id id;
	unsigned cmds; /* commands that accept it */
};

static const struct opt opts[] = {
	{ "help", 'h', 0, O_HELP, ANY },
	{ "version", 'V', 0, O_VERSION, C(NONE) },
	{ "verbose", 'v', 0, O_VERBOSE, ANY },
	{ "quiet", 'q', 0, O_QUIET, ANY },
	{ "syslog", 0, 0, O_SYSLOG, ANY },
	{ "state-dir", 0, 1, O_STATE_DIR, ANY },
	{ "backup-dir", 0, 1, O_BACKUP_DIR, ANY },
	{ "json", 0, 0, O_JSON, C(CONNECT) | C(STATUS) | C(CHECK) | C(PACKAGE_SHOW) | C(LIST) |
	  C(SHOW) },
	{ "package", 0, 1, O_PACKAGE, CONN },
	{ "cert", 0, 1, O_CERT, CONN | C(IMPORT) },
	{ "key", 0, 1, O_KEY, CONN | C(IMPORT) },
	{ "cert-password-file", 0, 1, O_CERT_PW_FILE, CONN },
	{ "ca", 0, 1, O_CA, CONN | C(IMPORT) },
	{ "pin-sha256", 0, 1, O_PIN, CONN },
	{ "insecure", 0, 0, O_INSECURE, CONN },
	{ "user", 'u', 1, O_USER, CONN | C(IMPORT) },
	{ "identity", 0, 1, O_IDENTITY, CONN },
	{ "tls-cert", 0, 1, O_TLS_CERT, CONN },
	{ "password-stdin", 0, 0, O_PW_STDIN, CONN | C(CERT) },
	{ "password-file", 0, 1, O_PW_FILE, CONN | C(CERT) },
	{ "proxy", 0, 1, O_PROXY, CONN },
	{ "run-as", 0, 1, O_RUN_AS, C(CONNECT) },
	{ "proxy-user", 0, 1, O_PROXY_USER, CONN },
	{ "proxy-password-file", 0, 1, O_PROXY_PW_FILE, CONN },
	{ "sni", 0, 1, O_SNI, CONN },
	{ "auth", 0, 1, O_AUTH, CONN },
	{ "route", 0, 1, O_ROUTE, CONN },
	{ "no-routes", 0, 0, O_NO_ROUTES, CONN },
	{ "full-tunnel", 0, 0, O_FULL_TUNNEL, CONN },
	{ "kill-switch", 0, 0, O_KILL_SWITCH, CONN },
	{ "route-conflict", 0, 1, O_ROUTE_CONFLICT, CONN },
	{ "dns", 0, 1, O_DNS, CONN },
	{ "dns-domain", 0, 1, O_DNS_DOMAIN, CONN | C(IMPORT) },
	{ "no-dns", 0, 0, O_NO_DNS, CONN },
	{ "no-ipv6", 0, 0, O_NO_IPV6, CONN },
	{ "mtu", 0, 1, O_MTU, CONN },
	{ "reconnect", 0, 0, O_RECONNECT, CONN },
	{ "no-reconnect", 0, 0, O_NO_RECONNECT, CONN },
	{ "background", 'b', 0, O_BACKGROUND, C(CONNECT) },
	{ "wait", 0, 0, O_WAIT, CONN },
	{ "timeout", 't', 1, O_TIMEOUT, CONN | C(DISCONNECT) },
	{ "check", 0, 1, O_CHECK, C(CONNECT) },
	{ "name", 'n', 1, O_NAME, CONN | C(IMPORT) },
	{ "interface", 'i', 1, O_IFNAME, CONN },
	{ "script", 's', 1, O_SCRIPT, CONN },
	{ "up", 0, 1, O_UP, CONN },
	{ "down", 0, 1, O_DOWN, CONN },
	{ "all", 'a', 0, O_ALL, C(DISCONNECT) },
	{ "probe", 0, 1, O_PROBE, C(CHECK) },
	{ "junit", 0, 1, O_JUNIT, C(CHECK) },
	{ "force", 'f', 0, O_FORCE, C(IMPORT) },
	{ "cn", 0, 1, O_CN, C(CERT) },
	{ "out", 'o', 1, O_OUT, C(CERT) },
	{ "root", 0, 1, O_ROOT, C(CERT) },
	{ "bits", 0, 1, O_BITS, C(CERT) },
	{ "days", 0, 1, O_DAYS, C(CERT) },
};

/* Options that would put a secret on argv (visible in /proc/PID/cmdline to every user). */
static const char *const secret_opts[] = {
	"password", "pass", "passwd", "secret", "cert-password", "key-password", "p12-password",
	"pkcs12-password", "proxy-password", "pin",
};

static const struct {
	const char *word;
	enum sstp_cmd cmd;
} commands[] = {
	{ "connect", SSTP_CMD_CONNECT },   { "disconnect", SSTP_CMD_DISCONNECT },
	{ "status", SSTP_CMD_STATUS },     { "run", SSTP_CMD_RUN },
	{ "check", SSTP_CMD_CHECK },       { "import", SSTP_CMD_IMPORT },
	{ "package", SSTP_CMD_PACKAGE_SHOW }, { "cert", SSTP_CMD_CERT },
	{ "cleanup", SSTP_CMD_CLEANUP },   { "help", SSTP_CMD_HELP },
	{ "version", SSTP_CMD_VERSION },   { "list", SSTP_CMD_LIST },
	{ "show", SSTP_CMD_SHOW },         { "remove", SSTP_CMD_REMOVE },
	{ "set", SSTP_CMD_SET },           { "edit", SSTP_CMD_EDIT },
};

const char *sstp_cmd_name(enum sstp_cmd cmd)
{
	if (cmd == SSTP_CMD_PACKAGE_SHOW)
		return "package show";
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (commands[i].cmd == cmd)
			return commands[i].word;
	return "";
}

static int fail(char *err, size_t errlen, enum sstp_cmd cmd, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, enum sstp_cmd cmd, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || errlen == 0)
		return SSTP_EXIT_USAGE;
	n = snprintf(err, errlen, "sstp%s%s: ", cmd > SSTP_CMD_VERSION ? " " : "",
		     cmd > SSTP_CMD_VERSION ? sstp_cmd_name(cmd) : "");
	if (n < 0 || (size_t)n >= errlen)
		return SSTP_EXIT_USAGE;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return SSTP_EXIT_USAGE;
}

int sstp_cli_parse_uint(const char *s, unsigned long lo, unsigned long hi, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static const struct opt *find_long(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (strlen(opts[i].lng) == n && strncmp(opts[i].lng, name, n) == 0)
			return &opts[i];
	return NULL;
}

static const struct opt *find_short(char c)
{
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (opts[i].shrt && opts[i].shrt == c)
			return &opts[i];
	return NULL;
}

static int is_secret_opt(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof(secret_opts) / sizeof(secret_opts[0]); i++)
		if (strlen(secret_opts[i]) == n && strncmp(secret_opts[i], name, n) == 0)
			return 1;
	return 0;
}

static int add_list(const char **list, size_t *n, const char *v)
{
	if (*n >= SSTP_CLI_MAX_LIST)
		return -1;
	list[(*n)++] = v;
	return 0;
}

/* --script PROG, --up CMD, --down CMD. */
static int apply_hook(struct sstp_connect_opts *c, const struct opt *o, const char *arg,
		      enum sstp_cmd cmd, char *err, size_t errlen)
{
	if (!*arg || strlen(arg) > SSTP_HOOK_MAX)
		return fail(err, errlen, cmd, "--%s needs a %s of 1 to %u bytes", o->lng,
			    o->id == O_SCRIPT ? "program path" : "command", SSTP_HOOK_MAX);
	*(o->id == O_SCRIPT ? &c->script : o->id == O_UP ? &c->up : &c->down) = arg;
	return 0;
}

/* A DNS domain: 1-253 bytes of letters, digits, '-' and '.', no empty label. */
static bool domain_ok(const char *d)
{
	size_t n = strlen(d);

	if (n == 0 || n > 253 || d[0] == '.' || d[0] == '-' || strstr(d, ".."))
		return false;
	for (const char *p = d; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.')
			return false;
	return true;
}

/* The option groups of apply(): each applies an option of its group (0 or SSTP_EXIT_USAGE)
 * and answers NOT_MINE for any other. */
#define NOT_MINE (-1)

/* --help, --version, -v/-q, --syslog, --state-dir, --json. */
static int apply_general(struct sstp_cli *cli, const struct opt *o, const char *arg,
			 char *err, size_t errlen)
{
	enum sstp_cmd cmd = cli->cmd;

	switch (o->id) {
	case O_HELP:
		cli->help_for = cmd;
		cli->cmd = SSTP_CMD_HELP;
		break;
	case O_VERSION: cli->cmd = SSTP_CMD_VERSION; break;
	case O_VERBOSE:
		if (cli->verbosity < 0)
			cli->verbosity = 0;
		if (cli->verbosity < 3)
			cli->verbosity++;
		break;
	case O_QUIET: cli->verbosity = -1; break;
	case O_SYSLOG: cli->syslog = true; break;
	case O_STATE_DIR:
		if (!plat_path_is_absolute(arg))
			return fail(err, errlen, cmd, "--state-dir needs an absolute path, not '%s'", arg);
		cli->state_dir = arg;
		break;
	case O_BACKUP_DIR:
		if (!plat_path_is_absolute(arg))
			return fail(err, errlen, cmd, "--backup-dir needs an absolute path, not '%s'", arg);
		cli->backup_dir = arg;
		break;
	case O_JSON: cli->json = true; break;
	default:
		return NOT_MINE;
	}
	return 0;
}

/* What the server and the client authenticate with. */
static int apply_auth(struct sstp_cli *cli, const struct opt *o, const char *arg,
		      char *err, size_t errlen)
{
	struct sstp_connect_opts *c = &cli->conn;
	enum sstp_cmd cmd = cli->cmd;

	switch (o->id) {
	case O_PACKAGE: c->package = arg; break;
	case O_CERT: c->cert = arg; break;
	case O_KEY: c->key = arg; break;
	case O_CERT_PW_FILE: c->cert_password_file = arg; break;
	case O_CA:
		if (add_list(c->ca, &c->n_ca, arg) < 0)
			return fail(err, errlen, cmd, "too many --ca options (at most %d)", SSTP_CLI_MAX_LIST);
		break;
	case O_PIN: c->pin_sha256 = arg; break;
	case O_INSECURE: c->insecure = true; break;
	case O_USER:
		if (!*arg || strlen(arg) > 255)
			return fail(err, errlen, cmd, "--user needs a name of 1 to 255 bytes");
		c->user = arg;
		break;
	case O_TLS_CERT: c->tls_cert = arg; break;
	case O_IDENTITY:
		if (!*arg || strlen(arg) > 255)
			return fail(err, errlen, cmd, "--identity needs a name of 1 to 255 bytes");
		c->identity = arg;
		break;
	case O_PW_STDIN:
		c->password_stdin = true;
		cli->password_stdin = true;
		break;
	case O_PW_FILE:
		c->password_file = arg;
		cli->password_file = arg;
		break;
	case O_AUTH: c->auth = arg; break;
	default:
		return NOT_MINE;
	}
	return 0;
}

/* The way to the server: --proxy, --proxy-user, --proxy-password-file, --sni. */
static int apply_proxy(struct sstp_cli *cli, const struct opt *o, const char *arg,
		       char *err, size_t errlen)
{
	struct sstp_connect_opts *c = &cli->conn;
	enum sstp_cmd cmd = cli->cmd;

	switch (o->id) {
	case O_PROXY: {
		struct sstp_proxy_url u;
		int r = sstp_proxy_url_parse(arg, &u);

		if (r == SSTP_PROXY_URL_PASSWORD)
			return fail(err, errlen, cmd, "--proxy must not contain a password (it would be "
				    "visible in the process list): use --proxy-password-file FILE");
		if (r != SSTP_PROXY_URL_OK)
			return fail(err, errlen, cmd, "--proxy needs an http://[USER@]HOST[:PORT] URL, "
				    "not '%s'", arg);
		c->proxy = arg;
		break;
	}
	case O_PROXY_USER:
		if (!*arg || strlen(arg) >= SSTP_PROXY_USER_MAX || strchr(arg, ':'))
			return fail(err, errlen, cmd, "--proxy-user needs a name of 1 to %d bytes "
				    "without ':'", SSTP_PROXY_USER_MAX - 1);
		c->proxy_user = arg;
		break;
	case O_PROXY_PW_FILE: c->proxy_password_file = arg; break;
	case O_RUN_AS: c->run_as = arg; break;
	case O_SNI:
		if (!sstp_host_ok(arg, strlen(arg)))
			return fail(err, errlen, cmd, "--sni needs a host name, not '%s'", arg);
		c->sni = arg;
		break;
	default:
		return NOT_MINE;
	}
	return 0;
}

/* The tunnel's network: routes, DNS, IPv6, MTU, interface name. */
static int apply_net(struct sstp_cli *cli, const struct opt *o, const char *arg,
		     char *err, size_t errlen)
{
	struct sstp_connect_opts *c = &cli->conn;
	enum sstp_cmd cmd = cli->cmd;
	unsigned v;

	switch (o->id) {
	case O_ROUTE: {
		struct sstp_cidr cidr;

		if (sstp_cidr_parse(arg, &cidr) < 0)
			return fail(err, errlen, cmd, "--route needs a CIDR prefix such as 10.0.0.0/16, not '%s'", arg);
		if (add_list(c->routes, &c->n_routes, arg) < 0)
			return fail(err, errlen, cmd, "too many --route options (at most %d)", SSTP_CLI_MAX_LIST);
		break;
	}
	case O_NO_ROUTES: c->no_routes = true; break;
	case O_FULL_TUNNEL: c->full_tunnel = true; break;
	case O_KILL_SWITCH: c->kill_switch = true; break;
	case O_ROUTE_CONFLICT:
		if (route_conflict_parse(arg) < 0)
			return fail(err, errlen, cmd, "--route-conflict is skip or prefer-tunnel, not '%s'",
				    arg);
		c->route_conflict = arg;
		break;
	case O_DNS: {
		struct sstp_ip ip;

		if (sstp_ip_parse(arg, &ip) < 0)
			return fail(err, errlen, cmd, "--dns needs an IP address, not '%s'", arg);
		if (add_list(c->dns, &c->n_dns, arg) < 0)
			return fail(err, errlen, cmd, "too many --dns options (at most %d)", SSTP_CLI_MAX_LIST);
		break;
	}
	case O_DNS_DOMAIN:
		if (!domain_ok(arg))
			return fail(err, errlen, cmd, "--dns-domain needs a domain name such as "
				    "corp.example, not '%s'", arg);
		if (add_list(c->dns_domains, &c->n_dns_domains, arg) < 0)
			return fail(err, errlen, cmd, "too many --dns-domain options (at most %d)",
				    SSTP_CLI_MAX_LIST);
		break;
	case O_NO_DNS: c->no_dns = true; break;
	case O_NO_IPV6: c->no_ipv6 = true; break;
	case O_MTU:
		if (sstp_cli_parse_uint(arg, SSTP_MTU_MIN, SSTP_MTU_MAX, &v) < 0)
			return fail(err, errlen, cmd, "--mtu needs a number between %u and %u, not '%s'",
				    SSTP_MTU_MIN, SSTP_MTU_MAX, arg);
		c->mtu = v;
		break;
	case O_IFNAME:
		if (!sstp_ifname_valid(arg))
			return fail(err, errlen, cmd, "--interface needs a device name of 1 to 15 "
				    "characters (letters, digits, '-', '_', '.')");
		c->ifname = arg;
		break;
	default:
		return NOT_MINE;
	}
	return 0;
}

/* The session's life: reconnect, background, wait, timeout, checks, name, hooks. */
static int apply_session(struct sstp_cli *cli, const struct opt *o, const char *arg,
			 char *err, size_t errlen)
{
	struct sstp_connect_opts *c = &cli->conn;
	enum sstp_cmd cmd = cli->cmd;
	unsigned v;

	switch (o->id) {
	case O_RECONNECT: c->reconnect = 1; break;
	case O_NO_RECONNECT: c->reconnect = 0; break;
	case O_BACKGROUND: c->background = true; break;
	case O_WAIT: c->wait = true; break;
	case O_TIMEOUT:
		if (sstp_cli_parse_uint(arg, 1, SSTP_TIMEOUT_MAX, &v) < 0)
			return fail(err, errlen, cmd, "--timeout needs seconds between 1 and 86400, not '%s'", arg);
		c->timeout_s = v;
		break;
	case O_CHECK:
	case O_PROBE:
		if (c->n_checks >= SSTP_CLI_MAX_LIST)
			return fail(err, errlen, cmd, "too many --%s options (at most %d)", o->lng, SSTP_CLI_MAX_LIST);
		if (sstp_parse_probe(arg, &c->checks[c->n_checks]) < 0)
			return fail(err, errlen, cmd, "--%s needs HOST:PORT%s, not '%s'", o->lng,
				    o->id == O_PROBE ? " or icmp:HOST" : "", arg);
		if (o->id == O_CHECK && c->checks[c->n_checks].icmp)
			return fail(err, errlen, cmd, "--check takes HOST:PORT (use sstp check --probe icmp:HOST for ping)");
		c->n_checks++;
		break;
	case O_NAME:
		if (!sstp_profile_name_valid(arg))
			return fail(err, errlen, cmd, "--name needs letters, digits, '-', '_', '.' or '@' (at most 64), not '%s'", arg);
		if (cmd == SSTP_CMD_IMPORT)
			cli->import_name = arg;
		else
			c->name = arg;
		break;
	case O_SCRIPT:
	case O_UP:
	case O_DOWN:
		return apply_hook(c, o, arg, cmd, err, errlen);
	default:
		return NOT_MINE;
	}
	return 0;
}

/* The other commands' options: disconnect --all, check --junit, cleanup --force, cert. */
static int apply_tools(struct sstp_cli *cli, const struct opt *o, const char *arg,
		       char *err, size_t errlen)
{
	enum sstp_cmd cmd = cli->cmd;
	unsigned v;

	switch (o->id) {
	case O_ALL: cli->all = true; break;
	case O_JUNIT: cli->junit = arg; break;
	case O_FORCE: cli->force = true; break;
	case O_CN:
		if (!*arg || strlen(arg) > 64)
			return fail(err, errlen, cmd, "--cn needs a name of 1 to 64 characters");
		cli->cn = arg;
		break;
	case O_OUT: cli->out = arg; break;
	case O_ROOT: cli->root = arg; break;
	case O_BITS:
		if (sstp_cli_parse_uint(arg, 2048, 8192, &v) < 0)
			return fail(err, errlen, cmd, "--bits needs 2048 to 8192, not '%s'", arg);
		cli->bits = v;
		break;
	case O_DAYS:
		if (sstp_cli_parse_uint(arg, 1, 36500, &v) < 0)
			return fail(err, errlen, cmd, "--days needs 1 to 36500, not '%s'", arg);
		cli->days = v;
		break;
	default:
		return NOT_MINE;
	}
	return 0;
}

/* Apply one option. Returns 0 or SSTP_EXIT_USAGE. */
static int apply(struct sstp_cli *cli, const struct opt *o, const char *arg, char *err,
		 size_t errlen)
{
	static int (*const groups[])(struct sstp_cli *, const struct opt *, const char *, char *,
				     size_t) = {
		apply_general, apply_auth, apply_proxy, apply_net, apply_session, apply_tools,
	};

	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		int r = groups[i](cli, o, arg, err, errlen);

		if (r != NOT_MINE)
			return r;
	}
	return 0;
}

static enum sstp_cmd find_cmd(const char *w)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].word, w) == 0)
			return commands[i].cmd;
	return SSTP_CMD_NONE;
}

static const struct {
	const char *word;
	enum sstp_cert_cmd cmd;
} cert_cmds[] = {
	{ "root", SSTP_CERT_ROOT },
	{ "client", SSTP_CERT_CLIENT },
	{ "thumbprint", SSTP_CERT_THUMBPRINT },
	{ "check", SSTP_CERT_CHECK },
};

/* A positional word. Returns 0 or SSTP_EXIT_USAGE. `pos` counts positionals of the command. */
static int positional(struct sstp_cli *cli, const char *w, int *pos, char *err, size_t errlen)
{
	enum sstp_cmd cmd = cli->cmd;
	int n = (*pos)++;

	switch (cmd) {
	case SSTP_CMD_NONE:
		cli->cmd = find_cmd(w);
		if (cli->cmd == SSTP_CMD_NONE)
			return fail(err, errlen, cmd, "unknown command '%s' (try 'sstp --help')", w);
		*pos = 0;
		return 0;
	case SSTP_CMD_HELP:
		if (n == 0) {
			cli->help_for = find_cmd(w);
			if (cli->help_for == SSTP_CMD_NONE)
				return fail(err, errlen, cmd, "no help for unknown command '%s'", w);
			return 0;
		}
		break;
	case SSTP_CMD_CONNECT:
	case SSTP_CMD_RUN:
	case SSTP_CMD_CHECK:
		if (n == 0) {
			cli->conn.target = w;
			return 0;
		}
		break;
	case SSTP_CMD_DISCONNECT:
	case SSTP_CMD_STATUS:
	case SSTP_CMD_CLEANUP:
		if (n == 0) {
			cli->name = w;
			return 0;
		}
		break;
	case SSTP_CMD_IMPORT:
		if (n == 0) {
			cli->source = w;
			return 0;
		}
		break;
	case SSTP_CMD_SHOW:
	case SSTP_CMD_REMOVE:
	case SSTP_CMD_EDIT:
	case SSTP_CMD_SET:
		if (n == 0) {
			cli->name = w;
			return 0;
		}
		if (cmd == SSTP_CMD_SET && cli->n_assign < SSTP_CLI_MAX_LIST) {
			if (!strchr(w, '=') || w[0] == '=')
				return fail(err, errlen, cmd, "'%s' is not KEY=VALUE", w);
			cli->assign[cli->n_assign++] = w;
			return 0;
		}
		break;
	case SSTP_CMD_PACKAGE_SHOW:
		if (n == 0) {
			if (strcmp(w, "show") != 0)
				return fail(err, errlen, cmd, "unknown command 'package %s' (only 'package show')", w);
			return 0;
		}
		if (n == 1) {
			cli->source = w;
			return 0;
		}
		break;
	case SSTP_CMD_CERT:
		if (n == 0) {
			for (size_t i = 0; i < sizeof(cert_cmds) / sizeof(cert_cmds[0]); i++)
				if (strcmp(w, cert_cmds[i].word) == 0)
					cli->cert_cmd = cert_cmds[i].cmd;
			if (cli->cert_cmd == SSTP_CERT_NONE)
				return fail(err, errlen, cmd, "unknown command 'cert %s' (root, client, thumbprint or check)", w);
			return 0;
		}
		if (n == 1 && (cli->cert_cmd == SSTP_CERT_THUMBPRINT || cli->cert_cmd == SSTP_CERT_CHECK)) {
			cli->source = w;
			return 0;
		}
		break;
	default:
		break;
	}
	return fail(err, errlen, cmd, "unexpected argument '%s'", w);
}

/* Checks that need the whole command line. */
static int finish(struct sstp_cli *cli, int npos, char *err, size_t errlen)
{
	struct sstp_connect_opts *c = &cli->conn;
	enum sstp_cmd cmd = cli->cmd;

	switch (cmd) {
	case SSTP_CMD_NONE:
		return fail(err, errlen, cmd, "no command given (try 'sstp --help')");
	case SSTP_CMD_CONNECT:
	case SSTP_CMD_RUN:
	case SSTP_CMD_CHECK:
		if (!c->target && !c->package)
			return fail(err, errlen, cmd, "needs a profile NAME or a SERVER (host[:port])");
		if (c->password_stdin && c->password_file)
			return fail(err, errlen, cmd, "--password-stdin and --password-file exclude each other");
		if (c->no_routes && (c->n_routes || c->full_tunnel))
			return fail(err, errlen, cmd, "--no-routes excludes --route and --full-tunnel");
		if (c->kill_switch && (c->no_routes || c->n_routes))
			return fail(err, errlen, cmd, "--kill-switch is for a full tunnel: it excludes "
				    "--route and --no-routes");
		if (c->no_dns && c->n_dns)
			return fail(err, errlen, cmd, "--no-dns excludes --dns");
		if (c->key && !c->cert)
			return fail(err, errlen, cmd, "--key needs --cert");
		if (c->insecure && c->pin_sha256)
			return fail(err, errlen, cmd, "--insecure and --pin-sha256 exclude each other");
		if (cmd == SSTP_CMD_RUN && !cli->run_argv)
			return fail(err, errlen, cmd, "needs a command after '--' (sstp run NAME -- CMD ...)");
		if (cmd == SSTP_CMD_CHECK && c->n_checks == 0)
			return fail(err, errlen, cmd, "needs at least one --probe HOST:PORT or --probe icmp:HOST");
		break;
	case SSTP_CMD_DISCONNECT:
		if (cli->all && cli->name)
			return fail(err, errlen, cmd, "give a NAME or --all, not both");
		break;
	case SSTP_CMD_IMPORT:
		if (!cli->source)
			return fail(err, errlen, cmd, "needs a PACKAGE.zip or URL");
		break;
	case SSTP_CMD_SHOW:
	case SSTP_CMD_REMOVE:
	case SSTP_CMD_EDIT:
	case SSTP_CMD_SET:
		if (!cli->name)
			return fail(err, errlen, cmd, "needs a profile NAME");
		if (cmd == SSTP_CMD_SET && !cli->n_assign)
			return fail(err, errlen, cmd, "needs at least one KEY=VALUE");
		break;
	case SSTP_CMD_PACKAGE_SHOW:
		if (npos < 1)
			return fail(err, errlen, cmd, "needs 'show PACKAGE.zip|URL'");
		if (!cli->source)
			return fail(err, errlen, cmd, "needs a PACKAGE.zip or URL");
		break;
	case SSTP_CMD_CERT:
		if (cli->password_stdin && cli->password_file)
			return fail(err, errlen, cmd, "--password-stdin and --password-file exclude each other");
		switch (cli->cert_cmd) {
		case SSTP_CERT_NONE:
			return fail(err, errlen, cmd, "needs root, client, thumbprint or check");
		case SSTP_CERT_ROOT:
			if (!cli->cn || !cli->out)
				return fail(err, errlen, cmd, "root needs --cn NAME and --out DIR");
			break;
		case SSTP_CERT_CLIENT:
			if (!cli->cn || !cli->out || !cli->root)
				return fail(err, errlen, cmd, "client needs --root DIR, --cn NAME and --out FILE.p12");
			if (!cli->password_stdin && !cli->password_file)
				return fail(err, errlen, cmd, "client needs the PKCS#12 password from --password-file FILE or --password-stdin");
			break;
		case SSTP_CERT_THUMBPRINT:
		case SSTP_CERT_CHECK:
			if (!cli->source)
				return fail(err, errlen, cmd, "needs a certificate FILE");
			break;
		}
		break;
	default:
		break;
	}
	return 0;
}

int sstp_cli_parse(int argc, char **argv, struct sstp_cli *cli, char *err, size_t errlen)
{
	int pos = 0, r;

	memset(cli, 0, sizeof(*cli));
	cli->conn.reconnect = -1;
	if (err && errlen)
		err[0] = '\0';
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		unsigned cmdbit = 1u << cli->cmd;

		if (cli->cmd == SSTP_CMD_HELP || cli->cmd == SSTP_CMD_VERSION)
			cmdbit = ANY; /* anything goes after --help */
		if (strcmp(a, "--") == 0) {
			if (cli->cmd == SSTP_CMD_RUN) {
				if (i + 1 >= argc)
					return fail(err, errlen, cli->cmd, "needs a command after '--'");
				cli->run_argv = argv + i + 1;
				cli->run_argc = argc - i - 1;
				break;
			}
			for (i++; i < argc; i++)
				if ((r = positional(cli, argv[i], &pos, err, errlen)) != 0)
					return r;
			break;
		}
		if (a[0] == '-' && a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t n = eq ? (size_t)(eq - name) : strlen(name);
			const struct opt *o = find_long(name, n);
			const char *arg = NULL;

			if (is_secret_opt(name, n))
				return fail(err, errlen, cli->cmd, "--%.*s is not accepted: secrets on the command "
					    "line are visible to every user in /proc; use --password-file FILE or "
					    "--password-stdin", (int)n, name);
			if (!o)
				return fail(err, errlen, cli->cmd, "unknown option --%.*s", (int)n, name);
			if (!(o->cmds & cmdbit) && !(cli->cmd == SSTP_CMD_NONE && o->id <= O_SYSLOG))
				return fail(err, errlen, cli->cmd, "option --%s does not apply here", o->lng);
			if (o->has_arg) {
				if (eq)
					arg = eq + 1;
				else if (i + 1 < argc)
					arg = argv[++i];
				else
					return fail(err, errlen, cli->cmd, "option --%s needs a value", o->lng);
			} else if (eq) {
				return fail(err, errlen, cli->cmd, "option --%s takes no value", o->lng);
			}
			if ((r = apply(cli, o, arg, err, errlen)) != 0)
				return r;
			continue;
		}
		if (a[0] == '-' && a[1] != '\0') {
			for (const char *s = a + 1; *s; s++) {
				const struct opt *o = find_short(*s);
				const char *arg = NULL;

				if (!o)
					return fail(err, errlen, cli->cmd, "unknown option -%c", *s);
				if (!(o->cmds & cmdbit) && !(cli->cmd == SSTP_CMD_NONE && o->id <= O_SYSLOG))
					return fail(err, errlen, cli->cmd, "option -%c does not apply here", *s);
				if (o->has_arg) {
					if (s[1])
						arg = s + 1;
					else if (i + 1 < argc)
						arg = argv[++i];
					else
						return fail(err, errlen, cli->cmd, "option -%c needs a value", *s);
					if ((r = apply(cli, o, arg, err, errlen)) != 0)
						return r;
					break;
				}
				if ((r = apply(cli, o, NULL, err, errlen)) != 0)
					return r;
			}
			continue;
		}
		if (cli->cmd == SSTP_CMD_VERSION)
			continue;
		if ((r = positional(cli, a, &pos, err, errlen)) != 0)
			return r;
	}
	if (cli->cmd == SSTP_CMD_HELP || cli->cmd == SSTP_CMD_VERSION)
		return 0;
	return finish(cli, pos, err, errlen);
}
