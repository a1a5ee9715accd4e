/* nrpt.c - split DNS on Windows through the Name Resolution Policy Table: one local rule per
 * session (registry key PLAT_WIN_NRPT_PATH\sstp-SESSION) sending the VNet's suffixes to the
 * tunnel's DNS servers, journaled before it is written and deleted by undo and stale-journal
 * replay; the value builders are separate so tests check them under Wine. */
#include "plat_win_net.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define NRPT_VERSION 2           /* the rule format the DNS client reads */
#define NRPT_GENERIC_SERVERS 0x8 /* ConfigOptions: only GenericDNSServers is configured */
#define SERVERS_MAX (PLAT_DNS_MAX_SERVERS * (PLAT_IP_STRMAX + 1) + 1)

int plat_win_nrpt_namespace(const char *domain, char *out, size_t len)
{
	size_t n, label = 0;

	if (!domain || len == 0)
		return -EINVAL;
	if (*domain == '.')
		domain++; /* given as a namespace already: the dot is added once below */
	n = strlen(domain);
	if (n && domain[n - 1] == '.')
		n--; /* a fully qualified spelling */
	if (n == 0 || n > PLAT_DNS_DOMAIN_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		char c = domain[i];

		if (c == '.') {
			if (label == 0)
				return -EINVAL; /* empty label */
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return -EINVAL;
		if (++label > 63)
			return -EINVAL;
	}
	if (label == 0)
		return -EINVAL;
	if (n + 2 > len)
		return -ENOSPC;
	out[0] = '.';
	memcpy(out + 1, domain, n);
	out[n + 1] = '\0';
	return 0;
}

int plat_win_nrpt_names(const struct plat_dns_config *c, wchar_t *out, size_t cap, size_t *bytes)
{
	char ns[PLAT_DNS_MAX_DOMAINS][PLAT_DNS_DOMAIN_MAX + 2];
	size_t k = 0, used = 0;
	int r;

	if (!c || c->n_domains == 0 || c->n_domains > PLAT_DNS_MAX_DOMAINS || !c->domains)
		return -EINVAL;
	for (size_t i = 0; i < c->n_domains; i++) {
		bool dup = false;

		if ((r = plat_win_nrpt_namespace(c->domains[i], ns[k], sizeof(ns[k]))) < 0)
			return r;
		for (size_t j = 0; j < k && !dup; j++)
			dup = _stricmp(ns[j], ns[k]) == 0;
		if (!dup)
			k++;
	}
	/* ".x" covers the names below x; the bare "x" is a name of its own in the table, added so
	 * that the rule covers what a resolved routing domain "~x" does on Linux */
	for (size_t i = 0; i < 2 * k; i++) {
		const char *name = i % 2 ? ns[i / 2] + 1 : ns[i / 2];
		size_t n = strlen(name) + 1;

		if (used + n + 1 > cap)
			return -ENOSPC;
		for (size_t j = 0; j < n; j++) /* ASCII only, checked above */
			out[used + j] = (wchar_t)(unsigned char)name[j];
		used += n;
	}
	if (used + 1 > cap)
		return -ENOSPC;
	out[used++] = L'\0'; /* the list's own terminator */
	*bytes = used * sizeof(wchar_t);
	return 0;
}

int plat_win_nrpt_servers(const struct plat_dns_config *c, char *out, size_t len)
{
	size_t k = 0;

	if (!c || c->n_servers == 0 || c->n_servers > PLAT_DNS_MAX_SERVERS || !c->servers ||
	    len == 0)
		return -EINVAL;
	out[0] = '\0';
	for (size_t i = 0; i < c->n_servers; i++) {
		char s[PLAT_IP_STRMAX];
		int n;

		if (c->servers[i].family != PLAT_AF_INET && c->servers[i].family != PLAT_AF_INET6)
			return -EINVAL;
		plat_ip_format(&c->servers[i], s, sizeof(s));
		n = snprintf(out + k, len - k, "%s%s", k ? ";" : "", s);
		if (n < 0 || (size_t)n >= len - k)
			return -ENOSPC;
		k += (size_t)n;
	}
	return 0;
}

int plat_win_nrpt_rule_name(const char *session, char *out, size_t len)
{
	int n;

	if (!plat_journal_session_ok(session))
		return -EINVAL;
	n = snprintf(out, len, "sstp-%s", session);
	return n < 0 || (size_t)n >= len ? -EINVAL : 0;
}

/* The rule's key path under HKLM, widened. */
static int rule_path(const char *rule, wchar_t *out, size_t count)
{
	char p[sizeof(PLAT_WIN_NRPT_PATH) + PLAT_JOURNAL_RULE_MAX + 1];

	if (!plat_journal_rule_ok(rule))
		return -EINVAL;
	snprintf(p, sizeof(p), "%s\\%s", PLAT_WIN_NRPT_PATH, rule);
	return plat_win_widen(p, out, count);
}

static int set_sz(HKEY k, const wchar_t *name, const char *val)
{
	wchar_t w[SERVERS_MAX];
	int r = plat_win_widen(val, w, SERVERS_MAX);

	if (r < 0)
		return r;
	return plat_win_errno((DWORD)RegSetValueExW(k, name, 0, REG_SZ, (const BYTE *)w,
						    (DWORD)((wcslen(w) + 1) * sizeof(wchar_t))));
}

static int set_dword(HKEY k, const wchar_t *name, DWORD v)
{
	return plat_win_errno(
		(DWORD)RegSetValueExW(k, name, 0, REG_DWORD, (const BYTE *)&v, sizeof(v)));
}

static int write_values(HKEY k, const char *rule, const wchar_t *names, size_t names_bytes,
			const char *servers)
{
	char comment[PLAT_JOURNAL_RULE_MAX + 16];
	int r;

	snprintf(comment, sizeof(comment), "sstp session %s", rule + 5);
	if ((r = set_dword(k, L"Version", NRPT_VERSION)) < 0 ||
	    (r = plat_win_errno((DWORD)RegSetValueExW(k, L"Name", 0, REG_MULTI_SZ,
						      (const BYTE *)names, (DWORD)names_bytes))) < 0 ||
	    (r = set_sz(k, L"GenericDNSServers", servers)) < 0 ||
	    (r = set_dword(k, L"ConfigOptions", NRPT_GENERIC_SERVERS)) < 0 ||
	    (r = set_sz(k, L"IPSECCARestriction", "")) < 0 || (r = set_sz(k, L"Comment", comment)) < 0)
		return r;
	return 0;
}

int plat_win_nrpt_write(const char *rule, const struct plat_dns_config *c)
{
	wchar_t names[PLAT_WIN_NRPT_NAMES_MAX]; /* 16 KB */
	wchar_t parent_path[MAX_PATH], wrule[PLAT_JOURNAL_RULE_MAX];
	char servers[SERVERS_MAX];
	size_t nb;
	HKEY parent, k;
	LONG e;
	int r;

	if (!plat_journal_rule_ok(rule))
		return -EINVAL;
	if ((r = plat_win_nrpt_names(c, names, PLAT_WIN_NRPT_NAMES_MAX, &nb)) < 0 ||
	    (r = plat_win_nrpt_servers(c, servers, sizeof(servers))) < 0 ||
	    (r = plat_win_widen(PLAT_WIN_NRPT_PATH, parent_path, MAX_PATH)) < 0 ||
	    (r = plat_win_widen(rule, wrule, PLAT_JOURNAL_RULE_MAX)) < 0)
		return r;
	/* a stale key of ours (a crashed session of the same name): start from nothing */
	if ((r = plat_win_nrpt_delete(rule)) < 0)
		return r;
	/* the table's own key stays persistent (other rules may be stored under it later); ours
	 * is volatile, so a crash followed by a reboot cannot leave it behind */
	e = RegCreateKeyExW(HKEY_LOCAL_MACHINE, parent_path, 0, NULL, REG_OPTION_NON_VOLATILE,
			    KEY_CREATE_SUB_KEY, NULL, &parent, NULL);
	if (e != ERROR_SUCCESS)
		return plat_win_errno((DWORD)e);
	e = RegCreateKeyExW(parent, wrule, 0, NULL, REG_OPTION_VOLATILE, KEY_SET_VALUE, NULL, &k,
			    NULL);
	RegCloseKey(parent);
	if (e != ERROR_SUCCESS)
		return plat_win_errno((DWORD)e);
	r = write_values(k, rule, names, nb, servers);
	RegCloseKey(k);
	if (r < 0)
		plat_win_nrpt_delete(rule); /* no half-written rule */
	return r;
}

int plat_win_nrpt_delete(const char *rule)
{
	wchar_t w[MAX_PATH];
	LONG e;
	int r;

	if ((r = rule_path(rule, w, MAX_PATH)) < 0)
		return r;
	e = RegDeleteTreeW(HKEY_LOCAL_MACHINE, w);
	if (e == ERROR_FILE_NOT_FOUND)
		return 1;
	return e == ERROR_SUCCESS ? 0 : plat_win_errno((DWORD)e);
}

typedef BOOL(WINAPI flush_fn)(void);

int plat_win_nrpt_reload(void)
{
	static flush_fn *flush;
	static bool looked;
	SC_HANDLE scm, svc;
	SERVICE_STATUS st;
	int r = 0;

	if (!looked) {
		HMODULE m = LoadLibraryExW(L"dnsapi.dll", NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
		FARPROC p = m ? GetProcAddress(m, "DnsFlushResolverCache") : NULL;

		if (p)
			memcpy(&flush, &p, sizeof(p));
		looked = true;
	}
	if (flush)
		flush(); /* answers cached under the old table */
	/* No documented call makes the DNS client re-read local rules; SERVICE_CONTROL_PARAMCHANGE
	 * is the control its service takes for a configuration change. */
	scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
	if (!scm)
		return plat_win_errno(GetLastError());
	svc = OpenServiceW(scm, L"Dnscache", SERVICE_PAUSE_CONTINUE);
	if (!svc || !ControlService(svc, SERVICE_CONTROL_PARAMCHANGE, &st))
		r = plat_win_errno(GetLastError());
	if (svc)
		CloseServiceHandle(svc);
	CloseServiceHandle(scm);
	return r;
}

bool plat_win_nrpt_gpo_active(void)
{
	wchar_t w[MAX_PATH];
	DWORD subkeys = 0;
	HKEY k;

	if (plat_win_widen(PLAT_WIN_NRPT_GPO_PATH, w, MAX_PATH) < 0 ||
	    RegOpenKeyExW(HKEY_LOCAL_MACHINE, w, 0, KEY_QUERY_VALUE, &k) != ERROR_SUCCESS)
		return false;
	if (RegQueryInfoKeyW(k, NULL, NULL, NULL, &subkeys, NULL, NULL, NULL, NULL, NULL, NULL,
			     NULL) != ERROR_SUCCESS)
		subkeys = 0;
	RegCloseKey(k);
	return subkeys > 0;
}

int plat_win_nrpt_apply(const struct plat_win_nrpt_journal *jr, const char *session,
			const struct plat_dns_config *c, char *err, size_t errlen)
{
	wchar_t names[PLAT_WIN_NRPT_NAMES_MAX]; /* 16 KB */
	char rule[PLAT_JOURNAL_RULE_MAX], servers[SERVERS_MAX], ns[PLAT_DNS_DOMAIN_MAX + 2];
	struct plat_jrec rec;
	size_t nb;
	int r;

	if (plat_win_nrpt_rule_name(session, rule, sizeof(rule)) < 0) {
		snprintf(err, errlen, "session name '%s' cannot name an NRPT rule", session);
		return -EINVAL;
	}
	for (size_t i = 0; c && c->domains && i < c->n_domains; i++)
		if (plat_win_nrpt_namespace(c->domains[i], ns, sizeof(ns)) < 0) {
			snprintf(err, errlen, "DNS suffix '%.253s' cannot be an NRPT namespace",
				 c->domains[i]);
			return -EINVAL;
		}
	if ((r = plat_win_nrpt_names(c, names, PLAT_WIN_NRPT_NAMES_MAX, &nb)) < 0 ||
	    (r = plat_win_nrpt_servers(c, servers, sizeof(servers))) < 0) {
		snprintf(err, errlen, "split DNS needs 1..%d DNS suffixes and 1..%d servers",
			 PLAT_DNS_MAX_DOMAINS, PLAT_DNS_MAX_SERVERS);
		return r;
	}
	memset(&rec, 0, sizeof(rec));
	rec.type = PLAT_JREC_NRPT;
	memcpy(rec.rule, rule, sizeof(rule));
	if ((r = jr->add(jr->ctx, &rec)) < 0) {
		snprintf(err, errlen, "cannot write the undo journal: %s", strerror(-r));
		return r;
	}
	if ((r = plat_win_nrpt_write(rule, c)) < 0) {
		jr->drop(jr->ctx, rec.seq);
		snprintf(err, errlen, "writing the NRPT rule HKLM\\%s\\%s: %s", PLAT_WIN_NRPT_PATH,
			 rule, strerror(-r));
		return r;
	}
	plat_win_nrpt_reload(); /* best effort: the rule is in place either way */
	return 0;
}
