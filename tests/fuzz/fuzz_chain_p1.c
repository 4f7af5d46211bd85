/*
 * libFuzzer harness: gdoi_chain_decode() in the Phase 1 context
 * (RFC 2408 SA / Proposal / Transform).
 */
#define HARNESS_CTX GDOI_CTX_PHASE1
#include "fuzz_chain.h"
