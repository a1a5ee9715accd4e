/* pkg_zip.h - a defensive zip reader over libzip for configuration packages: entry names with
 * '\' or '/' normalised to '/', hostile names (absolute, "..", drive letters, links, devices,
 * duplicates) rejected when the archive is opened, entry-count and inflated-size caps enforced
 * on the declared sizes and again while inflating. */
#ifndef SSTP_PKG_ZIP_H
#define SSTP_PKG_ZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sstp_zip;

struct sstp_zip_limits {
	size_t max_entries;     /* 0 = SSTP_ZIP_MAX_ENTRIES */
	size_t max_entry_size;  /* inflated bytes per entry; 0 = SSTP_ZIP_MAX_ENTRY */
	uint64_t max_total;     /* sum of declared inflated sizes; 0 = SSTP_ZIP_MAX_TOTAL */
};
#define SSTP_ZIP_MAX_ENTRIES 1000u
#define SSTP_ZIP_MAX_ENTRY (32u * 1024u * 1024u)
#define SSTP_ZIP_MAX_TOTAL (256ull * 1024u * 1024u)
#define SSTP_ZIP_MAX_NAME 1024u

/* Open a zip held in memory. buf is NOT copied and must outlive the handle. lim may be NULL.
 * Every entry name is checked here; one hostile entry rejects the whole archive with a message
 * naming it. Returns 0 or SSTP_ERR_PROFILE / SSTP_ERR_INTERNAL. *out freed by sstp_zip_close. */
int sstp_zip_open_mem(const void *buf, size_t len, const struct sstp_zip_limits *lim,
		      struct sstp_zip **out, char *err, size_t errlen);
void sstp_zip_close(struct sstp_zip *z);

size_t sstp_zip_count(const struct sstp_zip *z);
/* Normalised name of entry i ("Generic/VpnSettings.xml"); directories end in '/'. */
const char *sstp_zip_name(const struct sstp_zip *z, size_t i);
bool sstp_zip_is_dir(const struct sstp_zip *z, size_t i);
uint64_t sstp_zip_declared_size(const struct sstp_zip *z, size_t i);
/* Index of the entry whose normalised name equals name (either separator, ASCII case
 * insensitive), or -1. */
long sstp_zip_find(const struct sstp_zip *z, const char *name);

/* Inflate entry i into a malloc'ed buffer (caller frees) with a NUL byte after the data (not
 * counted in *len). Fails when the data exceeds max (0 = the open limit), exceeds or falls short
 * of its declared size, or fails its CRC. 0 or SSTP_ERR_PROFILE / SSTP_ERR_INTERNAL. */
int sstp_zip_read(struct sstp_zip *z, size_t i, size_t max, unsigned char **buf, size_t *len,
		  char *err, size_t errlen);

/* Normalise and check one raw entry name into out (for tests and fuzzing). 0 when acceptable;
 * else -1 with the reason in why. */
int sstp_zip_name_check(const char *raw, size_t rawlen, char *out, size_t outlen,
			const char **why);

#endif
