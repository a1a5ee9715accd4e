/* paths.c - plat_paths.h on Linux: the FHS places (/run for what dies with the machine, /etc
 * for the administrator's profiles) and the XDG base directory for a user's own. */
#include "plat_paths.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

const char *plat_default_state_dir(void)
{
	return "/run/sstp";
}

const char *plat_default_control_path(void)
{
	return "/run/sstp/control";
}

const char *plat_default_system_dir(void)
{
	return "/etc/sstp";
}

int plat_user_config_dir(char *out, size_t len)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int n;

	if (xdg && xdg[0] == '/')
		n = snprintf(out, len, "%s/sstp", xdg);
	else if (home && home[0] == '/')
		n = snprintf(out, len, "%s/.config/sstp", home);
	else
		return -ENOENT;
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

bool plat_path_is_absolute(const char *p)
{
	return p && p[0] == '/';
}
