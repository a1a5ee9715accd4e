/* dns.c - the three DNS backends of the Linux backend and their undo: systemd-resolved over D-Bus
 * (through busctl: per-link servers and routing domains, reverted with RevertLink), resolvconf /
 * openresolv (resolvconf -a/-d IFACE), and a direct /etc/resolv.conf rewrite whose original is
 * kept in the state dir and restored only if the file still holds exactly what we wrote. */
#include "plat_linux.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARGV_MAX 200

static const char *busctl_path(const char *cmd, char *buf, size_t len)
{
	return plat_proc_find(cmd ? cmd : "busctl", buf, len) == 0 ? buf : NULL;
}

bool plat_dns_resolved_running(const char *busctl_cmd)
{
	char bus[PATH_MAX], out[256];
	const char *b = busctl_path(busctl_cmd, bus, sizeof(bus));

	if (!b)
		return false;
	const char *argv[] = {b, "--system", "--timeout=5", "call", "org.freedesktop.DBus",
			      "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameHasOwner", "s",
			      "org.freedesktop.resolve1", NULL};
	return plat_proc_run(argv, NULL, out, sizeof(out)) == 0 && strncmp(out, "b true", 6) == 0;
}

/* A growing argv of strings kept in one pool. */
struct args {
	const char *v[ARGV_MAX + 1];
	size_t n;
	char pool[8192];
	size_t used;
	bool overflow;
};

static void arg(struct args *a, const char *s)
{
	size_t l = strlen(s) + 1;

	if (a->n >= ARGV_MAX || a->used + l > sizeof(a->pool)) {
		a->overflow = true;
		return;
	}
	memcpy(a->pool + a->used, s, l);
	a->v[a->n++] = a->pool + a->used;
	a->used += l;
	a->v[a->n] = NULL;
}

static void argu(struct args *a, unsigned v)
{
	char b[16];

	snprintf(b, sizeof(b), "%u", v);
	arg(a, b);
}

static void busctl_head(struct args *a, const char *bus, const char *method, const char *sig)
{
	a->n = 0;
	a->used = 0;
	a->overflow = false;
	arg(a, bus);
	arg(a, "--system");
	arg(a, "--timeout=5");
	arg(a, "call");
	arg(a, "org.freedesktop.resolve1");
	arg(a, "/org/freedesktop/resolve1");
	arg(a, "org.freedesktop.resolve1.Manager");
	arg(a, method);
	arg(a, sig);
}

static int run_busctl(struct args *a, const char *what, char *err, size_t errlen)
{
	char out[512];
	int r;

	if (a->overflow) {
		snprintf(err, errlen, "%s: too many arguments", what);
		return -E2BIG;
	}
	r = plat_proc_run(a->v, NULL, out, sizeof(out));
	if (r != 0) {
		out[strcspn(out, "\n")] = '\0';
		snprintf(err, errlen, "systemd-resolved %s failed: %s", what,
			 r < 0 ? strerror(-r) : out[0] ? out : "busctl exited with an error");
		return r < 0 ? r : -EIO;
	}
	return 0;
}

static bool domain_ok(const char *d)
{
	size_t n = d ? strlen(d) : 0;

	if (n == 0 || n > PLAT_DNS_DOMAIN_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = d[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == '_'))
			return false;
	}
	return true;
}

static int check_domains(const struct plat_dns_config *c, char *err, size_t errlen)
{
	for (size_t i = 0; i < c->n_domains; i++) {
		if (!domain_ok(c->domains[i])) {
			snprintf(err, errlen, "invalid DNS domain \"%.64s\"",
				 c->domains[i] ? c->domains[i] : "");
			return -EINVAL;
		}
	}
	return 0;
}

#define MAX_REVERSE 32

/* The reverse zones of a split tunnel without domains, each once; returns how many. */
static size_t reverse_zones(const struct plat_dns_config *c, char (*z)[PLAT_REVERSE_ZONE_MAX])
{
	size_t n = 0;

	if (c->full_tunnel || c->n_domains)
		return 0;
	for (size_t i = 0; i < c->n_reverse && n < MAX_REVERSE; i++) {
		char one[16][PLAT_REVERSE_ZONE_MAX];
		size_t k = plat_prefix_reverse_zones(&c->reverse[i], one, 16);

		for (size_t j = 0; j < k && j < 16 && n < MAX_REVERSE; j++) {
			size_t d = 0;
			while (d < n && strcmp(z[d], one[j]) != 0)
				d++;
			if (d == n)
				memcpy(z[n++], one[j], PLAT_REVERSE_ZONE_MAX);
		}
	}
	return n;
}

/* Routing domains ("~name": only these names go to the link's servers): the profile's domains;
 * "~." for a full tunnel; the routes' reverse zones for a split tunnel without domains. */
static int set_domains(struct args *a, const char *bus, uint32_t ifindex,
		       const struct plat_dns_config *c, char *err, size_t errlen)
{
	char(*rev)[PLAT_REVERSE_ZONE_MAX] = calloc(MAX_REVERSE, sizeof(*rev));
	size_t nrev;
	int r;

	if (!rev) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	nrev = reverse_zones(c, rev);
	busctl_head(a, bus, "SetLinkDomains", "ia(sb)");
	argu(a, ifindex);
	argu(a, (unsigned)(c->n_domains + nrev + (c->full_tunnel ? 1 : 0)));
	for (size_t i = 0; i < c->n_domains; i++) {
		arg(a, c->domains[i]);
		arg(a, "true");
	}
	for (size_t i = 0; i < nrev; i++) {
		arg(a, rev[i]);
		arg(a, "true");
	}
	if (c->full_tunnel) {
		arg(a, ".");
		arg(a, "true"); /* "~.": every query */
	}
	r = run_busctl(a, "SetLinkDomains", err, errlen);
	free(rev);
	return r;
}

int plat_dns_apply_resolved(const struct plat_dns_env *e, const struct plat_dns_config *c,
			    char *err, size_t errlen)
{
	char bus[PATH_MAX];
	const char *b = busctl_path(e->undo->busctl_cmd, bus, sizeof(bus));
	struct args a;
	struct plat_jrec rec;
	int r;

	if (!b) {
		snprintf(err, errlen, "busctl not found");
		return -ENOENT;
	}
	if ((r = check_domains(c, err, errlen)) != 0)
		return r;
	memset(&rec, 0, sizeof(rec));
	rec.type = PLAT_JREC_DNS_RESOLVED;
	snprintf(rec.ifname, sizeof(rec.ifname), "%s", e->ifname);
	rec.ifindex = e->ifindex;
	if ((r = e->journal_add(e->ctx, &rec)) != 0) {
		snprintf(err, errlen, "cannot write the undo journal: %s", strerror(-r));
		return r;
	}

	busctl_head(&a, b, "SetLinkDNS", "ia(iay)");
	argu(&a, e->ifindex);
	argu(&a, (unsigned)c->n_servers);
	for (size_t i = 0; i < c->n_servers; i++) {
		bool v6 = c->servers[i].family == PLAT_AF_INET6;
		argu(&a, v6 ? 10 : 2); /* AF_INET6 / AF_INET as resolved expects them */
		argu(&a, v6 ? 16 : 4);
		for (unsigned k = 0; k < (v6 ? 16u : 4u); k++)
			argu(&a, c->servers[i].addr[k]);
	}
	r = run_busctl(&a, "SetLinkDNS", err, errlen);
	if (r == 0)
		r = set_domains(&a, b, e->ifindex, c, err, errlen);
	if (r == 0) {
		/* systemd >= 240; without it the domains above still route the queries. A split
		 * tunnel with servers but no domains is asked every name too (as Windows does):
		 * resolved sends nothing to a link that has neither domains nor the default route */
		char ignore[256];
		busctl_head(&a, b, "SetLinkDefaultRoute", "ib");
		argu(&a, e->ifindex);
		arg(&a, c->full_tunnel || c->n_domains == 0 ? "true" : "false");
		run_busctl(&a, "SetLinkDefaultRoute", ignore, sizeof(ignore));
	}
	if (r != 0) {
		char m[256];
		if (plat_dns_undo_resolved(e->undo, &rec, m, sizeof(m)) >= 0)
			e->journal_drop(e->ctx, rec.seq);
	}
	return r;
}

int plat_dns_undo_resolved(const struct plat_undo_env *env, const struct plat_jrec *r, char *msg,
			   size_t msglen)
{
	char bus[PATH_MAX];
	const char *b = busctl_path(env->busctl_cmd, bus, sizeof(bus));
	struct plat_nl_link l;
	struct args a;
	int e;

	/* resolved forgets a link's settings when the link goes away */
	e = plat_nl_link_get(env->nl, r->ifindex, NULL, &l);
	if (e == -ENODEV)
		return PLAT_UNDO_GONE;
	if (e < 0) {
		snprintf(msg, msglen, "looking up %s: %s", r->ifname, strerror(-e));
		return e;
	}
	if (strcmp(l.name, r->ifname) != 0) {
		snprintf(msg, msglen, "interface %u is now %s, not %s: its DNS left alone",
			 (unsigned)r->ifindex, l.name, r->ifname);
		return PLAT_UNDO_SKIPPED;
	}
	if (!b) {
		snprintf(msg, msglen, "busctl not found: cannot revert DNS of %s", r->ifname);
		return -ENOENT;
	}
	busctl_head(&a, b, "RevertLink", "i");
	argu(&a, r->ifindex);
	e = run_busctl(&a, "RevertLink", msg, msglen);
	return e < 0 ? e : PLAT_UNDO_DONE;
}

/* nameserver/search lines for resolvconf's stdin and the resolv.conf rewrite. */
static int append(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t l = strlen(s);

	if (*len + l + 1 > *cap) {
		size_t nc = (*cap + l + 1) * 2;
		char *nb = realloc(*buf, nc);
		if (!nb)
			return -ENOMEM;
		*buf = nb;
		*cap = nc;
	}
	memcpy(*buf + *len, s, l + 1);
	*len += l;
	return 0;
}

static int server_lines(char **buf, size_t *len, size_t *cap, const struct plat_dns_config *c,
			size_t max)
{
	char a[PLAT_IP_STRMAX], line[PLAT_IP_STRMAX + 16];
	int r = 0;

	for (size_t i = 0; i < c->n_servers && i < max && r == 0; i++) {
		snprintf(line, sizeof(line), "nameserver %s\n",
			 plat_ip_format(&c->servers[i], a, sizeof(a)));
		r = append(buf, len, cap, line);
	}
	return r;
}

int plat_dns_apply_resolvconf(const struct plat_dns_env *e, const struct plat_dns_config *c,
			      char *err, size_t errlen)
{
	char cmd[PATH_MAX], out[512];
	char *text = NULL;
	size_t len = 0, cap = 0;
	struct plat_jrec rec;
	int r;

	if (plat_proc_find(e->undo->resolvconf_cmd ? e->undo->resolvconf_cmd : "resolvconf", cmd,
			   sizeof(cmd)) != 0) {
		snprintf(err, errlen, "resolvconf not found");
		return -ENOENT;
	}
	if ((r = check_domains(c, err, errlen)) != 0)
		return r;
	r = server_lines(&text, &len, &cap, c, PLAT_DNS_MAX_SERVERS);
	if (r == 0 && c->n_domains) {
		r = append(&text, &len, &cap, "search");
		for (size_t i = 0; i < c->n_domains && r == 0; i++) {
			r = append(&text, &len, &cap, " ");
			if (r == 0)
				r = append(&text, &len, &cap, c->domains[i]);
		}
		if (r == 0)
			r = append(&text, &len, &cap, "\n");
	}
	if (r != 0) {
		free(text);
		snprintf(err, errlen, "out of memory");
		return r;
	}
	memset(&rec, 0, sizeof(rec));
	rec.type = PLAT_JREC_DNS_RESOLVCONF;
	snprintf(rec.ifname, sizeof(rec.ifname), "%s", e->ifname);
	if ((r = e->journal_add(e->ctx, &rec)) != 0) {
		free(text);
		snprintf(err, errlen, "cannot write the undo journal: %s", strerror(-r));
		return r;
	}
	const char *argv[] = {cmd, "-a", e->ifname, NULL};
	r = plat_proc_run(argv, text, out, sizeof(out));
	free(text);
	if (r != 0) {
		char m[256];
		out[strcspn(out, "\n")] = '\0';
		snprintf(err, errlen, "resolvconf -a %s failed: %s", e->ifname,
			 r < 0 ? strerror(-r) : out[0] ? out : "exit status not 0");
		if (plat_dns_undo_resolvconf(e->undo, &rec, m, sizeof(m)) >= 0)
			e->journal_drop(e->ctx, rec.seq);
		return r < 0 ? r : -EIO;
	}
	return 0;
}

int plat_dns_undo_resolvconf(const struct plat_undo_env *env, const struct plat_jrec *r,
			     char *msg, size_t msglen)
{
	char cmd[PATH_MAX], out[512];
	int e;

	for (size_t i = 0; i < env->n_live; i++) {
		if (strcmp(env->live_ifnames[i], r->ifname) == 0) {
			snprintf(msg, msglen,
				 "resolvconf entry %s belongs to a running session now: left alone",
				 r->ifname);
			return PLAT_UNDO_SKIPPED;
		}
	}
	if (plat_proc_find(env->resolvconf_cmd ? env->resolvconf_cmd : "resolvconf", cmd,
			   sizeof(cmd)) != 0) {
		snprintf(msg, msglen, "resolvconf not found: cannot remove its entry %s", r->ifname);
		return -ENOENT;
	}
	const char *argv[] = {cmd, "-d", r->ifname, NULL};
	e = plat_proc_run(argv, NULL, out, sizeof(out));
	if (e != 0) {
		out[strcspn(out, "\n")] = '\0';
		snprintf(msg, msglen, "resolvconf -d %s failed: %s", r->ifname,
			 e < 0 ? strerror(-e) : out[0] ? out : "exit status not 0");
		return e < 0 ? e : -EIO;
	}
	return PLAT_UNDO_DONE;
}
