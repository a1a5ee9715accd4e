/* sys/mman.h for Windows builds: mlock/munlock (keeping secrets out of the page file) as
 * VirtualLock/VirtualUnlock, declared here with their documented kernel32 signatures so that
 * this header does not pull windows.h into POSIX-style code. */
#ifndef SSTP_COMPAT_SYS_MMAN_H
#define SSTP_COMPAT_SYS_MMAN_H

#include <stddef.h>

__declspec(dllimport) int __stdcall VirtualLock(void *addr, unsigned long long len);
__declspec(dllimport) int __stdcall VirtualUnlock(void *addr, unsigned long long len);

static inline int sstp_compat_mlock(const void *addr, size_t len)
{
	return VirtualLock((void *)addr, len) ? 0 : -1;
}

static inline int sstp_compat_munlock(const void *addr, size_t len)
{
	return VirtualUnlock((void *)addr, len) ? 0 : -1;
}

#define mlock sstp_compat_mlock
#define munlock sstp_compat_munlock

#endif
