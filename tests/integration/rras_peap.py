"""PEAPv0 terminated in the test gateway, as NPS terminates it ([MS-PEAP]): the outer EAP
Identity, PEAP Start, the TLS 1.2 handshake on memory BIOs with NPS-sized fragments (1398 bytes of
TLS data), the inner EAP (header-less, PEAPv0) relayed to RADIUS as plain EAP-MSCHAPv2 (FreeRADIUS
checks the password and returns the inner MS-MPPE keys = the ISK), then the Extensions Request
with the Result TLV and a Cryptobinding TLV request, and the client's Cryptobinding response
VERIFIED (version, subtype, nonce, Compound MAC) as NPS does with "cryptobinding required". The
HLAK is then the first 32 bytes of the MSK derived from the IPMK ([MS-PEAP] 3.1.5.7).

The TLS key material needs the master secret: Python's ssl module writes it to a key log file
(NSS format, by client random), read back here; the client and server randoms come from the
Hello messages on the wire. Modes (--peap-cb): required (default), off (no binding: HLAK = MSK),
bad-mac (our request carries a wrong Compound MAC: the client must refuse), tamper (one bit of
the client's response MAC is flipped before the check: the gateway must refuse).
"""
import hashlib
import hmac
import os
import ssl
import struct
import tempfile

import rras_radius as radius
from rras_auth import Retransmitter, hlak_from
from rras_ppp import EAP, Malformed, cp_build, cp_parse

PEAP = 25
TLV = 33
FLAG_L, FLAG_M, FLAG_S = 0x80, 0x40, 0x20
FRAG = 1398
TLS_MAX = 64 * 1024


def tls12_prf(hash_name, secret, label, seed, n):
    """RFC 5246 section 5 P_hash."""
    seed = label + seed
    out, a = b"", seed
    while len(out) < n:
        a = hmac.new(secret, a, hash_name).digest()
        out += hmac.new(secret, a + seed, hash_name).digest()
    return out[:n]


def prf_plus(key, s, n):
    """[MS-PEAP] PRF+ for PEAPv0: Ti = HMAC-SHA1(K, T(i-1) | S | i | 0 | 0)."""
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = hmac.new(key, t + s + bytes([i, 0, 0]), hashlib.sha1).digest()
        out += t
        i += 1
    return out[:n]


def cb_keys(tk, isk):
    imck = prf_plus(tk[:40], b"Inner Methods Compound Keys" + isk, 60)
    return imck[:40], imck[40:]


def cb_mac(cmk, tlv60):
    return hmac.new(cmk, tlv60[:40] + b"\x00" * 20 + bytes([PEAP]), hashlib.sha1).digest()


def cb_tlv(subtype, nonce, mac=b"\x00" * 20):
    return struct.pack(">HHBBBB", 12, 56, 0, 0, 0, subtype) + nonce + mac


def cb_check(tlv60, cmk, nonce):
    """None when the client's Cryptobinding response TLV (with its header) is right, else why."""
    if len(tlv60) != 60 or struct.unpack(">H", tlv60[2:4])[0] != 56:
        return "Cryptobinding TLV length %d" % (len(tlv60) - 4)
    if tlv60[5] != 0 or tlv60[6] != 0:
        return "version %d / received version %d" % (tlv60[5], tlv60[6])
    if tlv60[7] != 1:
        return "subtype %d, not a response" % tlv60[7]
    if tlv60[8:40] != nonce:
        return "nonce differs from ours"
    if not hmac.compare_digest(cb_mac(cmk, tlv60), tlv60[40:60]):
        return "Compound MAC differs"
    return None


def tlvs_parse(data):
    """{type: value} of an Extensions packet's TLVs (M and R bits dropped); Malformed if cut."""
    out, off = {}, 0
    while off < len(data):
        if off + 4 > len(data):
            raise Malformed("truncated TLV header")
        t, n = struct.unpack(">HH", data[off:off + 4])
        if off + 4 + n > len(data):
            raise Malformed("TLV length %d past the packet" % n)
        out[t & 0x3FFF] = data[off:off + 4 + n]
        off += 4 + n
    return out


_CTX = {}


def peap_ctx(cfg):
    """One server context per gateway, TLS 1.2 only, keys logged to a private (0600) file."""
    if "ctx" not in _CTX:
        # next to the RADIUS secret: the rig's private directory, removed with the rig
        fd, path = tempfile.mkstemp(prefix="rras-peap-keys.",
                                    dir=os.path.dirname(os.path.abspath(cfg.secret_file)))
        os.close(fd)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.options |= ssl.OP_NO_TICKET
        ctx.load_cert_chain(cfg.peap_cert or cfg.cert, cfg.peap_key or cfg.key)
        ctx.keylog_filename = path
        _CTX["ctx"], _CTX["keylog"] = ctx, path
    return _CTX["ctx"], _CTX["keylog"]


class PeapAuth:
    proto = EAP

    def __init__(self, call):
        self.call = call
        self.mode = getattr(call.cfg, "peap_cb", "required") or "required"
        self.rt = Retransmitter(call, EAP)
        self.ident = os.urandom(1)[0]
        self.phase = "identity"
        self.rx, self.rx_total = b"", None
        self.tx, self.tx_off = b"", 0
        ctx, self.keylog = peap_ctx(call.cfg)
        self.bin, self.bout = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.tls = ctx.wrap_bio(self.bin, self.bout, server_side=True)
        self.cr = self.sr = self.tk = None
        self.inner_id, self.rstate, self.user, self.isk = 0, None, None, None
        self.nonce = self.cmk = self.ipmk = None
        self.success_sent = False

    # ---- outer EAP -------------------------------------------------------------------------------
    def start(self, now):
        self.rt.send(now, cp_build(1, self.ident, b"\x01"))

    def tick(self, now):
        return self.rt.tick(now)

    def _request(self, now, body):
        self.ident = (self.ident + 1) & 0xFF
        self.rt.send(now, cp_build(1, self.ident, body))

    def _end(self, ok):
        self.rt.stop()
        self.call.send_ppp(EAP, cp_build(3 if ok else 4, self.ident, b""))

    def _send_flight(self, now, data):
        self.tx, self.tx_off = data, 0
        self._next_fragment(now)

    def _next_fragment(self, now):
        left = len(self.tx) - self.tx_off
        n = min(left, FRAG)
        flags = (FLAG_M if n < left else 0) | (FLAG_L if self.tx_off == 0 and n < left else 0)
        hdr = bytes([PEAP, flags]) + (struct.pack(">I", len(self.tx)) if flags & FLAG_L else b"")
        self._request(now, hdr + self.tx[self.tx_off:self.tx_off + n])
        self.tx_off += n
        if self.tx_off >= len(self.tx):
            self.tx, self.tx_off = b"", 0

    def on_packet(self, now, data):
        code, ident, body, _ = cp_parse(data)
        if code != 2 or ident != self.ident:
            self.call.log("EAP code %d id %d dropped (expecting a Response, id %d)" % (code, ident, self.ident))
            return None
        if len(body) < 1:
            raise Malformed("EAP Response without a type")
        self.rt.stop()
        if self.phase == "identity":
            if body[0] != 1:
                raise Malformed("first EAP Response is type %d, not Identity" % body[0])
            self.call.identity = body[1:].decode("utf-8", "replace")
            self.phase = "tls"
            self._request(now, bytes([PEAP, FLAG_S]))   # PEAP Start, version 0
            return None
        if body[0] == 3:
            self._end(False)
            return ("fail", "client Nak'ed PEAP (offers %s)" % ",".join(str(b) for b in body[1:]))
        if body[0] != PEAP or len(body) < 2:
            raise Malformed("EAP Response type %d during PEAP" % body[0])
        return self._peap(now, body[1], body[2:])

    def _peap(self, now, flags, rest):
        if flags & FLAG_L:
            if len(rest) < 4:
                raise Malformed("L flag without a length")
            total, rest = struct.unpack(">I", rest[:4])[0], rest[4:]
            if total > TLS_MAX or (self.rx_total is not None and total != self.rx_total):
                raise Malformed("TLS Message Length %d" % total)
            self.rx_total = total
        if self.tx:
            if rest:
                raise Malformed("data while our fragments were unacknowledged")
            self._next_fragment(now)
            return None
        self.rx += rest
        if len(self.rx) > TLS_MAX:
            raise Malformed("over %d bytes of TLS data" % TLS_MAX)
        if flags & FLAG_M:
            self._request(now, bytes([PEAP, 0]))        # ack the fragment
            return None
        msg, self.rx, self.rx_total = self.rx, b"", None
        if self.phase == "tls":
            return self._handshake(now, msg)
        return self._tunnel(now, msg)

    # ---- TLS -------------------------------------------------------------------------------------
    def _handshake(self, now, msg):
        if self.cr is None and len(msg) >= 43 and msg[0] == 22 and msg[5] == 1:
            self.cr = msg[11:43]
        self.bin.write(msg)
        try:
            self.tls.do_handshake()
            done = True
        except ssl.SSLWantReadError:
            done = False
        except ssl.SSLError as e:
            self._end(False)
            return ("fail", "PEAP TLS handshake failed: %s" % e)
        out = self.bout.read()
        if self.sr is None and len(out) >= 43 and out[0] == 22 and out[5] == 2:
            self.sr = out[11:43]
        if done:
            self.phase = "tunnel-start"
            self._derive_tk()
            self.call.log("PEAP TLS %s %s" % (self.tls.version(), self.tls.cipher()[0]))
        if out:
            self._send_flight(now, out)
        elif done:
            return self._inner_identity(now)
        else:
            self._request(now, bytes([PEAP, 0]))
        return None

    def _derive_tk(self):
        ms = None
        with open(self.keylog) as f:
            for line in f:
                p = line.split()
                if len(p) == 3 and p[0] == "CLIENT_RANDOM" and bytes.fromhex(p[1]) == self.cr:
                    ms = bytes.fromhex(p[2])
        if ms is None or self.sr is None:
            raise Malformed("no TLS master secret or server random for this tunnel (gateway bug)")
        h = "sha384" if self.tls.cipher()[0].endswith("SHA384") else "sha256"
        self.tk = tls12_prf(h, ms, b"client EAP encryption", self.cr + self.sr, 128)

    def _seal(self, now, plain):
        self.tls.write(plain)
        self._send_flight(now, self.bout.read())

    def _inner_identity(self, now):
        self.phase = "inner"
        self._seal(now, b"\x01")                        # header-less inner Identity Request
        return None

    def _tunnel(self, now, msg):
        if self.phase == "tunnel-start":
            if msg:
                raise Malformed("client sent tunnel data before our first inner request")
            return self._inner_identity(now)
        self.bin.write(msg)
        plain = b""
        try:
            while True:
                chunk = self.tls.read(16384)
                if not chunk:
                    break
                plain += chunk
        except ssl.SSLWantReadError:
            pass
        except ssl.SSLError as e:
            self._end(False)
            return ("fail", "PEAP tunnel: %s" % e)
        if not plain:
            raise Malformed("PEAP Response without inner data")
        if self.phase == "extensions":
            return self._extensions_response(now, plain)
        return self._inner(now, plain)

    # ---- inner EAP-MSCHAPv2 through RADIUS ---------------------------------------------------------
    def _inner(self, now, plain):
        if self.user is None:
            if plain[0] != 1:
                raise Malformed("first inner Response is type %d, not Identity" % plain[0])
            self.user = plain[1:] or b"anonymous"
            self.call.log("PEAP inner identity %s" % self.user.decode("utf-8", "replace"))
        pkt = cp_build(2, self.inner_id, plain)
        reply = self.call.radius.eap(self.user, self.call.index, pkt, self.rstate)
        self.rstate = reply.state()
        eap = reply.eap()
        if reply.code == radius.ACCESS_CHALLENGE:
            if eap is None or len(eap) < 5:
                self._end(False)
                return ("fail", "Access-Challenge without EAP-Message")
            self.inner_id = eap[1]
            self._seal(now, eap[4:])                    # header-less, as PEAPv0 sends it
            return None
        if reply.code != radius.ACCESS_ACCEPT:
            self.call.log("inner RADIUS Access-Reject: Result TLV failure")
            self.isk = None
            return self._send_extensions(now, success=False)
        self.isk = hlak_from(reply)
        if self.isk is None:
            self._end(False)
            return ("fail", "inner Access-Accept without MS-MPPE keys")
        return self._send_extensions(now, success=True)

    def _send_extensions(self, now, success):
        body = bytes([TLV]) + struct.pack(">BBHH", 0x80, 3, 2, 1 if success else 2)
        if success and self.mode != "off":
            self.ipmk, self.cmk = cb_keys(self.tk, self.isk)
            self.nonce = os.urandom(32)
            tlv = cb_tlv(0, self.nonce)
            mac = cb_mac(self.cmk, tlv)
            if self.mode == "bad-mac":
                mac = bytes([mac[0] ^ 1]) + mac[1:]
            body += tlv[:40] + mac
        self.phase = "extensions"
        self.success_sent = success
        self.inner_id = (self.inner_id + 1) & 0xFF
        self._seal(now, cp_build(1, self.inner_id, body))   # Extensions keep their EAP header
        return None

    def _extensions_response(self, now, plain):
        code, ident, body, _ = cp_parse(plain)
        if code != 2 or not body or body[0] != TLV:
            raise Malformed("inner Response code %d type %s, not Extensions" % (code, body[:1].hex()))
        tlvs = tlvs_parse(body[1:])
        result = tlvs.get(3)
        ok = result is not None and len(result) == 6 and result[4:6] == b"\x00\x01"
        if not self.success_sent or not ok:
            self._end(False)
            return ("fail", "PEAP Result TLV failure (inner authentication failed)")
        if self.mode == "off":
            self._end(True)
            return ("ok", self.tk[:32])
        cb = tlvs.get(12)
        if cb is None:
            self._end(False)
            return ("fail", "cryptobinding REQUIRED but the client sent no Cryptobinding TLV")
        if self.mode == "tamper":
            cb = cb[:59] + bytes([cb[59] ^ 1])
        why = cb_check(cb, self.cmk, self.nonce)
        if why is not None:
            self.call.log("PEAP cryptobinding MISMATCH: %s" % why)
            self._end(False)
            return ("fail", "PEAP cryptobinding MISMATCH: %s" % why)
        self.call.log("PEAP cryptobinding ok (nonce and Compound MAC verified)")
        self._end(True)
        return ("ok", prf_plus(self.ipmk, b"Session Key Generating Function\x00", 64)[:32])
