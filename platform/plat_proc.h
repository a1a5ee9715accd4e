/* plat_proc.h - processes for the CLI and the session: run a command or a function in a child
 * (for `sstp run` and the probes of `sstp check`), reap and signal it, detach into the
 * background once a tunnel is up (`connect --background`), and who we are (root or not). */
#ifndef PLAT_PROC_H
#define PLAT_PROC_H

#include <stdbool.h>
#include <stddef.h>

/* Start argv[0] (searched in PATH) with argv; the child gets an empty signal mask and default
 * handlers, and inherits stdin/stdout/stderr. 0 and *pid, or -errno (-ENOENT: no such command,
 * reported after the child failed to exec). */
int plat_spawn(char *const argv[], int *pid);
/* plat_spawn with extra environment variables ("NAME=value" strings, NULL-terminated; env may
 * be NULL) added to the child's copy of ours. Same results as plat_spawn. */
int plat_spawn_env(char *const argv[], char *const env[], int *pid);
/* Wait for a child to end: up to timeout_ms, or without limit when timeout_ms < 0. 1 with *code
 * (as plat_reap) when it ended, 0 when the time ran out, -errno. */
int plat_wait(int pid, int timeout_ms, int *code);
/* Run fn(ctx) in a forked child that exits with its return value (0-255). 0 and *pid, or -errno. */
int plat_fork_call(int (*fn)(void *ctx), void *ctx, int *pid);
/* In a child of plat_fork_call that must not outlive its parent (parent: the parent's pid, taken
 * before the fork): from now on the child gets SIGTERM when the parent ends, SIGKILL included
 * (Linux: PR_SET_PDEATHSIG; it follows the thread that forked, so fork from the main thread).
 * 0; -ESRCH when the parent has already ended (the child should end now); other -errno. On
 * Windows the "child" is a thread of the parent and ends with it anyway: 0. */
int plat_die_with_parent(int parent);
/* Write all of buf to fd (a pipe or a file), again after a signal or a short write. 0, or
 * -errno (-EPIPE: nobody reads the pipe any more). */
int plat_write_all(int fd, const void *buf, size_t len);
/* Memory shared with children forked afterwards (for results a child hands back), zeroed.
 * NULL on failure. Release with plat_shared_free(). */
void *plat_shared_alloc(size_t len);
void plat_shared_free(void *p, size_t len);
/* Non-blocking: 1 with *code (exit status, or 128 + signal number) when the child ended, 0 while
 * it runs, -errno (-ECHILD: not our child). */
int plat_reap(int pid, int *code);
/* Ask a child to stop (SIGTERM), or force it (SIGKILL). */
int plat_terminate(int pid, bool force);

/* Split into the background. Returns 1 in the parent with *report_fd the read end of a pipe
 * the child reports on and *child the child's pid; 0 in the child (new session, cwd "/", umask
 * kept) with *report_fd the write end; -errno when fork failed. */
int plat_detach(int *report_fd, int *child);
/* In the detached child once the tunnel is up: stdin, stdout and stderr go to /dev/null. */
void plat_detach_close_stdio(void);

/* Prompt on the controlling terminal and read one line with echo off. Returns the length, or
 * -ENXIO when there is no terminal, or -errno. buf is NUL-terminated, without the newline. */
int plat_read_password(const char *prompt, char *buf, size_t len);

bool plat_is_root(void);
/* At start, before any secret is read: no core file of this process (Linux: RLIMIT_CORE 0 and
 * PR_SET_DUMPABLE 0, which also keeps other processes of the same user from attaching to it or
 * reading its memory; Windows writes no core files, and the Windows Error Reporting dialog is
 * turned off). 0, or -errno when a step failed (the others are still done). */
int plat_no_core_dumps(void);
/* Keep len bytes at p out of swap where the system allows it cheaply (Linux mlock, Windows
 * VirtualLock); best effort, nothing happens on failure. */
void plat_lock_secret(void *p, size_t len);
int plat_getpid(void);

#endif
