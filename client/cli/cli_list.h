/* cli_list.h - what `sstp status` prints, whether the sessions were asked directly (cli_cmds.c)
 * or through the helper (cli_helper.c): one session, or the list of running ones. */
#ifndef SSTP_CLI_LIST_H
#define SSTP_CLI_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

/* The listing as it is printed: begin, add each running session, end. */
struct sstp_cli_list {
	bool json;
	size_t shown;
};

void sstp_cli_list_begin(struct sstp_cli_list *l, bool json);
void sstp_cli_list_add(struct sstp_cli_list *l, const struct sstp_conn_status *st);
/* Closes the listing: 0, or SSTP_EXIT_NOT_CONNECTED (with "no sessions are running" in text
 * mode) when nothing was added. */
int sstp_cli_list_end(struct sstp_cli_list *l);

/* One session: its status in text or JSON. */
void sstp_cli_print_one(bool json, const struct sstp_conn_status *st);
/* A named session that does not run, in JSON: {"name":NAME,"state":"disconnected"}. */
void sstp_cli_print_gone_json(const char *name);

#endif
