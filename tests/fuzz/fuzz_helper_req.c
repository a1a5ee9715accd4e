/* fuzz_helper_req.c - libFuzzer target for what the privileged helper reads from its clients:
 * a byte stream cut into control frames (sstp_ctl_rbuf) and decoded as helper requests.
 * Invariants: an accepted request names a valid profile (or none where allowed), carries only
 * allow-listed options, re-encodes to a frame that decodes to the very same request, and
 * yields a child command line made only of known words, with --password-stdin exactly when it
 * carries a password and never a pointer into the password; a password has no NUL/CR/LF; a
 * refused request keeps no password; a user profile's blobs come only with CONNECT and UPROFILE,
 * bounded, and survive the re-encoding byte for byte. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_proto.h"
#include "helper_proto.h"
#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_argv(const struct sstp_helper_req *req)
{
	static const char *const words[] = {
		"--state-dir", "--reconnect", "--no-reconnect", "--wait", "--no-ipv6", "--no-dns",
		"--no-routes", "-v", "--timeout", "--mtu", "--password-stdin",
	};
	int pw_words = 0;
	char *argv[SSTP_HELPER_ARGV_MAX];
	int n = sstp_helper_child_argv(req, "/exe", "/state", argv, SSTP_HELPER_ARGV_MAX);

	if (n < 7 || argv[n] != NULL || strcmp(argv[1], "connect") != 0 ||
	    strcmp(argv[2], req->profile) != 0 || strcmp(argv[3], "--name") != 0 ||
	    strcmp(argv[4], req->profile) != 0 || strcmp(argv[5], "--state-dir") != 0)
		abort();
	for (int i = 0; i < n; i++) {
		/* the password never reaches the command line */
		if (argv[i] >= req->password && argv[i] < req->password + sizeof(req->password))
			abort();
		if (strcmp(argv[i], "--password-stdin") == 0)
			pw_words++;
	}
	if (pw_words != (req->has_password ? 1 : 0))
		abort();
	for (int i = 7; i < n; i++) {
		bool known = false;

		for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
			if (strcmp(argv[i], words[k]) == 0)
				known = true;
		if (!known) {
			/* the value after --timeout / --mtu: digits only */
			if (strcmp(argv[i - 1], "--timeout") != 0 && strcmp(argv[i - 1], "--mtu") != 0)
				abort();
			if (strspn(argv[i], "0123456789") != strlen(argv[i]) || !argv[i][0])
				abort();
		}
	}
}

/* The same blob (bytes and length) in two decodes; both are cleared afterwards. A blob of a
 * user's profile only comes with CONNECT and with UPROFILE; a certificate password is text. */
static void same_blob(struct sstp_helper_blob *a, struct sstp_helper_blob *b)
{
	if (a->set != b->set || a->len != b->len || (a->set && memcmp(a->p, b->p, a->len) != 0))
		abort();
	memset(a, 0, sizeof(*a));
	memset(b, 0, sizeof(*b));
}

static void check_user_blobs(const struct sstp_helper_req *req)
{
	bool any = req->uca.set || req->ucert.set || req->ukey.set || req->cert_password.set;

	if ((any || req->uprofile.set) && req->type != SSTP_CTL_REQ_CONNECT)
		abort();
	if (any && !req->uprofile.set)
		abort();
	if (req->uprofile.set && (req->uprofile.len == 0 ||
				  req->uprofile.len > SSTP_HELPER_UPROFILE_MAX))
		abort();
	if (req->cert_password.set &&
	    (memchr(req->cert_password.p, '\n', req->cert_password.len) ||
	     memchr(req->cert_password.p, '\0', req->cert_password.len) ||
	     req->cert_password.len > SSTP_HELPER_PASSWORD_MAX))
		abort();
}

static void check_request(const struct sstp_ctl_msg *m)
{
	static uint8_t again[SSTP_CTL_MAX_FRAME];
	struct sstp_helper_req req, req2;
	struct sstp_ctl_msg m2;
	char err[256];
	long len;

	memset(err, 0, sizeof(err));
	if (sstp_helper_req_decode(m, &req, err, sizeof(err)) != 0) {
		if (!err[0] || !memchr(err, '\0', sizeof(err)))
			abort(); /* a refusal always says why */
		if (req.has_password)
			abort(); /* and keeps no password */
		for (size_t i = 0; i < sizeof(req.password); i++)
			if (req.password[i])
				abort();
		return;
	}
	if (req.has_password) {
		size_t pl = strnlen(req.password, sizeof(req.password));

		if (pl > SSTP_HELPER_PASSWORD_MAX || req.type != SSTP_CTL_REQ_CONNECT ||
		    memchr(req.password, '\n', pl) || memchr(req.password, '\r', pl) ||
		    !sstp_helper_password_ok(req.password))
			abort();
	} else if (req.password[0]) {
		abort();
	}
	if (req.profile[0] && !sstp_profile_name_valid(req.profile))
		abort();
	if (req.n_options > SSTP_HELPER_MAX_OPTIONS)
		abort();
	for (size_t i = 0; i < req.n_options; i++)
		if (sstp_helper_option_check(req.options[i], err, sizeof(err)) != 0)
			abort();
	check_user_blobs(&req);
	if (req.type == SSTP_CTL_REQ_CONNECT) {
		if (!req.profile[0])
			abort();
		check_argv(&req);
	}
	len = sstp_helper_req_encode(&req, again, sizeof(again));
	if (len <= 0 || sstp_ctl_parse(again, (size_t)len, &m2, NULL) != len)
		abort();
	if (sstp_helper_req_decode(&m2, &req2, err, sizeof(err)) != 0)
		abort();
	/* blobs point into their frames: the same bytes, then compare the rest */
	same_blob(&req.uprofile, &req2.uprofile);
	same_blob(&req.uca, &req2.uca);
	same_blob(&req.ucert, &req2.ucert);
	same_blob(&req.ukey, &req2.ukey);
	same_blob(&req.cert_password, &req2.cert_password);
	if (memcmp(&req, &req2, sizeof(req)) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t store[SSTP_CTL_MAX_FRAME];
	struct sstp_ctl_rbuf rb = { store, sizeof(store), 0 };
	size_t off = 0;

	/* feed in uneven chunks, as a socket would deliver them */
	while (off < size) {
		size_t room, chunk = (size_t)(data[off] % 61) + 1;
		uint8_t *tail = sstp_ctl_rbuf_tail(&rb, &room);
		struct sstp_ctl_msg m;
		const char *why = NULL;
		long fl;

		if (chunk > size - off)
			chunk = size - off;
		if (chunk > room)
			chunk = room;
		memcpy(tail, data + off, chunk);
		sstp_ctl_rbuf_commit(&rb, chunk);
		off += chunk;
		while ((fl = sstp_ctl_rbuf_frame(&rb, &m, &why)) > 0) {
			if ((size_t)fl > rb.len || m.payload + m.payload_len > rb.buf + rb.len)
				abort(); /* the frame lies inside what was received */
			check_request(&m);
			sstp_ctl_rbuf_consume(&rb, (size_t)fl);
		}
		if (fl < 0) {
			if (!why)
				abort();
			return 0; /* the helper drops such a client */
		}
	}
	return 0;
}
