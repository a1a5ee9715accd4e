#!/usr/bin/env python3
"""A minimal HTTP CONNECT proxy for the sstp integration tests (test-only, one thread per client).

usage: sstp_connect_proxy.py PORT [allow|deny|auth|digest USER PASSWORD_FILE]
  allow: answer CONNECT with 200 and relay bytes both ways (the request is logged to stdout)
  deny:  answer 403 Forbidden;  auth: answer 407 Proxy Authentication Required
  digest: demand Digest (MD5, qop=auth) authentication of USER with the password in the file's
          first line; 407 until the client proves it, on the same connection; then as allow
"""
import hashlib
import os
import re
import socket
import sys
import threading


DIGEST = ["", ""]  # user, password (digest mode)


def relay(a, b):
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            b.sendall(data)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def md5(text):
    return hashlib.md5(text.encode("latin-1")).hexdigest()


def digest_ok(head, method, uri, user, password, nonce):
    m = re.search(r"(?im)^proxy-authorization:\s*digest\s+(.*)$", head)
    if not m:
        return False
    f = dict((k.lower(), v1 if v1 else v2) for k, v1, v2 in
             re.findall(r'(\w+)=(?:"([^"]*)"|([^\s,]*))', m.group(1)))
    if f.get("username") != user or f.get("nonce") != nonce or f.get("uri") != uri:
        return False
    ha1 = md5("%s:%s:%s" % (user, f.get("realm", ""), password))
    ha2 = md5("%s:%s" % (method, uri))
    want = md5(":".join([ha1, nonce, f.get("nc", ""), f.get("cnonce", ""), f.get("qop", ""), ha2]))
    return f.get("response") == want


def read_head(conn):
    head = b""
    while b"\r\n\r\n" not in head and len(head) < 8192:
        chunk = conn.recv(1)
        if not chunk:
            return None
        head += chunk
    return head


def serve(conn, mode):
    head = read_head(conn)
    if head is None:
        conn.close()
        return
    line = head.split(b"\r\n", 1)[0].decode("latin-1")
    print("request:", line, "sstpversion" in head.decode("latin-1").lower(), flush=True)
    if mode == "digest":
        nonce = os.urandom(8).hex()
        while True:
            method, uri, _ = line.split(" ", 2)
            if digest_ok(head.decode("latin-1"), method, uri, DIGEST[0], DIGEST[1], nonce):
                print("digest: accepted", DIGEST[0], flush=True)
                break
            print("digest: 407", flush=True)
            conn.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                         b"Proxy-Authenticate: Digest realm=\"sstp-test\", qop=\"auth\", "
                         b"algorithm=MD5, nonce=\"" + nonce.encode() + b"\"\r\n"
                         b"Content-Length: 0\r\n\r\n")
            head = read_head(conn)
            if head is None:
                conn.close()
                return
            line = head.split(b"\r\n", 1)[0].decode("latin-1")
    if mode == "deny":
        conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
        conn.close()
        return
    if mode == "auth":
        conn.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                     b"Proxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n")
        conn.close()
        return
    method, target, _ = line.split(" ", 2)
    host, port = target.rsplit(":", 1)
    up = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
    up.settimeout(None)
    conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    threading.Thread(target=relay, args=(conn, up), daemon=True).start()
    relay(up, conn)


def main():
    port = int(sys.argv[1])
    mode = sys.argv[2] if len(sys.argv) > 2 else "allow"
    if mode == "digest":
        with open(sys.argv[4], encoding="latin-1") as f:
            DIGEST[:] = [sys.argv[3], f.readline().rstrip("\r\n")]
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", port))
    srv.listen(16)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn, mode), daemon=True).start()


if __name__ == "__main__":
    main()
