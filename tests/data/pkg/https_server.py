#!/usr/bin/env python3
# https_server.py - loopback HTTPS server for the package download test (test_pkg_fetch.c).
# Binds 127.0.0.1 on a free port, writes the port to --port-file, serves a few fixed paths
# (package, redirects, errors, oversize and slow bodies) and exits by itself after --lifetime s.
import argparse
import http.server
import os
import socketserver
import ssl
import sys
import threading
import time


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: the test checks its own output only
        pass

    def send_body(self, code, body, ctype="application/octet-stream", extra=None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location):
        self.send_body(302, b"", extra={"Location": location})

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        port = self.server.server_address[1]
        if path == "/pkg.zip":
            with open(self.server.package, "rb") as f:
                self.send_body(200, f.read(), "application/zip")
        elif path.startswith("/redirect/"):
            n = int(path.rsplit("/", 1)[1])
            if n <= 0:
                self.redirect("/pkg.zip?sv=2020-08-04&sig=REDIRSECRET%2Bx")
            else:
                self.redirect("/redirect/%d?sig=REDIRSECRET" % (n - 1))
        elif path == "/loop":
            self.redirect("/loop?sig=LOOPSECRET")
        elif path == "/http-redirect":
            self.redirect("http://127.0.0.1:%d/pkg.zip?sig=DOWNGRADESECRET" % port)
        elif path == "/expired":
            self.send_body(403, b"<Error><Code>AuthenticationFailed</Code></Error>",
                           "application/xml")
        elif path == "/missing":
            self.send_body(404, b"not here", "text/plain")
        elif path == "/empty":
            self.send_body(200, b"")
        elif path == "/big":
            # declares 100 MiB: the client must refuse before or while reading
            self.send_response(200)
            self.send_header("Content-Length", str(100 * 1024 * 1024))
            self.end_headers()
            chunk = b"\0" * 65536
            try:
                for _ in range(1600):
                    self.wfile.write(chunk)
            except OSError:
                pass
        elif path == "/big-nolength":
            # no length: the client's own cap must stop it
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"\0" * 65536
            try:
                for _ in range(1600):
                    self.wfile.write(chunk)
            except OSError:
                pass
            self.close_connection = True
        elif path == "/slow":
            time.sleep(4)
            self.send_body(200, b"late")
        else:
            self.send_body(404, b"unknown", "text/plain")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients abort on purpose (size caps, TLS refusals)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--package", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--lifetime", type=float, default=120)
    a = ap.parse_args()
    srv = Server(("127.0.0.1", 0), Handler)
    srv.package = a.package
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, a.port_file)
    threading.Timer(a.lifetime, lambda: os._exit(0)).start()
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
