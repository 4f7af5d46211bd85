/*
 * check_dhpool: DH pairs made ahead by worker threads (shared/dhpool.c)
 * and handed out once each through gdoi_dh_new().
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gdoi/crypto.h"
#include "gdoi/dhpool.h"

/* Wait (at most 10 s) until n pairs are ready. */
static int
wait_ready(size_t n)
{
	struct gdoi_dhpool_stats st;
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int i;

	for (i = 0; i < 1000; i++) {
		gdoi_dhpool_stats(&st);
		if (st.ds_ready >= n)
			return 1;
		nanosleep(&ts, NULL);
	}
	return 0;
}

START_TEST(pool_fill_take)
{
	/* 14 twice and an unknown group: two groups kept */
	static const unsigned groups[] = { 14, 19, 14, 99 };
	struct gdoi_dhpool_stats st;
	struct gdoi_dh *dh[6];
	uint8_t pub[6][GDOI_DH_MAX], s1[GDOI_DH_MAX], s2[GDOI_DH_MAX];
	size_t len[6], l1, l2;
	int i, j;

	ck_assert_int_eq(gdoi_dhpool_start(groups, 4, 2, 3), 0);
	ck_assert(wait_ready(6));
	gdoi_dhpool_stats(&st);
	ck_assert_uint_eq(st.ds_ready, 6);  /* 3 of each, no more */
	for (i = 0; i < 6; i++) {
		ck_assert_int_eq(gdoi_dh_new(19, &dh[i]), 0);
		ck_assert_uint_eq(gdoi_dh_group(dh[i]), 19);
		ck_assert_int_eq(gdoi_dh_public(dh[i], pub[i], sizeof(pub[i]), &len[i]), 0);
		ck_assert_uint_eq(len[i], 64);
	}
	/* every pair is new */
	for (i = 0; i < 6; i++)
		for (j = i + 1; j < 6; j++)
			ck_assert(memcmp(pub[i], pub[j], 64) != 0);
	/* and works: both sides derive the same secret */
	ck_assert_int_eq(gdoi_dh_derive(dh[0], pub[1], len[1], s1, sizeof(s1), &l1), 0);
	ck_assert_int_eq(gdoi_dh_derive(dh[1], pub[0], len[0], s2, sizeof(s2), &l2), 0);
	ck_assert_uint_eq(l1, l2);
	ck_assert_mem_eq(s1, s2, l1);
	gdoi_dhpool_stats(&st);
	/* at least the 3 ready ones came from the pool; the group is refilled */
	ck_assert_uint_ge(st.ds_taken, 3);
	ck_assert_uint_eq(st.ds_taken + st.ds_missed, 6);
	ck_assert(wait_ready(6));
	/* a group the pool does not keep is generated inline, not counted */
	for (i = 0; i < 6; i++)
		gdoi_dh_free(dh[i]);
	ck_assert_int_eq(gdoi_dh_new(20, &dh[0]), 0);
	gdoi_dhpool_stats(&st);
	ck_assert_uint_eq(st.ds_taken + st.ds_missed, 6);
	gdoi_dh_free(dh[0]);
	gdoi_dhpool_stop();
	/* stopped: nothing ready, gdoi_dh_new() generates */
	gdoi_dhpool_stats(&st);
	ck_assert_uint_eq(st.ds_ready, 0);
	ck_assert_int_eq(gdoi_dh_new(14, &dh[0]), 0);
	ck_assert_uint_eq(gdoi_dh_group(dh[0]), 14);
	gdoi_dh_free(dh[0]);
}
END_TEST

START_TEST(pool_zero_threads)
{
	static const unsigned groups[] = { 14 };
	struct gdoi_dhpool_stats st;
	struct gdoi_dh *dh;

	ck_assert_int_eq(gdoi_dhpool_start(groups, 1, 0, 8), 0);
	gdoi_dhpool_stats(&st);
	ck_assert_uint_eq(st.ds_ready, 0);
	ck_assert_int_eq(gdoi_dh_new(14, &dh), 0);
	gdoi_dhpool_stats(&st);
	ck_assert_uint_eq(st.ds_taken, 0);
	gdoi_dh_free(dh);
	gdoi_dhpool_stop();
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dhpool");
	TCase *tc = tcase_create("pool");
	SRunner *sr;
	int nf;

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, pool_fill_take);
	tcase_add_test(tc, pool_zero_threads);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
