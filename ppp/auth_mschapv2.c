/* auth_mschapv2.c - MS-CHAPv2 (RFC 2759) over CHAP as the client, the shared response / Success
 * / Failure logic EAP-MSCHAPv2 reuses, and the RFC 3079 keys that become the SSTP HLAK. The
 * server's S= authenticator response is verified; a wrong one fails authentication. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base_hex.h"
#include "ppp_crypto.h"
#include "ppp_internal.h"
#include "ppp_mschap.h"

enum {
	CHAP_CHALLENGE = 1,
	CHAP_RESPONSE = 2,
	CHAP_SUCCESS = 3,
	CHAP_FAILURE = 4,
};

/* ---- crypto (RFC 2759 section 8, RFC 3079 section 3) --------------------------------------- */

/* Decode one UTF-8 code point; on a malformed sequence take one byte as U+00xx. */
static uint32_t utf8_next(const uint8_t *s, size_t len, size_t *i)
{
	uint8_t c = s[*i];
	uint32_t cp;
	size_t n;

	if (c < 0x80) {
		(*i)++;
		return c;
	}
	if ((c & 0xE0) == 0xC0) {
		n = 1;
		cp = c & 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		n = 2;
		cp = c & 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		n = 3;
		cp = c & 0x07;
	} else {
		(*i)++;
		return c;
	}
	if (len - *i <= n) {
		(*i)++;
		return c;
	}
	for (size_t k = 1; k <= n; k++) {
		if ((s[*i + k] & 0xC0) != 0x80) {
			(*i)++;
			return c;
		}
		cp = (cp << 6) | (s[*i + k] & 0x3F);
	}
	if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
	    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
		(*i)++;
		return c;
	}
	*i += n + 1;
	return cp;
}

int ppp_mschap_nt_hash(const char *pw, size_t pwlen, uint8_t out[16])
{
	uint8_t u16[2 * 2 * 256]; /* up to 256 characters, each at most a surrogate pair */
	const uint8_t *s = (const uint8_t *)pw;
	size_t n = 0, i = 0;

	while (i < pwlen) {
		uint32_t cp = utf8_next(s, pwlen, &i);
		if (n + 4 > sizeof(u16))
			break;
		if (cp >= 0x10000) {
			uint32_t v = cp - 0x10000;
			uint16_t hi = (uint16_t)(0xD800 | (v >> 10)), lo = (uint16_t)(0xDC00 | (v & 0x3FF));
			u16[n++] = (uint8_t)hi;
			u16[n++] = (uint8_t)(hi >> 8);
			u16[n++] = (uint8_t)lo;
			u16[n++] = (uint8_t)(lo >> 8);
		} else {
			u16[n++] = (uint8_t)cp;
			u16[n++] = (uint8_t)(cp >> 8);
		}
	}
	ppp_md4(u16, n, out);
	ppp_wipe(u16, sizeof(u16));
	return 0;
}

static void strip_domain(const char **user, size_t *ulen)
{
	for (size_t i = *ulen; i > 0; i--) {
		if ((*user)[i - 1] == '\\') {
			*user += i;
			*ulen -= i;
			return;
		}
	}
}

int ppp_mschap_challenge_hash(const uint8_t peer[16], const uint8_t auth[16], const char *user,
			      size_t ulen, uint8_t out[8])
{
	uint8_t d[PPP_SHA1_LEN];
	struct ppp_iov v[3];

	strip_domain(&user, &ulen);
	v[0] = (struct ppp_iov){peer, 16};
	v[1] = (struct ppp_iov){auth, 16};
	v[2] = (struct ppp_iov){user, ulen};
	if (ppp_sha1(v, 3, d) != 0)
		return -1;
	memcpy(out, d, 8);
	return 0;
}

int ppp_mschap_nt_response(const uint8_t auth[16], const uint8_t peer[16], const char *user,
			   size_t ulen, const char *pw, size_t pwlen, uint8_t out[24])
{
	uint8_t ch[8], z[21] = {0};
	int rc = -1;

	if (ppp_mschap_challenge_hash(peer, auth, user, ulen, ch) != 0)
		return -1;
	ppp_mschap_nt_hash(pw, pwlen, z);
	if (ppp_des_encrypt(z, ch, out) == 0 && ppp_des_encrypt(z + 7, ch, out + 8) == 0 &&
	    ppp_des_encrypt(z + 14, ch, out + 16) == 0)
		rc = 0;
	ppp_wipe(z, sizeof(z));
	return rc;
}

static const char magic1[] = "Magic server to client signing constant";
static const char magic2[] = "Pad to make it do more than one iteration";
static const char master_const[] = "This is the MPPE Master Key";
static const char key_send[] =
	"On the client side, this is the send key; on the server side, it is the receive key.";
static const char key_recv[] =
	"On the client side, this is the receive key; on the server side, it is the send key.";

int ppp_mschap_auth_response(const char *pw, size_t pwlen, const uint8_t nt_response[24],
			     const uint8_t peer[16], const uint8_t auth[16], const char *user,
			     size_t ulen, uint8_t out[20])
{
	uint8_t h[16], hh[16], d[PPP_SHA1_LEN], ch[8];
	struct ppp_iov v[3];
	int rc = -1;

	ppp_mschap_nt_hash(pw, pwlen, h);
	ppp_md4(h, 16, hh);
	v[0] = (struct ppp_iov){hh, 16};
	v[1] = (struct ppp_iov){nt_response, 24};
	v[2] = (struct ppp_iov){magic1, sizeof(magic1) - 1};
	if (ppp_sha1(v, 3, d) != 0 || ppp_mschap_challenge_hash(peer, auth, user, ulen, ch) != 0)
		goto out;
	v[0] = (struct ppp_iov){d, sizeof(d)};
	v[1] = (struct ppp_iov){ch, 8};
	v[2] = (struct ppp_iov){magic2, sizeof(magic2) - 1};
	if (ppp_sha1(v, 3, out) != 0)
		goto out;
	rc = 0;
out:
	ppp_wipe(h, sizeof(h));
	ppp_wipe(hh, sizeof(hh));
	ppp_wipe(d, sizeof(d));
	return rc;
}

static int session_key(const uint8_t master[16], const char *s, size_t slen, uint8_t out[16])
{
	uint8_t pad1[40], pad2[40], d[PPP_SHA1_LEN];
	struct ppp_iov v[4];
	int rc;

	memset(pad1, 0x00, sizeof(pad1));
	memset(pad2, 0xF2, sizeof(pad2));
	v[0] = (struct ppp_iov){master, 16};
	v[1] = (struct ppp_iov){pad1, sizeof(pad1)};
	v[2] = (struct ppp_iov){s, slen};
	v[3] = (struct ppp_iov){pad2, sizeof(pad2)};
	rc = ppp_sha1(v, 4, d);
	memcpy(out, d, 16);
	ppp_wipe(d, sizeof(d));
	return rc;
}

int ppp_mschap_master_keys(const char *pw, size_t pwlen, const uint8_t nt_response[24],
			   uint8_t master[16], uint8_t send[16], uint8_t recv[16])
{
	uint8_t h[16], hh[16], d[PPP_SHA1_LEN];
	struct ppp_iov v[3];
	int rc = -1;

	ppp_mschap_nt_hash(pw, pwlen, h);
	ppp_md4(h, 16, hh);
	v[0] = (struct ppp_iov){hh, 16};
	v[1] = (struct ppp_iov){nt_response, 24};
	v[2] = (struct ppp_iov){master_const, sizeof(master_const) - 1};
	if (ppp_sha1(v, 3, d) != 0)
		goto out;
	memcpy(master, d, 16);
	if (session_key(master, key_send, sizeof(key_send) - 1, send) != 0 ||
	    session_key(master, key_recv, sizeof(key_recv) - 1, recv) != 0)
		goto out;
	rc = 0;
out:
	ppp_wipe(h, sizeof(h));
	ppp_wipe(hh, sizeof(hh));
	ppp_wipe(d, sizeof(d));
	return rc;
}

/* ---- message parsing ----------------------------------------------------------------------- */

static int parse_hex(const uint8_t *s, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++) {
		int b = base_hex_byte(s[2 * i], s[2 * i + 1]);

		if (b < 0)
			return -1;
		out[i] = (uint8_t)b;
	}
	return 0;
}

int ppp_mschap_parse_success(const uint8_t *msg, size_t len, uint8_t out[20])
{
	/* Windows sends "S=<40 hex> M=<text>"; some servers send only "S=<40 hex>", others put a
	 * NUL, CR or other bytes after it (hostap accepts them too). Only a 41st hex digit is
	 * refused: that would be a longer value than an authenticator response. */
	if (msg == NULL || len < 42 || msg[0] != 'S' || msg[1] != '=')
		return -1;
	if (len > 42 && base_hex_digit(msg[42]) >= 0)
		return -1;
	return parse_hex(msg + 2, 20, out);
}

/* Parse a bounded decimal number (up to 9 digits). */
static int parse_dec(const uint8_t *s, size_t n, int *out)
{
	int v = 0;

	if (n == 0 || n > 9)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int ppp_mschap_parse_failure(const uint8_t *msg, size_t len, struct ppp_mschap_failure *out)
{
	size_t i = 0;
	bool have_e = false;

	memset(out, 0, sizeof(*out));
	out->error = -1;
	out->version = -1;
	if (msg == NULL)
		return -1;
	while (i < len) {
		size_t start, end;
		while (i < len && msg[i] == ' ')
			i++;
		if (len - i < 2 || msg[i + 1] != '=')
			break;
		start = i + 2;
		if (msg[i] == 'M') { /* the text runs to the end */
			ppp_printable(out->message, sizeof(out->message), msg + start, len - start);
			break;
		}
		end = start;
		while (end < len && msg[end] != ' ')
			end++;
		switch (msg[i]) {
		case 'E':
			have_e = parse_dec(msg + start, end - start, &out->error) == 0;
			if (!have_e)
				out->error = -1;
			break;
		case 'R':
			out->retry = end - start == 1 && msg[start] == '1';
			break;
		case 'C':
			out->has_challenge =
				end - start == 32 && parse_hex(msg + start, 16, out->challenge) == 0;
			break;
		case 'V':
			if (parse_dec(msg + start, end - start, &out->version) != 0)
				out->version = -1;
			break;
		default:
			break;
		}
		i = end;
	}
	return have_e ? 0 : -1;
}

const char *ppp_mschap_error_text(int code)
{
	switch (code) {
	case 646:
		return "logon not allowed at this time of day";
	case 647:
		return "account disabled";
	case 648:
		return "password expired";
	case 649:
		return "no dial-in permission for this account";
	case 691:
		return "bad user name or password";
	case 709:
		return "error while changing the password";
	default:
		return "authentication refused";
	}
}

/* ---- shared by CHAP and EAP-MSCHAPv2 ------------------------------------------------------- */

int mschap_make_response(struct ppp *p, const uint8_t auth_challenge[16], uint8_t value[49])
{
	struct mschap_state *m = &p->mschap;
	const char *user = p->cfg.user, *pw = p->cfg.password;
	size_t ulen = p->cfg.user_len, pwlen = p->cfg.password_len;
	uint8_t master[16];
	int rc;

	memcpy(m->auth_challenge, auth_challenge, 16);
	ppp_random(p, m->peer_challenge, 16);
	rc = ppp_mschap_nt_response(auth_challenge, m->peer_challenge, user, ulen, pw, pwlen,
				    m->nt_response);
	if (rc == 0)
		rc = ppp_mschap_auth_response(pw, pwlen, m->nt_response, m->peer_challenge,
					      auth_challenge, user, ulen, m->expect);
	if (rc == 0)
		rc = ppp_mschap_master_keys(pw, pwlen, m->nt_response, master, m->hlak,
					    m->hlak + 16);
	ppp_wipe(master, sizeof(master));
	if (rc != 0)
		return -1;
	memcpy(value, m->peer_challenge, 16);
	memset(value + 16, 0, 8);
	memcpy(value + 24, m->nt_response, 24);
	value[48] = 0; /* flags */
	m->have_response = true;
	m->verified = false;
	return 0;
}

bool mschap_check_success(struct ppp *p, const uint8_t *msg, size_t len)
{
	uint8_t got[20];
	uint8_t diff = 0;

	if (!p->mschap.have_response || ppp_mschap_parse_success(msg, len, got) != 0)
		return false;
	for (size_t i = 0; i < sizeof(got); i++)
		diff |= (uint8_t)(got[i] ^ p->mschap.expect[i]);
	p->mschap.verified = diff == 0;
	return p->mschap.verified;
}

void mschap_report_failure(struct ppp *p, enum ppp_auth_method m, const uint8_t *msg,
			   size_t len, uint64_t now)
{
	struct ppp_mschap_failure f;
	char text[PPP_MSG_LEN];
	const char *name = ppp_auth_method_name(m);

	if (ppp_mschap_parse_failure(msg, len, &f) == 0)
		snprintf(text, sizeof(text), "%s: %s (error %d%s)%s%s%s", name,
			 ppp_mschap_error_text(f.error), f.error, f.retry ? ", retry allowed" : "",
			 f.message[0] ? ": server says \"" : "", f.message,
			 f.message[0] ? "\"" : "");
	else
		snprintf(text, sizeof(text), "%s: server sent Failure without an error code", name);
	ppp_auth_failure(p, m, f.error > 0 ? f.error : 0, f.retry, text, now);
}

/* ---- CHAP transport ------------------------------------------------------------------------ */

static void chap_send_response(struct ppp *p, uint8_t id, const uint8_t value[49])
{
	struct mschap_state *m = &p->mschap;
	struct ppp_wr w = ppp_wr_init(m->resp, sizeof(m->resp));
	size_t ulen = p->cfg.user_len;
	struct ppp_wr o;

	ppp_wr_u8(&w, CHAP_RESPONSE);
	ppp_wr_u8(&w, id);
	ppp_wr_u16(&w, (uint16_t)(4 + 1 + 49 + ulen));
	ppp_wr_u8(&w, 49);
	ppp_wr_bytes(&w, value, 49);
	ppp_wr_bytes(&w, p->cfg.user, ulen); /* the full name, DOMAIN\ included */
	m->resp_len = w.err ? 0 : w.len;
	o = ppp_out_begin(p, PPP_PROTO_CHAP);
	ppp_wr_bytes(&o, m->resp, m->resp_len);
	ppp_out_commit(p, &o);
}

void chap_input(struct ppp *p, const uint8_t *pkt, size_t len, uint64_t now)
{
	struct mschap_state *m = &p->mschap;
	struct ppp_rd r = ppp_rd_init(pkt, len);
	uint8_t code = ppp_rd_u8(&r);
	uint8_t id = ppp_rd_u8(&r);
	uint16_t plen = ppp_rd_u16(&r);
	const uint8_t *data;
	size_t dlen;

	if (r.err || plen < 4 || plen > len || p->auth_done)
		return;
	data = pkt + 4;
	dlen = (size_t)plen - 4;
	switch (code) {
	case CHAP_CHALLENGE: {
		uint8_t value[49];
		/* Value-Size must be 16 for MS-CHAPv2; the Name that follows is not used. */
		if (dlen < 17 || data[0] != 16)
			return;
		if (m->have_response && m->resp_len > 0 && id == m->chal_id &&
		    memcmp(data + 1, m->auth_challenge, 16) == 0) {
			struct ppp_wr o = ppp_out_begin(p, PPP_PROTO_CHAP);
			ppp_wr_bytes(&o, m->resp, m->resp_len); /* retransmitted challenge */
			ppp_out_commit(p, &o);
			return;
		}
		if (mschap_make_response(p, data + 1, value) != 0) {
			ppp_auth_failure(p, PPP_METHOD_MSCHAPV2, 0, false,
					 "MS-CHAPv2: internal crypto failure", now);
			return;
		}
		m->chal_id = id;
		chap_send_response(p, id, value);
		ppp_wipe(value, sizeof(value));
		break;
	}
	case CHAP_SUCCESS:
		if (!m->have_response || id != m->chal_id)
			return;
		if (!mschap_check_success(p, data, dlen)) {
			ppp_auth_failure(p, PPP_METHOD_MSCHAPV2, 0, false,
					 "MS-CHAPv2: the server's authenticator response (S=) is "
					 "wrong: it does not know the password, refusing it",
					 now);
			return;
		}
		ppp_auth_success(p, PPP_METHOD_MSCHAPV2, m->hlak, now);
		break;
	case CHAP_FAILURE:
		if (!m->have_response || id != m->chal_id)
			return;
		mschap_report_failure(p, PPP_METHOD_MSCHAPV2, data, dlen, now);
		break;
	default:
		break;
	}
}
