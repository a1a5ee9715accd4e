/* unistd.h for Windows builds: mingw-w64's header plus fsync() as _commit() (flushes the CRT
 * descriptor's file to disk). */
#ifndef SSTP_COMPAT_UNISTD_H
#define SSTP_COMPAT_UNISTD_H

#include_next <unistd.h>

#include <io.h>

#define fsync(fd) _commit(fd)

#endif
