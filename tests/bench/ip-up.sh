#!/bin/sh
# ip-up.sh - pppd ip-up-script of the benchmark's sstpc runs (tests/bench/lib.sh): routes the
# service host's /24 (the local address's /24, the rig's hub net) through the new PPP interface,
# what `sstp connect --route` does for sstp. pppd calls it with: IFNAME TTY SPEED LOCAL REMOTE IPPARAM.
exec ip route replace "${4%.*}.0/24" dev "$1"
