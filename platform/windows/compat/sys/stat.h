/* sys/stat.h for Windows builds: the C runtime's header plus the POSIX forms the shared code uses:
 * mkdir(path, mode) (the mode has no meaning: access is the directory's inherited ACL), lstat
 * (= stat: Windows links are not followed specially), and S_ISLNK/S_ISSOCK (never true). */
#ifndef SSTP_COMPAT_SYS_STAT_H
#define SSTP_COMPAT_SYS_STAT_H

#include_next <sys/stat.h>

/* both declare the one-argument mkdir: include them before the macro */
#include <direct.h>
#include <io.h>

#define mkdir(path, mode) _mkdir(path)
#define lstat(path, st) stat(path, st)
#ifndef S_ISLNK
#define S_ISLNK(m) 0
#endif
#ifndef S_ISSOCK
#define S_ISSOCK(m) 0
#endif

#endif
