/* plat_linux.h - internals shared by the files of the Linux plat_net backend: the journal file
 * (journal.c), process identity and subprocesses (proc.c), TUN (tun.c), DNS backends (dns.c) and
 * undoing one journal record (undo.c). Not for use outside platform/linux/. */
#ifndef SSTP_PLAT_LINUX_H
#define SSTP_PLAT_LINUX_H

#include "plat_gso.h"
#include "plat_journal.h"
#include "plat_net.h"
#include "plat_nl.h"

#include <limits.h>

/* ---- journal file (journal.c) ------------------------------------------------------------ */

struct plat_jfile {
	int fd;               /* -1 until created */
	char path[PATH_MAX];  /* STATE_DIR/SESSION.journal */
	char dir[PATH_MAX];
	struct plat_journal_owner owner;
	uint32_t last_seq;
};

/* Fill j->path/dir for (state_dir, session); does not touch the disk. -EINVAL/-ENAMETOOLONG. */
int plat_jfile_init(struct plat_jfile *j, const char *state_dir, const char *session);
/* Create the state dir (0700) and the journal (O_EXCL, 0600) with its header, fsync'ed. */
int plat_jfile_create(struct plat_jfile *j);
/* Open an existing journal for appending "- SEQ" lines (cleanup); takes an exclusive flock
 * (-EWOULDBLOCK if someone else replays it). */
int plat_jfile_open_existing(struct plat_jfile *j, uint32_t last_seq);
/* Append r (r->seq is assigned) / a done mark; each is fdatasync'ed before returning. */
int plat_jfile_add(struct plat_jfile *j, struct plat_jrec *r);
int plat_jfile_done(struct plat_jfile *j, uint32_t seq);
/* Close; with remove, unlink the file and fsync the directory. */
int plat_jfile_close(struct plat_jfile *j, bool remove);
/* Read and parse a journal file (at most PLAT_JOURNAL_MAX_BYTES). */
int plat_jfile_read(const char *path, struct plat_journal *out, char *err, size_t errlen);

/* ---- processes (proc.c) ------------------------------------------------------------------ */

/* This process's identity for the journal's owner line. */
int plat_proc_self_owner(struct plat_journal_owner *o);
/* 1 if the process recorded in o is still running (same pid, start time and boot), else 0. */
int plat_proc_owner_alive(const struct plat_journal_owner *o);
/* Find an executable: cmd with a '/' is taken as is, else searched in PATH plus /usr/sbin:/sbin.
 * 0 and the path in out, or -ENOENT. */
int plat_proc_find(const char *cmd, char *out, size_t outlen);
/* Run argv (argv[0] a path) with stdin_data (may be NULL) on stdin, stdout+stderr captured into
 * out (NUL-terminated, truncated), killed after 10 s. Returns the exit status (0..255), or
 * -ETIMEDOUT / -errno if it could not run or died by a signal (-EINTR). */
int plat_proc_run(const char *const argv[], const char *stdin_data, char *out, size_t outlen);
/* Read a whole small file (at most max bytes; -EFBIG beyond). *data is malloc'ed, NUL-terminated;
 * the caller frees it. */
int plat_read_file(const char *path, size_t max, char **data, size_t *len);
/* Write a file durably: temp file in the same directory, fsync, rename, fsync the directory. */
int plat_write_file_durable(const char *path, const char *data, size_t len, unsigned mode);

/* ---- TUN (tun.c) ------------------------------------------------------------------------- */

/* Pick the first free "sstp%d" name (not an existing link). 0 or -EEXIST. */
int plat_tun_pick_name(char name[PLAT_NET_IFNAME_MAX]);
/* Open /dev/net/tun and attach a new IFF_TUN|IFF_NO_PI device called name (non-blocking,
 * close-on-exec); offload: with IFF_VNET_HDR and TSO/checksum offload asked (*vnet says the
 * header is on). Returns the fd or -errno. */
int plat_tun_open(const char *name, bool offload, bool *vnet);
int plat_tun_read_batch(int fd, struct plat_pkt *pkts, size_t max);
int plat_tun_write(int fd, const uint8_t *pkt, size_t len);
/* The same on a device opened with offload (*vnet true): every read and write carries a
 * virtio-net header; super-packets are cut through rx (its buffer is allocated on first use). */
struct plat_tun_rx {
	uint8_t *buf;      /* PLAT_VNET_HDR_LEN + PLAT_GSO_MAX bytes */
	struct plat_gso g; /* the super-packet being cut */
	bool pending;
};
int plat_tun_vnet_read_batch(int fd, struct plat_tun_rx *rx, struct plat_pkt *pkts, size_t max);
int plat_tun_vnet_write(int fd, const uint8_t *pkt, size_t len);
/* The same, coalescing TCP segments in gro (its buffer is allocated on first use); what is held
 * is written by plat_tun_gro_flush. */
int plat_tun_gro_write(int fd, struct plat_gro *gro, const uint8_t *pkt, size_t len);
void plat_tun_gro_flush(int fd, struct plat_gro *gro);
void plat_tun_gro_reset(struct plat_gro *gro);
void plat_tun_rx_reset(struct plat_tun_rx *rx); /* frees the buffer, drops what is pending */

/* ---- undoing records (undo.c) and DNS (dns.c) ------------------------------------------- */

struct plat_undo_env {
	struct plat_nl *nl;
	const char *resolvconf_cmd; /* configured command or NULL */
	const char *busctl_cmd;
	plat_net_log_fn *log;
	void *log_ctx;
	/* stale replay only: interface names that live sessions' journals claim */
	const char (*live_ifnames)[PLAT_NET_IFNAME_MAX];
	size_t n_live;
};

enum plat_undo_result {
	PLAT_UNDO_DONE = 0,    /* the change was there and is now reverted */
	PLAT_UNDO_GONE = 1,    /* nothing to do: the change is no longer there */
	PLAT_UNDO_SKIPPED = 2, /* the system no longer matches the record: left alone (logged) */
};

/* Undo one record. Returns enum plat_undo_result or -errno (msg says why). */
int plat_undo_rec(const struct plat_undo_env *env, const struct plat_jrec *r, char *msg,
		  size_t msglen);
void plat_logf(plat_net_log_fn *log, void *ctx, int level, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* DNS: which backend is usable; apply through one (journaling via the callback before the
 * change, as undo.c expects the records). */
struct plat_dns_env {
	const struct plat_undo_env *undo;
	const char *session;
	const char *state_dir;
	const char *backup_dir; /* the resolv.conf copies: they must survive a reboot */
	const char *resolv_conf_path;
	const char *ifname;
	uint32_t ifindex;
	/* journal a record before the change; 0 or -errno. Sets r->seq. */
	int (*journal_add)(void *ctx, struct plat_jrec *r);
	/* the change failed after journaling: mark done */
	void (*journal_drop)(void *ctx, uint32_t seq);
	void *ctx;
};
bool plat_dns_resolved_running(const char *busctl_cmd);
int plat_dns_apply_resolved(const struct plat_dns_env *e, const struct plat_dns_config *c,
			    char *err, size_t errlen);
int plat_dns_apply_resolvconf(const struct plat_dns_env *e, const struct plat_dns_config *c,
			      char *err, size_t errlen);
int plat_dns_apply_file(const struct plat_dns_env *e, const struct plat_dns_config *c, char *err,
			size_t errlen);
/* Undo halves used by undo.c. */
int plat_dns_undo_resolved(const struct plat_undo_env *env, const struct plat_jrec *r, char *msg,
			   size_t msglen);
int plat_dns_undo_resolvconf(const struct plat_undo_env *env, const struct plat_jrec *r,
			     char *msg, size_t msglen);
int plat_dns_undo_file(const struct plat_undo_env *env, const struct plat_jrec *r, char *msg,
		       size_t msglen);
/* Put back the resolv.conf files whose session left no journal (a crash, then a reboot wiped the
 * state directory): every SESSION.resolv.conf.orig in backup_dir that has its .sstp twin and no
 * STATE_DIR/SESSION.journal (session NULL: all). Counts go into rep; the first error returned. */
int plat_dns_file_orphans(const struct plat_net_config *cfg, const struct plat_undo_env *env,
			  const char *state_dir, const char *backup_dir,
			  struct plat_cleanup_report *rep);
/* The kill switch (killswitch.c): the nft text of the table (for tests; length or -errno),
 * installing it in one transaction (-EEXIST if the table exists), undoing a record. */
int plat_ks_text(const char *table, const char *tun, const struct plat_ip *gw, uint16_t port,
		 char *buf, size_t len);
int plat_ks_install(const char *table, const char *tun, const struct plat_ip *gw,
		    uint16_t port, char *err, size_t errlen);
int plat_ks_undo(const struct plat_jrec *r, char *msg, size_t msglen);
/* The resolv.conf text written by the file backend (exposed for unit tests). Returns malloc'ed
 * text or NULL. orig may be NULL. */
char *plat_dns_resolv_conf_text(const struct plat_dns_config *c, const char *orig,
				const char *session, const char *ifname);

#endif
