/*
 * dhpool: ephemeral DH key pairs made ahead of need by worker threads, so
 * a key server's single protocol thread does not spend the key generation
 * half of each Phase 1 DH (MODP-2048: 0.26 ms of 0.52) on the loop.  The
 * workers only call gdoi_dh_generate(); the protocol state stays on the
 * loop thread, which takes a ready pair through gdoi_dh_new() (the pool
 * is its source) or makes one itself when the pool is empty.  Each pair
 * is used once; the unused ones are freed (wiped) at stop.
 */
#ifndef GDOI_DHPOOL_H
#define GDOI_DHPOOL_H

#include <stddef.h>

#define GDOI_DHPOOL_GROUPS 8      /**< distinct IKE groups kept */
#define GDOI_DHPOOL_THREADS 8
#define GDOI_DHPOOL_DEPTH_MAX 1024

struct gdoi_dhpool_stats {
	unsigned long ds_made;    /**< pairs the workers generated */
	unsigned long ds_taken;   /**< pairs handed out */
	unsigned long ds_missed;  /**< requests for a kept group that found it empty */
	size_t ds_ready;          /**< pairs waiting now, all groups */
};

/**
 * Start threads workers keeping depth pairs ready for each of the IKE
 * groups groups[0..n) (duplicates and unknown groups ignored), and make
 * the pool gdoi_dh_new()'s source.  threads 0: nothing is started.
 * 0, or -1 (logged) when the threads cannot start.  Call after any fork.
 */
int gdoi_dhpool_start(const unsigned *groups, size_t n, unsigned threads, size_t depth);
/** Stop and join the workers, free what is left, detach from gdoi_dh_new(). */
void gdoi_dhpool_stop(void);
/** Counters since start. */
void gdoi_dhpool_stats(struct gdoi_dhpool_stats *st);
/** Workers to use on this machine by default: online CPUs - 1, at most 4. */
unsigned gdoi_dhpool_default_threads(void);

#endif
