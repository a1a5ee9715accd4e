/* pkg_ziplib.h - libzip's functions, reached through a table filled on first use. Only package
 * import reads zip files; on Linux libzip is loaded then (dlopen), because linking it maps
 * libzip, libbz2, libz and OpenSSL's libcrypto into every `sstp connect`: measured 1.6 MiB of the
 * client's RSS (440 KiB of it libcrypto's start-up allocations). Builds that link a static libzip
 * (Windows) fill the table from the linked functions (SSTP_ZIP_DLOPEN off). */
#ifndef SSTP_PKG_ZIPLIB_H
#define SSTP_PKG_ZIPLIB_H

#include <stddef.h>
#include <zip.h>

struct sstp_ziplib {
	void (*discard)(zip_t *za);
	void (*error_fini)(zip_error_t *ze);
	void (*error_init)(zip_error_t *ze);
	const char *(*error_strerror)(zip_error_t *ze);
	int (*fclose)(zip_file_t *zf);
	zip_error_t *(*file_get_error)(zip_file_t *zf);
	int (*file_get_external_attributes)(zip_t *za, zip_uint64_t idx, zip_flags_t flags,
					    zip_uint8_t *opsys, zip_uint32_t *attr);
	zip_file_t *(*fopen_index)(zip_t *za, zip_uint64_t idx, zip_flags_t flags);
	zip_int64_t (*fread)(zip_file_t *zf, void *buf, zip_uint64_t n);
	const char *(*get_name)(zip_t *za, zip_uint64_t idx, zip_flags_t flags);
	zip_int64_t (*get_num_entries)(zip_t *za, zip_flags_t flags);
	zip_t *(*open_from_source)(zip_source_t *src, int flags, zip_error_t *ze);
	zip_source_t *(*source_buffer_create)(const void *data, zip_uint64_t len, int freep,
					      zip_error_t *ze);
	void (*source_free)(zip_source_t *src);
	int (*stat_index)(zip_t *za, zip_uint64_t idx, zip_flags_t flags, zip_stat_t *st);
	const char *(*strerror)(zip_t *za);
};

/* The table (static, never freed), loading libzip on the first call. NULL with a sentence in err
 * when libzip cannot be loaded or lacks a function; later calls try again. Not thread-safe. */
const struct sstp_ziplib *sstp_ziplib(char *err, size_t errlen);

#endif
