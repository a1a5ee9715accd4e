/* plat_journal.c - format and parse undo journal records (see plat_journal.h for the format).
 * The parser trusts nothing: every line and field is length-checked and validated, with hard
 * limits on file size, line length and record count; it is fuzzed by fuzz_plat_journal. */
#include "plat_journal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_TOKENS 12
#define TOKEN_MAX 300

struct line {
	char tok[MAX_TOKENS][TOKEN_MAX];
	size_t n;
};

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

bool plat_journal_ifname_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n >= PLAT_NET_IFNAME_MAX || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c >= 0x7f || c == '/' || c == ':')
			return false;
	}
	return true;
}

bool plat_journal_session_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > PLAT_NET_SESSION_MAX || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

bool plat_journal_rule_ok(const char *s)
{
	return s && strncmp(s, "sstp-", 5) == 0 && plat_journal_session_ok(s + 5);
}

bool plat_journal_table_ok(const char *s)
{
	return s && strncmp(s, "sstp_", 5) == 0 && plat_journal_session_ok(s + 5);
}

bool plat_journal_path_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 2 || n >= PLAT_JOURNAL_PATH_MAX || s[0] != '/')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c >= 0x7f)
			return false;
	}
	return true;
}

static bool bootid_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= PLAT_JOURNAL_BOOTID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-'))
			return false;
	}
	return strcmp(s, "-") != 0;
}

/* Split one line (no newline) at single spaces. Fails on empty tokens, too many or too long. */
static int tokenize(const char *s, size_t len, struct line *l)
{
	size_t start = 0;

	l->n = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != ' ')
			continue;
		size_t tl = i - start;
		if (tl == 0 || tl >= TOKEN_MAX || l->n >= MAX_TOKENS)
			return -1;
		memcpy(l->tok[l->n], s + start, tl);
		l->tok[l->n][tl] = '\0';
		l->n++;
		start = i + 1;
	}
	return 0;
}

/* Decimal without sign, leading zeros (except "0") or overflow past max. */
static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static bool parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (!parse_u64(s, max, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

/* "-" or an address; the canonical spelling is required so records round-trip exactly. */
static bool parse_opt_ip(const char *s, struct plat_ip *out)
{
	char canon[PLAT_IP_STRMAX];

	memset(out, 0, sizeof(*out));
	if (strcmp(s, "-") == 0)
		return true;
	if (plat_ip_parse(s, out) != 0)
		return false;
	return strcmp(plat_ip_format(out, canon, sizeof(canon)), s) == 0;
}

static bool parse_prefix(const char *s, struct plat_prefix *out)
{
	char canon[PLAT_PREFIX_STRMAX];

	if (plat_prefix_parse(s, false, out) != 0 || !strchr(s, '/'))
		return false;
	return strcmp(plat_prefix_format(out, canon, sizeof(canon)), s) == 0;
}

/* "ADDR/LEN" of an interface address: host bits are meaningful here and kept. */
static bool parse_addr_len(const char *s, struct plat_prefix *out)
{
	char ip[PLAT_IP_STRMAX];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : 0;
	uint32_t len;

	if (!slash || n == 0 || n >= sizeof(ip))
		return false;
	memcpy(ip, s, n);
	ip[n] = '\0';
	if (!parse_opt_ip(ip, &out->ip) || out->ip.family == 0 ||
	    !parse_u32(slash + 1, out->ip.family == PLAT_AF_INET ? 32 : 128, &len))
		return false;
	out->len = (uint8_t)len;
	return true;
}

static bool copy_tok(char *dst, size_t dstlen, const char *s)
{
	size_t n = strlen(s);

	if (n >= dstlen)
		return false;
	memcpy(dst, s, n + 1);
	return true;
}

/* Parse the fields after "+ SEQ TYPE" of a record line. */
static bool parse_rec(const struct line *l, struct plat_jrec *r)
{
	const char *t = l->tok[2];
	const char *fields[MAX_TOKENS];
	const char *const *f;
	size_t nf = l->n - 3;
	uint32_t proto;

	for (size_t i = 3; i < l->n; i++)
		fields[i - 3] = l->tok[i];
	f = fields;
	if (strcmp(t, "link") == 0 && nf == 2) {
		r->type = PLAT_JREC_LINK;
		return plat_journal_ifname_ok(f[0]) && copy_tok(r->ifname, sizeof(r->ifname), f[0]) &&
		       parse_u32(f[1], UINT32_MAX, &r->ifindex);
	}
	if (strcmp(t, "addr") == 0 && nf == 4) {
		r->type = PLAT_JREC_ADDR;
		return plat_journal_ifname_ok(f[0]) && copy_tok(r->ifname, sizeof(r->ifname), f[0]) &&
		       parse_u32(f[1], UINT32_MAX, &r->ifindex) && r->ifindex != 0 &&
		       parse_addr_len(f[2], &r->prefix) && parse_opt_ip(f[3], &r->other) &&
		       (r->other.family == 0 || r->other.family == r->prefix.ip.family);
	}
	if (strcmp(t, "route") == 0 && nf == 7) {
		r->type = PLAT_JREC_ROUTE;
		return parse_prefix(f[0], &r->prefix) && parse_opt_ip(f[1], &r->other) &&
		       (r->other.family == 0 || r->other.family == r->prefix.ip.family) &&
		       plat_journal_ifname_ok(f[2]) && copy_tok(r->ifname, sizeof(r->ifname), f[2]) &&
		       parse_u32(f[3], UINT32_MAX, &r->ifindex) && r->ifindex != 0 &&
		       parse_u32(f[4], UINT32_MAX, &r->metric) &&
		       parse_u32(f[5], UINT32_MAX, &r->table) && r->table != 0 &&
		       parse_u32(f[6], 255, &proto) && (r->proto = (uint8_t)proto) != 0;
	}
	if (strcmp(t, "dns-resolved") == 0 && nf == 2) {
		r->type = PLAT_JREC_DNS_RESOLVED;
		return plat_journal_ifname_ok(f[0]) && copy_tok(r->ifname, sizeof(r->ifname), f[0]) &&
		       parse_u32(f[1], UINT32_MAX, &r->ifindex) && r->ifindex != 0;
	}
	if (strcmp(t, "dns-resolvconf") == 0 && nf == 1) {
		r->type = PLAT_JREC_DNS_RESOLVCONF;
		return plat_journal_ifname_ok(f[0]) && copy_tok(r->ifname, sizeof(r->ifname), f[0]);
	}
	if (strcmp(t, "dns-file") == 0 && nf == 3) {
		r->type = PLAT_JREC_DNS_FILE;
		return plat_journal_path_ok(f[0]) && plat_journal_path_ok(f[1]) &&
		       plat_journal_path_ok(f[2]) && copy_tok(r->path, sizeof(r->path), f[0]) &&
		       copy_tok(r->backup, sizeof(r->backup), f[1]) &&
		       copy_tok(r->ours, sizeof(r->ours), f[2]);
	}
	if (strcmp(t, "nrpt") == 0 && nf == 1) {
		r->type = PLAT_JREC_NRPT;
		return plat_journal_rule_ok(f[0]) && copy_tok(r->rule, sizeof(r->rule), f[0]);
	}
	if (strcmp(t, "nft") == 0 && nf == 1) {
		r->type = PLAT_JREC_NFT;
		return plat_journal_table_ok(f[0]) &&
		       copy_tok(r->nft_table, sizeof(r->nft_table), f[0]);
	}
	return false;
}

int plat_journal_parse(const char *buf, size_t len, struct plat_journal *out, char *err,
		       size_t errlen)
{
	struct line l; /* 3.6 KB */
	size_t pos = 0;
	unsigned lineno = 0;
	size_t plus = 0;

	if (!out || (!buf && len))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (len > PLAT_JOURNAL_MAX_BYTES) {
		seterr(err, errlen, "journal is %zu bytes, over the %d byte limit", len,
		       PLAT_JOURNAL_MAX_BYTES);
		return -E2BIG;
	}
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t ll;

		lineno++;
		if (!nl) {
			/* torn final write: the change it announced was never started */
			out->torn = true;
			break;
		}
		ll = (size_t)(nl - (buf + pos));
		if (ll + 1 > PLAT_JOURNAL_MAX_LINE) {
			seterr(err, errlen, "line %u is longer than %d bytes", lineno,
			       PLAT_JOURNAL_MAX_LINE);
			return -E2BIG;
		}
		if (memchr(buf + pos, '\0', ll) || tokenize(buf + pos, ll, &l) != 0) {
			seterr(err, errlen, "line %u is malformed", lineno);
			return -EINVAL;
		}
		pos += ll + 1;
		if (lineno == 1) {
			if (l.n != 2 || strcmp(l.tok[0], "sstp-journal") != 0 ||
			    strcmp(l.tok[1], "1") != 0) {
				seterr(err, errlen, "not an sstp journal (version 1) header");
				return -EINVAL;
			}
			continue;
		}
		if (lineno == 2) {
			uint64_t st;
			if (l.n != 4 || strcmp(l.tok[0], "owner") != 0 ||
			    !parse_u32(l.tok[1], 4194304, &out->owner.pid) || out->owner.pid == 0 ||
			    !parse_u64(l.tok[2], UINT64_MAX, &st) ||
			    (strcmp(l.tok[3], "-") != 0 && !bootid_ok(l.tok[3]))) {
				seterr(err, errlen, "line 2: bad owner line");
				return -EINVAL;
			}
			out->owner.start_ticks = st;
			if (strcmp(l.tok[3], "-") != 0)
				copy_tok(out->owner.boot_id, sizeof(out->owner.boot_id), l.tok[3]);
			continue;
		}
		uint32_t seq;
		if (l.n < 2 || strlen(l.tok[0]) != 1 || !parse_u32(l.tok[1], UINT32_MAX, &seq) ||
		    seq == 0) {
			seterr(err, errlen, "line %u: expected '+ SEQ ...' or '- SEQ'", lineno);
			return -EINVAL;
		}
		if (l.tok[0][0] == '+') {
			struct plat_jrec r;
			if (l.n < 3 || seq <= out->last_seq) {
				seterr(err, errlen, "line %u: missing type or sequence not increasing",
				       lineno);
				return -EINVAL;
			}
			if (++plus > PLAT_JOURNAL_MAX_RECS) {
				seterr(err, errlen, "more than %d records", PLAT_JOURNAL_MAX_RECS);
				return -E2BIG;
			}
			memset(&r, 0, sizeof(r));
			r.seq = seq;
			if (!parse_rec(&l, &r)) {
				seterr(err, errlen, "line %u: bad '%s' record", lineno, l.tok[2]);
				return -EINVAL;
			}
			out->recs[out->n++] = r;
			out->last_seq = seq;
		} else if (l.tok[0][0] == '-' && l.n == 2) {
			size_t i;
			for (i = 0; i < out->n && out->recs[i].seq != seq; i++)
				;
			if (i == out->n) {
				seterr(err, errlen, "line %u: record %u is not pending", lineno,
				       (unsigned)seq);
				return -EINVAL;
			}
			memmove(&out->recs[i], &out->recs[i + 1],
				(out->n - i - 1) * sizeof(out->recs[0]));
			out->n--;
		} else {
			seterr(err, errlen, "line %u: expected '+ SEQ ...' or '- SEQ'", lineno);
			return -EINVAL;
		}
	}
	if (lineno < 2 || (lineno == 2 && out->torn)) {
		seterr(err, errlen, "journal has no owner line");
		return -EINVAL;
	}
	return 0;
}

/* snprintf that reports truncation as -ENOSPC. */
static int fmt(char *buf, size_t len, const char *f, ...) __attribute__((format(printf, 3, 4)));
static int fmt(char *buf, size_t len, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, len, f, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= len)
		return -ENOSPC;
	return n;
}

int plat_journal_format_header(const struct plat_journal_owner *o, char *buf, size_t len)
{
	if (!o || o->pid == 0 || o->pid > 4194304 || (o->boot_id[0] && !bootid_ok(o->boot_id)))
		return -EINVAL;
	return fmt(buf, len, "sstp-journal 1\nowner %u %llu %s\n", (unsigned)o->pid,
		   (unsigned long long)o->start_ticks, o->boot_id[0] ? o->boot_id : "-");
}

static bool prefix_ok(const struct plat_prefix *p)
{
	return (p->ip.family == PLAT_AF_INET && p->len <= 32) ||
	       (p->ip.family == PLAT_AF_INET6 && p->len <= 128);
}

int plat_journal_format_rec(const struct plat_jrec *r, char *buf, size_t len)
{
	char a[PLAT_PREFIX_STRMAX], b[PLAT_IP_STRMAX];

	if (!r || r->seq == 0)
		return -EINVAL;
	b[0] = '-';
	b[1] = '\0';
	switch (r->type) {
	case PLAT_JREC_LINK:
		if (!plat_journal_ifname_ok(r->ifname))
			return -EINVAL;
		return fmt(buf, len, "+ %u link %s %u\n", (unsigned)r->seq, r->ifname,
			   (unsigned)r->ifindex);
	case PLAT_JREC_ADDR:
		if (!plat_journal_ifname_ok(r->ifname) || r->ifindex == 0 || !prefix_ok(&r->prefix) ||
		    (r->other.family && r->other.family != r->prefix.ip.family))
			return -EINVAL;
		if (r->other.family)
			plat_ip_format(&r->other, b, sizeof(b));
		return fmt(buf, len, "+ %u addr %s %u %s %s\n", (unsigned)r->seq, r->ifname,
			   (unsigned)r->ifindex, plat_prefix_format(&r->prefix, a, sizeof(a)), b);
	case PLAT_JREC_ROUTE:
		if (!plat_journal_ifname_ok(r->ifname) || r->ifindex == 0 || !prefix_ok(&r->prefix) ||
		    (r->other.family && r->other.family != r->prefix.ip.family) || r->table == 0 ||
		    r->proto == 0)
			return -EINVAL;
		if (r->other.family)
			plat_ip_format(&r->other, b, sizeof(b));
		return fmt(buf, len, "+ %u route %s %s %s %u %u %u %u\n", (unsigned)r->seq,
			   plat_prefix_format(&r->prefix, a, sizeof(a)), b, r->ifname,
			   (unsigned)r->ifindex, (unsigned)r->metric, (unsigned)r->table,
			   (unsigned)r->proto);
	case PLAT_JREC_DNS_RESOLVED:
		if (!plat_journal_ifname_ok(r->ifname) || r->ifindex == 0)
			return -EINVAL;
		return fmt(buf, len, "+ %u dns-resolved %s %u\n", (unsigned)r->seq, r->ifname,
			   (unsigned)r->ifindex);
	case PLAT_JREC_DNS_RESOLVCONF:
		if (!plat_journal_ifname_ok(r->ifname))
			return -EINVAL;
		return fmt(buf, len, "+ %u dns-resolvconf %s\n", (unsigned)r->seq, r->ifname);
	case PLAT_JREC_DNS_FILE:
		if (!plat_journal_path_ok(r->path) || !plat_journal_path_ok(r->backup) ||
		    !plat_journal_path_ok(r->ours))
			return -EINVAL;
		return fmt(buf, len, "+ %u dns-file %s %s %s\n", (unsigned)r->seq, r->path,
			   r->backup, r->ours);
	case PLAT_JREC_NRPT:
		if (!plat_journal_rule_ok(r->rule))
			return -EINVAL;
		return fmt(buf, len, "+ %u nrpt %s\n", (unsigned)r->seq, r->rule);
	case PLAT_JREC_NFT:
		if (!plat_journal_table_ok(r->nft_table))
			return -EINVAL;
		return fmt(buf, len, "+ %u nft %s\n", (unsigned)r->seq, r->nft_table);
	}
	return -EINVAL;
}

int plat_journal_format_done(uint32_t seq, char *buf, size_t len)
{
	if (seq == 0)
		return -EINVAL;
	return fmt(buf, len, "- %u\n", (unsigned)seq);
}

/* path is a file directly inside dir ("dir/name", name without '/' and not "." or ".."). */
static bool directly_in(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	const char *name;

	while (n > 1 && (dir[n - 1] == '/' || dir[n - 1] == '\\'))
		n--;
	if (n == 0 || strncmp(path, dir, n) != 0 || (path[n] != '/' && path[n] != '\\'))
		return false;
	name = path + n + 1;
	return name[0] && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
	       !strchr(name, '/') && !strchr(name, '\\');
}

bool plat_journal_rec_confined(const struct plat_jrec *r, const char *state_dir,
			       const char *resolv_conf, char *why, size_t whylen)
{
	const char *rc = resolv_conf && resolv_conf[0] ? resolv_conf : "/etc/resolv.conf";

	switch (r->type) {
	case PLAT_JREC_ROUTE:
		if (r->proto != PLAT_NET_RTPROT) {
			snprintf(why, whylen, "record %u names a route of protocol %u, not sstp's (%u): "
				 "refused", (unsigned)r->seq, (unsigned)r->proto, PLAT_NET_RTPROT);
			return false;
		}
		return true;
	case PLAT_JREC_DNS_FILE:
		if (strcmp(r->path, rc) != 0) {
			snprintf(why, whylen, "record %u names the file %s, not the configured %s: "
				 "refused", (unsigned)r->seq, r->path, rc);
			return false;
		}
		if (!state_dir || !directly_in(r->backup, state_dir) ||
		    !directly_in(r->ours, state_dir)) {
			snprintf(why, whylen, "record %u keeps its copies outside the state directory "
				 "%s: refused", (unsigned)r->seq, state_dir ? state_dir : "(none)");
			return false;
		}
		return true;
	default:
		return true;
	}
}
