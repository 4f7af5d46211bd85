/*
 * The rekey and re-registration schedule, as pure functions.
 *
 * Nothing here reads a clock, touches a socket or draws a random number:
 * the caller passes "now", every creation/expiry time and every random
 * draw (a uint32_t from its own generator), and gets back absolute times
 * on the same clock.  So every formula can be checked to the millisecond
 * in a unit test, and a daemon arms its libev timers with the results.
 *
 * Units: absolute times and results are milliseconds of the caller's
 * clock (suffix _ms); lifetimes, leads and retransmit intervals are whole
 * seconds as configured and as carried on the wire (suffix _s).  All
 * arithmetic is in uint64_t and saturates instead of wrapping, so
 * GDOI_SCHED_NEVER (UINT64_MAX) stays "never".
 *
 * Random draws: a window [lo, hi] of n = hi - lo + 1 milliseconds is
 * sampled as lo + ((uint64_t)rnd * n >> 32).  That is uniform over the
 * window to within one part in 2^32 / n, rnd 0 gives exactly lo and
 * rnd UINT32_MAX gives exactly hi, so the edges are testable.
 *
 * Key server side
 *   KEK rekey start (IOS 15.2(1)T and later):
 *     expiry - (200 + retx_count * retx_interval + 5 * (1 + n_gms / 50))
 *   where the 5 * (1 + n_gms / 50) term applies to unicast rekeys only.
 *   The retransmit term applies to both transports: a multicast KS starts
 *   at expiry - (200 + retx_count * retx_interval).  (One project note
 *   reads the vendor text as putting the retransmit term under "unicast
 *   only" too; DESIGN.md and the project's issue keep it for both, which
 *   is also the safer reading: a multicast rekey is retransmitted as well
 *   and all copies must go out before the KEK expires.)
 *   Example: unicast, 2 retransmits 10 s apart, 1 GM: 225 s before expiry.
 *   An old-behaviour KS (before IOS 15.2(1)T; our "legacy" mode) rekeys
 *   the KEK exactly when it expires.
 *
 *   TEK rekey start: expiry - lead, lead = max(configured or 90 s,
 *   retx_count * retx_interval + 30 s), so the last retransmission still
 *   leaves 30 s of the old TEK for the GMs to install the new one.
 *
 *   Short lifetimes: a rekey never goes out earlier than a quarter of the
 *   lifetime after the key was created (GDOI_SCHED_MIN_AGE_DIV).  With the
 *   IOS minimum KEK lifetime (300 s) and the default lead (225 s) that is
 *   exactly the IOS start (75 s); with a 120 s TEK and a 90 s lead it is
 *   the 30 s IOS shows.  The floor only engages where the lead would eat
 *   more than three quarters of the lifetime (very short lifetimes, or a
 *   very large unicast group): the rekey then still leaves three quarters
 *   of the lifetime for distribution, and the rekey rate stays bounded at
 *   one per quarter lifetime instead of one per millisecond.
 *
 * Group member side
 *   TEK: re-register at a random moment in [expiry - 90 s, expiry - 60 s]
 *   unless a rekey brings a newer TEK first.  KEK: when the KEK expires
 *   without a KEK rekey, delete it and re-register at a random moment in
 *   [expiry, expiry + 80 s].  "Re-registers in" shows whichever
 *   registration comes first (gdoi_sched_gm_next()).
 *
 *   Old-behaviour KS (DESIGN.md, "Timers that matter"): a naive
 *   new-behaviour GM registers twice per KEK cycle against it.  Ours marks
 *   the KS old when a registration returns the KEK it already holds with
 *   under 190 s left (a new KS would have started its KEK rekey at least
 *   200 s before expiry), then keeps the expiring KEK for receiving only
 *   during a grace equal to the KS's retransmit span plus a margin, and
 *   registers once, after the grace, only if no KEK rekey came.
 *
 * Lab time scale: with a factor N (1..1000) the daemons run N times
 * faster than the protocol.  Lifetimes on the wire, in configuration and
 * in show output stay protocol seconds; only the delay handed to a wall
 * timer is divided by N (gdoi_sched_scale()), and elapsed wall time is
 * multiplied back (gdoi_sched_unscale()) before it is compared with
 * protocol times.  The schedule functions themselves always work in
 * protocol time.
 */
#ifndef GDOI_SCHED_H
#define GDOI_SCHED_H

#include <stddef.h>
#include <stdint.h>

/** "Never" / "no such time". */
#define GDOI_SCHED_NEVER UINT64_MAX

/* Key server constants (seconds). */
#define GDOI_SCHED_KEK_BASE_S 200   /* KEK rekey starts at least this early */
#define GDOI_SCHED_KEK_GM_STEP 50   /* unicast: 5 s more per started 50 GMs */
#define GDOI_SCHED_KEK_GM_S 5
#define GDOI_SCHED_TEK_LEAD_S 90    /* default TEK rekey lead */
#define GDOI_SCHED_TEK_MARGIN_S 30  /* TEK lead beyond the retransmit span */
/* A rekey goes out no earlier than lifetime / this after creation. */
#define GDOI_SCHED_MIN_AGE_DIV 4

/* Group member constants (seconds). */
#define GDOI_SCHED_GM_TEK_EARLY_S 90  /* TEK re-registration window start */
#define GDOI_SCHED_GM_TEK_LATE_S 60   /* ... and end, before TEK expiry */
#define GDOI_SCHED_GM_KEK_SPREAD_S 80 /* KEK re-registration after expiry */
/* A registration returning the held KEK with less than this left marks
 * the KS old-behaviour (a new KS starts its KEK rekey >= 200 s early;
 * 10 s of slack for its sending time). */
#define GDOI_SCHED_LEGACY_EVIDENCE_S 190
/* Legacy grace beyond the KS's retransmit span (timer granularity and
 * one-way delay). */
#define GDOI_SCHED_LEGACY_MARGIN_S 10

/* Lab time scale bounds. */
#define GDOI_SCHED_SCALE_MIN 1
#define GDOI_SCHED_SCALE_MAX 1000

/* ------------------------------------------------------------------ */
/* Key server                                                          */

/**
 * KEK rekey lead in seconds: 200 + retx_count * retx_interval_s, plus
 * 5 * (1 + n_gms / 50) (integer division) for a unicast rekey.
 * Unicast 2 x 10 s: 1 GM 225, 49 GMs 225, 50 GMs 230, 100 GMs 235;
 * multicast 2 x 10 s: 220 whatever n_gms.
 */
uint64_t gdoi_sched_kek_lead_s(uint32_t retx_count, uint32_t retx_interval_s,
			       uint32_t n_gms, int unicast);

/**
 * When the KS sends the KEK rekey for a KEK created at kek_created_ms with
 * kek_life_s seconds of life.  legacy != 0: exactly at expiry (the old
 * behaviour, for interoperability tests).  Otherwise
 * created + max(life - lead, life / 4) (in milliseconds), i.e. lead
 * seconds before expiry unless the lead would put the rekey in the first
 * quarter of the lifetime.  A zero lifetime gives kek_created_ms.
 */
uint64_t gdoi_sched_kek_rekey_at(uint64_t kek_created_ms, uint32_t kek_life_s,
				 uint64_t lead_s, int legacy);

/**
 * TEK rekey lead in seconds: max(cfg_lead_s, or GDOI_SCHED_TEK_LEAD_S when
 * cfg_lead_s is 0, retx_count * retx_interval_s + GDOI_SCHED_TEK_MARGIN_S).
 */
uint64_t gdoi_sched_tek_lead_s(uint32_t cfg_lead_s, uint32_t retx_count,
			       uint32_t retx_interval_s);

/**
 * When the KS sends the TEK rekey: created + max(life - lead, life / 4)
 * in milliseconds (the same short-lifetime floor as the KEK).
 */
uint64_t gdoi_sched_tek_rekey_at(uint64_t tek_created_ms, uint32_t tek_life_s,
				 uint64_t lead_s);

/**
 * Doubling back-off, shared by every retry schedule (Phase 1 and
 * GROUPKEY-PULL retransmissions, a group member's retries after every
 * server failed): interval k (0-based) is base_ms * 2^k, at most cap_ms.
 */
uint64_t gdoi_sched_backoff_ms(uint64_t base_ms, uint64_t cap_ms, uint32_t k);
/** Intervals 0..n of that back-off added up (how long n resends take to give up). */
uint64_t gdoi_sched_backoff_span_ms(uint64_t base_ms, uint64_t cap_ms, uint32_t n);

/**
 * Retransmission k of a rekey first sent at first_send_ms:
 * first_send_ms + k * interval_s seconds (k = 1..retx_count; k = 0 is the
 * first send itself).
 */
uint64_t gdoi_sched_retx_at(uint64_t first_send_ms, uint32_t k,
			    uint32_t interval_s);

/* ------------------------------------------------------------------ */
/* Group member                                                        */

/**
 * TEK re-registration time for the newest TEK expiring at tek_expiry_ms.
 * Normally a point in [expiry - 90 s, expiry - 60 s] chosen by rnd.
 * When that point is already before now_ms (the GM registered or learnt
 * the TEK late, e.g. a KS handed out a TEK with under 60-90 s left): at
 * the expiry, so a GM registers at most once for one TEK (an earlier
 * rule that re-drew in [now, now + remaining / 2] made a GM ask a KS
 * that hands out the same TEK again and again, halving the wait each
 * time).  Expired or expiring now: now_ms.  Never after the expiry,
 * never before now_ms.
 */
uint64_t gdoi_sched_gm_rereg_tek(uint64_t tek_expiry_ms, uint64_t now_ms,
				 uint32_t rnd);

/** KEK-expired re-registration: a point in [expiry, expiry + 80 s]. */
uint64_t gdoi_sched_gm_kek_expired_rereg(uint64_t kek_expiry_ms, uint32_t rnd);

/** What the GM's next timer is for. */
enum gdoi_sched_why {
	GDOI_SCHED_IDLE = 0,   /* nothing to wait for (no TEK, no KEK) */
	GDOI_SCHED_REREG_TEK,  /* re-register before the newest TEK expires */
	GDOI_SCHED_DELETE_KEK, /* the KEK expires (after any legacy grace) */
	GDOI_SCHED_REREG_KEK,  /* re-register after the KEK was deleted */
};

/** Printable name of why ("idle", "rereg-tek", ...; never NULL). */
const char *gdoi_sched_why_name(enum gdoi_sched_why why);

/**
 * The GM's view.  A rekey that arrived shows as the newer expiry: after a
 * TEK rekey tek_expiry_ms is the new TEK's expiry, after a KEK rekey
 * kek_expiry_ms is the new KEK's, so there is no separate "rekey arrived"
 * input to disagree with them.
 */
struct gdoi_sched_gm_in {
	uint64_t now_ms;
	/* Expiry of the newest TEK; GDOI_SCHED_NEVER when the GM holds none. */
	uint64_t tek_expiry_ms;
	/* Expiry of the KEK held, or of the KEK deleted at expiry and not yet
	 * replaced by a registration; GDOI_SCHED_NEVER when there is none. */
	uint64_t kek_expiry_ms;
	/* Legacy grace (gdoi_sched_legacy_grace_ms()); 0 against a new KS. */
	uint64_t kek_grace_ms;
	uint32_t rnd_tek; /* draw for the TEK re-registration */
	uint32_t rnd_kek; /* draw for the KEK re-registration */
};

struct gdoi_sched_wake {
	uint64_t at_ms;           /* GDOI_SCHED_NEVER with GDOI_SCHED_IDLE */
	enum gdoi_sched_why why;
};

/**
 * The GM's next timer.  Candidates: REREG_TEK (gdoi_sched_gm_rereg_tek()
 * of the newest TEK); while the KEK is still held (now < expiry + grace),
 * DELETE_KEK at expiry + grace; once it is past that, REREG_KEK at
 * gdoi_sched_gm_kek_expired_rereg(expiry + grace).  The earliest wins;
 * at equal times DELETE_KEK goes first (the key goes before anything that
 * depends on it), then REREG_TEK (one registration serves both keys).
 * A candidate already overdue (before now_ms) is due at now_ms, so the
 * result is never before now_ms.  Returns the wake; with neither key
 * held it is {NEVER, IDLE}.
 */
struct gdoi_sched_wake gdoi_sched_gm_next(const struct gdoi_sched_gm_in *in);

/**
 * The "Re-registers in" moment: the earlier of the TEK re-registration
 * and the KEK re-registration projected from the KEK's expiry (+ grace)
 * with the same rnd_kek, so the countdown does not jump when the KEK is
 * deleted.  why is REREG_TEK or REREG_KEK (IDLE with NEVER when neither
 * key is held); overdue is now_ms, and ties go to REREG_TEK.
 */
struct gdoi_sched_wake gdoi_sched_gm_rereg_at(const struct gdoi_sched_gm_in *in);

/**
 * Outbound switch at a TEK rekey (DESIGN.md: the new TEK goes in inbound
 * at once, outbound moves to it shortly before the old one expires): the
 * moment a replaced TEK expiring at old_expiry_ms stops carrying the
 * member's outbound traffic, switch_s before its expiry (0 when that is
 * before the clock's start; NEVER stays NEVER).  The replaced TEK sends
 * while now_ms < this moment, its successor from then on.
 */
uint64_t gdoi_sched_gm_tek_switch_ms(uint64_t old_expiry_ms, uint32_t switch_s);

/**
 * The datapath's next moment for one TEK, the first later than after_ms:
 * for a replaced TEK (replaced 1) its outbound switch
 * (gdoi_sched_gm_tek_switch_ms()), then for any TEK its expiry; NEVER
 * when both have passed.
 */
uint64_t gdoi_sched_gm_tek_next_ms(uint64_t expiry_ms, uint32_t switch_s, int replaced,
				   uint64_t after_ms);

/* ------------------------------------------------------------------ */
/* Old-behaviour key server handling (GM side)                         */

#define GDOI_SCHED_KEK_SPI_LEN 16 /* the KEK SPI is the ISAKMP cookie pair */

struct gdoi_sched_legacy {
	int old_ks;         /* the KS rekeys the KEK only at expiry */
	unsigned evidence;  /* registrations that returned the held KEK late */
};

/** Start with a KS assumed new-behaviour. */
void gdoi_sched_legacy_init(struct gdoi_sched_legacy *st);

/**
 * A registration completed.  kek_spi is the KEK it returned, prev_kek_spi
 * the KEK held before it (NULL when none), kek_remaining_ms the returned
 * KEK's remaining life.  Marks the KS old-behaviour when the KEK is the
 * one already held and has less than GDOI_SCHED_LEGACY_EVIDENCE_S left.
 * Returns 1 when this call marked it, 0 otherwise.
 */
int gdoi_sched_gm_note_registration(struct gdoi_sched_legacy *st,
				    const uint8_t kek_spi[GDOI_SCHED_KEK_SPI_LEN],
				    const uint8_t *prev_kek_spi,
				    uint64_t kek_remaining_ms);

/**
 * A KEK rekey arrived at at_ms for the KEK expiring at old_kek_expiry_ms.
 * One that arrives GDOI_SCHED_LEGACY_EVIDENCE_S or more ahead of expiry
 * shows a new-behaviour KS (for example an upgraded one): the mark is
 * cleared.  Returns 1 when this call cleared it.
 */
int gdoi_sched_gm_note_kek_rekey(struct gdoi_sched_legacy *st, uint64_t at_ms,
				 uint64_t old_kek_expiry_ms);

/**
 * The receive-only grace after KEK expiry: 0 for a new KS; for an old one
 * (retx_count * retx_interval_s + GDOI_SCHED_LEGACY_MARGIN_S) seconds,
 * the KS's retransmit span as configured on the GM.
 */
uint64_t gdoi_sched_legacy_grace_ms(const struct gdoi_sched_legacy *st,
				    uint32_t retx_count, uint32_t retx_interval_s);

/** The naive policy's pre-expiry registration: GDOI_SCHED_LEGACY_EVIDENCE_S
 *  before the KEK expires (0 for an earlier expiry; NEVER stays NEVER). */
uint64_t gdoi_sched_gm_naive_probe_ms(uint64_t kek_expiry_ms);

/** 1 when a KEK rekey arriving at at_ms for the KEK expiring at
 *  kek_expiry_ms came later than a new-behaviour KS sends it (less than
 *  GDOI_SCHED_LEGACY_EVIDENCE_S before expiry, or after it): an old KS. */
int gdoi_sched_gm_kek_rekey_late(uint64_t at_ms, uint64_t kek_expiry_ms);

/** Until when a rekey under the KEK deleted at kek_expiry_ms is recognised
 *  as the old KS's at-expiry rekey: the expiry plus the re-registration
 *  spread and the legacy margin. */
uint64_t gdoi_sched_gm_deleted_kek_end_ms(uint64_t kek_expiry_ms);

/** The registrations the naive policy makes in the KEK cycle that a KEK
 *  rekey arriving at rekey_at_ms ends (gdoi_sched_kek_cycle with the
 *  naive probe, when it falls before the rekey, as the only other event). */
unsigned gdoi_sched_gm_naive_regs(uint64_t kek_expiry_ms, uint64_t rekey_at_ms);

/* One KEK cycle, for comparing our policy with the naive one. */
enum gdoi_sched_cyc_kind {
	/* The pre-expiry point at which a new-behaviour GM that saw no KEK
	 * rekey ahead of expiry re-registers (IOS: under 190 s left). */
	GDOI_SCHED_CYC_PROBE,
	/* The KS's KEK rekey reaches the GM. */
	GDOI_SCHED_CYC_KEK_REKEY,
};

struct gdoi_sched_cyc_event {
	uint64_t at_ms;
	enum gdoi_sched_cyc_kind kind;
};

struct gdoi_sched_cycle_in {
	uint64_t kek_expiry_ms;  /* the KEK held at the start of the cycle */
	int ks_old;              /* the KS really is old-behaviour: a
				    registration before expiry returns the
				    held KEK */
	uint32_t retx_count;     /* KS retransmits as configured on the GM */
	uint32_t retx_interval_s;
	uint32_t rnd;            /* draw for a KEK-expired re-registration */
	const struct gdoi_sched_cyc_event *ev; /* in time order */
	size_t n_ev;
};

struct gdoi_sched_cycle_out {
	unsigned ours;      /* registrations our GM makes in the cycle */
	unsigned naive;     /* registrations the naive new-behaviour GM makes */
	uint64_t ours_rereg_ms; /* when ours registers after expiry, or NEVER */
};

/**
 * Run one KEK cycle through both policies.  Naive GM: registers at every
 * PROBE, deletes the KEK at expiry (a rekey arriving at or after expiry
 * is lost) and then registers.  Ours: registers at a PROBE only while the
 * KS is not known old (noting the result in *st); a KS known old gets a
 * receive-only grace after expiry; registers after expiry + grace only
 * when no KEK rekey arrived before then.  A registration that returns a
 * new KEK, or a rekey accepted, ends the cycle.  *st carries over to the
 * next cycle.  Returns 0, or GDOI_E_INVAL for NULL arguments or events
 * out of time order.
 */
int gdoi_sched_kek_cycle(struct gdoi_sched_legacy *st,
			 const struct gdoi_sched_cycle_in *in,
			 struct gdoi_sched_cycle_out *out);

/* ------------------------------------------------------------------ */
/* Lab time scale                                                      */

/** scale clamped to [GDOI_SCHED_SCALE_MIN, GDOI_SCHED_SCALE_MAX] (0 -> 1). */
unsigned gdoi_sched_scale_clamp(unsigned scale);

/**
 * A protocol duration as a wall duration: protocol_ms / scale rounded up,
 * so a non-zero delay never becomes 0 and order is kept.  NEVER stays
 * NEVER.  scale is clamped first.
 */
uint64_t gdoi_sched_scale(uint64_t protocol_ms, unsigned scale);

/** A wall duration as a protocol duration: wall_ms * scale, saturating;
 * NEVER stays NEVER. */
uint64_t gdoi_sched_unscale(uint64_t wall_ms, unsigned scale);

#endif
