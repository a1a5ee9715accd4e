/* cli_list.c - what `sstp status` prints (cli_list.h). */
#include "cli_list.h"

#include <stdio.h>

#include "exit_codes.h"

void sstp_cli_list_begin(struct sstp_cli_list *l, bool json)
{
	l->json = json;
	l->shown = 0;
	if (json)
		putchar('[');
}

void sstp_cli_list_add(struct sstp_cli_list *l, const struct sstp_conn_status *st)
{
	if (l->json) {
		if (l->shown)
			putchar(',');
		sstp_status_print_json(stdout, st);
	} else {
		if (l->shown)
			putchar('\n');
		sstp_status_print_text(stdout, st);
	}
	l->shown++;
}

int sstp_cli_list_end(struct sstp_cli_list *l)
{
	if (l->json)
		printf("]\n");
	if (l->shown)
		return 0;
	if (!l->json)
		printf("no sessions are running\n");
	return SSTP_EXIT_NOT_CONNECTED;
}

void sstp_cli_print_one(bool json, const struct sstp_conn_status *st)
{
	if (json) {
		sstp_status_print_json(stdout, st);
		putchar('\n');
	} else {
		sstp_status_print_text(stdout, st);
	}
}

void sstp_cli_print_gone_json(const char *name)
{
	printf("{\"name\":");
	sstp_json_string(stdout, name);
	printf(",\"state\":\"disconnected\"}\n");
}
