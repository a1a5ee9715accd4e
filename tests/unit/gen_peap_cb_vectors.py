#!/usr/bin/env python3
"""Expected values for test_ppp_peap.c's cryptobinding tests, computed independently of the C code
with Python's hashlib/hmac from the formulas of [MS-PEAP] 3.1.5.5 (no published PEAP cryptobinding
vector exists). Inputs: the fake TLS engine's MSK (0x40 + i) as TK, the RFC 2759 / RFC 3079
MS-CHAPv2 example ("User", "clientPass") for the ISK, a fixed server nonce. Run it and compare with
the constants in the test:  python3 tests/unit/gen_peap_cb_vectors.py"""
import hashlib
import hmac

# RFC 3079 section 3.5.3 (same user, password and NT-Response as RFC 2759 section 9.2)
PW_HASH_HASH = bytes.fromhex("41C00C584BD2D91C4017A2A12FA59F3F")
NT_RESPONSE = bytes.fromhex("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF")
RFC_MASTER = bytes.fromhex("FDECE3717A8C838CB388E527AE3CDD31")
# the example's 128-bit send key is the server's (IsServer TRUE): the client's receive key
RFC_SERVER_SEND128 = bytes.fromhex("8B7CDC149B993A1BA118CB153F56DCCB")
MAGIC1 = b"This is the MPPE Master Key"
MAGIC2 = b"On the client side, this is the send key; on the server side, it is the receive key."
MAGIC3 = b"On the client side, this is the receive key; on the server side, it is the send key."


def sha1(*parts):
    return hashlib.sha1(b"".join(parts)).digest()


def prf_plus(key, s, n):
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = hmac.new(key, t + s + bytes([i, 0, 0]), hashlib.sha1).digest()
        out += t
        i += 1
    return out[:n]


def main():
    master = sha1(PW_HASH_HASH, NT_RESPONSE, MAGIC1)[:16]
    assert master == RFC_MASTER
    send = sha1(master, b"\x00" * 40, MAGIC2, b"\xf2" * 40)[:16]
    recv = sha1(master, b"\x00" * 40, MAGIC3, b"\xf2" * 40)[:16]
    assert recv == RFC_SERVER_SEND128
    isk = send + recv
    tk = bytes(0x40 + i for i in range(64))[:40]
    imck = prf_plus(tk, b"Inner Methods Compound Keys" + isk, 60)
    ipmk, cmk = imck[:40], imck[40:]
    nonce = bytes(range(0x80, 0xA0))
    req = bytes([0, 12, 0, 56, 0, 0, 0, 0]) + nonce
    req_mac = hmac.new(cmk, req + b"\x00" * 20 + b"\x19", hashlib.sha1).digest()
    rsp = bytes([0, 12, 0, 56, 0, 0, 0, 1]) + nonce
    rsp_mac = hmac.new(cmk, rsp + b"\x00" * 20 + b"\x19", hashlib.sha1).digest()
    msk = prf_plus(ipmk, b"Session Key Generating Function" + b"\x00", 64)
    print("ISK      ", isk.hex().upper())
    print("IPMK     ", ipmk.hex().upper())
    print("CMK      ", cmk.hex().upper())
    print("REQ_MAC  ", req_mac.hex().upper())
    print("RSP_MAC  ", rsp_mac.hex().upper())
    print("HLAK     ", msk[:32].hex().upper())


if __name__ == "__main__":
    main()
