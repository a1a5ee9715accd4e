"""Authenticators of the test gateway (rras_gw.py): PAP, MS-CHAPv2 (CHAP algorithm 0x81) and EAP
pass-through, each forwarding to RADIUS as RRAS forwards to NPS. `on_packet` returns None while the
exchange goes on, ("ok", hlak) or ("fail", reason) at its end. HLAK ([MS-SSTP] 3.2.5.2): PAP 32 zero
bytes; MS-CHAPv2 and EAP: MS-MPPE-Recv-Key || MS-MPPE-Send-Key (server view, i.e. the client's
MasterSendKey first), first 32 bytes; for EAP-TLS that is MSK[0..31].
"""
import os
import struct

import rras_radius as radius
from rras_ppp import PAP, CHAP, EAP, Malformed, cp_build, cp_parse


def hlak_from(reply):
    keys = reply.msk_keys()
    if keys is None:
        return None
    return (keys[0] + keys[1] + b"\x00" * 32)[:32]


class Retransmitter:
    def __init__(self, call, proto):
        self.call, self.proto = call, proto
        self.last, self.deadline, self.tries = None, None, 0

    def send(self, now, pkt):
        self.last, self.tries, self.deadline = pkt, 1, now + 3.0
        self.call.send_ppp(self.proto, pkt)

    def tick(self, now):
        if self.last is None or now < self.deadline:
            return None
        if self.tries >= 10:
            return ("fail", "client silent during authentication")
        self.tries += 1
        self.deadline = now + 3.0
        self.call.send_ppp(self.proto, self.last)
        return None

    def stop(self):
        self.last = None


class PapAuth:
    proto = PAP

    def __init__(self, call):
        self.call = call

    def start(self, now):
        self.deadline = now + 60.0   # the client speaks first

    def tick(self, now):
        return ("fail", "no PAP Authenticate-Request") if now >= self.deadline else None

    def on_packet(self, now, data):
        code, ident, body, _ = cp_parse(data)
        if code != 1:
            return None
        if len(body) < 1 or 1 + body[0] + 1 > len(body):
            raise Malformed("PAP peer-id length")
        user = body[1:1 + body[0]]
        off = 1 + body[0]
        if off + 1 + body[off] > len(body):
            raise Malformed("PAP password length")
        password = body[off + 1:off + 1 + body[off]]
        reply = self.call.radius.pap(user, self.call.index, password)
        ok = reply.code == radius.ACCESS_ACCEPT
        msg = b"Login ok" if ok else b"Authentication failed"
        trailer = b"\x00\x00\x00\x00" if self.call.cfg.variant == "mikrotik" else b""
        # MikroTik's Ack carries bytes after the message (Msg-Length still covers the message only)
        self.call.send_ppp(PAP, cp_build(2 if ok else 3, ident, bytes([len(msg)]) + msg + trailer))
        self.call.identity = user.decode("utf-8", "replace")
        return ("ok", b"\x00" * 32) if ok else ("fail", "RADIUS Access-Reject (PAP)")


class ChapAuth:
    proto = CHAP

    def __init__(self, call):
        self.call = call
        self.rt = Retransmitter(call, CHAP)
        self.ident = os.urandom(1)[0]
        self.challenge = os.urandom(16)

    def start(self, now):
        name = self.call.cfg.server_name.encode()
        self.rt.send(now, cp_build(1, self.ident, bytes([16]) + self.challenge + name))

    def tick(self, now):
        return self.rt.tick(now)

    def on_packet(self, now, data):
        code, ident, body, _ = cp_parse(data)
        if code != 2:
            return None
        if ident != self.ident:
            self.call.log("CHAP Response with identifier %d, challenge was %d: dropped" % (ident, self.ident))
            return None
        if len(body) < 1 + 49 or body[0] != 49:
            raise Malformed("MS-CHAPv2 Response value size %s" % (body[0] if body else "missing"))
        self.rt.stop()
        user = body[50:]
        self.call.identity = user.decode("utf-8", "replace")
        reply = self.call.radius.mschapv2(user, self.call.index, self.challenge, ident, body[1:50])
        if reply.code == radius.ACCESS_ACCEPT:
            succ = reply.ms.get(radius.MS_CHAP2_SUCCESS, [b"\x00"])[0][1:]
            self.call.send_ppp(CHAP, cp_build(3, ident, succ + b" M=Access granted"))
            hlak = hlak_from(reply)
            if hlak is None:
                return ("fail", "Access-Accept without MS-MPPE keys")
            return ("ok", hlak)
        err = reply.ms.get(radius.MS_CHAP_ERROR, [b"\x00E=691 R=0 V=3"])[0][1:]
        self.call.send_ppp(CHAP, cp_build(4, ident, err))
        return ("fail", "RADIUS Access-Reject (MS-CHAPv2: %s)" % err.decode("ascii", "replace"))


class EapAuth:
    """EAP pass-through (RFC 3579): the gateway only asks for the identity; every other request is
    the RADIUS server's, sent on unchanged (with --reuse-eap-id: all carry one identifier, as
    some servers do, and the client's answers are mapped back)."""
    proto = EAP

    def __init__(self, call):
        self.call = call
        self.rt = Retransmitter(call, EAP)
        self.ident = os.urandom(1)[0]
        self.state = None
        self.user = None
        self.rounds = 0
        self.fixed_id = self.ident if call.cfg.reuse_eap_id else None

    def start(self, now):
        self.rt.send(now, cp_build(1, self.ident, b"\x01"))

    def tick(self, now):
        return self.rt.tick(now)

    def _to_client(self, now, pkt):
        self.ident = pkt[1]
        if self.fixed_id is not None:
            pkt = pkt[:1] + bytes([self.fixed_id]) + pkt[2:]
        self.rt.send(now, pkt)

    def on_packet(self, now, data):
        code, ident, body, _ = cp_parse(data)
        want = self.fixed_id if self.fixed_id is not None else self.ident
        if code != 2 or ident != want:
            self.call.log("EAP code %d id %d dropped (expecting a Response, id %d)" % (code, ident, want))
            return None
        if len(body) < 1:
            raise Malformed("EAP Response without a type")
        self.rt.stop()
        self.rounds += 1
        if self.rounds > 100:
            return ("fail", "over 100 EAP round trips")
        pkt = data[:struct.unpack(">H", data[2:4])[0]]
        if self.fixed_id is not None:
            pkt = pkt[:1] + bytes([self.ident]) + pkt[2:]
        if self.user is None:
            if body[0] != 1:
                raise Malformed("first EAP Response is type %d, not Identity" % body[0])
            self.user = body[1:] or b"anonymous"
            self.call.identity = self.user.decode("utf-8", "replace")
        if body[0] == 3:
            self.call.note("EAP-Nak to %s" % ",".join(str(b) for b in body[1:]))
        reply = self.call.radius.eap(self.user, self.call.index, pkt, self.state)
        self.state = reply.state()
        eap = reply.eap()
        if reply.code == radius.ACCESS_CHALLENGE:
            if eap is None or len(eap) < 4:
                return ("fail", "Access-Challenge without EAP-Message")
            self._to_client(now, eap)
            return None
        if eap and self.fixed_id is not None:
            eap = eap[:1] + bytes([self.fixed_id]) + eap[2:]
        if reply.code == radius.ACCESS_ACCEPT:
            self.call.send_ppp(EAP, eap if eap else cp_build(3, self.ident, b""))
            hlak = hlak_from(reply)
            if hlak is None:
                return ("fail", "Access-Accept without MS-MPPE keys")
            self.call.log("RADIUS Access-Accept, MS-MPPE-Recv-Key %d + Send-Key %d bytes" %
                          tuple(len(k) for k in reply.msk_keys()))
            return ("ok", hlak)
        self.call.send_ppp(EAP, eap if eap else cp_build(4, self.ident, b""))
        msg = b" ".join(reply.get(radius.REPLY_MESSAGE)).decode("utf-8", "replace")
        return ("fail", "RADIUS Access-Reject (EAP)%s" % (": " + msg if msg else ""))


AUTHS = {"pap": PapAuth, "mschapv2": ChapAuth, "eap": EapAuth}
