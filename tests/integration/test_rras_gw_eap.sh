#!/bin/bash
# The EAP half of the RRAS/NPS-faithful gateway test (see test_rras_gw.sh, cases in
# rras_gw_pending.sh): EAP-TLS with a 3-level RSA-4096 chain at MRU 4091, EAP-TLS identity = the
# certificate's UPN, EAP identifiers reused by the server, SSTP echo answered but LCP echo not.
# Split off so that each part stays under 2 minutes.
# Exit 0 pass, 1 fail, 77 skip.
RGW_PART=eap exec "$(cd "$(dirname "$0")" && pwd)/test_rras_gw.sh" "$@"
