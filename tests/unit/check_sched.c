/*
 * Unit tests: the rekey and re-registration schedule (gdoi/sched.h).
 * Every expected time is written out in milliseconds and checked exactly.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gdoi/err.h"
#include "gdoi/sched.h"

#define S(x) ((uint64_t)(x) * 1000u)
#define NEVER GDOI_SCHED_NEVER
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The draw that puts a window of n ms at offset off: floor(rnd*n/2^32)
 * equals off for the smallest rnd above off*2^32/n. */
static uint32_t
rnd_for(uint64_t off, uint64_t n)
{
	return (uint32_t)((off << 32) / n + 1);
}

/* ------------------------------------------------------------------ */
/* KEK lead                                                            */

static const struct {
	uint32_t count, interval, gms;
	int unicast;
	uint64_t want;
} kek_lead_cases[] = {
	{ 2, 10, 1, 1, 225 },      /* the IOS example */
	{ 2, 10, 1, 0, 220 },      /* multicast: no GM term */
	{ 2, 10, 100, 1, 235 },
	{ 2, 10, 49, 1, 225 },
	{ 2, 10, 50, 1, 230 },
	{ 2, 10, 99, 1, 230 },
	{ 2, 10, 1000, 1, 325 },   /* 200 + 20 + 5 * 21 */
	{ 2, 10, 1000, 0, 220 },
	{ 2, 10, 10000, 1, 1225 }, /* 200 + 20 + 5 * 201 */
	{ 0, 0, 0, 1, 205 },
	{ 0, 0, 0, 0, 200 },
	{ 0, 10, 0, 0, 200 },
	{ 3, 15, 0, 0, 245 },
	{ 3, 15, 0, 1, 250 },
	{ 5, 0, 7, 1, 205 },
};

START_TEST(kek_lead_table)
{
	uint64_t got = gdoi_sched_kek_lead_s(kek_lead_cases[_i].count,
					     kek_lead_cases[_i].interval,
					     kek_lead_cases[_i].gms,
					     kek_lead_cases[_i].unicast);

	ck_assert_msg(got == kek_lead_cases[_i].want,
		      "case %d: %u x %u s, %u GMs, %s: got %llu want %llu", _i,
		      kek_lead_cases[_i].count, kek_lead_cases[_i].interval,
		      kek_lead_cases[_i].gms,
		      kek_lead_cases[_i].unicast ? "unicast" : "multicast",
		      (unsigned long long)got,
		      (unsigned long long)kek_lead_cases[_i].want);
}
END_TEST

START_TEST(kek_lead_no_overflow)
{
	uint64_t m = UINT32_MAX;
	uint64_t want = 200 + m * m + 5 * (1 + m / 50);

	ck_assert(gdoi_sched_kek_lead_s(UINT32_MAX, UINT32_MAX, UINT32_MAX, 1) ==
		  want);
	ck_assert(gdoi_sched_kek_lead_s(UINT32_MAX, UINT32_MAX, UINT32_MAX, 0) ==
		  200 + m * m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* KEK rekey moment                                                    */

#define T0 S(1000) /* an arbitrary creation time */

static const struct {
	uint64_t created;
	uint32_t life;
	uint64_t lead;
	int legacy;
	uint64_t want;
} kek_at_cases[] = {
	/* KEK 360 s, lead 225: "remaining 305, time to rekey 80" */
	{ T0, 360, 225, 0, T0 + S(135) },
	{ T0, 86400, 225, 0, T0 + S(86175) },
	{ T0, 86400, 220, 0, T0 + S(86180) },   /* multicast */
	{ T0, 86400, 1225, 0, T0 + S(85175) },  /* 10,000 unicast GMs */
	{ T0, 360, 225, 1, T0 + S(360) },       /* legacy: at expiry */
	{ T0, 86400, 225, 1, T0 + S(86400) },
	{ 0, 360, 225, 0, S(135) },
	/* short lifetimes: no earlier than a quarter of the life */
	{ T0, 300, 225, 0, T0 + S(75) },        /* floor == formula */
	{ T0, 299, 225, 0, T0 + 74750 },        /* floor: 299 s / 4 */
	{ T0, 226, 225, 0, T0 + 56500 },
	{ T0, 225, 225, 0, T0 + 56250 },        /* life == lead */
	{ T0, 200, 225, 0, T0 + S(50) },        /* life < lead */
	{ T0, 1000, 1225, 0, T0 + S(250) },
	{ T0, 2000, 1225, 0, T0 + S(775) },
	{ T0, 1, 225, 0, T0 + 250 },
	{ T0, 0, 225, 0, T0 },
	{ T0, 0, 225, 1, T0 },
	{ T0, 400, 0, 0, T0 + S(400) },         /* zero lead: at expiry */
	{ NEVER - 1, 360, 225, 0, NEVER },      /* saturates */
};

START_TEST(kek_rekey_table)
{
	uint64_t got = gdoi_sched_kek_rekey_at(kek_at_cases[_i].created,
					       kek_at_cases[_i].life,
					       kek_at_cases[_i].lead,
					       kek_at_cases[_i].legacy);

	ck_assert_msg(got == kek_at_cases[_i].want,
		      "case %d: life %u lead %llu%s: got %llu want %llu", _i,
		      kek_at_cases[_i].life,
		      (unsigned long long)kek_at_cases[_i].lead,
		      kek_at_cases[_i].legacy ? " legacy" : "",
		      (unsigned long long)got,
		      (unsigned long long)kek_at_cases[_i].want);
}
END_TEST

/* The two steps together, as a KS would use them. */
START_TEST(kek_rekey_composed)
{
	uint64_t lead = gdoi_sched_kek_lead_s(2, 10, 1, 1);
	uint64_t at = gdoi_sched_kek_rekey_at(T0, 360, lead, 0);

	ck_assert(at == T0 + S(135));
	/* at 55 s of age: 305 s remaining, 80 s to the rekey */
	ck_assert(T0 + S(360) - (T0 + S(55)) == S(305));
	ck_assert(at - (T0 + S(55)) == S(80));
	/* never before creation, never after expiry */
	for (uint32_t life = 0; life < 2000; life += 7) {
		for (uint64_t l = 0; l < 1500; l += 13) {
			uint64_t t = gdoi_sched_kek_rekey_at(T0, life, l, 0);

			ck_assert(t >= T0 + S(life) / 4);
			ck_assert(t <= T0 + S(life));
		}
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* TEK                                                                 */

static const struct {
	uint32_t cfg, count, interval;
	uint64_t want;
} tek_lead_cases[] = {
	{ 0, 2, 10, 90 },    /* default */
	{ 0, 0, 0, 90 },
	{ 120, 2, 10, 120 }, /* configured, above the span */
	{ 60, 2, 10, 60 },   /* configured, span + margin is 50 */
	{ 40, 2, 10, 50 },   /* raised to span + margin */
	{ 10, 0, 0, 30 },    /* the margin alone */
	{ 0, 5, 20, 130 },   /* span 100 + 30 beats the default */
	{ 0, 3, 20, 90 },    /* 60 + 30 == default */
	{ 0, 3, 21, 93 },
};

START_TEST(tek_lead_table)
{
	uint64_t got = gdoi_sched_tek_lead_s(tek_lead_cases[_i].cfg,
					     tek_lead_cases[_i].count,
					     tek_lead_cases[_i].interval);

	ck_assert_msg(got == tek_lead_cases[_i].want,
		      "case %d: got %llu want %llu", _i,
		      (unsigned long long)got,
		      (unsigned long long)tek_lead_cases[_i].want);
}
END_TEST

static const struct {
	uint32_t life;
	uint64_t lead;
	uint64_t want; /* offset from creation */
} tek_at_cases[] = {
	{ 3600, 90, S(3510) },
	{ 86400, 90, S(86310) },
	{ 3600, 130, S(3470) },
	{ 120, 90, S(30) },   /* IOS shows about 91 s remaining at rekey */
	{ 360, 90, S(270) },
	{ 100, 90, S(25) },   /* floor */
	{ 90, 90, 22500 },    /* life == lead */
	{ 60, 90, S(15) },    /* life < lead */
	{ 0, 90, 0 },
};

START_TEST(tek_rekey_table)
{
	uint64_t got = gdoi_sched_tek_rekey_at(T0, tek_at_cases[_i].life,
					       tek_at_cases[_i].lead);

	ck_assert_msg(got == T0 + tek_at_cases[_i].want,
		      "case %d: life %u lead %llu: got +%llu want +%llu", _i,
		      tek_at_cases[_i].life,
		      (unsigned long long)tek_at_cases[_i].lead,
		      (unsigned long long)(got - T0),
		      (unsigned long long)tek_at_cases[_i].want);
}
END_TEST

/* The last retransmission of a TEK rekey still leaves the margin. */
START_TEST(tek_retx_fit)
{
	for (uint32_t count = 0; count <= 5; count++) {
		for (uint32_t iv = 0; iv <= 30; iv += 5) {
			uint64_t lead = gdoi_sched_tek_lead_s(0, count, iv);
			uint64_t at = gdoi_sched_tek_rekey_at(T0, 3600, lead);
			uint64_t last = gdoi_sched_retx_at(at, count, iv);

			ck_assert(last + S(GDOI_SCHED_TEK_MARGIN_S) <=
				  T0 + S(3600));
		}
	}
}
END_TEST

START_TEST(retx_times)
{
	ck_assert(gdoi_sched_retx_at(S(5), 0, 10) == S(5));
	ck_assert(gdoi_sched_retx_at(S(5), 1, 10) == S(15));
	ck_assert(gdoi_sched_retx_at(S(5), 2, 10) == S(25));
	ck_assert(gdoi_sched_retx_at(S(5), 3, 7) == S(26));
	ck_assert(gdoi_sched_retx_at(S(5), 2, 0) == S(5));
	ck_assert(gdoi_sched_retx_at(NEVER - 5, 1, 10) == NEVER);
	ck_assert(gdoi_sched_retx_at(0, UINT32_MAX, UINT32_MAX) == NEVER);
	ck_assert(gdoi_sched_retx_at(0, UINT32_MAX, 1) ==
		  (uint64_t)UINT32_MAX * 1000u);
}
END_TEST

/* ------------------------------------------------------------------ */
/* GM: TEK re-registration                                             */

#define EXP S(1000) /* a TEK/KEK expiry */

static const struct {
	uint64_t expiry, now;
	uint32_t rnd;
	uint64_t want;
} rereg_tek_cases[] = {
	/* in time: [expiry - 90 s, expiry - 60 s] */
	{ EXP, 0, 0, EXP - S(90) },
	{ EXP, 0, UINT32_MAX, EXP - S(60) },
	{ EXP, 0, 1u << 31, EXP - S(75) },       /* 30001 / 2 -> 15000 */
	{ EXP, 0, 1u << 30, EXP - S(90) + 7500 },
	{ EXP, EXP - S(90), 0, EXP - S(90) },    /* now == window start */
	{ EXP, EXP - S(60), UINT32_MAX, EXP - S(60) },
	/* late: the draw lands before now -> at the expiry */
	{ EXP, EXP - S(80), 0, EXP },
	{ EXP, EXP - S(80), UINT32_MAX, EXP - S(60) }, /* draw still ahead */
	{ EXP, EXP - S(80), 1u << 30, EXP },
	{ EXP, EXP - S(10), 0, EXP },
	{ EXP, EXP - S(10), UINT32_MAX, EXP },
	{ EXP, EXP - S(61), UINT32_MAX, EXP - S(60) }, /* still ahead */
	{ EXP, EXP - S(59), UINT32_MAX, EXP },
	{ EXP, EXP - 1, UINT32_MAX, EXP },
	/* expired or expiring now */
	{ EXP, EXP, 0, EXP },
	{ EXP, EXP, UINT32_MAX, EXP },
	{ EXP, EXP + S(5), 12345, EXP + S(5) },
	/* a clock near zero: a window that would start before 0 is late */
	{ S(50), 0, UINT32_MAX, S(50) },
	{ S(70), 0, UINT32_MAX, S(70) },
	{ S(90), 0, UINT32_MAX, S(30) },  /* window starts at 0 */
	{ S(70), 0, 0, S(70) },
	/* no TEK */
	{ NEVER, 0, 0, NEVER },
};

START_TEST(rereg_tek_table)
{
	uint64_t got = gdoi_sched_gm_rereg_tek(rereg_tek_cases[_i].expiry,
					       rereg_tek_cases[_i].now,
					       rereg_tek_cases[_i].rnd);

	ck_assert_msg(got == rereg_tek_cases[_i].want,
		      "case %d: got %llu want %llu", _i,
		      (unsigned long long)got,
		      (unsigned long long)rereg_tek_cases[_i].want);
}
END_TEST

/* Over many draws and start times: never before now, never after expiry,
 * inside the window whenever the window is still ahead. */
START_TEST(rereg_tek_bounds)
{
	static const uint32_t draws[] = { 0, 1, 143165, 143166, 1u << 31,
					  UINT32_MAX - 1, UINT32_MAX, 0xdeadbeef };

	for (uint64_t now = 0; now <= EXP + S(1); now += 997) {
		for (size_t d = 0; d < NELEM(draws); d++) {
			uint64_t t = gdoi_sched_gm_rereg_tek(EXP, now, draws[d]);

			ck_assert(t >= now);
			if (now <= EXP)
				ck_assert(t <= EXP);
			if (now <= EXP - S(90)) {
				ck_assert(t >= EXP - S(90));
				ck_assert(t <= EXP - S(60));
			}
		}
	}
}
END_TEST

START_TEST(kek_expired_rereg)
{
	ck_assert(gdoi_sched_gm_kek_expired_rereg(EXP, 0) == EXP);
	ck_assert(gdoi_sched_gm_kek_expired_rereg(EXP, UINT32_MAX) ==
		  EXP + S(80));
	ck_assert(gdoi_sched_gm_kek_expired_rereg(EXP, 1u << 31) ==
		  EXP + S(40));
	ck_assert(gdoi_sched_gm_kek_expired_rereg(EXP, rnd_for(25000, 80001)) ==
		  EXP + S(25));
	ck_assert(gdoi_sched_gm_kek_expired_rereg(EXP, rnd_for(25000, 80001) - 1) ==
		  EXP + S(25) - 1);
	ck_assert(gdoi_sched_gm_kek_expired_rereg(0, UINT32_MAX) == S(80));
	ck_assert(gdoi_sched_gm_kek_expired_rereg(NEVER, 0) == NEVER);
	ck_assert(gdoi_sched_gm_kek_expired_rereg(NEVER - S(10), UINT32_MAX) ==
		  NEVER);
	for (uint32_t r = 0; r < UINT32_MAX - 65536u * 251; r += 65536u * 251) {
		uint64_t t = gdoi_sched_gm_kek_expired_rereg(EXP, r);

		ck_assert(t >= EXP && t <= EXP + S(80));
	}
}
END_TEST

/* Each millisecond of a window is reachable and about equally likely:
 * count the draws per millisecond over the whole 32-bit range (in closed
 * form: the draws that map below offset o are ceil(o * 2^32 / n)). */
START_TEST(draw_uniform)
{
	const uint64_t n = 80001;
	uint64_t lo = UINT64_MAX, hi = 0;

	for (uint64_t o = 0; o < n; o++) {
		uint64_t a = ((o << 32) + n - 1) / n;
		uint64_t b = (((o + 1) << 32) + n - 1) / n;
		uint64_t cnt = b - a;

		if (cnt < lo)
			lo = cnt;
		if (cnt > hi)
			hi = cnt;
		if (o == 0 || o == n - 1 || o % 9973 == 0) {
			ck_assert(gdoi_sched_gm_kek_expired_rereg(0, (uint32_t)a) == o);
			ck_assert(gdoi_sched_gm_kek_expired_rereg(0, (uint32_t)(b - 1)) == o);
		}
	}
	ck_assert(hi - lo <= 1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* GM: next wake and "Re-registers in"                                 */

static const struct {
	struct gdoi_sched_gm_in in;
	uint64_t want_at;
	enum gdoi_sched_why want_why;
} next_cases[] = {
	/* TEK first */
	{ { 0, S(1000), S(5000), 0, 0, 0 }, S(910), GDOI_SCHED_REREG_TEK },
	{ { 0, S(1000), S(5000), 0, UINT32_MAX, 0 }, S(940), GDOI_SCHED_REREG_TEK },
	/* KEK expiry first */
	{ { 0, S(5000), S(1000), 0, 0, 0 }, S(1000), GDOI_SCHED_DELETE_KEK },
	/* KEK expired and deleted, not replaced */
	{ { S(1000), S(5000), S(1000), 0, 0, UINT32_MAX }, S(1080), GDOI_SCHED_REREG_KEK },
	{ { S(1010), S(5000), S(1000), 0, 0, 0 }, S(1010), GDOI_SCHED_REREG_KEK }, /* overdue */
	/* ... but a TEK re-registration due earlier still wins */
	{ { S(1000), S(1100), S(1000), 0, 0, UINT32_MAX }, S(1010), GDOI_SCHED_REREG_TEK },
	/* TEK only, KEK only, nothing */
	{ { 0, S(1000), NEVER, 0, 0, 0 }, S(910), GDOI_SCHED_REREG_TEK },
	{ { 0, NEVER, S(1000), 0, 0, 0 }, S(1000), GDOI_SCHED_DELETE_KEK },
	{ { 0, NEVER, NEVER, 0, 0, 0 }, NEVER, GDOI_SCHED_IDLE },
	/* a TEK rekey arrived: the newer expiry moves the re-registration */
	{ { S(950), S(1000), S(5000), 0, 0, 0 }, S(1000), GDOI_SCHED_REREG_TEK }, /* late: at expiry */
	{ { S(950), S(4600), S(5000), 0, 0, 0 }, S(4510), GDOI_SCHED_REREG_TEK },
	/* a KEK rekey arrived: the newer KEK expiry, nothing due for KEK */
	{ { S(1000), S(90000), S(87400), 0, 0, 0 }, S(87400), GDOI_SCHED_DELETE_KEK },
	/* ties: DELETE_KEK before REREG_TEK before REREG_KEK */
	{ { 0, S(1000), S(910), 0, 0, 0 }, S(910), GDOI_SCHED_DELETE_KEK },
	{ { S(900), S(990), S(900), 0, 0, 0 }, S(900), GDOI_SCHED_REREG_TEK },
	/* legacy grace: the KEK is kept (receive only) until expiry + 30 s */
	{ { 0, S(5000), S(1000), S(30), 0, 0 }, S(1030), GDOI_SCHED_DELETE_KEK },
	{ { S(1000), S(5000), S(1000), S(30), 0, 0 }, S(1030), GDOI_SCHED_DELETE_KEK },
	{ { S(1029), S(5000), S(1000), S(30), 0, 0 }, S(1030), GDOI_SCHED_DELETE_KEK },
	{ { S(1030), S(5000), S(1000), S(30), 0, 0 }, S(1030), GDOI_SCHED_REREG_KEK },
	{ { S(1030), S(5000), S(1000), S(30), 0, UINT32_MAX }, S(1110), GDOI_SCHED_REREG_KEK },
};

START_TEST(gm_next_table)
{
	struct gdoi_sched_wake w = gdoi_sched_gm_next(&next_cases[_i].in);

	ck_assert_msg(w.at_ms == next_cases[_i].want_at &&
			      w.why == next_cases[_i].want_why,
		      "case %d: got %llu %s want %llu %s", _i,
		      (unsigned long long)w.at_ms, gdoi_sched_why_name(w.why),
		      (unsigned long long)next_cases[_i].want_at,
		      gdoi_sched_why_name(next_cases[_i].want_why));
}
END_TEST

/* The vendor's sample: KEK 56 s left, TEK 2228 s left, "Reregisters in :
 * 81 sec": the KEK re-registration drawn 25 s into its 80 s window. */
START_TEST(gm_rereg_in_sample)
{
	struct gdoi_sched_gm_in in = { 0, S(2228), S(56), 0, 0,
				       rnd_for(25000, 80001) };
	struct gdoi_sched_wake w;

	w = gdoi_sched_gm_rereg_at(&in);
	ck_assert_int_eq(w.why, GDOI_SCHED_REREG_KEK);
	ck_assert(w.at_ms == S(81));
	w = gdoi_sched_gm_next(&in);
	ck_assert_int_eq(w.why, GDOI_SCHED_DELETE_KEK);
	ck_assert(w.at_ms == S(56));
	/* after the delete the countdown goes on to the same moment */
	in.now_ms = S(56);
	w = gdoi_sched_gm_next(&in);
	ck_assert_int_eq(w.why, GDOI_SCHED_REREG_KEK);
	ck_assert(w.at_ms == S(81));

	/* TEK first */
	in.now_ms = 0;
	in.tek_expiry_ms = S(150);
	in.rnd_tek = 0;
	w = gdoi_sched_gm_rereg_at(&in);
	ck_assert_int_eq(w.why, GDOI_SCHED_REREG_TEK);
	ck_assert(w.at_ms == S(60));
	in.rnd_tek = UINT32_MAX; /* 90 s: the KEK's 81 s comes first */
	w = gdoi_sched_gm_rereg_at(&in);
	ck_assert_int_eq(w.why, GDOI_SCHED_REREG_KEK);
	ck_assert(w.at_ms == S(81));

	/* legacy grace shifts the KEK projection */
	in.tek_expiry_ms = S(5000);
	in.kek_grace_ms = S(30);
	w = gdoi_sched_gm_rereg_at(&in);
	ck_assert_int_eq(w.why, GDOI_SCHED_REREG_KEK);
	ck_assert(w.at_ms == S(111));

	in.tek_expiry_ms = NEVER;
	in.kek_expiry_ms = NEVER;
	w = gdoi_sched_gm_rereg_at(&in);
	ck_assert_int_eq(w.why, GDOI_SCHED_IDLE);
	ck_assert(w.at_ms == NEVER);
}
END_TEST

/* Whatever the order of the two expiries, the wake is the earliest
 * candidate and never before now. */
START_TEST(gm_next_orderings)
{
	for (uint64_t tek = S(100); tek <= S(400); tek += S(10)) {
		for (uint64_t kek = S(100); kek <= S(400); kek += S(10)) {
			for (uint64_t now = 0; now <= S(400); now += S(25)) {
				struct gdoi_sched_gm_in in = { now, tek, kek, 0,
							       0x12345678u,
							       0x9abcdef0u };
				struct gdoi_sched_wake w = gdoi_sched_gm_next(&in);
				uint64_t rt = gdoi_sched_gm_rereg_tek(tek, now,
								      in.rnd_tek);
				enum gdoi_sched_why kw = now < kek ?
					GDOI_SCHED_DELETE_KEK : GDOI_SCHED_REREG_KEK;
				uint64_t kt = now < kek ? kek :
					gdoi_sched_gm_kek_expired_rereg(kek, in.rnd_kek);
				enum gdoi_sched_why want;

				if (kt < now)
					kt = now; /* overdue: at once */
				if (kt < rt)
					want = kw;
				else if (rt < kt)
					want = GDOI_SCHED_REREG_TEK;
				else
					want = kw == GDOI_SCHED_DELETE_KEK ?
						kw : GDOI_SCHED_REREG_TEK;
				ck_assert(w.at_ms == (rt < kt ? rt : kt));
				ck_assert_int_eq(w.why, want);
				ck_assert(w.at_ms >= now);
			}
		}
	}
	ck_assert_str_eq(gdoi_sched_why_name(GDOI_SCHED_IDLE), "idle");
	ck_assert_str_eq(gdoi_sched_why_name(GDOI_SCHED_REREG_TEK), "rereg-tek");
	ck_assert_str_eq(gdoi_sched_why_name(GDOI_SCHED_DELETE_KEK), "delete-kek");
	ck_assert_str_eq(gdoi_sched_why_name(GDOI_SCHED_REREG_KEK), "rereg-kek");
	ck_assert_str_eq(gdoi_sched_why_name((enum gdoi_sched_why)99), "unknown");
}
END_TEST

/* The outbound switch of a replaced TEK (the datapath's rule, gm_dp.c):
 * the old TEK sends until switch_s before it expires, the new one from
 * then on; the datapath wakes at the switch, then at the expiry. */
START_TEST(gm_tek_switch)
{
	ck_assert(gdoi_sched_gm_tek_switch_ms(S(200), 30) == S(170));
	ck_assert(gdoi_sched_gm_tek_switch_ms(S(200), 0) == S(200));
	/* too close to the clock's start: switched from the beginning */
	ck_assert(gdoi_sched_gm_tek_switch_ms(S(20), 30) == 0);
	ck_assert(gdoi_sched_gm_tek_switch_ms(S(30), 30) == 0);
	ck_assert(gdoi_sched_gm_tek_switch_ms(GDOI_SCHED_NEVER, 30) == GDOI_SCHED_NEVER);
	ck_assert(gdoi_sched_gm_tek_switch_ms(S(200), UINT32_MAX) == 0);
	/* replaced: the switch, then the expiry, then nothing */
	ck_assert(gdoi_sched_gm_tek_next_ms(S(200), 30, 1, S(100)) == S(170));
	ck_assert(gdoi_sched_gm_tek_next_ms(S(200), 30, 1, S(170) - 1) == S(170));
	ck_assert(gdoi_sched_gm_tek_next_ms(S(200), 30, 1, S(170)) == S(200));
	ck_assert(gdoi_sched_gm_tek_next_ms(S(200), 30, 1, S(200) - 1) == S(200));
	ck_assert(gdoi_sched_gm_tek_next_ms(S(200), 30, 1, S(200)) == GDOI_SCHED_NEVER);
	ck_assert(gdoi_sched_gm_tek_next_ms(S(20), 30, 1, 0) == S(20));
	/* switch 0: one moment, the expiry */
	ck_assert(gdoi_sched_gm_tek_next_ms(S(200), 0, 1, S(100)) == S(200));
	/* a current TEK: only its expiry */
	ck_assert(gdoi_sched_gm_tek_next_ms(S(1000), 30, 0, S(100)) == S(1000));
	ck_assert(gdoi_sched_gm_tek_next_ms(S(1000), 30, 0, S(1000)) == GDOI_SCHED_NEVER);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Old-behaviour KS                                                    */

static const uint8_t spi_a[GDOI_SCHED_KEK_SPI_LEN] = { 0xa1, 0xa2, 0xa3, 0xa4 };
static const uint8_t spi_b[GDOI_SCHED_KEK_SPI_LEN] = { 0xb1, 0xb2, 0xb3, 0xb4 };

START_TEST(legacy_gm_rules)
{
	/* the naive probe: 190 s before expiry */
	ck_assert(gdoi_sched_gm_naive_probe_ms(S(1000)) == S(810));
	ck_assert(gdoi_sched_gm_naive_probe_ms(S(190)) == 0);
	ck_assert(gdoi_sched_gm_naive_probe_ms(S(100)) == 0);
	ck_assert(gdoi_sched_gm_naive_probe_ms(GDOI_SCHED_NEVER) == GDOI_SCHED_NEVER);
	/* a KEK rekey is late with less than 190 s left: 225 s ahead (a new KS,
	 * 2 x 10 s retransmits, 1 GM) is not, 190 s ahead is not, 189.999 s is */
	ck_assert_int_eq(gdoi_sched_gm_kek_rekey_late(S(775), S(1000)), 0);
	ck_assert_int_eq(gdoi_sched_gm_kek_rekey_late(S(810), S(1000)), 0);
	ck_assert_int_eq(gdoi_sched_gm_kek_rekey_late(S(810) + 1, S(1000)), 1);
	ck_assert_int_eq(gdoi_sched_gm_kek_rekey_late(S(1000), S(1000)), 1);
	ck_assert_int_eq(gdoi_sched_gm_kek_rekey_late(S(1030), S(1000)), 1);
	/* a deleted KEK's at-expiry rekey is recognised for 80 + 10 s */
	ck_assert(gdoi_sched_gm_deleted_kek_end_ms(S(1000)) == S(1090));
	ck_assert(gdoi_sched_gm_deleted_kek_end_ms(GDOI_SCHED_NEVER) == GDOI_SCHED_NEVER);
	/* the naive policy for the cycle a KEK rekey ends: at expiry (old KS)
	 * it probed and lost the rekey: 2; early (new KS): none */
	ck_assert_uint_eq(gdoi_sched_gm_naive_regs(S(1000), S(1000)), 2);
	ck_assert_uint_eq(gdoi_sched_gm_naive_regs(S(1000), S(1005)), 2);
	ck_assert_uint_eq(gdoi_sched_gm_naive_regs(S(1000), S(775)), 0);
	/* probed (190 s left), then the rekey still came before expiry: 1 */
	ck_assert_uint_eq(gdoi_sched_gm_naive_regs(S(1000), S(900)), 1);
}
END_TEST

START_TEST(legacy_marking)
{
	struct gdoi_sched_legacy st;

	gdoi_sched_legacy_init(&st);
	ck_assert_int_eq(st.old_ks, 0);
	ck_assert(gdoi_sched_legacy_grace_ms(&st, 2, 10) == 0);
	/* a different KEK, no KEK before, or plenty of life left: no evidence */
	ck_assert_int_eq(gdoi_sched_gm_note_registration(&st, spi_b, spi_a, S(10)), 0);
	ck_assert_int_eq(gdoi_sched_gm_note_registration(&st, spi_a, NULL, S(10)), 0);
	ck_assert_int_eq(gdoi_sched_gm_note_registration(&st, spi_a, spi_a, S(190)), 0);
	ck_assert_int_eq(gdoi_sched_gm_note_registration(&st, spi_a, spi_a, S(3000)), 0);
	ck_assert_int_eq(st.old_ks, 0);
	ck_assert_uint_eq(st.evidence, 0);
	/* the same KEK with under 190 s left marks the KS old, once */
	ck_assert_int_eq(gdoi_sched_gm_note_registration(&st, spi_a, spi_a, S(190) - 1), 1);
	ck_assert_int_eq(st.old_ks, 1);
	ck_assert_int_eq(gdoi_sched_gm_note_registration(&st, spi_a, spi_a, S(5)), 0);
	ck_assert_uint_eq(st.evidence, 2);
	/* grace: retransmit span + 10 s */
	ck_assert(gdoi_sched_legacy_grace_ms(&st, 2, 10) == S(30));
	ck_assert(gdoi_sched_legacy_grace_ms(&st, 0, 0) == S(10));
	ck_assert(gdoi_sched_legacy_grace_ms(&st, 3, 15) == S(55));
	ck_assert(gdoi_sched_legacy_grace_ms(NULL, 3, 15) == 0);
	/* a KEK rekey at expiry keeps the mark; one well ahead clears it */
	ck_assert_int_eq(gdoi_sched_gm_note_kek_rekey(&st, EXP, EXP), 0);
	ck_assert_int_eq(gdoi_sched_gm_note_kek_rekey(&st, EXP - S(189), EXP), 0);
	ck_assert_int_eq(st.old_ks, 1);
	ck_assert_int_eq(gdoi_sched_gm_note_kek_rekey(&st, EXP - S(190), EXP), 1);
	ck_assert_int_eq(st.old_ks, 0);
	ck_assert(gdoi_sched_legacy_grace_ms(&st, 2, 10) == 0);
	ck_assert_int_eq(gdoi_sched_gm_note_kek_rekey(&st, EXP - S(225), EXP), 0);
	ck_assert_int_eq(gdoi_sched_gm_note_registration(NULL, spi_a, spi_a, 0), 0);
}
END_TEST

static struct gdoi_sched_cycle_out
cycle(struct gdoi_sched_legacy *st, uint64_t k, int ks_old,
      const struct gdoi_sched_cyc_event *ev, size_t n, uint32_t rnd)
{
	struct gdoi_sched_cycle_in in = { k, ks_old, 2, 10, rnd, ev, n };
	struct gdoi_sched_cycle_out out;

	ck_assert_int_eq(gdoi_sched_kek_cycle(st, &in, &out), 0);
	return out;
}

#define PROBE(t) { (t), GDOI_SCHED_CYC_PROBE }
#define REKEY(t) { (t), GDOI_SCHED_CYC_KEK_REKEY }

/* An old KS rekeys at expiry.  The naive GM registers twice every cycle;
 * ours once in the cycle that reveals the KS, then never. */
START_TEST(legacy_old_ks_cycles)
{
	struct gdoi_sched_legacy st;
	struct gdoi_sched_cycle_out o;

	gdoi_sched_legacy_init(&st);
	for (unsigned c = 0; c < 10; c++) {
		uint64_t k = S(86400) * (c + 1);
		const struct gdoi_sched_cyc_event ev[] = {
			PROBE(k - S(185)), REKEY(k),
		};

		o = cycle(&st, k, 1, ev, NELEM(ev), 0);
		ck_assert_uint_eq(o.naive, 2);
		ck_assert_uint_le(o.ours, 1);
		ck_assert_uint_eq(o.ours, c == 0 ? 1 : 0);
		ck_assert(o.ours_rereg_ms == NEVER);
		ck_assert_int_eq(st.old_ks, 1);
	}
}
END_TEST

START_TEST(legacy_old_ks_variants)
{
	struct gdoi_sched_legacy st;
	struct gdoi_sched_cycle_out o;

	/* the last retransmission (expiry + 20 s) is still inside the grace */
	gdoi_sched_legacy_init(&st);
	st.old_ks = 1;
	{
		const struct gdoi_sched_cyc_event ev[] = {
			PROBE(EXP - S(185)), REKEY(EXP + S(20)),
		};
		o = cycle(&st, EXP, 1, ev, NELEM(ev), 0);
		ck_assert_uint_eq(o.ours, 0);
		ck_assert_uint_eq(o.naive, 2);
	}
	/* the grace ends at expiry + 30 s: a rekey at that moment is late */
	{
		const struct gdoi_sched_cyc_event ev[] = {
			PROBE(EXP - S(185)), REKEY(EXP + S(30) - 1),
		};
		o = cycle(&st, EXP, 1, ev, NELEM(ev), 0);
		ck_assert_uint_eq(o.ours, 0);
	}
	{
		const struct gdoi_sched_cyc_event ev[] = {
			PROBE(EXP - S(185)), REKEY(EXP + S(30)),
		};
		o = cycle(&st, EXP, 1, ev, NELEM(ev), UINT32_MAX);
		ck_assert_uint_eq(o.ours, 1);
		ck_assert_uint_eq(o.naive, 2);
		ck_assert(o.ours_rereg_ms == EXP + S(30) + S(80));
	}
	/* the rekey is lost: one registration after the grace */
	{
		const struct gdoi_sched_cyc_event ev[] = { PROBE(EXP - S(185)) };

		o = cycle(&st, EXP, 1, ev, NELEM(ev), 0);
		ck_assert_uint_eq(o.ours, 1);
		ck_assert_uint_eq(o.naive, 2);
		ck_assert(o.ours_rereg_ms == EXP + S(30));
	}
	/* revealing cycle with a lost rekey: the recovery registration any
	 * GM needs comes on top of the revealing one, still never above the
	 * naive count */
	gdoi_sched_legacy_init(&st);
	{
		const struct gdoi_sched_cyc_event ev[] = { PROBE(EXP - S(185)) };

		o = cycle(&st, EXP, 1, ev, NELEM(ev), 0);
		ck_assert_uint_eq(o.ours, 2);
		ck_assert_uint_eq(o.naive, 2);
		ck_assert(o.ours_rereg_ms == EXP + S(30));
	}
	/* a probe with 190 s or more left is no evidence: no grace yet */
	gdoi_sched_legacy_init(&st);
	{
		const struct gdoi_sched_cyc_event ev[] = {
			PROBE(EXP - S(190)), REKEY(EXP),
		};
		o = cycle(&st, EXP, 1, ev, NELEM(ev), 0);
		ck_assert_uint_eq(o.ours, 2);
		ck_assert_uint_eq(o.naive, 2);
		ck_assert_int_eq(st.old_ks, 0);
		ck_assert(o.ours_rereg_ms == EXP);
	}
}
END_TEST

/* A new KS rekeys 225 s ahead: no registration for either GM; the mark
 * from an earlier old KS (an upgraded one) is cleared. */
START_TEST(legacy_new_ks)
{
	struct gdoi_sched_legacy st;
	struct gdoi_sched_cycle_out o;
	const struct gdoi_sched_cyc_event ev[] = {
		REKEY(EXP - S(225)), PROBE(EXP - S(185)),
	};
	const struct gdoi_sched_cyc_event lost[] = { PROBE(EXP - S(185)) };
	const struct gdoi_sched_cyc_event none[] = { REKEY(EXP - S(225)) };

	gdoi_sched_legacy_init(&st);
	o = cycle(&st, EXP, 0, ev, NELEM(ev), 0);
	ck_assert_uint_eq(o.ours, 0);
	ck_assert_uint_eq(o.naive, 0);

	st.old_ks = 1;
	o = cycle(&st, EXP, 0, none, NELEM(none), 0);
	ck_assert_uint_eq(o.ours, 0);
	ck_assert_int_eq(st.old_ks, 0);

	/* rekey lost: both register at the probe and get the new KEK */
	o = cycle(&st, EXP, 0, lost, NELEM(lost), 0);
	ck_assert_uint_eq(o.ours, 1);
	ck_assert_uint_eq(o.naive, 1);
	ck_assert_int_eq(st.old_ks, 0);

	/* no probe, rekey lost: both register after expiry */
	o = cycle(&st, EXP, 0, NULL, 0, 1u << 31);
	ck_assert_uint_eq(o.ours, 1);
	ck_assert_uint_eq(o.naive, 1);
	ck_assert(o.ours_rereg_ms == EXP + S(40));
}
END_TEST

START_TEST(legacy_cycle_invalid)
{
	struct gdoi_sched_legacy st;
	struct gdoi_sched_cycle_out o;
	const struct gdoi_sched_cyc_event ev[] = { REKEY(EXP), PROBE(EXP - 1) };
	struct gdoi_sched_cycle_in in = { EXP, 1, 2, 10, 0, ev, NELEM(ev) };

	gdoi_sched_legacy_init(&st);
	ck_assert_int_eq(gdoi_sched_kek_cycle(&st, &in, &o), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_sched_kek_cycle(NULL, &in, &o), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_sched_kek_cycle(&st, NULL, &o), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_sched_kek_cycle(&st, &in, NULL), GDOI_E_INVAL);
	in.ev = NULL;
	ck_assert_int_eq(gdoi_sched_kek_cycle(&st, &in, &o), GDOI_E_INVAL);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Lab time scale                                                      */

START_TEST(time_scale)
{
	ck_assert_uint_eq(gdoi_sched_scale_clamp(0), 1);
	ck_assert_uint_eq(gdoi_sched_scale_clamp(1), 1);
	ck_assert_uint_eq(gdoi_sched_scale_clamp(7), 7);
	ck_assert_uint_eq(gdoi_sched_scale_clamp(1000), 1000);
	ck_assert_uint_eq(gdoi_sched_scale_clamp(1001), 1000);

	ck_assert(gdoi_sched_scale(S(225), 1) == S(225));
	ck_assert(gdoi_sched_scale(S(225), 0) == S(225));
	ck_assert(gdoi_sched_scale(S(225), 100) == 2250);
	ck_assert(gdoi_sched_scale(S(225), 1000) == 225);
	ck_assert(gdoi_sched_scale(S(225), 5000) == 225);
	ck_assert(gdoi_sched_scale(S(135), 60) == 2250);
	ck_assert(gdoi_sched_scale(1, 1000) == 1);     /* never rounds to 0 */
	ck_assert(gdoi_sched_scale(1001, 1000) == 2);
	ck_assert(gdoi_sched_scale(1000, 1000) == 1);
	ck_assert(gdoi_sched_scale(0, 10) == 0);
	ck_assert(gdoi_sched_scale(NEVER, 10) == NEVER);

	ck_assert(gdoi_sched_unscale(2250, 100) == S(225));
	ck_assert(gdoi_sched_unscale(225, 1000) == S(225));
	ck_assert(gdoi_sched_unscale(225, 0) == 225);
	ck_assert(gdoi_sched_unscale(NEVER, 10) == NEVER);
	ck_assert(gdoi_sched_unscale(NEVER / 2, 1000) == NEVER);

	/* round trip: never shorter, less than one scale step longer */
	for (unsigned n = 1; n <= 1000; n += 37) {
		for (uint64_t ms = 0; ms < S(300); ms += 4999) {
			uint64_t back = gdoi_sched_unscale(gdoi_sched_scale(ms, n), n);

			ck_assert(back >= ms && back < ms + n);
		}
	}
	/* a scaled KEK schedule: 360 s KEK, lead 225 s, factor 60: the wall
	 * timer fires 2.25 s after creation, the wire still says 360 */
	{
		uint64_t at = gdoi_sched_kek_rekey_at(0, 360, 225, 0);

		ck_assert(gdoi_sched_scale(at, 60) == 2250);
		ck_assert(gdoi_sched_scale(S(360), 60) == S(6));
	}
}
END_TEST

/* ------------------------------------------------------------------ */

/* The shared doubling back-off: Phase 1 defaults (1 s doubling, cap 32 s,
 * 5 resends: 1+2+4+8+16+32 = 63 s) and the GM's retry rounds (10 s to 300 s). */
START_TEST(backoff)
{
	ck_assert_uint_eq(gdoi_sched_backoff_ms(1000, 32000, 0), 1000);
	ck_assert_uint_eq(gdoi_sched_backoff_ms(1000, 32000, 4), 16000);
	ck_assert_uint_eq(gdoi_sched_backoff_ms(1000, 32000, 5), 32000);
	ck_assert_uint_eq(gdoi_sched_backoff_ms(1000, 32000, 6), 32000);
	ck_assert_uint_eq(gdoi_sched_backoff_ms(1000, 32000, UINT32_MAX), 32000);
	ck_assert_uint_eq(gdoi_sched_backoff_span_ms(1000, 32000, 5), 63000);
	ck_assert_uint_eq(gdoi_sched_backoff_span_ms(1000, 32000, 0), 1000);
	ck_assert_uint_eq(gdoi_sched_backoff_ms(10000, 300000, 4), 160000);
	ck_assert_uint_eq(gdoi_sched_backoff_ms(10000, 300000, 5), 300000);
	ck_assert_uint_eq(gdoi_sched_backoff_ms(3000, 2000, 0), 2000);
}
END_TEST

static Suite *
sched_suite(void)
{
	Suite *s = suite_create("sched");
	TCase *tc;

	tc = tcase_create("ks");
	tcase_add_loop_test(tc, kek_lead_table, 0, (int)NELEM(kek_lead_cases));
	tcase_add_test(tc, kek_lead_no_overflow);
	tcase_add_loop_test(tc, kek_rekey_table, 0, (int)NELEM(kek_at_cases));
	tcase_add_test(tc, kek_rekey_composed);
	tcase_add_loop_test(tc, tek_lead_table, 0, (int)NELEM(tek_lead_cases));
	tcase_add_loop_test(tc, tek_rekey_table, 0, (int)NELEM(tek_at_cases));
	tcase_add_test(tc, tek_retx_fit);
	tcase_add_test(tc, retx_times);
	suite_add_tcase(s, tc);

	tc = tcase_create("gm");
	tcase_add_loop_test(tc, rereg_tek_table, 0, (int)NELEM(rereg_tek_cases));
	tcase_add_test(tc, rereg_tek_bounds);
	tcase_add_test(tc, kek_expired_rereg);
	tcase_add_test(tc, draw_uniform);
	tcase_add_loop_test(tc, gm_next_table, 0, (int)NELEM(next_cases));
	tcase_add_test(tc, gm_rereg_in_sample);
	tcase_add_test(tc, gm_next_orderings);
	tcase_add_test(tc, gm_tek_switch);
	suite_add_tcase(s, tc);

	tc = tcase_create("legacy");
	tcase_add_test(tc, legacy_marking);
	tcase_add_test(tc, legacy_gm_rules);
	tcase_add_test(tc, legacy_old_ks_cycles);
	tcase_add_test(tc, legacy_old_ks_variants);
	tcase_add_test(tc, legacy_new_ks);
	tcase_add_test(tc, legacy_cycle_invalid);
	suite_add_tcase(s, tc);

	tc = tcase_create("scale");
	tcase_add_test(tc, time_scale);
	tcase_add_test(tc, backoff);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(sched_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
