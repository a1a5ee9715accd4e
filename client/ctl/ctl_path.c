/* ctl_path.c - where the control sockets live (ctl_path.h). */
#include "ctl_path.h"

#include <stdio.h>

#include "plat_paths.h"

int sstp_session_ctl_path(const char *state_dir, const char *name, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s/%s.sock", state_dir ? state_dir : plat_default_state_dir(),
			 name);

	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}
