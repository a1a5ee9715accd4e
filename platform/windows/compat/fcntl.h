/* fcntl.h for Windows builds: the C runtime's header plus the POSIX open flags the shared code
 * passes: O_CLOEXEC is _O_NOINHERIT; O_NOCTTY and O_NOFOLLOW have no Windows meaning (0). */
#ifndef SSTP_COMPAT_FCNTL_H
#define SSTP_COMPAT_FCNTL_H

#include_next <fcntl.h>

#ifndef O_CLOEXEC
#define O_CLOEXEC _O_NOINHERIT
#endif
#ifndef O_NOCTTY
#define O_NOCTTY 0
#endif
#ifndef O_NOFOLLOW
#define O_NOFOLLOW 0
#endif

#endif
