/* journal.c - the undo journal on Windows: the file (plat_journal.h's OS-independent format,
 * appended and flushed to disk before each change), the owner identity (pid + process creation
 * time), the replay plan of a journal (pure: newest first, one action per record) and its
 * execution through the IP Helper API and Wintun, and plat_net_cleanup_stale(). */
#include "plat_win_net.h"
#include "plat_paths.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int plat_win_jfile_init(struct plat_win_jfile *j, const char *state_dir, const char *session)
{
	memset(j, 0, sizeof(*j));
	j->h = INVALID_HANDLE_VALUE;
	if (!plat_journal_session_ok(session))
		return -EINVAL;
	if (!state_dir)
		state_dir = plat_default_state_dir();
	if (snprintf(j->dir, sizeof(j->dir), "%s", state_dir) >= (int)sizeof(j->dir) ||
	    snprintf(j->path, sizeof(j->path), "%s\\%s.journal", state_dir, session) >=
		    (int)sizeof(j->path))
		return -ENAMETOOLONG;
	return 0;
}

static int write_all(HANDLE h, const char *buf, size_t len)
{
	DWORD n;

	if (!WriteFile(h, buf, (DWORD)len, &n, NULL) || n != len)
		return plat_win_errno(GetLastError());
	if (!FlushFileBuffers(h)) /* on disk before the change it announces */
		return plat_win_errno(GetLastError());
	return 0;
}

int plat_win_jfile_create(struct plat_win_jfile *j)
{
	wchar_t w[MAX_PATH];
	char hdr[256];
	int r, n;

	if ((r = plat_win_widen(j->dir, w, MAX_PATH)) < 0)
		return r;
	if (!CreateDirectoryW(w, NULL) && GetLastError() != ERROR_ALREADY_EXISTS)
		return plat_win_errno(GetLastError());
	if ((r = plat_win_widen(j->path, w, MAX_PATH)) < 0)
		return r;
	if ((r = plat_win_self_owner(&j->owner)) < 0)
		return r;
	/* others may read it (cleanup checks the owner); nobody else may write or delete it */
	j->h = CreateFileW(w, FILE_APPEND_DATA | SYNCHRONIZE | DELETE, FILE_SHARE_READ, NULL,
			   CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
	if (j->h == INVALID_HANDLE_VALUE)
		return plat_win_errno(GetLastError());
	n = plat_journal_format_header(&j->owner, hdr, sizeof(hdr));
	if (n < 0)
		return n;
	return write_all(j->h, hdr, (size_t)n);
}

int plat_win_jfile_add(struct plat_win_jfile *j, struct plat_jrec *r)
{
	char line[PLAT_JOURNAL_MAX_LINE];
	int n, e;

	if (j->h == INVALID_HANDLE_VALUE && (e = plat_win_jfile_create(j)) < 0)
		return e;
	r->seq = j->last_seq + 1;
	n = plat_journal_format_rec(r, line, sizeof(line));
	if (n < 0)
		return n;
	if ((e = write_all(j->h, line, (size_t)n)) < 0)
		return e;
	j->last_seq = r->seq;
	return 0;
}

int plat_win_jfile_done(struct plat_win_jfile *j, uint32_t seq)
{
	char line[32];
	int n = plat_journal_format_done(seq, line, sizeof(line));

	if (j->h == INVALID_HANDLE_VALUE)
		return -EBADF;
	return n < 0 ? n : write_all(j->h, line, (size_t)n);
}

int plat_win_jfile_close(struct plat_win_jfile *j, bool remove)
{
	wchar_t w[MAX_PATH];
	int r = 0;

	if (j->h != INVALID_HANDLE_VALUE)
		CloseHandle(j->h);
	j->h = INVALID_HANDLE_VALUE;
	if (remove && plat_win_widen(j->path, w, MAX_PATH) == 0 && !DeleteFileW(w) &&
	    GetLastError() != ERROR_FILE_NOT_FOUND)
		r = plat_win_errno(GetLastError());
	return r;
}

int plat_win_jfile_read(const char *path, struct plat_journal *out, char *err, size_t errlen)
{
	wchar_t w[MAX_PATH];
	char *buf;
	DWORD n = 0;
	LARGE_INTEGER size;
	HANDLE h;
	int r;

	if ((r = plat_win_widen(path, w, MAX_PATH)) < 0)
		return r;
	h = CreateFileW(w, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
			OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE)
		return plat_win_errno(GetLastError());
	if (!GetFileSizeEx(h, &size) || size.QuadPart > PLAT_JOURNAL_MAX_BYTES) {
		CloseHandle(h);
		snprintf(err, errlen, "%s is larger than %d bytes", path, PLAT_JOURNAL_MAX_BYTES);
		return -E2BIG;
	}
	buf = malloc((size_t)size.QuadPart + 1);
	if (!buf) {
		CloseHandle(h);
		return -ENOMEM;
	}
	if (!ReadFile(h, buf, (DWORD)size.QuadPart, &n, NULL)) {
		r = plat_win_errno(GetLastError());
		CloseHandle(h);
		free(buf);
		return r;
	}
	CloseHandle(h);
	r = plat_journal_parse(buf, n, out, err, errlen);
	free(buf);
	return r;
}

int plat_win_self_owner(struct plat_journal_owner *o)
{
	memset(o, 0, sizeof(*o));
	o->pid = GetCurrentProcessId();
	return plat_win_process_start(o->pid, &o->start_ticks);
}

int plat_win_owner_alive(const struct plat_journal_owner *o)
{
	uint64_t start = 0;

	if (plat_win_process_start(o->pid, &start) < 0)
		return 0; /* no such process (or not ours to look at: then it is not the owner) */
	return start == o->start_ticks;
}

/* ---- replay -------------------------------------------------------------------------------- */

/* Whether r's interface is an adapter this journal created (a link record of the same name or,
 * once known, index). */
static bool own_adapter(const struct plat_journal *j, const struct plat_jrec *r)
{
	for (size_t i = 0; i < j->n; i++) {
		const struct plat_jrec *l = &j->recs[i];

		if (l->type != PLAT_JREC_LINK)
			continue;
		if ((l->ifindex && l->ifindex == r->ifindex) ||
		    (l->ifname[0] && strcmp(l->ifname, r->ifname) == 0))
			return true;
	}
	return false;
}

static const char *refusal(const struct plat_journal *j, const struct plat_jrec *r)
{
	bool host;

	switch (r->type) {
	case PLAT_JREC_ADDR:
	case PLAT_JREC_DNS_RESOLVED:
		return own_adapter(j, r) ? NULL : "names an interface this session did not create";
	case PLAT_JREC_ROUTE:
		if (r->proto != PLAT_NET_RTPROT)
			return "names a route of another protocol than sstp's";
		host = r->prefix.len == (r->prefix.ip.family == PLAT_AF_INET6 ? 128 : 32);
		return own_adapter(j, r) || host ? NULL :
			"names a network route on an interface this session did not create";
	default:
		return NULL;
	}
}

size_t plat_win_undo_plan(const struct plat_journal *j, struct plat_win_undo_step *steps,
			  size_t max)
{
	size_t k = 0;

	for (size_t i = j->n; i-- > 0 && k < max;) {
		const struct plat_jrec *r = &j->recs[i];
		enum plat_win_undo_action a;

		switch (r->type) {
		case PLAT_JREC_LINK: a = PLAT_WIN_UNDO_ADAPTER; break;
		case PLAT_JREC_ADDR: a = PLAT_WIN_UNDO_ADDR_DEL; break;
		case PLAT_JREC_ROUTE: a = PLAT_WIN_UNDO_ROUTE_DEL; break;
		case PLAT_JREC_DNS_RESOLVED: a = PLAT_WIN_UNDO_DNS_CLEAR; break;
		case PLAT_JREC_NRPT: a = PLAT_WIN_UNDO_NRPT_DEL; break;
		default: a = PLAT_WIN_UNDO_SKIP; break; /* resolvconf, resolv.conf: Linux only */
		}
		steps[k].why = refusal(j, r);
		steps[k].action = steps[k].why ? PLAT_WIN_UNDO_REFUSE : a;
		steps[k++].rec = r;
	}
	return k;
}

int plat_win_undo_step(const struct plat_win_undo_step *s, char *msg, size_t msglen)
{
	const struct plat_jrec *r = s->rec;
	char p[PLAT_PREFIX_STRMAX];
	int e;

	plat_prefix_format(&r->prefix, p, sizeof(p));
	switch (s->action) {
	case PLAT_WIN_UNDO_ROUTE_DEL: {
		MIB_IPFORWARD_ROW2 row;

		if ((e = plat_win_route_row(&r->prefix, &r->other, r->ifindex, r->metric, &row)) < 0)
			return e;
		e = plat_win_route_del(&row);
		snprintf(msg, msglen, "route %s on interface %u: %s", p, (unsigned)r->ifindex,
			 e == 0 ? "removed" : e == -ENOENT ? "already gone" : strerror(-e));
		return e == -ENOENT ? 1 : e;
	}
	case PLAT_WIN_UNDO_ADDR_DEL: {
		MIB_UNICASTIPADDRESS_ROW row;

		if ((e = plat_win_addr_row(&r->prefix.ip, r->prefix.len, r->ifindex, &row)) < 0)
			return e;
		e = plat_win_addr_del(&row);
		snprintf(msg, msglen, "address %s on %s: %s", p, r->ifname,
			 e == 0 ? "removed" : e == -ENOENT ? "already gone" : strerror(-e));
		return e == -ENOENT ? 1 : e;
	}
	case PLAT_WIN_UNDO_DNS_CLEAR:
		e = plat_win_dns_clear(r->ifindex);
		snprintf(msg, msglen, "DNS of %s: %s", r->ifname,
			 e == 0 ? "cleared" : e == 1 ? "interface gone" : strerror(-e));
		return e;
	case PLAT_WIN_UNDO_NRPT_DEL:
		e = plat_win_nrpt_delete(r->rule);
		if (e == 0)
			plat_win_nrpt_reload(); /* best effort: the rule is gone from the table */
		snprintf(msg, msglen, "NRPT rule %s: %s", r->rule,
			 e == 0 ? "removed" : e == 1 ? "already gone" : strerror(-e));
		return e;
	case PLAT_WIN_UNDO_ADAPTER: {
		NET_LUID luid;

		/* Wintun removes an adapter with the handle of the process that created it, so after
		 * a crash it is gone with that process; one still present belongs to a live one. */
		if (r->ifindex == 0 || ConvertInterfaceIndexToLuid(r->ifindex, &luid) != NO_ERROR) {
			snprintf(msg, msglen, "adapter %s: already gone", r->ifname);
			return 1;
		}
		snprintf(msg, msglen, "adapter %s (interface %u) still exists: left alone", r->ifname,
			 (unsigned)r->ifindex);
		return 2;
	}
	case PLAT_WIN_UNDO_REFUSE:
		snprintf(msg, msglen, "record %u %s: refused", (unsigned)r->seq, s->why);
		return 2;
	case PLAT_WIN_UNDO_SKIP:
	default:
		snprintf(msg, msglen, "record %u cannot come from Windows: left alone", (unsigned)r->seq);
		return 2;
	}
}

int plat_net_cleanup_stale(const struct plat_net_config *cfg, struct plat_cleanup_report *rep)
{
	struct plat_cleanup_report dummy;
	const char *dir = cfg && cfg->state_dir ? cfg->state_dir : plat_default_state_dir();
	char pattern[MAX_PATH * 3];
	wchar_t wpat[MAX_PATH];
	WIN32_FIND_DATAW fd;
	HANDLE f;
	int first = 0;

	if (!rep)
		rep = &dummy;
	memset(rep, 0, sizeof(*rep));
	snprintf(pattern, sizeof(pattern), "%s\\%s.journal", dir,
		 cfg && cfg->session ? cfg->session : "*");
	if (plat_win_widen(pattern, wpat, MAX_PATH) != 0)
		return -ENAMETOOLONG;
	f = FindFirstFileW(wpat, &fd);
	if (f == INVALID_HANDLE_VALUE)
		return 0; /* no journals (or no state directory): nothing to do */
	do {
		struct plat_journal *j = malloc(sizeof(*j));
		struct plat_win_undo_step *steps = malloc(PLAT_JOURNAL_MAX_RECS * sizeof(*steps));
		char name[MAX_PATH * 3], path[MAX_PATH * 3], err[256];
		unsigned failed = 0;
		size_t n;

		if (!j || !steps || plat_win_narrow(fd.cFileName, name, sizeof(name)) != 0) {
			free(j);
			free(steps);
			continue;
		}
		snprintf(path, sizeof(path), "%s\\%s", dir, name);
		rep->journals_found++;
		int r = plat_win_jfile_read(path, j, err, sizeof(err));
		if (r < 0) {
			if (cfg && cfg->log)
				cfg->log(cfg->log_ctx, 1, err);
			if (!first)
				first = r;
		} else if (plat_win_owner_alive(&j->owner)) {
			rep->journals_live++;
		} else {
			rep->journals_replayed++;
			n = plat_win_undo_plan(j, steps, PLAT_JOURNAL_MAX_RECS);
			for (size_t i = 0; i < n; i++) {
				char msg[256];
				int e = plat_win_undo_step(&steps[i], msg, sizeof(msg));

				if (e == 0)
					rep->undone++;
				else if (e == 1)
					rep->already_gone++;
				else if (e == 2)
					rep->skipped++;
				else {
					rep->failed++;
					failed++;
					if (!first)
						first = e;
				}
				if (cfg && cfg->log)
					cfg->log(cfg->log_ctx, e < 0 ? 1 : 2, msg);
			}
			if (!failed) {
				wchar_t w[MAX_PATH];

				if (plat_win_widen(path, w, MAX_PATH) == 0)
					DeleteFileW(w);
			}
		}
		free(j);
		free(steps);
	} while (FindNextFileW(f, &fd));
	FindClose(f);
	return first;
}
