/* log.c - the logger: level filter, redaction of secrets and credential-bearing URLs, and the
 * stderr and syslog sinks. Every log line of sstp passes through sstp_logv(). */
#include "log.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>

#define LOG_LINE_MAX 2048
#define LOG_MAX_SECRETS 8
#define LOG_MIN_SECRET 4

static const char *log_ident = "sstp";
static enum sstp_log_level log_level = SSTP_LOG_INFO;
static unsigned log_sinks = SSTP_LOG_TO_STDERR;
static int log_syslog_open;
static int log_journal; /* stderr is systemd's journal stream: "<N>" priority prefixes */
static int log_timestamps;
static struct timespec log_t0;
static const char *log_secrets[LOG_MAX_SECRETS];

/* systemd sets JOURNAL_STREAM to "device:inode" of the stream it connected to stderr. */
static int stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char *end;

	if (!js || *js < '0' || *js > '9')
		return 0;
	errno = 0;
	dev = strtoull(js, &end, 10);
	if (errno || *end != ':' || end[1] < '0' || end[1] > '9')
		return 0;
	ino = strtoull(end + 1, &end, 10);
	if (errno || *end || fstat(2, &st) != 0)
		return 0;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void sstp_log_init(const char *ident, enum sstp_log_level level, unsigned sinks)
{
	if (ident)
		log_ident = ident;
	log_journal = (sinks & SSTP_LOG_TO_STDERR) && stderr_is_journal();
	if (log_journal)
		sinks &= ~SSTP_LOG_TO_SYSLOG; /* the journal has every line already: one copy */
	log_level = level;
	if ((sinks & SSTP_LOG_TO_SYSLOG) && !log_syslog_open) {
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
		log_syslog_open = 1;
	} else if (!(sinks & SSTP_LOG_TO_SYSLOG) && log_syslog_open) {
		closelog();
		log_syslog_open = 0;
	}
	log_sinks = sinks;
	clock_gettime(CLOCK_MONOTONIC, &log_t0);
}

unsigned sstp_log_get_sinks(void)
{
	return log_sinks;
}

void sstp_log_set_level(enum sstp_log_level level)
{
	log_level = level;
}

enum sstp_log_level sstp_log_get_level(void)
{
	return log_level;
}

int sstp_log_enabled(enum sstp_log_level level)
{
	return level <= log_level;
}

void sstp_log_set_timestamps(int on)
{
	log_timestamps = on;
}

int sstp_log_add_secret(const char *secret)
{
	int i;

	if (!secret || strlen(secret) < LOG_MIN_SECRET)
		return 0;
	for (i = 0; i < LOG_MAX_SECRETS; i++)
		if (log_secrets[i] == secret)
			return 0;
	for (i = 0; i < LOG_MAX_SECRETS; i++) {
		if (!log_secrets[i]) {
			log_secrets[i] = secret;
			return 0;
		}
	}
	return -1;
}

void sstp_log_forget_secret(const char *secret)
{
	for (int i = 0; i < LOG_MAX_SECRETS; i++)
		if (log_secrets[i] == secret)
			log_secrets[i] = NULL;
}

/* Replace s[at, at+cut) by `rep`, keeping the string NUL-terminated within `size`. */
static void splice(char *s, size_t size, size_t at, size_t cut, const char *rep)
{
	size_t len = strlen(s), rl = strlen(rep), tail = len - at - cut;

	if (at + rl >= size) { /* the replacement alone does not fit: cut the line here */
		size_t n = size - 1 - at;
		memcpy(s + at, rep, n);
		s[size - 1] = '\0';
		return;
	}
	if (at + rl + tail >= size)
		tail = size - 1 - at - rl;
	memmove(s + at + rl, s + at + cut, tail);
	memcpy(s + at, rep, rl);
	s[at + rl + tail] = '\0';
}

static void redact_secrets(char *s, size_t size)
{
	for (int i = 0; i < LOG_MAX_SECRETS; i++) {
		const char *sec = log_secrets[i];
		size_t sl;
		char *p;

		if (!sec)
			continue;
		sl = strlen(sec);
		p = s;
		while ((p = strstr(p, sec)) != NULL) {
			splice(s, size, (size_t)(p - s), sl, "***");
			p += 3;
		}
	}
}

static int url_end(int c)
{
	return c == '\0' || isspace(c) || c == '"' || c == '\'' || c == '>' || c == ')';
}

static void redact_urls(char *s, size_t size)
{
	char *p = s;

	for (;;) {
		char *h = strstr(p, "http://"), *hs = strstr(p, "https://"), *q;

		if (!h || (hs && hs < h))
			h = hs;
		if (!h)
			return;
		q = h;
		while (!url_end((unsigned char)*q) && *q != '?')
			q++;
		if (*q == '?') {
			char *e = q;
			while (!url_end((unsigned char)*e))
				e++;
			splice(s, size, (size_t)(q - s), (size_t)(e - q), "?<redacted>");
			q += strlen("?<redacted>");
			if ((size_t)(q - s) >= strlen(s))
				return;
		}
		p = q;
	}
}

static void redact_keyvals(char *s, size_t size)
{
	static const char *const keys[] = { "password=", "pass=", "passwd=", "secret=", "sig=",
					    "token=", "key=" };

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		size_t kl = strlen(keys[k]);
		char *p = s;

		while ((p = strcasestr(p, keys[k])) != NULL) {
			char *v = p + kl, *e = v;

			/* match whole keys only: "passkey=" must not hit "key=" mid-word */
			if (p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '_')) {
				p = v;
				continue;
			}
			while (*e && !isspace((unsigned char)*e) && *e != '&' && *e != ',' && *e != ';' &&
			       *e != '"')
				e++;
			if (e == v || (e - v == 3 && memcmp(v, "***", 3) == 0)) {
				p = e;
				continue;
			}
			splice(s, size, (size_t)(v - s), (size_t)(e - v), "***");
			p = v + 3;
		}
	}
}

char *sstp_log_redact(char *s, size_t size)
{
	if (!s || size == 0)
		return s;
	s[size - 1] = '\0';
	redact_secrets(s, size);
	redact_urls(s, size);
	redact_keyvals(s, size);
	return s;
}

const char *sstp_redact_url(const char *url, char *out, size_t out_size)
{
	const char *q;
	size_t n;

	if (!out || out_size == 0)
		return "";
	if (!url) {
		out[0] = '\0';
		return out;
	}
	q = strchr(url, '?');
	n = q ? (size_t)(q - url) : strlen(url);
	snprintf(out, out_size, "%.*s%s", (int)n, url, q ? "?<redacted>" : "");
	return out;
}

static int syslog_prio(enum sstp_log_level level)
{
	switch (level) {
	case SSTP_LOG_ERROR: return LOG_ERR;
	case SSTP_LOG_WARN: return LOG_WARNING;
	case SSTP_LOG_INFO: return LOG_NOTICE;
	case SSTP_LOG_DEBUG: return LOG_INFO;
	default: return LOG_DEBUG;
	}
}

static const char *level_tag(enum sstp_log_level level)
{
	switch (level) {
	case SSTP_LOG_WARN: return "warning: ";
	case SSTP_LOG_DEBUG: return "debug: ";
	case SSTP_LOG_TRACE: return "trace: ";
	default: return "";
	}
}

void sstp_logv(enum sstp_log_level level, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];

	if (level > log_level)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	sstp_log_redact(line, sizeof(line));
	if ((log_sinks & SSTP_LOG_TO_STDERR) && log_journal) {
		/* the journal names the program and keeps the priority: "<N>" (sd-daemon(3)) */
		fprintf(stderr, "<%d>%s%s\n", syslog_prio(level), level_tag(level), line);
	} else if (log_sinks & SSTP_LOG_TO_STDERR) {
		if (log_timestamps) {
			struct timespec now;
			long long ms;

			clock_gettime(CLOCK_MONOTONIC, &now);
			ms = (long long)(now.tv_sec - log_t0.tv_sec) * 1000 +
			     (now.tv_nsec - log_t0.tv_nsec) / 1000000;
			fprintf(stderr, "%s: [%lld.%03lld] %s%s\n", log_ident, ms / 1000, ms % 1000,
				level_tag(level), line);
		} else {
			fprintf(stderr, "%s: %s%s\n", log_ident, level_tag(level), line);
		}
	}
	if (log_sinks & SSTP_LOG_TO_SYSLOG)
		syslog(syslog_prio(level), "%s", line);
}

void sstp_log(enum sstp_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sstp_logv(level, fmt, ap);
	va_end(ap);
}

void sstp_log_hex(const char *what, const void *data, size_t len, size_t max)
{
	const unsigned char *p = data;
	char line[16 * 3 + 1];
	size_t shown;

	if (SSTP_LOG_TRACE > log_level || !p)
		return;
	if (max == 0)
		max = 256;
	shown = len < max ? len : max;
	sstp_log(SSTP_LOG_TRACE, "%s: %zu bytes%s", what, len, shown < len ? " (truncated)" : "");
	for (size_t off = 0; off < shown; off += 16) {
		size_t n = shown - off < 16 ? shown - off : 16, k = 0;

		for (size_t i = 0; i < n; i++)
			k += (size_t)snprintf(line + k, sizeof(line) - k, "%02x ", p[off + i]);
		line[k ? k - 1 : 0] = '\0';
		sstp_log(SSTP_LOG_TRACE, "  %04zx  %s", off, line);
	}
}
