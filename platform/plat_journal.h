/* plat_journal.h - the undo journal's record format (OS-independent): what each record says to
 * undo, the text line it is stored as, and the bounded parser that reads a journal file back.
 *
 * A journal is append-only text, one record per line, so a crash can at worst leave a torn last
 * line (which the parser drops: the change it announced was never started):
 *   sstp-journal 1
 *   owner PID STARTTIME BOOTID          process that made the changes (start time in clock ticks
 *                                       since boot, /proc/PID/stat field 22; BOOTID or "-")
 *   + SEQ link IFNAME IFINDEX           we created this TUN (IFINDEX 0: not yet known)
 *   + SEQ addr IFNAME IFINDEX LOCAL/LEN PEER|-
 *   + SEQ route DST/LEN GW|- IFNAME IFINDEX METRIC TABLE PROTO
 *   + SEQ dns-resolved IFNAME IFINDEX   per-link DNS set in systemd-resolved
 *   + SEQ dns-resolvconf IFNAME         resolvconf -a IFNAME
 *   + SEQ dns-file PATH BACKUP OURS     PATH rewritten; BACKUP holds the original, OURS what we wrote
 *   + SEQ nrpt RULE                     Windows: Name Resolution Policy Table rule (registry key)
 *                                       RULE = "sstp-SESSION" written for split DNS
 *   + SEQ nft TABLE                     Linux kill switch: nftables table "inet TABLE",
 *                                       TABLE = "sstp_SESSION" (platform/linux/killswitch.c)
 *   - SEQ                               record SEQ was undone (or its change never happened)
 * SEQ is 1.. and strictly increasing over "+" lines. Paths are absolute, at most
 * PLAT_JOURNAL_PATH_MAX bytes, of printable non-space ASCII.
 */
#ifndef SSTP_PLAT_JOURNAL_H
#define SSTP_PLAT_JOURNAL_H

#include "plat_net.h"

#define PLAT_JOURNAL_MAX_BYTES 65536 /* larger files are rejected unread */
#define PLAT_JOURNAL_MAX_LINE 1024   /* including the newline */
#define PLAT_JOURNAL_MAX_RECS 256    /* "+" lines per file */
#define PLAT_JOURNAL_PATH_MAX 256    /* including the NUL */
#define PLAT_JOURNAL_BOOTID_MAX 40   /* including the NUL */
#define PLAT_JOURNAL_RULE_MAX (5 + PLAT_NET_SESSION_MAX + 1) /* "sstp-" SESSION NUL */
#define PLAT_JOURNAL_TABLE_MAX (5 + PLAT_NET_SESSION_MAX + 1) /* "sstp_" SESSION NUL */

enum plat_jrec_type {
	PLAT_JREC_LINK = 1,
	PLAT_JREC_ADDR,
	PLAT_JREC_ROUTE,
	PLAT_JREC_DNS_RESOLVED,
	PLAT_JREC_DNS_RESOLVCONF,
	PLAT_JREC_DNS_FILE,
	PLAT_JREC_NRPT,
	PLAT_JREC_NFT,
};

struct plat_jrec {
	uint32_t seq;
	enum plat_jrec_type type;
	char ifname[PLAT_NET_IFNAME_MAX]; /* link, addr, route, dns-resolved, dns-resolvconf */
	uint32_t ifindex;                 /* link, addr, route, dns-resolved */
	struct plat_prefix prefix;        /* addr: local/len; route: dst/len */
	struct plat_ip other;             /* addr: peer; route: gateway; family 0 = "-" */
	uint32_t metric, table;           /* route */
	uint8_t proto;                    /* route */
	char path[PLAT_JOURNAL_PATH_MAX];   /* dns-file */
	char backup[PLAT_JOURNAL_PATH_MAX]; /* dns-file */
	char ours[PLAT_JOURNAL_PATH_MAX];   /* dns-file */
	char rule[PLAT_JOURNAL_RULE_MAX];   /* nrpt */
	char nft_table[PLAT_JOURNAL_TABLE_MAX]; /* nft */
};

struct plat_journal_owner {
	uint32_t pid;
	uint64_t start_ticks;
	char boot_id[PLAT_JOURNAL_BOOTID_MAX]; /* "" when unknown ("-" in the file) */
};

struct plat_journal {
	struct plat_journal_owner owner;
	struct plat_jrec recs[PLAT_JOURNAL_MAX_RECS]; /* records not yet undone, in file order */
	size_t n;
	uint32_t last_seq;  /* highest SEQ seen (0 if none): the next record uses last_seq + 1 */
	bool torn;          /* the file ended in an incomplete line, which was ignored */
};

/* Parse a journal file's bytes. 0, or -EINVAL (err says which line and why; nothing in *out is
 * meaningful) / -E2BIG (over a limit). buf need not be NUL-terminated. */
int plat_journal_parse(const char *buf, size_t len, struct plat_journal *out, char *err,
		       size_t errlen);

/* Format the header lines ("sstp-journal 1\nowner ...\n") / one "+" record line / one "-" line,
 * each ending in '\n'. Return the length written (without NUL), or -EINVAL if a field cannot be
 * represented (bad name, path with spaces...) or -ENOSPC if buf is too small. */
int plat_journal_format_header(const struct plat_journal_owner *o, char *buf, size_t len);
int plat_journal_format_rec(const struct plat_jrec *r, char *buf, size_t len);
int plat_journal_format_done(uint32_t seq, char *buf, size_t len);

/* True if s is a valid interface name for a record (1..15 chars, no '/', no spaces). */
bool plat_journal_ifname_ok(const char *s);
/* True if s is a valid session name (see plat_net_config.session). */
bool plat_journal_session_ok(const char *s);
/* True if s names an NRPT rule of ours: "sstp-" followed by a valid session name. */
bool plat_journal_rule_ok(const char *s);
/* True if s names a kill-switch table of ours: "sstp_" followed by a valid session name. */
bool plat_journal_table_ok(const char *s);
/* True if s can be stored as a record path (absolute, printable, no spaces, < PATH_MAX). */
bool plat_journal_path_ok(const char *s);

/* Whether a record read back from a journal file may be replayed: routes only of sstp's own
 * protocol (PLAT_NET_RTPROT); a dns-file record only for resolv_conf (NULL: /etc/resolv.conf),
 * with its backup and its copy directly inside state_dir. A forged or planted record naming
 * another route or file is refused. true, or false with a sentence in why. */
bool plat_journal_rec_confined(const struct plat_jrec *r, const char *state_dir,
			       const char *resolv_conf, char *why, size_t whylen);

#endif
