/*
 * libFuzzer harness: gdoi_chain_decode() in the GDOI context
 * (RFC 6407 GDOI SA with SA KEK, SA TEK and GAP).
 */
#define HARNESS_CTX GDOI_CTX_GDOI
#include "fuzz_chain.h"
