/* pkg_curl.c - the libcurl function table of pkg_curl.h: dlopen'd through plat_lib when the
 * build says SSTP_CURL_DLOPEN, else the linked functions. */
#include "pkg_curl.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#ifdef SSTP_CURL_DLOPEN
#include "plat_lib.h"

static struct sstp_curl table;
static bool loaded;

/* name -> the table slot it fills (all function pointers; assigned through memcpy so that no
 * cast between function pointer types is needed). */
#define SLOT(f) {"curl_" #f, &table.f, sizeof(table.f)}
static const struct {
	const char *name;
	void *slot;
	size_t size;
} slots[] = {
	SLOT(global_init), SLOT(global_cleanup), SLOT(easy_init), SLOT(easy_cleanup),
	SLOT(easy_setopt), SLOT(easy_getinfo), SLOT(easy_perform), SLOT(easy_strerror),
	SLOT(slist_append), SLOT(slist_free_all), SLOT(multi_init), SLOT(multi_cleanup),
	SLOT(multi_add_handle), SLOT(multi_remove_handle), SLOT(multi_setopt),
	SLOT(multi_socket_action), SLOT(multi_info_read),
};

const struct sstp_curl *sstp_curl(char *err, size_t errlen)
{
	void *lib;

	if (loaded)
		return &table;
	lib = plat_lib_open(PLAT_LIB_CURL, err, errlen);
	if (!lib)
		return NULL;
	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
		void (*fn)(void) = plat_lib_sym(lib, slots[i].name);
		if (!fn) {
			snprintf(err, errlen, "the installed libcurl lacks %s (too old?)", slots[i].name);
			return NULL;
		}
		memcpy(slots[i].slot, &fn, slots[i].size);
	}
	loaded = true;
	return &table;
}

#else

static const struct sstp_curl table = {
	.global_init = curl_global_init,
	.global_cleanup = curl_global_cleanup,
	.easy_init = curl_easy_init,
	.easy_cleanup = curl_easy_cleanup,
	.easy_setopt = curl_easy_setopt,
	.easy_getinfo = curl_easy_getinfo,
	.easy_perform = curl_easy_perform,
	.easy_strerror = curl_easy_strerror,
	.slist_append = curl_slist_append,
	.slist_free_all = curl_slist_free_all,
	.multi_init = curl_multi_init,
	.multi_cleanup = curl_multi_cleanup,
	.multi_add_handle = curl_multi_add_handle,
	.multi_remove_handle = curl_multi_remove_handle,
	.multi_setopt = curl_multi_setopt,
	.multi_socket_action = curl_multi_socket_action,
	.multi_info_read = curl_multi_info_read,
};

const struct sstp_curl *sstp_curl(char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	return &table;
}

#endif
