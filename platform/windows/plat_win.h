/* plat_win.h - internals shared by the files of platform/windows/: the descriptor table that gives
 * Windows objects (events, named pipes) the int "fd" the plat_* interfaces pass around, Win32 and
 * Winsock error mapping, UTF-8/UTF-16 conversion, and the pure builders (pipe names, security
 * descriptors, command lines) the unit tests check. Not for use outside platform/windows/. */
#ifndef SSTP_PLAT_WIN_H
#define SSTP_PLAT_WIN_H

/* clang-format off: winsock2.h must come before windows.h */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
/* clang-format on */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- descriptors ----------------------------------------------------------------------------
 * A Winsock SOCKET is used as its own int value (socket handles are multiples of 4 and, as every
 * kernel handle, fit in 32 bits). Every other object gets an odd number from this table, so the
 * two can never collide. The table is used from the loop's thread only. */

#define PLAT_WFD_MAX 64

enum plat_wfd_kind {
	PLAT_WFD_FREE = 0,
	PLAT_WFD_EVENT,       /* readable while the event is signalled (resolver, Wintun read event) */
	PLAT_WFD_PIPE_LISTEN, /* a named-pipe instance waiting for a client: readable once connected */
	PLAT_WFD_PIPE,        /* a connected named pipe (either end) */
};

struct plat_wfd {
	enum plat_wfd_kind kind;
	HANDLE h;        /* the pipe (owned), or NULL for PLAT_WFD_EVENT */
	HANDLE ev;       /* event that becomes signalled when the object is ready (owned unless
			  * borrowed_ev) */
	bool borrowed_ev;
	OVERLAPPED ov;   /* pipe: the pending connect or one-byte read-ahead */
	bool pending;    /* an overlapped operation is in flight */
	bool connected;  /* listen: a client connected; pipe: always true */
	bool broken;     /* pipe: the other end closed (or an I/O error) */
	bool have_ahead; /* pipe: `ahead` holds the first unread byte */
	uint8_t ahead;
	DWORD err;       /* pipe: the error that broke it */
	char path[260];  /* listen: the plat_ctl path it serves (for new instances) */
	void *owner_sd;  /* listen: the security descriptor new instances get (LocalFree'd) */
};

/* A new descriptor of `kind` wrapping h and ev (taken over; ev borrowed if borrowed_ev, i.e. not
 * closed by plat_wfd_close). Returns the fd, or -EMFILE. */
int plat_wfd_new(enum plat_wfd_kind kind, HANDLE h, HANDLE ev, bool borrowed_ev);
/* The entry of fd, or NULL when fd is not a table descriptor (a socket, or closed). */
struct plat_wfd *plat_wfd_get(int fd);
/* True if fd belongs to the table (odd numbers); sockets are even. */
bool plat_wfd_is_table(int fd);
/* The listening pipe serving plat_ctl path, or NULL. */
struct plat_wfd *plat_wfd_find_listener(const char *path);
/* Cancel pending I/O, close the handles, free the slot. */
void plat_wfd_close(int fd);

/* Pipe read-ahead (ctl.c): start the one-byte overlapped read if none is pending and no byte is
 * waiting; then collect a completed one. After it, have_ahead or broken tell readiness. */
void plat_wfd_pipe_poll(struct plat_wfd *w);
/* Listening pipe: collect a completed connect (sets connected). */
void plat_wfd_listen_poll(struct plat_wfd *w);

/* ---- errors --------------------------------------------------------------------------------- */

/* A Win32 error code (GetLastError, or an IP Helper return value) as a negative errno. */
int plat_win_errno(DWORD err);
/* A Winsock error code (WSAGetLastError) as a negative errno. */
int plat_wsa_errno(int err);
/* The system's words for a Win32 error, in UTF-8, into buf (no trailing newline). Returns buf. */
const char *plat_win_strerror(DWORD err, char *buf, size_t len);

/* ---- strings -------------------------------------------------------------------------------- */

/* UTF-8 -> UTF-16 into out (count in wchar_t, NUL included). 0 or -EINVAL / -ENAMETOOLONG. */
int plat_win_widen(const char *s, wchar_t *out, size_t count);
/* UTF-16 -> UTF-8. 0 or -EINVAL / -ENAMETOOLONG. */
int plat_win_narrow(const wchar_t *s, char *out, size_t len);

/* Winsock started once per process (WSAStartup 2.2); 0 or a negative errno. */
int plat_win_wsa_init(void);

/* ---- control pipe (ctl.c) ------------------------------------------------------------------- */

#define PLAT_WIN_PIPE_PREFIX "\\\\.\\pipe\\sstp-"
#define PLAT_WIN_PIPE_MAX 256

/* The pipe name that stands for a plat_ctl path: PLAT_WIN_PIPE_PREFIX + the path with every
 * character outside [A-Za-z0-9._-] (separators, drive colon) written as '~' + two hex digits, so
 * distinct paths give distinct names. ".../NAME.sock" keeps "NAME.sock" readable at the end.
 * 0 or -ENAMETOOLONG / -EINVAL. */
int plat_win_pipe_name(const char *path, char *out, size_t len);
/* Running under Wine (ntdll exports wine_get_version): Wine keeps no owner on pipes and reports
 * file DACLs from Unix modes, so the read-back checks that rely on them cannot hold there. */
bool plat_win_under_wine(void);
/* "S-1-" followed by digits and dashes only (safe to splice into SDDL). */
bool plat_win_sid_string_ok(const char *s);
/* The SDDL of a control pipe: protected DACL, full access for SYSTEM and Administrators, read
 * and write for the owner user (SID string, may be NULL) and the configured group (SID string,
 * may be NULL); nobody else, not even Everyone's read. 0 or -ENOSPC / -EINVAL (not a SID). */
int plat_win_pipe_sddl(const char *user_sid, const char *group_sid, char *out, size_t len);
/* Whether a client may talk to a control pipe whose owner is owner_sid (SID strings): the
 * helper's (LocalSystem), an elevated administrator's (BUILTIN\Administrators owns what they
 * create), or the client's own: its user SID, or its token's default owner (self_owner, which
 * is what its own pipes get). A pipe another user created under an sstp name (a squatter
 * waiting for a password) is refused before anything is sent. */
bool plat_win_pipe_owner_ok(const char *owner_sid, const char *self_sid,
			    const char *self_owner);
/* The SDDL of sstp's folders under %ProgramData% (state directory, profiles): a protected DACL
 * inherited by everything below, full control for SYSTEM and Administrators, read and traverse
 * for the helper's group (SID string, may be NULL); nobody else may create a file there (no
 * planted journal or profile). 0 or -ENOSPC / -EINVAL (not a SID). */
int plat_win_dir_sddl(const char *group_sid, char *out, size_t len);
/* Whether a folder's DACL is as plat_win_dir_sddl makes it: protected, and no entry grants any
 * right to write, delete or change permissions to anyone but SYSTEM and Administrators. */
bool plat_win_dir_dacl_ok(const void *security_descriptor);
/* Security descriptor for the next pipes plat_ctl_listen creates: the group SID set by
 * plat_ctl_set_access (plat_svc.h) or NULL. */
const char *plat_win_ctl_group_sid(void);
/* Rebuild the DACL of the pipe listening on path (after the group changed). 0 or -errno;
 * 0 when nothing listens there (later listens use the new DACL). */
int plat_win_ctl_apply_access(const char *path);
/* 1 if the peer plat_ctl_accept saw with this uid was a member of that group, else 0. */
int plat_win_peer_in_group(uint32_t uid);
/* Set (or clear with NULL) that group SID string (svc.c, plat_ctl_set_access). */
void plat_win_ctl_set_group_sid(const char *sid);

/* ---- loop (loop.c) ----------------------------------------------------------------------- */

/* Queue a signal for loops catching signals (console handler, child exits, tests). */
void plat_win_raise_signal(int sig);

/* ---- processes (proc.c) --------------------------------------------------------------------- */

/* Build a CreateProcess command line from argv, quoted so that the C runtime's parser
 * (CommandLineToArgvW rules) gives back exactly argv. 0 or -ENOSPC / -EINVAL. */
int plat_win_quote_argv(const char *const argv[], char *out, size_t len);
/* Start argv like plat_spawn with the given standard handles (inherited; all three set). */
int plat_win_spawn_with(char *const argv[], HANDLE std_in, HANDLE std_out, HANDLE std_err,
			int *pid);
/* Creation time of process pid in milliseconds since 1601 (FILETIME / 10000), for the journal's
 * owner line. 0 or -ESRCH / -errno. */
int plat_win_process_start(uint32_t pid, uint64_t *start_ms);
/* Children started with plat_spawn/plat_spawn_captured whose exit the loop has not reported yet:
 * fills up to max handles, returns the count (loop.c waits on them for PLAT_SIG_CHLD). */
size_t plat_win_children_waitable(HANDLE *out, size_t max);
/* The loop saw child handle h signalled: report it once. */
void plat_win_child_seen(HANDLE h);

#endif
