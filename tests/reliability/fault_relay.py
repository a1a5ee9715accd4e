#!/usr/bin/python3
# fault_relay.py - a TCP relay for the reliability suite's link faults where the kernel offers no
# netem: it forwards a port to the gateway with a fixed one-way delay (--delay-ms, order kept), and on
# signals turns into a silent peer (SIGUSR1: stop forwarding both ways, connections stay open;
# again: resume) or cuts every connection with a TCP reset (SIGUSR2). Events go to stdout as lines.
# Test code only: runs inside the rig's gateway namespace.
import argparse
import asyncio
import signal
import socket
import struct
import sys
import time

STATE = {"silent": False, "conns": set(), "delay": 0.0}


def say(*a):
    print("[relay %.3f]" % time.monotonic(), *a, flush=True)


async def pump(reader, writer, loop):
    delay = STATE["delay"]
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            if STATE["silent"]:
                continue  # swallowed: the peer hears nothing
            if delay > 0:
                loop.call_later(delay, _write, writer, data)
            else:
                writer.write(data)
                await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        while STATE["silent"]:  # a silent peer does not close either: the other side hears nothing
            await asyncio.sleep(0.2)
        if delay > 0:
            await asyncio.sleep(delay)
        _close(writer)


def _write(writer, data):
    if not writer.is_closing():
        writer.write(data)


def _close(writer):
    try:
        writer.close()
    except (ConnectionError, OSError):
        pass


async def handle(creader, cwriter, target):
    loop = asyncio.get_running_loop()
    peer = cwriter.get_extra_info("peername")
    try:
        sreader, swriter = await asyncio.open_connection(*target)
    except OSError as e:
        say("cannot reach %s:%d: %s" % (target[0], target[1], e))
        _close(cwriter)
        return
    say("relaying %s:%d" % peer[:2])
    pair = (cwriter, swriter)
    STATE["conns"].add(pair)
    try:
        await asyncio.gather(pump(creader, swriter, loop), pump(sreader, cwriter, loop))
    finally:
        STATE["conns"].discard(pair)
        say("closed %s:%d" % peer[:2])


def toggle_silent():
    STATE["silent"] = not STATE["silent"]
    say("silent" if STATE["silent"] else "forwarding")


def reset_all():
    n = 0
    for pair in list(STATE["conns"]):
        for w in pair:
            sock = w.get_extra_info("socket")
            if sock is not None:
                try:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                except OSError:
                    pass
            w.transport.abort()
        n += 1
    say("reset %d connection(s)" % n)


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", required=True, help="HOST:PORT")
    ap.add_argument("--to", required=True, help="HOST:PORT")
    ap.add_argument("--delay-ms", type=float, default=0)
    a = ap.parse_args()
    STATE["delay"] = a.delay_ms / 1000.0
    lh, lp = a.listen.rsplit(":", 1)
    th, tp = a.to.rsplit(":", 1)
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGUSR1, toggle_silent)
    loop.add_signal_handler(signal.SIGUSR2, reset_all)
    loop.add_signal_handler(signal.SIGTERM, lambda: sys.exit(0))
    srv = await asyncio.start_server(lambda r, w: handle(r, w, (th, int(tp))), lh, int(lp),
                                     reuse_address=True)
    say("listening on %s, to %s, delay %.0f ms" % (a.listen, a.to, a.delay_ms))
    async with srv:
        await srv.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except (KeyboardInterrupt, SystemExit):
        pass
