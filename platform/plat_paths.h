/* plat_paths.h - where sstp keeps its files when no option says otherwise, and what counts as
 * an absolute path on this system. Linux: /run/sstp, /var/lib/sstp, /run/sstp/control, /etc/sstp and
 * $XDG_CONFIG_HOME/sstp or ~/.config/sstp. Windows: %ProgramData%\sstp (state and control),
 * %ProgramData%\sstp\profiles and %APPDATA%\sstp. The returned strings are static. */
#ifndef PLAT_PATHS_H
#define PLAT_PATHS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Sessions' control sockets and undo journals. */
const char *plat_default_state_dir(void);
/* What must outlive a reboot: the resolv.conf backend's copy of the file it replaced, which
 * `sstp cleanup` puts back after a crash and a reboot (Linux /var/lib/sstp). */
const char *plat_default_backup_dir(void);
/* The backup directory in effect: backup_dir when given; else the default one when state_dir is
 * NULL or the default state directory; else state_dir (a private state directory, as tests and
 * experiments use, keeps its backups beside its journals). */
const char *plat_backup_dir_for(const char *backup_dir, const char *state_dir);
/* The helper's control socket (named pipe on Windows). */
const char *plat_default_control_path(void);
/* The system-wide profile directory (written by root / an Administrator). */
const char *plat_default_system_dir(void);
/* The calling user's profile directory into out: 0, or -ENOENT when the environment names no
 * home or configuration directory, -ENAMETOOLONG when it does not fit. */
int plat_user_config_dir(char *out, size_t len);
/* Whether p is absolute here ("/x"; on Windows also "C:\x", "C:/x" and "\\server\share"). */
bool plat_path_is_absolute(const char *p);

/* What plat_open_untrusted() found: the owner and the permission bits. */
struct plat_file_owner {
	unsigned uid;  /* 0 on Windows */
	unsigned mode; /* permission bits (07777) */
};
/* Open a file that someone less privileged may have named or placed, for reading, without
 * following a symbolic link, blocking on a FIFO or touching a device: it must be a regular file
 * (checked before the open, and again on the opened descriptor, which must be the same file).
 * The stream is close-on-exec. 0 with *out and *owner, or -errno with a sentence (the path
 * included) in why: -ELOOP a symbolic link, -EINVAL not a regular file (FIFO, device, socket,
 * directory), -EAGAIN the file changed between the checks, else the open's error. */
int plat_open_untrusted(const char *path, FILE **out, struct plat_file_owner *owner, char *why,
			size_t whylen);

#endif
