#!/usr/bin/env python3
"""Test-only SSTP gateway that behaves on the wire like Windows RRAS with NPS (default) or like a
MikroTik RouterOS SSTP server (--variant mikrotik). See doc/servers.md for what each real server
does and where that is documented.

RRAS: HTTP answer with `Server: Microsoft-HTTPAPI/2.0` and Content-Length 2^64-1; CALL_CONNECT_ACK
offering SHA-1 and SHA-256 (bitmask 0x03); LCP Configure-Request with MRU 4091, Auth (EAP, or
MS-CHAPv2 with --auth mschapv2), Magic, Callback, MRRU and Endpoint Discriminator; LCP
Identification, CCP and BACP requests after authentication; authentication forwarded to a RADIUS
server (FreeRADIUS in the tests) with the MSK taken from MS-MPPE-Recv/Send-Key; the crypto binding
of CALL_CONNECTED verified (nonce, certificate hash, compound MAC) and the call aborted on a
mismatch; IPCP from a pool; IPv4 through a TUN per call (proxy ARP on the service side is the
test's business). MikroTik: PAP and MS-CHAPv2 only, TLS 1.2 only, a client certificate required on
the outer TLS, PAP Ack with trailing bytes.

Variants: --hold SECS (report a call still up after SECS), --session-timeout SECS, --no-lcp-echo,
--reuse-eap-id, --corrupt-nonce (checks CALL_CONNECTED against another nonce than the one sent);
--auth peap terminates PEAPv0 here with the cryptobinding NPS requires (rras_peap.py, --peap-cb).
Log lines on stdout (the tests grep them): "call N: ...".
"""
import argparse
import fcntl
import hashlib
import hmac
import ipaddress
import os
import select
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rras_radius as radius  # noqa: E402
from rras_auth import AUTHS  # noqa: E402
from rras_peap import PeapAuth  # noqa: E402
from rras_ppp import (LCP, EAP, IPCP, IPV6CP, CCP, BACP, PROTO_NAMES, CONFREQ, CONFACK, CONFNAK,  # noqa: E402
                      CONFREJ, TERMREQ, TERMACK, CODEREJ, PROTREJ, ECHOREQ, ECHOREP, IDENT, Malformed,
                      Negotiation, auth_from_option, auth_option, cp_build, cp_parse,
                      ipcp_peer_policy, lcp_peer_policy, lcp_server_opts)

SSTP_URI = b"/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/"
CONNECT_REQ, CONNECT_ACK, CONNECT_NAK, CONNECTED, ABORT, DISCONNECT, DISCONNECT_ACK = 1, 2, 3, 4, 5, 6, 7
ECHO_REQ, ECHO_RESP = 8, 9
HTTP_MAX = 8192
AUTHS["peap"] = PeapAuth   # PEAP terminated here with cryptobinding, as NPS does (rras_peap.py)
AUTH_PROTOS = {a.proto for a in AUTHS.values()}


class CallEnded(Exception):
    pass


def sstp_control(mtype, attrs=b"", nattrs=0):
    return struct.pack(">BBHHH", 0x10, 1, 8 + len(attrs), mtype, nattrs) + attrs


def status_info(attr_id, status):
    return sstp_control(ABORT, struct.pack(">BBHBBBBI", 0, 2, 12, 0, 0, 0, attr_id, status), 1)


def binding_problems(pkt, hlak, cert_der, nonce, offered):
    """Check a CALL_CONNECTED against [MS-SSTP] 3.3.5.2.3 / 3.2.5.2; a list of problems."""
    if len(pkt) != 112 or pkt[4:12] != b"\x00\x04\x00\x01\x00\x03\x00\x68":
        return ["CALL_CONNECTED is not one CRYPTO_BINDING attribute of 104 bytes"]
    hp = pkt[15]
    if hp not in (1, 2) or not hp & offered:
        return ["hash protocol %d not offered (bitmask %d)" % (hp, offered)]
    h, n = (hashlib.sha1, 20) if hp == 1 else (hashlib.sha256, 32)
    problems = []
    if pkt[16:48] != nonce:
        problems.append("nonce differs from CALL_CONNECT_ACK")
    chash = h(cert_der).digest() + b"\x00" * (32 - n)
    if pkt[48:80] != chash:
        problems.append("certificate hash %s, expected %s" % (pkt[48:80].hex(), chash.hex()))
    cmk = hmac.new(hlak, b"SSTP inner method derived CMK" + bytes([n, 0, 1]), h).digest()
    mac = hmac.new(cmk, pkt[:80] + b"\x00" * 32, h).digest() + b"\x00" * (32 - n)
    if not hmac.compare_digest(pkt[80:112], mac):
        problems.append("compound MAC %s, expected %s" % (pkt[80:112].hex(), mac.hex()))
    return problems


class Pool:
    def __init__(self, first, last):
        self.free = [str(ipaddress.IPv4Address(a)) for a in
                     range(int(ipaddress.IPv4Address(first)), int(ipaddress.IPv4Address(last)) + 1)]
        self.lock = threading.Lock()

    def take(self):
        with self.lock:
            return self.free.pop(0) if self.free else None

    def give(self, a):
        with self.lock:
            self.free.append(a)


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", name.encode(), 0x0001 | 0x1000))  # TUNSETIFF, TUN|NO_PI
    return fd


class Call:
    def __init__(self, raw, cfg, index, pool):
        self.raw, self.cfg, self.index, self.pool = raw, cfg, index, pool
        self.notes, self.identity, self.client_ip, self.tun = [], None, None, None
        self.magic = os.urandom(4)
        self.peer_mru = 1500
        self.nonce = os.urandom(32)
        self.state = "http"
        self.buf = b""
        self.auth = self.auth_name = self.hlak = None
        self.auth_order = list(cfg.auth)
        self.lcp = self.ipcp = None
        self.deadline = time.monotonic() + 60.0
        self.last_rx = time.monotonic()
        self.echo_sent = None
        self.echo_asked = False
        self.held = False
        self.up_since = None
        self.extra_pending = {}
        self.radius = radius.Client(cfg.radius, cfg.secret)

    def log(self, msg):
        print("call %d: %s" % (self.index, msg), flush=True)

    def note(self, what):
        if what not in self.notes:
            self.notes.append(what)

    # ---- transport -------------------------------------------------------------------------------
    def send_raw(self, data):
        self.sock.settimeout(10)
        self.sock.sendall(data)
        self.sock.setblocking(False)

    def send_ppp(self, proto, payload):
        frame = b"\xff\x03" + struct.pack(">H", proto) + payload
        if len(frame) > 4091:
            raise CallEnded("gateway bug: PPP frame of %d bytes" % len(frame))
        self.send_raw(struct.pack(">BBH", 0x10, 0, 4 + len(frame)) + frame)

    def recv_some(self, timeout):
        """Read what TLS has (bounded wait); returns False when only the TUN was ready."""
        if not self.sock.pending():
            fds = [self.sock] + ([self.tun] if self.tun is not None else [])
            ready, _, _ = select.select(fds, [], [], max(0.0, timeout))
            if self.tun is not None and self.tun in ready:
                self.from_tun()
            if self.sock not in ready:
                return False
        try:
            data = self.sock.recv(65536)
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
            return False
        if not data:
            raise CallEnded("client closed the connection")
        self.buf += data
        if len(self.buf) > 1 << 20:
            raise CallEnded("client sent over 1 MiB without a complete packet")
        return True

    # ---- the call --------------------------------------------------------------------------------
    def run(self):
        reason = "?"
        try:
            self.tls_accept()
            self.http()
            self.loop()
        except CallEnded as e:
            reason = str(e)
        except (OSError, Malformed, radius.RadiusError) as e:
            reason = "%s: %s" % (type(e).__name__, e)
        except Exception as e:  # noqa: BLE001 - a gateway bug must end the call visibly, not the thread silently
            traceback.print_exc()
            reason = "GATEWAY BUG %s: %s" % (type(e).__name__, e)
        finally:
            self.log("notes: %s" % (" ".join(self.notes) or "none"))
            self.log("ended: %s" % reason)
            self.teardown()

    def teardown(self):
        if self.tun is not None:
            os.close(self.tun)
        if self.client_ip:
            self.pool.give(self.client_ip)
        self.radius.close()
        try:
            self.sock.close()
        except (OSError, AttributeError):
            self.raw.close()

    def tls_accept(self):
        self.raw.settimeout(30)
        try:
            self.sock = self.cfg.ctx.wrap_socket(self.raw, server_side=True)
        except (ssl.SSLError, OSError) as e:
            raise CallEnded("TLS handshake failed: %s" % e)
        peer = self.sock.getpeercert()
        cn = [v for rdn in (peer or {}).get("subject", ()) for k, v in rdn if k == "commonName"]
        self.log("TLS %s %s, client certificate: %s" % (self.sock.version(), self.sock.cipher()[0],
                                                           ("CN=" + cn[0]) if cn else "none"))

    def http(self):
        end = time.monotonic() + 60.0
        self.sock.setblocking(False)
        while b"\r\n\r\n" not in self.buf:
            if len(self.buf) > HTTP_MAX:
                raise CallEnded("HTTP request head over %d bytes" % HTTP_MAX)
            if time.monotonic() > end:
                raise CallEnded("no HTTP request within 60 s")
            self.recv_some(end - time.monotonic())
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        line = head.split(b"\r\n", 1)[0].split(b" ")
        if len(line) != 3 or line[0] != b"SSTP_DUPLEX_POST" or line[1].split(b"?")[0] != SSTP_URI:
            self.send_raw(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            raise CallEnded("not an SSTP request: %r" % head[:80])
        date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())
        if self.cfg.variant == "rras":
            self.send_raw(("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n"
                           "Server: Microsoft-HTTPAPI/2.0\r\nDate: %s\r\n\r\n" % date).encode())
        else:
            self.send_raw(b"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\n")
        self.state = "wait-connect-request"

    def loop(self):
        while True:
            now = time.monotonic()
            self.timers(now)
            while len(self.buf) >= 4:
                if self.buf[0] != 0x10:
                    raise CallEnded("SSTP version 0x%02x" % self.buf[0])
                length = struct.unpack(">H", self.buf[2:4])[0] & 0x0fff
                if length < 4 or (self.buf[1] & 1 and length < 8):
                    raise CallEnded("SSTP length %d" % length)
                if len(self.buf) < length:
                    break
                pkt, self.buf = self.buf[:length], self.buf[length:]
                self.last_rx, self.echo_sent = time.monotonic(), None
                if pkt[1] & 1:
                    self.on_control(pkt)
                else:
                    self.on_data(pkt[4:])
            self.recv_some(0.5)

    def timers(self, now):
        if now >= self.deadline:
            raise CallEnded("timed out in state %s" % self.state)
        if self.lcp is not None:
            self.lcp.tick(now)
        if self.ipcp is not None:
            self.ipcp.tick(now)
        if self.auth is not None and self.hlak is None:
            res = self.auth.tick(now)
            if res:
                self.auth_result(now, res)
        for proto, (t, n, pkt) in list(self.extra_pending.items()):
            if now >= t:
                if n >= 3:
                    self.note("%s-unanswered" % PROTO_NAMES[proto])
                    del self.extra_pending[proto]
                else:
                    self.send_ppp(proto, pkt)
                    self.extra_pending[proto] = (now + 3.0, n + 1, pkt)
        if self.state == "connected":
            if self.cfg.hold and not self.held and now - self.up_since >= self.cfg.hold:
                self.held = True
                self.log("held %d s: the call is still up" % self.cfg.hold)
            if self.cfg.session_timeout and now - self.up_since >= self.cfg.session_timeout:
                self.disconnect("session timeout of %d s" % self.cfg.session_timeout)
            idle = now - self.last_rx
            if self.echo_sent is None and idle >= self.cfg.hello:
                self.send_raw(sstp_control(ECHO_REQ))
                self.echo_sent, self.echo_asked = now, True
            elif self.echo_sent is not None and now - self.echo_sent >= self.cfg.hello:
                raise CallEnded("no answer to the SSTP echo for %d s" % self.cfg.hello)

    # ---- SSTP control ----------------------------------------------------------------------------
    def on_control(self, pkt):
        mtype, nattr = struct.unpack(">HH", pkt[4:8])
        if mtype == CONNECT_REQ and self.state == "wait-connect-request":
            if len(pkt) != 14 or nattr != 1 or pkt[8:14] != b"\x00\x01\x00\x06\x00\x01":
                self.send_raw(sstp_control(CONNECT_NAK, struct.pack(">BBHBBBBI", 0, 2, 12, 0, 0, 0, 1, 4), 1))
                raise CallEnded("malformed CALL_CONNECT_REQUEST %s" % pkt.hex())
            ack = struct.pack(">BBHBBBB", 0, 4, 40, 0, 0, 0, self.cfg.hash_bitmask) + self.nonce
            self.send_raw(sstp_control(CONNECT_ACK, ack, 1))
            self.state = "ppp"
            self.start_lcp(time.monotonic())
        elif mtype == CONNECTED and self.state == "authenticated":
            nonce = bytes([self.nonce[0] ^ 0xff]) + self.nonce[1:] if self.cfg.corrupt_nonce else self.nonce
            problems = binding_problems(pkt, self.hlak, self.cfg.cert_der, nonce, self.cfg.hash_bitmask)
            if problems:
                self.log("binding MISMATCH: " + "; ".join(problems))
                self.abort("crypto binding mismatch", 3)
            self.log("binding ok (%s, nonce, certificate hash, compound MAC; method %s)" %
                     ("SHA-256" if pkt[15] == 2 else "SHA-1", self.auth_name))
            self.state = "connected"
            self.up_since = time.monotonic()
            self.deadline = float("inf")
            self.maybe_tun()
        elif mtype == ECHO_REQ:
            self.send_raw(sstp_control(ECHO_RESP))
        elif mtype == ECHO_RESP:
            if self.echo_asked and "SSTP-echo-answered" not in self.notes:
                self.note("SSTP-echo-answered")
                self.log("the client answered our SSTP ECHO_REQUEST")
        elif mtype == DISCONNECT:
            self.send_raw(sstp_control(DISCONNECT_ACK))
            raise CallEnded("client sent CALL_DISCONNECT")
        elif mtype == ABORT:
            raise CallEnded("client sent CALL_ABORT")
        else:
            self.log("SSTP message %d in state %s" % (mtype, self.state))
            self.abort("unexpected SSTP message %d in state %s" % (mtype, self.state), 0)

    def abort(self, why, attr_id):
        self.send_raw(status_info(attr_id, 4))
        end = time.monotonic() + 3.0
        while time.monotonic() < end:     # ABORT_STATE_TIMER_1: wait for the client's answer
            try:
                self.recv_some(end - time.monotonic())
            except CallEnded:
                break
        raise CallEnded("aborted: " + why)

    def disconnect(self, why):
        self.lcp.ident = (self.lcp.ident + 1) & 0xff
        self.send_ppp(LCP, cp_build(TERMREQ, self.lcp.ident, b"session timeout"))
        self.send_raw(sstp_control(DISCONNECT, struct.pack(">BBHBBBBI", 0, 2, 12, 0, 0, 0, 0, 0), 1))
        end = time.monotonic() + 5.0
        while time.monotonic() < end and b"\x00\x07\x00\x00" not in self.buf:
            try:
                self.recv_some(end - time.monotonic())
            except CallEnded:
                break
        raise CallEnded("disconnected: " + why)

    # ---- PPP -------------------------------------------------------------------------------------
    def start_lcp(self, now):
        self.auth_name = self.auth_order[0]
        windows = self.cfg.variant == "rras"
        mru = 4091 if windows else 1500
        self.lcp = Negotiation(self, LCP, lcp_server_opts(self.auth_name, mru, self.magic, windows),
                               lcp_peer_policy(self), self.lcp_nak)
        self.lcp.send_request(now)

    def lcp_nak(self, ours, nak):
        for t, v in nak:
            if t == 3:
                want = auth_from_option(v)
                nxt = want if want in self.auth_order else None
                self.note("client-nak-auth-%s" % (want or v.hex()))
                if nxt is None:
                    rest = [a for a in self.auth_order if a != self.auth_name]
                    if not rest:
                        raise CallEnded("client refuses every allowed authentication method")
                    nxt = rest[0]
                self.auth_order.remove(self.auth_name)
                self.auth_name = nxt
                ours = [(ot, auth_option(nxt) if ot == 3 else ov) for ot, ov in ours]
        return ours

    def on_data(self, frame):
        if frame[:2] == b"\xff\x03":
            frame = frame[2:]
        if len(frame) < 2:
            raise Malformed("PPP frame of %d bytes" % len(frame))
        proto = struct.unpack(">H", frame[:2])[0]
        data = frame[2:]
        now = time.monotonic()
        if proto == 0x0021:
            if self.state != "connected":
                self.note("data-before-CALL_CONNECTED")
            elif self.tun is not None:
                os.write(self.tun, data)
            return
        if proto == IPCP and self.state != "connected" and data[:1] == bytes([CONFREQ]):
            self.note("client-IPCP-ConfReq-before-CALL_CONNECTED")
        try:
            self.on_ppp(now, proto, data)
        except Malformed as e:
            self.log("malformed %s packet dropped: %s" % (PROTO_NAMES.get(proto, hex(proto)), e))

    def on_ppp(self, now, proto, data):
        if proto == LCP:
            return self.on_lcp(now, data)
        if self.lcp is None or not self.lcp.opened():
            return self.log("%s before LCP opened: dropped" % PROTO_NAMES.get(proto, hex(proto)))
        if self.auth is not None and proto == self.auth.proto and self.hlak is None:
            res = self.auth.on_packet(now, data)
            if res:
                self.auth_result(now, res)
        elif proto == IPCP and self.ipcp is not None:
            code, ident, payload, _ = cp_parse(data)
            if not self.ipcp.on_packet(now, code, ident, payload) and code == TERMREQ:
                self.send_ppp(IPCP, cp_build(TERMACK, ident, b""))
            self.maybe_tun()
        elif proto in (CCP, BACP):
            code, ident, payload, _ = cp_parse(data)
            self.extra_pending.pop(proto, None)
            self.note("%s-answered-code-%d" % (PROTO_NAMES[proto], code))
            if code == CONFREQ:
                self.send_ppp(proto, cp_build(CONFREJ, ident, payload) if payload else cp_build(CONFACK, ident, b""))
        elif proto in AUTH_PROTOS and self.hlak is not None:
            pass   # late retransmissions of the authentication exchange
        else:
            self.lcp.ident = (self.lcp.ident + 1) & 0xff
            body = struct.pack(">H", proto) + data[:self.peer_mru - 6]
            self.send_ppp(LCP, cp_build(PROTREJ, self.lcp.ident, body))
            self.note("we-protocol-rejected-%s" % PROTO_NAMES.get(proto, hex(proto)))

    def on_lcp(self, now, data):
        code, ident, payload, _ = cp_parse(data)
        if self.lcp.on_packet(now, code, ident, payload):
            if self.lcp.opened() and self.auth is None:
                self.lcp_opened(now)
        elif code == ECHOREQ:
            if self.cfg.no_lcp_echo:
                self.note("LCP-echo-ignored")
            elif self.lcp.opened():
                self.send_ppp(LCP, cp_build(ECHOREP, ident, self.magic + payload[4:self.peer_mru - 8]))
        elif code == TERMREQ:
            self.send_ppp(LCP, cp_build(TERMACK, ident, b""))
            self.note("client-LCP-Terminate")
        elif code == PROTREJ and len(payload) >= 2:
            p = struct.unpack(">H", payload[:2])[0]
            self.extra_pending.pop(p, None)
            self.note("client-protocol-rejected-%s" % PROTO_NAMES.get(p, hex(p)))
        elif code == CODEREJ and len(payload) >= 1:
            self.note("client-code-rejected-%d" % payload[0])
        elif code not in (ECHOREP, 11, IDENT, TERMACK):
            self.send_ppp(LCP, cp_build(CODEREJ, ident, data[:self.peer_mru - 4]))

    def lcp_opened(self, now):
        self.log("LCP opened (auth %s, client MRU %d)" % (self.auth_name, self.peer_mru))
        if self.cfg.variant == "rras":
            for msg in (b"MSRASV5.20", b"MSRAS-0-" + self.cfg.server_name.encode()):
                self.lcp.ident = (self.lcp.ident + 1) & 0xff
                self.send_ppp(LCP, cp_build(IDENT, self.lcp.ident, self.magic + msg))
        self.auth = AUTHS[self.auth_name](self)
        self.auth.start(now)

    def auth_result(self, now, res):
        if res[0] != "ok":
            self.log("authentication failed: %s" % res[1])
            self.lcp.ident = (self.lcp.ident + 1) & 0xff
            self.send_ppp(LCP, cp_build(TERMREQ, self.lcp.ident, b""))
            self.send_raw(sstp_control(DISCONNECT, struct.pack(">BBHBBBBI", 0, 2, 12, 0, 0, 0, 0, 0), 1))
            time.sleep(1)
            raise CallEnded("authentication failed")
        self.hlak = res[1]
        self.state = "authenticated"
        self.deadline = now + 60.0     # CALL_CONNECTED must come within 60 s ([MS-SSTP] 3.3.2.1)
        self.log("authentication %s ok for %s" % (self.auth_name, self.identity))
        if self.cfg.variant == "rras":
            for proto, opt in ((CCP, b"\x12\x06\x01\x00\x00\x40"), (BACP, b"\x01\x06" + self.magic)):
                pkt = cp_build(CONFREQ, 1, opt)
                self.send_ppp(proto, pkt)
                self.extra_pending[proto] = (now + 3.0, 1, pkt)
        self.client_ip = self.pool.take()
        if self.client_ip is None:
            raise CallEnded("address pool exhausted")
        self.ipcp = Negotiation(self, IPCP, [(3, socket.inet_aton(self.cfg.server_ip))], ipcp_peer_policy(self))
        self.ipcp.send_request(now)
        self.client_ip_raw = socket.inet_aton(self.client_ip)

    def maybe_tun(self):
        if self.tun is not None or self.state != "connected" or not self.ipcp.opened():
            return
        name = "rg%dc%d" % (self.cfg.port, self.index)
        self.tun = open_tun(name)
        mtu = str(min(self.peer_mru, 1400))
        for cmd in (["ip", "addr", "add", self.cfg.server_ip, "peer", self.client_ip + "/32", "dev", name],
                    ["ip", "link", "set", name, "mtu", mtu, "up"]):
            subprocess.run(cmd, check=True)
        self.log("IPCP opened: client %s, data path on %s" % (self.client_ip, name))

    def from_tun(self):
        pkt = os.read(self.tun, 65535)
        if len(pkt) + 4 <= min(self.peer_mru, 4087) + 4 and self.state == "connected":
            self.send_ppp(0x0021, pkt)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--listen", default="0.0.0.0:443")
    p.add_argument("--cert", required=True, help="PEM: leaf first, then the chain")
    p.add_argument("--key", required=True)
    p.add_argument("--client-ca", help="require an outer-TLS client certificate from this CA "
                   "(MikroTik verify-client-certificate=yes)")
    p.add_argument("--radius", default="127.0.0.1:1812")
    p.add_argument("--secret-file", required=True)
    p.add_argument("--variant", choices=("rras", "mikrotik"), default="rras")
    p.add_argument("--auth", default=None, help="allowed methods in order: eap,peap,mschapv2,pap")
    p.add_argument("--pool", default="10.232.0.10-10.232.0.99")
    p.add_argument("--server-ip", default="10.232.0.254")
    p.add_argument("--dns", default="10.232.0.1,10.232.0.2")
    p.add_argument("--server-name", default="RRAS-GW")
    p.add_argument("--hold", type=int, default=0, help="log 'held SECS s' when a call has been up SECS")
    p.add_argument("--session-timeout", type=int, default=0, help="end each call after SECS, as "
                   "RRAS does on a RADIUS Session-Timeout (0: never)")
    p.add_argument("--hello", type=int, default=60, help="SSTP echo after SECS idle ([MS-SSTP] 3.1.2.3)")
    p.add_argument("--no-lcp-echo", action="store_true")
    p.add_argument("--reuse-eap-id", action="store_true")
    p.add_argument("--corrupt-nonce", action="store_true")
    p.add_argument("--peap-cb", choices=("required", "off", "bad-mac", "tamper"), default="required",
                   help="--auth peap: cryptobinding required and verified (NPS), not sent, sent with "
                   "a wrong Compound MAC, or the client's MAC flipped before the check")
    p.add_argument("--peap-cert", help="--auth peap: the NPS certificate (default: --cert)")
    p.add_argument("--peap-key", help="--auth peap: its key (default: --key)")
    cfg = p.parse_args(argv)
    cfg.auth = (cfg.auth or ("eap" if cfg.variant == "rras" else "mschapv2,pap")).split(",")
    for a in cfg.auth:
        if a not in AUTHS or (cfg.variant == "mikrotik" and a in ("eap", "peap")):
            p.error("method %s not offered by the %s variant" % (a, cfg.variant))
    host, port = cfg.radius.rsplit(":", 1)
    cfg.radius = (host, int(port))
    cfg.secret = open(cfg.secret_file, "rb").readline().rstrip(b"\r\n")
    cfg.dns = [socket.inet_aton(a) for a in cfg.dns.split(",")][:2]
    cfg.hash_bitmask = 0x03 if cfg.variant == "rras" else 0x02
    return cfg


def make_ctx(cfg):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if cfg.variant == "mikrotik":
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    if cfg.client_ca:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(cfg.client_ca)
    ctx.load_cert_chain(cfg.cert, cfg.key)
    return ctx


def main(argv):
    cfg = parse_args(argv)
    cfg.ctx = make_ctx(cfg)
    cfg.cert_der = ssl.PEM_cert_to_DER_cert(open(cfg.cert).read())
    first, last = cfg.pool.split("-")
    pool = Pool(first, last)
    host, port = cfg.listen.rsplit(":", 1)
    cfg.port = int(port)
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host, int(port)))
    srv.listen(16)
    print("rras_gw (%s, auth %s) listening on %s" % (cfg.variant, ",".join(cfg.auth), cfg.listen), flush=True)
    index = 0
    while True:
        raw, _ = srv.accept()
        threading.Thread(target=Call(raw, cfg, index, pool).run, daemon=True).start()
        index += 1


if __name__ == "__main__":
    main(sys.argv[1:])
