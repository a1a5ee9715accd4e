/* log.h - the one logger of sstp: levels, stderr/syslog sinks, hex dumps for -vv, and a redaction
 * helper so that passwords, keys, SAS query strings, MSK and HLAK never reach a log line.
 * Used by the session and the CLI only (the pure engines return diagnostics instead). */
#ifndef SSTP_LOG_H
#define SSTP_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum sstp_log_level {
	SSTP_LOG_ERROR = 0,
	SSTP_LOG_WARN = 1,
	SSTP_LOG_INFO = 2,
	SSTP_LOG_DEBUG = 3, /* -v */
	SSTP_LOG_TRACE = 4, /* -vv: protocol and packet dumps */
};

/* Where lines go; any combination. */
#define SSTP_LOG_TO_STDERR 1u
#define SSTP_LOG_TO_SYSLOG 2u

/* Configure the logger. `ident` is the program name shown in front of every line ("sstp");
 * the string must outlive the logger (use a literal). Safe to call again to change sinks. */
void sstp_log_init(const char *ident, enum sstp_log_level level, unsigned sinks);
void sstp_log_set_level(enum sstp_log_level level);
/* The sinks in use: sstp_log_init drops SSTP_LOG_TO_SYSLOG when stderr is the journal
 * (JOURNAL_STREAM), whose lines then carry "<N>" priority prefixes. */
unsigned sstp_log_get_sinks(void);
enum sstp_log_level sstp_log_get_level(void);
int sstp_log_enabled(enum sstp_log_level level);
/* Prefix every line with the time since sstp_log_init in milliseconds (debug aid, default off). */
void sstp_log_set_timestamps(int on);

/* Log one line (no trailing newline needed). The formatted text passes through the redaction
 * of sstp_log_redact() before it reaches any sink. */
void sstp_log(enum sstp_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sstp_logv(enum sstp_log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#define sstp_err(...) sstp_log(SSTP_LOG_ERROR, __VA_ARGS__)
#define sstp_warn(...) sstp_log(SSTP_LOG_WARN, __VA_ARGS__)
#define sstp_info(...) sstp_log(SSTP_LOG_INFO, __VA_ARGS__)
#define sstp_dbg(...) sstp_log(SSTP_LOG_DEBUG, __VA_ARGS__)
#define sstp_trace(...) sstp_log(SSTP_LOG_TRACE, __VA_ARGS__)

/* Hex dump of `len` bytes at TRACE level, at most `max` bytes shown (0 = 256). The caller must
 * never pass key material; the dump is skipped entirely below TRACE. */
void sstp_log_hex(const char *what, const void *data, size_t len, size_t max);

/* Secrets the logger must never print: every occurrence of a registered string in a log line
 * is replaced by "***". The logger keeps the pointer, not a copy: the caller keeps the string
 * alive until sstp_log_forget_secret() (or for the life of the process). Strings shorter than
 * 4 bytes are not registered (they would blank out ordinary words). At most 8 at a time;
 * returns 0 or -1 when the table is full. */
int sstp_log_add_secret(const char *secret);
void sstp_log_forget_secret(const char *secret);

/* Redact in place: registered secrets become "***"; the query string of any http:// or https://
 * URL becomes "?<redacted>" (Azure SAS tokens are credentials); "password=..", "pass=..",
 * "sig=.." and "secret=.." values become "***". Returns `s`. Bounded by `size` (the buffer size,
 * the string is NUL-terminated within it and may shrink or be cut at size-1). */
char *sstp_log_redact(char *s, size_t size);

/* Convenience: copy `url` into `out` with its query string replaced by "?<redacted>". */
const char *sstp_redact_url(const char *url, char *out, size_t out_size);

#endif
