/* dns_file.c - the last-resort DNS backend: rewrite /etc/resolv.conf after saving the original
 * (BACKUP/SESSION.resolv.conf.orig) and what we wrote (BACKUP/SESSION.resolv.conf.sstp), BACKUP
 * being a directory that survives a reboot (/var/lib/sstp); undo puts the original back only if
 * the file still holds exactly our text, and otherwise leaves the user's newer file alone and
 * says where the original is. A pair left without its journal (a crash, then a reboot emptied
 * /run) is found by plat_dns_file_orphans. Symlinked resolv.conf files are not touched. */
#include "plat_linux.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RESOLV_MAX 65536
#define GLIBC_MAXNS 3

struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void put(struct sbuf *b, const char *s, size_t l)
{
	if (b->oom)
		return;
	if (b->len + l + 1 > b->cap) {
		size_t nc = (b->cap + l + 1) * 2;
		char *n = realloc(b->s, nc);
		if (!n) {
			b->oom = true;
			return;
		}
		b->s = n;
		b->cap = nc;
	}
	memcpy(b->s + b->len, s, l);
	b->len += l;
	b->s[b->len] = '\0';
}

static void puts_(struct sbuf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* Does line (length l) start with keyword followed by a blank? */
static bool keyword(const char *line, size_t l, const char *kw)
{
	size_t k = strlen(kw);

	return l > k && strncmp(line, kw, k) == 0 && (line[k] == ' ' || line[k] == '\t');
}

char *plat_dns_resolv_conf_text(const struct plat_dns_config *c, const char *orig,
				const char *session, const char *ifname)
{
	struct sbuf b = {0};
	char a[PLAT_IP_STRMAX];
	size_t ns = 0;
	const char *p;

	puts_(&b, "# Written by sstp (session ");
	puts_(&b, session);
	puts_(&b, ", interface ");
	puts_(&b, ifname);
	puts_(&b, "); the previous file comes back when it disconnects.\n");
	for (size_t i = 0; i < c->n_servers && ns < GLIBC_MAXNS; i++, ns++) {
		puts_(&b, "nameserver ");
		puts_(&b, plat_ip_format(&c->servers[i], a, sizeof(a)));
		puts_(&b, "\n");
	}
	/* split tunnel: keep the user's servers behind ours (glibc reads at most 3) */
	for (p = orig; p && *p && !c->full_tunnel;) {
		size_t l = strcspn(p, "\n");
		if (keyword(p, l, "nameserver") && ns < GLIBC_MAXNS) {
			put(&b, p, l);
			puts_(&b, "\n");
			ns++;
		}
		p += l + (p[l] == '\n');
	}
	if (c->n_domains) {
		puts_(&b, "search");
		for (size_t i = 0; i < c->n_domains; i++) {
			puts_(&b, " ");
			puts_(&b, c->domains[i]);
		}
		/* the user's search list after ours */
		for (p = orig; p && *p;) {
			size_t l = strcspn(p, "\n");
			if (keyword(p, l, "search") || keyword(p, l, "domain")) {
				size_t k = strcspn(p, " \t");
				put(&b, p + k, l - k);
			}
			p += l + (p[l] == '\n');
		}
		puts_(&b, "\n");
	} else {
		for (p = orig; p && *p;) {
			size_t l = strcspn(p, "\n");
			if (keyword(p, l, "search") || keyword(p, l, "domain")) {
				put(&b, p, l);
				puts_(&b, "\n");
			}
			p += l + (p[l] == '\n');
		}
	}
	for (p = orig; p && *p;) {
		size_t l = strcspn(p, "\n");
		if (keyword(p, l, "options") || keyword(p, l, "sortlist")) {
			put(&b, p, l);
			puts_(&b, "\n");
		}
		p += l + (p[l] == '\n');
	}
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

/* Replace the content of path, keeping its mode: atomically by rename when we can; in place when
 * the file is a mount point (a bind mount, as in containers), where rename fails with EBUSY. */
static int replace_content(const char *path, const char *data, size_t len)
{
	struct stat st;
	int r, fd;

	if (lstat(path, &st) != 0)
		return -errno;
	r = plat_write_file_durable(path, data, len, st.st_mode & 07777);
	if (r != -EBUSY && r != -EXDEV && r != -EACCES && r != -EPERM && r != -EROFS)
		return r;
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	r = 0;
	while (len && r == 0) {
		ssize_t w = write(fd, data, len);
		if (w < 0 && errno != EINTR)
			r = -errno;
		else if (w > 0) {
			data += w;
			len -= (size_t)w;
		}
	}
	if (r == 0 && fsync(fd) != 0)
		r = -errno;
	close(fd);
	return r;
}

/* The backup directory, 0700, with its parent when that is missing too (/var/lib/sstp). */
static int make_dir(const char *dir)
{
	char parent[PATH_MAX];
	char *slash;

	if (mkdir(dir, 0700) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT || (size_t)snprintf(parent, sizeof(parent), "%s", dir) >= sizeof(parent))
		return -errno;
	slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return -ENOENT;
	*slash = '\0';
	if (mkdir(parent, 0755) != 0 && errno != EEXIST)
		return -errno;
	return mkdir(dir, 0700) == 0 || errno == EEXIST ? 0 : -errno;
}

static int state_paths(const struct plat_dns_env *e, struct plat_jrec *rec)
{
	const char *dir = e->backup_dir ? e->backup_dir : e->state_dir;

	if ((size_t)snprintf(rec->backup, sizeof(rec->backup), "%s/%s.resolv.conf.orig", dir,
			     e->session) >= sizeof(rec->backup) ||
	    (size_t)snprintf(rec->ours, sizeof(rec->ours), "%s/%s.resolv.conf.sstp", dir,
			     e->session) >= sizeof(rec->ours) ||
	    (size_t)snprintf(rec->path, sizeof(rec->path), "%s", e->resolv_conf_path) >=
		    sizeof(rec->path))
		return -ENAMETOOLONG;
	if (!plat_journal_path_ok(rec->backup) || !plat_journal_path_ok(rec->path))
		return -EINVAL;
	return 0;
}

int plat_dns_apply_file(const struct plat_dns_env *e, const struct plat_dns_config *c, char *err,
			size_t errlen)
{
	struct plat_jrec rec;
	struct stat st;
	char *orig = NULL, *ours = NULL;
	size_t olen;
	int r;

	memset(&rec, 0, sizeof(rec));
	rec.type = PLAT_JREC_DNS_FILE;
	if ((r = state_paths(e, &rec)) != 0) {
		snprintf(err, errlen, "resolv.conf or state paths are unusable (no spaces allowed)");
		return r;
	}
	if (lstat(rec.path, &st) != 0) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", rec.path, strerror(-r));
		return r;
	}
	if (S_ISLNK(st.st_mode) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s is %s, managed by another resolver: not rewriting it",
			 rec.path, S_ISLNK(st.st_mode) ? "a symlink" : "not a regular file");
		return -ENOTSUP;
	}
	if ((r = plat_read_file(rec.path, RESOLV_MAX, &orig, &olen)) != 0) {
		snprintf(err, errlen, "reading %s: %s", rec.path, strerror(-r));
		return r;
	}
	ours = plat_dns_resolv_conf_text(c, orig, e->session, e->ifname);
	if (!ours) {
		free(orig);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if ((r = make_dir(e->backup_dir ? e->backup_dir : e->state_dir)) != 0)
		goto out_msg;
	if (access(rec.backup, F_OK) == 0) {
		char old[PATH_MAX];
		snprintf(old, sizeof(old), "%s.old", rec.backup);
		if (rename(rec.backup, old) == 0)
			plat_logf(e->undo->log, e->undo->log_ctx, 1,
				  "an earlier backup of %s was kept as %s", rec.path, old);
	}
	if ((r = plat_write_file_durable(rec.backup, orig, olen, 0600)) != 0 ||
	    (r = plat_write_file_durable(rec.ours, ours, strlen(ours), 0600)) != 0)
		goto out_msg;
	if ((r = e->journal_add(e->ctx, &rec)) != 0) {
		snprintf(err, errlen, "cannot write the undo journal: %s", strerror(-r));
		goto out_files;
	}
	r = replace_content(rec.path, ours, strlen(ours));
	if (r != 0) {
		snprintf(err, errlen, "rewriting %s: %s", rec.path, strerror(-r));
		if (replace_content(rec.path, orig, olen) == 0)
			e->journal_drop(e->ctx, rec.seq);
		else
			goto out; /* keep the backup and the record: cleanup restores it */
		goto out_files;
	}
	free(orig);
	free(ours);
	return 0;
out_msg:
	snprintf(err, errlen, "saving %s to %s: %s", rec.path,
		 e->backup_dir ? e->backup_dir : e->state_dir, strerror(-r));
out_files:
	unlink(rec.backup);
	unlink(rec.ours);
out:
	free(orig);
	free(ours);
	return r;
}

int plat_dns_undo_file(const struct plat_undo_env *env, const struct plat_jrec *r, char *msg,
		       size_t msglen)
{
	char *cur = NULL, *ours = NULL, *orig = NULL;
	size_t clen, olen, glen;
	int e, ret;

	if (plat_read_file(r->backup, RESOLV_MAX, &orig, &glen) != 0) {
		if (access(r->ours, F_OK) != 0)
			return PLAT_UNDO_GONE; /* both removed: the restore had finished */
		snprintf(msg, msglen, "the saved copy %s is missing: %s left as it is", r->backup,
			 r->path);
		unlink(r->ours);
		return PLAT_UNDO_SKIPPED;
	}
	e = plat_read_file(r->path, RESOLV_MAX, &cur, &clen);
	if (e == 0 && clen == glen && memcmp(cur, orig, clen) == 0) {
		ret = PLAT_UNDO_GONE; /* our text never made it there */
		goto remove;
	}
	if (plat_read_file(r->ours, RESOLV_MAX, &ours, &olen) != 0 || e != 0 || clen != olen ||
	    memcmp(cur, ours, clen) != 0) {
		snprintf(msg, msglen,
			 "%s was changed after sstp wrote it: left as it is; the file it replaced "
			 "is kept in %s",
			 r->path, r->backup);
		unlink(r->ours);
		ret = PLAT_UNDO_SKIPPED;
		goto out;
	}
	e = replace_content(r->path, orig, glen);
	if (e != 0) {
		snprintf(msg, msglen, "restoring %s from %s: %s", r->path, r->backup, strerror(-e));
		ret = e;
		goto out;
	}
	ret = PLAT_UNDO_DONE;
remove:
	unlink(r->ours);
	unlink(r->backup);
out:
	free(cur);
	free(ours);
	free(orig);
	return ret;
}

/* One orphaned pair: undo it like its journal record would have been. */
static void orphan_one(const struct plat_net_config *cfg, const struct plat_undo_env *env,
		       const char *backup_dir, const char *session, struct plat_cleanup_report *rep,
		       int *first)
{
	struct plat_jrec rec;
	char msg[PLAT_NET_ERR_MAX] = "";
	int e;

	memset(&rec, 0, sizeof(rec));
	rec.type = PLAT_JREC_DNS_FILE;
	snprintf(rec.path, sizeof(rec.path), "%s",
		 cfg->resolv_conf_path && cfg->resolv_conf_path[0] ? cfg->resolv_conf_path
								    : "/etc/resolv.conf");
	if ((size_t)snprintf(rec.backup, sizeof(rec.backup), "%s/%s.resolv.conf.orig", backup_dir,
			     session) >= sizeof(rec.backup) ||
	    (size_t)snprintf(rec.ours, sizeof(rec.ours), "%s/%s.resolv.conf.sstp", backup_dir,
			     session) >= sizeof(rec.ours))
		return;
	plat_logf(cfg->log, cfg->log_ctx, 2,
		  "session %s left %s rewritten and no journal (a crash, then a reboot?): putting "
		  "back %s", session, rec.path, rec.backup);
	e = plat_dns_undo_file(env, &rec, msg, sizeof(msg));
	if (e == PLAT_UNDO_DONE) {
		rep->undone++;
	} else if (e == PLAT_UNDO_GONE) {
		rep->already_gone++;
	} else if (e == PLAT_UNDO_SKIPPED) {
		rep->skipped++;
		plat_logf(cfg->log, cfg->log_ctx, 1, "%s", msg);
	} else {
		rep->failed++;
		plat_logf(cfg->log, cfg->log_ctx, 0, "session %s: %s", session, msg);
		if (!*first)
			*first = e;
	}
}

int plat_dns_file_orphans(const struct plat_net_config *cfg, const struct plat_undo_env *env,
			  const char *state_dir, const char *backup_dir,
			  struct plat_cleanup_report *rep)
{
	static const char sfx[] = ".resolv.conf.orig";
	const size_t sl = sizeof(sfx) - 1;
	struct stat st;
	struct dirent *de;
	int first = 0;
	DIR *d;

	/* what is found here is written to resolv.conf: only from a directory nobody else writes */
	if (stat(backup_dir, &st) != 0)
		return 0;
	if (st.st_uid != geteuid() || (st.st_mode & 022)) {
		plat_logf(cfg->log, cfg->log_ctx, 0, "backup directory %s is %s: its resolv.conf "
			  "copies are not restored (chown root and chmod go-w it)", backup_dir,
			  st.st_uid != geteuid() ? "owned by another user" : "writable by group or "
			  "others");
		return -EPERM;
	}
	if (!(d = opendir(backup_dir)))
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d)) != NULL) {
		char session[PLAT_NET_SESSION_MAX + 1], path[PATH_MAX];
		size_t l = strlen(de->d_name);

		if (l <= sl || l - sl > PLAT_NET_SESSION_MAX || strcmp(de->d_name + l - sl, sfx) != 0)
			continue;
		memcpy(session, de->d_name, l - sl);
		session[l - sl] = '\0';
		if (!plat_journal_session_ok(session) ||
		    (cfg->session && strcmp(cfg->session, session) != 0))
			continue;
		/* a journal (live, or kept because its replay failed) owns the pair */
		snprintf(path, sizeof(path), "%s/%s.journal", state_dir, session);
		if (access(path, F_OK) == 0)
			continue;
		/* only the original without our copy: a backup kept for a human, not pending */
		snprintf(path, sizeof(path), "%s/%s.resolv.conf.sstp", backup_dir, session);
		if (access(path, F_OK) != 0)
			continue;
		orphan_one(cfg, env, backup_dir, session, rep, &first);
	}
	closedir(d);
	return first;
}
