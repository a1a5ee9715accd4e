#!/bin/bash
# link-faults.sh - the long version of tests/reliability/test_rel_faults.sh: DROPS forced drops in a
# row (default 20: gateway RST, gateway kill -9 + restart, client socket abort, gateway SIGTERM +
# restart, in turn, with a link flap after every fourth), each recovered with traffic, route and DNS
# checked, then the delayed/lossy path and the silent peer. Prints "forced drops survived: N/N".
# Usage (as root): tests/reliability/link-faults.sh [DROPS]
# shellcheck source=lib/long.sh
. "$(dirname "$0")/lib/long.sh"
rel_long_setup
REL_DROPS=${1:-20} exec "$REL_ROOT/tests/reliability/test_rel_faults.sh"
