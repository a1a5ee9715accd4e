/* pkg_fetch.c - download a package from the pre-signed (SAS) HTTPS URL Azure prints, through
 * libcurl: https only, TLS verified, bounded redirects, a size cap, proxies from the
 * environment, a progress bar on a terminal. The query string is the credential: every message
 * goes through sstp_url_redact or a scrub of curl's text, so it never reaches the user or a log. */
#include "pkg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base_hex.h"
#include "sstp_err.h"
#include "pkg_curl.h"

#define URL_MAX 8192u

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Strip blanks and one pair of surrounding quotes; undo the JSON escapes `az` may print
 * (\/, \", \\, \u00XX) when the value was a double-quoted JSON string. -1 if too long/bad. */
static int url_clean(const char *in, char *out, size_t outlen)
{
	size_t n = strlen(in);
	while (n && blank(*in))
		in++, n--;
	while (n && blank(in[n - 1]))
		n--;
	bool json = false;
	if (n >= 2 && ((in[0] == '"' && in[n - 1] == '"') || (in[0] == '\'' && in[n - 1] == '\''))) {
		json = in[0] == '"';
		in++;
		n -= 2;
	}
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		char c = in[i];
		if (json && c == '\\' && i + 1 < n) {
			char e = in[++i];
			if (e == 'u' && i + 4 < n) {
				unsigned v = 0;
				for (int k = 1; k <= 4; k++) {
					int h = base_hex_digit(in[i + (size_t)k]);
					if (h < 0)
						return -1;
					v = v << 4 | (unsigned)h;
				}
				if (v == 0 || v > 0x7e)
					return -1;
				c = (char)v;
				i += 4;
			} else if (e == '/' || e == '"' || e == '\\') {
				c = e;
			} else {
				return -1;
			}
		}
		if ((unsigned char)c <= 0x20 || c == 0x7f)
			return -1; /* no blanks or control characters inside a URL */
		if (w + 1 >= outlen)
			return -1;
		out[w++] = c;
	}
	out[w] = '\0';
	return w ? 0 : -1;
}

bool sstp_pkg_is_url(const char *src)
{
	if (!src)
		return false;
	while (blank(*src) || *src == '"' || *src == '\'')
		src++;
	return strncasecmp(src, "https://", 8) == 0 || strncasecmp(src, "http://", 7) == 0;
}

void sstp_url_redact(const char *url, char *out, size_t outlen)
{
	if (!out || outlen == 0)
		return;
	out[0] = '\0';
	if (!url)
		return;
	size_t n = strlen(url);
	while (n && (blank(*url) || *url == '"' || *url == '\''))
		url++, n--;
	while (n && (blank(url[n - 1]) || url[n - 1] == '"' || url[n - 1] == '\''))
		n--;
	/* keep scheme://host[:port]/path, drop userinfo, query and fragment */
	size_t cut = n;
	for (size_t i = 0; i < n; i++) {
		if (url[i] == '?' || url[i] == '#') {
			cut = i;
			break;
		}
	}
	const char *sep = NULL;
	for (size_t i = 0; i + 2 < cut; i++) {
		if (url[i] == ':' && url[i + 1] == '/' && url[i + 2] == '/') {
			sep = url + i + 3;
			break;
		}
	}
	size_t w = 0;
	const char *s = url;
	size_t sl = cut;
	if (sep) {
		size_t hl = (size_t)(sep - url);
		const char *auth_end = sep;
		while ((size_t)(auth_end - url) < cut && *auth_end != '/')
			auth_end++;
		const char *at = NULL;
		for (const char *q = sep; q < auth_end; q++)
			if (*q == '@')
				at = q;
		if (at) {
			/* scheme:// then host part after the last '@' */
			size_t k = hl < outlen - 1 ? hl : outlen - 1;
			memcpy(out, url, k);
			w = k;
			s = at + 1;
			sl = cut - (size_t)(s - url);
		}
	}
	for (size_t i = 0; i < sl && w + 1 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];
		out[w++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	out[w] = '\0';
	if (cut < n) {
		const char *tag = url[cut] == '?' ? "?<redacted>" : "#<redacted>";
		size_t tl = strlen(tag);
		if (w + tl + 1 <= outlen) {
			memcpy(out + w, tag, tl + 1);
		} else if (outlen > tl) {
			memcpy(out + outlen - tl - 1, tag, tl + 1); /* never leave a cut query visible */
		}
	}
}

/* Replace every "?..." run in curl's text (up to a blank or quote) by "?<redacted>". */
static void scrub(const char *in, char *out, size_t outlen)
{
	size_t w = 0;
	for (size_t i = 0; in[i] && w + 1 < outlen; i++) {
		if (in[i] == '?' || in[i] == '#') {
			static const char tag[] = "<redacted>";
			out[w++] = in[i];
			for (size_t k = 0; tag[k] && w + 1 < outlen; k++)
				out[w++] = tag[k];
			while (in[i + 1] && !blank(in[i + 1]) && in[i + 1] != '\'' && in[i + 1] != '"')
				i++;
			continue;
		}
		out[w++] = in[i];
	}
	out[w] = '\0';
}

struct dl {
	unsigned char *buf;
	size_t len, cap, max;
	bool too_big;
	FILE *progress;
	curl_off_t last_shown;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct dl *d = ud;
	size_t n = size * nmemb;
	if (n > d->max - d->len) {
		d->too_big = true;
		return 0; /* aborts the transfer */
	}
	if (d->len + n > d->cap) {
		size_t cap = d->cap ? d->cap : 64 * 1024;
		while (cap < d->len + n)
			cap *= 2;
		if (cap > d->max)
			cap = d->max;
		unsigned char *b = realloc(d->buf, cap + 1);
		if (!b)
			return 0;
		d->buf = b;
		d->cap = cap;
	}
	memcpy(d->buf + d->len, ptr, n);
	d->len += n;
	return n;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct dl *d = ud;
	(void)ultotal, (void)ulnow;
	if (dlnow - d->last_shown < 64 * 1024 && !(dltotal > 0 && dlnow == dltotal))
		return 0;
	d->last_shown = dlnow;
	if (dltotal > 0) {
		int pct = (int)(dlnow * 100 / dltotal);
		int bars = pct / 5;
		fprintf(d->progress, "\rDownloading package [%-20.*s] %3d%% %.1f/%.1f MiB",
			bars, "====================", pct, (double)dlnow / 1048576.0,
			(double)dltotal / 1048576.0);
	} else {
		fprintf(d->progress, "\rDownloading package: %.1f MiB", (double)dlnow / 1048576.0);
	}
	fflush(d->progress);
	return 0;
}

static int http_status_error(long code, const char *shown, char *err, size_t errlen)
{
	const char *why = code == 403 ? "access denied: the link has expired or is not valid "
					"(SAS links expire; generate a new one)"
			  : code == 404 ? "not found: the package link is wrong or was removed"
			  : code >= 500 ? "server error, try again later"
					: "unexpected response";
	snprintf(err, errlen, "HTTP %ld from %s: %s", code, shown, why);
	return SSTP_ERR_UNREACHABLE;
}

/* The transfer's options: https only (redirects too), certificate and host checked, the size cap,
 * timeouts, the error buffer, the sink and the progress meter. */
static void set_options(const struct sstp_curl *C, CURL *c, const char *url,
			const struct sstp_fetch_opts *opts, struct dl *d, char *curlerr)
{
	C->easy_setopt(c, CURLOPT_URL, url);
	C->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	C->easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	C->easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	C->easy_setopt(c, CURLOPT_MAXREDIRS, opts && opts->max_redirects ? opts->max_redirects : 5L);
	C->easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	C->easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (opts && opts->ca_file)
		C->easy_setopt(c, CURLOPT_CAINFO, opts->ca_file);
	C->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	C->easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	C->easy_setopt(c, CURLOPT_TIMEOUT, opts && opts->timeout_s ? opts->timeout_s : 120L);
	C->easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	C->easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	C->easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)d->max);
	C->easy_setopt(c, CURLOPT_USERAGENT, "sstp/0.1 (package import)");
	C->easy_setopt(c, CURLOPT_ERRORBUFFER, curlerr);
	C->easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	C->easy_setopt(c, CURLOPT_WRITEDATA, d);
	if (d->progress) {
		C->easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
		C->easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
		C->easy_setopt(c, CURLOPT_XFERINFODATA, d);
	}
	/* proxies: libcurl reads https_proxy / all_proxy / no_proxy itself; nothing is overridden */
}

/* What a finished transfer means: 0 (a non-empty 200 answer), or the exit code with its
 * sentence in err. */
static int outcome(CURLcode cr, long code, const struct dl *d, const char *shown,
		   const char *clean, char *err, size_t errlen)
{
	if (d->too_big || cr == CURLE_FILESIZE_EXCEEDED) {
		snprintf(err, errlen, "download from %s stopped: the file is larger than %zu bytes, "
			 "too large for a VPN client package", shown, d->max);
		return SSTP_ERR_PROFILE;
	} else if (cr == CURLE_PEER_FAILED_VERIFICATION || cr == CURLE_SSL_CONNECT_ERROR) {
		snprintf(err, errlen, "TLS with %s failed: %s", shown, clean);
		return cr == CURLE_PEER_FAILED_VERIFICATION ? SSTP_ERR_CERT : SSTP_ERR_UNREACHABLE;
	} else if (cr == CURLE_OPERATION_TIMEDOUT) {
		snprintf(err, errlen, "download from %s timed out: %s", shown, clean);
		return SSTP_ERR_TIMEOUT;
	} else if (cr == CURLE_TOO_MANY_REDIRECTS) {
		snprintf(err, errlen, "download from %s: too many redirects", shown);
		return SSTP_ERR_UNREACHABLE;
	} else if (cr == CURLE_UNSUPPORTED_PROTOCOL) {
		snprintf(err, errlen, "download from %s: redirected to a non-https URL, refused", shown);
		return SSTP_ERR_UNREACHABLE;
	} else if (cr != CURLE_OK) {
		snprintf(err, errlen, "cannot download %s: %s", shown, clean);
		return cr == CURLE_OUT_OF_MEMORY ? SSTP_ERR_INTERNAL : SSTP_ERR_UNREACHABLE;
	} else if (code != 200) {
		return http_status_error(code, shown, err, errlen);
	} else if (d->len == 0) {
		snprintf(err, errlen, "download from %s returned an empty file", shown);
		return SSTP_ERR_PROFILE;
	}
	return 0;
}

int sstp_pkg_fetch(const char *url_in, const struct sstp_fetch_opts *opts, unsigned char **buf,
		   size_t *len, char *err, size_t errlen)
{
	char *url = NULL;
	char shown[512], curlerr[CURL_ERROR_SIZE + 1] = "", clean[CURL_ERROR_SIZE + 64];
	struct dl d = {0};
	int rc = 0;

	*buf = NULL;
	*len = 0;
	sstp_url_redact(url_in, shown, sizeof(shown));
	url = calloc(1, URL_MAX);
	if (!url) {
		snprintf(err, errlen, "out of memory");
		return SSTP_ERR_INTERNAL;
	}
	if (url_clean(url_in ? url_in : "", url, URL_MAX) != 0) {
		snprintf(err, errlen, "not a usable URL: %s", shown);
		free(url);
		return SSTP_ERR_USAGE;
	}
	if (strncasecmp(url, "https://", 8) != 0) {
		snprintf(err, errlen, "refusing to download %s: only https:// URLs are accepted", shown);
		explicit_bzero(url, URL_MAX);
		free(url);
		return SSTP_ERR_PROFILE;
	}
	d.max = opts && opts->max_bytes ? opts->max_bytes : SSTP_FETCH_MAX_BYTES;
	if (opts && opts->progress && isatty(fileno(opts->progress)))
		d.progress = opts->progress;

	const struct sstp_curl *C = sstp_curl(err, errlen);
	if (!C) {
		explicit_bzero(url, URL_MAX);
		free(url);
		return SSTP_ERR_INTERNAL;
	}
	if (C->global_init(CURL_GLOBAL_DEFAULT) != 0) {
		snprintf(err, errlen, "libcurl initialisation failed");
		free(url);
		return SSTP_ERR_INTERNAL;
	}
	CURL *c = C->easy_init();
	if (!c) {
		snprintf(err, errlen, "out of memory");
		C->global_cleanup();
		free(url);
		return SSTP_ERR_INTERNAL;
	}
	set_options(C, c, url, opts, &d, curlerr);

	CURLcode cr = C->easy_perform(c);
	long code = 0;
	C->easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (d.progress) {
		fputc('\n', d.progress);
		fflush(d.progress);
	}
	scrub(curlerr[0] ? curlerr : C->easy_strerror(cr), clean, sizeof(clean));
	rc = outcome(cr, code, &d, shown, clean, err, errlen);
	C->easy_cleanup(c);
	C->global_cleanup();
	explicit_bzero(url, URL_MAX);
	free(url);
	if (rc) {
		free(d.buf);
		return rc;
	}
	d.buf[d.len] = '\0';
	*buf = d.buf;
	*len = d.len;
	return 0;
}
