/* test_plat_dns.c - cmocka tests of the Linux DNS backends that need no daemon: the resolv.conf
 * text (split and full tunnel, the user's servers/search/options kept), the resolv.conf rewrite
 * and its undo in a temp dir (exact restore, a file the user changed meanwhile left alone,
 * symlinks refused, journal written before the change), and the resolvconf argument/stdin
 * contract against a recording script. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "linux/plat_linux.h"

struct fixture {
	char dir[64];
	char state[96];
	char resolv[96];
	struct plat_jrec recs[8];
	size_t n;
	bool resolv_unchanged_at_journal; /* the record was written before the file changed */
	struct plat_undo_env undo;
	struct plat_dns_env env;
};

static const char ORIG[] = "# user's file\nnameserver 192.0.2.53\nnameserver 192.0.2.54\n"
			   "search home.example\noptions edns0 rotate\n";

static char *slurp(const char *path)
{
	char *d;
	size_t l;

	if (plat_read_file(path, 65536, &d, &l) != 0)
		return NULL;
	return d;
}

static void spit(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(s, f);
	fclose(f);
}

static int jadd(void *ctx, struct plat_jrec *r)
{
	struct fixture *fx = ctx;
	char *cur = slurp(fx->resolv);

	fx->resolv_unchanged_at_journal = cur && strcmp(cur, ORIG) == 0;
	free(cur);
	r->seq = (uint32_t)fx->n + 1;
	fx->recs[fx->n++] = *r;
	return 0;
}

static void jdrop(void *ctx, uint32_t seq)
{
	struct fixture *fx = ctx;

	(void)seq;
	fx->n--;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/sstp-dns.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->state, sizeof(fx->state), "%s/state", fx->dir);
	snprintf(fx->resolv, sizeof(fx->resolv), "%s/resolv.conf", fx->dir);
	mkdir(fx->state, 0700);
	spit(fx->resolv, ORIG);
	chmod(fx->resolv, 0644);
	fx->env.undo = &fx->undo;
	fx->env.session = "corp";
	fx->env.state_dir = fx->state;
	fx->env.resolv_conf_path = fx->resolv;
	fx->env.ifname = "sstp0";
	fx->env.ifindex = 9;
	fx->env.journal_add = jadd;
	fx->env.journal_drop = jdrop;
	fx->env.ctx = fx;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

static void test_text(void **state)
{
	struct plat_ip s[4];
	const char *dom[] = {"corp.example", "vnet.example"};
	struct plat_dns_config c = {.servers = s, .n_servers = 2, .domains = dom, .n_domains = 2};
	char *t;

	(void)state;
	assert_int_equal(plat_ip_parse("10.1.0.4", &s[0]), 0);
	assert_int_equal(plat_ip_parse("fd00::4", &s[1]), 0);
	t = plat_dns_resolv_conf_text(&c, ORIG, "corp", "sstp0");
	assert_non_null(t);
	/* ours first, then the user's (3 in all), search ours then theirs, options kept */
	assert_non_null(strstr(t, "nameserver 10.1.0.4\nnameserver fd00::4\nnameserver 192.0.2.53\n"
				  "search corp.example vnet.example home.example\noptions edns0 rotate\n"));
	assert_null(strstr(t, "192.0.2.54"));
	free(t);
	c.full_tunnel = true;
	c.n_domains = 0;
	t = plat_dns_resolv_conf_text(&c, ORIG, "corp", "sstp0");
	assert_null(strstr(t, "192.0.2.53")); /* full tunnel: only ours */
	assert_non_null(strstr(t, "search home.example\n"));
	free(t);
	t = plat_dns_resolv_conf_text(&c, NULL, "corp", "sstp0");
	assert_non_null(strstr(t, "nameserver 10.1.0.4\n"));
	free(t);
}

static struct plat_dns_config one_server(struct plat_ip *s)
{
	struct plat_dns_config c = {.servers = s, .n_servers = 1};

	assert_int_equal(plat_ip_parse("10.1.0.4", s), 0);
	return c;
}

static void test_file_apply_undo(void **state)
{
	struct fixture *fx = *state;
	struct plat_ip s;
	struct plat_dns_config c = one_server(&s);
	char err[256], msg[256], *cur;
	struct stat st;

	assert_int_equal(plat_dns_apply_file(&fx->env, &c, err, sizeof(err)), 0);
	assert_int_equal(fx->n, 1);
	assert_true(fx->resolv_unchanged_at_journal);
	assert_int_equal(fx->recs[0].type, PLAT_JREC_DNS_FILE);
	cur = slurp(fx->resolv);
	assert_non_null(strstr(cur, "nameserver 10.1.0.4\n"));
	free(cur);
	assert_int_equal(stat(fx->resolv, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644); /* mode kept */
	cur = slurp(fx->recs[0].backup);
	assert_string_equal(cur, ORIG);
	free(cur);
	assert_int_equal(plat_dns_undo_file(&fx->undo, &fx->recs[0], msg, sizeof(msg)),
			 PLAT_UNDO_DONE);
	cur = slurp(fx->resolv);
	assert_string_equal(cur, ORIG);
	free(cur);
	assert_int_not_equal(access(fx->recs[0].backup, F_OK), 0);
	assert_int_not_equal(access(fx->recs[0].ours, F_OK), 0);
	/* a second undo (crash after restoring, before marking done) finds nothing to do */
	assert_int_equal(plat_dns_undo_file(&fx->undo, &fx->recs[0], msg, sizeof(msg)),
			 PLAT_UNDO_GONE);
	cur = slurp(fx->resolv);
	assert_string_equal(cur, ORIG);
	free(cur);
}

static void test_file_changed_meanwhile(void **state)
{
	struct fixture *fx = *state;
	struct plat_ip s;
	struct plat_dns_config c = one_server(&s);
	char err[256], msg[256], *cur;

	assert_int_equal(plat_dns_apply_file(&fx->env, &c, err, sizeof(err)), 0);
	spit(fx->resolv, "nameserver 203.0.113.1\n"); /* the user (or DHCP) wrote a new file */
	assert_int_equal(plat_dns_undo_file(&fx->undo, &fx->recs[0], msg, sizeof(msg)),
			 PLAT_UNDO_SKIPPED);
	assert_non_null(strstr(msg, "was changed after sstp wrote it"));
	assert_non_null(strstr(msg, fx->recs[0].backup));
	cur = slurp(fx->resolv);
	assert_string_equal(cur, "nameserver 203.0.113.1\n");
	free(cur);
	cur = slurp(fx->recs[0].backup); /* the original is still there for the user */
	assert_string_equal(cur, ORIG);
	free(cur);
}

static void test_file_never_written(void **state)
{
	struct fixture *fx = *state;
	struct plat_ip s;
	struct plat_dns_config c = one_server(&s);
	char err[256], msg[256], *cur;

	assert_int_equal(plat_dns_apply_file(&fx->env, &c, err, sizeof(err)), 0);
	/* as if we crashed after journaling, before rewriting */
	spit(fx->resolv, ORIG);
	assert_int_equal(plat_dns_undo_file(&fx->undo, &fx->recs[0], msg, sizeof(msg)),
			 PLAT_UNDO_GONE);
	cur = slurp(fx->resolv);
	assert_string_equal(cur, ORIG);
	free(cur);
}

static void test_file_symlink_refused(void **state)
{
	struct fixture *fx = *state;
	struct plat_ip s;
	struct plat_dns_config c = one_server(&s);
	char err[256], target[128];

	snprintf(target, sizeof(target), "%s/stub-resolv.conf", fx->dir);
	spit(target, "nameserver 127.0.0.53\n");
	unlink(fx->resolv);
	assert_int_equal(symlink(target, fx->resolv), 0);
	assert_int_equal(plat_dns_apply_file(&fx->env, &c, err, sizeof(err)), -ENOTSUP);
	assert_non_null(strstr(err, "symlink"));
	assert_int_equal(fx->n, 0);
}

static void test_resolvconf_contract(void **state)
{
	struct fixture *fx = *state;
	struct plat_ip s[2];
	const char *dom[] = {"corp.example"};
	struct plat_dns_config c = {.servers = s, .n_servers = 2, .domains = dom, .n_domains = 1};
	char script[128], rec[128], body[512], err[256], msg[256], *got;

	assert_int_equal(plat_ip_parse("10.1.0.4", &s[0]), 0);
	assert_int_equal(plat_ip_parse("fd00::4", &s[1]), 0);
	snprintf(script, sizeof(script), "%s/resolvconf", fx->dir);
	snprintf(rec, sizeof(rec), "%s/calls", fx->dir);
	/* records its arguments and stdin, as resolvconf -a/-d receive them */
	snprintf(body, sizeof(body), "#!/bin/sh\necho \"$*\" >> '%s'\n[ \"$1\" = -a ] && cat >> '%s'\n"
		 "exit 0\n", rec, rec);
	spit(script, body);
	chmod(script, 0755);
	fx->undo.resolvconf_cmd = script;
	assert_int_equal(plat_dns_apply_resolvconf(&fx->env, &c, err, sizeof(err)), 0);
	assert_int_equal(fx->n, 1);
	assert_int_equal(fx->recs[0].type, PLAT_JREC_DNS_RESOLVCONF);
	assert_string_equal(fx->recs[0].ifname, "sstp0");
	assert_int_equal(plat_dns_undo_resolvconf(&fx->undo, &fx->recs[0], msg, sizeof(msg)),
			 PLAT_UNDO_DONE);
	got = slurp(rec);
	assert_string_equal(got, "-a sstp0\nnameserver 10.1.0.4\nnameserver fd00::4\n"
				 "search corp.example\n-d sstp0\n");
	free(got);
	/* a live session claims the interface now: stale replay leaves it alone */
	const char live[1][PLAT_NET_IFNAME_MAX] = {"sstp0"};
	fx->undo.live_ifnames = live;
	fx->undo.n_live = 1;
	assert_int_equal(plat_dns_undo_resolvconf(&fx->undo, &fx->recs[0], msg, sizeof(msg)),
			 PLAT_UNDO_SKIPPED);
	fx->undo.n_live = 0;
	/* failing resolvconf: error reported with its output, record dropped */
	spit(script, "#!/bin/sh\necho 'resolvconf: broken' >&2\nexit 3\n");
	fx->n = 0;
	assert_int_equal(plat_dns_apply_resolvconf(&fx->env, &c, err, sizeof(err)), -EIO);
	assert_non_null(strstr(err, "resolvconf: broken"));
	/* bad domain names are refused before anything runs */
	dom[0] = "bad domain";
	assert_int_equal(plat_dns_apply_resolvconf(&fx->env, &c, err, sizeof(err)), -EINVAL);
	fx->undo.resolvconf_cmd = "/nonexistent/resolvconf";
	dom[0] = "corp.example";
	assert_int_equal(plat_dns_apply_resolvconf(&fx->env, &c, err, sizeof(err)), -ENOENT);
}

/* The copies go to the backup directory (made with its parent); with the journal gone (a crash,
 * then a reboot emptied /run), plat_dns_file_orphans puts the file back, but never for a session
 * whose journal is still there, nor from a directory others can write. */
static void test_file_backup_dir_orphan(void **state)
{
	struct fixture *fx = *state;
	struct plat_ip s;
	struct plat_dns_config c = one_server(&s);
	struct plat_net_config cfg = {.resolv_conf_path = fx->resolv};
	struct plat_cleanup_report rep = {0};
	char lib[128], jpath[160], err[256], *cur;

	snprintf(lib, sizeof(lib), "%s/var/lib-sstp", fx->dir);
	fx->env.backup_dir = lib;
	assert_int_equal(plat_dns_apply_file(&fx->env, &c, err, sizeof(err)), 0);
	assert_int_equal(strncmp(fx->recs[0].backup, lib, strlen(lib)), 0);
	assert_int_equal(strncmp(fx->recs[0].ours, lib, strlen(lib)), 0);
	cur = slurp(fx->recs[0].backup);
	assert_string_equal(cur, ORIG);
	free(cur);
	/* a journal still names the session: its replay, not this scan, owns the pair */
	snprintf(jpath, sizeof(jpath), "%s/corp.journal", fx->state);
	spit(jpath, "x\n");
	assert_int_equal(plat_dns_file_orphans(&cfg, &fx->undo, fx->state, lib, &rep), 0);
	assert_int_equal(rep.undone + rep.skipped + rep.failed, 0);
	unlink(jpath);
	/* a directory others may write is not trusted */
	chmod(lib, 0777);
	assert_int_equal(plat_dns_file_orphans(&cfg, &fx->undo, fx->state, lib, &rep), -EPERM);
	cur = slurp(fx->resolv);
	assert_null(strstr(cur, "# user's file"));
	free(cur);
	chmod(lib, 0700);
	/* another session's scan leaves it alone */
	cfg.session = "other";
	assert_int_equal(plat_dns_file_orphans(&cfg, &fx->undo, fx->state, lib, &rep), 0);
	assert_int_equal(rep.undone, 0);
	cfg.session = NULL;
	assert_int_equal(plat_dns_file_orphans(&cfg, &fx->undo, fx->state, lib, &rep), 0);
	assert_int_equal(rep.undone, 1);
	cur = slurp(fx->resolv);
	assert_string_equal(cur, ORIG);
	free(cur);
	assert_int_not_equal(access(fx->recs[0].backup, F_OK), 0);
	assert_int_not_equal(access(fx->recs[0].ours, F_OK), 0);
	/* nothing left: a second scan does nothing */
	assert_int_equal(plat_dns_file_orphans(&cfg, &fx->undo, fx->state, lib, &rep), 0);
	assert_int_equal(rep.undone + rep.already_gone + rep.skipped, 1);
}

/* systemd-resolved through a recording busctl: a split tunnel without domains asks the link for
 * every name (DefaultRoute=yes) and routes the reverse zones of its routes there; with domains,
 * only those (DefaultRoute=no); a full tunnel gets "~." */
static void test_resolved_domains(void **state)
{
	struct fixture *fx = *state;
	struct plat_ip s;
	struct plat_prefix rev[3];
	const char *dom[] = {"corp.example"};
	struct plat_dns_config c = one_server(&s);
	char script[128], rec[128], body[512], err[256], *got;

	assert_int_equal(plat_prefix_parse("10.232.0.0/24", true, &rev[0]), 0);
	assert_int_equal(plat_prefix_parse("10.1.16.0/22", true, &rev[1]), 0);
	assert_int_equal(plat_prefix_parse("fd00:1::/32", true, &rev[2]), 0);
	c.reverse = rev;
	c.n_reverse = 3;
	snprintf(script, sizeof(script), "%s/busctl", fx->dir);
	snprintf(rec, sizeof(rec), "%s/calls", fx->dir);
	snprintf(body, sizeof(body), "#!/bin/sh\nshift 6\necho \"$*\" >> '%s'\nexit 0\n", rec);
	spit(script, body);
	chmod(script, 0755);
	fx->undo.busctl_cmd = script;
	assert_int_equal(plat_dns_apply_resolved(&fx->env, &c, err, sizeof(err)), 0);
	got = slurp(rec);
	assert_string_equal(got,
		"SetLinkDNS ia(iay) 9 1 2 4 10 1 0 4\n"
		"SetLinkDomains ia(sb) 9 6 0.232.10.in-addr.arpa true 16.1.10.in-addr.arpa true "
		"17.1.10.in-addr.arpa true 18.1.10.in-addr.arpa true 19.1.10.in-addr.arpa true "
		"1.0.0.0.0.0.d.f.ip6.arpa true\n"
		"SetLinkDefaultRoute ib 9 true\n");
	free(got);
	unlink(rec);
	c.domains = dom;
	c.n_domains = 1;
	assert_int_equal(plat_dns_apply_resolved(&fx->env, &c, err, sizeof(err)), 0);
	got = slurp(rec);
	assert_non_null(strstr(got, "SetLinkDomains ia(sb) 9 1 corp.example true\n"));
	assert_non_null(strstr(got, "SetLinkDefaultRoute ib 9 false\n"));
	free(got);
	unlink(rec);
	c.full_tunnel = true;
	assert_int_equal(plat_dns_apply_resolved(&fx->env, &c, err, sizeof(err)), 0);
	got = slurp(rec);
	assert_non_null(strstr(got, "SetLinkDomains ia(sb) 9 2 corp.example true . true\n"));
	assert_non_null(strstr(got, "SetLinkDefaultRoute ib 9 true\n"));
	free(got);
}

static void test_proc_run(void **state)
{
	const char *ok[] = {"/bin/sh", "-c", "read x; echo got:$x", NULL};
	const char *slow[] = {"/bin/sh", "-c", "sleep 30 & echo started", NULL};
	char out[64];

	(void)state;
	assert_int_equal(plat_proc_run(ok, "hello\n", out, sizeof(out)), 0);
	assert_string_equal(out, "got:hello\n");
	/* a background child keeping the pipe open does not hold us for its lifetime */
	assert_int_equal(plat_proc_run(slow, NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "started\n");
	const char *st[] = {"/bin/sh", "-c", "exit 7", NULL};
	assert_int_equal(plat_proc_run(st, NULL, out, sizeof(out)), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test_setup_teardown(test_file_apply_undo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_changed_meanwhile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_never_written, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_symlink_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolvconf_contract, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_backup_dir_orphan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolved_domains, setup, teardown),
		cmocka_unit_test(test_proc_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
