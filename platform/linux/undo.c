/* undo.c - revert one undo-journal record, used both by a live session's undo_all and by the
 * replay of a dead session's journal. Each undo first checks that the system still matches the
 * record (same interface name at that index, a TUN, our route protocol) so it can only remove
 * what sstp itself added. */
#include "plat_linux.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

/* The link a record names: GONE if it no longer exists, SKIPPED if the index now has another
 * name, 0 if it is there, or -errno. */
static int check_link(const struct plat_undo_env *env, const struct plat_jrec *r,
		      struct plat_nl_link *l, char *msg, size_t msglen)
{
	int e = plat_nl_link_get(env->nl, r->ifindex, NULL, l);

	if (e == -ENODEV)
		return PLAT_UNDO_GONE;
	if (e < 0) {
		snprintf(msg, msglen, "looking up interface %s (%u): %s", r->ifname,
			 (unsigned)r->ifindex, strerror(-e));
		return e;
	}
	if (strcmp(l->name, r->ifname) != 0) {
		snprintf(msg, msglen, "interface %u is now %s, not %s: left alone",
			 (unsigned)r->ifindex, l->name, r->ifname);
		return PLAT_UNDO_SKIPPED;
	}
	return 0;
}

static int undo_link(const struct plat_undo_env *env, const struct plat_jrec *r, char *msg,
		     size_t msglen)
{
	struct plat_nl_link l;
	int e;

	if (r->ifindex == 0)
		return PLAT_UNDO_GONE; /* crashed before the device existed; it is not persistent */
	e = check_link(env, r, &l, msg, msglen);
	if (e != 0)
		return e;
	if (strcmp(l.kind, "tun") != 0) {
		snprintf(msg, msglen, "interface %s is no longer a TUN device: left alone", l.name);
		return PLAT_UNDO_SKIPPED;
	}
	e = plat_nl_link_del(env->nl, r->ifindex);
	if (e == -ENODEV)
		return PLAT_UNDO_GONE;
	if (e < 0) {
		snprintf(msg, msglen, "deleting interface %s: %s", r->ifname, strerror(-e));
		return e;
	}
	return PLAT_UNDO_DONE;
}

static int undo_addr(const struct plat_undo_env *env, const struct plat_jrec *r, char *msg,
		     size_t msglen)
{
	struct plat_nl_link l;
	struct plat_nl_addr a;
	char s[PLAT_PREFIX_STRMAX];
	int e = check_link(env, r, &l, msg, msglen);

	if (e != 0)
		return e;
	memset(&a, 0, sizeof(a));
	a.ifindex = r->ifindex;
	a.local = r->prefix;
	a.peer = r->other;
	e = plat_nl_addr_change(env->nl, RTM_DELADDR, &a);
	if (e == -EADDRNOTAVAIL || e == -ENOENT || e == -ESRCH || e == -ENODEV)
		return PLAT_UNDO_GONE;
	if (e < 0) {
		snprintf(msg, msglen, "deleting address %s from %s: %s",
			 plat_prefix_format(&r->prefix, s, sizeof(s)), r->ifname, strerror(-e));
		return e;
	}
	return PLAT_UNDO_DONE;
}

static int undo_route(const struct plat_undo_env *env, const struct plat_jrec *r, char *msg,
		      size_t msglen)
{
	struct plat_nl_link l;
	struct plat_nl_route rt;
	char s[PLAT_PREFIX_STRMAX];
	int e = check_link(env, r, &l, msg, msglen);

	if (e != 0)
		return e; /* routes through a vanished device vanished with it */
	memset(&rt, 0, sizeof(rt));
	rt.dst = r->prefix;
	rt.gw = r->other;
	rt.oif = r->ifindex;
	rt.metric = r->metric;
	rt.table = r->table;
	rt.protocol = r->proto; /* never matches a route someone else added */
	e = plat_nl_route_change(env->nl, RTM_DELROUTE, &rt);
	if (e == -ESRCH || e == -ENOENT || e == -ENODEV)
		return PLAT_UNDO_GONE;
	if (e < 0) {
		snprintf(msg, msglen, "deleting route %s dev %s: %s",
			 plat_prefix_format(&r->prefix, s, sizeof(s)), r->ifname, strerror(-e));
		return e;
	}
	return PLAT_UNDO_DONE;
}

int plat_undo_rec(const struct plat_undo_env *env, const struct plat_jrec *r, char *msg,
		  size_t msglen)
{
	if (msglen)
		msg[0] = '\0';
	switch (r->type) {
	case PLAT_JREC_LINK:
		return undo_link(env, r, msg, msglen);
	case PLAT_JREC_ADDR:
		return undo_addr(env, r, msg, msglen);
	case PLAT_JREC_ROUTE:
		return undo_route(env, r, msg, msglen);
	case PLAT_JREC_DNS_RESOLVED:
		return plat_dns_undo_resolved(env, r, msg, msglen);
	case PLAT_JREC_DNS_RESOLVCONF:
		return plat_dns_undo_resolvconf(env, r, msg, msglen);
	case PLAT_JREC_DNS_FILE:
		return plat_dns_undo_file(env, r, msg, msglen);
	case PLAT_JREC_NFT:
		return plat_ks_undo(r, msg, msglen);
	case PLAT_JREC_NRPT:
		snprintf(msg, msglen, "NRPT rule %s: a Windows record, left alone", r->rule);
		return PLAT_UNDO_SKIPPED;
	}
	snprintf(msg, msglen, "unknown journal record type %d", (int)r->type);
	return -EINVAL;
}
