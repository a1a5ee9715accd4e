/* test_win_nrpt.c - cmocka tests of split DNS through NRPT rules (platform/windows/nrpt.c), run
 * under Wine against its registry: namespace validation, the rule key's exact values (names,
 * types, bytes) for one and several suffixes with IPv4 and IPv6 servers, the journal record
 * written before the key, undo removing only our key, replay of a dead owner's journal, and
 * malformed records refused. What Wine cannot show: the DNS client honouring the rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plat_win_net.h"

#define FOREIGN "{5e7e8a10-0000-4000-8000-000000005157}" /* someone else's rule */

static struct plat_journal J;
static char dir[MAX_PATH];

static const char *const test_rules[] = { "sstp-nrpt1", "sstp-nrpt2", "sstp-nrptdead",
					  "sstp-nrptlive", "sstp-nrptj" };

static void del_key(const char *name)
{
	char p[512];

	snprintf(p, sizeof(p), "%s\\%s", PLAT_WIN_NRPT_PATH, name);
	RegDeleteTreeA(HKEY_LOCAL_MACHINE, p);
}

static bool key_exists(const char *name)
{
	char p[512];
	HKEY k;

	snprintf(p, sizeof(p), "%s\\%s", PLAT_WIN_NRPT_PATH, name);
	if (RegOpenKeyExA(HKEY_LOCAL_MACHINE, p, 0, KEY_READ, &k) != ERROR_SUCCESS)
		return false;
	RegCloseKey(k);
	return true;
}

static void clean_keys(void)
{
	for (size_t i = 0; i < sizeof(test_rules) / sizeof(test_rules[0]); i++)
		del_key(test_rules[i]);
	del_key(FOREIGN);
}

static int setup(void **state)
{
	char tmp[MAX_PATH];

	(void)state;
	if (!GetTempPathA(sizeof(tmp), tmp))
		return -1;
	snprintf(dir, sizeof(dir), "%ssstp-wn-%lu", tmp, (unsigned long)GetCurrentProcessId());
	CreateDirectoryA(dir, NULL);
	clean_keys();
	return 0;
}

static int teardown(void **state)
{
	char p[MAX_PATH];
	WIN32_FIND_DATAA fd;
	HANDLE f;

	(void)state;
	clean_keys();
	snprintf(p, sizeof(p), "%s\\*", dir);
	f = FindFirstFileA(p, &fd);
	if (f != INVALID_HANDLE_VALUE) {
		do {
			snprintf(p, sizeof(p), "%s\\%s", dir, fd.cFileName);
			DeleteFileA(p);
		} while (FindNextFileA(f, &fd));
		FindClose(f);
	}
	RemoveDirectoryA(dir);
	return 0;
}

static struct plat_ip ip(const char *s)
{
	struct plat_ip a;

	assert_int_equal(plat_ip_parse(s, &a), 0);
	return a;
}

/* One value of rule: its type and raw bytes. */
static DWORD get_value(const char *rule, const wchar_t *name, BYTE *buf, DWORD *len)
{
	wchar_t p[512];
	char n[512];
	HKEY k;
	DWORD type = 0;
	LONG e;

	snprintf(n, sizeof(n), "%s\\%s", PLAT_WIN_NRPT_PATH, rule);
	assert_int_equal(plat_win_widen(n, p, 512), 0);
	assert_int_equal(RegOpenKeyExW(HKEY_LOCAL_MACHINE, p, 0, KEY_READ, &k), ERROR_SUCCESS);
	e = RegQueryValueExW(k, name, NULL, &type, buf, len);
	RegCloseKey(k);
	assert_int_equal(e, ERROR_SUCCESS);
	return type;
}

static void expect_sz(const char *rule, const wchar_t *name, const wchar_t *want)
{
	BYTE buf[4096];
	DWORD len = sizeof(buf);

	assert_int_equal(get_value(rule, name, buf, &len), REG_SZ);
	assert_int_equal(len, (wcslen(want) + 1) * sizeof(wchar_t));
	assert_memory_equal(buf, want, len);
}

static void expect_dword(const char *rule, const wchar_t *name, DWORD want)
{
	DWORD v = 0, len = sizeof(v);

	assert_int_equal(get_value(rule, name, (BYTE *)&v, &len), REG_DWORD);
	assert_int_equal(len, sizeof(DWORD));
	assert_int_equal(v, want);
}

static void expect_multi(const char *rule, const wchar_t *want, size_t want_bytes)
{
	BYTE buf[4096];
	DWORD len = sizeof(buf);

	assert_int_equal(get_value(rule, L"Name", buf, &len), REG_MULTI_SZ);
	assert_int_equal(len, want_bytes);
	assert_memory_equal(buf, want, want_bytes);
}

/* The value names of rule, sorted into one "A,B,C" string. */
static void value_names(const char *rule, char *out, size_t len)
{
	char p[512], names[16][64], tmp[64];
	size_t n = 0, k = 0;
	HKEY k2;

	snprintf(p, sizeof(p), "%s\\%s", PLAT_WIN_NRPT_PATH, rule);
	assert_int_equal(RegOpenKeyExA(HKEY_LOCAL_MACHINE, p, 0, KEY_READ, &k2), ERROR_SUCCESS);
	for (DWORD i = 0; n < 16; i++) {
		DWORD nl = sizeof(names[0]);

		if (RegEnumValueA(k2, i, names[n], &nl, NULL, NULL, NULL, NULL) != ERROR_SUCCESS)
			break;
		n++;
	}
	RegCloseKey(k2);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(names[j], names[i]) < 0) {
				memcpy(tmp, names[i], sizeof(tmp));
				memcpy(names[i], names[j], sizeof(tmp));
				memcpy(names[j], tmp, sizeof(tmp));
			}
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		k += (size_t)snprintf(out + k, len - k, "%s%s", i ? "," : "", names[i]);
}

static void test_namespace(void **state)
{
	static const char *const bad[] = {
		"", ".", "..", "..corp.example", "corp..example", "corp.example..",
		"corp example", "corp;example", "corp,example", "corp\\example", "c\xc3\xa9.example",
		"corp.example/24",
	};
	char out[300], label[80], longest[260];

	(void)state;
	assert_int_equal(plat_win_nrpt_namespace("corp.example.com", out, sizeof(out)), 0);
	assert_string_equal(out, ".corp.example.com");
	assert_int_equal(plat_win_nrpt_namespace(".corp.example.com", out, sizeof(out)), 0);
	assert_string_equal(out, ".corp.example.com"); /* the dot added once */
	assert_int_equal(plat_win_nrpt_namespace("corp.example.com.", out, sizeof(out)), 0);
	assert_string_equal(out, ".corp.example.com");
	assert_int_equal(plat_win_nrpt_namespace("Vnet_1-a.Internal", out, sizeof(out)), 0);
	assert_string_equal(out, ".Vnet_1-a.Internal");
	assert_int_equal(plat_win_nrpt_namespace("internal", out, sizeof(out)), 0);
	assert_string_equal(out, ".internal");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (plat_win_nrpt_namespace(bad[i], out, sizeof(out)) != -EINVAL)
			fail_msg("'%s' accepted as a namespace", bad[i]);
	}
	assert_int_equal(plat_win_nrpt_namespace(NULL, out, sizeof(out)), -EINVAL);
	/* labels up to 63 characters */
	memset(label, 'a', 63);
	memcpy(label + 63, ".example", 9);
	assert_int_equal(plat_win_nrpt_namespace(label, out, sizeof(out)), 0);
	memset(label, 'a', 64);
	memcpy(label + 64, ".example", 9);
	assert_int_equal(plat_win_nrpt_namespace(label, out, sizeof(out)), -EINVAL);
	/* names up to 253 characters */
	for (size_t i = 0; i < 253; i++)
		longest[i] = i % 2 ? '.' : 'b';
	longest[253] = '\0';
	assert_int_equal(plat_win_nrpt_namespace(longest, out, sizeof(out)), 0);
	assert_int_equal(strlen(out), 254);
	longest[253] = '.';
	longest[254] = 'c';
	longest[255] = '\0';
	assert_int_equal(plat_win_nrpt_namespace(longest, out, sizeof(out)), -EINVAL);
	assert_int_equal(plat_win_nrpt_namespace("corp.example", out, 13), -ENOSPC);
	assert_int_equal(plat_win_nrpt_namespace("corp.example", out, 14), 0);
}

static void test_lists(void **state)
{
	struct plat_ip servers[3] = { ip("10.1.0.4"), ip("fd00::53"), ip("10.1.0.5") };
	const char *domains[] = { "corp.example", ".VNET.internal", "Corp.Example.", "x.y" };
	const char *bad[] = { "ok.example", "bad..example" };
	struct plat_dns_config c = { .servers = servers, .n_servers = 3, .domains = domains,
				      .n_domains = 4, .full_tunnel = false, .force = PLAT_DNS_NONE };
	static const wchar_t want[] = L".corp.example\0corp.example\0.VNET.internal\0VNET.internal\0.x.y\0x.y\0";
	wchar_t names[PLAT_WIN_NRPT_NAMES_MAX];
	char out[256], rule[PLAT_JOURNAL_RULE_MAX];
	size_t nb = 0;

	(void)state;
	assert_int_equal(plat_win_nrpt_servers(&c, out, sizeof(out)), 0);
	assert_string_equal(out, "10.1.0.4;fd00::53;10.1.0.5");
	assert_int_equal(plat_win_nrpt_servers(&c, out, 12), -ENOSPC);
	assert_int_equal(plat_win_nrpt_names(&c, names, PLAT_WIN_NRPT_NAMES_MAX, &nb), 0);
	assert_int_equal(nb, sizeof(want)); /* the literal's own NUL is the list terminator */
	assert_memory_equal(names, want, sizeof(want));
	assert_int_equal(plat_win_nrpt_names(&c, names, 10, &nb), -ENOSPC);
	c.domains = bad;
	c.n_domains = 2;
	assert_int_equal(plat_win_nrpt_names(&c, names, PLAT_WIN_NRPT_NAMES_MAX, &nb), -EINVAL);
	c.n_domains = 0;
	assert_int_equal(plat_win_nrpt_names(&c, names, PLAT_WIN_NRPT_NAMES_MAX, &nb), -EINVAL);
	c.n_servers = 0;
	assert_int_equal(plat_win_nrpt_servers(&c, out, sizeof(out)), -EINVAL);

	assert_int_equal(plat_win_nrpt_rule_name("work", rule, sizeof(rule)), 0);
	assert_string_equal(rule, "sstp-work");
	assert_int_equal(plat_win_nrpt_rule_name("a\\b", rule, sizeof(rule)), -EINVAL);
	assert_int_equal(plat_win_nrpt_rule_name("", rule, sizeof(rule)), -EINVAL);
}

static void test_write_one(void **state)
{
	struct plat_ip servers[1] = { ip("10.20.0.4") };
	const char *domains[] = { "corp.example.com" };
	struct plat_dns_config c = { .servers = servers, .n_servers = 1, .domains = domains,
				      .n_domains = 1, .full_tunnel = false, .force = PLAT_DNS_NONE };
	static const wchar_t name[] = L".corp.example.com\0corp.example.com\0";
	char names[256];

	(void)state;
	assert_int_equal(plat_win_nrpt_write("sstp-nrpt1", &c), 0);
	value_names("sstp-nrpt1", names, sizeof(names));
	assert_string_equal(names,
			    "Comment,ConfigOptions,GenericDNSServers,IPSECCARestriction,Name,Version");
	expect_dword("sstp-nrpt1", L"Version", 2);
	expect_multi("sstp-nrpt1", name, sizeof(name));
	expect_sz("sstp-nrpt1", L"GenericDNSServers", L"10.20.0.4");
	expect_dword("sstp-nrpt1", L"ConfigOptions", 0x8);
	expect_sz("sstp-nrpt1", L"IPSECCARestriction", L"");
	expect_sz("sstp-nrpt1", L"Comment", L"sstp session nrpt1");
	/* a foreign rule name is never written */
	assert_int_equal(plat_win_nrpt_write(FOREIGN, &c), -EINVAL);
	assert_false(key_exists(FOREIGN));
}

static void test_write_several(void **state)
{
	struct plat_ip servers[3] = { ip("10.1.0.4"), ip("2001:db8:53::1"), ip("10.1.0.5") };
	const char *domains[] = { "vnet.internal", ".corp.example", "VNET.Internal." };
	struct plat_dns_config c = { .servers = servers, .n_servers = 3, .domains = domains,
				      .n_domains = 3, .full_tunnel = false, .force = PLAT_DNS_NONE };
	static const wchar_t name[] = L".vnet.internal\0vnet.internal\0.corp.example\0corp.example\0";
	char p[512], names[256];
	HKEY k;

	(void)state;
	/* a stale key of the same name with a value we never write: replaced as a whole */
	snprintf(p, sizeof(p), "%s\\sstp-nrpt2", PLAT_WIN_NRPT_PATH);
	assert_int_equal(RegCreateKeyExA(HKEY_LOCAL_MACHINE, p, 0, NULL, 0, KEY_WRITE, NULL, &k,
					 NULL),
			 ERROR_SUCCESS);
	assert_int_equal(RegSetValueExA(k, "DAEnable", 0, REG_SZ, (const BYTE *)"x", 2),
			 ERROR_SUCCESS);
	RegCloseKey(k);

	assert_int_equal(plat_win_nrpt_write("sstp-nrpt2", &c), 0);
	value_names("sstp-nrpt2", names, sizeof(names));
	assert_string_equal(names,
			    "Comment,ConfigOptions,GenericDNSServers,IPSECCARestriction,Name,Version");
	expect_multi("sstp-nrpt2", name, sizeof(name));
	expect_sz("sstp-nrpt2", L"GenericDNSServers", L"10.1.0.4;2001:db8:53::1;10.1.0.5");
	expect_dword("sstp-nrpt2", L"Version", 2);
	expect_dword("sstp-nrpt2", L"ConfigOptions", 0x8);
	/* an invalid suffix writes nothing (and the old rule was not touched first) */
	domains[1] = "bad..example";
	assert_int_equal(plat_win_nrpt_write("sstp-nrpt2", &c), -EINVAL);
	expect_multi("sstp-nrpt2", name, sizeof(name));
}

struct jlog {
	int calls, drops;
	int fail;             /* returned by add when non-zero */
	bool key_before;      /* the rule's key existed when the record was journaled */
	struct plat_jrec rec; /* what add got */
	struct plat_win_jfile *file; /* also append to this real journal, when set */
};

static int jl_add(void *ctx, struct plat_jrec *r)
{
	struct jlog *l = ctx;

	l->calls++;
	l->key_before = key_exists(r->rule);
	l->rec = *r;
	if (l->fail)
		return l->fail;
	if (l->file)
		return plat_win_jfile_add(l->file, r);
	r->seq = 7;
	return 0;
}

static void jl_drop(void *ctx, uint32_t seq)
{
	struct jlog *l = ctx;

	(void)seq;
	l->drops++;
}

static void test_apply_journal_first(void **state)
{
	struct plat_ip servers[2] = { ip("10.3.0.10"), ip("fd00:3::10") };
	const char *domains[] = { "a.example", "b.example" };
	const char *bad[] = { "a.example", "b..example" };
	struct plat_dns_config c = { .servers = servers, .n_servers = 2, .domains = domains,
				      .n_domains = 2, .full_tunnel = false, .force = PLAT_DNS_NONE };
	struct jlog l;
	struct plat_win_nrpt_journal jr = { jl_add, jl_drop, &l };
	struct plat_win_jfile jf;
	char err[256] = "";

	(void)state;
	/* the record comes first: the key did not exist yet when it was journaled */
	memset(&l, 0, sizeof(l));
	assert_int_equal(plat_win_nrpt_apply(&jr, "nrptj", &c, err, sizeof(err)), 0);
	assert_int_equal(l.calls, 1);
	assert_false(l.key_before);
	assert_int_equal(l.rec.type, PLAT_JREC_NRPT);
	assert_string_equal(l.rec.rule, "sstp-nrptj");
	assert_true(key_exists("sstp-nrptj"));
	assert_int_equal(plat_win_nrpt_delete("sstp-nrptj"), 0);

	/* no journal, no change */
	memset(&l, 0, sizeof(l));
	l.fail = -EIO;
	assert_int_equal(plat_win_nrpt_apply(&jr, "nrptj", &c, err, sizeof(err)), -EIO);
	assert_non_null(strstr(err, "journal"));
	assert_false(key_exists("sstp-nrptj"));

	/* a bad suffix is refused before anything is journaled, with its name */
	memset(&l, 0, sizeof(l));
	c.domains = bad;
	assert_int_equal(plat_win_nrpt_apply(&jr, "nrptj", &c, err, sizeof(err)), -EINVAL);
	assert_int_equal(l.calls, 0);
	assert_non_null(strstr(err, "b..example"));
	assert_false(key_exists("sstp-nrptj"));
	c.domains = domains;
	assert_int_equal(plat_win_nrpt_apply(&jr, "bad\\name", &c, err, sizeof(err)), -EINVAL);
	assert_int_equal(l.calls, 0);

	/* through the real journal file: the record is on disk with the rule's name */
	assert_int_equal(plat_win_jfile_init(&jf, dir, "nrptj"), 0);
	memset(&l, 0, sizeof(l));
	l.file = &jf;
	assert_int_equal(plat_win_nrpt_apply(&jr, "nrptj", &c, err, sizeof(err)), 0);
	assert_false(l.key_before);
	assert_int_equal(plat_win_jfile_read(jf.path, &J, err, sizeof(err)), 0);
	assert_int_equal(J.n, 1);
	assert_int_equal(J.recs[0].type, PLAT_JREC_NRPT);
	assert_string_equal(J.recs[0].rule, "sstp-nrptj");
	assert_int_equal(plat_win_jfile_close(&jf, true), 0);
}

static void write_foreign(void)
{
	char p[512];
	static const char ns[] = ".foreign.example\0";
	HKEY k;

	snprintf(p, sizeof(p), "%s\\%s", PLAT_WIN_NRPT_PATH, FOREIGN);
	assert_int_equal(RegCreateKeyExA(HKEY_LOCAL_MACHINE, p, 0, NULL, 0, KEY_WRITE, NULL, &k,
					 NULL),
			 ERROR_SUCCESS);
	assert_int_equal(RegSetValueExA(k, "Name", 0, REG_MULTI_SZ, (const BYTE *)ns, sizeof(ns)),
			 ERROR_SUCCESS);
	RegCloseKey(k);
}

static void test_undo(void **state)
{
	struct plat_ip servers[1] = { ip("10.20.0.4") };
	const char *domains[] = { "corp.example.com" };
	struct plat_dns_config c = { .servers = servers, .n_servers = 1, .domains = domains,
				      .n_domains = 1, .full_tunnel = false, .force = PLAT_DNS_NONE };
	static const char text[] = "sstp-journal 1\nowner 4242 1 -\n+ 1 link sstp-a 0\n"
				   "+ 2 nrpt sstp-nrpt1\n";
	struct plat_win_undo_step st[4];
	char msg[256], err[128];

	(void)state;
	write_foreign();
	assert_int_equal(plat_win_nrpt_write("sstp-nrpt1", &c), 0);
	assert_int_equal(plat_journal_parse(text, sizeof(text) - 1, &J, err, sizeof(err)), 0);
	assert_int_equal(plat_win_undo_plan(&J, st, 4), 2);
	assert_int_equal(st[0].action, PLAT_WIN_UNDO_NRPT_DEL); /* newest first */
	assert_int_equal(st[1].action, PLAT_WIN_UNDO_ADAPTER);

	assert_int_equal(plat_win_undo_step(&st[0], msg, sizeof(msg)), 0);
	assert_non_null(strstr(msg, "removed"));
	assert_false(key_exists("sstp-nrpt1"));
	assert_true(key_exists(FOREIGN)); /* somebody else's rule stays */
	assert_int_equal(plat_win_undo_step(&st[0], msg, sizeof(msg)), 1);
	assert_non_null(strstr(msg, "already gone"));
	/* the deleter refuses names that are not ours */
	assert_int_equal(plat_win_nrpt_delete(FOREIGN), -EINVAL);
	assert_int_equal(plat_win_nrpt_delete("sstp-x\\..\\..\\Tcpip"), -EINVAL);
	assert_true(key_exists(FOREIGN));
	del_key(FOREIGN);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static void test_replay(void **state)
{
	struct plat_ip servers[1] = { ip("10.9.0.2") };
	const char *domains[] = { "dead.example" };
	struct plat_dns_config c = { .servers = servers, .n_servers = 1, .domains = domains,
				      .n_domains = 1, .full_tunnel = false, .force = PLAT_DNS_NONE };
	struct plat_net_config cfg;
	struct plat_cleanup_report rep;
	struct plat_journal_owner me;
	char dead[MAX_PATH], live[MAX_PATH], text[512];

	(void)state;
	write_foreign();
	assert_int_equal(plat_win_nrpt_write("sstp-nrptdead", &c), 0);
	assert_int_equal(plat_win_nrpt_write("sstp-nrptlive", &c), 0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.state_dir = dir;
	snprintf(dead, sizeof(dead), "%s\\nrptdead.journal", dir);
	write_file(dead, "sstp-journal 1\nowner 4194300 1 -\n+ 1 link sstp-nrptdead 0\n"
			 "+ 2 nrpt sstp-nrptdead\n");
	assert_int_equal(plat_win_self_owner(&me), 0);
	snprintf(live, sizeof(live), "%s\\nrptlive.journal", dir);
	snprintf(text, sizeof(text), "sstp-journal 1\nowner %u %llu -\n+ 1 nrpt sstp-nrptlive\n",
		 (unsigned)me.pid, (unsigned long long)me.start_ticks);
	write_file(live, text);

	assert_int_equal(plat_net_cleanup_stale(&cfg, &rep), 0);
	assert_int_equal(rep.journals_found, 2);
	assert_int_equal(rep.journals_live, 1);
	assert_int_equal(rep.journals_replayed, 1);
	assert_int_equal(rep.undone, 1);       /* the rule */
	assert_int_equal(rep.already_gone, 1); /* the adapter */
	assert_int_equal(rep.failed, 0);
	assert_false(key_exists("sstp-nrptdead"));
	assert_true(key_exists("sstp-nrptlive")); /* a live session's rule is never touched */
	assert_true(key_exists(FOREIGN));
	assert_int_equal(GetFileAttributesA(dead), INVALID_FILE_ATTRIBUTES);
	DeleteFileA(live);
	del_key(FOREIGN);
}

static void test_malformed_journal(void **state)
{
	static const char *const bad[] = {
		"+ 1 nrpt " FOREIGN "\n",
		"+ 1 nrpt sstp-\n",
		"+ 1 nrpt sstp-a\\..\\b\n",
		"+ 1 nrpt\n",
		"+ 1 nrpt sstp-a sstp-b\n",
	};
	struct plat_net_config cfg;
	struct plat_cleanup_report rep;
	char path[MAX_PATH], text[256], err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int n = snprintf(text, sizeof(text), "sstp-journal 1\nowner 4194300 1 -\n%s",
				 bad[i]);

		assert_int_equal(plat_journal_parse(text, (size_t)n, &J, err, sizeof(err)),
				 -EINVAL);
	}
	/* a dead owner's journal naming a foreign rule: refused as a whole, nothing deleted */
	write_foreign();
	memset(&cfg, 0, sizeof(cfg));
	cfg.state_dir = dir;
	cfg.session = "nrpthostile";
	snprintf(path, sizeof(path), "%s\\nrpthostile.journal", dir);
	write_file(path, "sstp-journal 1\nowner 4194300 1 -\n+ 1 nrpt " FOREIGN "\n");
	assert_int_equal(plat_net_cleanup_stale(&cfg, &rep), -EINVAL);
	assert_int_equal(rep.journals_replayed, 0);
	assert_true(key_exists(FOREIGN));
	assert_true(GetFileAttributesA(path) != INVALID_FILE_ATTRIBUTES);
	DeleteFileA(path);
	del_key(FOREIGN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_namespace),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_write_one),
		cmocka_unit_test(test_write_several),
		cmocka_unit_test(test_apply_journal_first),
		cmocka_unit_test(test_undo),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_malformed_journal),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
