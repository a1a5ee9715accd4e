/* test_win_requests.c - cmocka tests of what the Windows backend hands the OS, checked under Wine
 * without a driver: IP Helper address and route rows, the DNS server and search lists, control
 * pipe names, the pipe's security descriptor (parsed back by Windows' own SDDL parser and its
 * ACEs inspected), and command-line quoting (parsed back by CommandLineToArgvW). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "plat_win_net.h"

#include <sddl.h>
#include <shellapi.h>

static struct plat_ip ip(const char *s)
{
	struct plat_ip a;

	assert_int_equal(plat_ip_parse(s, &a), 0);
	return a;
}

static struct plat_prefix pfx(const char *s)
{
	struct plat_prefix p;

	assert_int_equal(plat_prefix_parse(s, false, &p), 0);
	return p;
}

static void test_addr_row(void **state)
{
	MIB_UNICASTIPADDRESS_ROW row;
	struct plat_ip a = ip("10.0.0.2"), b = ip("fd00::2"), back;

	(void)state;
	assert_int_equal(plat_win_addr_row(&a, 32, 17, &row), 0);
	assert_int_equal(row.Address.si_family, AF_INET);
	assert_memory_equal(&row.Address.Ipv4.sin_addr, a.addr, 4);
	assert_int_equal(row.InterfaceIndex, 17);
	assert_int_equal(row.OnLinkPrefixLength, 32);
	assert_int_equal(row.PrefixOrigin, IpPrefixOriginManual);
	assert_int_equal(row.SuffixOrigin, IpSuffixOriginManual);
	assert_int_equal(row.DadState, IpDadStatePreferred);
	assert_true(row.ValidLifetime == 0xffffffffu && row.PreferredLifetime == 0xffffffffu);
	assert_int_equal(plat_win_from_sockaddr(&row.Address, &back), 0);
	assert_true(plat_ip_equal(&back, &a));

	assert_int_equal(plat_win_addr_row(&b, 64, 17, &row), 0);
	assert_int_equal(row.Address.si_family, AF_INET6);
	assert_memory_equal(&row.Address.Ipv6.sin6_addr, b.addr, 16);
	assert_int_equal(row.OnLinkPrefixLength, 64);

	assert_int_equal(plat_win_addr_row(&a, 33, 17, &row), -EINVAL);
	assert_int_equal(plat_win_addr_row(&b, 129, 17, &row), -EINVAL);
	assert_int_equal(plat_win_addr_row(&a, 32, 0, &row), -EINVAL); /* no interface */
	a.family = 0;
	assert_int_equal(plat_win_addr_row(&a, 32, 17, &row), -EINVAL);
}

static void test_route_row(void **state)
{
	MIB_IPFORWARD_ROW2 row;
	struct plat_prefix d = pfx("10.1.0.0/16"), h = pfx("203.0.113.5/32"), v6 = pfx("fd00:1::/48");
	struct plat_ip gw = ip("192.168.1.1"), gw6 = ip("fe80::1"), back;
	static const uint8_t zero[16];

	(void)state;
	/* a device route into the tunnel: on-link next hop, our metric, static, not published */
	assert_int_equal(plat_win_route_row(&d, NULL, 17, 50, &row), 0);
	assert_int_equal(row.InterfaceIndex, 17);
	assert_int_equal(row.DestinationPrefix.Prefix.si_family, AF_INET);
	assert_int_equal(plat_win_from_sockaddr(&row.DestinationPrefix.Prefix, &back), 0);
	assert_true(plat_ip_equal(&back, &d.ip));
	assert_int_equal(row.DestinationPrefix.PrefixLength, 16);
	assert_int_equal(row.NextHop.si_family, AF_INET);
	assert_memory_equal(&row.NextHop.Ipv4.sin_addr, zero, 4);
	assert_int_equal(row.Metric, 50);
	assert_int_equal(row.Protocol, MIB_IPPROTO_NETMGMT);
	assert_int_equal(row.Origin, NlroManual);
	assert_false(row.Publish);
	assert_false(row.Immortal);

	/* the gateway pin: host route via the current gateway on the physical interface */
	assert_int_equal(plat_win_route_row(&h, &gw, 4, 50, &row), 0);
	assert_int_equal(row.DestinationPrefix.PrefixLength, 32);
	assert_int_equal(plat_win_from_sockaddr(&row.NextHop, &back), 0);
	assert_true(plat_ip_equal(&back, &gw));
	assert_int_equal(row.InterfaceIndex, 4);

	assert_int_equal(plat_win_route_row(&v6, &gw6, 4, 7, &row), 0);
	assert_int_equal(row.NextHop.si_family, AF_INET6);
	assert_int_equal(row.DestinationPrefix.PrefixLength, 48);

	assert_int_equal(plat_win_route_row(&d, &gw6, 4, 50, &row), -EINVAL); /* family mix */
	d.len = 33;
	assert_int_equal(plat_win_route_row(&d, NULL, 4, 50, &row), -EINVAL);
	d.len = 16;
	assert_int_equal(plat_win_route_row(&d, NULL, 0, 50, &row), -EINVAL);
}

static void test_dns_lists(void **state)
{
	struct plat_ip servers[3] = { ip("10.1.0.4"), ip("fd00::53"), ip("10.1.0.5") };
	const char *domains[] = { "corp.example", "vnet.internal" };
	const char *bad[] = { "a.example,b.example" };
	struct plat_dns_config c = { .servers = servers, .n_servers = 3, .domains = domains,
				      .n_domains = 2, .full_tunnel = false, .force = PLAT_DNS_NONE };
	char out[128], tiny[8];

	(void)state;
	assert_int_equal(plat_win_dns_servers(&c, PLAT_AF_INET, out, sizeof(out)), 0);
	assert_string_equal(out, "10.1.0.4,10.1.0.5");
	assert_int_equal(plat_win_dns_servers(&c, PLAT_AF_INET6, out, sizeof(out)), 0);
	assert_string_equal(out, "fd00::53");
	assert_int_equal(plat_win_dns_search(&c, out, sizeof(out)), 0);
	assert_string_equal(out, "corp.example,vnet.internal");
	assert_int_equal(plat_win_dns_servers(&c, PLAT_AF_INET, tiny, sizeof(tiny)), -ENOSPC);
	c.n_domains = 0;
	assert_int_equal(plat_win_dns_search(&c, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	c.domains = bad; /* a comma would smuggle in a second entry */
	c.n_domains = 1;
	assert_int_equal(plat_win_dns_search(&c, out, sizeof(out)), -EINVAL);
}

static void test_pipe_name(void **state)
{
	char a[PLAT_WIN_PIPE_MAX], b[PLAT_WIN_PIPE_MAX], longp[400];

	(void)state;
	assert_int_equal(plat_win_pipe_name("C:\\ProgramData\\sstp\\work.sock", a, sizeof(a)), 0);
	assert_string_equal(a, "\\\\.\\pipe\\sstp-C~3a~2fProgramData~2fsstp~2fwork.sock");
	/* both separators are one path; different paths never share a name */
	assert_int_equal(plat_win_pipe_name("C:/ProgramData/sstp/work.sock", b, sizeof(b)), 0);
	assert_string_equal(a, b);
	assert_int_equal(plat_win_pipe_name("C:/ProgramData/sstp~2fwork.sock", b, sizeof(b)), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(plat_win_pipe_name("", a, sizeof(a)), -EINVAL);
	memset(longp, 'x', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	assert_int_equal(plat_win_pipe_name(longp, a, sizeof(a)), -ENAMETOOLONG);
}

/* The ACE of sid in the DACL, or NULL. */
static ACCESS_ALLOWED_ACE *find_ace(PACL acl, const char *sid_str)
{
	PSID want = NULL;
	ACCESS_ALLOWED_ACE *hit = NULL;

	assert_true(ConvertStringSidToSidA(sid_str, &want));
	for (DWORD i = 0; i < acl->AceCount; i++) {
		ACCESS_ALLOWED_ACE *ace;

		assert_true(GetAce(acl, i, (void **)&ace));
		assert_int_equal(ace->Header.AceType, ACCESS_ALLOWED_ACE_TYPE);
		if (EqualSid((PSID)&ace->SidStart, want))
			hit = ace;
	}
	LocalFree(want);
	return hit;
}

static void test_pipe_dacl(void **state)
{
	const char *user = "S-1-5-21-1004336348-1177238915-682003330-1001";
	const char *group = "S-1-5-21-1004336348-1177238915-682003330-1010";
	char sddl[512];
	PSECURITY_DESCRIPTOR sd = NULL;
	SECURITY_DESCRIPTOR_CONTROL ctl;
	DWORD rev;
	BOOL present = FALSE, defaulted = FALSE;
	PACL acl = NULL;
	ACCESS_ALLOWED_ACE *ace;

	(void)state;
	assert_int_equal(plat_win_pipe_sddl(user, group, sddl, sizeof(sddl)), 0);
	assert_true(ConvertStringSecurityDescriptorToSecurityDescriptorA(sddl, SDDL_REVISION_1, &sd,
									   NULL));
	assert_true(GetSecurityDescriptorControl(sd, &ctl, &rev));
	assert_true(ctl & SE_DACL_PROTECTED); /* nothing inherited from the pipe namespace */
	assert_true(GetSecurityDescriptorDacl(sd, &present, &acl, &defaulted));
	assert_true(present);
	assert_non_null(acl);
	assert_int_equal(acl->AceCount, 4);
	assert_non_null(find_ace(acl, "S-1-5-18"));     /* SYSTEM */
	assert_non_null(find_ace(acl, "S-1-5-32-544")); /* Administrators */
	assert_null(find_ace(acl, "S-1-1-0"));          /* not Everyone */
	assert_null(find_ace(acl, "S-1-5-11"));         /* not Authenticated Users */
	ace = find_ace(acl, group);
	assert_non_null(ace);
	/* the group may read and write, but not create pipe instances (FILE_CREATE_PIPE_INSTANCE
	 * is FILE_APPEND_DATA): no squatting of the name */
	assert_true(ace->Mask & FILE_READ_DATA);
	assert_true(ace->Mask & FILE_WRITE_DATA);
	assert_false(ace->Mask & FILE_CREATE_PIPE_INSTANCE);
	assert_false(ace->Mask & (WRITE_DAC | WRITE_OWNER | DELETE));
	assert_non_null(find_ace(acl, user));
	LocalFree(sd);

	/* no group configured: three entries */
	assert_int_equal(plat_win_pipe_sddl(user, NULL, sddl, sizeof(sddl)), 0);
	assert_true(ConvertStringSecurityDescriptorToSecurityDescriptorA(sddl, SDDL_REVISION_1, &sd,
									   NULL));
	assert_true(GetSecurityDescriptorDacl(sd, &present, &acl, &defaulted));
	assert_int_equal(acl->AceCount, 3);
	LocalFree(sd);

	/* anything that is not a SID string is refused, not spliced into the SDDL */
	assert_int_equal(plat_win_pipe_sddl("S-1-5-21)(A;;GA;;;WD", NULL, sddl, sizeof(sddl)), -EINVAL);
	assert_int_equal(plat_win_pipe_sddl(NULL, "WD", sddl, sizeof(sddl)), -EINVAL);
	assert_int_equal(plat_win_pipe_sddl(user, group, sddl, 20), -ENOSPC);
}

/* Clients talk only to pipes SYSTEM, the administrators or they themselves created (their user
 * SID, or their token's default owner, which is what Wine gives every object). */
static void test_pipe_owner(void **state)
{
	const char *me = "S-1-5-21-1004336348-1177238915-682003330-1001";
	const char *other = "S-1-5-21-1004336348-1177238915-682003330-1002";

	(void)state;
	assert_true(plat_win_pipe_owner_ok("S-1-5-18", me, me));     /* the helper service */
	assert_true(plat_win_pipe_owner_ok("S-1-5-32-544", me, me)); /* an elevated administrator */
	assert_true(plat_win_pipe_owner_ok(me, me, NULL));           /* my own session */
	assert_true(plat_win_pipe_owner_ok("S-1-5-21-1-2-3-513", me, "S-1-5-21-1-2-3-513"));
	assert_false(plat_win_pipe_owner_ok(other, me, me));         /* a squatter */
	assert_false(plat_win_pipe_owner_ok("S-1-1-0", me, me));
	assert_false(plat_win_pipe_owner_ok("S-1-5-18x", me, me));
	assert_false(plat_win_pipe_owner_ok(NULL, me, me));
	assert_false(plat_win_pipe_owner_ok(other, NULL, NULL));
}

/* sstp's folders: protected, inherited, SYSTEM and Administrators in full, the group reads;
 * the check refuses a DACL that lets anyone else write, an unprotected one and a NULL DACL. */
static void test_dir_dacl(void **state)
{
	const char *group = "S-1-5-21-1004336348-1177238915-682003330-1010";
	char sddl[256];
	PSECURITY_DESCRIPTOR sd = NULL;
	BOOL present = FALSE, defaulted = FALSE;
	PACL acl = NULL;
	ACCESS_ALLOWED_ACE *ace;
	static const char *bad[] = {
		"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x2;;;BU)",    /* Users may create files */
		"D:P(A;OICI;FA;;;SY)(A;OICI;GW;;;S-1-5-21-1-2-3-1001)",  /* a user may write */
		"D:(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)",                      /* inherits from above */
		"D:P(A;OICI;FA;;;SY)(A;OICI;WD;;;AU)",                     /* may change the DACL */
		"D:NO_ACCESS_CONTROL",                                     /* NULL DACL */
	};

	(void)state;
	assert_int_equal(plat_win_dir_sddl(group, sddl, sizeof(sddl)), 0);
	assert_true(ConvertStringSecurityDescriptorToSecurityDescriptorA(sddl, SDDL_REVISION_1, &sd,
									   NULL));
	assert_true(plat_win_dir_dacl_ok(sd));
	assert_true(GetSecurityDescriptorDacl(sd, &present, &acl, &defaulted));
	assert_int_equal(acl->AceCount, 3);
	ace = find_ace(acl, group);
	assert_non_null(ace);
	assert_true(ace->Header.AceFlags & OBJECT_INHERIT_ACE);
	assert_true(ace->Header.AceFlags & CONTAINER_INHERIT_ACE);
	assert_false(ace->Mask & (FILE_WRITE_DATA | FILE_APPEND_DATA | DELETE | WRITE_DAC));
	LocalFree(sd);
	assert_int_equal(plat_win_dir_sddl(NULL, sddl, sizeof(sddl)), 0);
	assert_string_equal(sddl, "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)");
	assert_int_equal(plat_win_dir_sddl("BU", sddl, sizeof(sddl)), -EINVAL);
	assert_int_equal(plat_win_dir_sddl(group, sddl, 40), -ENOSPC);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_true(ConvertStringSecurityDescriptorToSecurityDescriptorA(
			bad[i], SDDL_REVISION_1, &sd, NULL));
		assert_false(plat_win_dir_dacl_ok(sd));
		LocalFree(sd);
	}
}

/* Quote argv, parse it back with Windows' own parser and compare. */
static void round_trip(const char *const argv[])
{
	char line[1024];
	wchar_t wline[1024];
	int argc = 0;
	size_t n = 0;
	LPWSTR *back;

	while (argv[n])
		n++;
	assert_int_equal(plat_win_quote_argv(argv, line, sizeof(line)), 0);
	assert_int_equal(plat_win_widen(line, wline, 1024), 0);
	back = CommandLineToArgvW(wline, &argc);
	assert_non_null(back);
	assert_int_equal(argc, (int)n);
	for (int i = 0; i < argc; i++) {
		char s[256];

		assert_int_equal(plat_win_narrow(back[i], s, sizeof(s)), 0);
		assert_string_equal(s, argv[i]);
	}
	LocalFree(back);
}

static void test_quote_argv(void **state)
{
	const char *simple[] = { "netsh", "interface", "ipv4", NULL };
	const char *spaces[] = { "C:\\Program Files\\x.exe", "a b", "", "\t", NULL };
	const char *quotes[] = { "prog", "say \"hi\"", "\"", "x\\\"y", NULL };
	const char *slashes[] = { "prog", "C:\\dir\\", "a\\\\b", "end\\\\", "\\\"", NULL };
	const char *utf8[] = { "prog", "caf\xc3\xa9 \xe2\x82\xac", NULL };
	const char *none[] = { NULL };
	char line[16];

	(void)state;
	round_trip(simple);
	round_trip(spaces);
	round_trip(quotes);
	round_trip(slashes);
	round_trip(utf8);
	assert_int_equal(plat_win_quote_argv(simple, line, sizeof(line)), -ENOSPC);
	assert_int_equal(plat_win_quote_argv(none, line, sizeof(line)), -EINVAL);
}

static void test_errors(void **state)
{
	char buf[256];

	(void)state;
	assert_int_equal(plat_win_errno(ERROR_ACCESS_DENIED), -EACCES);
	assert_int_equal(plat_win_errno(ERROR_OBJECT_ALREADY_EXISTS), -EEXIST);
	assert_int_equal(plat_win_errno(ERROR_NOT_FOUND), -ENOENT);
	assert_int_equal(plat_wsa_errno(WSAECONNREFUSED), -ECONNREFUSED);
	assert_int_equal(plat_wsa_errno(WSAEWOULDBLOCK), -EAGAIN);
	plat_win_strerror(ERROR_ACCESS_DENIED, buf, sizeof(buf));
	assert_true(strlen(buf) > 0);
	assert_null(strchr(buf, '\n'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_row),   cmocka_unit_test(test_route_row),
		cmocka_unit_test(test_dns_lists),  cmocka_unit_test(test_pipe_name),
		cmocka_unit_test(test_pipe_owner),
		cmocka_unit_test(test_dir_dacl),
		cmocka_unit_test(test_pipe_dacl),  cmocka_unit_test(test_quote_argv),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
