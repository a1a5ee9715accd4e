/* helper.h - `sstp helper`: the privileged background service that lets people without root
 * connect the administrator's profiles (from the CLI or the tray).
 *
 * Design:
 * - It listens on a unix socket (default /run/sstp/control, root:sstp 0660, in a directory it
 *   makes root:sstp 0750) and checks every peer with SO_PEERCRED: root, or a user whose primary
 *   or supplementary group (group database) is `sstp`. Anyone else gets RESP_ERROR 11 and is
 *   logged. The group is created by the administrator (`groupadd --system sstp`); without it
 *   only root is served.
 * - Each session runs as a child process of the sstp binary itself (`/proc/self/exe connect NAME
 *   --state-dir DIR --reconnect`), foreground, so the helper owns it: it sees its exit code, reads
 *   its output into the helper's log, and signals it. The helper talks to the child through the
 *   child's own control socket (STATE_DIR/NAME.sock): it subscribes to its events (relayed to the
 *   helper's subscribers) and relays status and disconnect. Sessions it did not start (root ran
 *   `sstp connect` itself) are root's: shown to and stopped by root only.
 * - Keys: the helper never reads them and never accepts them for the administrator's profiles.
 *   A request carries a profile name and a few allow-listed options (helper_proto.h); paths of
 *   certificates and keys come only from the profile in the system profile directory
 *   (/etc/sstp), which only root can change. The child session reads them; keep such files
 *   root-only (0600) so no user process sees them, or use a keystore URI.
 * - A user's own profile (~/.config/sstp/NAME): the user's CLI reads it and its CA, certificate,
 *   key and password files as the user and sends their bytes; the helper sanitizes and checks
 *   the profile against /etc/sstp/policy.conf and keeps its copies in a root-only directory of
 *   the state directory for the child (helper_user.h). The child still runs as root.
 * - Ownership: a session belongs to the uid that started it (SO_PEERCRED); only that uid or root
 *   may stop it, see its status or events, or connect a profile of its name while it runs
 *   (11 otherwise); sessions started outside the helper belong to root. A non-root request
 *   keeps at most one --verbose (no packet dumps).
 * - Passwords (MS-CHAPv2/PAP profiles): either the CLI/tray reads one as the requesting user
 *   (--password-file, --password-stdin, a prompt) and sends it in the CONNECT request (PASSWORD),
 *   or the helper reads the profile's password-file, only when that file is a regular file (no
 *   symlink, FIFO or device: plat_open_untrusted) owned by root or by the requesting user
 *   (SO_PEERCRED uid) with no group/other access. Either way
 *   the helper writes it once to the child's stdin (`--password-stdin`, never argv or a file),
 *   wipes its copies (request, receive buffer), and never logs it. A profile that needs a
 *   password and gets none is answered RESP_ERROR 2 with NEED_PASSWORD.
 * - On start it replays the undo journal of every dead session in the state directory
 *   (plat_net_cleanup_stale), and again for a child that ended, in case it was killed before its
 *   own undo ran. On SIGTERM it disconnects its sessions (up to 5 s, then SIGKILL + replay).
 * - Under systemd (Type=notify) it sends READY=1 once the socket listens.
 * Everything is one epoll loop (plat_loop.h); every buffer and table is bounded. */
#ifndef SSTP_HELPER_H
#define SSTP_HELPER_H

#include <stdbool.h>
#include <stddef.h>

struct sstp_helper_cfg {
	const char *socket_path;  /* plat_default_control_path() */
	const char *state_dir;    /* plat_default_state_dir(): sessions' sockets and journals */
	const char *group;        /* SSTP_HELPER_DEFAULT_GROUP */
	unsigned socket_mode;     /* 0660 */
	const char *session_exe;  /* plat_self_exe(): the sstp binary the children run */
	int verbosity;            /* -1 quiet .. 2 */
	bool no_cleanup;          /* skip the replay of dead sessions' journals at start */
};

/* Defaults for every field. */
void sstp_helper_cfg_init(struct sstp_helper_cfg *cfg);
/* Parse `sstp helper` options (argv[0] is "helper"): --socket PATH, --state-dir DIR, --group
 * NAME, --socket-mode OCTAL, --session-exe PATH, --no-cleanup, -v, -q, -h. Strings point into
 * argv. 0, 1 when help was printed, or SSTP_EXIT_USAGE with a sentence in err. */
int sstp_helper_parse_args(int argc, char **argv, struct sstp_helper_cfg *cfg, char *err,
			   size_t errlen);
/* Run the service until SIGTERM/SIGINT. Exit code: 0, SSTP_EXIT_PERMISSION (not root, socket
 * in use or not creatable), SSTP_EXIT_ERROR. */
int sstp_helper_run(const struct sstp_helper_cfg *cfg);
/* `sstp helper ARGS...` from main(): argv[0] is "helper". Returns the exit code. */
int sstp_helper_main(int argc, char **argv);

#endif
