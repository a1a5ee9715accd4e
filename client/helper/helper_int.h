/* helper_int.h - the inside of the helper service, shared by helper_svc.c (loop, socket,
 * clients, requests) and helper_sess.c (session children: spawn, output, subscription, exit).
 * Not for use outside client/helper_*.c. */
#ifndef SSTP_HELPER_INT_H
#define SSTP_HELPER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "helper.h"
#include "helper_proto.h"
#include "plat_ctl.h"
#include "plat_loop.h"
#include "status.h"

#define HELPER_MAX_CLIENTS 32       /* fits the uint32_t waiter masks below */
#define HELPER_MAX_SESSIONS 16
#define HELPER_OUT_MAX (256u * 1024u) /* queued output per client before it is dropped */
#define HELPER_IDLE_MS 60000u       /* a client with no request in progress and no subscription */
#define HELPER_STOP_MS 10000u       /* a stopping child gets this long before SIGKILL */
#define HELPER_SHUTDOWN_MS 5000u    /* on SIGTERM: budget for every child to finish */
#define HELPER_CTL_RETRY_MS 100u    /* connecting to a starting child's socket */
#define HELPER_UP_BUF 2048          /* a relayed reply (RESP_OK / RESP_ERROR) */

/* Loop tags: kind in the high bits, slot index in the low 16. */
enum helper_tag_kind {
	HT_SIGNAL = 1,
	HT_LISTEN,
	HT_CLIENT,   /* a client of the helper's socket */
	HT_UPSTREAM, /* a client's relay to a session it did not start */
	HT_SESS_OUT, /* a child's stdout/stderr */
	HT_SESS_CTL, /* the helper's subscription to a child's control socket */
};
#define HELPER_TAG(kind, idx) ((void *)(uintptr_t)(((uintptr_t)(kind) << 16) | (uintptr_t)(idx)))

enum helper_pend {
	PEND_NONE = 0,
	PEND_CONNECT,    /* waits for sess[pend_sess] to be up (or to fail) */
	PEND_DISCONNECT, /* waits until no session has this client's bit in disc_waiters */
	PEND_RELAY,      /* waits for the reply on up_fd */
};

struct helper_client {
	int fd; /* -1 when the slot is free */
	struct plat_ctl_peer peer;
	char who[64];                 /* "alice (uid 1000, pid 4242)" for the log */
	uint8_t in[SSTP_CTL_MAX_FRAME];
	struct sstp_ctl_rbuf rb;
	uint8_t *out;                 /* queued output, malloc'ed on demand */
	size_t out_len, out_cap;
	bool subscribed;
	bool close_after_flush;
	uint64_t idle_deadline;
	enum helper_pend pend;
	uint32_t pend_id;
	int pend_sess;
	int up_fd;                    /* PEND_RELAY */
	uint8_t up_in[HELPER_UP_BUF];
	struct sstp_ctl_rbuf up_rb;
	uint64_t pend_deadline;       /* UINT64_MAX: none */
};

struct helper_sess {
	bool used;
	char name[SSTP_HELPER_NAME_MAX + 1];
	uint32_t owner;               /* uid of the client that started it (SO_PEERCRED) */
	char udir[256];               /* a user's own profile written by the helper, or "" */
	uint64_t seq;                 /* start order: the oldest finished record is reused first */
	int pid;                      /* > 0 while the child runs */
	int out_fd;                   /* child's stdout+stderr, -1 when closed */
	char line[512];
	size_t line_len;
	char last_line[256];          /* last line the child printed */
	int ctl_fd;                   /* subscription to the child's socket, -1 when none */
	uint8_t ctl_in[SSTP_CTL_MAX_FRAME];
	struct sstp_ctl_rbuf ctl_rb;
	uint64_t ctl_retry_at;        /* UINT64_MAX: do not try */
	struct sstp_conn_status st;   /* last known status */
	bool up;                      /* the tunnel was up at least once */
	bool stopping;
	uint64_t kill_at;             /* UINT64_MAX: not armed */
	char final_msg[256];          /* the session's own sentence for how it ended */
	bool exited;
	int exit_code;
	uint32_t conn_waiters;        /* clients (bit = slot) waiting for up or failure */
	uint32_t disc_waiters;        /* clients waiting for the end */
};

struct sstp_helper {
	struct sstp_helper_cfg cfg;
	struct plat_loop *loop;
	int listen_fd;
	uint32_t gid;
	bool have_group;
	bool stopping;
	uint64_t stop_deadline;
	uint64_t seq;
	struct helper_client cl[HELPER_MAX_CLIENTS];
	struct helper_sess ss[HELPER_MAX_SESSIONS];
};

/* helper_svc.c */
/* Queue a frame for a client (dropped, with the client, when its queue is full). */
void helper_send(struct sstp_helper *h, int ci, const uint8_t *frame, long len);
void helper_send_error(struct sstp_helper *h, int ci, uint32_t id, int code, const char *msg);
void helper_send_ok(struct sstp_helper *h, int ci, uint32_t id, const char *msg);
/* Send an EVENT with this status to every subscriber. */
void helper_broadcast(struct sstp_helper *h, const struct sstp_conn_status *st);
/* A client's pending request is answered: back to idle. */
void helper_pend_done(struct sstp_helper *h, int ci);

/* helper_install.c */
/* `sstp helper install|uninstall ...` or `sstp helper ... --service` (run under the service
 * manager): 1 with the exit code in *rc when argv (argv[0] "helper") is one of these, else 0. */
int sstp_helper_verb(int argc, char **argv, int *rc);

/* helper_req.c */
/* Handle one request frame of client ci (the reply may come later: c->pend). */
void helper_handle_request(struct sstp_helper *h, int ci, const struct sstp_ctl_msg *m);
/* The session a client's request was relayed to answered (or went away). */
void helper_relay_input(struct sstp_helper *h, int ci);

/* helper_sess.c */
int helper_sess_find(const struct sstp_helper *h, const char *name); /* -1 if none */
bool helper_sess_alive(const struct helper_sess *s);
/* Start a child for req (already validated) on behalf of uid owner. Returns the slot, or -exit
 * code with msg. */
int helper_sess_start(struct sstp_helper *h, const struct sstp_helper_req *req, uint32_t owner,
		      char *msg, size_t msglen);
/* The uid a session belongs to: the client that started it through the helper; a session the
 * helper did not start (root's `sstp connect`, `sstp@` units) belongs to root. */
uint32_t helper_sess_owner(const struct sstp_helper *h, const char *name);
/* Whether client ci may stop or inspect the session: its owner, or root. */
bool helper_may_see(const struct sstp_helper *h, int ci, const char *name);
/* Ask a running child to end (DISCONNECT on its socket, else SIGTERM); SIGKILL after
 * HELPER_STOP_MS. */
void helper_sess_stop(struct sstp_helper *h, int si);
void helper_sess_on_output(struct sstp_helper *h, int si);
void helper_sess_on_ctl(struct sstp_helper *h, int si);
/* SIGCHLD: reap every child that ended. */
void helper_sess_reap(struct sstp_helper *h);
/* Timers (socket retries, kills). */
void helper_sess_tick(struct sstp_helper *h, uint64_t now);
uint64_t helper_sess_deadline(const struct sstp_helper *h);
/* A client went away: forget it in every waiter mask. */
void helper_sess_forget_client(struct sstp_helper *h, int ci);
/* Status of a session for a reply: a fresh one from its socket when it answers, else what the
 * helper knows. 0, or -1 when nothing is known by that name. */
int helper_sess_status(struct sstp_helper *h, const char *name, struct sstp_conn_status *st);
/* Replay the journals of dead sessions (all when name is NULL), logging what was done. */
void helper_cleanup_stale(struct sstp_helper *h, const char *name);

#endif
