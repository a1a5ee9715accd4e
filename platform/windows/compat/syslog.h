/* syslog.h for Windows builds: there is no syslog daemon; messages go to the debugger output
 * (OutputDebugString, readable with DebugView or a service's debugger). The levels and
 * facilities keep their POSIX values so the shared code compiles unchanged. */
#ifndef SSTP_COMPAT_SYSLOG_H
#define SSTP_COMPAT_SYSLOG_H

#include <stdarg.h>
#include <stdio.h>

#define LOG_EMERG 0
#define LOG_ALERT 1
#define LOG_CRIT 2
#define LOG_ERR 3
#define LOG_WARNING 4
#define LOG_NOTICE 5
#define LOG_INFO 6
#define LOG_DEBUG 7
#define LOG_PID 0x01
#define LOG_CONS 0x02
#define LOG_NDELAY 0x08
#define LOG_USER (1 << 3)
#define LOG_DAEMON (3 << 3)
#define LOG_AUTHPRIV (10 << 3)

__declspec(dllimport) void __stdcall OutputDebugStringA(const char *s);

static inline void sstp_compat_openlog(const char *ident, int opt, int facility)
{
	(void)ident;
	(void)opt;
	(void)facility;
}

static inline void sstp_compat_closelog(void)
{
}

static inline void sstp_compat_syslog(int prio, const char *fmt, ...)
	__attribute__((format(gnu_printf, 2, 3)));
static inline void sstp_compat_syslog(int prio, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	(void)prio;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	OutputDebugStringA(line);
}

#define openlog sstp_compat_openlog
#define closelog sstp_compat_closelog
#define syslog sstp_compat_syslog

#endif
