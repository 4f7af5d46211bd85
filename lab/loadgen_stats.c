/*
 * gdoi-loadgen: counters and the summary.
 *
 * Registration: per registered member the time from its start to its
 * GROUPKEY-PULL completion (real monotonic clock, microseconds), the
 * first start and the last completion of the run.  Failures are counted
 * by reason token (LG_REASON_MAX distinct ones; more land in "other").
 *
 * Rekeys: each accepted PUSH is counted for its member; per SEQ the
 * first and the last member's receipt time are kept in a table of
 * LG_SEQ_SLOTS slots indexed by SEQ (a slot taken by another SEQ is
 * reused: only the latest LG_SEQ_SLOTS SEQs are tracked, the maximum
 * spread is kept as it goes).  The moment the KS started sending is not
 * observable here, so "latency" is first member to last member.
 *
 * The kv summary is a contract (benchmark scripts read it): the keys
 * below, one "loadgen.KEY=VALUE" per line, in this order.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadgen.h"

int
lg_stats_init(struct lg_stats *s, uint32_t count)
{
	memset(s, 0, sizeof(*s));
	s->st_lat_ms = calloc(count != 0 ? count : 1, sizeof(*s->st_lat_ms));
	return s->st_lat_ms == NULL ? -1 : 0;
}

void
lg_stats_free(struct lg_stats *s)
{
	free(s->st_lat_ms);
	memset(s, 0, sizeof(*s));
}

void
lg_stats_fail(struct lg_stats *s, const char *reason)
{
	size_t i;

	s->st_failed++;
	for (i = 0; i < s->st_nreason; i++)
		if (strcmp(s->st_reason[i].r_name, reason) == 0) {
			s->st_reason[i].r_n++;
			return;
		}
	if (s->st_nreason == LG_REASON_MAX) {
		/* the last slot gathers what does not fit */
		i = LG_REASON_MAX - 1;
		snprintf(s->st_reason[i].r_name, LG_REASON_LEN, "other");
		s->st_reason[i].r_n++;
		return;
	}
	i = s->st_nreason++;
	snprintf(s->st_reason[i].r_name, LG_REASON_LEN, "%s", reason);
	s->st_reason[i].r_n = 1;
}

void
lg_stats_registered(struct lg_stats *s, uint64_t start_us, uint64_t done_us)
{
	s->st_lat_ms[s->st_registered++] = (double)(done_us - start_us) / 1000.0;
	if (done_us > s->st_last_done_us)
		s->st_last_done_us = done_us;
}

void
lg_stats_seq(struct lg_stats *s, uint32_t seq, uint64_t now_us)
{
	struct lg_seq *q = &s->st_seq[seq % LG_SEQ_SLOTS];

	if (!q->sq_used || q->sq_seq != seq) {
		q->sq_used = 1;
		q->sq_seq = seq;
		q->sq_first_us = q->sq_last_us = now_us;
		s->st_rekey_msgs++;
	} else
		q->sq_last_us = now_us;
	if (q->sq_last_us - q->sq_first_us > s->st_max_spread_us)
		s->st_max_spread_us = q->sq_last_us - q->sq_first_us;
	if (!s->st_has_last || seq > s->st_last_seq) {
		s->st_has_last = 1;
		s->st_last_seq = seq;
	}
}

/* ACK number n (from 0) is dropped when floor((n+1)p/100) > floor(np/100):
 * exactly p of every 100, spread evenly, the same every run. */
int
lg_stats_drop_ack(struct lg_stats *s, unsigned pct)
{
	uint64_t n = s->st_ack_asked - 1; /* the caller counted this one */

	if (pct == 0)
		return 0;
	return ((n + 1) * pct) / 100 > (n * pct) / 100;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v[0..n). */
static double
pct(const double *v, size_t n, unsigned p)
{
	size_t r;

	if (n == 0)
		return 0.0;
	r = ((size_t)p * n + 99) / 100;
	return v[r == 0 ? 0 : r - 1];
}

static int
cmp_reason(const void *a, const void *b)
{
	return strcmp(((const struct lg_reason *)a)->r_name, ((const struct lg_reason *)b)->r_name);
}

void
lg_stats_summary(const struct lg_stats *s, uint32_t gms, int kv, FILE *f)
{
	struct lg_reason rs[LG_REASON_MAX];
	double *v = NULL, elapsed_ms = 0.0, rate = 0.0, p50, p90, p99, max, last_ms = 0.0;
	size_t n = s->st_registered, i;

	if (n != 0 && (v = malloc(n * sizeof(*v))) != NULL) {
		memcpy(v, s->st_lat_ms, n * sizeof(*v));
		qsort(v, n, sizeof(*v), cmp_double);
	} else
		n = 0;
	p50 = pct(v, n, 50);
	p90 = pct(v, n, 90);
	p99 = pct(v, n, 99);
	max = n != 0 ? v[n - 1] : 0.0;
	free(v);
	if (s->st_registered != 0 && s->st_last_done_us > s->st_first_start_us) {
		elapsed_ms = (double)(s->st_last_done_us - s->st_first_start_us) / 1000.0;
		rate = (double)s->st_registered * 1000.0 / elapsed_ms;
	}
	if (s->st_has_last) {
		const struct lg_seq *q = &s->st_seq[s->st_last_seq % LG_SEQ_SLOTS];

		last_ms = (double)(q->sq_last_us - q->sq_first_us) / 1000.0;
	}
	memcpy(rs, s->st_reason, s->st_nreason * sizeof(rs[0]));
	qsort(rs, s->st_nreason, sizeof(rs[0]), cmp_reason);
	if (kv) {
		fprintf(f, "loadgen.gms=%u\n", gms);
		fprintf(f, "loadgen.registered=%u\n", s->st_registered);
		fprintf(f, "loadgen.failed=%u\n", s->st_failed);
		for (i = 0; i < s->st_nreason; i++)
			fprintf(f, "loadgen.failed.%s=%u\n", rs[i].r_name, rs[i].r_n);
		fprintf(f, "loadgen.reg_elapsed_ms=%.0f\n", elapsed_ms);
		fprintf(f, "loadgen.reg_rate=%.1f\n", rate);
		fprintf(f, "loadgen.reg_latency_ms.p50=%.1f\n", p50);
		fprintf(f, "loadgen.reg_latency_ms.p90=%.1f\n", p90);
		fprintf(f, "loadgen.reg_latency_ms.p99=%.1f\n", p99);
		fprintf(f, "loadgen.reg_latency_ms.max=%.1f\n", max);
		fprintf(f, "loadgen.rekeys_received=%llu\n", (unsigned long long)s->st_rekeys);
		fprintf(f, "loadgen.rekeys_rejected=%llu\n", (unsigned long long)s->st_rejected);
		fprintf(f, "loadgen.rekey_msgs=%llu\n", (unsigned long long)s->st_rekey_msgs);
		fprintf(f, "loadgen.acks_sent=%llu\n", (unsigned long long)s->st_acks);
		fprintf(f, "loadgen.rekey_last_latency_ms=%.1f\n", last_ms);
		fprintf(f, "loadgen.rekey_first_to_last_ms=%.1f\n",
		    (double)s->st_max_spread_us / 1000.0);
		return;
	}
	fprintf(f, "Group members:        %u\n", gms);
	fprintf(f, "  registered:         %u\n", s->st_registered);
	fprintf(f, "  failed:             %u\n", s->st_failed);
	for (i = 0; i < s->st_nreason; i++)
		fprintf(f, "    %-18s%u\n", rs[i].r_name, rs[i].r_n);
	fprintf(f, "Registration:         %.0f ms from the first start to the last completion, "
	    "%.1f per second\n", elapsed_ms, rate);
	fprintf(f, "  latency (ms):       p50 %.1f  p90 %.1f  p99 %.1f  max %.1f\n", p50, p90,
	    p99, max);
	fprintf(f, "Rekeys:               %llu accepted, %llu rejected, %llu distinct SEQs\n",
	    (unsigned long long)s->st_rekeys, (unsigned long long)s->st_rejected,
	    (unsigned long long)s->st_rekey_msgs);
	fprintf(f, "  ACKs:               %llu sent, %llu skipped (--drop-acks)\n",
	    (unsigned long long)s->st_acks, (unsigned long long)s->st_acks_dropped);
	if (s->st_has_last)
		fprintf(f, "  last SEQ %u:        %.1f ms from the first member to the last\n",
		    s->st_last_seq, last_ms);
	fprintf(f, "  spread (max):       %.1f ms from the first member to the last, any SEQ\n",
	    (double)s->st_max_spread_us / 1000.0);
}
