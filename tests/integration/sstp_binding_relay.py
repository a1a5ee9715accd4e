#!/usr/bin/env python3
"""Test-only TLS relay that checks the SSTP crypto binding of a client ([MS-SSTP] 3.2.5.2).

It terminates the client's TLS with its own certificate, opens its own TLS connection to the real
SSTP server (SoftEther, which does not check the binding itself) and forwards both byte streams
unchanged, watching them: the nonce of CALL_CONNECT_ACK, the MS-CHAPv2 exchange of a user whose
password it is given, and the client's CALL_CONNECTED. From those it computes the HLAK (RFC 3079
MasterSendKey || MasterReceiveKey, client view), the CMK and the compound MAC over CALL_CONNECTED,
and the SHA-256 of its own certificate, and compares all of it with what the client sent. The
verdict is printed ("binding ok ..." / "binding MISMATCH ..."); on a mismatch the relay drops the
connection, so a client with a wrong binding cannot connect through it.

usage: sstp_binding_relay.py LISTEN_PORT CERT KEY UPSTREAM_HOST UPSTREAM_PORT PASSWORD_FILE
"""
import hashlib
import hmac
import select
import socket
import ssl
import struct
import sys
import threading


def md4(data):
    """RFC 1320 MD4 (hashlib's may be missing with OpenSSL 3)."""
    def f(x, y, z): return (x & y) | (~x & z)
    def g(x, y, z): return (x & y) | (x & z) | (y & z)
    def h(x, y, z): return x ^ y ^ z
    def rol(v, s): return ((v << s) | (v >> (32 - s))) & 0xffffffff
    msg = bytearray(data)
    bitlen = (8 * len(data)) & 0xffffffffffffffff
    msg.append(0x80)
    while len(msg) % 64 != 56:
        msg.append(0)
    msg += struct.pack("<Q", bitlen)
    a, b, c, d = 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476
    for off in range(0, len(msg), 64):
        x = struct.unpack("<16I", msg[off:off + 64])
        aa, bb, cc, dd = a, b, c, d
        for i in (0, 4, 8, 12):
            a = rol((a + f(b, c, d) + x[i]) & 0xffffffff, 3)
            d = rol((d + f(a, b, c) + x[i + 1]) & 0xffffffff, 7)
            c = rol((c + f(d, a, b) + x[i + 2]) & 0xffffffff, 11)
            b = rol((b + f(c, d, a) + x[i + 3]) & 0xffffffff, 19)
        for i in (0, 1, 2, 3):
            a = rol((a + g(b, c, d) + x[i] + 0x5a827999) & 0xffffffff, 3)
            d = rol((d + g(a, b, c) + x[i + 4] + 0x5a827999) & 0xffffffff, 5)
            c = rol((c + g(d, a, b) + x[i + 8] + 0x5a827999) & 0xffffffff, 9)
            b = rol((b + g(c, d, a) + x[i + 12] + 0x5a827999) & 0xffffffff, 13)
        for i in (0, 2, 1, 3):
            a = rol((a + h(b, c, d) + x[i] + 0x6ed9eba1) & 0xffffffff, 3)
            d = rol((d + h(a, b, c) + x[i + 8] + 0x6ed9eba1) & 0xffffffff, 9)
            c = rol((c + h(d, a, b) + x[i + 4] + 0x6ed9eba1) & 0xffffffff, 11)
            b = rol((b + h(c, d, a) + x[i + 12] + 0x6ed9eba1) & 0xffffffff, 15)
        a, b, c, d = [(v + w) & 0xffffffff for v, w in ((a, aa), (b, bb), (c, cc), (d, dd))]
    return struct.pack("<4I", a, b, c, d)


assert md4(b"abc").hex() == "a448017aaf21d8525fc10ae87aa6729d"  # RFC 1320 test suite

MAGIC1 = b"This is the MPPE Master Key"
MAGIC2 = b"On the client side, this is the send key; on the server side, it is the receive key."
MAGIC3 = b"On the client side, this is the receive key; on the server side, it is the send key."


def hlak_mschapv2(password, nt_response):
    """RFC 3079 3.3-3.4, client view: MasterSendKey || MasterReceiveKey (16 bytes each)."""
    pw_hash_hash = md4(md4(password.encode("utf-16-le")))
    master = hashlib.sha1(pw_hash_hash + nt_response + MAGIC1).digest()[:16]

    def start_key(magic):
        return hashlib.sha1(master + b"\x00" * 40 + magic + b"\xf2" * 40).digest()[:16]
    return start_key(MAGIC2) + start_key(MAGIC3)


def expected_connected(call_connected, hlak, cert_der, nonce):
    """Check a 112-byte CALL_CONNECTED; returns a list of problems (empty when all is right)."""
    problems = []
    attr = call_connected[8:]
    hash_proto = attr[7]
    if hash_proto != 2:
        problems.append("hash protocol %d, the server offered SHA-256 only" % hash_proto)
        return problems
    if attr[8:40] != nonce:
        problems.append("nonce differs from CALL_CONNECT_ACK")
    cert_hash = hashlib.sha256(cert_der).digest()
    if attr[40:72] != cert_hash:
        problems.append("certificate hash %s, expected %s" % (attr[40:72].hex(), cert_hash.hex()))
    cmk = hmac.new(hlak, b"SSTP inner method derived CMK" + b"\x20\x00" + b"\x01", hashlib.sha256).digest()
    zeroed = call_connected[:80] + b"\x00" * 32
    mac = hmac.new(cmk, zeroed, hashlib.sha256).digest()
    if attr[72:104] != mac:
        problems.append("compound MAC %s, expected %s" % (attr[72:104].hex(), mac.hex()))
    return problems


class Conn:
    def __init__(self, password, cert_der):
        self.password = password
        self.cert_der = cert_der
        self.nonce = None
        self.nt_response = None
        self.verdict = None


def ppp_frame(pkt):
    f = pkt[4:]
    if f[:2] == b"\xff\x03":
        f = f[2:]
    return f


def watch(conn, pkt, from_client):
    """Look at one SSTP packet; returns False when the connection must be dropped."""
    if pkt[1] & 1:
        mtype = struct.unpack(">H", pkt[4:6])[0]
        if mtype == 2 and not from_client:  # CALL_CONNECT_ACK: CRYPTO_BINDING_REQ nonce
            conn.nonce = pkt[16:48]
        elif mtype == 4 and from_client:  # CALL_CONNECTED
            if conn.nt_response is None or conn.nonce is None:
                conn.verdict = "binding MISMATCH: CALL_CONNECTED before the MS-CHAPv2 exchange"
                print(conn.verdict, flush=True)
                return False
            hlak = hlak_mschapv2(conn.password, conn.nt_response)
            problems = expected_connected(pkt, hlak, conn.cert_der, conn.nonce)
            # the checker itself must catch a single flipped bit of the MAC
            flipped = pkt[:100] + bytes([pkt[100] ^ 1]) + pkt[101:]
            assert expected_connected(flipped, hlak, conn.cert_der, conn.nonce)
            conn.verdict = ("binding ok (SHA-256, MAC %s)" % pkt[80:112].hex()) if not problems \
                else "binding MISMATCH: " + "; ".join(problems)
            print(conn.verdict, flush=True)
            return not problems
        return True
    f = ppp_frame(pkt)
    if f[:2] == b"\xc2\x23" and len(f) >= 7:  # CHAP
        code, value_size = f[2], f[6]
        if code == 2 and from_client and value_size == 49 and len(f) >= 7 + 49:
            conn.nt_response = f[7 + 24:7 + 48]
    return True


class Watcher:
    """One direction's byte stream: skips the HTTP head, then cuts SSTP packets for watch()."""

    def __init__(self, conn, from_client):
        self.conn, self.from_client = conn, from_client
        self.buf, self.head_done = b"", False

    def feed(self, data):
        """False when the connection must be dropped."""
        self.buf += data
        if not self.head_done:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return True
            self.buf = self.buf[end + 4:]
            self.head_done = True
        while len(self.buf) >= 4:
            length = struct.unpack(">H", self.buf[2:4])[0] & 0x0fff
            if length < 4 or len(self.buf) < length:
                break
            pkt, self.buf = self.buf[:length], self.buf[length:]
            if not watch(self.conn, pkt, self.from_client):
                return False
        return True


def relay(client, up, conn):
    """Both directions in one thread (an SSL object must not be used by two threads at once):
    read whatever is ready, including what OpenSSL already holds (pending()), forward it."""
    other = {client: up, up: client}
    watchers = {client: Watcher(conn, True), up: Watcher(conn, False)}
    for s in (client, up):
        s.setblocking(False)
    try:
        while True:
            ready = [s for s in (client, up) if s.pending()]
            if not ready:
                ready, _, _ = select.select([client, up], [], [], 300)
                if not ready:
                    return  # idle for 5 minutes: the test is long over
            for s in ready:
                try:
                    data = s.recv(65536)
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                    continue
                if not data:
                    return
                dst = other[s]
                dst.settimeout(10)
                dst.sendall(data)
                dst.setblocking(False)
                if not watchers[s].feed(data):
                    return
    except OSError:
        pass
    finally:
        for s in (client, up):
            try:
                s.setblocking(True)
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


def serve(raw, ctx, upstream, password, cert_der):
    try:
        raw.settimeout(10)
        client = ctx.wrap_socket(raw, server_side=True)
        up_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        up_ctx.check_hostname = False
        up_ctx.verify_mode = ssl.CERT_NONE
        up = up_ctx.wrap_socket(socket.create_connection(upstream, timeout=10))
    except OSError as e:
        print("relay: connection failed:", e, flush=True)
        raw.close()
        return
    relay(client, up, Conn(password, cert_der))


def main():
    port, cert, key, up_host, up_port, pw_file = sys.argv[1:7]
    password = open(pw_file).readline().rstrip("\r\n")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    cert_der = ssl.PEM_cert_to_DER_cert(open(cert).read())
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", int(port)))
    srv.listen(8)
    print("relay listening on", port, flush=True)
    while True:
        raw, _ = srv.accept()
        threading.Thread(target=serve, args=(raw, ctx, (up_host, int(up_port)), password, cert_der),
                         daemon=True).start()


if __name__ == "__main__":
    main()
