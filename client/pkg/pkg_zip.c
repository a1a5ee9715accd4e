/* pkg_zip.c - defensive zip reading over libzip (see pkg_zip.h): name normalisation and checks,
 * link and device rejection from the Unix external attributes, entry-count and size caps
 * checked on the central directory and enforced again while inflating. */
#include "pkg_zip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#include "pkg_ziplib.h"
#include "sstp_err.h"

struct zip_ent {
	char *name;        /* normalised */
	uint64_t size;     /* declared inflated size */
	bool dir;
};

struct sstp_zip {
	const struct sstp_ziplib *zl; /* libzip, loaded on first use */
	zip_t *za;
	struct zip_ent *ent;
	size_t n;
	struct sstp_zip_limits lim;
};

int sstp_zip_name_check(const char *raw, size_t rawlen, char *out, size_t outlen,
			const char **why)
{
	*why = NULL;
	if (rawlen == 0) {
		*why = "empty name";
		return -1;
	}
	if (rawlen > SSTP_ZIP_MAX_NAME || rawlen + 1 > outlen) {
		*why = "name too long";
		return -1;
	}
	for (size_t i = 0; i < rawlen; i++) {
		unsigned char c = (unsigned char)raw[i];
		if (c < 0x20 || c == 0x7f) {
			*why = "control character in name";
			return -1;
		}
		out[i] = c == '\\' ? '/' : (char)c;
	}
	out[rawlen] = '\0';
	if (out[0] == '/') {
		*why = "absolute path";
		return -1;
	}
	if (memchr(out, ':', rawlen)) {
		/* "C:/x", "C:x" and NTFS streams ("a:stream") */
		*why = ((out[0] >= 'A' && out[0] <= 'Z') || (out[0] >= 'a' && out[0] <= 'z')) &&
				       out[1] == ':'
			       ? "drive letter"
			       : "':' in name";
		return -1;
	}
	/* walk the components: no "..", no empty component, "." dropped; a trailing '/' marks a
	 * directory. w never overtakes r, so the rewrite is in place. */
	bool trailing = out[rawlen - 1] == '/';
	size_t end = trailing ? rawlen - 1 : rawlen, w = 0, r = 0;
	if (trailing && end > 0 && out[end - 1] == '/') {
		*why = "empty path component";
		return -1;
	}
	while (r < end) {
		size_t e = r;
		while (e < end && out[e] != '/')
			e++;
		size_t clen = e - r;
		if (clen == 0) {
			*why = "empty path component";
			return -1;
		}
		if (clen == 2 && out[r] == '.' && out[r + 1] == '.') {
			*why = "'..' in path";
			return -1;
		}
		if (!(clen == 1 && out[r] == '.')) {
			if (w)
				out[w++] = '/';
			memmove(out + w, out + r, clen);
			w += clen;
		}
		r = e + 1;
	}
	if (w == 0) {
		*why = "empty name";
		return -1;
	}
	if (trailing)
		out[w++] = '/';
	out[w] = '\0';
	return 0;
}

static void limits_fill(struct sstp_zip_limits *l, const struct sstp_zip_limits *in)
{
	memset(l, 0, sizeof(*l));
	if (in)
		*l = *in;
	if (!l->max_entries)
		l->max_entries = SSTP_ZIP_MAX_ENTRIES;
	if (!l->max_entry_size)
		l->max_entry_size = SSTP_ZIP_MAX_ENTRY;
	if (!l->max_total)
		l->max_total = SSTP_ZIP_MAX_TOTAL;
}

void sstp_zip_close(struct sstp_zip *z)
{
	if (!z)
		return;
	for (size_t i = 0; i < z->n; i++)
		free(z->ent[i].name);
	free(z->ent);
	if (z->za)
		z->zl->discard(z->za);
	free(z);
}

static int check_entry(struct sstp_zip *z, zip_uint64_t i, uint64_t *total, char *err,
		       size_t errlen)
{
	struct zip_ent *e = &z->ent[z->n];
	zip_stat_t st;
	char norm[SSTP_ZIP_MAX_NAME + 2];
	const char *why;

	const char *raw = z->zl->get_name(z->za, i, ZIP_FL_ENC_RAW);
	if (!raw || z->zl->stat_index(z->za, i, ZIP_FL_ENC_RAW, &st) != 0) {
		snprintf(err, errlen, "package: cannot read entry %llu of the zip",
			 (unsigned long long)i);
		return SSTP_ERR_PROFILE;
	}
	if (sstp_zip_name_check(raw, strlen(raw), norm, sizeof(norm), &why) != 0) {
		char shown[201];
		size_t k = 0;

		/* the name comes from an untrusted package: no control characters to the terminal */
		for (size_t j = 0; raw[j] && k < sizeof(shown) - 1; j++) {
			unsigned char c = (unsigned char)raw[j];
			shown[k++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
		}
		shown[k] = '\0';
		snprintf(err, errlen, "package: refusing zip entry '%s': %s", shown, why);
		return SSTP_ERR_PROFILE;
	}
	zip_uint8_t opsys;
	zip_uint32_t attr;
	if (z->zl->file_get_external_attributes(z->za, i, 0, &opsys, &attr) == 0 &&
	    opsys == ZIP_OPSYS_UNIX) {
		unsigned type = (attr >> 16) & 0170000u;
		if (type == 0120000u) {
			snprintf(err, errlen, "package: refusing zip entry '%.200s': symbolic link",
				 norm);
			return SSTP_ERR_PROFILE;
		}
		if (type != 0 && type != 0100000u && type != 0040000u) {
			snprintf(err, errlen, "package: refusing zip entry '%.200s': not a regular "
				 "file or directory", norm);
			return SSTP_ERR_PROFILE;
		}
		if (type == 0040000u && norm[strlen(norm) - 1] != '/') {
			size_t l = strlen(norm);
			norm[l] = '/';
			norm[l + 1] = '\0';
		}
	}
	if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
		snprintf(err, errlen, "package: zip entry '%.200s' is encrypted", norm);
		return SSTP_ERR_PROFILE;
	}
	if (!(st.valid & ZIP_STAT_SIZE)) {
		snprintf(err, errlen, "package: zip entry '%.200s' has no size", norm);
		return SSTP_ERR_PROFILE;
	}
	if (st.size > z->lim.max_entry_size) {
		snprintf(err, errlen, "package: zip entry '%.200s' inflates to %llu bytes, more than "
			 "the %zu allowed (zip bomb?)", norm, (unsigned long long)st.size,
			 z->lim.max_entry_size);
		return SSTP_ERR_PROFILE;
	}
	*total += st.size;
	if (*total > z->lim.max_total) {
		snprintf(err, errlen, "package: the zip inflates to more than %llu bytes (zip bomb?)",
			 (unsigned long long)z->lim.max_total);
		return SSTP_ERR_PROFILE;
	}
	for (size_t k = 0; k < z->n; k++) {
		if (strcasecmp(z->ent[k].name, norm) == 0) {
			snprintf(err, errlen, "package: zip entry '%.200s' appears twice", norm);
			return SSTP_ERR_PROFILE;
		}
	}
	e->name = strdup(norm);
	if (!e->name) {
		snprintf(err, errlen, "out of memory");
		return SSTP_ERR_INTERNAL;
	}
	e->size = st.size;
	e->dir = norm[strlen(norm) - 1] == '/';
	if (e->dir && st.size != 0) {
		snprintf(err, errlen, "package: zip directory entry '%.200s' has data", norm);
		free(e->name);
		return SSTP_ERR_PROFILE;
	}
	z->n++;
	return 0;
}

int sstp_zip_open_mem(const void *buf, size_t len, const struct sstp_zip_limits *lim,
		      struct sstp_zip **out, char *err, size_t errlen)
{
	zip_error_t ze;
	*out = NULL;
	if (!buf || len < 22) {
		snprintf(err, errlen, "package: not a zip file (too short)");
		return SSTP_ERR_PROFILE;
	}
	const struct sstp_ziplib *zl = sstp_ziplib(err, errlen);
	if (!zl)
		return SSTP_ERR_INTERNAL;
	struct sstp_zip *z = calloc(1, sizeof(*z));
	if (!z) {
		snprintf(err, errlen, "out of memory");
		return SSTP_ERR_INTERNAL;
	}
	z->zl = zl;
	limits_fill(&z->lim, lim);
	z->zl->error_init(&ze);
	zip_source_t *src = z->zl->source_buffer_create(buf, len, 0, &ze);
	if (!src) {
		snprintf(err, errlen, "package: %s", z->zl->error_strerror(&ze));
		z->zl->error_fini(&ze);
		free(z);
		return SSTP_ERR_INTERNAL;
	}
	z->za = z->zl->open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (!z->za) {
		snprintf(err, errlen, "package: not a valid zip file (%s)", z->zl->error_strerror(&ze));
		z->zl->error_fini(&ze);
		z->zl->source_free(src);
		free(z);
		return SSTP_ERR_PROFILE;
	}
	z->zl->error_fini(&ze);
	zip_int64_t n = z->zl->get_num_entries(z->za, 0);
	if (n < 0 || (uint64_t)n > z->lim.max_entries) {
		snprintf(err, errlen, "package: the zip has %lld entries, more than the %zu allowed",
			 (long long)n, z->lim.max_entries);
		sstp_zip_close(z);
		return SSTP_ERR_PROFILE;
	}
	z->ent = calloc((size_t)n ? (size_t)n : 1, sizeof(*z->ent));
	if (!z->ent) {
		sstp_zip_close(z);
		snprintf(err, errlen, "out of memory");
		return SSTP_ERR_INTERNAL;
	}
	uint64_t total = 0;
	for (zip_int64_t i = 0; i < n; i++) {
		int rc = check_entry(z, (zip_uint64_t)i, &total, err, errlen);
		if (rc) {
			sstp_zip_close(z);
			return rc;
		}
	}
	*out = z;
	return 0;
}

size_t sstp_zip_count(const struct sstp_zip *z)
{
	return z ? z->n : 0;
}

const char *sstp_zip_name(const struct sstp_zip *z, size_t i)
{
	return z && i < z->n ? z->ent[i].name : NULL;
}

bool sstp_zip_is_dir(const struct sstp_zip *z, size_t i)
{
	return z && i < z->n && z->ent[i].dir;
}

uint64_t sstp_zip_declared_size(const struct sstp_zip *z, size_t i)
{
	return z && i < z->n ? z->ent[i].size : 0;
}

long sstp_zip_find(const struct sstp_zip *z, const char *name)
{
	char want[SSTP_ZIP_MAX_NAME + 2];
	const char *why;
	if (!z || !name || sstp_zip_name_check(name, strlen(name), want, sizeof(want), &why) != 0)
		return -1;
	for (size_t i = 0; i < z->n; i++)
		if (strcasecmp(z->ent[i].name, want) == 0)
			return (long)i;
	return -1;
}

int sstp_zip_read(struct sstp_zip *z, size_t i, size_t max, unsigned char **buf, size_t *len,
		  char *err, size_t errlen)
{
	*buf = NULL;
	*len = 0;
	if (!z || i >= z->n || z->ent[i].dir) {
		snprintf(err, errlen, "package: no such zip entry");
		return SSTP_ERR_INTERNAL;
	}
	const struct zip_ent *e = &z->ent[i];
	if (!max || max > z->lim.max_entry_size)
		max = z->lim.max_entry_size;
	if (e->size > max) {
		snprintf(err, errlen, "package: zip entry '%.200s' is larger than %zu bytes", e->name,
			 max);
		return SSTP_ERR_PROFILE;
	}
	size_t want = (size_t)e->size;
	/* the declared size can lie: allocate it plus one byte and read at most that much, so
	 * more data than declared is seen without ever inflating beyond it */
	unsigned char *b = malloc(want + 1);
	if (!b) {
		snprintf(err, errlen, "out of memory");
		return SSTP_ERR_INTERNAL;
	}
	zip_file_t *f = z->zl->fopen_index(z->za, i, 0);
	if (!f) {
		snprintf(err, errlen, "package: cannot open zip entry '%.200s': %s", e->name,
			 z->zl->strerror(z->za));
		free(b);
		return SSTP_ERR_PROFILE;
	}
	size_t got = 0;
	int rc = 0;
	while (got < want + 1) {
		zip_int64_t r = z->zl->fread(f, b + got, want + 1 - got);
		if (r < 0) {
			snprintf(err, errlen, "package: zip entry '%.200s' is corrupt: %s", e->name,
				 z->zl->error_strerror(z->zl->file_get_error(f)));
			rc = SSTP_ERR_PROFILE;
			break;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	z->zl->fclose(f);
	if (!rc && got != want) {
		snprintf(err, errlen, "package: zip entry '%.200s' %s its declared size of %zu bytes",
			 e->name, got > want ? "inflates beyond" : "is shorter than", want);
		rc = SSTP_ERR_PROFILE;
	}
	if (rc) {
		free(b);
		return rc;
	}
	b[want] = '\0';
	*buf = b;
	*len = want;
	return 0;
}
