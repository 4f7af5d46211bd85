/*
 * The rekey and re-registration schedule (see gdoi/sched.h): pure
 * arithmetic on times the caller passes in.  Every sum and product
 * saturates at GDOI_SCHED_NEVER.
 */
#include <string.h>

#include "gdoi/err.h"
#include "gdoi/sched.h"

#define MS_PER_S 1000u

static uint64_t
sat_add(uint64_t a, uint64_t b)
{
	return a > GDOI_SCHED_NEVER - b ? GDOI_SCHED_NEVER : a + b;
}

static uint64_t
sat_sub(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static uint64_t
sat_mul(uint64_t a, uint64_t b)
{
	if (a != 0 && b > GDOI_SCHED_NEVER / a)
		return GDOI_SCHED_NEVER;
	return a * b;
}

static uint64_t
s_to_ms(uint64_t s)
{
	return sat_mul(s, MS_PER_S);
}

static uint64_t
max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/*
 * A point in [lo, hi] chosen by rnd: lo + rnd * n / 2^32 with n the
 * window's size in milliseconds.  rnd 0 -> lo, rnd UINT32_MAX -> hi.
 * Windows wider than 2^32 ms (about 50 days) do not occur here; they are
 * capped so the product cannot overflow.
 */
static uint64_t
pick(uint64_t lo, uint64_t hi, uint32_t rnd)
{
	uint64_t n;

	if (hi <= lo)
		return lo;
	n = hi - lo;
	if (n >= UINT32_MAX)
		n = UINT32_MAX - 1;
	n += 1;
	return lo + (((uint64_t)rnd * n) >> 32);
}

/* ------------------------------------------------------------------ */
/* Key server                                                          */

uint64_t
gdoi_sched_kek_lead_s(uint32_t retx_count, uint32_t retx_interval_s,
		      uint32_t n_gms, int unicast)
{
	uint64_t lead = GDOI_SCHED_KEK_BASE_S;

	lead += (uint64_t)retx_count * retx_interval_s;
	if (unicast)
		lead += (uint64_t)GDOI_SCHED_KEK_GM_S *
			(1u + (uint64_t)n_gms / GDOI_SCHED_KEK_GM_STEP);
	return lead;
}

/*
 * Offset from creation of a rekey lead_s ahead of a life_s expiry, no
 * earlier than a quarter of the lifetime (the short-lifetime floor).
 */
static uint64_t
rekey_offset_ms(uint32_t life_s, uint64_t lead_s)
{
	uint64_t life_ms = s_to_ms(life_s);
	uint64_t lead_ms = s_to_ms(lead_s);
	uint64_t floor_ms = life_ms / GDOI_SCHED_MIN_AGE_DIV;

	return max_u64(sat_sub(life_ms, lead_ms), floor_ms);
}

uint64_t
gdoi_sched_kek_rekey_at(uint64_t kek_created_ms, uint32_t kek_life_s,
			uint64_t lead_s, int legacy)
{
	if (legacy)
		return sat_add(kek_created_ms, s_to_ms(kek_life_s));
	return sat_add(kek_created_ms, rekey_offset_ms(kek_life_s, lead_s));
}

uint64_t
gdoi_sched_tek_lead_s(uint32_t cfg_lead_s, uint32_t retx_count,
		      uint32_t retx_interval_s)
{
	uint64_t lead = cfg_lead_s ? cfg_lead_s : GDOI_SCHED_TEK_LEAD_S;
	uint64_t span = (uint64_t)retx_count * retx_interval_s +
			GDOI_SCHED_TEK_MARGIN_S;

	return max_u64(lead, span);
}

uint64_t
gdoi_sched_tek_rekey_at(uint64_t tek_created_ms, uint32_t tek_life_s,
			uint64_t lead_s)
{
	return sat_add(tek_created_ms, rekey_offset_ms(tek_life_s, lead_s));
}

uint64_t
gdoi_sched_retx_at(uint64_t first_send_ms, uint32_t k, uint32_t interval_s)
{
	return sat_add(first_send_ms, s_to_ms((uint64_t)k * interval_s));
}

/* ------------------------------------------------------------------ */
/* Group member                                                        */

uint64_t
gdoi_sched_gm_rereg_tek(uint64_t tek_expiry_ms, uint64_t now_ms, uint32_t rnd)
{
	uint64_t lo, hi, t;

	if (tek_expiry_ms == GDOI_SCHED_NEVER)
		return GDOI_SCHED_NEVER;
	lo = sat_sub(tek_expiry_ms, s_to_ms(GDOI_SCHED_GM_TEK_EARLY_S));
	hi = sat_sub(tek_expiry_ms, s_to_ms(GDOI_SCHED_GM_TEK_LATE_S));
	t = pick(lo, hi, rnd);
	/* A window that would start before time 0 is already under way. */
	if (t >= now_ms &&
	    tek_expiry_ms >= s_to_ms(GDOI_SCHED_GM_TEK_EARLY_S))
		return t;
	/* Late: at the expiry itself, so one TEK never causes two
	 * registrations (a KS that hands out the same short TEK again would
	 * otherwise be asked over and over). */
	if (now_ms >= tek_expiry_ms)
		return now_ms;
	return tek_expiry_ms;
}

uint64_t
gdoi_sched_gm_kek_expired_rereg(uint64_t kek_expiry_ms, uint32_t rnd)
{
	if (kek_expiry_ms == GDOI_SCHED_NEVER)
		return GDOI_SCHED_NEVER;
	return pick(kek_expiry_ms,
		    sat_add(kek_expiry_ms, s_to_ms(GDOI_SCHED_GM_KEK_SPREAD_S)),
		    rnd);
}

const char *
gdoi_sched_why_name(enum gdoi_sched_why why)
{
	switch (why) {
	case GDOI_SCHED_IDLE:
		return "idle";
	case GDOI_SCHED_REREG_TEK:
		return "rereg-tek";
	case GDOI_SCHED_DELETE_KEK:
		return "delete-kek";
	case GDOI_SCHED_REREG_KEK:
		return "rereg-kek";
	}
	return "unknown";
}

/* Tie order at equal times: lower rank first. */
static int
why_rank(enum gdoi_sched_why why)
{
	switch (why) {
	case GDOI_SCHED_DELETE_KEK:
		return 0;
	case GDOI_SCHED_REREG_TEK:
		return 1;
	case GDOI_SCHED_REREG_KEK:
		return 2;
	case GDOI_SCHED_IDLE:
		break;
	}
	return 3;
}

/* Offer a candidate; one already overdue (before now) is due now. */
static void
consider(struct gdoi_sched_wake *best, uint64_t now, uint64_t at,
	 enum gdoi_sched_why why)
{
	if (at == GDOI_SCHED_NEVER)
		return;
	if (at < now)
		at = now;
	if (best->why == GDOI_SCHED_IDLE || at < best->at_ms ||
	    (at == best->at_ms && why_rank(why) < why_rank(best->why))) {
		best->at_ms = at;
		best->why = why;
	}
}

struct gdoi_sched_wake
gdoi_sched_gm_next(const struct gdoi_sched_gm_in *in)
{
	struct gdoi_sched_wake w = { GDOI_SCHED_NEVER, GDOI_SCHED_IDLE };
	uint64_t kek_end;

	consider(&w, in->now_ms, gdoi_sched_gm_rereg_tek(in->tek_expiry_ms, in->now_ms,
					     in->rnd_tek),
		 GDOI_SCHED_REREG_TEK);
	if (in->kek_expiry_ms != GDOI_SCHED_NEVER) {
		kek_end = sat_add(in->kek_expiry_ms, in->kek_grace_ms);
		if (in->now_ms < kek_end)
			consider(&w, in->now_ms, kek_end, GDOI_SCHED_DELETE_KEK);
		else
			consider(&w, in->now_ms, gdoi_sched_gm_kek_expired_rereg(kek_end,
								     in->rnd_kek),
				 GDOI_SCHED_REREG_KEK);
	}
	return w;
}

struct gdoi_sched_wake
gdoi_sched_gm_rereg_at(const struct gdoi_sched_gm_in *in)
{
	struct gdoi_sched_wake w = { GDOI_SCHED_NEVER, GDOI_SCHED_IDLE };

	consider(&w, in->now_ms, gdoi_sched_gm_rereg_tek(in->tek_expiry_ms, in->now_ms,
					     in->rnd_tek),
		 GDOI_SCHED_REREG_TEK);
	if (in->kek_expiry_ms != GDOI_SCHED_NEVER)
		consider(&w, in->now_ms, gdoi_sched_gm_kek_expired_rereg(
				     sat_add(in->kek_expiry_ms, in->kek_grace_ms),
				     in->rnd_kek),
			 GDOI_SCHED_REREG_KEK);
	return w;
}

uint64_t
gdoi_sched_gm_tek_switch_ms(uint64_t old_expiry_ms, uint32_t switch_s)
{
	if (old_expiry_ms == GDOI_SCHED_NEVER)
		return GDOI_SCHED_NEVER;
	return sat_sub(old_expiry_ms, s_to_ms(switch_s));
}

uint64_t
gdoi_sched_gm_tek_next_ms(uint64_t expiry_ms, uint32_t switch_s, int replaced,
			  uint64_t after_ms)
{
	uint64_t sw = gdoi_sched_gm_tek_switch_ms(expiry_ms, switch_s);

	if (replaced && sw > after_ms)
		return sw;
	return expiry_ms > after_ms ? expiry_ms : GDOI_SCHED_NEVER;
}

/* ------------------------------------------------------------------ */
/* Old-behaviour key server handling                                   */

void
gdoi_sched_legacy_init(struct gdoi_sched_legacy *st)
{
	memset(st, 0, sizeof(*st));
}

int
gdoi_sched_gm_note_registration(struct gdoi_sched_legacy *st,
				const uint8_t kek_spi[GDOI_SCHED_KEK_SPI_LEN],
				const uint8_t *prev_kek_spi,
				uint64_t kek_remaining_ms)
{
	if (st == NULL || kek_spi == NULL || prev_kek_spi == NULL)
		return 0;
	if (memcmp(kek_spi, prev_kek_spi, GDOI_SCHED_KEK_SPI_LEN) != 0)
		return 0;
	if (kek_remaining_ms >= s_to_ms(GDOI_SCHED_LEGACY_EVIDENCE_S))
		return 0; /* a new KS has not reached its rekey point yet */
	st->evidence++;
	if (st->old_ks)
		return 0;
	st->old_ks = 1;
	return 1;
}

int
gdoi_sched_gm_note_kek_rekey(struct gdoi_sched_legacy *st, uint64_t at_ms,
			     uint64_t old_kek_expiry_ms)
{
	if (st == NULL || !st->old_ks)
		return 0;
	if (at_ms > sat_sub(old_kek_expiry_ms,
			    s_to_ms(GDOI_SCHED_LEGACY_EVIDENCE_S)))
		return 0;
	st->old_ks = 0;
	st->evidence = 0;
	return 1;
}

uint64_t
gdoi_sched_legacy_grace_ms(const struct gdoi_sched_legacy *st,
			   uint32_t retx_count, uint32_t retx_interval_s)
{
	if (st == NULL || !st->old_ks)
		return 0;
	return s_to_ms((uint64_t)retx_count * retx_interval_s +
		       GDOI_SCHED_LEGACY_MARGIN_S);
}

/*
 * Both GMs hold the same KEK at the start.  A registration before expiry
 * against an old KS returns that KEK; against a new one (which has
 * rekeyed by then, or hands out its current KEK) a different KEK, which
 * ends the cycle.
 */
int
gdoi_sched_kek_cycle(struct gdoi_sched_legacy *st,
		     const struct gdoi_sched_cycle_in *in,
		     struct gdoi_sched_cycle_out *out)
{
	static const uint8_t held[GDOI_SCHED_KEK_SPI_LEN] = { 1 };
	static const uint8_t fresh[GDOI_SCHED_KEK_SPI_LEN] = { 2 };
	int ours_done = 0, naive_done = 0;
	uint64_t k, end;
	size_t i;

	if (st == NULL || in == NULL || out == NULL ||
	    (in->n_ev > 0 && in->ev == NULL))
		return GDOI_E_INVAL;
	for (i = 1; i < in->n_ev; i++)
		if (in->ev[i].at_ms < in->ev[i - 1].at_ms)
			return GDOI_E_INVAL;
	k = in->kek_expiry_ms;
	out->ours = out->naive = 0;
	out->ours_rereg_ms = GDOI_SCHED_NEVER;

	for (i = 0; i < in->n_ev; i++) {
		const struct gdoi_sched_cyc_event *e = &in->ev[i];

		if (e->kind == GDOI_SCHED_CYC_PROBE) {
			if (e->at_ms >= k)
				continue; /* a probe is a pre-expiry point */
			if (!naive_done) {
				out->naive++;
				if (!in->ks_old)
					naive_done = 1;
			}
			if (!ours_done && !st->old_ks) {
				out->ours++;
				gdoi_sched_gm_note_registration(
					st, in->ks_old ? held : fresh, held,
					k - e->at_ms);
				if (!in->ks_old)
					ours_done = 1;
			}
		} else if (e->kind == GDOI_SCHED_CYC_KEK_REKEY) {
			/* The naive GM deletes the KEK at expiry. */
			if (!naive_done && e->at_ms < k)
				naive_done = 1;
			end = sat_add(k, gdoi_sched_legacy_grace_ms(
						 st, in->retx_count,
						 in->retx_interval_s));
			if (!ours_done && e->at_ms < end) {
				gdoi_sched_gm_note_kek_rekey(st, e->at_ms, k);
				ours_done = 1;
			}
		}
	}
	if (!naive_done)
		out->naive++;
	if (!ours_done) {
		end = sat_add(k, gdoi_sched_legacy_grace_ms(st, in->retx_count,
							    in->retx_interval_s));
		out->ours++;
		out->ours_rereg_ms = gdoi_sched_gm_kek_expired_rereg(end, in->rnd);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Lab time scale                                                      */

unsigned
gdoi_sched_scale_clamp(unsigned scale)
{
	if (scale < GDOI_SCHED_SCALE_MIN)
		return GDOI_SCHED_SCALE_MIN;
	if (scale > GDOI_SCHED_SCALE_MAX)
		return GDOI_SCHED_SCALE_MAX;
	return scale;
}

uint64_t
gdoi_sched_scale(uint64_t protocol_ms, unsigned scale)
{
	uint64_t n = gdoi_sched_scale_clamp(scale);

	if (protocol_ms == GDOI_SCHED_NEVER)
		return GDOI_SCHED_NEVER;
	return protocol_ms / n + (protocol_ms % n != 0);
}

uint64_t
gdoi_sched_unscale(uint64_t wall_ms, unsigned scale)
{
	if (wall_ms == GDOI_SCHED_NEVER)
		return GDOI_SCHED_NEVER;
	return sat_mul(wall_ms, gdoi_sched_scale_clamp(scale));
}

uint64_t
gdoi_sched_backoff_ms(uint64_t base_ms, uint64_t cap_ms, uint32_t k)
{
	uint64_t v = base_ms;

	while (k-- > 0 && v < cap_ms)
		v *= 2;
	return v > cap_ms ? cap_ms : v;
}

uint64_t
gdoi_sched_backoff_span_ms(uint64_t base_ms, uint64_t cap_ms, uint32_t n)
{
	uint64_t s = 0;
	uint32_t k;

	for (k = 0; k <= n; k++)
		s += gdoi_sched_backoff_ms(base_ms, cap_ms, k);
	return s;
}

uint64_t
gdoi_sched_gm_naive_probe_ms(uint64_t kek_expiry_ms)
{
	if (kek_expiry_ms == GDOI_SCHED_NEVER)
		return GDOI_SCHED_NEVER;
	return sat_sub(kek_expiry_ms, s_to_ms(GDOI_SCHED_LEGACY_EVIDENCE_S));
}

int
gdoi_sched_gm_kek_rekey_late(uint64_t at_ms, uint64_t kek_expiry_ms)
{
	return sat_add(at_ms, s_to_ms(GDOI_SCHED_LEGACY_EVIDENCE_S)) > kek_expiry_ms;
}

uint64_t
gdoi_sched_gm_deleted_kek_end_ms(uint64_t kek_expiry_ms)
{
	return sat_add(kek_expiry_ms,
	    s_to_ms(GDOI_SCHED_GM_KEK_SPREAD_S + GDOI_SCHED_LEGACY_MARGIN_S));
}

unsigned
gdoi_sched_gm_naive_regs(uint64_t kek_expiry_ms, uint64_t rekey_at_ms)
{
	struct gdoi_sched_cyc_event ev[2];
	struct gdoi_sched_cycle_in in;
	struct gdoi_sched_cycle_out out;
	struct gdoi_sched_legacy st;
	uint64_t probe = gdoi_sched_gm_naive_probe_ms(kek_expiry_ms);
	size_t n = 0;

	memset(&in, 0, sizeof(in));
	gdoi_sched_legacy_init(&st);
	if (probe != 0 && probe <= rekey_at_ms) {
		ev[n].at_ms = probe;
		ev[n++].kind = GDOI_SCHED_CYC_PROBE;
	}
	ev[n].at_ms = rekey_at_ms;
	ev[n++].kind = GDOI_SCHED_CYC_KEK_REKEY;
	in.kek_expiry_ms = kek_expiry_ms;
	in.ks_old = n == 2; /* a registration at the probe gets the held KEK back */
	in.ev = ev;
	in.n_ev = n;
	return gdoi_sched_kek_cycle(&st, &in, &out) == 0 ? out.naive : 0;
}
