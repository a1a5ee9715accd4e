/* cli_profile.h - the profile verbs of `sstp`: list, show (cli_profile.c), set, edit and remove
 * (cli_profile_edit.c). Root works on the system profiles (/etc/sstp or $SSTP_SYSTEM_DIR), every
 * other user on their own (~/.config/sstp) and sees the system ones read-only. */
#ifndef SSTP_CLI_PROFILE_H
#define SSTP_CLI_PROFILE_H

#include <stdbool.h>

#include "cli.h"
#include "profile.h"

/* Where a profile named on the command line lives. */
struct sstp_profile_ref {
	struct sstp_profile_dirs dirs;
	char dir[4096];    /* <base>/<name> */
	char file[4200];   /* <base>/<name>/profile.conf */
	bool system;       /* found in the system directory */
	bool writable;     /* this user may change it (root, or the user's own) */
};

/* Find NAME (user directory first). 0, or SSTP_EXIT_PROFILE (bad name, no such profile) /
 * SSTP_EXIT_ERROR with a sentence in err. Free with sstp_cli_profile_ref_free on success. */
int sstp_cli_profile_find(const char *name, struct sstp_profile_ref *ref, char *err,
			  size_t errlen);
void sstp_cli_profile_ref_free(struct sstp_profile_ref *ref);

int sstp_cmd_list(const struct sstp_cli *cli);
int sstp_cmd_show(const struct sstp_cli *cli);
int sstp_cmd_set(const struct sstp_cli *cli);
int sstp_cmd_edit(const struct sstp_cli *cli);
int sstp_cmd_remove(const struct sstp_cli *cli);

#endif
