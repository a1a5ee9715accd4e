/* plat_netb.h - the net broker: how an unprivileged session asks a privileged process for the
 * network changes of plat_net.h (privilege separation, issue 17).
 *
 * The session (TLS, SSTP, PPP, EAP: everything that parses the server's bytes) runs without
 * privileges and holds one end of a SOCK_SEQPACKET socketpair; the privileged side (root, small)
 * holds the other end, validates every request against the profile's policy (client/session/
 * netb_exec.h) and makes the change through its own plat_net handle. One request, one reply, in
 * order. The reply to TUN_CREATE carries the TUN descriptor (SCM_RIGHTS).
 *
 * Wire format (network byte order, every length checked before it is read):
 *   header   u8 version (1), u8 op, u16 body length (bytes that follow; the datagram has exactly
 *            4 + length bytes)
 *   ip       u8 family (4 or 6), 16 address bytes (IPv4: 4 bytes then 12 zero bytes)
 *   string   u8 length (1..cap), bytes (printable ASCII, no NUL)
 * Request bodies:
 *   TUN_CREATE  string name (length 0 allowed: the first free sstpN)
 *   SET_MTU     u32 mtu
 *   SET_UP, UNDO_ALL   empty
 *   ADDR_ADD    ip local, u8 has_peer (0/1), ip peer, u8 prefix length
 *   ADDR_DEL, PIN_GATEWAY   ip
 *   ROUTE_ADD   ip, u8 prefix length, u32 metric (0 = the configured one)
 *   DNS_APPLY   u8 full_tunnel (0/1), u8 n servers (1..8), n x ip, u8 n domains (0..16),
 *               n x string (1..253)
 * Reply body (op = the request's op): i32 result (0 or a negative errno), u8 dns backend used,
 *   u32 ifindex, string ifname (0..15), string error text (0..255, may be empty).
 * Pure: no OS call. */
#ifndef SSTP_PLAT_NETB_H
#define SSTP_PLAT_NETB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plat_net.h"

#define NETB_VERSION 1
#define NETB_HDR_LEN 4
#define NETB_MSG_MAX 4800 /* the largest valid message (DNS_APPLY with 16 long domains) fits */

enum netb_op {
	NETB_TUN_CREATE = 1,
	NETB_SET_MTU,
	NETB_SET_UP,
	NETB_ADDR_ADD,
	NETB_ADDR_DEL,
	NETB_PIN_GATEWAY,
	NETB_ROUTE_ADD,
	NETB_DNS_APPLY,
	NETB_UNDO_ALL,
	NETB_OP_MAX = NETB_UNDO_ALL
};

/* One request, decoded. Strings are NUL-terminated copies. */
struct netb_req {
	enum netb_op op;
	char name[PLAT_NET_IFNAME_MAX];       /* TUN_CREATE */
	uint32_t mtu;                         /* SET_MTU */
	struct plat_ip ip;                    /* ADDR_ADD local, ADDR_DEL, PIN_GATEWAY */
	bool has_peer;                        /* ADDR_ADD */
	struct plat_ip peer;
	uint8_t plen;                         /* ADDR_ADD */
	struct plat_prefix dst;               /* ROUTE_ADD */
	uint32_t metric;
	bool full_tunnel;                     /* DNS_APPLY */
	struct plat_ip servers[PLAT_DNS_MAX_SERVERS];
	size_t n_servers;
	char domains[PLAT_DNS_MAX_DOMAINS][PLAT_DNS_DOMAIN_MAX + 1];
	size_t n_domains;
};

struct netb_rep {
	enum netb_op op;
	int32_t result;
	uint8_t dns_used; /* enum plat_dns_backend */
	uint32_t ifindex;
	char ifname[PLAT_NET_IFNAME_MAX];
	char err[PLAT_NET_ERR_MAX];
};

/* Encode into buf[0..cap): the message length, or -1 if it does not fit or a field is out of
 * range (the same rules the decoder enforces). */
int netb_req_encode(const struct netb_req *r, uint8_t *buf, size_t cap);
int netb_rep_encode(const struct netb_rep *r, uint8_t *buf, size_t cap);

/* Decode exactly len bytes. 0, or -1 with a sentence in why (version, op, a length past the end,
 * trailing bytes, a bad family or prefix length, a non-printable string, a count out of range). */
int netb_req_decode(const uint8_t *buf, size_t len, struct netb_req *out, char *why,
		    size_t whylen);
int netb_rep_decode(const uint8_t *buf, size_t len, struct netb_rep *out, char *why,
		    size_t whylen);

/* "tun-create", "route-add", ...; "?" for an unknown op. */
const char *netb_op_name(unsigned op);

/* ---- transport (OS backend; Linux only) -------------------------------------------------- */

/* Send one message, with fd_pass >= 0 attached (SCM_RIGHTS). 0 or -errno. */
int plat_netb_send(int sock, const uint8_t *msg, size_t len, int fd_pass);
/* Receive one message into buf[0..cap) (blocking). Returns its length (0: the peer closed), or
 * -errno (-EMSGSIZE: truncated). A passed descriptor lands in *fd_recv (close-on-exec), else -1;
 * fd_recv NULL closes any that came. */
int plat_netb_recv(int sock, uint8_t *buf, size_t cap, int *fd_recv);

/* Open a plat_net handle whose changes are requests over sock (the session's end; not owned:
 * the caller closes it after plat_net_close). Reads (list_addrs, list_routes, route_get,
 * resolve) are done locally: they need no privilege. The TUN fd received from TUN_CREATE is
 * owned by the handle. 0 or -ENOMEM/-EINVAL. */
int plat_net_broker_open(int sock, const struct plat_net_config *cfg, struct plat_net **out);

#endif
