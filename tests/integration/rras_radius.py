"""RADIUS client of the test gateway (rras_gw.py): the requests a Windows RRAS server sends to NPS.

RFC 2865 packets (User-Name, User-Password, NAS attributes, State), RFC 3579 EAP-Message and
Message-Authenticator, RFC 2548 Microsoft attributes (MS-CHAP-Challenge, MS-CHAP2-Response,
MS-CHAP2-Success, MS-CHAP-Error, MS-MPPE-Send-Key/Recv-Key with the key decryption of 2.4.2/2.4.3).
Every length read from a reply is checked before use; a reply that fails the checks is dropped as
if it never came (the request is retransmitted, then the call fails).
"""
import hashlib
import hmac
import os
import socket
import struct

ACCESS_REQUEST, ACCESS_ACCEPT, ACCESS_REJECT, ACCESS_CHALLENGE = 1, 2, 3, 11
USER_NAME, USER_PASSWORD, NAS_IP, NAS_PORT, SERVICE_TYPE, FRAMED_PROTOCOL = 1, 2, 4, 5, 6, 7
FRAMED_MTU, REPLY_MESSAGE, STATE, VENDOR, CALLED_ID, CALLING_ID = 12, 18, 24, 26, 30, 31
NAS_PORT_TYPE, EAP_MESSAGE, MESSAGE_AUTH, NAS_IDENTIFIER = 61, 79, 80, 32
MS_VENDOR = 311
MS_CHAP_ERROR, MS_CHAP_CHALLENGE, MS_MPPE_SEND, MS_MPPE_RECV = 2, 11, 16, 17
MS_CHAP2_RESPONSE, MS_CHAP2_SUCCESS = 25, 26
MAX_PACKET = 4096


class RadiusError(Exception):
    pass


def attr(t, value):
    if len(value) > 253:
        raise RadiusError("attribute %d too long (%d)" % (t, len(value)))
    return bytes([t, 2 + len(value)]) + value


def vsa(vtype, value):
    return attr(VENDOR, struct.pack(">I", MS_VENDOR) + bytes([vtype, 2 + len(value)]) + value)


def parse_attrs(body):
    """[(type, value)] of an attribute list; RadiusError on any length that does not fit."""
    out, off = [], 0
    while off < len(body):
        if off + 2 > len(body):
            raise RadiusError("truncated attribute header")
        t, ln = body[off], body[off + 1]
        if ln < 2 or off + ln > len(body):
            raise RadiusError("attribute %d length %d does not fit" % (t, ln))
        out.append((t, body[off + 2:off + ln]))
        off += ln
    return out


def ms_attrs(attrs):
    """{vendor type: [value]} for the Microsoft vendor-specific attributes."""
    out = {}
    for t, v in attrs:
        if t != VENDOR or len(v) < 4 or struct.unpack(">I", v[:4])[0] != MS_VENDOR:
            continue
        for vt, vv in parse_attrs(v[4:]):
            out.setdefault(vt, []).append(vv)
    return out


def decrypt_mppe_key(secret, req_auth, value):
    """RFC 2548 2.4.2: Salt(2) || ciphertext (multiple of 16); plaintext = Key-Length || key || pad."""
    if len(value) < 2 + 16 or (len(value) - 2) % 16:
        raise RadiusError("MS-MPPE key of %d bytes" % len(value))
    salt, c = value[:2], value[2:]
    plain, prev = b"", req_auth + salt
    for i in range(0, len(c), 16):
        b = hashlib.md5(secret + prev).digest()
        block = c[i:i + 16]
        plain += bytes(x ^ y for x, y in zip(block, b))
        prev = block
    klen = plain[0]
    if klen == 0 or klen > len(plain) - 1:
        raise RadiusError("MS-MPPE key length %d of %d" % (klen, len(plain) - 1))
    return plain[1:1 + klen]


def encrypt_password(secret, req_auth, password):
    p = password[:128] + b"\x00" * (-len(password[:128]) % 16)
    p = p or b"\x00" * 16
    out, prev = b"", req_auth
    for i in range(0, len(p), 16):
        b = hashlib.md5(secret + prev).digest()
        block = bytes(x ^ y for x, y in zip(p[i:i + 16], b))
        out += block
        prev = block
    return out


class Reply:
    def __init__(self, code, attrs, req_auth, secret):
        self.code = code
        self.attrs = attrs
        self.ms = ms_attrs(attrs)
        self.req_auth = req_auth
        self.secret = secret

    def get(self, t):
        return [v for a, v in self.attrs if a == t]

    def eap(self):
        parts = self.get(EAP_MESSAGE)
        return b"".join(parts) if parts else None

    def state(self):
        s = self.get(STATE)
        return s[0] if s else None

    def msk_keys(self):
        """(Recv-Key, Send-Key) decrypted, or None when the reply carries no MPPE keys."""
        if MS_MPPE_RECV not in self.ms or MS_MPPE_SEND not in self.ms:
            return None
        return (decrypt_mppe_key(self.secret, self.req_auth, self.ms[MS_MPPE_RECV][0]),
                decrypt_mppe_key(self.secret, self.req_auth, self.ms[MS_MPPE_SEND][0]))


class Client:
    """One NAS talking to one RADIUS server over UDP; requests are synchronous."""

    def __init__(self, server, secret, nas_id="rras-gw", tries=3, wait=3.0):
        self.server = server
        self.secret = secret
        self.nas_id = nas_id
        self.tries = tries
        self.wait = wait
        self.ident = 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.connect(server)

    def close(self):
        self.sock.close()

    def _base_attrs(self, user, port):
        return (attr(USER_NAME, user[:253]) + attr(NAS_IDENTIFIER, self.nas_id.encode()) +
                attr(NAS_IP, socket.inet_aton("127.0.0.1")) + attr(NAS_PORT, struct.pack(">I", port)) +
                attr(NAS_PORT_TYPE, struct.pack(">I", 5)) +        # Virtual (what RRAS sends for VPN)
                attr(SERVICE_TYPE, struct.pack(">I", 2)) +         # Framed
                attr(FRAMED_PROTOCOL, struct.pack(">I", 1)) +      # PPP
                attr(CALLING_ID, b"10.231.0.2") + attr(CALLED_ID, b"10.231.0.1"))

    def request(self, user, port, extra, with_ma=True, password=None):
        """Send an Access-Request (extra: encoded attributes); returns the verified Reply."""
        self.ident = (self.ident + 1) & 0xff
        req_auth = os.urandom(16)
        attrs = self._base_attrs(user, port) + extra
        if password is not None:
            attrs += attr(USER_PASSWORD, encrypt_password(self.secret, req_auth, password))
        if with_ma:
            attrs += attr(MESSAGE_AUTH, b"\x00" * 16)
        pkt = bytearray(struct.pack(">BBH", ACCESS_REQUEST, self.ident, 20 + len(attrs)) + req_auth + attrs)
        if len(pkt) > MAX_PACKET:
            raise RadiusError("Access-Request of %d bytes" % len(pkt))
        if with_ma:
            pkt[-16:] = hmac.new(self.secret, bytes(pkt), hashlib.md5).digest()
        for _ in range(self.tries):
            self.sock.send(bytes(pkt))
            self.sock.settimeout(self.wait)
            try:
                while True:
                    data = self.sock.recv(MAX_PACKET + 1)
                    reply = self._check(data, req_auth)
                    if reply is not None:
                        return reply
            except socket.timeout:
                continue
        raise RadiusError("no valid answer from the RADIUS server after %d tries" % self.tries)

    def _check(self, data, req_auth):
        if len(data) < 20 or len(data) > MAX_PACKET:
            return None
        code, ident, length = struct.unpack(">BBH", data[:4])
        if ident != self.ident or length < 20 or length > len(data):
            return None
        data = data[:length]
        expect = hashlib.md5(data[:4] + req_auth + data[20:] + self.secret).digest()
        if not hmac.compare_digest(expect, data[4:20]):
            print("radius: reply with a wrong Response Authenticator dropped", flush=True)
            return None
        try:
            attrs = parse_attrs(data[20:])
        except RadiusError as e:
            print("radius: malformed reply dropped:", e, flush=True)
            return None
        ma = [i for i, (t, _) in enumerate(attrs) if t == MESSAGE_AUTH]
        if ma:
            off, i = 20, 0
            for t, v in attrs:   # locate the attribute's bytes to zero them
                if i == ma[0]:
                    break
                off += 2 + len(v)
                i += 1
            zeroed = data[:4] + req_auth + data[20:off + 2] + b"\x00" * 16 + data[off + 18:]
            if len(attrs[ma[0]][1]) != 16 or not hmac.compare_digest(
                    hmac.new(self.secret, zeroed, hashlib.md5).digest(), attrs[ma[0]][1]):
                print("radius: reply with a wrong Message-Authenticator dropped", flush=True)
                return None
        elif any(t == EAP_MESSAGE for t, _ in attrs):
            print("radius: EAP reply without Message-Authenticator dropped (RFC 3579 3.2)", flush=True)
            return None
        return Reply(code, attrs, req_auth, self.secret)

    def eap(self, user, port, eap_msg, state):
        extra = b"".join(attr(EAP_MESSAGE, eap_msg[i:i + 253]) for i in range(0, len(eap_msg), 253))
        extra += attr(FRAMED_MTU, struct.pack(">I", 1500))
        if state is not None:
            extra += attr(STATE, state)
        return self.request(user, port, extra)

    def mschapv2(self, user, port, challenge, ident, response49):
        """response49: the CHAP Response value (PeerChallenge, 8 zero, NT-Response, Flags)."""
        value = bytes([ident, response49[48]]) + response49[:16] + response49[16:24] + response49[24:48]
        return self.request(user, port, vsa(MS_CHAP_CHALLENGE, challenge) + vsa(MS_CHAP2_RESPONSE, value))

    def pap(self, user, port, password):
        return self.request(user, port, b"", password=password)
