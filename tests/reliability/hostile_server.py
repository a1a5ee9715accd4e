#!/usr/bin/python3
# hostile_server.py - a deliberately misbehaving SSTP gateway for the reliability suite: TLS with any
# certificate, the SSTP HTTP handshake, SSTP control messages, and just enough server-side PPP (LCP,
# PAP, MS-CHAPv2 challenge, EAP, IPCP) to reach each attack point; one --scenario says what goes
# wrong (bad lengths, unknown attributes, NAK storms, oversized frames, CVE-2020-8597 and
# CVE-2018-11574 shaped EAP, slowloris HTTP, crypto binding checks). It logs what the client did as
# JSON lines (--log) so tests can assert on it (e.g. "the password never arrived in clear").
# Test code only: it runs in the rig's gateway namespace, never on a real network.
import argparse
import hashlib
import hmac
import json
import os
import select
import signal
import socket
import ssl
import struct
import sys
import threading
import time

SSTP_VERSION = 0x10
MSG_CONNECT_REQUEST, MSG_CONNECT_ACK, MSG_CONNECT_NAK, MSG_CALL_CONNECTED = 1, 2, 3, 4
MSG_ABORT, MSG_DISCONNECT, MSG_DISCONNECT_ACK, MSG_ECHO_REQ, MSG_ECHO_RESP = 5, 6, 7, 8, 9
ATTR_ENCAP, ATTR_STATUS, ATTR_BINDING, ATTR_BINDING_REQ = 1, 2, 3, 4
P_LCP, P_PAP, P_CHAP, P_EAP, P_IPCP, P_IPV6CP, P_IP = 0xC021, 0xC023, 0xC223, 0xC227, 0x8021, 0x8057, 0x21
HTTP_OK = (b"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n"
           b"Server: Microsoft-HTTPAPI/2.0\r\n\r\n")

THREAD = threading.local()  # .log: where this connection's events go


def log(ev, **kw):
    kw["ev"] = ev
    kw["t"] = round(time.monotonic(), 3)
    line = json.dumps(kw, sort_keys=True)
    path = getattr(THREAD, "log", None)
    if path:
        with open(path, "a") as f:
            f.write(line + "\n")
    print(line, flush=True)


class Closed(Exception):
    pass


class Timeout(Exception):
    pass


# ---- SSTP and PPP encoders ----------------------------------------------------------------------------
def sstp_hdr(ctrl, length):
    return bytes([SSTP_VERSION, 1 if ctrl else 0]) + struct.pack(">H", length & 0x0FFF)


def attr(aid, value, length=None):
    n = len(value) + 4 if length is None else length
    return bytes([0, aid]) + struct.pack(">H", n) + value


def ctrl(mtype, attrs=(), nattr=None, length=None):
    body = struct.pack(">HH", mtype, len(attrs) if nattr is None else nattr) + b"".join(attrs)
    return sstp_hdr(True, len(body) + 4 if length is None else length) + body


def binding_req(nonce, mask=0x02, length=None):
    return attr(ATTR_BINDING_REQ, b"\0\0\0" + bytes([mask]) + nonce, length)


def status_info(status, aid=0, value=b""):
    return attr(ATTR_STATUS, b"\0\0\0" + bytes([aid]) + struct.pack(">I", status) + value)


def data(frame):
    return sstp_hdr(False, len(frame) + 4) + frame


def ppp(proto, payload):
    return data(b"\xff\x03" + struct.pack(">H", proto) + payload)


def cp(code, ident, body=b"", length=None):
    """An LCP/IPCP/PAP/CHAP/EAP style packet: code, id, length, body."""
    return bytes([code, ident & 0xFF]) + struct.pack(">H", len(body) + 4 if length is None else length) + body


def opt(t, v):
    return bytes([t, len(v) + 2]) + v


def parse_opts(b):
    out, i = [], 0
    while i + 2 <= len(b):
        t, n = b[i], b[i + 1]
        if n < 2 or i + n > len(b):
            break
        out.append((t, b[i + 2:i + n]))
        i += n
    return out


# ---- one client connection ---------------------------------------------------------------------------
class Conn:
    def __init__(self, sock, args):
        self.s = sock
        self.args = args
        self.buf = b""
        self.nonce = os.urandom(32)
        self.cert_der = None
        self.ident = 1
        self.echo_ppp = True      # answer LCP Echo-Requests
        self.echo_sstp = True     # answer SSTP ECHO_REQUEST
        self.lcp_down = False
        self.pending = []         # events a wait_for() passed over, for the next reader

    # raw I/O -------------------------------------------------------------------------------------
    def send(self, b):
        try:
            self.s.sendall(b)
        except (OSError, ssl.SSLError) as e:
            raise Closed("send: %s" % e)

    def recv_some(self, deadline):
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Timeout()
            if isinstance(self.s, ssl.SSLSocket) and self.s.pending():
                pass
            else:
                r, _, _ = select.select([self.s], [], [], min(left, 1.0))
                if not r:
                    continue
            try:
                b = self.s.recv(65536)
            except ssl.SSLWantReadError:
                continue
            except (OSError, ssl.SSLError) as e:
                raise Closed("recv: %s" % e)
            if not b:
                raise Closed("eof")
            return b

    def read_http(self, timeout=10):
        deadline = time.monotonic() + timeout
        while b"\r\n\r\n" not in self.buf:
            if len(self.buf) > 16384:
                raise Closed("HTTP request too long")
            self.buf += self.recv_some(deadline)
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        log("http_request", line=lines[0], headers=lines[1:])
        return lines

    def next_packet(self, timeout=10):
        """One SSTP packet as (is_control, payload after the 4-byte header)."""
        deadline = time.monotonic() + timeout
        while True:
            if len(self.buf) >= 4:
                n = struct.unpack(">H", self.buf[2:4])[0] & 0x0FFF
                if self.buf[0] != SSTP_VERSION or n < 4:
                    raise Closed("client sent a broken SSTP header %s" % self.buf[:4].hex())
                if len(self.buf) >= n:
                    pkt, self.buf = self.buf[:n], self.buf[n:]
                    return bool(pkt[1] & 1), pkt[4:]
            self.buf += self.recv_some(deadline)

    # packet dispatch with the usual automatic answers ----------------------------------------------
    def next_event(self, timeout=10, fresh=False):
        """('ctrl', type, attrs_bytes) or ('ppp', proto, payload); echoes are answered here.
        Events a wait_for() set aside come first unless fresh is set."""
        if self.pending and not fresh:
            return self.pending.pop(0)
        while True:
            is_ctrl, p = self.next_packet(timeout)
            if is_ctrl:
                if len(p) < 4:
                    raise Closed("short control packet")
                mtype = struct.unpack(">H", p[:2])[0]
                if mtype == MSG_ECHO_REQ and self.echo_sstp:
                    self.send(ctrl(MSG_ECHO_RESP))
                    continue
                if mtype == MSG_ECHO_RESP:
                    continue
                if mtype == MSG_DISCONNECT:
                    log("sstp_disconnect")
                    self.send(ctrl(MSG_DISCONNECT_ACK))
                    raise Closed("client disconnected")
                if mtype == MSG_ABORT:
                    st = struct.unpack(">I", p[12:16])[0] if len(p) >= 16 else None
                    log("sstp_abort_received", status=st)
                    self.send(ctrl(MSG_ABORT))
                    raise Closed("client aborted")
                return ("ctrl", mtype, p)
            if len(p) >= 2 and p[:2] == b"\xff\x03":
                p = p[2:]
            if len(p) < 2:
                continue
            proto = struct.unpack(">H", p[:2])[0]
            body = p[2:]
            if proto == P_LCP and len(body) >= 4 and body[0] == 9 and self.echo_ppp:
                self.send(ppp(P_LCP, cp(10, body[1], b"\0\0\0\0" + body[8:])))
                continue
            if proto == P_LCP and len(body) >= 4 and body[0] == 5:  # Terminate-Request
                log("lcp_terminate_request")
                self.send(ppp(P_LCP, cp(6, body[1])))
                self.lcp_down = True
                continue
            if proto == P_IPV6CP:
                # Protocol-Reject: we do no IPv6
                self.send(ppp(P_LCP, cp(8, self.next_id(), struct.pack(">H", proto) + body[:64])))
                continue
            return ("ppp", proto, body)

    def next_id(self):
        self.ident = (self.ident + 1) & 0xFF
        return self.ident

    def wait_for(self, pred, timeout=15, what="packet"):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Timeout("waiting for %s" % what)
            ev = self.next_event(left, fresh=True)
            if pred(ev):
                return ev
            self.on_unhandled(ev)

    def on_unhandled(self, ev):
        if ev[0] == "ppp" and ev[1] == P_LCP and ev[2][:1] == b"\x01":  # late ConfReq: ack it
            self.send(ppp(P_LCP, b"\x02" + ev[2][1:]))
        elif ev[0] == "ppp" and ev[1] == P_IPCP:
            self.pending.append(ev)  # e.g. IPCP sent before CALL_CONNECTED: ipcp() takes it

    # phases ------------------------------------------------------------------------------------------
    def sstp_accept(self, mask=0x02):
        self.wait_for(lambda e: e[0] == "ctrl" and e[1] == MSG_CONNECT_REQUEST, what="CONNECT_REQUEST")
        log("sstp_connect_request")
        self.send(ctrl(MSG_CONNECT_ACK, [binding_req(self.nonce, mask)]))

    def lcp(self, auth_opt, client_nak_ok=True):
        """Negotiate LCP: ack the client's request, get ours acked. auth_opt: bytes of option 3."""
        my_id = self.next_id()
        mine = opt(1, struct.pack(">H", 1500)) + opt(3, auth_opt) + opt(5, os.urandom(4))
        self.send(ppp(P_LCP, cp(1, my_id, mine)))
        acked = peer_ok = False
        deadline = time.monotonic() + 15
        while not (acked and peer_ok):
            ev = self.next_event(max(0.1, deadline - time.monotonic()))
            if ev[0] != "ppp" or ev[1] != P_LCP or len(ev[2]) < 4:
                continue
            code, ident, body = ev[2][0], ev[2][1], ev[2][4:]
            if code == 1:
                self.send(ppp(P_LCP, cp(2, ident, body)))
                peer_ok = True
            elif code == 2 and ident == my_id:
                acked = True
            elif code in (3, 4) and ident == my_id:
                log("lcp_our_request_refused", code=code, options=body.hex())
                if code == 3 and not client_nak_ok:
                    return body
                # adopt what the client wants for the auth protocol
                for t, v in parse_opts(body):
                    if t == 3 and code == 3:
                        auth_opt = v
                my_id = self.next_id()
                mine = opt(1, struct.pack(">H", 1500)) + opt(3, auth_opt) + opt(5, os.urandom(4))
                self.send(ppp(P_LCP, cp(1, my_id, mine)))
        log("lcp_opened", auth=auth_opt.hex())
        return auth_opt

    def pap(self):
        ev = self.wait_for(lambda e: e[0] == "ppp" and e[1] == P_PAP, what="PAP request")
        b = ev[2]
        if len(b) >= 6 and b[0] == 1:
            ul = b[4]
            user = b[5:5 + ul]
            pl = b[5 + ul] if len(b) > 5 + ul else 0
            pw = b[6 + ul:6 + ul + pl]
            log("pap_request", user=user.decode("latin-1"), password_sha256=hashlib.sha256(pw).hexdigest())
            self.send(ppp(P_PAP, cp(2, b[1], b"\x00")))
        return ev

    def call_connected(self, hlak=b"\0" * 32, timeout=15):
        ev = self.wait_for(lambda e: e[0] == "ctrl" and e[1] == MSG_CALL_CONNECTED, timeout,
                           "CALL_CONNECTED")
        p = ev[2]
        pkt = sstp_hdr(True, len(p) + 4) + p
        res = {"length": len(pkt)}
        if len(pkt) == 112:
            hp = pkt[15]
            hname = {1: "sha1", 2: "sha256"}.get(hp)
            res["hash"] = hname
            res["nonce_ok"] = pkt[16:48] == self.nonce
            if hname and self.cert_der:
                h = hashlib.new(hname, self.cert_der).digest()
                res["cert_hash_ok"] = pkt[48:48 + len(h)] == h and not any(pkt[48 + len(h):80])
                if hlak is not None:
                    ln = len(h)
                    cmk = hmac.new(hlak, b"SSTP inner method derived CMK" + bytes([ln, 0, 1]), hname).digest()
                    zeroed = pkt[:80] + b"\0" * 32
                    mac = hmac.new(cmk, zeroed, hname).digest()
                    res["cmac_ok"] = pkt[80:80 + ln] == mac and not any(pkt[80 + ln:112])
        log("call_connected", **res)
        return res

    def ipcp(self, dns=None):
        """Give the client 10.77.0.2 (peer 10.77.0.1), or the control's ipcp_local/ipcp_peer (the
        hostile-address scenarios); dns: IPv4 text to Nak the DNS option with."""
        mine = socket.inet_aton(getattr(self.args, "ipcp_peer", None) or "10.77.0.1")
        yours = socket.inet_aton(getattr(self.args, "ipcp_local", None) or "10.77.0.2")
        my_id = self.next_id()
        self.send(ppp(P_IPCP, cp(1, my_id, opt(3, mine))))
        acked = peer_ok = False
        deadline = time.monotonic() + 15
        while not (acked and peer_ok):
            ev = self.next_event(max(0.1, deadline - time.monotonic()))
            if ev[0] != "ppp" or ev[1] != P_IPCP or len(ev[2]) < 4:
                continue
            code, ident, body = ev[2][0], ev[2][1], ev[2][4:]
            if code == 1:
                rej, nak = b"", b""
                for t, v in parse_opts(body):
                    if t == 3 and v != yours:
                        nak += opt(3, yours)
                    elif t in (129, 131) and dns:
                        if v != socket.inet_aton(dns):
                            nak += opt(t, socket.inet_aton(dns))
                    elif t != 3:
                        rej += opt(t, v)
                if rej:
                    self.send(ppp(P_IPCP, cp(4, ident, rej)))
                elif nak:
                    self.send(ppp(P_IPCP, cp(3, ident, nak)))
                else:
                    self.send(ppp(P_IPCP, cp(2, ident, body)))
                    peer_ok = True
            elif code == 2 and ident == my_id:
                acked = True
        log("ipcp_opened")

    def serve(self, seconds):
        """Answer echoes and swallow data until the client leaves or `seconds` pass."""
        end = time.monotonic() + seconds
        try:
            while time.monotonic() < end:
                try:
                    self.next_event(max(0.1, end - time.monotonic()))
                except Timeout:
                    return
        except Closed as e:
            log("closed", why=str(e))


# ---- scenarios ----------------------------------------------------------------------------------
# Each takes a Conn after the TLS handshake (or the raw socket for the raw ones) and misbehaves.
SCENARIOS = {}


def scenario(name, raw=False):
    def deco(fn):
        SCENARIOS[name] = (fn, raw)
        return fn
    return deco


def up_to_lcp(c, auth=b"\xc0\x23"):
    c.read_http()
    c.send(HTTP_OK)
    c.sstp_accept()
    return c.lcp(auth)


@scenario("good-pap")
def sc_good_pap(c):
    """A well-behaved PAP gateway: verifies nonce, certificate hash and compound MAC."""
    up_to_lcp(c)
    c.pap()
    c.call_connected()
    c.ipcp(dns=c.args.dns)
    c.serve(c.args.serve)


@scenario("tls-only")
def sc_tls_only(c):
    """The certificate test: whatever follows a completed handshake is logged (it must not happen)."""
    c.read_http()
    c.send(HTTP_OK)
    c.serve(5)


@scenario("garbage-tls", raw=True)
def sc_garbage_tls(sock, args):
    sock.sendall(b"HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain\r\n\r\nthis is not TLS\r\n")
    time.sleep(2)


@scenario("http-slowloris")
def sc_slowloris(c):
    c.read_http()
    c.send(b"HTTP/1.1 200 OK\r\n")
    for i in range(600):  # one byte a second of a header that never ends
        c.send(b"X-Slow-%d: " % i if i % 16 == 0 else b"a")
        time.sleep(1)


@scenario("http-huge-head")
def sc_huge_head(c):
    c.read_http()
    c.send(b"HTTP/1.1 200 OK\r\n")
    for i in range(4096):
        c.send(b"X-Filler-%05d: %s\r\n" % (i, b"f" * 200))


@scenario("http-many-headers")
def sc_many_headers(c):
    c.read_http()
    c.send(b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(2000)) + b"\r\n")
    c.serve(5)


@scenario("http-503")
def sc_http_503(c):
    c.read_http()
    c.send(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")
    c.serve(3)


@scenario("http-bad-length")
def sc_http_bad_length(c):
    c.read_http()
    c.send(b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nhello world!")
    c.serve(3)


@scenario("http-binary-status")
def sc_http_binary(c):
    c.read_http()
    c.send(b"\x00\xff\x10\x01HTTP/1.1 2\x0000 OK\r\n\r\n")
    c.serve(3)


def after_http(c):
    c.read_http()
    c.send(HTTP_OK)


@scenario("sstp-bad-version")
def sc_bad_version(c):
    after_http(c)
    c.wait_for(lambda e: e[0] == "ctrl", what="CONNECT_REQUEST")
    c.send(b"\x20\x01\x00\x30" + b"\0" * 44)
    c.serve(3)


@scenario("sstp-short-length")
def sc_short_length(c):
    after_http(c)
    c.wait_for(lambda e: e[0] == "ctrl", what="CONNECT_REQUEST")
    c.send(b"\x10\x01\x00\x02\x00\x02")
    c.serve(3)


@scenario("sstp-truncated-packet")
def sc_truncated(c):
    """Length says 4095, 100 bytes come, then the server closes."""
    after_http(c)
    c.wait_for(lambda e: e[0] == "ctrl", what="CONNECT_REQUEST")
    c.send(b"\x10\x01\x0f\xff\x00\x02\x00\x01" + b"\x41" * 92)
    time.sleep(1)


@scenario("sstp-unknown-attr")
def sc_unknown_attr(c):
    after_http(c)
    c.wait_for(lambda e: e[0] == "ctrl", what="CONNECT_REQUEST")
    c.send(ctrl(MSG_CONNECT_ACK, [attr(0x7F, b"\xde\xad\xbe\xef" * 9)]))
    c.serve(5)


@scenario("sstp-extra-unknown-attr")
def sc_extra_unknown_attr(c):
    after_http(c)
    c.wait_for(lambda e: e[0] == "ctrl", what="CONNECT_REQUEST")
    c.send(ctrl(MSG_CONNECT_ACK, [binding_req(c.nonce), attr(0x42, b"\x01" * 8)]))
    c.serve(5)


@scenario("sstp-attr-overflow")
def sc_attr_overflow(c):
    """65535 attributes announced, one attribute whose length runs past the packet."""
    after_http(c)
    c.wait_for(lambda e: e[0] == "ctrl", what="CONNECT_REQUEST")
    c.send(ctrl(MSG_CONNECT_ACK, [binding_req(c.nonce, length=0x0FFF)], nattr=0xFFFF))
    c.serve(5)


@scenario("sstp-binding-truncated")
def sc_binding_trunc(c):
    after_http(c)
    c.wait_for(lambda e: e[0] == "ctrl", what="CONNECT_REQUEST")
    c.send(ctrl(MSG_CONNECT_ACK, [attr(ATTR_BINDING_REQ, b"\0\0\0\x02" + c.nonce[:12])]))
    c.serve(5)


@scenario("sstp-no-hash")
def sc_no_hash(c):
    after_http(c)
    c.wait_for(lambda e: e[0] == "ctrl", what="CONNECT_REQUEST")
    c.send(ctrl(MSG_CONNECT_ACK, [binding_req(c.nonce, mask=0xF0)]))
    c.serve(5)


@scenario("sstp-nak-storm")
def sc_nak_storm(c):
    """Every CALL_CONNECT_REQUEST is NAKed, and unasked NAKs keep coming."""
    after_http(c)
    nak = ctrl(MSG_CONNECT_NAK, [status_info(4, ATTR_ENCAP, b"\x00\x01")])
    n = 0
    end = time.monotonic() + 60
    while time.monotonic() < end:
        try:
            ev = c.next_event(0.05)
            if ev[0] == "ctrl" and ev[1] == MSG_CONNECT_REQUEST:
                n += 1
                log("sstp_connect_request", n=n)
        except Timeout:
            pass
        c.send(nak * 20)


@scenario("sstp-echo-flood")
def sc_echo_flood(c):
    """ECHO_REQUESTs as fast as possible while never reading the answers."""
    after_http(c)
    c.wait_for(lambda e: e[0] == "ctrl", what="CONNECT_REQUEST")
    c.send(ctrl(MSG_CONNECT_ACK, [binding_req(c.nonce)]))
    blob = ctrl(MSG_ECHO_REQ) * 512
    end = time.monotonic() + 40
    c.s.settimeout(2)
    while time.monotonic() < end:
        try:
            c.s.sendall(blob)
        except socket.timeout:
            continue  # the client is not reading: keep pushing
        except (ssl.SSLError, OSError):
            break  # the client is gone


@scenario("sstp-oversize-frames")
def sc_oversize(c):
    """Maximum-length data packets carrying PPP frames larger than any MRU, before and after LCP."""
    after_http(c)
    c.sstp_accept()
    big = data(b"\xff\x03\xc0\x21" + cp(1, 9, b"\x01\x04\xff\xff" * 1020, length=0xFFFF)[:4087])
    c.send(big * 200)
    junk = data(b"\xff\x03\x00\x21" + os.urandom(4087))
    c.send(junk * 200)
    c.lcp(b"\xc0\x23")
    c.send(big * 50 + junk * 50)
    c.pap()
    c.call_connected()
    c.ipcp()
    c.send(junk * 500 + big * 500)
    c.serve(c.args.serve)


@scenario("sstp-abort-in-ppp")
def sc_abort_in_ppp(c):
    up_to_lcp(c)
    c.send(ctrl(MSG_ABORT, [status_info(7)]))
    c.serve(5)


@scenario("sstp-disconnect-in-auth")
def sc_disc_in_auth(c):
    up_to_lcp(c)
    c.send(ctrl(MSG_DISCONNECT, [status_info(0)]))
    c.serve(5)


@scenario("binding-nonce-swap")
def sc_nonce_swap(c):
    """A second CONNECT_ACK with another nonce during PPP: the client must keep the first one (or abort)."""
    up_to_lcp(c)
    first = c.nonce
    c.send(ctrl(MSG_CONNECT_ACK, [binding_req(os.urandom(32))]))
    c.pap()
    c.nonce = first
    res = c.call_connected()
    log("nonce_swap_result", echoed_first=res.get("nonce_ok"))
    c.serve(5)


@scenario("binding-reject")
def sc_binding_reject(c):
    """The gateway declares the crypto binding wrong and aborts the call."""
    up_to_lcp(c)
    c.pap()
    c.call_connected()
    c.send(ctrl(MSG_ABORT, [status_info(4, ATTR_BINDING)]))
    c.serve(5)


@scenario("binding-sha1")
def sc_binding_sha1(c):
    """Only SHA-1 offered: the client must bind with SHA-1 correctly, then the gateway serves."""
    c.read_http()
    c.send(HTTP_OK)
    c.sstp_accept(mask=0x01)
    c.lcp(b"\xc0\x23")
    c.pap()
    c.call_connected()
    c.ipcp()
    c.serve(c.args.serve)


@scenario("early-data")
def sc_early_data(c):
    """IPv4 data frames before CALL_CONNECTED must be dropped, not delivered."""
    up_to_lcp(c)
    c.send(ppp(P_IP, b"\x45" + b"\0" * 19) * 50)
    c.pap()
    c.call_connected()
    c.ipcp()
    c.serve(c.args.serve)


@scenario("lcp-nak-loop")
def sc_lcp_nak_loop(c):
    """Every client Configure-Request is NAKed (MRU 64 wanted) forever; ours never comes."""
    after_http(c)
    c.sstp_accept()
    n = 0
    end = time.monotonic() + 60
    while time.monotonic() < end:
        ev = c.next_event(60)
        if ev[0] == "ppp" and ev[1] == P_LCP and ev[2][:1] == b"\x01":
            n += 1
            c.send(ppp(P_LCP, cp(3, ev[2][1], opt(1, struct.pack(">H", 64)))))
            log("lcp_nak_sent", n=n)


@scenario("lcp-confreq-storm")
def sc_lcp_storm(c):
    """Thousands of Configure-Requests with random options in a burst, then a normal PAP gateway."""
    after_http(c)
    c.sstp_accept()
    pkts = []
    # identifiers 0x80-0xff for the storm, so that the client's answers to it are never taken
    # for answers to the gateway's own request below (whose identifiers stay under 0x80)
    for i in range(3000):
        body = os.urandom(os.urandom(1)[0] % 60)
        pkts.append(ppp(P_LCP, cp(1, 0x80 | (i & 0x7F), body)))
    c.send(b"".join(pkts))
    c.ident = 0
    c.lcp(b"\xc0\x23")
    c.pap()
    c.call_connected()
    c.ipcp()
    c.serve(c.args.serve)


@scenario("pap-downgrade")
def sc_pap_downgrade(c):
    """The client allows only MS-CHAPv2; the gateway insists on PAP (a new Configure-Request every
    50 ms, whatever the client answers). The password must never be sent."""
    after_http(c)
    c.sstp_accept()
    mine = opt(3, b"\xc0\x23") + opt(5, b"\x11\x22\x33\x44")
    refused = {}
    end = time.monotonic() + 40
    while time.monotonic() < end:
        c.send(ppp(P_LCP, cp(1, c.next_id(), mine)))
        try:
            ev = c.next_event(0.05)
        except Timeout:
            continue
        if ev[0] != "ppp":
            continue
        if ev[1] == P_LCP and ev[2][:1] == b"\x01":
            c.send(ppp(P_LCP, b"\x02" + ev[2][1:]))
        elif ev[1] == P_LCP and ev[2][:1] in (b"\x03", b"\x04"):
            k = "%d:%s" % (ev[2][0], ev[2][4:].hex())
            refused[k] = refused.get(k, 0) + 1
            if refused[k] == 1:
                log("lcp_our_request_refused", code=ev[2][0], options=ev[2][4:].hex())
        elif ev[1] == P_PAP:
            b = ev[2]
            pw = b""
            if len(b) >= 6:
                ul = b[4]
                pl = b[5 + ul] if len(b) > 5 + ul else 0
                pw = b[6 + ul:6 + ul + pl]
            log("pap_request", password_sha256=hashlib.sha256(pw).hexdigest())
            c.send(ppp(P_PAP, cp(3, b[1], b"\x00")))
    log("refusals", counts=refused)


@scenario("chap-bad-success")
def sc_chap_bad_success(c):
    """MS-CHAPv2 Success whose authenticator response cannot be right: the client must refuse it."""
    up_to_lcp(c, b"\xc2\x23\x81")
    cid = c.next_id()
    c.send(ppp(P_CHAP, cp(1, cid, b"\x10" + os.urandom(16) + b"hostile")))
    ev = c.wait_for(lambda e: e[0] == "ppp" and e[1] == P_CHAP, what="CHAP response")
    log("chap_response", length=len(ev[2]))
    c.send(ppp(P_CHAP, cp(3, cid, b"S=" + b"0123456789ABCDEF" * 2 + b"01234567 M=welcome")))
    try:
        res = c.call_connected(hlak=None, timeout=5)
        log("binding_after_bad_success", **res)
    except Timeout:
        log("no_call_connected")
    c.serve(5)


@scenario("chap-oversize-name")
def sc_chap_oversize(c):
    """MS-CHAPv2 Challenges with value-size 255 and a 1000-byte name, with a length that lies, and a
    truncated one; then a valid Challenge (the client must still answer it) and a Failure with a
    2000-byte C= and a long message."""
    up_to_lcp(c, b"\xc2\x23\x81")
    c.send(ppp(P_CHAP, cp(1, c.next_id(), b"\xff" + os.urandom(255) + b"N" * 1000)))
    c.send(ppp(P_CHAP, cp(1, c.next_id(), b"\x10" + os.urandom(16) + b"n" * 30, length=0xFFF0)))
    c.send(ppp(P_CHAP, cp(1, c.next_id(), b"\x40", length=5)))
    c.send(ppp(P_CHAP, cp(1, c.next_id(), b"")))
    cid = c.next_id()
    c.send(ppp(P_CHAP, cp(1, cid, b"\x10" + os.urandom(16) + b"x" * 1100)))
    ev = c.wait_for(lambda e: e[0] == "ppp" and e[1] == P_CHAP, timeout=5, what="CHAP response")
    log("chap_response", length=len(ev[2]), ident_ok=ev[2][1] == cid)
    c.send(ppp(P_CHAP, cp(4, cid, b"E=691 R=0 C=" + b"A" * 2000 + b" V=3 M=" + b"m" * 300)))
    c.serve(5)


def eap(code, ident, etype, body=b"", length=None):
    b = bytes([etype]) + body
    return cp(code, ident, b, length)


@scenario("eap-8597")
def sc_eap_8597(c):
    """CVE-2020-8597 shapes: EAP requests whose name / value-size arithmetic overflows a buffer."""
    up_to_lcp(c, b"\xc2\x27")
    c.send(ppp(P_EAP, eap(1, c.next_id(), 1, b"hello")))  # Identity
    try:
        ev = c.wait_for(lambda e: e[0] == "ppp" and e[1] == P_EAP, timeout=5, what="EAP identity")
        log("eap_response", data=ev[2][:8].hex())
    except Timeout:
        log("no_eap_identity")
    big_name = b"R" * 1300
    # MD5-Challenge: value-size larger than the packet, then a 1300-byte name (pppd rhostname[256])
    c.send(ppp(P_EAP, eap(1, c.next_id(), 4, b"\xff" + os.urandom(8))))
    c.send(ppp(P_EAP, eap(1, c.next_id(), 4, b"\x10" + os.urandom(16) + big_name)))
    # EAP length larger than the frame, and smaller than the header
    c.send(ppp(P_EAP, eap(1, c.next_id(), 26, b"\x01\x05\x00\x40\x10" + os.urandom(16), length=4000)))
    c.send(ppp(P_EAP, eap(1, c.next_id(), 26, b"", length=3)))
    # EAP-MSCHAPv2 challenge: MS-Length lies, value-size 255, 1300-byte name
    c.send(ppp(P_EAP, eap(1, c.next_id(), 26, b"\x01\x07\xff\xff\xff" + os.urandom(255)[:40] + big_name)))
    c.send(ppp(P_EAP, eap(1, c.next_id(), 26, b"\x01\x08\x00\x10\x10" + os.urandom(16) + big_name)))
    # Success / Failure out of order, then a Failure carrying a long message
    c.send(ppp(P_EAP, eap(1, c.next_id(), 26, b"\x03\x09\x00\x05" + b"S=" + b"Z" * 1000)))
    c.send(ppp(P_EAP, cp(4, c.next_id())))
    c.serve(10)


def eap_tls_start(c):
    up_to_lcp(c, b"\xc2\x27")
    c.send(ppp(P_EAP, eap(1, c.next_id(), 1, b"")))
    c.wait_for(lambda e: e[0] == "ppp" and e[1] == P_EAP, timeout=5, what="EAP identity")
    c.send(ppp(P_EAP, eap(1, c.next_id(), 13, b"\x20")))  # EAP-TLS Start
    ev = c.wait_for(lambda e: e[0] == "ppp" and e[1] == P_EAP, timeout=5, what="ClientHello")
    log("eap_tls_response", length=len(ev[2]), flags=ev[2][5] if len(ev[2]) > 5 else None)


@scenario("eap-tls-huge-length")
def sc_eap_tls_huge(c):
    """CVE-2018-11574 shape: a first fragment announcing a TLS Message Length of 2^32-1."""
    eap_tls_start(c)
    c.send(ppp(P_EAP, eap(1, c.next_id(), 13, b"\xc0\xff\xff\xff\xff" + os.urandom(1000))))
    c.serve(5)


@scenario("eap-tls-short-length")
def sc_eap_tls_short(c):
    """CVE-2012-4445 shape: TLS Message Length 16, then more data than that in M fragments."""
    eap_tls_start(c)
    c.send(ppp(P_EAP, eap(1, c.next_id(), 13, b"\xc0\x00\x00\x00\x10" + os.urandom(1000))))
    c.serve(5)


@scenario("eap-tls-bad-flags")
def sc_eap_tls_flags(c):
    """An L flag without its 4 length bytes, then reserved flag bits."""
    eap_tls_start(c)
    c.send(ppp(P_EAP, eap(1, c.next_id(), 13, b"\x80\x01")))
    c.send(ppp(P_EAP, eap(1, c.next_id(), 13, b"\x1f" + os.urandom(64))))
    c.serve(5)


@scenario("eap-tls-endless")
def sc_eap_tls_endless(c):
    """M fragments (each answered by the client with an ACK) that never end: the reassembly must
    stop at its cap instead of growing without bound."""
    eap_tls_start(c)
    chunk = os.urandom(1000)
    c.send(ppp(P_EAP, eap(1, c.next_id(), 13, b"\xc0\x00\x01\x00\x00" + chunk)))
    n = 1
    end = time.monotonic() + 20
    while time.monotonic() < end:
        try:
            ev = c.wait_for(lambda e: e[0] == "ppp" and e[1] == P_EAP, timeout=3, what="fragment ACK")
        except Timeout:
            break
        if ev[2][:1] != b"\x02":
            break
        n += 1
        c.send(ppp(P_EAP, eap(1, c.next_id(), 13, b"\x40" + chunk)))
    log("fragments_sent", n=n)
    c.serve(3)


@scenario("up-then-garbage")
def sc_up_then_garbage(c):
    """A normal PAP session that, once up, sends a broken SSTP header."""
    up_to_lcp(c)
    c.pap()
    c.call_connected()
    c.ipcp()
    c.serve(2)
    c.send(b"\x11\x00\x00\x10" + b"\xee" * 12)
    c.serve(5)


@scenario("up-then-silent")
def sc_up_then_silent(c):
    """A normal PAP session that, once up, stops answering anything (but keeps TCP open)."""
    up_to_lcp(c)
    c.pap()
    c.call_connected()
    c.ipcp()
    c.serve(1)
    c.echo_ppp = c.echo_sstp = False
    log("going_silent")
    end = time.monotonic() + c.args.serve
    while time.monotonic() < end:
        try:
            c.next_event(1)
        except Timeout:
            pass


# ---- server loop ------------------------------------------------------------------------------------
def make_context(cert, key, max_tls):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.set_ciphers("DEFAULT:@SECLEVEL=0")  # present any certificate (SHA-1 signed ones too)
    if max_tls:
        v = {"1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1,
             "1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}[max_tls]
        if v < ssl.TLSVersion.TLSv1_2:
            ctx.set_ciphers("ALL:@SECLEVEL=0")
            ctx.minimum_version = v
        ctx.maximum_version = v
    ctx.load_cert_chain(cert, key)

    def on_sni(sslsock, name, _ctx):
        sslsock.sni = name
    ctx.sni_callback = on_sni
    with open(cert, "rb") as f:
        pem = f.read().decode()
    first = pem[pem.index("-----BEGIN CERTIFICATE-----"):]
    first = first[:first.index("-----END CERTIFICATE-----") + 25]
    return ctx, ssl.PEM_cert_to_DER_cert(first)


def connection_args(base):
    """The settings for one connection: the command line, overridden by --control's JSON."""
    a = argparse.Namespace(**vars(base))
    if base.control:
        with open(base.control) as f:
            for k, v in json.load(f).items():
                setattr(a, k.replace("-", "_"), v)
    return a


def handle(sock, args):
    THREAD.log = args.log
    fn, raw = SCENARIOS[args.scenario]
    sock.settimeout(15)
    if raw:
        try:
            fn(sock, args)
        except OSError as e:
            log("closed", why=str(e))
        return
    ctx, cert_der = make_context(args.cert, args.key, args.max_tls)
    try:
        ts = ctx.wrap_socket(sock, server_side=True)
    except (ssl.SSLError, OSError) as e:
        log("tls_failed", why=str(e))
        return
    ts.settimeout(None)
    ts.setblocking(True)
    log("tls_up", version=ts.version(), cipher=ts.cipher()[0], sni=getattr(ts, "sni", None))
    c = Conn(ts, args)
    c.cert_der = cert_der
    try:
        fn(c)
        log("scenario_done")
    except Closed as e:
        log("closed", why=str(e))
    except Timeout as e:
        log("server_timeout", why=str(e))
    finally:
        try:
            ts.close()
        except OSError:
            pass


def serve_one(sock, args):
    try:
        handle(sock, args)
    finally:
        try:
            sock.close()
        except OSError:
            pass


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--bind", default="0.0.0.0")
    ap.add_argument("--cert", help="PEM certificate (chain) to present")
    ap.add_argument("--key")
    ap.add_argument("--scenario", choices=sorted(SCENARIOS))
    ap.add_argument("--log", help="append JSON lines here")
    ap.add_argument("--serve", type=float, default=30, help="seconds to serve a connected client")
    ap.add_argument("--dns", help="DNS server to hand out in IPCP")
    ap.add_argument("--max-tls", choices=["1.0", "1.1", "1.2", "1.3"], help="highest TLS version")
    ap.add_argument("--control", help="JSON file read at every connection: any of scenario, cert, "
                    "key, log, serve, dns, max_tls, ipcp_local, ipcp_peer (overrides the options)")
    ap.add_argument("--once", action="store_true", help="exit after the first connection")
    args = ap.parse_args()
    if not args.control and not (args.scenario and args.cert and args.key):
        ap.error("--scenario, --cert and --key are needed without --control")
    THREAD.log = args.log
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((args.bind, args.port))
    ls.listen(8)
    log("listening", port=args.port, scenario=args.scenario, control=args.control)
    while True:
        s, peer = ls.accept()
        try:
            a = connection_args(args)
        except (OSError, ValueError) as e:
            log("bad_control", why=str(e))
            s.close()
            continue
        if a.scenario not in SCENARIOS:
            log("bad_control", why="unknown scenario %r" % a.scenario)
            s.close()
            continue
        THREAD.log = a.log
        log("accepted", peer=peer[0], scenario=a.scenario)
        t = threading.Thread(target=serve_one, args=(s, a), daemon=True)
        t.start()
        if args.once:
            t.join()
            break


if __name__ == "__main__":
    main()
