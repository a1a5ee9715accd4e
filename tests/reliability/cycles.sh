#!/bin/bash
# cycles.sh - the long version of tests/integration/rel_cycles_short.sh: N connect -> traffic ->
# disconnect cycles with the CLI and N through `sstp helper` (default 200 each; about 15 s per
# pair on the rig), helper fd count and RSS after every cycle, namespace exact after every cycle,
# canary secrets searched at the end.
# Usage (as root): tests/reliability/cycles.sh [N]
# shellcheck source=lib/long.sh
. "$(dirname "$0")/lib/long.sh"
rel_long_setup
N=${1:-200}
REL_CYCLES=$N REL_HELPER_CYCLES=${REL_HELPER_CYCLES:-$N} exec "$REL_ROOT/tests/integration/rel_cycles_short.sh"
