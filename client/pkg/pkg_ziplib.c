/* pkg_ziplib.c - the libzip function table of pkg_ziplib.h: dlopen'd through plat_lib when the
 * build says SSTP_ZIP_DLOPEN, else the linked functions. */
#include "pkg_ziplib.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#ifdef SSTP_ZIP_DLOPEN
#include "plat_lib.h"

static struct sstp_ziplib table;
static bool loaded;

/* name -> the table slot it fills (memcpy: no cast between function pointer types) */
#define SLOT(f) {"zip_" #f, &table.f, sizeof(table.f)}
static const struct {
	const char *name;
	void *slot;
	size_t size;
} slots[] = {
	SLOT(discard), SLOT(error_fini), SLOT(error_init), SLOT(error_strerror), SLOT(fclose),
	SLOT(file_get_error), SLOT(file_get_external_attributes), SLOT(fopen_index), SLOT(fread),
	SLOT(get_name), SLOT(get_num_entries), SLOT(open_from_source), SLOT(source_buffer_create),
	SLOT(source_free), SLOT(stat_index), SLOT(strerror),
};

const struct sstp_ziplib *sstp_ziplib(char *err, size_t errlen)
{
	void *lib;

	if (loaded)
		return &table;
	lib = plat_lib_open(PLAT_LIB_ZIP, err, errlen);
	if (!lib)
		return NULL;
	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
		void (*fn)(void) = plat_lib_sym(lib, slots[i].name);
		if (!fn) {
			snprintf(err, errlen, "the installed libzip lacks %s (too old?)", slots[i].name);
			return NULL;
		}
		memcpy(slots[i].slot, &fn, slots[i].size);
	}
	loaded = true;
	return &table;
}

#else

static const struct sstp_ziplib table = {
	.discard = zip_discard,
	.error_fini = zip_error_fini,
	.error_init = zip_error_init,
	.error_strerror = zip_error_strerror,
	.fclose = zip_fclose,
	.file_get_error = zip_file_get_error,
	.file_get_external_attributes = zip_file_get_external_attributes,
	.fopen_index = zip_fopen_index,
	.fread = zip_fread,
	.get_name = zip_get_name,
	.get_num_entries = zip_get_num_entries,
	.open_from_source = zip_open_from_source,
	.source_buffer_create = zip_source_buffer_create,
	.source_free = zip_source_free,
	.stat_index = zip_stat_index,
	.strerror = zip_strerror,
};

const struct sstp_ziplib *sstp_ziplib(char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	return &table;
}

#endif
