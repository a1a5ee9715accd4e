/* session_link.c - the SSTP call and the PPP link on top of the byte stream: feeds received bytes
 * to the call, PPP frames to PPP and IP packets to the TUN; drains PPP output into the call and
 * the call's output into TLS; carries TUN packets to TLS in batches with the SSTP and PPP headers
 * written into reserved headroom (no copy, no allocation); turns engine events into phases,
 * exit codes and the network set-up; and runs the clean shutdown. */
#include "session_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit_codes.h"
#include "ipcp_check.h"
#include "log.h"
#include "session_ready.h"
#include "ppp_mschap.h"
#include "sstp_binding.h"
#include "tls_identity.h"

static void ppp_rand(void *ctx, uint8_t *buf, size_t n)
{
	struct sstp_session *s = ctx;

	if (tls_random(buf, n) < 0)
		s->rng_failed = true;
}

/* -vv: show a PPP frame, never the contents of PAP, CHAP or EAP packets (passwords,
 * NT-Responses, EAP-MSCHAPv2 and EAP-TLS exchanges). */
static void trace_ppp(const char *dir, const uint8_t *f, size_t len)
{
	uint16_t proto;

	if (!sstp_log_enabled(SSTP_LOG_TRACE))
		return;
	proto = sstp_ppp_protocol(f, len);
	if (proto == PPP_PROTO_PAP || proto == PPP_PROTO_CHAP || proto == PPP_PROTO_EAP) {
		size_t off = len >= 2 && f[0] == 0xff ? 4 : 2;

		sstp_trace("PPP %s: protocol 0x%04x code %u, %zu bytes (contents not shown)", dir,
			   proto, len > off ? f[off] : 0, len);
		return;
	}
	if (proto == PPP_PROTO_IP || proto == PPP_PROTO_IPV6)
		return; /* data: counters only */
	sstp_trace("PPP %s: protocol 0x%04x", dir, proto);
	sstp_log_hex(dir, f, len, 128);
}

static void trace_sstp_rx(struct sstp_session *s, const uint8_t *buf, size_t len)
{
	while (len > 0) {
		const uint8_t *pkt;
		size_t used = 0, plen = 0;
		enum sstp_perr e;

		if (sstp_reasm_feed(&s->trace_reasm, buf, len, &used, &pkt, &plen, &e) ==
		    SSTP_REASM_PACKET && plen >= 8 && (pkt[1] & 1))
			sstp_trace("SSTP in: %s (%zu bytes)", sstp_msg_name((uint16_t)(pkt[4] << 8 | pkt[5])),
				   plen);
		if (used == 0)
			break;
		buf += used;
		len -= used;
	}
}

static void trace_sstp_tx(const uint8_t *p, size_t n)
{
	while (n >= SSTP_HDR_LEN) {
		struct sstp_hdr h;

		if (sstp_hdr_decode(p, n, &h) != SSTP_PERR_OK || h.length > n)
			return;
		if (h.control && h.length >= 8)
			sstp_trace("SSTP out: %s (%u bytes)", sstp_msg_name((uint16_t)(p[4] << 8 | p[5])),
				   h.length);
		p += h.length;
		n -= h.length;
	}
}

static void drain_call(struct sstp_session *s, uint64_t now);

int sess_link_start(struct sstp_session *s, const uint8_t *early, size_t early_len, uint64_t now)
{
	struct sstp_call_cfg cc;
	struct ppp_config pc;
	enum sstp_perr e;
	const char *id;
	char cn[TLS_IDENTITY_MAX + 1];

	sstp_call_cfg_defaults(&cc);
	cc.server_cert_der = s->cert_der;
	cc.server_cert_len = s->cert_len;
	cc.hello_ms = s->cfg.sstp_hello_ms ? s->cfg.sstp_hello_ms : 20000;
	if ((e = sstp_call_init(&s->call, &cc)) != SSTP_PERR_OK) {
		sess_fail(s, SSTP_EXIT_NEGOTIATION, "SSTP: cannot start the call: %s", sstp_perr_str(e));
		return -1;
	}
	s->call_closed = false;
	sstp_reasm_init(&s->trace_reasm);

	memset(&pc, 0, sizeof(pc));
	pc.mru = (uint16_t)(s->cfg.mtu ? s->cfg.mtu : 0);
	pc.auth = s->cfg.auth;
	if (!pc.auth) {
		if (s->cfg.password)
			pc.auth |= PPP_AUTH_MSCHAPV2 | PPP_AUTH_EAP_MSCHAPV2;
		if (s->cfg.creds)
			pc.auth |= PPP_AUTH_EAP_TLS;
	}
	if (s->cfg.user) {
		pc.user = s->cfg.user;
		pc.user_len = strlen(s->cfg.user);
	}
	if (s->cfg.password) {
		pc.password = s->cfg.password;
		pc.password_len = strlen(s->cfg.password);
	}
	id = s->cfg.user; /* the EAP identity: --identity, else the user, else the certificate's */
	if ((s->cfg.creds && (pc.auth & PPP_AUTH_EAP_TLS)) || (pc.auth & PPP_AUTH_PEAP)) {
		struct tls_eap_config ec;
		char err[256];

		memset(&ec, 0, sizeof(ec));
		ec.creds = s->cfg.creds; /* PEAP: a certificate only if one was given */
		ec.peap = (pc.auth & PPP_AUTH_PEAP) != 0;
		ec.ca_paths = s->cfg.ca_paths;
		ec.ca_blobs = s->cfg.ca_blobs;
		ec.n_ca_blobs = s->cfg.n_ca_blobs;
		ec.use_system_ca = !s->cfg.no_system_ca;
		ec.no_verify = s->cfg.insecure;
		s->eap = tls_eap_engine_new(&ec, &s->eap_iface, err, sizeof(err));
		if (!s->eap) {
			sess_fail(s, SSTP_EXIT_PROFILE, "EAP-TLS/PEAP set-up failed: %s", err);
			return -1;
		}
		pc.tls = &s->eap_iface;
		if (!id && !s->cfg.identity && s->cfg.creds) {
			const char *src = NULL;

			if (tls_creds_identity(s->cfg.creds, cn, sizeof(cn), &src) == 0) {
				id = cn;
				sstp_dbg("EAP-TLS: identity \"%s\" from the %s", cn, src);
			}
		}
	}
	if (s->cfg.identity)
		id = s->cfg.identity; /* --identity / profile key identity: over anything else */
	if (id) {
		pc.eap_identity = id;
		pc.eap_identity_len = strlen(id);
		if (!pc.user) {
			pc.user = id;
			pc.user_len = strlen(id);
		}
	}
	pc.echo_interval_ms = s->cfg.lcp_echo_ms ? s->cfg.lcp_echo_ms : 5000;
	pc.echo_max_failures = 4; /* a dead peer is noticed within 20-25 s */
	pc.want_ipv6 = s->cfg.want_ipv6;
	pc.request_dns = !s->cfg.no_dns && s->cfg.n_dns == 0; /* only what we would use */
	pc.random = ppp_rand;
	pc.random_ctx = s;
	s->ppp = ppp_new(&pc);
	if (!s->ppp) {
		sess_fail(s, SSTP_EXIT_PROFILE, "PPP: invalid configuration (user name or password "
			  "longer than 255 bytes?)");
		return -1;
	}
	s->ppp_up = s->link_down = false;
	s->n_ncp_held = 0;
	s->data_open = s->ipv4_up = s->ipv6_up = false;
	s->tx_len = s->tx_off = 0;
	sess_set_state(s, SSTP_STATE_SSTP, now);
	if ((e = sstp_call_start(&s->call, now)) != SSTP_PERR_OK) {
		sess_fail(s, SSTP_EXIT_NEGOTIATION, "SSTP: cannot start the call: %s", sstp_perr_str(e));
		return -1;
	}
	s->call_started = true;
	sstp_dbg("SSTP: CALL_CONNECT_REQUEST sent");
	s->sock_readable = true; /* the early bytes may have company in the TLS buffer */
	if (early_len) {
		if (s->cfg.dump_packets)
			trace_sstp_rx(s, early, early_len);
		sess_flush(s); /* the request goes out first; early points into s->rx: no reads here */
		if (sstp_call_input(&s->call, early, early_len, now) == SSTP_PERR_OK)
			drain_call(s, now);
	}
	return 0;
}

/* ---- PPP events ----------------------------------------------------------------------------- */

static void auth_failed(struct sstp_session *s, const struct ppp_event *ev)
{
	if (ev->code > 0)
		sess_fail(s, SSTP_EXIT_AUTH, "authentication rejected by server: E=%d %s (%s)", ev->code,
			  ppp_mschap_error_text(ev->code), ppp_auth_method_name(ev->method));
	else
		sess_fail(s, SSTP_EXIT_AUTH, "authentication rejected by server: %s",
			  ev->message[0] ? ev->message : ppp_auth_method_name(ev->method));
	if (ev->message[0])
		sstp_dbg("PPP: %s", ev->message);
}

/* Before the link came up: the server gave up after asking for an authentication method the
 * profile does not allow. Fails the session with the method and the option; false otherwise. */
static bool fail_auth_wanted(struct sstp_session *s)
{
	const char *h = (s->ppp != NULL && !s->ever_up) ? ppp_auth_wanted_hint(s->ppp) : NULL;

	if (h == NULL)
		return false;
	sess_fail(s, SSTP_EXIT_AUTH, "%s", h);
	return true;
}

static void link_down(struct sstp_session *s, const struct ppp_event *ev)
{
	const char *m = ev->message[0] ? ev->message : "no reason given";

	s->link_down = true;
	s->data_open = false;
	sstp_dbg("PPP link down: %s", m);
	if ((ev->reason == PPP_DOWN_PEER_TERMINATE || ev->reason == PPP_DOWN_NEGOTIATION) &&
	    fail_auth_wanted(s))
		return;
	switch (ev->reason) {
	case PPP_DOWN_PEER_TERMINATE:
		if (s->ever_up && s->state == SSTP_STATE_CONNECTED)
			sess_fail(s, SSTP_EXIT_PEER_DEAD, "the server ended the PPP link: %s", m);
		else
			sess_fail(s, SSTP_EXIT_NEGOTIATION, "the server closed the PPP link during %s: %s",
				  sstp_state_name(s->state), m);
		break;
	case PPP_DOWN_KEEPALIVE:
		sess_fail(s, SSTP_EXIT_PEER_DEAD, "%s stopped answering LCP echo requests",
			  s->cfg.server ? s->cfg.server : "the server");
		break;
	case PPP_DOWN_AUTH_FAILED:
		sess_fail(s, SSTP_EXIT_AUTH, "authentication failed: %s", m);
		break;
	case PPP_DOWN_NEGOTIATION:
	case PPP_DOWN_LOOPBACK:
	case PPP_DOWN_PROTOCOL_ERROR:
		sess_fail(s, SSTP_EXIT_NEGOTIATION, "PPP negotiation failed: %s", m);
		break;
	default:
		if (!s->stopping)
			sess_fail(s, SSTP_EXIT_PEER_DEAD, "the PPP link went down: %s", m);
		break;
	}
}

/* Refuse addresses a hostile gateway could use to pull local traffic into the tunnel
 * (ipcp_check.h): loopback, multicast, its own address, the LAN's networks... 0 or -1 (failed). */
int sess_check_ipcp(struct sstp_session *s)
{
	enum { MAX_ADDRS = 128 };
	struct plat_addr_info *addrs = calloc(MAX_ADDRS, sizeof(*addrs));
	const struct plat_ip *gw = s->n_addrs > 0 ? &s->addrs[s->addr_idx] : NULL;
	char why[300];
	int n = addrs ? plat_net_list_addrs(s->net, addrs, MAX_ADDRS, NULL) : -ENOMEM;

	if (n < 0) {
		sstp_warn("cannot list the local networks to check the assigned address against (%s)",
			  strerror(-n));
		n = 0;
	}
	/* A TUN kept across a reconnect still holds the previous address (often the one the
	 * server gives again): it is this tunnel, not a local network. */
	if (sstp_ipcp_check_v4(s->ipv4_local, s->ipv4_peer, gw, addrs, (size_t)n,
			       s->net_kept ? s->st.ifname : NULL, why, sizeof(why)) < 0) {
		free(addrs);
		sess_fail(s, SSTP_EXIT_NEGOTIATION, "%s", why);
		return -1;
	}
	free(addrs);
	return 0;
}

static void ipv4_up(struct sstp_session *s, const struct ppp_event *ev, uint64_t now)
{
	memcpy(s->ipv4_local, ev->ipv4_local, 4);
	memcpy(s->ipv4_peer, ev->ipv4_peer, 4);
	memcpy(s->dns1, ev->dns1, 4);
	memcpy(s->dns2, ev->dns2, 4);
	s->ipv4_up = true;
	sstp_dbg("PPP: %s", ev->message);
	if (sstp_call_state(&s->call) != SSTP_ST_CONNECTED) {
		sess_fail(s, SSTP_EXIT_NEGOTIATION, "IPCP finished before the SSTP call was connected");
		return;
	}
	if (sess_check_ipcp(s) < 0)
		return;
	sess_set_state(s, SSTP_STATE_CONFIGURING, now);
	if (sess_net_apply(s, now) == 0) {
		s->data_open = true;
		if (s->ipv6_up)
			sess_net_apply_ipv6(s);
	}
}

static void send_ppp_frame(struct sstp_session *s, const uint8_t *f, size_t len)
{
	enum sstp_perr e = sstp_call_send_ppp(&s->call, f, len);

	if (e == SSTP_PERR_NOSPACE && sess_flush(s))
		e = sstp_call_send_ppp(&s->call, f, len);
	if (e != SSTP_PERR_OK)
		sstp_dbg("PPP frame (protocol 0x%04x) not sent: %s", sstp_ppp_protocol(f, len),
			 sstp_perr_str(e));
}

/* Network-phase frames (NCPs, 0x8000-0xbfff) wait until CALL_CONNECTED is out: the engine opens
 * IPCP as it reports AUTH_OK, and the event is handled after its frames are drained. Returns
 * true when f was held. */
static bool hold_ncp(struct sstp_session *s, const uint8_t *f, size_t len)
{
	uint16_t proto = sstp_ppp_protocol(f, len);

	if (proto < 0x8000 || proto > 0xbfff || sstp_call_state(&s->call) != SSTP_ST_ACK_RECEIVED)
		return false;
	if (s->n_ncp_held == SESS_NCP_HELD || len > SESS_NCP_HELD_LEN) {
		sstp_dbg("PPP frame (protocol 0x%04x) before CALL_CONNECTED dropped", proto);
		return true; /* retransmitted by the engine's restart timer */
	}
	memcpy(s->ncp_held[s->n_ncp_held], f, len);
	s->ncp_held_len[s->n_ncp_held++] = len;
	return true;
}

static void release_ncp(struct sstp_session *s)
{
	if (s->n_ncp_held == 0)
		return;
	if (sstp_call_state(&s->call) == SSTP_ST_CONNECTED)
		for (unsigned i = 0; i < s->n_ncp_held; i++)
			send_ppp_frame(s, s->ncp_held[i], s->ncp_held_len[i]);
	else if (sstp_call_state(&s->call) == SSTP_ST_ACK_RECEIVED)
		return; /* still waiting for authentication */
	s->n_ncp_held = 0;
}

static enum sess_ready_verdict ready_verdict(const struct sstp_session *s, uint64_t now)
{
	return sess_ready_check(ppp_ncp_status(s->ppp, PPP_PROTO_IPCP),
				ppp_ncp_status(s->ppp, PPP_PROTO_IPV6CP), s->net_start_ms, now, 0);
}

/* IPv4 is configured: report the tunnel up once IPv6CP has opened (its address and routes are
 * then in place too), been refused, or is still negotiating after the grace period. */
static void drain_ppp(struct sstp_session *s, uint64_t now);

static void ready_check(struct sstp_session *s, uint64_t now)
{
	enum sess_ready_verdict v;
	bool answered;

	if (s->state != SSTP_STATE_CONFIGURING || s->stopping || !s->net_ready || !s->ppp)
		return;
	v = ready_verdict(s, now);
	if (v == SESS_READY_WAIT || v == SESS_READY_NEVER)
		return;
	if (s->ready_probe_ms == 0) {
		s->ready_probe_ms = now ? now : 1;
		s->ready_probe_replies = ppp_echo_replies(s->ppp);
		if (ppp_echo_now(s->ppp)) {
			drain_ppp(s, now); /* sends it; comes back here, which waits for the reply */
			return;
		}
		s->ready_probe_replies--; /* no echo possible: nothing to wait for */
	}
	answered = ppp_echo_replies(s->ppp) != s->ready_probe_replies;
	if (!sess_ready_probe_done(s->ready_probe_ms, answered, now))
		return;
	if (!answered)
		sstp_dbg("PPP: no answer to the readiness echo within %u ms; going on",
			 SESS_READY_PROBE_MS);
	if (v == SESS_READY_IPV4_ONLY)
		sstp_info("IPv6CP has not finished within %u s: connected on IPv4, IPv6 follows when "
			  "it opens", SESS_READY_GRACE_MS / 1000u);
	else
		sstp_dbg("PPP: network protocols settled (IPCP %s, IPv6CP %s)",
			 ppp_state_name(s->ppp, PPP_PROTO_IPCP),
			 ppp_state_name(s->ppp, PPP_PROTO_IPV6CP));
	sess_tunnel_up(s, now);
}

static void drain_ppp(struct sstp_session *s, uint64_t now)
{
	struct ppp_event ev;
	const uint8_t *f;
	char why[160];
	size_t len;

	for (int guard = 0; guard < 256; guard++) {
		int got = 0;

		while (ppp_next_output(s->ppp, &f, &len)) {
			got = 1;
			if (s->cfg.dump_packets)
				trace_ppp("out", f, len);
			if (!hold_ncp(s, f, len))
				send_ppp_frame(s, f, len);
		}
		while (ppp_next_event(s->ppp, &ev)) {
			got = 1;
			switch (ev.type) {
			case PPP_EV_LINK_UP:
				sstp_dbg("PPP: %s", ev.message);
				if (s->state == SSTP_STATE_PPP)
					sess_set_state(s, SSTP_STATE_AUTH, now);
				break;
			case PPP_EV_AUTH_OK: {
				uint8_t field[SSTP_HASH_FIELD_LEN];
				uint8_t h;
				enum sstp_perr e = sstp_call_auth_done(&s->call, ev.hlak, now);

				SSTP_STATUS_SET(s->st.auth_method, ppp_auth_method_name(ev.method));
				h = sstp_call_hash(&s->call);
				if (h && sstp_binding_cert_hash(h, s->cert_der, s->cert_len, field) == 0) {
					size_t hl = sstp_binding_hash_len(h);

					SSTP_STATUS_SET(s->st.binding_hash, sstp_binding_hash_name(h));
					for (size_t i = 0; i < hl; i++)
						snprintf(s->st.server_cert_hash + 2 * i, 3, "%02x", field[i]);
				}
				if (e != SSTP_PERR_OK) {
					sess_fail(s, SSTP_EXIT_NEGOTIATION, "SSTP crypto binding failed: %s",
						  sstp_perr_str(e));
				} else {
					sstp_dbg("PPP: %s; CALL_CONNECTED sent (binding %s)", ev.message,
						 s->st.binding_hash);
					s->net_start_ms = now;
					s->ready_probe_ms = 0;
					if (!s->stopping)
						sess_set_state(s, SSTP_STATE_NETWORK, now);
				}
				memset(ev.hlak, 0, sizeof(ev.hlak));
				break;
			}
			case PPP_EV_AUTH_FAILED: auth_failed(s, &ev); break;
			case PPP_EV_IPV4_UP:
				if (!s->stopping)
					ipv4_up(s, &ev, now);
				break;
			case PPP_EV_IPV6_UP:
				memcpy(s->ipv6_local_iid, ev.ipv6_local_iid, 8);
				memcpy(s->ipv6_peer_iid, ev.ipv6_peer_iid, 8);
				if (sstp_ipcp_check_v6(s->ipv6_local_iid, s->ipv6_peer_iid, why,
						       sizeof(why)) < 0) {
					sess_fail(s, SSTP_EXIT_NEGOTIATION, "%s", why);
					break;
				}
				s->ipv6_up = true;
				sstp_dbg("PPP: %s", ev.message);
				if (s->net_ready)
					sess_net_apply_ipv6(s);
				break;
			case PPP_EV_KEEPALIVE_LOST:
				sess_fail(s, SSTP_EXIT_PEER_DEAD, "%s stopped answering LCP echo requests",
					  s->cfg.server ? s->cfg.server : "the server");
				break;
			case PPP_EV_LINK_DOWN: link_down(s, &ev); break;
			default: break;
			}
		}
		release_ncp(s);
		if (!got)
			break;
	}
	ready_check(s, now);
	if (s->rng_failed)
		sess_fail(s, SSTP_EXIT_ERROR, "the random number generator failed");
}

/* ---- SSTP events ---------------------------------------------------------------------------- */

static void deliver_ip(struct sstp_session *s, const struct ppp_data *d)
{
	int r = plat_net_tun_write(s->net, d->pkt, d->len);

	if (r == 0) {
		s->st.bytes_in += d->len;
		s->st.packets_in++;
	} else if (r != -EAGAIN) {
		sstp_dbg("TUN write: %s", strerror(-r));
	}
}

static void drain_call(struct sstp_session *s, uint64_t now)
{
	struct sstp_event ev;
	struct ppp_data d;

	while (sstp_call_next_event(&s->call, &ev)) {
		switch (ev.kind) {
		case SSTP_EV_START_PPP:
			sstp_dbg("SSTP: CALL_CONNECT_ACK received (hash %s); starting PPP",
				 sstp_binding_hash_name(sstp_call_hash(&s->call)));
			if (!s->stopping) {
				sess_set_state(s, SSTP_STATE_PPP, now);
				ppp_lower_up(s->ppp, now);
				s->ppp_up = true;
			}
			break;
		case SSTP_EV_PPP_FRAME:
			if (!s->ppp_up)
				break;
			if (s->cfg.dump_packets)
				trace_ppp("in", ev.frame, ev.frame_len);
			if (ppp_input(s->ppp, ev.frame, ev.frame_len, now, &d) == 1)
				deliver_ip(s, &d);
			break;
		case SSTP_EV_CONNECTED: break;
		case SSTP_EV_PEER_DISCONNECT:
			if (s->ever_up && s->state == SSTP_STATE_CONNECTED)
				sess_fail(s, SSTP_EXIT_PEER_DEAD, "the server disconnected the SSTP call (%s)",
					  sstp_status_name(ev.status));
			else if (!s->stopping)
				sess_fail(s, SSTP_EXIT_NEGOTIATION, "the server disconnected the SSTP call "
					  "during %s (%s)", sstp_state_name(s->state),
					  sstp_status_name(ev.status));
			break;
		case SSTP_EV_ABORTED:
			switch (ev.cause) {
			case SSTP_CAUSE_TIMEOUT:
				sess_fail(s, SSTP_EXIT_TIMEOUT, "SSTP negotiation timed out: %s", ev.reason);
				break;
			case SSTP_CAUSE_PEER_DEAD:
				sess_fail(s, SSTP_EXIT_PEER_DEAD, "%s stopped answering SSTP echo requests",
					  s->cfg.server ? s->cfg.server : "the server");
				break;
			case SSTP_CAUSE_PEER_ABORT:
				sess_fail(s, SSTP_EXIT_NEGOTIATION, "the server aborted the SSTP call (%s)",
					  sstp_status_name(ev.status));
				break;
			default:
				sess_fail(s, SSTP_EXIT_NEGOTIATION, "SSTP call aborted: %s", ev.reason);
				break;
			}
			break;
		case SSTP_EV_CLOSED:
			s->call_closed = true;
			if (s->ppp_up && !s->link_down)
				ppp_lower_down(s->ppp);
			break;
		default: break;
		}
		if (s->ppp)
			drain_ppp(s, now);
	}
	if (s->ppp)
		drain_ppp(s, now);
}

/* ---- writer --------------------------------------------------------------------------------- */

bool sess_flush(struct sstp_session *s)
{
	for (int guard = 0; guard < 64; guard++) {
		const uint8_t *p = NULL;
		size_t n = 0;
		int r;

		if (s->transport_dead)
			return false;
		if (s->wsrc == WSRC_NONE) {
			sstp_call_output(&s->call, &p, &n);
			if (n)
				s->wsrc = WSRC_CTRL;
			else if (s->tx_off < s->tx_len)
				s->wsrc = WSRC_DATA;
			else
				return true;
		}
		if (s->wbuf) {
			p = s->wbuf;
			n = s->wlen;
		} else if (s->wsrc == WSRC_CTRL) {
			sstp_call_output(&s->call, &p, &n);
			if (s->cfg.dump_packets)
				trace_sstp_tx(p, n);
		} else {
			p = s->tx + s->tx_off;
			n = s->tx_len - s->tx_off;
		}
		if (n == 0) {
			s->wsrc = WSRC_NONE;
			continue;
		}
		r = sess_xport_write(s, p, n);
		if (r > 0) {
			s->wbuf = NULL;
			s->want_write = false; /* else EPOLLOUT stays armed and the loop spins */
			if (s->wsrc == WSRC_CTRL) {
				sstp_call_output_consume(&s->call, (size_t)r);
				sstp_call_output(&s->call, &p, &n);
				if (!n)
					s->wsrc = WSRC_NONE;
			} else {
				s->tx_off += (size_t)r;
				if (s->tx_off >= s->tx_len) {
					s->tx_off = s->tx_len = 0;
					s->wsrc = WSRC_NONE;
				}
			}
			continue;
		}
		if (r == TLS_WANT_WRITE || r == TLS_WANT_READ) {
			s->wbuf = p;
			s->wlen = n;
			s->want_write = r == TLS_WANT_WRITE;
			return false;
		}
		s->transport_dead = true;
		sess_fail(s, s->ever_up ? SSTP_EXIT_PEER_DEAD : SSTP_EXIT_UNREACHABLE,
			  "connection to %s lost while sending%s%s", s->cfg.server ? s->cfg.server : "the server",
			  s->tls ? ": " : "", s->tls ? tls_error(s->tls) : "");
		return false;
	}
	return false;
}

/* ---- data path: TUN -> batch ---------------------------------------------------------------- */

static void tun_to_batch(struct sstp_session *s)
{
	size_t off = 0, need = (s->st.mtu ? s->st.mtu : 1500) + SESS_HEADROOM;

	while (SESS_TX_BUF - off >= need) {
		struct plat_pkt pkt;
		uint16_t proto;
		int n;

		pkt.buf = s->tx + off + SESS_HEADROOM;
		pkt.cap = SESS_TX_BUF - off - SESS_HEADROOM;
		pkt.len = 0;
		n = plat_net_tun_read_batch(s->net, &pkt, 1);
		if (n <= 0) {
			s->tun_readable = false;
			break;
		}
		if (pkt.len == 0)
			continue;
		proto = (pkt.buf[0] >> 4) == 6 ? PPP_PROTO_IPV6 : PPP_PROTO_IP;
		if (!ppp_data_open(s->ppp, proto))
			continue; /* e.g. IPv6 from the OS while IPv6CP is not open */
		sstp_data_header(s->tx + off, PPP_DATA_HDR_LEN + pkt.len);
		ppp_data_header(s->tx + off + SSTP_HDR_LEN, proto);
		off += SESS_HEADROOM + pkt.len;
		s->st.bytes_out += pkt.len;
		s->st.packets_out++;
	}
	s->tx_len = off;
	s->tx_off = 0;
}

bool sess_link_wants_tun(const struct sstp_session *s)
{
	return s->data_open && !s->stopping && s->tx_len == 0 && s->wsrc != WSRC_DATA;
}

/* ---- receive -------------------------------------------------------------------------------- */

static void rx_drive(struct sstp_session *s, uint64_t now)
{
	for (int rounds = 0; rounds < 64; rounds++) {
		int r;

		if (s->transport_dead)
			return;
		if (!s->sock_readable && sess_xport_pending(s) == 0)
			return;
		r = sess_xport_read(s, s->rx, sizeof(s->rx));
		if (r > 0) {
			if (s->cfg.dump_packets)
				trace_sstp_rx(s, s->rx, (size_t)r);
			if (sstp_call_input(&s->call, s->rx, (size_t)r, now) != SSTP_PERR_OK)
				sstp_dbg("SSTP: input refused (previous input not drained)");
			drain_call(s, now);
			plat_net_tun_flush(s->net); /* the packets tun_write held to coalesce */
			continue;
		}
		if (r == TLS_WANT_READ) {
			s->sock_readable = false;
			return;
		}
		if (r == TLS_WANT_WRITE) {
			s->want_write = true;
			return;
		}
		s->transport_dead = true;
		if (fail_auth_wanted(s))
			return;
		if (r == TLS_CLOSED)
			sess_fail(s, s->ever_up ? SSTP_EXIT_PEER_DEAD : SSTP_EXIT_NEGOTIATION,
				  "%s closed the connection%s", s->cfg.server ? s->cfg.server : "the server",
				  s->ever_up ? "" : " during the SSTP/PPP negotiation");
		else
			sess_fail(s, s->ever_up ? SSTP_EXIT_PEER_DEAD : SSTP_EXIT_UNREACHABLE,
				  "connection to %s lost: %s", s->cfg.server ? s->cfg.server : "the server",
				  s->tls ? tls_error(s->tls) : strerror(errno));
		return;
	}
}

uint64_t sess_link_deadline(const struct sstp_session *s)
{
	uint64_t a = s->call_started ? sstp_call_deadline(&s->call) : UINT64_MAX;
	uint64_t b = s->ppp ? ppp_deadline(s->ppp) : UINT64_MAX;
	uint64_t c = UINT64_MAX;

	if (s->ppp && s->state == SSTP_STATE_CONFIGURING && s->net_ready && !s->stopping)
		c = s->ready_probe_ms ? s->ready_probe_ms + SESS_READY_PROBE_MS :
			sess_ready_deadline(ppp_ncp_status(s->ppp, PPP_PROTO_IPCP),
					    ppp_ncp_status(s->ppp, PPP_PROTO_IPV6CP), s->net_start_ms, 0);
	if (c < b)
		b = c;
	return a < b ? a : b;
}

void sess_link_drive(struct sstp_session *s, uint64_t now)
{
	if (!s->call_started)
		return;
	s->sock_writable = false; /* consumed: the sess_flush() below retries a blocked write */
	rx_drive(s, now);
	if (now >= sstp_call_deadline(&s->call)) {
		sstp_call_tick(&s->call, now);
		drain_call(s, now);
	}
	if (s->ppp && now >= ppp_deadline(s->ppp)) {
		ppp_tick(s->ppp, now);
		drain_ppp(s, now);
	}
	if (s->ppp)
		ready_check(s, now); /* the IPv6CP grace period may have run out */
	plat_net_tun_flush(s->net);
	if (!sess_flush(s))
		return;
	for (int k = 0; k < 8 && s->tun_readable && sess_link_wants_tun(s); k++) {
		tun_to_batch(s);
		if (s->tx_len == 0 || !sess_flush(s))
			break;
	}
}

bool sess_link_teardown(struct sstp_session *s, uint64_t now)
{
	if (s->transport_dead || !s->call_started || now >= s->teardown_deadline)
		return true;
	if (s->ppp && s->ppp_up && !s->link_down && !s->lcp_closing && !s->call_closed) {
		ppp_close(s->ppp, "user request", now);
		s->lcp_closing = true;
		s->lcp_term_deadline = now + SESS_LCP_TERM_MS;
		drain_ppp(s, now);
		sess_flush(s);
		return false;
	}
	if (s->lcp_closing && !s->link_down && !s->call_closed && now < s->lcp_term_deadline) {
		sess_flush(s);
		return false;
	}
	if (!s->sstp_disconnecting && !s->call_closed) {
		sstp_call_disconnect(&s->call, now);
		s->sstp_disconnecting = true;
		drain_call(s, now);
	}
	sess_flush(s);
	if (!s->call_closed)
		return false;
	if (s->tls && s->wsrc == WSRC_NONE)
		tls_close_notify(s->tls);
	return true;
}

void sess_link_close(struct sstp_session *s)
{
	if (s->ppp) {
		ppp_free(s->ppp);
		s->ppp = NULL;
	}
	if (s->eap) {
		tls_eap_engine_free(s->eap);
		s->eap = NULL;
	}
	s->call_started = false;
	s->ppp_up = false;
	s->data_open = false;
	s->tx_len = s->tx_off = 0;
}
