/* test_pkg_util.h - helpers for the package tests: build zip archives in memory with libzip
 * (any entry names, Unix attributes, compression), read files, make and remove temp dirs. */
#ifndef SSTP_TEST_PKG_UTIL_H
#define SSTP_TEST_PKG_UTIL_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

struct tz_entry {
	const char *name;        /* raw entry name, stored as is */
	const void *data;        /* NULL with len 0 for a directory when name ends in '/' */
	size_t len;
	unsigned unix_mode;      /* 0: libzip default; else st_mode bits (e.g. 0120777 symlink) */
	bool store;              /* no compression */
};

/* Build a zip of the entries into a malloc'ed buffer. Returns NULL on failure. */
static inline unsigned char *tz_build(const struct tz_entry *e, size_t n, size_t *out_len)
{
	char path[] = "/tmp/sstp-tz-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	close(fd);
	int zerr = 0;
	zip_t *za = zip_open(path, ZIP_TRUNCATE | ZIP_CREATE, &zerr);
	if (!za) {
		unlink(path);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		zip_int64_t idx;
		size_t nl = strlen(e[i].name);
		if (nl && e[i].name[nl - 1] == '/' && !e[i].data) {
			idx = zip_dir_add(za, e[i].name, ZIP_FL_ENC_RAW);
		} else {
			zip_source_t *s = zip_source_buffer(za, e[i].data, e[i].len, 0);
			idx = s ? zip_file_add(za, e[i].name, s, ZIP_FL_ENC_RAW | ZIP_FL_OVERWRITE) : -1;
			if (idx < 0 && s)
				zip_source_free(s);
		}
		if (idx < 0) {
			zip_discard(za);
			unlink(path);
			return NULL;
		}
		if (e[i].store)
			zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
		if (e[i].unix_mode)
			zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0, ZIP_OPSYS_UNIX,
							 (zip_uint32_t)e[i].unix_mode << 16);
	}
	if (zip_close(za) != 0) {
		zip_discard(za);
		unlink(path);
		return NULL;
	}
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	if (f) {
		fseek(f, 0, SEEK_END);
		long sz = ftell(f);
		fseek(f, 0, SEEK_SET);
		buf = sz > 0 ? malloc((size_t)sz) : NULL;
		if (buf && fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
			free(buf);
			buf = NULL;
		}
		*out_len = (size_t)sz;
		fclose(f);
	}
	unlink(path);
	return buf;
}

static inline unsigned char *tz_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *buf = malloc((size_t)sz + 1);
	if (buf && fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
		free(buf);
		buf = NULL;
	}
	if (buf) {
		buf[sz] = 0;
		*len = (size_t)sz;
	}
	fclose(f);
	return buf;
}

static inline int tz_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t w = fwrite(data, 1, len, f);
	return fclose(f) == 0 && w == len ? 0 : -1;
}

static inline void tz_rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;
		while (d && (e = readdir(d)) != NULL) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			char sub[4096];
			int n = snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			if (n > 0 && (size_t)n < sizeof(sub))
				tz_rm_rf(sub);
		}
		if (d)
			closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

/* Load the fixture package bytes. */
static inline unsigned char *tz_fixture(size_t *len)
{
	return tz_read_file(SSTP_TEST_DATA "/pkg/gw-demo.zip", len);
}

#endif
