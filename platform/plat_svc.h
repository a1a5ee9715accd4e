/* plat_svc.h - what the privileged helper (`sstp helper`) needs from the OS beyond plat_ctl.h:
 * group membership of a peer (the group database, not only the peer process's groups), the
 * owner and mode of its control socket, the service manager's readiness notification
 * ($NOTIFY_SOCKET, the sd_notify datagram protocol, no libsystemd), and children whose output is
 * captured (each session runs as a child process of the sstp binary itself). */
#ifndef PLAT_SVC_H
#define PLAT_SVC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The gid of group `name`: 0, or -ENOENT when there is no such group, or -errno. */
int plat_group_gid(const char *name, uint32_t *gid);
/* Whether user `uid` belongs to group `gid`: as its primary group or as a supplementary member
 * in the group database (so membership granted after the user logged in counts too).
 * 1 yes, 0 no (also when the uid has no passwd entry), -errno on a lookup failure. */
int plat_uid_in_group(uint32_t uid, uint32_t gid);
/* The user name of uid into out ("uid 1234" when it has none). Returns out. */
const char *plat_user_name(uint32_t uid, char *out, size_t len);

/* Make `path` (a socket just created by plat_ctl_listen) owned by root:gid with `mode`
 * (e.g. 0660). gid UINT32_MAX keeps the group. 0 or -errno. */
int plat_ctl_set_access(const char *path, uint32_t gid, unsigned mode);
/* Create directory `path` if missing (never through a symlink), then make it owned by root:gid
 * (gid UINT32_MAX: keep the group) with `mode`, e.g. 0750 so that members of the helper's group
 * can reach the control socket inside it. -ENOTDIR when it exists and is not a directory.
 * 0 or -errno. */
int plat_svc_prepare_dir(const char *path, uint32_t gid, unsigned mode);

/* Send one sd_notify-style state ("READY=1\nSTATUS=listening") to the service manager when
 * $NOTIFY_SOCKET is set (path or abstract "@name"). 1 sent, 0 not under a service manager,
 * -errno on failure. */
int plat_svc_notify(const char *state);

/* Take $NOTIFY_SOCKET out of the environment, so that children (the helper's sessions) do not
 * inherit it and talk to the service manager as if they were the service; plat_svc_notify()
 * keeps using the value taken. */
void plat_svc_notify_keep(void);

/* Path that re-executes the running program (Linux: "/proc/self/exe", which still works after
 * the binary file was replaced by an upgrade). */
const char *plat_self_exe(void);

/* Start argv[0] (an absolute path, not searched in PATH) with argv and the current environment:
 * stdin from /dev/null, stdout and stderr into a stream socket pair whose other end
 * (non-blocking, close-on-exec, readable with plat_ctl_recv) is returned in *out_fd; empty signal mask, default handlers, a new process
 * group so a terminal's ^C does not reach it. 0 with *pid and *out_fd (the caller closes it),
 * or -errno (-ENOENT etc. when exec failed). */
int plat_spawn_captured(char *const argv[], int *pid, int *out_fd);
/* The same, with stdin a pipe that holds input (input_len <= PLAT_SPAWN_INPUT_MAX bytes) and is
 * then closed: the child reads input, then end of file. For a secret the child must not get
 * on its command line or in its environment; the caller wipes its own copy. */
#define PLAT_SPAWN_INPUT_MAX 4096
int plat_spawn_captured_input(char *const argv[], const void *input, size_t input_len, int *pid,
			      int *out_fd);

/* Signal a whole child process group (the child is its leader): force false SIGTERM, true
 * SIGKILL. 0 or -errno. */
int plat_terminate_group(int pid, bool force);

#endif
