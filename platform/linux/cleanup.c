/* cleanup.c - crash recovery: find the undo journals in the state directory whose owner process
 * is dead (pid, start time and boot id compared) and replay them newest record first, marking
 * each record done as it is undone, so an interrupted cleanup can simply be run again; then put
 * back the resolv.conf copies in the backup directory that no journal names any more. */
#include "plat_linux.h"
#include "plat_paths.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_JOURNALS 128
#define MAX_LIVE_IFNAMES 256

struct found {
	char session[PLAT_NET_SESSION_MAX + 1];
	bool live;
};

/* Interface names a live journal claims (so a dead journal's record for a reused name is not
 * replayed against a running session). */
static void collect_live(const struct plat_journal *j, char (*names)[PLAT_NET_IFNAME_MAX],
			 size_t *n)
{
	for (size_t i = 0; i < j->n && *n < MAX_LIVE_IFNAMES; i++) {
		if (j->recs[i].ifname[0])
			memcpy(names[(*n)++], j->recs[i].ifname, PLAT_NET_IFNAME_MAX);
	}
}

/* A journal read back from disk names only what sstp makes: its own routes and resolv.conf
 * copies (plat_journal_rec_confined), its own session's kill-switch table, and addresses and per-link DNS only on TUN devices (an
 * interface of another kind, such as the uplink, is never touched). true, or false with why. */
static bool confined(const struct plat_net_config *cfg, const char *dir, const char *session,
		     const struct plat_undo_env *env, const struct plat_jrec *r, char *why,
		     size_t whylen)
{
	struct plat_nl_link l;
	int e;

	/* the resolv.conf copies live in the backup directory (older journals: the state dir) */
	if (!plat_journal_rec_confined(r, dir, cfg->resolv_conf_path, why, whylen) &&
	    (r->type != PLAT_JREC_DNS_FILE ||
	     !plat_journal_rec_confined(r, plat_backup_dir_for(cfg->backup_dir, dir),
					cfg->resolv_conf_path, why, whylen)))
		return false;
	if (r->type == PLAT_JREC_NFT && strcmp(r->nft_table + 5, session) != 0) {
		/* a journal removes only its own session's kill switch */
		snprintf(why, whylen, "record %u names the nftables table %s, not sstp_%s: refused",
			 (unsigned)r->seq, r->nft_table, session);
		return false;
	}
	if (r->type == PLAT_JREC_ADDR || r->type == PLAT_JREC_DNS_RESOLVED)
		e = r->ifindex ? plat_nl_link_get(env->nl, r->ifindex, NULL, &l) : -ENODEV;
	else if (r->type == PLAT_JREC_DNS_RESOLVCONF)
		e = plat_nl_link_get(env->nl, 0, r->ifname, &l);
	else
		return true;
	if (e == 0 && strcmp(l.kind, "tun") != 0) {
		snprintf(why, whylen, "record %u names interface %s (%u), which is not a TUN device: "
			 "refused", (unsigned)r->seq, l.name, (unsigned)l.ifindex);
		return false;
	}
	return true;
}

static int replay(const struct plat_net_config *cfg, const char *dir, const char *session,
		  struct plat_journal *jr, struct plat_undo_env *env,
		  struct plat_cleanup_report *rep)
{
	struct plat_jfile jf;
	char msg[PLAT_NET_ERR_MAX];
	int e, first = 0;
	unsigned failed = 0;

	if ((e = plat_jfile_init(&jf, dir, session)) != 0)
		return e;
	if ((e = plat_jfile_open_existing(&jf, jr->last_seq)) != 0) {
		if (e == -EWOULDBLOCK)
			plat_logf(cfg->log, cfg->log_ctx, 2, "journal %s is being replayed already",
				  jf.path);
		return e == -EWOULDBLOCK || e == -ENOENT ? 0 : e;
	}
	plat_logf(cfg->log, cfg->log_ctx, 2,
		  "undoing %zu change(s) left by session %s (process %u, no longer running)", jr->n,
		  session, (unsigned)jr->owner.pid);
	for (size_t i = jr->n; i-- > 0;) {
		const struct plat_jrec *r = &jr->recs[i];

		if (!confined(cfg, dir, session, env, r, msg, sizeof(msg))) {
			rep->skipped++;
			plat_logf(cfg->log, cfg->log_ctx, 1, "journal of session %s: %s", session, msg);
			plat_jfile_done(&jf, r->seq);
			continue;
		}
		e = plat_undo_rec(env, r, msg, sizeof(msg));
		switch (e) {
		case PLAT_UNDO_DONE:
			rep->undone++;
			break;
		case PLAT_UNDO_GONE:
			rep->already_gone++;
			break;
		case PLAT_UNDO_SKIPPED:
			rep->skipped++;
			plat_logf(cfg->log, cfg->log_ctx, 1, "%s", msg);
			break;
		default:
			rep->failed++;
			failed++;
			plat_logf(cfg->log, cfg->log_ctx, 0, "cleanup of session %s: %s", session, msg);
			if (!first)
				first = e;
			continue;
		}
		plat_jfile_done(&jf, r->seq);
	}
	if (failed == 0) {
		rep->journals_replayed++;
		e = plat_jfile_close(&jf, true);
		return e;
	}
	plat_jfile_close(&jf, false);
	return first;
}

/* Journals are replayed with our privileges: only from a directory that we own and that
 * nobody else can write (else anyone could plant one). 0, 0 when it does not exist, or -EPERM. */
static int state_dir_trusted(const struct plat_net_config *cfg, const char *dir)
{
	struct stat st;

	if (stat(dir, &st) != 0)
		return 0; /* opendir() reports it */
	if (st.st_uid != geteuid() || (st.st_mode & 022)) {
		plat_logf(cfg->log, cfg->log_ctx, 0, "state directory %s is %s: its journals are not "
			  "replayed (chown root and chmod go-w it)", dir, st.st_uid != geteuid()
			  ? "owned by another user" : "writable by group or others");
		return -EPERM;
	}
	return 0;
}

int plat_net_cleanup_stale(const struct plat_net_config *cfg, struct plat_cleanup_report *rep)
{
	struct plat_cleanup_report dummy;
	const char *dir = cfg && cfg->state_dir ? cfg->state_dir : plat_default_state_dir();
	struct plat_net_config none = {0};
	struct found *found = NULL;
	char(*live)[PLAT_NET_IFNAME_MAX] = NULL;
	struct plat_journal *jr = NULL;
	struct plat_undo_env env;
	struct plat_nl nl = {0};
	size_t nfound = 0, nlive = 0;
	struct dirent *de;
	DIR *d;
	int e, first = 0;

	if (!rep)
		rep = &dummy;
	memset(rep, 0, sizeof(*rep));
	if (!cfg)
		cfg = &none;
	if ((e = state_dir_trusted(cfg, dir)) != 0)
		return e;
	d = opendir(dir); /* none after a reboot: the backup directory may still hold copies */
	if (!d && errno != ENOENT)
		return -errno;
	found = calloc(MAX_JOURNALS, sizeof(*found));
	live = calloc(MAX_LIVE_IFNAMES, sizeof(*live));
	jr = malloc(sizeof(*jr));
	if (!found || !live || !jr) {
		first = -ENOMEM;
		goto out;
	}
	/* pass 1: classify every journal, remember what live sessions claim */
	while (d && (de = readdir(d)) != NULL && nfound < MAX_JOURNALS) {
		size_t l = strlen(de->d_name);
		char path[PATH_MAX], msg[PLAT_NET_ERR_MAX];
		const size_t sl = sizeof(".journal") - 1;

		if (l <= sl || strcmp(de->d_name + l - sl, ".journal") != 0 || l - sl > PLAT_NET_SESSION_MAX)
			continue;
		memcpy(found[nfound].session, de->d_name, l - sl);
		found[nfound].session[l - sl] = '\0';
		if (!plat_journal_session_ok(found[nfound].session))
			continue;
		rep->journals_found++;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		e = plat_jfile_read(path, jr, msg, sizeof(msg));
		if (e != 0) {
			/* unreadable or being written: never guess, leave it for a human */
			plat_logf(cfg->log, cfg->log_ctx, 1, "journal %s left alone: %s", path, msg);
			rep->failed++;
			if (!first && e != -ENOENT)
				first = e;
			continue;
		}
		found[nfound].live = plat_proc_owner_alive(&jr->owner) == 1;
		if (found[nfound].live) {
			rep->journals_live++;
			collect_live(jr, live, &nlive);
		}
		nfound++;
	}
	if (d)
		closedir(d);
	d = NULL;

	/* pass 2: replay the dead ones asked for */
	if ((e = plat_nl_open(&nl)) != 0) {
		first = e;
		goto out;
	}
	memset(&env, 0, sizeof(env));
	env.nl = &nl;
	env.resolvconf_cmd = cfg->resolvconf_cmd;
	env.busctl_cmd = cfg->busctl_cmd;
	env.log = cfg->log;
	env.log_ctx = cfg->log_ctx;
	env.live_ifnames = (const char(*)[PLAT_NET_IFNAME_MAX])live;
	env.n_live = nlive;
	for (size_t i = 0; i < nfound; i++) {
		char path[PATH_MAX], msg[PLAT_NET_ERR_MAX];

		if (found[i].live || (cfg->session && strcmp(cfg->session, found[i].session) != 0))
			continue;
		snprintf(path, sizeof(path), "%s/%s.journal", dir, found[i].session);
		/* read again: it may have changed since pass 1 */
		if (plat_jfile_read(path, jr, msg, sizeof(msg)) != 0 || plat_proc_owner_alive(&jr->owner))
			continue;
		e = replay(cfg, dir, found[i].session, jr, &env, rep);
		if (e && !first)
			first = e;
	}
	/* resolv.conf copies whose journal went with /run (a crash, then a reboot) */
	e = plat_dns_file_orphans(cfg, &env, dir, plat_backup_dir_for(cfg->backup_dir, dir), rep);
	if (e && !first)
		first = e;
out:
	if (d)
		closedir(d);
	plat_nl_close(&nl);
	free(found);
	free(live);
	free(jr);
	return first;
}
