/* plat_win_net.h - internals of the Windows plat_net backend: the Wintun adapter (wintun.c), the
 * IP Helper request builders and calls (iphlp.c), per-interface DNS (dns.c), and the undo journal
 * file, its replay plan and stale-journal cleanup (journal.c). The builders and the plan are pure
 * so unit tests check them under Wine, where no driver and no real routing table exist. */
#ifndef SSTP_PLAT_WIN_NET_H
#define SSTP_PLAT_WIN_NET_H

#include "plat_win.h"

#include <iphlpapi.h>
#include <netioapi.h>

#include "plat_journal.h"
#include "plat_net.h"

/* ---- Wintun (wintun.c) ----------------------------------------------------------------------- */

struct plat_wintun {
	void *adapter;    /* WINTUN_ADAPTER_HANDLE */
	void *session;    /* WINTUN_SESSION_HANDLE */
	uint64_t luid;    /* NET_LUID.Value */
	uint32_t ifindex;
	int fd;           /* table descriptor over the session's read event, -1 when closed */
};

/* Load wintun.dll and resolve its functions once. 0, or -ENOENT / -ENOTSUP with err set. */
int plat_wintun_load(char *err, size_t errlen);
/* Create adapter `name` and start a session on it. 0 or -errno with err set. */
int plat_wintun_open(struct plat_wintun *t, const char *name, char *err, size_t errlen);
/* End the session and remove the adapter (idempotent). */
void plat_wintun_close(struct plat_wintun *t);
int plat_wintun_read_batch(struct plat_wintun *t, struct plat_pkt *pkts, size_t max);
int plat_wintun_write(struct plat_wintun *t, const uint8_t *pkt, size_t len);

/* ---- IP Helper (iphlp.c) --------------------------------------------------------------------- */

void plat_win_to_sockaddr(const struct plat_ip *ip, SOCKADDR_INET *out);
/* 0, or -EAFNOSUPPORT for a family other than IPv4/IPv6. */
int plat_win_from_sockaddr(const SOCKADDR_INET *in, struct plat_ip *out);

/* The row CreateUnicastIpAddressEntry gets for local/prefix_len on ifindex: manual origin,
 * infinite lifetimes, preferred at once (no DAD wait). 0 or -EINVAL. */
int plat_win_addr_row(const struct plat_ip *local, unsigned prefix_len, uint32_t ifindex,
		      MIB_UNICASTIPADDRESS_ROW *row);
/* The row CreateIpForwardEntry2 gets for dst via gw (NULL or family 0: on-link) on ifindex with
 * metric (added to the interface metric by Windows): manual/static, not published, infinite
 * lifetime, not persistent (gone at reboot). 0 or -EINVAL (family mismatch, bad length). */
int plat_win_route_row(const struct plat_prefix *dst, const struct plat_ip *gw, uint32_t ifindex,
		       uint32_t metric, MIB_IPFORWARD_ROW2 *row);

/* The calls; each returns 0 or -errno (-EEXIST, -ENOENT when gone). */
int plat_win_addr_add(const MIB_UNICASTIPADDRESS_ROW *row);
int plat_win_addr_del(const MIB_UNICASTIPADDRESS_ROW *row);
int plat_win_route_add(const MIB_IPFORWARD_ROW2 *row);
int plat_win_route_del(const MIB_IPFORWARD_ROW2 *row);
int plat_win_set_mtu(uint32_t ifindex, enum plat_family fam, unsigned mtu);
/* GetBestRoute2: how dst is reached now. */
int plat_win_best_route(const struct plat_ip *dst, struct plat_route_info *out, uint32_t *ifindex);
int plat_win_list_addrs(struct plat_addr_info *out, size_t max, size_t *total);
int plat_win_list_routes(struct plat_route_info *out, size_t max, size_t *total);
/* Interface alias (UTF-8, cut to PLAT_NET_IFNAME_MAX - 1) of ifindex, or "if<N>". */
void plat_win_ifname(uint32_t ifindex, char out[PLAT_NET_IFNAME_MAX]);

/* ---- DNS (dns.c) ----------------------------------------------------------------------------- */

/* The comma-separated server list of one family from c ("" when it has none), for
 * SetInterfaceDnsSettings' NameServer field. 0 or -ENOSPC. */
int plat_win_dns_servers(const struct plat_dns_config *c, enum plat_family fam, char *out,
			 size_t len);
/* The comma-separated search list (the VNet's suffixes). 0 or -ENOSPC / -EINVAL. */
int plat_win_dns_search(const struct plat_dns_config *c, char *out, size_t len);
/* Set / clear the DNS servers and search list of interface ifindex (SetInterfaceDnsSettings on
 * Windows 10 2004 and later, `netsh interface ipv4|ipv6 set dnsservers` before). 0 or -errno. */
int plat_win_dns_set(uint32_t ifindex, const struct plat_dns_config *c, char *err, size_t errlen);
int plat_win_dns_clear(uint32_t ifindex);

/* ---- split DNS: Name Resolution Policy Table rules (nrpt.c) -----------------------------------
 * A split tunnel with VNet suffixes gets one local NRPT rule per session, the registry key
 * HKLM\PLAT_WIN_NRPT_PATH\sstp-SESSION (volatile: gone at reboot) with the values
 *   Version REG_DWORD 2, Name REG_MULTI_SZ (".suffix" namespaces), GenericDNSServers REG_SZ
 *   ("a;b", IPv4 and IPv6), ConfigOptions REG_DWORD 8 (generic DNS servers only),
 *   IPSECCARestriction REG_SZ "", Comment REG_SZ ("sstp session SESSION").
 * The journal record ("+ SEQ nrpt sstp-SESSION") is written before the key. */

#define PLAT_WIN_NRPT_PATH \
	"SYSTEM\\CurrentControlSet\\Services\\Dnscache\\Parameters\\DnsPolicyConfig"
/* Group-policy rules: while any exist, Windows ignores the local ones above. */
#define PLAT_WIN_NRPT_GPO_PATH \
	"SOFTWARE\\Policies\\Microsoft\\Windows NT\\DNSClient\\DnsPolicyConfig"
#define PLAT_WIN_NRPT_NAMES_MAX (PLAT_DNS_MAX_DOMAINS * (2 * PLAT_DNS_DOMAIN_MAX + 3) + 1) /* wchar_t */

/* The NRPT suffix namespace of a VNet suffix: "corp.example" and ".corp.example" (and either
 * with one trailing dot) give ".corp.example". Labels of 1..63 letters, digits, '-' or '_', at
 * most PLAT_DNS_DOMAIN_MAX characters without the dots added. 0, -EINVAL or -ENOSPC. */
int plat_win_nrpt_namespace(const char *domain, char *out, size_t len);
/* The Name value: c's namespaces, each once (case-insensitive) and each followed by its bare
 * name (".x", "x": the names below x and x itself), as REG_MULTI_SZ in out (cap wchar_t); *bytes = the value's size including both terminating NULs. 0, -EINVAL (a bad or
 * missing suffix) or -ENOSPC. */
int plat_win_nrpt_names(const struct plat_dns_config *c, wchar_t *out, size_t cap, size_t *bytes);
/* The GenericDNSServers value: every server of c in order, ';'-separated. 0, -EINVAL, -ENOSPC. */
int plat_win_nrpt_servers(const struct plat_dns_config *c, char *out, size_t len);
/* "sstp-SESSION" (plat_journal_rule_ok). 0 or -EINVAL. */
int plat_win_nrpt_rule_name(const char *session, char *out, size_t len);

/* How plat_win_nrpt_apply journals: add writes r (and sets r->seq) before the change, drop
 * marks it undone when the change failed. */
struct plat_win_nrpt_journal {
	int (*add)(void *ctx, struct plat_jrec *r);
	void (*drop)(void *ctx, uint32_t seq);
	void *ctx;
};
/* Split DNS for session: validate c, journal the rule, write it (replacing a stale key of the
 * same name), and ask the DNS client to reload. 0 or -errno with err set (nothing left behind). */
int plat_win_nrpt_apply(const struct plat_win_nrpt_journal *jr, const char *session,
			const struct plat_dns_config *c, char *err, size_t errlen);
/* Write / delete one rule key. Only names passing plat_journal_rule_ok are touched (-EINVAL
 * otherwise). delete: 0, 1 (already gone) or -errno. */
int plat_win_nrpt_write(const char *rule, const struct plat_dns_config *c);
int plat_win_nrpt_delete(const char *rule);
/* Tell the DNS client to re-read the table: DnsFlushResolverCache, then SERVICE_CONTROL_
 * PARAMCHANGE to the Dnscache service. 0, or -errno when the service refused (best effort). */
int plat_win_nrpt_reload(void);
/* True when group-policy NRPT rules exist (then local rules are ignored by Windows). */
bool plat_win_nrpt_gpo_active(void);

/* ---- journal (journal.c) ----------------------------------------------------------------------
 * The record format is the OS-independent one of plat_journal.h. On Windows a "link" record is
 * the Wintun adapter, "addr"/"route" are IP Helper rows (route METRIC as given, TABLE 254 ("main"),
 * PROTO PLAT_NET_RTPROT as a marker only), and "dns-resolved IFNAME IFINDEX" means the per-interface
 * DNS settings of IFINDEX. The owner's start time is the process creation time in ms since 1601
 * and the boot id is "-" (pid + creation time identify a process on Windows). */

struct plat_win_jfile {
	HANDLE h;          /* INVALID_HANDLE_VALUE until created */
	char path[MAX_PATH * 3];
	char dir[MAX_PATH * 3];
	struct plat_journal_owner owner;
	uint32_t last_seq;
};

int plat_win_jfile_init(struct plat_win_jfile *j, const char *state_dir, const char *session);
int plat_win_jfile_create(struct plat_win_jfile *j);
int plat_win_jfile_add(struct plat_win_jfile *j, struct plat_jrec *r);
int plat_win_jfile_done(struct plat_win_jfile *j, uint32_t seq);
int plat_win_jfile_close(struct plat_win_jfile *j, bool remove);
int plat_win_jfile_read(const char *path, struct plat_journal *out, char *err, size_t errlen);
/* This process as a journal owner / whether o is still running. */
int plat_win_self_owner(struct plat_journal_owner *o);
int plat_win_owner_alive(const struct plat_journal_owner *o);

enum plat_win_undo_action {
	PLAT_WIN_UNDO_DNS_CLEAR = 1, /* clear the interface's DNS settings */
	PLAT_WIN_UNDO_ROUTE_DEL,     /* DeleteIpForwardEntry2 of the recorded row */
	PLAT_WIN_UNDO_ADDR_DEL,      /* DeleteUnicastIpAddressEntry of the recorded row */
	PLAT_WIN_UNDO_ADAPTER,       /* remove the Wintun adapter (if it still exists) */
	PLAT_WIN_UNDO_SKIP,          /* a record Windows cannot have made (resolvconf, file) */
	PLAT_WIN_UNDO_NRPT_DEL,      /* delete our NRPT rule key and reload the DNS client */
	PLAT_WIN_UNDO_REFUSE,        /* a record sstp would not have written (see why) */
};

struct plat_win_undo_step {
	enum plat_win_undo_action action;
	const struct plat_jrec *rec;
	const char *why; /* PLAT_WIN_UNDO_REFUSE: what is wrong with the record */
};

/* The replay plan of a parsed journal: its live records newest first, each with its action.
 * A journal read back from disk may have been planted, so the plan is confined to what sstp
 * makes: addresses and DNS only on an adapter the same journal created (a "link" record, by
 * name or index), routes only of sstp's protocol and, off that adapter, only host routes (the
 * pin to the gateway) (the parser already takes only NRPT rules named "sstp-..."); anything
 * else is REFUSE.
 * Returns the number of steps (at most max). */
size_t plat_win_undo_plan(const struct plat_journal *j, struct plat_win_undo_step *steps,
			  size_t max);
/* Carry out one step. Returns 0 (done), 1 (already gone), 2 (skipped) or -errno; msg says what. */
int plat_win_undo_step(const struct plat_win_undo_step *s, char *msg, size_t msglen);

#endif
