/* helper_proto.c - validation and encoding of the helper's requests, the connect-option
 * allow-list, the child command line, and the frame reassembly buffer (see helper_proto.h). */
#include "helper_proto.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sstp_err.h"
#include "names.h"

/* Flags without a value, and options with a bounded number. */
static const char *const flag_opts[] = {
	"--wait", "--reconnect", "--no-reconnect", "--no-ipv6", "--no-dns", "--no-routes",
	"--verbose",
};

static const struct {
	const char *name; /* with the '=' */
	unsigned long min, max;
} num_opts[] = {
	{ "--timeout=", 1, 86400 },
	{ "--mtu=", 576, 4087 },
};

static int parse_num(const char *s, unsigned long min, unsigned long max)
{
	char *end = NULL;
	unsigned long v;

	if (!s[0] || s[0] < '0' || s[0] > '9' || strlen(s) > 9)
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || !end || *end || v < min || v > max)
		return -1;
	return 0;
}

int sstp_helper_option_check(const char *opt, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < sizeof(flag_opts) / sizeof(flag_opts[0]); i++)
		if (strcmp(opt, flag_opts[i]) == 0)
			return 0;
	for (i = 0; i < sizeof(num_opts) / sizeof(num_opts[0]); i++) {
		size_t n = strlen(num_opts[i].name);

		if (strncmp(opt, num_opts[i].name, n) != 0)
			continue;
		if (parse_num(opt + n, num_opts[i].min, num_opts[i].max) < 0) {
			snprintf(err, errlen, "%.*s needs a number between %lu and %lu", (int)(n - 1),
				 opt, num_opts[i].min, num_opts[i].max);
			return -1;
		}
		return 0;
	}
	snprintf(err, errlen, "option '%.24s' cannot be used through the helper: it connects the "
		 "administrator's profile as configured (allowed: --timeout, --wait, --reconnect, "
		 "--no-reconnect, --no-ipv6, --no-dns, --no-routes, --mtu, -v)", opt);
	return -1;
}

void sstp_helper_wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

void sstp_helper_req_wipe(struct sstp_helper_req *req)
{
	sstp_helper_wipe(req->password, sizeof(req->password));
	req->has_password = false;
	memset(&req->cert_password, 0, sizeof(req->cert_password)); /* the bytes are the frame's */
}

/* One blob attribute of a user's profile: at most once, bounded; the certificate password
 * like PASSWORD (no NUL, CR, LF). */
static int get_blob(const struct sstp_ctl_attr *a, struct sstp_helper_blob *b, size_t max,
		    bool text, const char *what, char *err, size_t errlen)
{
	if (b->set) {
		snprintf(err, errlen, "more than one %s in one request", what);
		return -1;
	}
	if (a->len == 0 || a->len > max) {
		snprintf(err, errlen, "the %s is empty or longer than %zu bytes", what, max);
		return -1;
	}
	if (text && (memchr(a->val, '\0', a->len) || memchr(a->val, '\n', a->len) ||
		     memchr(a->val, '\r', a->len))) {
		snprintf(err, errlen, "the %s holds a NUL, CR or LF byte", what);
		return -1;
	}
	b->p = a->val;
	b->len = a->len;
	b->set = true;
	return 0;
}

bool sstp_helper_password_ok(const char *s)
{
	size_t n = strnlen(s, SSTP_HELPER_PASSWORD_MAX + 1);

	return n <= SSTP_HELPER_PASSWORD_MAX && !memchr(s, '\n', n) && !memchr(s, '\r', n);
}

static int get_password(const struct sstp_ctl_attr *a, struct sstp_helper_req *req, char *err,
			size_t errlen)
{
	if (req->has_password) {
		snprintf(err, errlen, "more than one password in one request");
		return -1;
	}
	if (a->len > SSTP_HELPER_PASSWORD_MAX ||
	    (a->len && (memchr(a->val, '\0', a->len) || memchr(a->val, '\n', a->len) ||
			memchr(a->val, '\r', a->len)))) {
		/* never quote it */
		snprintf(err, errlen, "the password is longer than %d bytes or holds a NUL, CR or "
			 "LF byte", SSTP_HELPER_PASSWORD_MAX);
		return -1;
	}
	if (a->len)
		memcpy(req->password, a->val, a->len);
	req->password[a->len] = '\0';
	req->has_password = true;
	return 0;
}

static int get_user_attr(const struct sstp_ctl_attr *a, struct sstp_helper_req *req, char *err,
			 size_t errlen)
{
	switch (a->tag) {
	case SSTP_HELPER_A_UPROFILE:
		return get_blob(a, &req->uprofile, SSTP_HELPER_UPROFILE_MAX, false, "user profile",
				err, errlen);
	case SSTP_HELPER_A_UCA:
		return get_blob(a, &req->uca, SSTP_CTL_MAX_PAYLOAD, false, "CA file", err, errlen);
	case SSTP_HELPER_A_UCERT:
		return get_blob(a, &req->ucert, SSTP_CTL_MAX_PAYLOAD, false, "certificate file", err,
				errlen);
	case SSTP_HELPER_A_UKEY:
		return get_blob(a, &req->ukey, SSTP_CTL_MAX_PAYLOAD, false, "key file", err, errlen);
	default:
		return get_blob(a, &req->cert_password, SSTP_HELPER_PASSWORD_MAX, true,
				"certificate password", err, errlen);
	}
}

static int get_string(const struct sstp_ctl_attr *a, char *out, size_t size, const char *what,
		      char *err, size_t errlen)
{
	if (sstp_ctl_get_str(a, out, size) < 0) {
		snprintf(err, errlen, "%s is too long or holds a NUL byte", what);
		return -1;
	}
	return 0;
}

static int decode(const struct sstp_ctl_msg *msg, struct sstp_helper_req *req, char *err,
		  size_t errlen)
{
	struct sstp_ctl_iter it;
	struct sstp_ctl_attr a;
	int r;

	memset(req, 0, sizeof(*req));
	req->type = msg->type;
	req->id = msg->id;
	if (msg->type < SSTP_CTL_REQ_STATUS || msg->type > SSTP_CTL_REQ_SUBSCRIBE) {
		snprintf(err, errlen, "'%s' is not a request", sstp_ctl_type_name(msg->type));
		return SSTP_ERR_USAGE;
	}
	sstp_ctl_iter_init(&it, msg);
	while ((r = sstp_ctl_next(&it, &a)) > 0) {
		switch (a.tag) {
		case SSTP_CTL_A_PROFILE:
			if (req->profile[0]) {
				snprintf(err, errlen, "more than one profile in one request");
				return SSTP_ERR_USAGE;
			}
			if (get_string(&a, req->profile, sizeof(req->profile), "the profile name", err,
				       errlen) < 0)
				return SSTP_ERR_PROFILE;
			if (!sstp_profile_name_valid(req->profile)) {
				snprintf(err, errlen, "'%s' is not a valid profile name", req->profile);
				return SSTP_ERR_PROFILE;
			}
			break;
		case SSTP_CTL_A_OPTION:
			if (req->n_options == SSTP_HELPER_MAX_OPTIONS) {
				snprintf(err, errlen, "more than %d options", SSTP_HELPER_MAX_OPTIONS);
				return SSTP_ERR_USAGE;
			}
			if (get_string(&a, req->options[req->n_options], SSTP_HELPER_OPTION_MAX,
				       "an option", err, errlen) < 0 ||
			    sstp_helper_option_check(req->options[req->n_options], err, errlen) < 0)
				return SSTP_ERR_USAGE;
			req->n_options++;
			break;
		case SSTP_HELPER_A_PASSWORD:
			if (get_password(&a, req, err, errlen) < 0) {
				sstp_helper_req_wipe(req);
				return SSTP_ERR_USAGE;
			}
			break;
		case SSTP_HELPER_A_UPROFILE:
		case SSTP_HELPER_A_UCA:
		case SSTP_HELPER_A_UCERT:
		case SSTP_HELPER_A_UKEY:
		case SSTP_HELPER_A_CERT_PASSWORD:
			if (get_user_attr(&a, req, err, errlen) < 0)
				return SSTP_ERR_USAGE;
			break;
		case SSTP_HELPER_A_ALL:
		case SSTP_HELPER_A_NOWAIT:
			if (a.len != 0) {
				snprintf(err, errlen, "a flag attribute with a value");
				return SSTP_ERR_USAGE;
			}
			if (a.tag == SSTP_HELPER_A_ALL)
				req->all = true;
			else
				req->nowait = true;
			break;
		default:
			break; /* unknown tags are skipped (ctl_proto.h) */
		}
	}
	if (r < 0) {
		snprintf(err, errlen, "truncated attribute");
		return SSTP_ERR_USAGE;
	}
	switch (req->type) {
	case SSTP_CTL_REQ_CONNECT:
		if (!req->profile[0]) {
			snprintf(err, errlen, "connect needs a profile name");
			return SSTP_ERR_USAGE;
		}
		if (req->all) {
			snprintf(err, errlen, "connect takes one profile, not all");
			return SSTP_ERR_USAGE;
		}
		if (!req->uprofile.set && (req->uca.set || req->ucert.set || req->ukey.set ||
					   req->cert_password.set)) {
			snprintf(err, errlen, "files of a user profile without the profile");
			return SSTP_ERR_USAGE;
		}
		break;
	case SSTP_CTL_REQ_DISCONNECT:
		if (req->has_password || req->uprofile.set || req->uca.set || req->ucert.set ||
		    req->ukey.set || req->cert_password.set) {
			snprintf(err, errlen, "a password or a profile is only for connect");
			return SSTP_ERR_USAGE;
		}
		if ((req->profile[0] != '\0') == req->all) {
			snprintf(err, errlen, "disconnect needs either a profile name or all");
			return SSTP_ERR_USAGE;
		}
		break;
	default:
		if (req->n_options || req->all || req->nowait || req->has_password ||
		    req->uprofile.set || req->uca.set || req->ucert.set || req->ukey.set ||
		    req->cert_password.set) {
			snprintf(err, errlen, "options are only for connect");
			return SSTP_ERR_USAGE;
		}
		if (req->type == SSTP_CTL_REQ_SUBSCRIBE && req->profile[0]) {
			snprintf(err, errlen, "subscribe covers every session: no profile name");
			return SSTP_ERR_USAGE;
		}
		break;
	}
	return 0;
}

int sstp_helper_req_decode(const struct sstp_ctl_msg *msg, struct sstp_helper_req *req, char *err,
			   size_t errlen)
{
	int r = decode(msg, req, err, errlen);

	if (r != 0)
		sstp_helper_req_wipe(req); /* a refused request keeps no password */
	return r;
}

long sstp_helper_req_encode(const struct sstp_helper_req *req, uint8_t *buf, size_t cap)
{
	struct sstp_ctl_writer w;

	sstp_ctl_begin(&w, buf, cap, req->type, req->id);
	if (req->profile[0])
		sstp_ctl_put_str(&w, SSTP_CTL_A_PROFILE, req->profile);
	for (size_t i = 0; i < req->n_options && i < SSTP_HELPER_MAX_OPTIONS; i++)
		sstp_ctl_put_bytes(&w, SSTP_CTL_A_OPTION, req->options[i],
				   strnlen(req->options[i], SSTP_HELPER_OPTION_MAX - 1));
	if (req->all)
		sstp_ctl_put_bytes(&w, SSTP_HELPER_A_ALL, NULL, 0);
	if (req->nowait)
		sstp_ctl_put_bytes(&w, SSTP_HELPER_A_NOWAIT, NULL, 0);
	if (req->has_password)
		sstp_ctl_put_bytes(&w, SSTP_HELPER_A_PASSWORD, req->password,
				   strnlen(req->password, SSTP_HELPER_PASSWORD_MAX));
	{
		const struct sstp_helper_blob *b[] = { &req->uprofile, &req->uca, &req->ucert,
						       &req->ukey, &req->cert_password };
		const uint8_t tags[] = { SSTP_HELPER_A_UPROFILE, SSTP_HELPER_A_UCA,
					 SSTP_HELPER_A_UCERT, SSTP_HELPER_A_UKEY,
					 SSTP_HELPER_A_CERT_PASSWORD };

		for (size_t i = 0; i < 5; i++)
			if (b[i]->set)
				sstp_ctl_put_bytes(&w, tags[i], b[i]->p, b[i]->len);
	}
	return sstp_ctl_finish(&w);
}

int sstp_helper_child_argv(const struct sstp_helper_req *req, const char *exe,
			   const char *state_dir, char **argv, size_t max)
{
	size_t n = 0;
	bool no_reconnect = false;

#define ADD(s)                                   \
	do {                                     \
		if (n + 1 >= max)                \
			return -1;               \
		argv[n++] = (char *)(uintptr_t)(s); \
	} while (0)

	for (size_t i = 0; i < req->n_options; i++)
		if (strcmp(req->options[i], "--no-reconnect") == 0)
			no_reconnect = true;
	ADD(exe);
	ADD("connect");
	ADD(req->profile_path ? req->profile_path : req->profile);
	ADD("--name"); /* the session is named after the profile, whatever the file says */
	ADD(req->profile);
	ADD("--state-dir");
	ADD(state_dir);
	if (!no_reconnect)
		ADD("--reconnect");
	if (req->has_password)
		ADD("--password-stdin"); /* the caller writes it to the child's stdin */
	for (size_t i = 0; i < req->n_options; i++) {
		const char *o = req->options[i];
		const char *eq = strchr(o, '=');

		if (strcmp(o, "--reconnect") == 0)
			continue; /* already there */
		if (strcmp(o, "--verbose") == 0) {
			ADD("-v");
		} else if (eq) {
			/* "--timeout=30": the value as its own word, the name as a literal */
			if (strncmp(o, "--timeout=", 10) == 0)
				ADD("--timeout");
			else if (strncmp(o, "--mtu=", 6) == 0)
				ADD("--mtu");
			else
				return -1; /* not from the allow-list */
			ADD(eq + 1);
		} else {
			ADD(o);
		}
	}
#undef ADD
	argv[n] = NULL;
	return (int)n;
}

long sstp_ctl_rbuf_frame(struct sstp_ctl_rbuf *rb, struct sstp_ctl_msg *msg, const char **why)
{
	long r = sstp_ctl_parse(rb->buf, rb->len, msg, why);

	if (r == SSTP_CTL_NEED_MORE && rb->len >= rb->cap) {
		*why = "control message larger than the buffer";
		return -1;
	}
	return r < 0 ? -1 : r;
}

void sstp_ctl_rbuf_consume(struct sstp_ctl_rbuf *rb, size_t n)
{
	if (n >= rb->len) {
		sstp_helper_wipe(rb->buf, rb->len);
		rb->len = 0;
		return;
	}
	memmove(rb->buf, rb->buf + n, rb->len - n);
	sstp_helper_wipe(rb->buf + rb->len - n, n);
	rb->len -= n;
}

uint8_t *sstp_ctl_rbuf_tail(struct sstp_ctl_rbuf *rb, size_t *room)
{
	*room = rb->cap - rb->len;
	return rb->buf + rb->len;
}

void sstp_ctl_rbuf_commit(struct sstp_ctl_rbuf *rb, size_t n)
{
	rb->len += n <= rb->cap - rb->len ? n : rb->cap - rb->len;
}

long sstp_helper_error_frame(uint8_t *buf, size_t cap, uint32_t id, int code, const char *msg)
{
	struct sstp_ctl_writer w;

	sstp_ctl_begin(&w, buf, cap, SSTP_CTL_RESP_ERROR, id);
	sstp_ctl_put_u32(&w, SSTP_CTL_A_EXIT_CODE, (uint32_t)code);
	sstp_ctl_put_str(&w, SSTP_CTL_A_MESSAGE, msg ? msg : "");
	return sstp_ctl_finish(&w);
}

long sstp_helper_need_password_frame(uint8_t *buf, size_t cap, uint32_t id, int code,
				     const char *msg)
{
	struct sstp_ctl_writer w;

	sstp_ctl_begin(&w, buf, cap, SSTP_CTL_RESP_ERROR, id);
	sstp_ctl_put_u32(&w, SSTP_CTL_A_EXIT_CODE, (uint32_t)code);
	sstp_ctl_put_str(&w, SSTP_CTL_A_MESSAGE, msg ? msg : "");
	sstp_ctl_put_bytes(&w, SSTP_HELPER_A_NEED_PASSWORD, NULL, 0);
	return sstp_ctl_finish(&w);
}

bool sstp_helper_reply_needs_password(const struct sstp_ctl_msg *msg)
{
	struct sstp_ctl_iter it;
	struct sstp_ctl_attr a;

	if (msg->type != SSTP_CTL_RESP_ERROR)
		return false;
	sstp_ctl_iter_init(&it, msg);
	while (sstp_ctl_next(&it, &a) > 0)
		if (a.tag == SSTP_HELPER_A_NEED_PASSWORD)
			return true;
	return false;
}

long sstp_helper_ok_frame(uint8_t *buf, size_t cap, uint32_t id, const char *msg)
{
	struct sstp_ctl_writer w;

	sstp_ctl_begin(&w, buf, cap, SSTP_CTL_RESP_OK, id);
	if (msg && msg[0])
		sstp_ctl_put_str(&w, SSTP_CTL_A_MESSAGE, msg);
	return sstp_ctl_finish(&w);
}
