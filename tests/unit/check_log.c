/*
 * Logging: exact lines through the hook, level filter, debug tokens, the
 * rate limiter with a fake clock, sanitizing, and the stderr format.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gdoi/log.h"

#define MAXLINES 16

static struct {
	int n;
	int sev[MAXLINES];
	char line[MAXLINES][1100];
} seen;

static void
hook(void *arg, int sev, const char *line)
{
	ck_assert_ptr_eq(arg, &seen);
	ck_assert_int_lt(seen.n, MAXLINES);
	seen.sev[seen.n] = sev;
	snprintf(seen.line[seen.n], sizeof(seen.line[0]), "%s", line);
	seen.n++;
}

static int saved_stderr = -1;

/* Each test starts from the defaults, its lines going to the hook only. */
static void
setup(void)
{
	int null = open("/dev/null", O_WRONLY);

	memset(&seen, 0, sizeof(seen));
	gdoi_log_open("check_log", GDOI_LOG_STDERR);
	gdoi_log_set_level(GDOI_LOG_INFO);
	gdoi_log_debug_enable(NULL);
	gdoi_log_set_hook(hook, &seen);
	saved_stderr = dup(STDERR_FILENO);
	ck_assert_int_ge(null, 0);
	dup2(null, STDERR_FILENO);
	close(null);
}

static void
teardown(void)
{
	gdoi_log_set_hook(NULL, NULL);
	gdoi_log_close();
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
}

START_TEST(exact_lines)
{
	gdoi_log("GDOI", GDOI_LOG_NOTICE, "GM_REGS_COMPL",
	    "Registration to KS %s complete for group %s using address %s", "10.0.0.1", "G1",
	    "10.0.0.11");
	GLOG(WARNING, "GM_RE_REGISTER", "Re-register to KS.");
	gdoi_log("CRYPTO", GDOI_LOG_NOTICE, "GM_REGSTER", "Start registration");
	ck_assert_int_eq(seen.n, 3);
	ck_assert_str_eq(seen.line[0],
	    "%GDOI-5-GM_REGS_COMPL: Registration to KS 10.0.0.1 complete for group G1 "
	    "using address 10.0.0.11");
	ck_assert_int_eq(seen.sev[0], GDOI_LOG_NOTICE);
	ck_assert_str_eq(seen.line[1], "%GDOI-4-GM_RE_REGISTER: Re-register to KS.");
	ck_assert_int_eq(seen.sev[1], GDOI_LOG_WARNING);
	ck_assert_str_eq(seen.line[2], "%CRYPTO-5-GM_REGSTER: Start registration");
}
END_TEST

static void
vlog_helper(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gdoi_vlog("GDOI", GDOI_LOG_ERR, "V", fmt, ap);
	va_end(ap);
}

START_TEST(vlog_and_errno)
{
	errno = ENOENT;
	vlog_helper("%d-%s", 7, "x");
	ck_assert_int_eq(errno, ENOENT);	/* logging keeps errno */
	ck_assert_int_eq(seen.n, 1);
	ck_assert_str_eq(seen.line[0], "%GDOI-3-V: 7-x");
	/* Out-of-range severities are clamped. */
	gdoi_log("GDOI", -3, "LOW", "x");
	ck_assert_str_eq(seen.line[1], "%GDOI-0-LOW: x");
}
END_TEST

START_TEST(level_filter)
{
	gdoi_log("GDOI", GDOI_LOG_DEBUG, "D", "dropped at INFO");
	gdoi_log("GDOI", GDOI_LOG_INFO, "I", "kept");
	ck_assert_int_eq(seen.n, 1);
	ck_assert_str_eq(seen.line[0], "%GDOI-6-I: kept");
	gdoi_log_set_level(GDOI_LOG_ERR);
	gdoi_log("GDOI", GDOI_LOG_WARNING, "W", "dropped");
	gdoi_log("GDOI", GDOI_LOG_ERR, "E", "kept");
	gdoi_log("GDOI", GDOI_LOG_EMERG, "M", "kept");
	ck_assert_int_eq(seen.n, 3);
	ck_assert_str_eq(seen.line[1], "%GDOI-3-E: kept");
	ck_assert_str_eq(seen.line[2], "%GDOI-0-M: kept");
	gdoi_log_set_level(GDOI_LOG_DEBUG);
	gdoi_log("GDOI", GDOI_LOG_DEBUG, "D", "kept");
	ck_assert_int_eq(seen.n, 4);
}
END_TEST

START_TEST(debug_tokens)
{
	gdoi_debug("pull", "nothing enabled");
	ck_assert_int_eq(seen.n, 0);
	ck_assert_int_eq(gdoi_log_debug_on("pull"), 0);

	ck_assert_int_eq(gdoi_log_debug_enable("pull,p1"), 0);
	ck_assert_int_eq(gdoi_log_debug_on("pull"), 1);
	ck_assert_int_eq(gdoi_log_debug_on("p1"), 1);
	ck_assert_int_eq(gdoi_log_debug_on("kd"), 0);
	ck_assert_int_eq(gdoi_log_debug_on("pul"), 0);
	gdoi_debug("pull", "seq %u", 5u);
	gdoi_debug("kd", "not this");
	ck_assert_int_eq(seen.n, 1);
	ck_assert_str_eq(seen.line[0], "%GDOI-7-DEBUG: [pull] seq 5");
	ck_assert_int_eq(seen.sev[0], GDOI_LOG_DEBUG);

	/* Debug lines do not depend on the level. */
	gdoi_log_set_level(GDOI_LOG_ERR);
	gdoi_debug("p1", "still shown");
	ck_assert_int_eq(seen.n, 2);
	ck_assert_str_eq(seen.line[1], "%GDOI-7-DEBUG: [p1] still shown");

	/* Adding; syntax errors change nothing. */
	ck_assert_int_eq(gdoi_log_debug_enable("kd"), 0);
	ck_assert_int_eq(gdoi_log_debug_on("kd"), 1);
	ck_assert_int_eq(gdoi_log_debug_on("pull"), 1);
	ck_assert_int_eq(gdoi_log_debug_enable("xfrm,Bad"), -1);
	ck_assert_int_eq(gdoi_log_debug_enable("xfrm,,kd"), -1);
	ck_assert_int_eq(gdoi_log_debug_enable("xfrm,"), -1);
	ck_assert_int_eq(gdoi_log_debug_enable("x y"), -1);
	ck_assert_int_eq(gdoi_log_debug_enable("abcdefghijabcdefghijabcdefghijabc"), -1);
	ck_assert_int_eq(gdoi_log_debug_on("xfrm"), 0);

	/* "all", then clearing. */
	ck_assert_int_eq(gdoi_log_debug_enable("all"), 0);
	ck_assert_int_eq(gdoi_log_debug_on("anything"), 1);
	gdoi_debug("anything", "x");
	ck_assert_str_eq(seen.line[2], "%GDOI-7-DEBUG: [anything] x");
	ck_assert_int_eq(gdoi_log_debug_enable(NULL), 0);
	ck_assert_int_eq(gdoi_log_debug_on("anything"), 0);
	ck_assert_int_eq(gdoi_log_debug_on("pull"), 0);
	ck_assert_int_eq(gdoi_log_debug_enable(""), 0);
}
END_TEST

START_TEST(rate_limit)
{
	struct gdoi_ratelimit rl = { 0 };
	int i;

	/* Default interval 10 s: the first line, then silence, counted. */
	gdoi_log_rl(&rl, 1000, "GDOI", GDOI_LOG_WARNING, "MALFORMED", "bad packet from %s",
	    "10.0.0.9");
	for (i = 0; i < 5; i++)
		gdoi_log_rl(&rl, 1000 + 2000 * (uint64_t)i, "GDOI", GDOI_LOG_WARNING, "MALFORMED",
		    "bad packet %d", i);
	ck_assert_int_eq(seen.n, 1);
	ck_assert_str_eq(seen.line[0], "%GDOI-4-MALFORMED: bad packet from 10.0.0.9");
	ck_assert_uint_eq(rl.rl_suppressed, 5);
	/* 10 s after the last line shown. */
	gdoi_log_rl(&rl, 10999, "GDOI", GDOI_LOG_WARNING, "MALFORMED", "early");
	ck_assert_int_eq(seen.n, 1);
	gdoi_log_rl(&rl, 11000, "GDOI", GDOI_LOG_WARNING, "MALFORMED", "bad packet again");
	ck_assert_int_eq(seen.n, 2);
	ck_assert_str_eq(seen.line[1],
	    "%GDOI-4-MALFORMED: bad packet again (6 similar messages suppressed)");
	ck_assert_uint_eq(rl.rl_suppressed, 0);
	ck_assert_uint_eq(rl.rl_last_ms, 11000);
	/* Nothing suppressed since: no suffix. */
	gdoi_log_rl(&rl, 30000, "GDOI", GDOI_LOG_WARNING, "MALFORMED", "quiet");
	ck_assert_str_eq(seen.line[2], "%GDOI-4-MALFORMED: quiet");

	/* Own interval. */
	memset(&rl, 0, sizeof(rl));
	rl.rl_interval_ms = 100;
	gdoi_log_rl(&rl, 0, "GDOI", GDOI_LOG_ERR, "X", "a");
	gdoi_log_rl(&rl, 99, "GDOI", GDOI_LOG_ERR, "X", "b");
	gdoi_log_rl(&rl, 100, "GDOI", GDOI_LOG_ERR, "X", "c");
	ck_assert_int_eq(seen.n, 5);
	ck_assert_str_eq(seen.line[3], "%GDOI-3-X: a");
	ck_assert_str_eq(seen.line[4], "%GDOI-3-X: c (1 similar messages suppressed)");

	/* Filtered by level: neither shown nor counted nor timed. */
	memset(&rl, 0, sizeof(rl));
	gdoi_log_rl(&rl, 5, "GDOI", GDOI_LOG_DEBUG, "X", "hidden");
	ck_assert_int_eq(seen.n, 5);
	ck_assert_uint_eq(rl.rl_used, 0);
	ck_assert_uint_eq(rl.rl_suppressed, 0);
}
END_TEST

START_TEST(sanitized)
{
	char big[3000];

	gdoi_log("GDOI", GDOI_LOG_NOTICE, "GM_REGS_COMPL", "group %s done",
	    "G1\n%GDOI-5-FAKE: injected\r\x1b[31m\xc3\xa9\x7f");
	ck_assert_int_eq(seen.n, 1);
	ck_assert_str_eq(seen.line[0],
	    "%GDOI-5-GM_REGS_COMPL: group G1?%GDOI-5-FAKE: injected??[31m??? done");
	ck_assert_ptr_null(strchr(seen.line[0], '\n'));

	/* A long text is cut to 1023 bytes, the suppressed count kept. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	gdoi_log("GDOI", GDOI_LOG_NOTICE, "LONG", "%s", big);
	ck_assert_uint_eq(strlen(seen.line[1]), 1023);
	ck_assert_int_eq(strncmp(seen.line[1], "%GDOI-5-LONG: xxx", 17), 0);
	{
		struct gdoi_ratelimit rl = { 0 };
		size_t n;

		gdoi_log_rl(&rl, 0, "GDOI", GDOI_LOG_NOTICE, "LONG", "%s", big);
		gdoi_log_rl(&rl, 1, "GDOI", GDOI_LOG_NOTICE, "LONG", "%s", big);
		gdoi_log_rl(&rl, 20000, "GDOI", GDOI_LOG_NOTICE, "LONG", "%s", big);
		ck_assert_int_eq(seen.n, 4);
		n = strlen(seen.line[3]);
		ck_assert_uint_eq(n, 1023);
		ck_assert_str_eq(seen.line[3] + n - 33, "x (1 similar messages suppressed)");
	}
}
END_TEST

/* What the stderr mode writes: "YYYY-mm-dd HH:MM:SS.mmm ident[pid]: line". */
START_TEST(stderr_format)
{
	char path[] = "/tmp/check_log-XXXXXX", buf[512], re[256];
	regex_t rx;
	ssize_t n;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	unlink(path);
	dup2(fd, STDERR_FILENO);
	gdoi_log_set_hook(NULL, NULL);
	gdoi_log_open("gdoi-test", GDOI_LOG_STDERR);
	gdoi_log("GDOI", GDOI_LOG_NOTICE, "ONE", "first %d", 1);
	gdoi_log("GDOI", GDOI_LOG_DEBUG, "TWO", "filtered");
	gdoi_log("CRYPTO", GDOI_LOG_ERR, "THREE", "a\nb");
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	snprintf(re, sizeof(re),
	    "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3} "
	    "gdoi-test\\[%ld\\]: %%GDOI-5-ONE: first 1\n"
	    "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3} "
	    "gdoi-test\\[%ld\\]: %%CRYPTO-3-THREE: a\\?b\n$",
	    (long)getpid(), (long)getpid());
	ck_assert_int_eq(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB), 0);
	ck_assert_msg(regexec(&rx, buf, 0, NULL, 0) == 0, "stderr output: [%s]", buf);
	regfree(&rx);
	close(fd);
}
END_TEST

/* Syslog mode: the hook still sees the line (syslog itself is not read). */
START_TEST(syslog_mode)
{
	gdoi_log_open("gdoi-test", GDOI_LOG_SYSLOG);
	gdoi_log("GDOI", GDOI_LOG_INFO, "SYSLOG", "to syslog");
	ck_assert_int_eq(seen.n, 1);
	ck_assert_str_eq(seen.line[0], "%GDOI-6-SYSLOG: to syslog");
	/* Reopening and closing are safe in any order. */
	gdoi_log_open(NULL, GDOI_LOG_SYSLOG);
	gdoi_log_close();
	gdoi_log_close();
	gdoi_log("GDOI", GDOI_LOG_INFO, "STDERR", "back to stderr");
	ck_assert_int_eq(seen.n, 2);
}
END_TEST

static Suite *
log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc;

	tc = tcase_create("lines");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, exact_lines);
	tcase_add_test(tc, vlog_and_errno);
	tcase_add_test(tc, level_filter);
	tcase_add_test(tc, sanitized);
	suite_add_tcase(s, tc);

	tc = tcase_create("debug");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, debug_tokens);
	suite_add_tcase(s, tc);

	tc = tcase_create("ratelimit");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, rate_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("output");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, stderr_format);
	tcase_add_test(tc, syslog_mode);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(log_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
