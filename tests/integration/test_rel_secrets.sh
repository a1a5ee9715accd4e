#!/bin/bash
# Secret hygiene in the default suite: one connect/traffic/disconnect with a canary password (with
# -vv packet dumps, connect/status JSON), `sstp check --json --junit`, and one EAP-TLS connect
# through `sstp helper` whose PKCS#12 password is another canary, its socket traffic recorded. Then
# the canaries and a piece of the private key must appear in no log, JSON/JUnit output, journal,
# helper log or helper traffic, nor in /proc/*/cmdline or sstp's environment while connected.
# It is rel_cycles_short.sh (the cycles test, run by hand or by tests/reliability/cycles.sh) with one
# cycle of each kind. Exit 0 pass, 1 fail, 77 skip.
REL_CYCLES=1 REL_HELPER_CYCLES=1 exec "$(dirname "$0")/rel_cycles_short.sh"
