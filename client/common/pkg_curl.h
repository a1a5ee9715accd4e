/* pkg_curl.h - libcurl's functions, reached through a table filled on first use. Only package
 * downloads and HTTP proxies need libcurl; on Linux it is loaded then (dlopen), so that a plain
 * `sstp connect` does not map it and the ~25 libraries it pulls in (OpenSSL, GnuTLS, Kerberos,
 * LDAP...): measured 9.6 MiB -> 4 MiB of RSS. Builds that link a static libcurl (Windows) fill
 * the table from the linked functions (SSTP_CURL_DLOPEN off). */
#ifndef SSTP_PKG_CURL_H
#define SSTP_PKG_CURL_H

#include <curl/curl.h>
#include <stddef.h>

struct sstp_curl {
	CURLcode (*global_init)(long flags);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	void (*easy_cleanup)(CURL *easy);
	CURLcode (*easy_setopt)(CURL *easy, CURLoption opt, ...);
	CURLcode (*easy_getinfo)(CURL *easy, CURLINFO info, ...);
	CURLcode (*easy_perform)(CURL *easy);
	const char *(*easy_strerror)(CURLcode code);
	struct curl_slist *(*slist_append)(struct curl_slist *list, const char *s);
	void (*slist_free_all)(struct curl_slist *list);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_cleanup)(CURLM *multi);
	CURLMcode (*multi_add_handle)(CURLM *multi, CURL *easy);
	CURLMcode (*multi_remove_handle)(CURLM *multi, CURL *easy);
	CURLMcode (*multi_setopt)(CURLM *multi, CURLMoption opt, ...);
	CURLMcode (*multi_socket_action)(CURLM *multi, curl_socket_t s, int ev_bitmask, int *running);
	CURLMsg *(*multi_info_read)(CURLM *multi, int *msgs_in_queue);
};

/* The table (static, never freed), loading libcurl on the first call. NULL with a sentence in err
 * when libcurl cannot be loaded or lacks a function; later calls try again. Not thread-safe: the
 * first call comes from the main thread. */
const struct sstp_curl *sstp_curl(char *err, size_t errlen);

#endif
