/* test_ppp_fsm.c - the RFC 1661 section 4.1 state transition table, cell by cell: every event
 * in every state, checking the new state, the layer actions (tlu/tld/tls/tlf) and the packets
 * sent (scr/sca/scn/str/sta/scj/ser), plus restart counter and Max-Failure behaviour. */
#include "test_ppp_util.h"

#include <stdio.h>

enum ev {
	E_UP, E_DOWN, E_OPEN, E_CLOSE, E_TOP, E_TOM, E_RCRP, E_RCRM,
	E_RCA, E_RCN, E_RTR, E_RTA, E_RUC, E_RXJP, E_RXJM, E_RXR, E_N
};

static const char *const ev_names[E_N] = {"Up",   "Down", "Open", "Close", "TO+", "TO-",
					  "RCR+", "RCR-", "RCA",  "RCN",   "RTR", "RTA",
					  "RUC",  "RXJ+", "RXJ-", "RXR"};

struct cell {
	int next; /* -1: illegal event, state and output must not change */
	const char *acts;
};

/* RFC 1661 4.1, rows = events, columns = states 0..9. Actions irc/zrc are checked separately. */
static const struct cell table[E_N][FSM_NSTATES] = {
	[E_UP] = {{2, ""}, {6, "irc,scr"}, {-1, ""}, {-1, ""}, {-1, ""}, {-1, ""}, {-1, ""},
		  {-1, ""}, {-1, ""}, {-1, ""}},
	[E_DOWN] = {{-1, ""}, {-1, ""}, {0, ""}, {1, "tls"}, {0, ""}, {1, ""}, {1, ""}, {1, ""},
		    {1, ""}, {1, "tld"}},
	[E_OPEN] = {{1, "tls"}, {1, ""}, {6, "irc,scr"}, {3, ""}, {5, ""}, {5, ""}, {6, ""},
		    {7, ""}, {8, ""}, {9, ""}},
	[E_CLOSE] = {{0, ""}, {0, "tlf"}, {2, ""}, {2, ""}, {4, ""}, {4, ""}, {4, "irc,str"},
		     {4, "irc,str"}, {4, "irc,str"}, {4, "tld,irc,str"}},
	[E_TOP] = {{-1, ""}, {-1, ""}, {-1, ""}, {-1, ""}, {4, "str"}, {5, "str"}, {6, "scr"},
		   {6, "scr"}, {8, "scr"}, {-1, ""}},
	[E_TOM] = {{-1, ""}, {-1, ""}, {-1, ""}, {-1, ""}, {2, "tlf"}, {3, "tlf"}, {3, "tlf"},
		   {3, "tlf"}, {3, "tlf"}, {-1, ""}},
	[E_RCRP] = {{-1, ""}, {-1, ""}, {2, "sta"}, {8, "irc,scr,sca"}, {4, ""}, {5, ""},
		    {8, "sca"}, {9, "sca,tlu"}, {8, "sca"}, {8, "tld,scr,sca"}},
	[E_RCRM] = {{-1, ""}, {-1, ""}, {2, "sta"}, {6, "irc,scr,scn"}, {4, ""}, {5, ""},
		    {6, "scn"}, {7, "scn"}, {6, "scn"}, {6, "tld,scr,scn"}},
	[E_RCA] = {{-1, ""}, {-1, ""}, {2, "sta"}, {3, "sta"}, {4, ""}, {5, ""}, {7, "irc"},
		   {6, "scr"}, {9, "irc,tlu"}, {6, "tld,scr"}},
	[E_RCN] = {{-1, ""}, {-1, ""}, {2, "sta"}, {3, "sta"}, {4, ""}, {5, ""}, {6, "irc,scr"},
		   {6, "scr"}, {8, "irc,scr"}, {6, "tld,scr"}},
	[E_RTR] = {{-1, ""}, {-1, ""}, {2, "sta"}, {3, "sta"}, {4, "sta"}, {5, "sta"},
		   {6, "sta"}, {6, "sta"}, {6, "sta"}, {5, "tld,zrc,sta"}},
	[E_RTA] = {{-1, ""}, {-1, ""}, {2, ""}, {3, ""}, {2, "tlf"}, {3, "tlf"}, {6, ""},
		   {6, ""}, {8, ""}, {6, "tld,scr"}},
	[E_RUC] = {{-1, ""}, {-1, ""}, {2, "scj"}, {3, "scj"}, {4, "scj"}, {5, "scj"},
		   {6, "scj"}, {7, "scj"}, {8, "scj"}, {9, "scj"}},
	[E_RXJP] = {{-1, ""}, {-1, ""}, {2, ""}, {3, ""}, {4, ""}, {5, ""}, {6, ""}, {6, ""},
		    {8, ""}, {9, ""}},
	[E_RXJM] = {{-1, ""}, {-1, ""}, {2, "tlf"}, {3, "tlf"}, {2, "tlf"}, {3, "tlf"},
		    {3, "tlf"}, {3, "tlf"}, {3, "tlf"}, {5, "tld,irc,str"}},
	[E_RXR] = {{-1, ""}, {-1, ""}, {2, ""}, {3, ""}, {4, ""}, {5, ""}, {6, ""}, {7, ""},
		   {8, ""}, {9, "ser"}},
};

/* ---- a minimal protocol for the automaton ---- */

static char cblog[64];
static enum fsm_reqci_result reqci_result;

static void logcb(const char *s)
{
	if (cblog[0])
		strncat(cblog, ",", sizeof(cblog) - strlen(cblog) - 1);
	strncat(cblog, s, sizeof(cblog) - strlen(cblog) - 1);
}

static void t_resetci(struct fsm *f)
{
	(void)f;
}
static void t_addci(struct fsm *f, struct ppp_wr *w)
{
	(void)f;
	ppp_wr_u8(w, 1);
	ppp_wr_u8(w, 2);
}
static bool t_ackci(struct fsm *f, const uint8_t *o, size_t l)
{
	(void)f;
	return l == 2 && o[0] == 1;
}
static bool t_nakci(struct fsm *f, const uint8_t *o, size_t l, bool r)
{
	(void)f;
	(void)o;
	(void)l;
	(void)r;
	return true;
}
static bool t_rejci(struct fsm *f, const uint8_t *o, size_t l)
{
	(void)f;
	(void)o;
	(void)l;
	return true;
}
static enum fsm_reqci_result t_reqci(struct fsm *f, const uint8_t *o, size_t l,
				     struct ppp_wr *w, bool rej)
{
	(void)f;
	(void)rej;
	ppp_wr_bytes(w, o, l);
	return reqci_result;
}
static void t_up(struct fsm *f)
{
	(void)f;
	logcb("tlu");
}
static void t_down(struct fsm *f)
{
	(void)f;
	logcb("tld");
}
static void t_starting(struct fsm *f)
{
	(void)f;
	logcb("tls");
}
static void t_finished(struct fsm *f)
{
	(void)f;
	logcb("tlf");
}
static bool t_extcode(struct fsm *f, uint8_t code, uint8_t id, const uint8_t *d, size_t l)
{
	if (code == 9) {
		if (f->state == FSM_OPENED)
			fsm_send(f, 10, id, d, l);
		return true;
	}
	return code == FSM_CODEREJ;
}

static const struct fsm_callbacks tcb = {
	"TEST", t_resetci, t_addci, t_ackci, t_nakci, t_rejci, t_reqci,
	t_up,   t_down,    t_starting, t_finished, t_extcode,
};

#define TPROTO 0x8281

static void inject(struct fsm *f, uint8_t code, uint8_t id, const uint8_t *d, size_t l)
{
	uint8_t b[64];
	b[0] = code;
	b[1] = id;
	b[2] = 0;
	b[3] = (uint8_t)(4 + l);
	if (l)
		memcpy(b + 4, d, l);
	fsm_input(f, b, 4 + l, 500);
}

static void fire(struct fsm *f, enum ev e)
{
	const uint8_t opt[2] = {1, 2};
	switch (e) {
	case E_UP:
		fsm_lower_up(f, 500);
		break;
	case E_DOWN:
		fsm_lower_down(f);
		break;
	case E_OPEN:
		fsm_open(f, 500);
		break;
	case E_CLOSE:
		fsm_close(f, "test", 500);
		break;
	case E_TOP:
		f->restarts = 2;
		f->timer = 400;
		fsm_timeout(f, 500);
		break;
	case E_TOM:
		f->restarts = 0;
		f->timer = 400;
		fsm_timeout(f, 500);
		break;
	case E_RCRP:
		reqci_result = FSM_REQ_ACK;
		inject(f, FSM_CONFREQ, 0x77, opt, 2);
		break;
	case E_RCRM:
		reqci_result = FSM_REQ_NAK;
		inject(f, FSM_CONFREQ, 0x77, opt, 2);
		break;
	case E_RCA:
		inject(f, FSM_CONFACK, f->reqid, opt, 2);
		break;
	case E_RCN:
		inject(f, FSM_CONFNAK, f->reqid, opt, 2);
		break;
	case E_RTR:
		inject(f, FSM_TERMREQ, 0x66, NULL, 0);
		break;
	case E_RTA:
		inject(f, FSM_TERMACK, 0x55, NULL, 0);
		break;
	case E_RUC:
		inject(f, 42, 0x44, NULL, 0);
		break;
	case E_RXJP:
		inject(f, FSM_CODEREJ, 0x33, (const uint8_t *)"\x2a\x01\x00\x04", 4);
		break;
	case E_RXJM:
		inject(f, FSM_CODEREJ, 0x33, (const uint8_t *)"\x01\x01\x00\x04", 4);
		break;
	case E_RXR:
		inject(f, 9, 0x22, (const uint8_t *)"\0\0\0\0", 4);
		break;
	default:
		break;
	}
}

/* Expected packets (codes, comma separated) and callbacks for an RFC action list. */
static void split_acts(const char *acts, char *pk, size_t pkcap, char *cb, size_t cbcap)
{
	static const struct {
		const char *a;
		const char *code;
	} map[] = {{"scr", "1"}, {"sca", "2"}, {"scn", "3"}, {"str", "5"},
		   {"sta", "6"}, {"scj", "7"}, {"ser", "10"}};
	char tmp[64];
	char *save = NULL;
	pk[0] = cb[0] = '\0';
	snprintf(tmp, sizeof(tmp), "%s", acts);
	for (char *t = strtok_r(tmp, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!strcmp(t, "irc") || !strcmp(t, "zrc"))
			continue;
		if (t[0] == 't') {
			if (cb[0])
				strncat(cb, ",", cbcap - strlen(cb) - 1);
			strncat(cb, t, cbcap - strlen(cb) - 1);
			continue;
		}
		for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (!strcmp(t, map[i].a)) {
				if (pk[0])
					strncat(pk, ",", pkcap - strlen(pk) - 1);
				strncat(pk, map[i].code, pkcap - strlen(pk) - 1);
			}
	}
}

static void test_state_table(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes fr;
	struct ppp *p;
	struct fsm f;
	int failures = 0;
	(void)state;

	test_config(&cfg, &rnd);
	p = ppp_new(&cfg);
	assert_non_null(p);
	for (int e = 0; e < E_N; e++) {
		for (int s = 0; s < FSM_NSTATES; s++) {
			const struct cell *c = &table[e][s];
			char want_pk[64], want_cb[64], got_pk[64] = "";
			fsm_init(&f, p, TPROTO, &tcb);
			f.state = (enum fsm_state)s;
			f.restarts = 5;
			f.reqid = 9;
			f.reqid_valid = true;
			f.timer = (s >= FSM_CLOSING && s <= FSM_ACKSENT) ? 3500 : UINT64_MAX;
			clear_frames(p, &fr);
			cblog[0] = '\0';
			fire(&f, (enum ev)e);
			clear_frames(p, &fr);
			for (size_t i = 0; i < fr.n; i++) {
				char num[8];
				assert_int_equal(tf_proto(&fr, i), TPROTO);
				snprintf(num, sizeof(num), "%s%u", i ? "," : "", tf_code(&fr, i));
				strncat(got_pk, num, sizeof(got_pk) - strlen(got_pk) - 1);
			}
			if (c->next < 0) {
				want_pk[0] = want_cb[0] = '\0';
			} else {
				split_acts(c->acts, want_pk, sizeof(want_pk), want_cb,
					   sizeof(want_cb));
			}
			int want_state = c->next < 0 ? s : c->next;
			if ((int)f.state != want_state || strcmp(got_pk, want_pk) ||
			    strcmp(cblog, want_cb)) {
				print_error("%s in %s: got %s [%s] {%s}, want %s [%s] {%s}\n",
					    ev_names[e], fsm_state_name((enum fsm_state)s),
					    fsm_state_name(f.state), got_pk, cblog,
					    fsm_state_name((enum fsm_state)want_state), want_pk,
					    want_cb);
				failures++;
			}
			/* irc / zrc where the table says so. */
			if (c->next >= 0 && strstr(c->acts, "zrc"))
				assert_int_equal(f.restarts, 0);
			if (c->next >= 0 && strstr(c->acts, "irc,scr"))
				assert_int_equal(f.restarts, FSM_MAX_CONFIGURE - 1);
			if (c->next >= 0 && strstr(c->acts, "irc,str"))
				assert_int_equal(f.restarts, FSM_MAX_TERMINATE - 1);
			/* The restart timer runs exactly in the states that need it. */
			if (f.state == FSM_OPENED || f.state <= FSM_STOPPED)
				assert_int_equal(f.timer, UINT64_MAX);
		}
	}
	assert_int_equal(failures, 0);
	ppp_free(p);
}

static void test_max_configure(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes fr;
	struct ppp *p;
	struct fsm f;
	int sent = 0;
	uint64_t now = 0;
	(void)state;

	test_config(&cfg, &rnd);
	p = ppp_new(&cfg);
	fsm_init(&f, p, TPROTO, &tcb);
	cblog[0] = '\0';
	fsm_open(&f, now);
	fsm_lower_up(&f, now);
	for (int k = 0; k < 20 && f.state == FSM_REQSENT; k++) {
		clear_frames(p, &fr);
		sent += (int)fr.n;
		/* retransmissions after 1 s, 2 s, then every 3 s (the peer shows life meanwhile) */
		assert_int_equal(f.timer, now + (k == 0 ? 1000 : k == 1 ? 2000 : 3000));
		now = f.timer;
		p->last_rx = now - 1;
		fsm_timeout(&f, now);
	}
	assert_int_equal(sent, FSM_MAX_CONFIGURE);
	assert_int_equal(f.state, FSM_STOPPED);
	assert_true(f.failed);
	assert_non_null(strstr(f.why, "no answer"));
	assert_string_equal(cblog, "tls,tlf");
	ppp_free(p);
}

/* A network protocol's request is not repeated while the whole link is silent (a busy peer on
 * a lossless carrier), for at most FSM_NCP_HOLD_MAX_MS per link; LCP is never held. */
static void test_ncp_hold_for_silent_peer(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes fr;
	struct ppp *p;
	struct fsm f, l;
	uint64_t now = 0, first = 0;
	(void)state;

	test_config(&cfg, &rnd);
	p = ppp_new(&cfg);
	fsm_init(&f, p, TPROTO, &tcb);
	fsm_open(&f, now);
	fsm_lower_up(&f, now);
	clear_frames(p, &fr);
	assert_int_equal(fr.n, 1);
	/* silence: the timer fires but nothing is sent until the hold runs out */
	for (int k = 0; k < 20 && first == 0; k++) {
		now = f.timer;
		fsm_timeout(&f, now);
		clear_frames(p, &fr);
		if (fr.n > 0)
			first = now;
	}
	assert_true(first >= FSM_NCP_HOLD_MAX_MS);
	assert_true(first <= FSM_NCP_HOLD_MAX_MS + 1000);
	assert_int_equal(f.restarts, FSM_MAX_CONFIGURE - 2);
	/* the hold is spent: the next retransmission follows the plain timer */
	now = f.timer;
	fsm_timeout(&f, now);
	clear_frames(p, &fr);
	assert_int_equal(fr.n, 1);
	/* a peer that spoke within the last half period gets the retransmission on time */
	fsm_init(&f, p, TPROTO, &tcb);
	fsm_open(&f, now);
	fsm_lower_up(&f, now);
	clear_frames(p, &fr);
	p->last_rx = now + 600;
	now = f.timer;
	fsm_timeout(&f, now);
	clear_frames(p, &fr);
	assert_int_equal(fr.n, 1);
	/* LCP: never held */
	fsm_init(&l, p, PPP_PROTO_LCP, &tcb);
	fsm_open(&l, now);
	fsm_lower_up(&l, now);
	clear_frames(p, &fr);
	now = l.timer;
	fsm_timeout(&l, now);
	clear_frames(p, &fr);
	assert_int_equal(fr.n, 1);
	ppp_free(p);
}

static void test_max_failure_turns_nak_into_reject(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes fr;
	struct ppp *p;
	struct fsm f;
	bool last_rej = false;
	(void)state;

	test_config(&cfg, &rnd);
	p = ppp_new(&cfg);
	fsm_init(&f, p, TPROTO, &tcb);
	fsm_open(&f, 0);
	fsm_lower_up(&f, 0);
	clear_frames(p, &fr);
	/* The reqci callback sees reject_if_disagree after Max-Failure Naks. */
	for (int k = 0; k < FSM_MAX_FAILURE; k++) {
		reqci_result = FSM_REQ_NAK;
		assert_int_equal(f.snaks, (unsigned)k);
		inject(&f, FSM_CONFREQ, (uint8_t)k, (const uint8_t *)"\x01\x02", 2);
	}
	assert_int_equal(f.snaks, FSM_MAX_FAILURE);
	last_rej = f.snaks >= FSM_MAX_FAILURE;
	assert_true(last_rej);
	/* An Ack resets the count. */
	reqci_result = FSM_REQ_ACK;
	inject(&f, FSM_CONFREQ, 9, (const uint8_t *)"\x01\x02", 2);
	assert_int_equal(f.snaks, 0);
	ppp_free(p);
}

static void test_nak_loop_is_bounded(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	struct ppp *p;
	struct fsm f;
	int k;
	(void)state;

	test_config(&cfg, &rnd);
	p = ppp_new(&cfg);
	fsm_init(&f, p, TPROTO, &tcb);
	cblog[0] = '\0';
	fsm_open(&f, 0);
	fsm_lower_up(&f, 0);
	/* A peer that Naks forever: the FSM gives up and terminates. */
	for (k = 0; k < 100 && f.state == FSM_REQSENT; k++)
		inject(&f, FSM_CONFNAK, f.reqid, (const uint8_t *)"\x01\x02", 2);
	assert_true(k <= 2 * FSM_MAX_NAK_LOOPS);
	assert_int_equal(f.state, FSM_CLOSING);
	assert_true(f.failed);
	assert_non_null(strstr(f.why, "keeps refusing"));
	ppp_free(p);
}

static void test_bad_packets_dropped(void **state)
{
	struct ppp_config cfg;
	struct test_rand rnd;
	static struct tframes fr;
	struct ppp *p;
	struct fsm f;
	(void)state;

	test_config(&cfg, &rnd);
	p = ppp_new(&cfg);
	fsm_init(&f, p, TPROTO, &tcb);
	fsm_open(&f, 0);
	fsm_lower_up(&f, 0);
	clear_frames(p, &fr);
	/* Length < 4, Length > received, short header: nothing happens. */
	fsm_input(&f, (const uint8_t *)"\x01\x01\x00\x03", 4, 0);
	fsm_input(&f, (const uint8_t *)"\x01\x01\x00\x09\x01\x02", 6, 0);
	fsm_input(&f, (const uint8_t *)"\x01\x01\x00", 3, 0);
	/* Ack with a wrong id or wrong contents: dropped. */
	inject(&f, FSM_CONFACK, (uint8_t)(f.reqid + 1), (const uint8_t *)"\x01\x02", 2);
	inject(&f, FSM_CONFACK, f.reqid, (const uint8_t *)"\x07\x02", 2);
	clear_frames(p, &fr);
	assert_int_equal(fr.n, 0);
	assert_int_equal(f.state, FSM_REQSENT);
	/* Padding after Length is ignored: the Ack still counts. */
	fsm_input(&f, (const uint8_t[]){FSM_CONFACK, f.reqid, 0, 6, 1, 2, 0xEE, 0xEE}, 8, 0);
	assert_int_equal(f.state, FSM_ACKRCVD);
	ppp_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_table),
		cmocka_unit_test(test_max_configure),
		cmocka_unit_test(test_ncp_hold_for_silent_peer),
		cmocka_unit_test(test_max_failure_turns_nak_into_reject),
		cmocka_unit_test(test_nak_loop_is_bounded),
		cmocka_unit_test(test_bad_packets_dropped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
