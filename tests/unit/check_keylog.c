/*
 * Key log: off unless configured or $GDOI_KEYLOG is set, mode 0600, unsafe
 * files refused, lines appended whole.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gdoi/err.h"
#include "gdoi/keylog.h"

static char dir[64];

static void
setup(void)
{
	strcpy(dir, "/tmp/gdoi-keylog-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	unsetenv(GDOI_KEYLOG_ENV);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static char *
slurp(const char *path)
{
	static char buf[512];
	FILE *f = fopen(path, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

START_TEST(off_by_default)
{
	struct gdoi_keylog *kl = (struct gdoi_keylog *)1;

	ck_assert_int_eq(gdoi_keylog_open(NULL, &kl), GDOI_OK);
	ck_assert_ptr_null(kl);
	/* A write to the off key log does nothing and succeeds. */
	ck_assert_int_eq(gdoi_keylog_write(NULL, "x"), GDOI_OK);
	setenv(GDOI_KEYLOG_ENV, "", 1);
	ck_assert_int_eq(gdoi_keylog_open(NULL, &kl), GDOI_OK);
	ck_assert_ptr_null(kl);
}
END_TEST

START_TEST(configured_path_0600_appends)
{
	struct gdoi_keylog *kl;
	char path[96];
	struct stat st;

	snprintf(path, sizeof(path), "%s/keys", dir);
	ck_assert_int_eq(gdoi_keylog_open(path, &kl), GDOI_OK);
	ck_assert_ptr_nonnull(kl);
	ck_assert_str_eq(gdoi_keylog_path(kl), path);
	ck_assert_int_eq(gdoi_keylog_write(kl, "1122334455667788,00112233"), GDOI_OK);
	ck_assert_int_eq(gdoi_keylog_write(kl, "8877665544332211,ffeeddcc\n"), GDOI_OK);
	gdoi_keylog_close(kl);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_str_eq(slurp(path), "1122334455667788,00112233\n8877665544332211,ffeeddcc\n");
	/* Reopening appends. */
	ck_assert_int_eq(gdoi_keylog_open(path, &kl), GDOI_OK);
	ck_assert_int_eq(gdoi_keylog_write(kl, "aa,bb"), GDOI_OK);
	gdoi_keylog_close(kl);
	ck_assert_str_eq(slurp(path),
	    "1122334455667788,00112233\n8877665544332211,ffeeddcc\naa,bb\n");
}
END_TEST

START_TEST(environment_variable)
{
	struct gdoi_keylog *kl;
	char path[96];

	snprintf(path, sizeof(path), "%s/env-keys", dir);
	setenv(GDOI_KEYLOG_ENV, path, 1);
	ck_assert_int_eq(gdoi_keylog_open(NULL, &kl), GDOI_OK);
	ck_assert_ptr_nonnull(kl);
	ck_assert_str_eq(gdoi_keylog_path(kl), path);
	gdoi_keylog_close(kl);
	ck_assert_int_eq(access(path, F_OK), 0);
	unsetenv(GDOI_KEYLOG_ENV);
}
END_TEST

START_TEST(unsafe_files_refused)
{
	struct gdoi_keylog *kl = (struct gdoi_keylog *)1;
	char path[96], link[96];
	int fd;

	/* World-readable existing file. */
	snprintf(path, sizeof(path), "%s/open", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fchmod(fd, 0644), 0);
	close(fd);
	ck_assert_int_eq(gdoi_keylog_open(path, &kl), GDOI_E_INVAL);
	ck_assert_ptr_null(kl);
	ck_assert_int_eq(errno, EPERM);
	/* Not a regular file. */
	ck_assert_int_eq(gdoi_keylog_open("/dev/null", &kl), GDOI_E_INVAL);
	ck_assert_int_eq(errno, EINVAL);
	/* A symbolic link is not followed. */
	snprintf(path, sizeof(path), "%s/target", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	ck_assert_int_eq(symlink(path, link), 0);
	ck_assert_int_eq(gdoi_keylog_open(link, &kl), GDOI_E_INVAL);
	ck_assert_int_eq(access(path, F_OK), -1);
	/* A directory that does not exist. */
	snprintf(path, sizeof(path), "%s/no/such/file", dir);
	ck_assert_int_eq(gdoi_keylog_open(path, &kl), GDOI_E_INVAL);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

static Suite *
keylog_suite(void)
{
	Suite *s = suite_create("keylog");
	TCase *tc = tcase_create("keylog");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, off_by_default);
	tcase_add_test(tc, configured_path_0600_appends);
	tcase_add_test(tc, environment_variable);
	tcase_add_test(tc, unsafe_files_refused);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(keylog_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
