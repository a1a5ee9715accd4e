#!/bin/bash
# cycles.sh - the long version of tests/reliability/test_rel_cycles.sh: N connect -> traffic ->
# disconnect cycles with the CLI and REL_HELPER_CYCLES (default N) through `sstp helper`, helper
# fd count and RSS before and after every cycle, namespace exact after every cycle, min/median/max
# time per cycle, canary secrets searched at the end. About 4-7 s per cycle on the rig.
# Usage (as root): tests/reliability/cycles.sh [N]     (e.g. REL_HELPER_CYCLES=50 ... 200)
# shellcheck source=lib/long.sh
. "$(dirname "$0")/lib/long.sh"
rel_long_setup
N=${1:-200}
REL_CYCLES=$N REL_HELPER_CYCLES=${REL_HELPER_CYCLES:-$N} exec "$REL_ROOT/tests/reliability/test_rel_cycles.sh"
