/* pkg_cab.h - the cabinet inside the Azure Windows installer (an IExpress PE executable holding
 * an LZX-compressed CAB): locate the MSCF header in the executable and extract chosen files into
 * memory through libmspack, with no temporary files and hard caps on sizes and counts. */
#ifndef SSTP_PKG_CAB_H
#define SSTP_PKG_CAB_H

#include <stdbool.h>
#include <stddef.h>

#include "sstp_err.h"

#define SSTP_CAB_MAX_FILES 256u              /* files listed in one cabinet */
#define SSTP_CAB_MAX_FILE (4u * 1024u * 1024u) /* bytes of one extracted file */
#define SSTP_CAB_MAX_ALLOC (64u * 1024u * 1024u) /* one allocation by libmspack */

struct sstp_cab_file {
	char *name;           /* as stored in the cabinet (may contain '\'), owned */
	unsigned char *data;  /* owned, NUL-terminated (the NUL is not counted in len) */
	size_t len;
};

struct sstp_cab_files {
	struct sstp_cab_file *v;
	size_t n;
};

/* Find the first plausible cabinet in buf (a PE executable or a bare .cab): "MSCF", reserved
 * fields zero, version 1.3, a total size that fits. 0 with its offset and size, or -1. */
int sstp_cab_find(const unsigned char *buf, size_t len, size_t *off, size_t *cablen);

/* Extract every file for which want(name) is true (want NULL: all) from a cabinet in memory.
 * Returns 0 or SSTP_ERR_PROFILE / SSTP_ERR_INTERNAL, also set in e (may be NULL) with a
 * sentence. out freed with sstp_cab_files_free (also after a failure). */
int sstp_cab_extract(const unsigned char *cab, size_t len, bool (*want)(const char *name),
		     struct sstp_cab_files *out, struct sstp_err *e);
void sstp_cab_files_free(struct sstp_cab_files *f);

#endif
