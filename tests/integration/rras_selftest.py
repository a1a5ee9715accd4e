#!/usr/bin/env python3
"""Self-test of the test gateway's parsers and crypto (no root, no network): the [MS-SSTP] 4.7
compound-MAC vectors, the RFC 2548 key decryption, and malformed input of every parser facing the
client or the RADIUS server, which must raise the parser's own error (never IndexError & co.).
Exit 0 when all holds; prints what failed otherwise."""
import hashlib
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rras_gw  # noqa: E402
import rras_peap  # noqa: E402
import rras_radius as radius  # noqa: E402
from rras_ppp import Malformed, cp_parse, opts_parse  # noqa: E402

FAILS = []


def check(desc, cond):
    print(("ok - " if cond else "FAIL - ") + desc)
    if not cond:
        FAILS.append(desc)


def vectors():
    head = bytes.fromhex("10010070000400010003006800000002")
    nonce = bytes.fromhex("412B489AEBD7ECC7D08966F26BE7CD72B231A0E9210D7C91B308862B0344C435")
    chash = bytes.fromhex("7993EF314C493DACE9F02D60E7E61C84B6690AAFE9D7AEEA92CBBE8AD599422D")
    hlak = bytes.fromhex("2A1BB40D55AB0F5EF32F06F2B3CC73C48FD3FAC41D7A1315A19228D9024CA164")
    cmac = bytes.fromhex("52A68EFD8CFFBF52770B8F0FE8EC73716583AF6D611EB6D179B3B20840985449")
    pkt = head + nonce + chash + cmac
    probs = rras_gw.binding_problems(pkt, hlak, b"not the certificate", nonce, 3)
    check("MS-SSTP 4.7 SHA-256 vector: the compound MAC verifies", not any("MAC" in p for p in probs))
    flipped = pkt[:111] + bytes([pkt[111] ^ 1])
    check("one flipped MAC bit is a mismatch",
          any("MAC" in p for p in rras_gw.binding_problems(flipped, hlak, b"", nonce, 3)))
    check("another nonce is a mismatch",
          any("nonce" in p for p in rras_gw.binding_problems(pkt, hlak, b"", bytes(32), 3)))
    check("a hash not offered is refused", rras_gw.binding_problems(pkt, hlak, b"", nonce, 1) != [])
    head1 = head[:15] + b"\x01"
    nonce1 = bytes.fromhex("0F1A2D58D4A3E3000FAD3CE4906E07B707AA9E441CCEAC5CBD7B2CC1C9D86CDF")
    chash1 = bytes.fromhex("5826B629BDA59B8E6FD8DCD2622FD34C534805A5") + bytes(12)
    hlak1 = bytes.fromhex("4B3128F43925D9006EEFB1C4E86515A1D88E56BAB3CA2BDF0373B7F5A8A13B19")
    cmac1 = bytes.fromhex("69915DD583D8062FEF16F61DB2F03290EC27CB6C") + bytes(12)
    probs = rras_gw.binding_problems(head1 + nonce1 + chash1 + cmac1, hlak1, b"", nonce1, 3)
    check("MS-SSTP 4.7 SHA-1 vector: the compound MAC verifies", not any("MAC" in p for p in probs))
    for n in (0, 8, 111, 113):
        check("CALL_CONNECTED of %d bytes refused" % n, rras_gw.binding_problems(bytes(n), hlak, b"", nonce, 3) != [])


def mppe():
    secret, auth, key = b"s3cret", os.urandom(16), os.urandom(32)
    salt = b"\x80\x01"
    plain = bytes([len(key)]) + key + bytes(-(len(key) + 1) % 16)
    out, prev = b"", auth + salt
    for i in range(0, len(plain), 16):
        b = hashlib.md5(secret + prev).digest()
        prev = bytes(x ^ y for x, y in zip(plain[i:i + 16], b))
        out += prev
    check("RFC 2548 MS-MPPE key decrypts", radius.decrypt_mppe_key(secret, auth, salt + out) == key)
    for bad in (b"", salt, salt + bytes(15), salt + bytes(17)):
        try:
            radius.decrypt_mppe_key(secret, auth, bad)
            check("MS-MPPE key of %d bytes refused" % len(bad), False)
        except radius.RadiusError:
            check("MS-MPPE key of %d bytes refused" % len(bad), True)


def fuzz(desc, fn, ok_errors, rounds=3000):
    rng = random.Random(16)
    for _ in range(rounds):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(12)))
        data += bytes([rng.choice((0, 1, 2, 4, 255))]) * rng.randrange(4)
        try:
            fn(data)
        except ok_errors:
            pass
        except Exception as e:  # noqa: BLE001 - the point is to catch everything else
            check("%s: %r raised %s" % (desc, data.hex(), type(e).__name__), False)
            return
    check("%s: %d random inputs, only its own error" % (desc, rounds), True)


def peap_cb():
    """The gateway's PEAP cryptobinding against the vectors of test_ppp_peap.c (computed by
    tests/unit/gen_peap_cb_vectors.py): both sides of the binding agree before any call."""
    tk = bytes(0x40 + i for i in range(40))
    isk = bytes.fromhex("D5F0E9521E3EA9589645E86051C822268B7CDC149B993A1BA118CB153F56DCCB")
    ipmk, cmk = rras_peap.cb_keys(tk, isk)
    check("PEAP cryptobinding: CMK", cmk.hex().upper() == "87BD3BE81B82A2E49BD943EC57C169361C3984DA")
    nonce = bytes(range(0x80, 0xA0))
    req = rras_peap.cb_tlv(0, nonce)
    check("PEAP cryptobinding: request Compound MAC",
          rras_peap.cb_mac(cmk, req).hex().upper() == "5B1E34FB64E73DDC299153CE9A9F93AA966881E5")
    rsp = rras_peap.cb_tlv(1, nonce)
    rsp = rsp[:40] + rras_peap.cb_mac(cmk, rsp)
    check("PEAP cryptobinding: the client's response verifies", rras_peap.cb_check(rsp, cmk, nonce) is None)
    bad = rsp[:59] + bytes([rsp[59] ^ 1])
    check("PEAP cryptobinding: a wrong Compound MAC is refused",
          rras_peap.cb_check(bad, cmk, nonce) == "Compound MAC differs")
    check("PEAP cryptobinding: another nonce is refused", rras_peap.cb_check(rsp, cmk, bytes(32)) is not None)
    check("PEAP cryptobinding: a request is not a response", rras_peap.cb_check(req, cmk, nonce) is not None)
    check("PEAP cryptobinding: a short TLV is refused", rras_peap.cb_check(rsp[:50], cmk, nonce) is not None)
    msk = rras_peap.prf_plus(ipmk, b"Session Key Generating Function\x00", 64)
    check("PEAP cryptobinding: the HLAK from the IPMK", msk[:32].hex().upper() ==
          "91AFE0DBED3EB5A2D2F111D71BFDB5D93C688B1C1FCB92EB3730D51E0297180E")
    # RFC 5246 has no PRF vector; this is the widely used TLS 1.2 SHA-256 PRF test vector
    out = rras_peap.tls12_prf("sha256", bytes.fromhex("9bbe436ba940f017b17652849a71db35"), b"test label",
                              bytes.fromhex("a0ba9f936cda311827a6f796ffd5198c"), 16)
    check("TLS 1.2 PRF (SHA-256) vector", out.hex() == "e3f229ba727be17b8d122620557cd453")


def main():
    vectors()
    mppe()
    peap_cb()
    fuzz("PEAP Extensions TLV parser", rras_peap.tlvs_parse, Malformed)
    fuzz("PPP control packet parser", cp_parse, Malformed)
    fuzz("PPP option parser", opts_parse, Malformed)
    fuzz("RADIUS attribute parser", radius.parse_attrs, radius.RadiusError)
    fuzz("RADIUS Microsoft attributes", lambda d: radius.ms_attrs(
        [(26, struct.pack(">I", 311) + d)]), radius.RadiusError)
    check("a PPP length beyond the data is refused", _raises(lambda: cp_parse(b"\x01\x01\x00\x09abc"), Malformed))
    check("an option of length 1 is refused", _raises(lambda: opts_parse(b"\x01\x01"), Malformed))
    print("%d failed" % len(FAILS))
    return 1 if FAILS else 0


def _raises(fn, err):
    try:
        fn()
    except err:
        return True
    return False


if __name__ == "__main__":
    sys.exit(main())
