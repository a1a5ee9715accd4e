/* ctl_status.h - struct sstp_conn_status <-> control protocol attributes (RESP_STATUS and EVENT
 * frames). Pure; decoding rejects wrong lengths and over-long strings instead of cutting them. */
#ifndef SSTP_CTL_STATUS_H
#define SSTP_CTL_STATUS_H

#include "ctl_proto.h"
#include "status.h"

/* Append every field of `st` to the frame being written (routes and DNS as repeated tags). */
void sstp_ctl_put_status(struct sstp_ctl_writer *w, const struct sstp_conn_status *st);
/* Fill *st (zeroed first) from a RESP_STATUS or EVENT message. Unknown tags are skipped.
 * 0, or -1 with *why set when an attribute is malformed. */
int sstp_ctl_get_status(const struct sstp_ctl_msg *msg, struct sstp_conn_status *st, const char **why);

#endif
