/* killswitch.c - the full-tunnel kill switch: one nftables table per session ("inet
 * sstp_SESSION", so two sessions never touch each other's rules) whose output and forward chains
 * drop everything except the tunnel, loopback and the TCP connection to the pinned gateway.
 * Written through libnftables (nft's own library) as one text transaction, so the table appears
 * whole or not at all; removed by deleting that table and nothing else.
 *
 * What passes besides the tunnel and loopback, and why:
 * - TCP to the gateway's address and port on any interface: the path to the gateway may move
 *   (Wi-Fi to Ethernet) while the session reconnects; the address and port are what pins it.
 * - DHCPv4 (UDP 68 -> 67) and DHCPv6 (UDP 546 -> 547) client messages: a lease renewal on the
 *   uplink must still go out during a long session, or the uplink (and with it the tunnel) would
 *   lose its address. They carry no user traffic.
 * - ICMPv6 router and neighbour solicitations/advertisements: on an IPv6 uplink the gateway's
 *   next hop is found with them.
 * Nothing is allowed for the LAN: no printer, no DNS resolver, no local replies (that is the
 * point of the switch). Incoming traffic is not filtered (no input chain): what arrives cannot
 * leak, and replies to it are dropped on output unless they leave through the tunnel.
 * Forwarded traffic (containers, a shared connection) may only leave through the tunnel; what
 * comes back from the tunnel is forwarded only for connections that exist already. */
#include "plat_linux.h"

#include <errno.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KS_RULES_MAX 4096

/* Run one nft command text; err gets nft's message (first line) on failure. */
static int run_nft(const char *cmd, char *err, size_t errlen)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	const char *out;
	int r;

	if (!ctx) {
		snprintf(err, errlen, "libnftables: out of memory");
		return -ENOMEM;
	}
	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	r = nft_run_cmd_from_buffer(ctx, cmd);
	out = nft_ctx_get_error_buffer(ctx);
	if (r != 0) {
		size_t n = out ? strcspn(out, "\n") : 0;

		snprintf(err, errlen, "%.*s", (int)n, out && n ? out : "nft command failed");
		/* the kernel's reason, as nft words it */
		r = out && strstr(out, "No such file or directory") ? -ENOENT
		    : out && strstr(out, "File exists")           ? -EEXIST
		    : out && strstr(out, "Operation not permitted") ? -EPERM
								     : -EIO;
	}
	nft_ctx_free(ctx);
	return r;
}

int plat_ks_text(const char *table, const char *tun, const struct plat_ip *gw, uint16_t port,
		 char *buf, size_t len)
{
	char ip[PLAT_IP_STRMAX];
	int n;

	if (!plat_journal_table_ok(table) || !plat_journal_ifname_ok(tun) || !gw ||
	    (gw->family != PLAT_AF_INET && gw->family != PLAT_AF_INET6) || port == 0)
		return -EINVAL;
	plat_ip_format(gw, ip, sizeof(ip));
	n = snprintf(buf, len,
		     "create table inet %s { comment \"sstp kill switch\"; }\n"
		     "table inet %s {\n"
		     " chain output {\n"
		     "  type filter hook output priority filter; policy drop;\n"
		     "  oifname \"lo\" accept\n"
		     "  oifname \"%s\" accept\n"
		     "  %s daddr %s tcp dport %u accept\n"
		     "  udp sport 68 udp dport 67 accept\n"
		     "  udp sport 546 udp dport 547 accept\n"
		     "  icmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert }"
		     " accept\n"
		     " }\n"
		     " chain forward {\n"
		     "  type filter hook forward priority filter; policy drop;\n"
		     "  oifname \"%s\" accept\n"
		     "  iifname \"%s\" ct state established,related accept\n"
		     " }\n"
		     "}\n",
		     table, table, tun, gw->family == PLAT_AF_INET ? "ip" : "ip6", ip,
		     (unsigned)port, tun, tun);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return n;
}

int plat_ks_install(const char *table, const char *tun, const struct plat_ip *gw,
		    uint16_t port, char *err, size_t errlen)
{
	char *text = malloc(KS_RULES_MAX);
	int r;

	if (!text)
		return -ENOMEM;
	r = plat_ks_text(table, tun, gw, port, text, KS_RULES_MAX);
	if (r >= 0)
		r = run_nft(text, err, errlen);
	else
		snprintf(err, errlen, "invalid kill-switch parameters");
	free(text);
	return r;
}

int plat_ks_undo(const struct plat_jrec *r, char *msg, size_t msglen)
{
	char cmd[64 + PLAT_JOURNAL_TABLE_MAX], why[PLAT_NET_ERR_MAX];
	int e;

	if (!plat_journal_table_ok(r->nft_table)) {
		snprintf(msg, msglen, "nftables table %s is not sstp's: left alone", r->nft_table);
		return PLAT_UNDO_SKIPPED;
	}
	snprintf(cmd, sizeof(cmd), "delete table inet %s\n", r->nft_table);
	e = run_nft(cmd, why, sizeof(why));
	if (e == -ENOENT)
		return PLAT_UNDO_GONE;
	if (e < 0) {
		snprintf(msg, msglen, "deleting the kill switch (nftables table inet %s): %s",
			 r->nft_table, why);
		return e;
	}
	return PLAT_UNDO_DONE;
}

const char *plat_net_kill_switch_missing(void)
{
	return NULL; /* nftables */
}
