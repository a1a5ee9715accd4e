/* names.h - what a profile name (also the session's name: its control socket and journal are
 * named after it) may be. Shared by the package reader, the control protocol and the CLI. */
#ifndef SSTP_NAMES_H
#define SSTP_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#define SSTP_PROFILE_NAME_MAX 64u /* characters of a profile name */
#define SSTP_IFNAME_MAX 15u       /* characters of an interface name */

/* Letters, digits, '-', '_', '.', '@', 1..SSTP_PROFILE_NAME_MAX chars, not starting with '.' or
 * '-': a name can never point outside the profile directories. */
bool sstp_profile_name_valid(const char *name);
/* An interface name: 1..SSTP_IFNAME_MAX letters, digits, '-', '_', '.' (not "." or ".."). */
bool sstp_ifname_valid(const char *v);
/* Make a valid profile name from free text (e.g. a VNet name): invalid characters become '-'.
 * Returns 0, or -1 if nothing usable is left. */
int sstp_profile_name_sanitize(const char *in, char *out, size_t outlen);

#endif
