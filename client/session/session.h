/* session.h - one SSTP VPN session: the event loop that moves bytes between the TLS socket, the
 * SSTP and PPP engines and the TUN device; the connection sequence with one timeout per phase;
 * network set-up through the platform's undo journal; keepalive, reconnect with backoff, clean
 * shutdown; and the per-session control socket `sstp status` / `sstp disconnect` talk to.
 * Every failure ends as one exit code (exit_codes.h) and one sentence naming layer and reason. */
#ifndef SSTP_SESSION_H
#define SSTP_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl_path.h" /* sstp_session_ctl_path */
#include "plat_net.h"
#include "status.h"
#include "tls.h"

struct tls_creds;
struct sstp_session;

/* Everything is borrowed: the caller keeps the pointed-to memory alive until
 * sstp_session_free() (the password in particular: it is needed again on reconnect). */
struct sstp_session_cfg {
	const char *name;               /* session name (control socket and journal); required */
	const char *state_dir;          /* NULL: plat_default_state_dir() */
	const char *server;             /* host name or address literal; required */
	uint16_t port;                  /* 0 = 443 */
	const char *sni;                /* TLS name to send and verify instead of server */
	const char *const *ca_paths;    /* NULL-terminated, or NULL */
	const struct tls_blob *ca_blobs;
	size_t n_ca_blobs;
	bool no_system_ca;              /* trust only ca_paths/ca_blobs */
	const char *pin_sha256;
	bool insecure;
	const char *proxy;              /* http://[user@]host:port, or NULL */
	const char *proxy_user;         /* overrides the URL's user; NULL = the URL's, if any */
	const char *proxy_password;     /* with a proxy user; NULL = "" */
	const char *user;               /* PPP user name (also the EAP identity if set) */
	const char *identity;           /* EAP identity overriding user and the certificate's */
	const char *password;           /* MS-CHAPv2/PAP password, or NULL */
	unsigned auth;                  /* PPP_AUTH_* allowed; 0 = what the credentials allow */
	const struct tls_creds *creds;  /* EAP-TLS client identity, or NULL */
	const struct tls_creds *tls_creds; /* outer-TLS client certificate, or NULL */
	const struct plat_prefix *routes;
	const unsigned *route_srcs;     /* ROUTE_SRC_* (route_set.h) of each route; NULL: --route */
	size_t n_routes;
	int route_conflict;             /* enum route_conflict: a prefix another interface has */
	bool full_tunnel;
	/* full tunnel only: from the first set-up to disconnect (reconnects included) nothing
	 * leaves but through the tunnel, to loopback and to the pinned gateway (plat_net
	 * kill_switch); reconnects go to that gateway address without resolving its name again.
	 * Refused with a proxy, a --script or report_only. */
	bool kill_switch;
	bool no_routes;
	const struct plat_ip *dns;      /* override the servers IPCP gives */
	size_t n_dns;
	const char *const *dns_domains;
	size_t n_dns_domains;
	bool no_dns;
	/* Routes and DNS are the caller's (NetworkManager's): no gateway pin, no route, no DNS is
	 * installed, but the status lists the routes and DNS servers the session would have set. */
	bool report_only;
	bool want_ipv6;
	unsigned mtu;                   /* 0: from PPP (min of both MRUs) */
	const char *ifname;             /* NULL: first free sstpN */
	const char *script;             /* vpnc-script compatible program: it sets addresses, routes
					 * and DNS (sstp only creates the TUN); NULL: sstp does */
	const char *up_cmd, *down_cmd;  /* shell commands after up / before down; NULL: none */
	bool reconnect;                 /* reconnect after the tunnel was up and dropped */
	bool wait;                      /* before the first up: retry transient failures */
	uint32_t timeout_ms;            /* budget until the tunnel is up (all attempts); 0 = none */
	uint32_t phase_timeout_ms;      /* 0 = the per-phase defaults (10-30 s) */
	uint32_t backoff_max_ms;        /* reconnect backoff cap; 0 = 60 s */
	uint32_t lcp_echo_ms;           /* LCP echo interval; 0 = 5 s (4 unanswered = dead) */
	uint32_t sstp_hello_ms;         /* SSTP hello interval; 0 = 20 s */
	int dump_packets;               /* log decrypted SSTP/PPP traffic at TRACE level */
	/* Tests only: a connected plain stream (socketpair) that replaces resolve, TCP and TLS, and
	 * the server certificate DER the crypto binding then hashes. -1 / NULL normally. */
	int test_plain_fd;
	const uint8_t *test_cert_der;
	size_t test_cert_len;
};

/* Defaults for every field (test_plain_fd = -1). */
void sstp_session_cfg_init(struct sstp_session_cfg *cfg);

struct sstp_session_hooks {
	void *ctx;
	/* The tunnel is up and configured (after every reconnect too: status.reconnects says which).
	 * Return 0 to go on, or an exit code to end the session with (a clean disconnect follows). */
	int (*up)(void *ctx, struct sstp_session *s);
	/* A child registered with sstp_session_watch_child() ended with `code` (exit status or
	 * 128+signal). Return -1 to go on, or an exit code to end the session with. */
	int (*child_exit)(void *ctx, struct sstp_session *s, int pid, int code);
	/* An attempt failed and the next one starts in delay_ms. */
	void (*retry)(void *ctx, struct sstp_session *s, int code, const char *msg, uint32_t delay_ms);
	/* The control socket exists and nothing was sent yet (may be NULL): the last point for
	 * privileges the session needs only to start (privilege separation drops them here).
	 * Return 0 to go on, or an exit code to end the session with. */
	int (*started)(void *ctx, struct sstp_session *s);
};

/* Create a session on an opened network handle (plat_net_open_system or the fake), which the
 * session uses but does not close. NULL with err set on failure (bad configuration, memory). */
struct sstp_session *sstp_session_new(const struct sstp_session_cfg *cfg, struct plat_net *net,
				      const struct sstp_session_hooks *hooks, char *err,
				      size_t errlen);
/* Wipe and free. NULL is fine. */
void sstp_session_free(struct sstp_session *s);

/* Run until the session ends: connect, serve, tear down, undo the journal. Returns the exit code;
 * sstp_session_error() has the sentence when it is not 0. Catches SIGINT/SIGTERM/SIGHUP/SIGCHLD
 * while it runs. */
int sstp_session_run(struct sstp_session *s);
/* Ask the session to end with `code` (0 = by request) and reason `why` (may be NULL); the loop
 * disconnects cleanly (LCP Terminate, SSTP Call Disconnect, journal undo) within 2 s. */
void sstp_session_stop(struct sstp_session *s, int code, const char *why);
const char *sstp_session_error(const struct sstp_session *s);

/* A snapshot of the session's status (uptime and counters as of now). */
void sstp_session_status(const struct sstp_session *s, struct sstp_conn_status *out);
/* The TUN device name, "" until it exists. */
const char *sstp_session_ifname(const struct sstp_session *s);
/* Report the end of this child through hooks->child_exit; the session terminates it (TERM, then
 * KILL) if it is still running when the session ends. 0 or -1 (table full: 8 children). */
int sstp_session_watch_child(struct sstp_session *s, int pid);

#endif
