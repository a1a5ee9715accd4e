#!/usr/bin/env python3
"""summarize.py - the table of tests/bench/run.sh: reads BENCH_DIR/raw-*.tsv (env, client, metric,
run, value, unit), windows-*.tsv (load windows) and samples.tsv (the host's samples of SoftEther's
CPU), prints one table (min/median/max per client, ratio sstp/sstpc with the issue's target) and
writes bench-results.json and table.md into BENCH_DIR. Usage: summarize.py BENCH_DIR"""
import glob
import json
import os
import statistics
import sys

D = sys.argv[1] if len(sys.argv) > 1 else "."

raw = []          # (env, client, metric, run, value, unit)
for f in sorted(glob.glob(os.path.join(D, "raw-*.tsv"))):
    for line in open(f, encoding="utf-8", errors="replace"):
        p = line.rstrip("\n").split("\t")
        if len(p) == 6:
            raw.append(tuple(p))


def num(v):
    try:
        return float(v)
    except ValueError:
        return None


def values(env, client, metric):
    return [num(r[4]) for r in raw if r[0] == env and r[1] == client and r[2] == metric
            and num(r[4]) is not None]


def by_run(env, client, metric):
    return {r[3]: num(r[4]) for r in raw if r[0] == env and r[1] == client and r[2] == metric
            and num(r[4]) is not None}


def text(env, client, metric):
    for r in raw:
        if r[0] == env and r[1] == client and r[2] == metric:
            return r[4]
    return ""


meta = {r[2]: r[4] for r in raw if r[0] == "host" and r[1] == "meta"}
clk = num(meta.get("clk_tck", "100")) or 100.0

# ---- derived: latency added (tunnel RTT - no-tunnel RTT of the same round and environment) ----
for env in ("uml", "native"):
    plain = by_run(env, "plain", "rtt_avg_ms")
    for client in ("sstp", "sstpc"):
        for run, v in by_run(env, client, "rtt_avg_ms").items():
            if run in plain:
                raw.append((env, client, "rtt_added_ms", run, "%.4f" % (v - plain[run]), "ms"))

# ---- derived: SoftEther's CPU and the machine's during each load window ----
samples = []
sf = os.path.join(D, "samples.tsv")
if os.path.exists(sf):
    for line in open(sf):
        p = line.split()
        if len(p) == 4 and num(p[1]) is not None:
            samples.append((float(p[0]), float(p[1]), float(p[2]), float(p[3])))
for f in sorted(glob.glob(os.path.join(D, "windows-*.tsv"))):
    for line in open(f):
        p = line.rstrip("\n").split("\t")
        if len(p) != 6:
            continue
        env, client, m, run, t0, t1 = p
        inside = [s for s in samples if float(t0) <= s[0] <= float(t1)]
        if len(inside) < 2:
            continue
        a, b = inside[0], inside[-1]
        dt = b[0] - a[0]
        if dt <= 0:
            continue
        raw.append((env, client, "srv_cpu_%s_pct" % m, run, "%.2f" % (100 * (b[1] - a[1]) / clk / dt), "%"))
        if b[3] > a[3]:
            raw.append((env, client, "host_busy_%s_pct" % m, run,
                        "%.2f" % (200 * (b[2] - a[2]) / (b[3] - a[3])), "%"))

# ---- the rows ----
# (key, label, unit, target) target: (">=", 1.5) means sstp/sstpc must be >= 1.5
DIRS = {"tx": "client->server", "rx": "server->client"}
streams = sorted({int(r[2].split("_p")[1].split("_")[0]) for r in raw
                  if r[2].startswith("tput_") and "_p" in r[2]} or {1, 4})
rows = []
for d in ("tx", "rx"):
    for p in streams:
        rows.append(("tput_%s_p%d_mbps" % (d, p), "TCP %s, %d stream%s" % (DIRS[d], p, "s" if p > 1 else ""),
                     "Mbit/s", (">=", 1.5)))
for d in ("tx", "rx"):
    for p in streams:
        rows.append(("cpu_%s_p%d_s_per_gb" % (d, p), "client CPU per GB, %s, P%d" % (d, p), "s/GB",
                     ("<=", 1 / 3)))
for d in ("tx", "rx"):
    for p in streams:
        rows.append(("cpu_%s_p%d_pct" % (d, p), "client CPU during %s P%d" % (d, p), "%", None))
for d in ("tx", "rx"):
    for p in streams:
        rows.append(("srv_cpu_%s_p%d_pct" % (d, p), "SoftEther CPU during %s P%d (host)" % (d, p), "%", None))
for d in ("tx", "rx"):
    for p in streams:
        rows.append(("host_busy_%s_p%d_pct" % (d, p), "whole machine busy during %s P%d (of 200%%)" % (d, p),
                     "%", None))
rows += [
    ("exec_s", "program start only (sstp --help, sstpc --version)", "s", None),
    ("connect_addr_s", "connect: start -> IPv4 address", "s", ("<=", 0.5)),
    ("connect_usable_s", "connect: start -> first ping answered", "s", ("<=", 0.5)),
    ("disconnect_s", "disconnect: SIGTERM -> processes gone", "s", None),
    ("rtt_avg_ms", "ping RTT through the tunnel (avg)", "ms", None),
    ("rtt_added_ms", "latency added vs no tunnel (avg RTT)", "ms", None),
    ("rss_peak_kib", "peak RSS (VmHWM, all client processes)", "KiB", ("<=", 0.5)),
    ("rss_anon_kib", "  of which the processes' own (RssAnon)", "KiB", None),
    ("rss_file_kib", "  of which mapped files, libraries (RssFile)", "KiB", None),
    ("rss_soak_start_kib", "RSS before the soak", "KiB", None),
    ("rss_soak_end_kib", "RSS after the soak", "KiB", None),
    ("rss_soak_growth_kib", "RSS growth during the soak", "KiB", None),
    ("rss_peak_after_soak_kib", "peak RSS after the soak", "KiB", None),
    ("soak_mbps", "soak throughput (both directions)", "Mbit/s", None),
]
CEIL = []
for d in ("tx", "rx"):
    for p in streams:
        CEIL.append(("plain", "tput_%s_p%d_mbps" % (d, p), "ceiling: no tunnel, TCP %s, P%d" % (d, p), "Mbit/s"))
CEIL.append(("plain", "rtt_avg_ms", "ceiling: no tunnel, ping RTT (avg)", "ms"))
CEIL.append(("env", "syscall_us", "calibration: one syscall (dd 1500 B)", "us"))
HOSTCEIL = [
    ("openssl_aes256gcm_1500_mbps", "ceiling: openssl aes-256-gcm, 1500 B, 1 core", "Mbit/s"),
    ("openssl_aes256gcm_16384_mbps", "ceiling: openssl aes-256-gcm, 16 KiB, 1 core", "Mbit/s"),
    ("mbedtls_aes256gcm_1500_mbps", "ceiling: mbedTLS aes-256-gcm, 1500 B, 1 core", "Mbit/s"),
    ("mbedtls_aes256gcm_16384_mbps", "ceiling: mbedTLS aes-256-gcm, 16 KiB, 1 core", "Mbit/s"),
    ("nettle_aes256gcm_1500_mbps", "ceiling: nettle aes-256-gcm, 1500 B, 1 core", "Mbit/s"),
    ("nettle_aes256gcm_16384_mbps", "ceiling: nettle aes-256-gcm, 16 KiB, 1 core", "Mbit/s"),
]


def stats(vs):
    if not vs:
        return None
    return {"n": len(vs), "min": min(vs), "median": statistics.median(vs), "max": max(vs), "values": vs}


def fmt1(x, unit):
    if x is None:
        return ""
    if unit in ("KiB",) or abs(x) >= 1000:
        return "%.0f" % x
    if unit == "s":
        return "%.3f" % x
    if abs(x) >= 100:
        return "%.0f" % x
    if abs(x) >= 10:
        return "%.1f" % x
    return "%.3g" % x


def cell(st, unit):
    if not st:
        return "-"
    if st["n"] == 1:
        return fmt1(st["median"], unit)
    return "%s / %s / %s" % (fmt1(st["min"], unit), fmt1(st["median"], unit), fmt1(st["max"], unit))


out_rows = []
for key, label, unit, target in rows:
    su, cu, sn = (stats(values("uml", "sstp", key)), stats(values("uml", "sstpc", key)),
                  stats(values("native", "sstp", key)))
    if not (su or cu or sn):
        continue
    ratio = None
    if su and cu and cu["median"]:
        ratio = su["median"] / cu["median"]
    ok = None
    if target and ratio is not None:
        ok = ratio >= target[1] if target[0] == ">=" else ratio <= target[1]
    out_rows.append({"key": key, "label": label, "unit": unit, "sstp_uml": su, "sstpc_uml": cu,
                     "ratio": ratio, "target": ("%s %.3g" % target) if target else None, "pass": ok,
                     "sstp_native": sn})
for client, key, label, unit in CEIL:
    u, n = stats(values("uml", client, key)), stats(values("native", client, key))
    if u or n:
        out_rows.append({"key": "ceiling_" + key if client == "plain" else key, "label": label, "unit": unit,
                         "sstp_uml": u, "sstpc_uml": u, "ratio": None, "target": None, "pass": None,
                         "sstp_native": n})
for key, label, unit in HOSTCEIL:
    n = stats(values("host", "ceiling", key))
    if n:
        out_rows.append({"key": key, "label": label, "unit": unit, "sstp_uml": None, "sstpc_uml": None,
                         "ratio": None, "target": None, "pass": None, "sstp_native": n})

tls = text("uml", "sstp", "tls") or text("native", "sstp", "tls")
fails = {env + "/" + c: int(sum(values(env, c, "connect_failed")))
         for env in ("uml", "native") for c in ("sstp", "sstpc") if values(env, c, "connect_failed")}
meta.update({"sstp_tls": tls.replace("_", " "), "connect_failures": fails})

H = ["metric", "unit", "sstp (UML)", "sstpc+pppd (UML)", "sstp/sstpc", "target", "sstp (native)"]
table = []
for r in out_rows:
    tgt = ""
    if r["target"]:
        tgt = r["target"] + (" ok" if r["pass"] else " MISSED" if r["pass"] is False else "")
    table.append([r["label"], r["unit"], cell(r["sstp_uml"], r["unit"]), cell(r["sstpc_uml"], r["unit"]),
                  "%.2f" % r["ratio"] if r["ratio"] is not None else "", tgt, cell(r["sstp_native"], r["unit"])])

w = [max(len(H[i]), *(len(t[i]) for t in table)) if table else len(H[i]) for i in range(len(H))]
lines = ["  ".join(H[i].ljust(w[i]) for i in range(len(H))), "  ".join("-" * w[i] for i in range(len(H)))]
lines += ["  ".join(t[i].ljust(w[i]) for i in range(len(H))) for t in table]
head = ("commit %s, %s, %s; %s; load average before %s, after %s; sstp TLS: %s; cells are min / median / "
        "max over runs" % (meta.get("commit", "?"), meta.get("date", "?"), meta.get("cpu", "?").replace("_", " "),
                           meta.get("knobs", ""), meta.get("load_before", "?"), meta.get("load_after", "?"),
                           meta["sstp_tls"] or "?"))
if fails:
    head += "; connects that failed: " + ", ".join("%s %d" % kv for kv in fails.items())
print(head)
print("\n".join(lines))

md = ["| " + " | ".join(H) + " |", "|" + "---|" * len(H)]
md += ["| " + " | ".join(t) + " |" for t in table]
with open(os.path.join(D, "table.md"), "w") as f:
    f.write(head + "\n\n" + "\n".join(md) + "\n")
with open(os.path.join(D, "bench-results.json"), "w") as f:
    json.dump({"meta": meta, "rows": out_rows}, f, indent=1)
