/* pkg_cab.c - cabinet extraction from memory (see pkg_cab.h). libmspack reads and writes
 * through a struct mspack_system whose "file names" are pointers to in-memory descriptors, so
 * nothing touches the disk; writes past an entry's declared length and allocations past a cap
 * fail, which bounds what a hostile cabinet can make us inflate. */
#include "pkg_cab.h"

#include <mspack.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sstp_err.h"

/* What a "file name" handed to libmspack points at. */
struct memdesc {
	const unsigned char *in;  /* read side */
	size_t in_len;
	unsigned char *out;       /* write side, capacity out_max */
	size_t out_len, out_max;
	bool overflow;
};

/* Our open file; libmspack only sees it as an opaque struct mspack_file pointer. */
struct memfile {
	struct memdesc *d;
	size_t pos;
	bool write;
};

static struct mspack_file *m_open(struct mspack_system *self, const char *filename, int mode)
{
	(void)self;
	if (mode != MSPACK_SYS_OPEN_READ && mode != MSPACK_SYS_OPEN_WRITE)
		return NULL;
	struct memfile *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->d = (struct memdesc *)(uintptr_t)filename;
	f->write = mode == MSPACK_SYS_OPEN_WRITE;
	if (f->write)
		f->d->out_len = 0;
	return (struct mspack_file *)(void *)f;
}

static struct memfile *mf(struct mspack_file *f)
{
	return (struct memfile *)(void *)f;
}

static void m_close(struct mspack_file *f)
{
	free(mf(f));
}

static int m_read(struct mspack_file *file, void *buf, int bytes)
{
	struct memfile *f = mf(file);
	if (!f || f->write || bytes < 0)
		return -1;
	size_t avail = f->pos < f->d->in_len ? f->d->in_len - f->pos : 0;
	size_t n = (size_t)bytes < avail ? (size_t)bytes : avail;
	memcpy(buf, f->d->in + f->pos, n);
	f->pos += n;
	return (int)n;
}

static int m_write(struct mspack_file *file, void *buf, int bytes)
{
	struct memfile *f = mf(file);
	if (!f || !f->write || bytes < 0)
		return -1;
	struct memdesc *d = f->d;
	if ((size_t)bytes > d->out_max - d->out_len) {
		d->overflow = true;
		return -1;
	}
	memcpy(d->out + d->out_len, buf, (size_t)bytes);
	d->out_len += (size_t)bytes;
	return bytes;
}

static int m_seek(struct mspack_file *file, off_t off, int mode)
{
	struct memfile *f = mf(file);
	if (!f || f->write)
		return -1;
	long long base = mode == MSPACK_SYS_SEEK_START ? 0
			 : mode == MSPACK_SYS_SEEK_CUR ? (long long)f->pos
			 : mode == MSPACK_SYS_SEEK_END ? (long long)f->d->in_len : -1;
	if (base < 0)
		return -1;
	long long np = base + (long long)off;
	if (np < 0 || (unsigned long long)np > f->d->in_len)
		return -1;
	f->pos = (size_t)np;
	return 0;
}

static off_t m_tell(struct mspack_file *file)
{
	return file ? (off_t)mf(file)->pos : -1;
}

static void m_message(struct mspack_file *f, const char *fmt, ...)
{
	(void)f;
	(void)fmt; /* libmspack's warnings are not for our users */
}

/* libmspack calls alloc with copies of our mspack_system (its decompressors get their own
 * copy), so `self` cannot lead back to per-extraction state: cap each allocation instead. Its
 * decompressors allocate a bounded amount by design (LZX window at most 2 MiB). */
static void *m_alloc(struct mspack_system *self, size_t bytes)
{
	(void)self;
	return bytes <= SSTP_CAB_MAX_ALLOC ? malloc(bytes) : NULL;
}

static void m_free(void *ptr)
{
	free(ptr);
}

static void m_copy(void *src, void *dst, size_t bytes)
{
	memmove(dst, src, bytes);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

int sstp_cab_find(const unsigned char *buf, size_t len, size_t *off, size_t *cablen)
{
	if (!buf || len < 36)
		return -1;
	for (size_t i = 0; i + 36 <= len; i++) {
		if (buf[i] != 'M' || memcmp(buf + i, "MSCF", 4) != 0)
			continue;
		const unsigned char *h = buf + i;
		uint32_t total = le32(h + 8), files_off = le32(h + 16);
		/* reserved1 (4..7), reserved2 (12..15), reserved3 (20..23) are zero; version 1.3 */
		if (le32(h + 4) != 0 || le32(h + 12) != 0 || le32(h + 20) != 0 || h[24] != 3 ||
		    h[25] != 1)
			continue;
		if (total < 36 || total > len - i || files_off >= total)
			continue;
		*off = i;
		*cablen = total;
		return 0;
	}
	return -1;
}

void sstp_cab_files_free(struct sstp_cab_files *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].name);
		free(f->v[i].data);
	}
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

static int extract_one(struct mscab_decompressor *cd, struct mscabd_file *file,
		       struct sstp_cab_files *out, struct sstp_err *e)
{
	struct memdesc d = {0};
	d.out_max = file->length;
	d.out = malloc((size_t)file->length + 1);
	char *name = strdup(file->filename);
	struct sstp_cab_file *v = realloc(out->v, (out->n + 1) * sizeof(*v));
	if (v)
		out->v = v;
	if (!d.out || !name || !v) {
		free(d.out);
		free(name);
		return sstp_err_set(e, SSTP_ERR_INTERNAL, "out of memory");
	}
	int rc = cd->extract(cd, file, (const char *)(uintptr_t)&d);
	if (rc != MSPACK_ERR_OK || d.overflow || d.out_len != file->length) {
		sstp_err_set(e, SSTP_ERR_PROFILE,
			     "installer: cannot extract '%.100s' from its cabinet (%s)", file->filename,
			     d.overflow ? "more data than declared"
			     : rc == MSPACK_ERR_DECRUNCH ? "corrupt compressed data"
			     : rc == MSPACK_ERR_NOMEMORY ? "decompression needs too much memory"
			     : rc != MSPACK_ERR_OK ? "damaged cabinet" : "short data");
		free(d.out);
		free(name);
		return SSTP_ERR_PROFILE;
	}
	d.out[d.out_len] = '\0';
	out->v[out->n].name = name;
	out->v[out->n].data = d.out;
	out->v[out->n].len = d.out_len;
	out->n++;
	return 0;
}

int sstp_cab_extract(const unsigned char *cab, size_t len, bool (*want)(const char *name),
		     struct sstp_cab_files *out, struct sstp_err *e)
{
	struct mspack_system sys;
	memset(&sys, 0, sizeof(sys));
	memset(out, 0, sizeof(*out));
	sys.open = m_open;
	sys.close = m_close;
	sys.read = m_read;
	sys.write = m_write;
	sys.seek = m_seek;
	sys.tell = m_tell;
	sys.message = m_message;
	sys.alloc = m_alloc;
	sys.free = m_free;
	sys.copy = m_copy;

	int self;
	MSPACK_SYS_SELFTEST(self);
	if (self != MSPACK_ERR_OK)
		return sstp_err_set(e, SSTP_ERR_INTERNAL, "libmspack self-test failed");
	struct memdesc in = {.in = cab, .in_len = len};
	struct mscab_decompressor *cd = mspack_create_cab_decompressor(&sys);
	if (!cd)
		return sstp_err_set(e, SSTP_ERR_INTERNAL, "out of memory");
	/* no salvage mode: a damaged cabinet is an error, not a best effort */
	cd->set_param(cd, MSCABD_PARAM_SALVAGE, 0);
	struct mscabd_cabinet *c = cd->open(cd, (const char *)(uintptr_t)&in);
	if (!c) {
		sstp_err_set(e, SSTP_ERR_PROFILE, "installer: the embedded cabinet is damaged "
			     "(libmspack error %d)", cd->last_error(cd));
		mspack_destroy_cab_decompressor(cd);
		return SSTP_ERR_PROFILE;
	}
	int rc = 0;
	size_t count = 0;
	for (struct mscabd_file *f = c->files; f && !rc; f = f->next) {
		if (++count > SSTP_CAB_MAX_FILES) {
			rc = sstp_err_set(e, SSTP_ERR_PROFILE, "installer: its cabinet lists more "
					  "than %u files", SSTP_CAB_MAX_FILES);
			break;
		}
		if (!f->filename || (want && !want(f->filename)))
			continue;
		if (f->length > SSTP_CAB_MAX_FILE) {
			rc = sstp_err_set(e, SSTP_ERR_PROFILE, "installer: '%.100s' in its cabinet "
					  "is larger than %u bytes", f->filename, SSTP_CAB_MAX_FILE);
			break;
		}
		rc = extract_one(cd, f, out, e);
	}
	cd->close(cd, c);
	mspack_destroy_cab_decompressor(cd);
	return rc;
}
