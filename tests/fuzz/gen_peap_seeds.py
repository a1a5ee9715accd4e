#!/usr/bin/env python3
"""Writes the hostile-case seeds of fuzz_ppp_peapcb (PEAP Extensions and Cryptobinding TLVs) and
the PEAP/EAP additions of fuzz_ppp_eap into tests/fuzz/corpus/. The valid Compound MAC is computed
here with hashlib/hmac for the harness's fake keys (TK 0x22 + i, ISK 0xA0 + i).
Run from the repository root: python3 tests/fuzz/gen_peap_seeds.py"""
import hashlib
import hmac
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def prf_plus(key, s, n):
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = hmac.new(key, t + s + bytes([i, 0, 0]), hashlib.sha1).digest()
        out += t
        i += 1
    return out[:n]


TK = bytes(0x22 + i for i in range(40))
ISK = bytes(0xA0 + i for i in range(32))
CMK = prf_plus(TK, b"Inner Methods Compound Keys" + ISK, 60)[40:]
NONCE = bytes(range(0x10, 0x30))


def cb(subtype=0, nonce=NONCE, version=0, recv=0, vlen=56, mac=None, typ=12):
    body = bytes([0, version, recv, subtype]) + nonce
    if mac is None:
        mac = hmac.new(CMK, struct.pack(">HH", 12, 56) + body + b"\x00" * 20 + b"\x19", hashlib.sha1).digest()
    val = (body + mac)[:vlen] + b"\x00" * max(0, vlen - 56)
    return struct.pack(">HH", typ, vlen) + val


RESULT_OK = bytes([0x80, 3, 0, 2, 0, 1])
RESULT_FAIL = bytes([0x80, 3, 0, 2, 0, 2])


def ext(tlvs, ident=7):
    return struct.pack(">BBHB", 1, ident, 5 + len(tlvs), 33) + tlvs


def msgs(*ms):
    return b"".join(struct.pack(">H", len(m)) + m for m in ms)


PEAPCB = {
    "cb_valid": msgs(ext(RESULT_OK + cb())),
    "cb_valid_headerless": msgs(bytes([33]) + RESULT_OK + cb()),
    "cb_before_result": msgs(ext(cb() + RESULT_OK)),
    "cb_wrong_mac": msgs(ext(RESULT_OK + cb(mac=b"\x5a" * 20))),
    "cb_short": msgs(ext(RESULT_OK + cb(vlen=55))),
    "cb_long": msgs(ext(RESULT_OK + cb(vlen=57))),
    "cb_empty": msgs(ext(RESULT_OK + cb(vlen=0))),
    "cb_version1": msgs(ext(RESULT_OK + cb(version=1))),
    "cb_recv_version1": msgs(ext(RESULT_OK + cb(recv=1))),
    "cb_subtype_response": msgs(ext(RESULT_OK + cb(subtype=1))),
    "cb_mandatory_bit": msgs(ext(RESULT_OK + cb(typ=0x800C))),
    "cb_twice_last_bad": msgs(ext(RESULT_OK + cb() + cb(vlen=10))),
    "cb_with_result_failure": msgs(ext(RESULT_FAIL + cb())),
    "cb_no_result": msgs(ext(cb())),
    "cb_tlv_past_end": msgs(ext(RESULT_OK + struct.pack(">HH", 12, 200) + b"\x00" * 20)),
    "cb_truncated_header": msgs(ext(RESULT_OK + b"\x00\x0c\x00")),
    "cb_unknown_tlvs": msgs(ext(struct.pack(">HH", 0x8007, 0) + RESULT_OK + struct.pack(">HH", 99, 3) +
                                b"abc" + cb())),
    "cb_length_lies": msgs(struct.pack(">BBHB", 1, 7, 200, 33) + RESULT_OK + cb()),
    "cb_repeat_after_ok": msgs(ext(RESULT_OK + cb()), ext(RESULT_OK + cb(), ident=8)),
    "cb_identity_then_ext": msgs(b"\x01", b"\x1a\x01\x42\x00\x05", ext(RESULT_OK + cb())),
    "cb_empty_messages": msgs(b"", b"", ext(RESULT_OK + cb())),
}


def eap(code, ident, body):
    return struct.pack(">BBH", code, ident, 4 + len(body)) + body


def peap(ident, flags, data=b""):
    return eap(1, ident, bytes([25, flags]) + data)


def eapmsgs(first, *ms):
    return bytes([first]) + b"".join(struct.pack(">H", len(m)) + m for m in ms)


UP = (eap(1, 1, b"\x01"), peap(2, 0x20), peap(3, 0, b"\x16\x03\x03\x00"))   # 4 bytes: "done"
EAP = {
    "peap_cb_in_tunnel": eapmsgs(0, *UP, peap(4, 0, ext(RESULT_OK + cb()))),
    "peap_cb_short_in_tunnel": eapmsgs(0, *UP, peap(4, 0, ext(RESULT_OK + cb(vlen=8)))),
    "peap_ext_length_lies": eapmsgs(0, *UP, peap(4, 0, struct.pack(">BBHB", 1, 7, 9, 33) + RESULT_OK)),
    "peap_inner_mschap_mslen_lies": eapmsgs(0, *UP, peap(4, 0, b"\x01"),
                                            peap(5, 0, b"\x1a\x01\x42\xff\xff\x10" + b"\x11" * 16)),
    "peap_inner_success_no_challenge": eapmsgs(0, *UP, peap(4, 0, b"\x1a\x03\x42\x00\x2e" + b"S=" + b"0" * 40)),
    "peap_success_before_result": eapmsgs(0, *UP, eap(3, 4, b"")),
    "peap_start_with_L": eapmsgs(0, eap(1, 1, b"\x01"), peap(2, 0xA0, b"\x00\x00\x00\x04")),
    "peap_L_zero": eapmsgs(0, eap(1, 1, b"\x01"), peap(2, 0x20), peap(3, 0xC0, b"\x00\x00\x00\x00ab")),
    "peap_M_without_L": eapmsgs(0, eap(1, 1, b"\x01"), peap(2, 0x20), peap(3, 0x40, b"abcd")),
    "peap_tunnel_nak": eapmsgs(0, *UP, peap(4, 0, b"\x0d\x20")),
    "peap_tunnel_notification": eapmsgs(0, *UP, peap(4, 0, b"\x02hello")),
    "peap_reused_id_other_content": eapmsgs(0, *UP, peap(4, 0, b"\x01"), peap(4, 0, ext(RESULT_OK))),
}


def write(target, seeds):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    write("fuzz_ppp_peapcb", PEAPCB)
    write("fuzz_ppp_eap", EAP)
