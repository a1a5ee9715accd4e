/* sysutil.c - helpers of the Linux network backend: process identity (pid + start time + boot id,
 * so a reused pid is not mistaken for a live journal owner), running busctl/resolvconf with a
 * time limit and captured output, small-file reading and durable (fsync + rename) writing. */
#include "plat_linux.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void plat_logf(plat_net_log_fn *log, void *ctx, int level, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!log)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log(ctx, level, buf);
}

int plat_read_file(const char *path, size_t max, char **data, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 4096, n = 0;
	char *buf;

	*data = NULL;
	*len = 0;
	if (fd < 0)
		return -errno;
	buf = malloc(cap + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		if (n == cap) {
			char *nb;
			if (cap > max) {
				free(buf);
				close(fd);
				return -EFBIG;
			}
			nb = realloc(buf, cap * 2 + 1);
			if (!nb) {
				free(buf);
				close(fd);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = -errno;
			free(buf);
			close(fd);
			return e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > max) {
		free(buf);
		return -EFBIG;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

int plat_write_file_durable(const char *path, const char *data, size_t len, unsigned mode)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, r = 0, n;

	if (!slash)
		return -EINVAL;
	n = snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return -errno;
	while (len && r == 0) {
		ssize_t w = write(fd, data, len);
		if (w < 0 && errno != EINTR) {
			r = -errno;
		} else if (w > 0) {
			data += w;
			len -= (size_t)w;
		}
	}
	if (r == 0 && fchmod(fd, mode) != 0)
		r = -errno;
	if (r == 0 && fsync(fd) != 0)
		r = -errno;
	close(fd);
	if (r == 0 && rename(tmp, path) != 0)
		r = -errno;
	if (r) {
		unlink(tmp);
		return r;
	}
	size_t dl = (size_t)(slash - path);
	if (dl == 0)
		dl = 1;
	memcpy(dir, path, dl);
	dir[dl] = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
}

static int read_boot_id(char *out, size_t outlen)
{
	char *data;
	size_t len, k = 0;

	out[0] = '\0';
	if (plat_read_file("/proc/sys/kernel/random/boot_id", 128, &data, &len) != 0)
		return -ENOENT;
	for (size_t i = 0; i < len && k + 1 < outlen; i++) {
		char c = data[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-'))
			break;
		out[k++] = c;
	}
	out[k] = '\0';
	free(data);
	return k ? 0 : -ENOENT;
}

/* State letter (field 3) and start time (field 22) of /proc/PID/stat. */
static int read_stat(uint32_t pid, char *state, uint64_t *start)
{
	char path[64], *data, *p, *end;
	size_t len;
	int field = 3;

	snprintf(path, sizeof(path), "/proc/%u/stat", (unsigned)pid);
	if (plat_read_file(path, 4096, &data, &len) != 0)
		return -ESRCH;
	p = strrchr(data, ')'); /* the command name may contain spaces and parentheses */
	if (!p || p[1] != ' ' || !p[2]) {
		free(data);
		return -EPROTO;
	}
	p += 2;
	*state = *p;
	while (*p && field < 22) {
		while (*p && *p != ' ')
			p++;
		while (*p == ' ')
			p++;
		field++;
	}
	errno = 0;
	unsigned long long v = strtoull(p, &end, 10);
	if (field != 22 || end == p || errno != 0 || (*end != ' ' && *end != '\n' && *end)) {
		free(data);
		return -EPROTO;
	}
	free(data);
	*start = v;
	return 0;
}

int plat_proc_self_owner(struct plat_journal_owner *o)
{
	char state;

	memset(o, 0, sizeof(*o));
	o->pid = (uint32_t)getpid();
	if (read_stat(o->pid, &state, &o->start_ticks) != 0)
		return -EPROTO;
	read_boot_id(o->boot_id, sizeof(o->boot_id));
	return 0;
}

int plat_proc_owner_alive(const struct plat_journal_owner *o)
{
	char boot[PLAT_JOURNAL_BOOTID_MAX], state;
	uint64_t st;

	if (o->boot_id[0] && read_boot_id(boot, sizeof(boot)) == 0 && strcmp(boot, o->boot_id) != 0)
		return 0;
	if (kill((pid_t)o->pid, 0) != 0 && errno == ESRCH)
		return 0;
	if (read_stat(o->pid, &state, &st) != 0 || st != o->start_ticks)
		return 0;
	/* a zombie (killed, not yet reaped) holds nothing any more */
	return state == 'Z' || state == 'X' ? 0 : 1;
}

int plat_proc_find(const char *cmd, char *out, size_t outlen)
{
	const char *path = getenv("PATH");
	char all[4096];
	struct stat st;

	if (!cmd || !*cmd)
		return -ENOENT;
	if (strchr(cmd, '/')) {
		if (access(cmd, X_OK) != 0)
			return -ENOENT;
		return (size_t)snprintf(out, outlen, "%s", cmd) < outlen ? 0 : -ENAMETOOLONG;
	}
	snprintf(all, sizeof(all), "%s:/usr/sbin:/sbin:/usr/bin:/bin", path ? path : "");
	for (char *s = all, *e; s; s = e) {
		e = strchr(s, ':');
		if (e)
			*e++ = '\0';
		if (!*s || (size_t)snprintf(out, outlen, "%s/%s", s, cmd) >= outlen)
			continue;
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void close_pair(int p[2])
{
	close(p[0]);
	close(p[1]);
}

int plat_proc_run(const char *const argv[], const char *stdin_data, char *out, size_t outlen)
{
	int in[2], op[2], status;
	size_t olen = 0, ilen = stdin_data ? strlen(stdin_data) : 0, ioff = 0;
	uint64_t deadline = now_ms() + 10000;
	bool killed = false, reaped = false;
	pid_t pid;

	if (outlen)
		out[0] = '\0';
	if (pipe2(in, O_CLOEXEC) != 0)
		return -errno;
	if (pipe2(op, O_CLOEXEC) != 0) {
		int e = -errno;
		close_pair(in);
		return e;
	}
	pid = fork();
	if (pid < 0) {
		int e = -errno;
		close_pair(in);
		close_pair(op);
		return e;
	}
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		dup2(in[0], 0);
		dup2(op[1], 1);
		dup2(op[1], 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(op[1]);
	if (ilen == 0) {
		close(in[1]);
		in[1] = -1;
	} else {
		fcntl(in[1], F_SETFL, O_NONBLOCK);
	}
	for (;;) {
		struct pollfd p[2] = {{.fd = op[0], .events = POLLIN},
				      {.fd = in[1], .events = POLLOUT}};
		uint64_t now = now_ms();
		int r;

		if (now >= deadline) {
			kill(pid, SIGKILL);
			killed = true;
			break;
		}
		/* wake up now and then: a daemon the child started may keep the pipe open */
		r = poll(p, in[1] >= 0 ? 2 : 1, deadline - now < 100 ? (int)(deadline - now) : 100);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		if (in[1] >= 0 && (p[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t w = write(in[1], stdin_data + ioff, ilen - ioff);
			if (w > 0)
				ioff += (size_t)w;
			if (w < 0 || ioff == ilen) {
				close(in[1]);
				in[1] = -1;
			}
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			char tmp[1024];
			ssize_t n = read(op[0], tmp, sizeof(tmp));
			if (n <= 0)
				break;
			if (outlen > 1 && olen < outlen - 1) {
				size_t room = outlen - 1 - olen;
				size_t c = (size_t)n < room ? (size_t)n : room;
				memcpy(out + olen, tmp, c);
				olen += c;
				out[olen] = '\0';
			}
			continue; /* drain before looking at the child */
		}
		if (waitpid(pid, &status, WNOHANG) == pid) {
			reaped = true;
			break;
		}
	}
	if (in[1] >= 0)
		close(in[1]);
	close(op[0]);
	while (!reaped && waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	if (killed)
		return -ETIMEDOUT;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return -EINTR;
}
