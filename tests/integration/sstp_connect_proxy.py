#!/usr/bin/env python3
"""A minimal HTTP CONNECT proxy for the sstp integration tests (test-only, one thread per client).

usage: sstp_connect_proxy.py PORT [allow|deny|auth]
  allow: answer CONNECT with 200 and relay bytes both ways (the request is logged to stdout)
  deny:  answer 403 Forbidden;  auth: answer 407 Proxy Authentication Required
"""
import socket
import sys
import threading


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


def serve(conn, mode):
    head = b""
    while b"\r\n\r\n" not in head and len(head) < 8192:
        chunk = conn.recv(1)
        if not chunk:
            conn.close()
            return
        head += chunk
    line = head.split(b"\r\n", 1)[0].decode("latin-1")
    print("request:", line, "sstpversion" in head.decode("latin-1").lower(), flush=True)
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
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", port))
    srv.listen(16)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn, mode), daemon=True).start()


if __name__ == "__main__":
    main()
