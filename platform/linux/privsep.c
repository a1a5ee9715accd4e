/* privsep.c - privilege separation of `sstp connect` (plat_privsep.h), Linux. */
#include "plat_privsep.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

int plat_privsep_fork(int *sock, int *pid)
{
	int sp[2];
	pid_t p;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return -errno;
	p = fork();
	if (p < 0) {
		int e = errno;
		close(sp[0]);
		close(sp[1]);
		return -e;
	}
	if (p == 0) {
		close(sp[0]);
		*sock = sp[1];
		*pid = 0;
		return 0;
	}
	close(sp[1]);
	*sock = sp[0];
	*pid = (int)p;
	/* The TUN this side creates goes to the child, whose broker backend moves whole packets:
	 * no virtio-net header, no offload (net.c reads this when it opens the TUN). */
	setenv("SSTP_TUN_OFFLOAD", "0", 1);
	return 1;
}

static volatile sig_atomic_t fwd_pid;

static void forward(int sig)
{
	if (fwd_pid > 0)
		kill((pid_t)fwd_pid, sig);
}

int plat_privsep_forward_signals(int pid)
{
	struct sigaction sa;
	sigset_t set;

	fwd_pid = pid;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGHUP, &sa, NULL) < 0)
		return -errno;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	return sigprocmask(SIG_UNBLOCK, &set, NULL) < 0 ? -errno : 0;
}

static const struct passwd *find_user(const char *user)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(user, &end, 10);
	if (user[0] >= '0' && user[0] <= '9' && *end == '\0' && errno == 0 && v <= 0xfffffffeULL)
		return getpwuid((uid_t)v);
	return getpwnam(user);
}

int plat_privsep_drop(const char *user, char *err, size_t errlen)
{
	const struct passwd *pw = find_user(user);
	struct rlimit nocore = { 0, 0 };
	uid_t uid, ru, eu, su;
	gid_t gid;

	if (!pw) {
		snprintf(err, errlen, "no user '%s' to run the session as", user);
		return -ENOENT;
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (uid == 0) {
		snprintf(err, errlen, "the session must not run as root ('%s')", user);
		return -EPERM;
	}
	if (initgroups(pw->pw_name, gid) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0) {
		snprintf(err, errlen, "cannot become %s (uid %u): %s", pw->pw_name, (unsigned)uid,
			 strerror(errno));
		return -EPERM;
	}
	/* no way back: a failed setuid(0) proves that the saved ids are gone too */
	if (getresuid(&ru, &eu, &su) < 0 || ru != uid || eu != uid || su != uid || setuid(0) == 0) {
		snprintf(err, errlen, "dropping root to %s did not hold", pw->pw_name);
		return -EPERM;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 ||
	    setrlimit(RLIMIT_CORE, &nocore) < 0) {
		snprintf(err, errlen, "cannot lock the session down: %s", strerror(errno));
		return -EPERM;
	}
	return 0;
}
