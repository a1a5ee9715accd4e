/* eap_tls.c - EAP-TLS framing (RFC 5216) for the peer: Start, reassembly of the server's
 * fragments with strict L/M checks and a hard 64 KiB cap, an empty Response to ack each
 * fragment, fragmentation of our own flight (L on the first, M on all but the last), and the
 * MSK -> HLAK hand-off. The TLS handshake itself runs in a ppp_tls_engine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ppp_crypto.h"
#include "ppp_internal.h"

#define EAPT_TLS 13
#define FLAG_L 0x80
#define FLAG_M 0x40
#define FLAG_S 0x20
#define EAPTLS_OVERHEAD 10 /* EAP header 4, type 1, flags 1, TLS Message Length 4 */
/* TLS data per fragment, whatever the peer's MRU: the SSTP server relays each EAP packet to its
 * RADIUS server in one Access-Request (RFC 3579), at most 4096 octets (RFC 2865) with every
 * EAP-Message attribute costing 2 octets per 253 and the NAS's own attributes on top, so a
 * 4 KB fragment at MRU 4091 (RRAS, Azure) cannot reach NPS. 1398 is the default of hostap and
 * FreeRADIUS and leaves room to spare. */
#define EAPTLS_FRAG_DATA_MAX 1398

static const struct ppp_tls_engine *engine(struct ppp *p)
{
	return p->cfg.tls;
}

void eaptls_reset(struct ppp *p)
{
	struct eap_state *e = &p->eap;

	if (e->rx != NULL)
		ppp_wipe(e->rx, e->rx_cap);
	e->tls = EAPTLS_IDLE;
	e->rx_len = 0;
	e->rx_total = 0;
	e->rx_active = false;
	e->tx = NULL;
	e->tx_len = 0;
	e->tx_off = 0;
	e->tx_active = false;
}

const char *eaptls_error(struct ppp *p)
{
	const struct ppp_tls_engine *t = engine(p);
	const char *s = (t && t->error) ? t->error(t->ctx) : NULL;

	return s ? s : "TLS handshake failed";
}

static void fail(struct ppp *p, const char *why, uint64_t now)
{
	char msg[PPP_MSG_LEN];

	p->eap.tls = EAPTLS_FAILED;
	p->eap.rx_active = false;
	p->eap.rx_len = 0;
	p->eap.tx_active = false;
	if (p->eap.method == 25)
		snprintf(msg, sizeof(msg), "PEAP: %s", why);
	else
		snprintf(msg, sizeof(msg), "%s%s", strncmp(why, "EAP-TLS", 7) == 0 ? "" : "EAP-TLS: ",
			 why);
	ppp_auth_failure(p, p->eap.method == 25 ? PPP_METHOD_PEAP : PPP_METHOD_EAP_TLS, 0, false,
			 msg, now);
}

static void send_ack(struct ppp *p, uint8_t id)
{
	const uint8_t flags = 0;

	eap_send_response(p, id, p->eap.method, &flags, 1, NULL, 0); /* 13, or 25 (PEAP v0) */
}

/* TLS data in one fragment: what the peer's MRU and the RADIUS hop behind it both carry. */
static size_t frag_max(const struct ppp *p)
{
	size_t max = ppp_peer_info_max(p) - EAPTLS_OVERHEAD;

	return max < EAPTLS_FRAG_DATA_MAX ? max : EAPTLS_FRAG_DATA_MAX;
}

/* Send the next fragment of our pending TLS output. */
static void send_fragment(struct ppp *p, uint8_t id)
{
	struct eap_state *e = &p->eap;
	size_t max = frag_max(p);
	size_t left = e->tx_len - e->tx_off;
	size_t n = left < max ? left : max;
	uint8_t hdr[5];
	size_t hlen = 0;
	bool first = e->tx_off == 0;

	hdr[hlen++] = (uint8_t)((first ? FLAG_L : 0) | (n < left ? FLAG_M : 0));
	if (first) {
		hdr[hlen++] = (uint8_t)(e->tx_len >> 24);
		hdr[hlen++] = (uint8_t)(e->tx_len >> 16);
		hdr[hlen++] = (uint8_t)(e->tx_len >> 8);
		hdr[hlen++] = (uint8_t)e->tx_len;
	}
	eap_send_response(p, id, e->method, hdr, hlen, e->tx + e->tx_off, n);
	e->tx_off += n;
	e->tx_active = e->tx_off < e->tx_len;
}

/* Start sending a TLS flight (or an empty ack when there is nothing to say). */
void eaptls_send_output(struct ppp *p, uint8_t id, const uint8_t *out, size_t out_len)
{
	struct eap_state *e = &p->eap;

	if (out == NULL || out_len == 0) {
		send_ack(p, id);
		return;
	}
	e->tx = out;
	e->tx_len = out_len;
	e->tx_off = 0;
	send_fragment(p, id);
}

/* Hand one complete message (or nothing, after Start) to the engine and answer. */
static void run_engine(struct ppp *p, uint8_t id, const uint8_t *in, size_t in_len, uint64_t now)
{
	const struct ppp_tls_engine *t = engine(p);
	const uint8_t *out = NULL;
	size_t out_len = 0;
	enum ppp_tls_status st = t->step(t->ctx, in, in_len, &out, &out_len);

	if (out_len > 0 && out == NULL)
		out_len = 0;
	if (out_len > PPP_EAPTLS_MAX) {
		fail(p, "inner TLS engine produced an over-long message", now);
		return;
	}
	switch (st) {
	case PPP_TLS_CONTINUE:
		eaptls_send_output(p, id, out, out_len);
		break;
	case PPP_TLS_DONE:
		p->eap.tls = EAPTLS_DONE;
		eaptls_send_output(p, id, out, out_len);
		break;
	default: {
		char why[PPP_MSG_LEN - 16];
		if (out_len > 0 && out_len <= frag_max(p))
			eaptls_send_output(p, id, out, out_len); /* the alert, if it fits one fragment */
		snprintf(why, sizeof(why), "%s", eaptls_error(p));
		fail(p, why, now);
		break;
	}
	}
}

static void start(struct ppp *p, uint8_t id, uint64_t now)
{
	const struct ppp_tls_engine *t = engine(p);

	eaptls_reset(p);
	if (t->begin(t->ctx) != 0) {
		fail(p, "could not start the inner TLS handshake", now);
		return;
	}
	p->eap.tls = EAPTLS_RUNNING;
	run_engine(p, id, NULL, 0, now);
}

void eaptls_request(struct ppp *p, uint8_t id, const uint8_t *d, size_t len, uint64_t now)
{
	struct eap_state *e = &p->eap;
	struct ppp_rd r = ppp_rd_init(d, len);
	uint8_t flags = ppp_rd_u8(&r);
	uint32_t tlen = 0;
	const uint8_t *frag;
	size_t flen;

	if (r.err)
		return; /* no Flags octet: malformed, silently dropped */
	if (flags & FLAG_S) {
		start(p, id, now);
		return;
	}
	if (e->tls == EAPTLS_IDLE || e->tls == EAPTLS_FAILED)
		return; /* no handshake running: ignore */
	if (flags & FLAG_L) {
		tlen = ppp_rd_u32(&r);
		if (r.err) {
			fail(p, "L flag set but the TLS Message Length is missing", now);
			return;
		}
	}
	frag = d + r.off;
	flen = ppp_rd_left(&r);

	if (e->tx_active) {
		/* We are sending fragments: the server must ack each with an empty Request. */
		if (flen != 0 || (flags & (FLAG_L | FLAG_M))) {
			fail(p, "server sent data while our fragments were unacknowledged", now);
			return;
		}
		send_fragment(p, id);
		return;
	}
	if (!e->rx_active) {
		if (flen == 0 && !(flags & (FLAG_L | FLAG_M))) {
			send_ack(p, id); /* nothing to feed the engine; keep the exchange going */
			return;
		}
		if ((flags & FLAG_M) && !(flags & FLAG_L)) {
			fail(p, "first fragment of a fragmented message has no L flag", now);
			return;
		}
		if (flags & FLAG_L) {
			if (tlen == 0 || tlen > PPP_EAPTLS_MAX) {
				char why[96];
				snprintf(why, sizeof(why), "TLS Message Length %lu out of range (1..%u)",
					 (unsigned long)tlen, (unsigned)PPP_EAPTLS_MAX);
				fail(p, why, now);
				return;
			}
			e->rx_total = tlen;
		} else {
			e->rx_total = flen; /* one unfragmented message without L */
		}
		e->rx_len = 0;
		/* Sized to the announced length exactly, so nothing can be written past it. */
		if (e->rx_cap != e->rx_total) {
			if (e->rx != NULL)
				ppp_wipe(e->rx, e->rx_cap);
			free(e->rx);
			e->rx_cap = 0;
			e->rx = malloc(e->rx_total ? e->rx_total : 1);
			if (e->rx == NULL) {
				fail(p, "out of memory", now);
				return;
			}
			e->rx_cap = e->rx_total;
		}
	} else if ((flags & FLAG_L) && tlen != e->rx_total) {
		fail(p, "TLS Message Length changed between fragments", now);
		return;
	}
	if ((flags & FLAG_M) && flen == 0) {
		fail(p, "empty fragment with the M flag", now);
		return;
	}
	if (flen > e->rx_total - e->rx_len) {
		fail(p, "fragments carry more data than the TLS Message Length", now);
		return;
	}
	if (flen > 0)
		memcpy(e->rx + e->rx_len, frag, flen);
	e->rx_len += flen;
	if (flags & FLAG_M) {
		e->rx_active = true;
		send_ack(p, id);
		return;
	}
	e->rx_active = false;
	if (e->rx_len != e->rx_total) {
		fail(p, "last fragment ends before the TLS Message Length is reached", now);
		return;
	}
	if (e->tls == EAPTLS_DONE) {
		if (e->method == 25)
			peap_tunnel(p, id, e->rx, e->rx_len, now); /* the tunnel's records */
		else
			fail(p, "server sent TLS data after the handshake finished", now);
		if (e->rx != NULL)
			ppp_wipe(e->rx, e->rx_cap);
		e->rx_len = 0;
		e->rx_total = 0;
		return;
	}
	run_engine(p, id, e->rx, e->rx_len, now);
	if (e->rx != NULL)
		ppp_wipe(e->rx, e->rx_cap);
	e->rx_len = 0;
	e->rx_total = 0;
}

bool eaptls_success(struct ppp *p, uint8_t hlak[PPP_HLAK_LEN])
{
	const struct ppp_tls_engine *t = engine(p);
	uint8_t msk[PPP_TLS_MSK_LEN];

	if (t == NULL || p->eap.tls != EAPTLS_DONE || p->eap.tx_active || p->eap.rx_active)
		return false;
	if (t->msk(t->ctx, msk) != 0) {
		ppp_wipe(msk, sizeof(msk));
		return false;
	}
	memcpy(hlak, msk, PPP_HLAK_LEN);
	ppp_wipe(msk, sizeof(msk));
	return true;
}
