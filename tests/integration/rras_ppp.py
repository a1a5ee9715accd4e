"""PPP server side of the test gateway (rras_gw.py): option negotiation (LCP, IPCP) and the
authenticator (PAP, MS-CHAPv2, EAP pass-through), each forwarding the credentials to RADIUS the way
Windows RRAS forwards to NPS. Every parser checks each length before reading; a malformed packet
from the client is logged and dropped (never an exception out of the call's loop).
"""
import os
import socket
import struct

LCP, PAP, CHAP, EAP, IPCP, IPV6CP, CCP, BACP = 0xC021, 0xC023, 0xC223, 0xC227, 0x8021, 0x8057, 0x80FD, 0xC02B
CONFREQ, CONFACK, CONFNAK, CONFREJ, TERMREQ, TERMACK, CODEREJ, PROTREJ = 1, 2, 3, 4, 5, 6, 7, 8
ECHOREQ, ECHOREP, DISCREQ, IDENT = 9, 10, 11, 12
PROTO_NAMES = {LCP: "LCP", PAP: "PAP", CHAP: "CHAP", EAP: "EAP", IPCP: "IPCP", IPV6CP: "IPv6CP",
               CCP: "CCP", BACP: "BACP", 0x0021: "IPv4", 0x0057: "IPv6"}


class Malformed(Exception):
    pass


def cp_parse(data):
    """(code, id, payload) of an LCP-like packet; Malformed when the length does not fit."""
    if len(data) < 4:
        raise Malformed("control packet of %d bytes" % len(data))
    code, ident, length = struct.unpack(">BBH", data[:4])
    if length < 4 or length > len(data):
        raise Malformed("control packet length %d, %d bytes present" % (length, len(data)))
    return code, ident, data[4:length], data[length:]


def cp_build(code, ident, payload):
    return struct.pack(">BBH", code, ident, 4 + len(payload)) + payload


def opts_parse(data):
    out, off = [], 0
    while off < len(data):
        if off + 2 > len(data):
            raise Malformed("truncated option")
        t, ln = data[off], data[off + 1]
        if ln < 2 or off + ln > len(data):
            raise Malformed("option %d length %d does not fit" % (t, ln))
        out.append((t, data[off + 2:off + ln]))
        off += ln
    return out


def opts_build(opts):
    return b"".join(bytes([t, 2 + len(v)]) + v for t, v in opts)


class Negotiation:
    """One side of an RFC 1661 option negotiation, simplified to what the gateway needs: our
    Configure-Request (retransmitted every 3 s, at most 10 times), the peer's answered by
    `policy(opts) -> (code, opts)`. Rejected options are dropped from our request (as Windows does)."""

    def __init__(self, call, proto, opts, policy, on_nak=None):
        self.call, self.proto, self.opts, self.policy = call, proto, list(opts), policy
        self.on_nak = on_nak
        self.ident = 0
        self.tries = 0
        self.deadline = None
        self.acked = False
        self.peer_acked = False
        self.name = PROTO_NAMES.get(proto, hex(proto))

    def opened(self):
        return self.acked and self.peer_acked

    def send_request(self, now):
        self.ident = (self.ident + 1) & 0xff
        self.tries += 1
        if self.tries > 10:
            raise Malformed("%s: no answer to 10 Configure-Requests" % self.name)
        self.call.send_ppp(self.proto, cp_build(CONFREQ, self.ident, opts_build(self.opts)))
        self.deadline = now + 3.0

    def tick(self, now):
        if not self.acked and self.deadline is not None and now >= self.deadline:
            self.send_request(now)

    def on_packet(self, now, code, ident, payload):
        """Handles codes 1-4; returns True when the packet was one of them."""
        if code == CONFREQ:
            rcode, ropts = self.policy(opts_parse(payload))
            self.call.send_ppp(self.proto, cp_build(rcode, ident, opts_build(ropts)))
            if rcode == CONFACK:
                self.peer_acked = True
            return True
        if code not in (CONFACK, CONFNAK, CONFREJ):
            return False
        if ident != self.ident:
            self.call.log("%s: answer with identifier %d to our request %d ignored" % (self.name, ident, self.ident))
            return True
        if code == CONFACK:
            if payload != opts_build(self.opts):
                self.call.log("%s: Configure-Ack does not repeat our options" % self.name)
                return True
            self.acked = True
            return True
        got = opts_parse(payload)
        if code == CONFREJ:
            kinds = {t for t, _ in got}
            self.call.log("%s: client rejected options %s" % (self.name, sorted(kinds)))
            self.call.note("%s-rejected %s" % (self.name, ",".join(str(k) for k in sorted(kinds))))
            self.opts = [(t, v) for t, v in self.opts if t not in kinds]
        elif self.on_nak is not None:
            self.opts = self.on_nak(self.opts, got)
        self.tries = 0
        self.send_request(now)
        return True


def lcp_server_opts(auth, mru, magic, windows=True):
    opts = [(1, struct.pack(">H", mru))]
    opts.append((3, auth_option(auth)))
    opts.append((5, magic))
    if windows:
        # what RRAS requests: Callback (operation 6, CBCP), MRRU 1614, Endpoint Discriminator class 1
        # with a 24-byte value: a 60-byte SSTP packet as in the Windows Server 2016 log of axot/isstp#5
        opts += [(13, b"\x06"), (17, struct.pack(">H", 1614)), (19, b"\x01" + os.urandom(24))]
    return opts


def auth_option(auth):
    return {"eap": struct.pack(">H", EAP), "peap": struct.pack(">H", EAP), "mschapv2": struct.pack(">HB", CHAP, 0x81),
            "pap": struct.pack(">H", PAP)}[auth]


def auth_from_option(value):
    for name in ("eap", "mschapv2", "pap"):
        if value == auth_option(name):
            return name
    return None


def lcp_peer_policy(call):
    """What RRAS accepts in the client's LCP Configure-Request: MRU, ACCM, Magic, PFC, ACFC; it
    rejects the rest, and an Auth-Protocol above all (the client does not authenticate us)."""
    def policy(opts):
        rej = [(t, v) for t, v in opts if t not in (1, 2, 5, 7, 8)]
        if rej:
            return CONFREJ, rej
        for t, v in opts:
            if t == 1 and len(v) == 2:
                call.peer_mru = struct.unpack(">H", v)[0]
            if t == 5 and len(v) == 4 and v == call.magic:
                return CONFNAK, [(5, os.urandom(4))]
            if t in (7, 8):
                call.note("client-asked-%s" % ("PFC" if t == 7 else "ACFC"))
        return CONFACK, opts
    return policy


def ipcp_peer_policy(call):
    def policy(opts):
        rej = [(t, v) for t, v in opts if t not in (3, 129, 131) or len(v) != 4]
        if rej:
            return CONFREJ, rej
        want = {3: socket.inet_aton(call.client_ip), 129: call.cfg.dns[0], 131: call.cfg.dns[1]}
        nak = [(t, want[t]) for t, v in opts if v != want[t]]
        if nak:
            return CONFNAK, nak
        return CONFACK, opts
    return policy
