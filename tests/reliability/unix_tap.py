#!/usr/bin/python3
# unix_tap.py - records the traffic of a unix stream socket for the secrets test: listens on
# --listen PATH, relays every client to --to PATH (the sstp helper's control socket) and appends
# every byte in both directions to --capture FILE, so a test can search what the helper protocol
# carried. Test code only; exits on SIGTERM.
import argparse
import os
import selectors
import signal
import socket
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", required=True)
    ap.add_argument("--to", required=True)
    ap.add_argument("--capture", required=True)
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        os.unlink(a.listen)
    except FileNotFoundError:
        pass
    ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ls.bind(a.listen)
    os.chmod(a.listen, 0o666)
    ls.listen(16)
    cap = open(a.capture, "ab", buffering=0)
    sel = selectors.DefaultSelector()
    sel.register(ls, selectors.EVENT_READ, None)
    peer = {}
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            if s is ls:
                c, _ = ls.accept()
                u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    u.connect(a.to)
                except OSError:
                    c.close()
                    continue
                peer[c], peer[u] = u, c
                sel.register(c, selectors.EVENT_READ, None)
                sel.register(u, selectors.EVENT_READ, None)
                continue
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            other = peer.get(s)
            if not data or other is None:
                for x in (s, other):
                    if x is not None and x in peer:
                        sel.unregister(x)
                        peer.pop(x, None)
                        x.close()
                continue
            cap.write(data)
            try:
                other.sendall(data)
            except OSError:
                pass


if __name__ == "__main__":
    main()
