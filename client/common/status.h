/* status.h - the status model of one session (what `sstp status` shows) and its rendering as
 * text for people and as JSON for scripts. Plain data: fixed-size fields, no pointers, so it is
 * copied freely and carried over the control socket by ctl_status.c. Never holds a secret. */
#ifndef SSTP_STATUS_H
#define SSTP_STATUS_H

#include <stdint.h>
#include <stdio.h>

enum sstp_conn_state {
	SSTP_STATE_IDLE = 0,
	SSTP_STATE_RESOLVING,
	SSTP_STATE_CONNECTING,   /* TCP (or proxy CONNECT) */
	SSTP_STATE_TLS,
	SSTP_STATE_HTTP,
	SSTP_STATE_SSTP,         /* CALL_CONNECT_REQUEST/ACK */
	SSTP_STATE_PPP,          /* LCP */
	SSTP_STATE_AUTH,
	SSTP_STATE_NETWORK,      /* crypto binding done, IPCP/IPv6CP */
	SSTP_STATE_CONFIGURING,  /* TUN, addresses, routes, DNS */
	SSTP_STATE_CONNECTED,
	SSTP_STATE_RECONNECTING, /* waiting for the next attempt */
	SSTP_STATE_DISCONNECTING,
	SSTP_STATE_DISCONNECTED,
	SSTP_STATE_COUNT
};

/* Lower-case word used in text and JSON ("connected", "reconnecting", ...). */
const char *sstp_state_name(enum sstp_conn_state st);
/* Parse the word back; -1 when unknown. */
int sstp_state_from_name(const char *name);

#define SSTP_STATUS_MAX_ROUTES 64
#define SSTP_STATUS_MAX_DNS 4
#define SSTP_STATUS_MAX_DOMAINS 8

struct sstp_conn_status {
	char name[64];          /* session name (profile or server host) */
	uint32_t state;         /* enum sstp_conn_state */
	uint32_t pid;           /* process running the session */
	char server[256];       /* host name as given */
	uint32_t port;
	char server_addr[64];   /* the address actually connected to */
	char ifname[32];
	uint32_t mtu;
	char ipv4_local[16];
	char ipv4_peer[16];
	char ipv6_local[48];    /* link-local from the IPv6CP interface identifier */
	char ipv6_peer[48];
	uint32_t nroutes;
	char routes[SSTP_STATUS_MAX_ROUTES][48]; /* CIDR, each once (the session's route set) */
	char route_src[SSTP_STATUS_MAX_ROUTES][32]; /* its sources: "package,pool,option" ... */
	char pin[48];           /* the host route to the gateway via the previous path, "" if none */
	char kill_switch[80];   /* the kill switch's firewall object ("inet sstp_NAME"), "" if off */
	uint32_t ndns;
	char dns[SSTP_STATUS_MAX_DNS][48];
	char dns_backend[32];   /* "resolvconf", "systemd-resolved", "none" ... */
	uint32_t ndomains;
	char dns_domains[SSTP_STATUS_MAX_DOMAINS][256]; /* routing / search domains set with them */
	char tls_version[24];
	char tls_suite[96];
	char auth_method[24];   /* "MS-CHAPv2", "PAP", "EAP-TLS" */
	char binding_hash[24];  /* "SHA-256" / "SHA-1" */
	char server_cert_hash[72]; /* hex of the hash of the server leaf certificate (binding input) */
	uint64_t bytes_in, bytes_out, packets_in, packets_out;
	uint64_t uptime_s;      /* seconds since the tunnel came up (0 when not up) */
	uint32_t reconnects;
	int32_t last_exit;      /* exit code of the last failure (0 = none) */
	char last_error[256];
};

/* Human-readable block, one "key: value" per line. */
void sstp_status_print_text(FILE *out, const struct sstp_conn_status *st);
/* The version of every JSON document sstp prints ("schema": N; fields in doc/json.md). */
#define SSTP_JSON_SCHEMA 1
/* One JSON object (no trailing newline); strings escaped per RFC 8259. */
void sstp_status_print_json(FILE *out, const struct sstp_conn_status *st);
/* The same object with "schema" first: the document `connect --json` prints. */
void sstp_status_print_json_doc(FILE *out, const struct sstp_conn_status *st);
/* `status --json`: {"schema": N, "sessions": [...]} with n objects, and a newline. */
void sstp_status_print_json_list(FILE *out, const struct sstp_conn_status *const *list, size_t n);
/* Write `s` as a JSON string literal with quotes (shared with other JSON writers of the CLI). */
void sstp_json_string(FILE *out, const char *s);

/* Copy a C string into a fixed field, always NUL-terminated, cut if too long. */
void sstp_status_set(char *field, size_t size, const char *value);
#define SSTP_STATUS_SET(field, value) sstp_status_set((field), sizeof(field), (value))

#endif
