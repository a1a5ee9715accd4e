#!/bin/bash
# The PEAP part of the RRAS/NPS-faithful gateway test (see test_rras_gw.sh, cases in
# rras_gw_pending.sh): PEAPv0/EAP-MSCHAPv2 through FreeRADIUS (and a wrong PEAP password), and NPS
# with cryptobinding required (the gateway terminates PEAP and verifies the client's Compound
# MAC), a client MAC altered on the way refused by the gateway, a gateway MAC refused by sstp.
# Split off so that each part stays under 2 minutes.
# Exit 0 pass, 1 fail, 77 skip.
RGW_PART=peap exec "$(cd "$(dirname "$0")" && pwd)/test_rras_gw.sh" "$@"
