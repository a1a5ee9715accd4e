/* dns.c - per-interface DNS on Windows (full tunnel, or no VNet suffixes): SetInterfaceDnsSettings
 * (iphlpapi, Windows 10 2004 and later; looked up at run time) with the servers of each family and
 * the VNet's suffixes as the interface's search list; `netsh interface ipv4|ipv6 set dnsservers`
 * where that function is missing. A split tunnel with suffixes uses NRPT rules instead (nrpt.c). */
#include "plat_proc.h"
#include "plat_win_net.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The documented layout of DNS_INTERFACE_SETTINGS (version 1), declared here because older
 * mingw-w64 headers lack it. */
struct win_dns_settings {
	ULONG Version;
	ULONG64 Flags;
	PWSTR Domain;
	PWSTR NameServer;
	PWSTR SearchList;
	ULONG RegistrationEnabled;
	ULONG RegisterAdapterName;
	ULONG EnableLLMNR;
	ULONG QueryAdapterName;
	PWSTR ProfileNameServer;
};
#define WIN_DNS_VERSION1 1
#define WIN_DNS_IPV6 0x0001
#define WIN_DNS_NAMESERVER 0x0002
#define WIN_DNS_SEARCHLIST 0x0004

typedef DWORD(WINAPI set_dns_fn)(GUID iface, const struct win_dns_settings *s);

int plat_win_dns_servers(const struct plat_dns_config *c, enum plat_family fam, char *out,
			 size_t len)
{
	size_t k = 0;

	if (len == 0)
		return -ENOSPC;
	out[0] = '\0';
	for (size_t i = 0; i < c->n_servers; i++) {
		char s[PLAT_IP_STRMAX];
		int n;

		if (c->servers[i].family != fam)
			continue;
		plat_ip_format(&c->servers[i], s, sizeof(s));
		n = snprintf(out + k, len - k, "%s%s", k ? "," : "", s);
		if (n < 0 || (size_t)n >= len - k)
			return -ENOSPC;
		k += (size_t)n;
	}
	return 0;
}

static bool domain_ok(const char *d)
{
	size_t n = strlen(d);

	if (n == 0 || n > PLAT_DNS_DOMAIN_MAX)
		return false;
	for (; *d; d++)
		if (!((*d >= 'a' && *d <= 'z') || (*d >= 'A' && *d <= 'Z') || (*d >= '0' && *d <= '9') ||
		      *d == '-' || *d == '.' || *d == '_'))
			return false;
	return true;
}

int plat_win_dns_search(const struct plat_dns_config *c, char *out, size_t len)
{
	size_t k = 0;

	if (len == 0)
		return -ENOSPC;
	out[0] = '\0';
	for (size_t i = 0; i < c->n_domains; i++) {
		int n;

		if (!domain_ok(c->domains[i]))
			return -EINVAL; /* a comma or space would split it into other entries */
		n = snprintf(out + k, len - k, "%s%s", k ? "," : "", c->domains[i]);
		if (n < 0 || (size_t)n >= len - k)
			return -ENOSPC;
		k += (size_t)n;
	}
	return 0;
}

static set_dns_fn *set_dns(void)
{
	static set_dns_fn *fn;
	static bool looked;

	if (!looked) {
		HMODULE m = GetModuleHandleW(L"iphlpapi.dll");
		FARPROC p = m ? GetProcAddress(m, "SetInterfaceDnsSettings") : NULL;

		if (p)
			memcpy(&fn, &p, sizeof(p));
		looked = true;
	}
	return fn;
}

static int iface_guid(uint32_t ifindex, GUID *g)
{
	NET_LUID luid;
	DWORD e = ConvertInterfaceIndexToLuid(ifindex, &luid);

	if (e == NO_ERROR)
		e = ConvertInterfaceLuidToGuid(&luid, g);
	return e == NO_ERROR ? 0 : plat_win_errno(e);
}

/* SetInterfaceDnsSettings for one family; servers/search "" clear them. */
static int set_family(set_dns_fn *fn, const GUID *g, bool v6, const char *servers,
		      const char *search)
{
	wchar_t ws[1024], wd[2048];
	struct win_dns_settings s;
	int r;

	if ((r = plat_win_widen(servers, ws, 1024)) < 0 || (r = plat_win_widen(search, wd, 2048)) < 0)
		return r;
	memset(&s, 0, sizeof(s));
	s.Version = WIN_DNS_VERSION1;
	s.Flags = WIN_DNS_NAMESERVER | (v6 ? WIN_DNS_IPV6 : WIN_DNS_SEARCHLIST);
	s.NameServer = ws;
	s.SearchList = wd;
	return plat_win_errno(fn(*g, &s));
}

/* netsh fallback: `netsh interface ipvX set dnsservers name=IDX source=static address=A
 * register=none validate=no` then `add dnsservers ... index=N` for the others. */
static int netsh(uint32_t ifindex, bool v6, const char *servers)
{
	char idx[16], addr[PLAT_IP_STRMAX + 16], index[24], list[1024];
	char *tok, *next;
	int pid, code, r, i = 1;

	snprintf(idx, sizeof(idx), "name=%u", (unsigned)ifindex);
	snprintf(list, sizeof(list), "%s", servers);
	tok = *list ? list : NULL;
	if (!tok) {
		char *argv[] = { "netsh", "interface", v6 ? "ipv6" : "ipv4", "set", "dnsservers",
				 idx, "source=static", "address=none", "validate=no", NULL };

		if ((r = plat_spawn(argv, &pid)) < 0)
			return r;
		while ((r = plat_reap(pid, &code)) == 0)
			Sleep(20);
		return r < 0 ? r : code == 0 ? 0 : -EIO;
	}
	for (; tok; tok = next, i++) {
		next = strchr(tok, ',');
		if (next)
			*next++ = '\0';
		snprintf(addr, sizeof(addr), "address=%s", tok);
		snprintf(index, sizeof(index), "index=%d", i);
		char *set[] = { "netsh", "interface", v6 ? "ipv6" : "ipv4", "set", "dnsservers", idx,
				"source=static", addr, "register=none", "validate=no", NULL };
		char *add[] = { "netsh", "interface", v6 ? "ipv6" : "ipv4", "add", "dnsservers", idx,
				addr, index, "validate=no", NULL };

		if ((r = plat_spawn(i == 1 ? set : add, &pid)) < 0)
			return r;
		uint64_t t0 = GetTickCount64();
		while ((r = plat_reap(pid, &code)) == 0) {
			if (GetTickCount64() - t0 > 10000) {
				plat_terminate(pid, true);
				return -ETIMEDOUT;
			}
			Sleep(20);
		}
		if (r < 0 || code != 0)
			return r < 0 ? r : -EIO;
	}
	return 0;
}

int plat_win_dns_set(uint32_t ifindex, const struct plat_dns_config *c, char *err, size_t errlen)
{
	char v4[1024], v6[1024], search[2048];
	set_dns_fn *fn = set_dns();
	GUID g;
	int r;

	if ((r = plat_win_dns_servers(c, PLAT_AF_INET, v4, sizeof(v4))) < 0 ||
	    (r = plat_win_dns_servers(c, PLAT_AF_INET6, v6, sizeof(v6))) < 0 ||
	    (r = plat_win_dns_search(c, search, sizeof(search))) < 0) {
		snprintf(err, errlen, "DNS settings cannot be represented for Windows");
		return r;
	}
	if (fn) {
		if ((r = iface_guid(ifindex, &g)) < 0 || (r = set_family(fn, &g, false, v4, search)) < 0 ||
		    (r = set_family(fn, &g, true, v6, "")) < 0) {
			snprintf(err, errlen, "SetInterfaceDnsSettings on interface %u: %s",
				 (unsigned)ifindex, strerror(-r));
			return r;
		}
		return 0;
	}
	if ((*v4 && (r = netsh(ifindex, false, v4)) < 0) || (*v6 && (r = netsh(ifindex, true, v6)) < 0)) {
		snprintf(err, errlen, "netsh could not set the DNS servers of interface %u: %s",
			 (unsigned)ifindex, strerror(-r));
		return r;
	}
	return 0;
}

int plat_win_dns_clear(uint32_t ifindex)
{
	set_dns_fn *fn = set_dns();
	GUID g;
	int r;

	if (fn) {
		if ((r = iface_guid(ifindex, &g)) < 0)
			return r == -ENOENT ? 1 : r; /* the interface is gone, and its settings */
		if ((r = set_family(fn, &g, false, "", "")) < 0)
			return r;
		return set_family(fn, &g, true, "", "");
	}
	if ((r = netsh(ifindex, false, "")) < 0)
		return r;
	return netsh(ifindex, true, "");
}
