/*
 * dhpool.c: precomputed ephemeral DH pairs (see gdoi/dhpool.h).
 *
 * One mutex and one condition variable; a worker generates outside the
 * lock and refills the group with the fewest pairs ready.  Taking a pair
 * is a pop under the lock and a signal.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gdoi/crypto.h"
#include "gdoi/dhpool.h"
#include "gdoi/log.h"

struct pool_group {
	unsigned pg_group;
	struct gdoi_dh **pg_ready;   /* stack of pg_n pairs, room for depth */
	size_t pg_n;
};

static struct {
	pthread_mutex_t p_mu;
	pthread_cond_t p_cv;
	pthread_t p_th[GDOI_DHPOOL_THREADS];
	unsigned p_nth;
	int p_running;
	size_t p_depth;
	struct pool_group p_g[GDOI_DHPOOL_GROUPS];
	size_t p_ng;
	struct gdoi_dhpool_stats p_st;
} P = { .p_mu = PTHREAD_MUTEX_INITIALIZER, .p_cv = PTHREAD_COND_INITIALIZER };

/* The group with the fewest pairs below depth, or NULL (all full).  Locked. */
static struct pool_group *
neediest(void)
{
	struct pool_group *best = NULL;
	size_t i;

	for (i = 0; i < P.p_ng; i++)
		if (P.p_g[i].pg_n < P.p_depth && (best == NULL || P.p_g[i].pg_n < best->pg_n))
			best = &P.p_g[i];
	return best;
}

static void *
worker(void *arg)
{
	struct pool_group *g;
	struct gdoi_dh *dh;
	unsigned group;

	(void)arg;
	pthread_mutex_lock(&P.p_mu);
	while (P.p_running) {
		if ((g = neediest()) == NULL) {
			pthread_cond_wait(&P.p_cv, &P.p_mu);
			continue;
		}
		group = g->pg_group;
		pthread_mutex_unlock(&P.p_mu);
		dh = NULL;
		(void)gdoi_dh_generate(group, &dh);
		pthread_mutex_lock(&P.p_mu);
		if (dh == NULL)
			continue;  /* cannot happen for a known group; try again */
		if (P.p_running && g->pg_n < P.p_depth) {
			g->pg_ready[g->pg_n++] = dh;
			P.p_st.ds_made++;
		} else
			gdoi_dh_free(dh);
	}
	pthread_mutex_unlock(&P.p_mu);
	return NULL;
}

static int
take(unsigned group, struct gdoi_dh **out)
{
	size_t i;
	int rc = -1;

	pthread_mutex_lock(&P.p_mu);
	for (i = 0; i < P.p_ng; i++) {
		if (P.p_g[i].pg_group != group)
			continue;
		if (P.p_g[i].pg_n > 0) {
			*out = P.p_g[i].pg_ready[--P.p_g[i].pg_n];
			P.p_st.ds_taken++;
			pthread_cond_signal(&P.p_cv);
			rc = 0;
		} else
			P.p_st.ds_missed++;
		break;
	}
	pthread_mutex_unlock(&P.p_mu);
	return rc;
}

static void
free_groups(void)
{
	size_t i;

	for (i = 0; i < P.p_ng; i++) {
		while (P.p_g[i].pg_n > 0)
			gdoi_dh_free(P.p_g[i].pg_ready[--P.p_g[i].pg_n]);
		free(P.p_g[i].pg_ready);
		P.p_g[i].pg_ready = NULL;
	}
	P.p_ng = 0;
}

int
gdoi_dhpool_start(const unsigned *groups, size_t n, unsigned threads, size_t depth)
{
	struct gdoi_dh *probe;
	size_t i, j;

	gdoi_dhpool_stop();
	if (threads == 0 || n == 0)
		return 0;
	if (threads > GDOI_DHPOOL_THREADS)
		threads = GDOI_DHPOOL_THREADS;
	if (depth == 0 || depth > GDOI_DHPOOL_DEPTH_MAX)
		depth = 64;
	memset(&P.p_st, 0, sizeof(P.p_st));
	P.p_depth = depth;
	for (i = 0; i < n && P.p_ng < GDOI_DHPOOL_GROUPS; i++) {
		for (j = 0; j < P.p_ng && P.p_g[j].pg_group != groups[i]; j++)
			;
		if (j < P.p_ng || gdoi_dh_public_len(groups[i]) == 0)
			continue;  /* twice, or not a group we know */
		/* one pair now: the group works, and the first request finds it */
		if (gdoi_dh_generate(groups[i], &probe) != 0)
			continue;
		if ((P.p_g[P.p_ng].pg_ready = calloc(depth, sizeof(struct gdoi_dh *))) == NULL) {
			gdoi_dh_free(probe);
			free_groups();
			return -1;
		}
		P.p_g[P.p_ng].pg_group = groups[i];
		P.p_g[P.p_ng].pg_ready[0] = probe;
		P.p_g[P.p_ng++].pg_n = 1;
	}
	if (P.p_ng == 0)
		return 0;
	P.p_running = 1;
	for (P.p_nth = 0; P.p_nth < threads; P.p_nth++)
		if (pthread_create(&P.p_th[P.p_nth], NULL, worker, NULL) != 0) {
			gdoi_log("GDOI", GDOI_LOG_ERR, "DH_POOL", "cannot start DH worker thread %u",
			    P.p_nth);
			gdoi_dhpool_stop();
			return -1;
		}
	gdoi_dh_set_source(take);
	return 0;
}

void
gdoi_dhpool_stop(void)
{
	unsigned i;

	gdoi_dh_set_source(NULL);
	pthread_mutex_lock(&P.p_mu);
	P.p_running = 0;
	pthread_cond_broadcast(&P.p_cv);
	pthread_mutex_unlock(&P.p_mu);
	for (i = 0; i < P.p_nth; i++)
		pthread_join(P.p_th[i], NULL);
	P.p_nth = 0;
	pthread_mutex_lock(&P.p_mu);
	free_groups();
	pthread_mutex_unlock(&P.p_mu);
}

void
gdoi_dhpool_stats(struct gdoi_dhpool_stats *st)
{
	size_t i;

	pthread_mutex_lock(&P.p_mu);
	*st = P.p_st;
	st->ds_ready = 0;
	for (i = 0; i < P.p_ng; i++)
		st->ds_ready += P.p_g[i].pg_n;
	pthread_mutex_unlock(&P.p_mu);
}

unsigned
gdoi_dhpool_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n <= 1)
		return 0;
	return n - 1 > 4 ? 4 : (unsigned)(n - 1);
}
