/*
 * Key log: off unless configured or $GDOI_KEYLOG is set, mode 0600, unsafe
 * files refused, lines appended whole.  KEK lines: exact text, round trips
 * for every key size and hash, every malformed variant refused.
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
#include "gdoi/policy.h"
#include "gdoi/wire.h"

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

/* ------------------------------------------------------------------ */
/* KEK lines                                                            */

#define KEK_GROUP 1001
#define KEK_SPI_HEX "000102030405060708090a0b0c0d0e0f"
#define KEK_KEY_HEX "f0e1d2c3b4a5968778695a4b3c2d1e0f"
#define KEK_LINE "GDOI-KEK group=1001 spi=" KEK_SPI_HEX " alg=aes-cbc bits=128 key=" \
	KEK_KEY_HEX " sighash=sha256"

/* A KEK with only the fields a KEK line carries: SPI i, key 0xf0 - 15 i. */
static void
fixed_kek(struct gdoi_kek *k, unsigned bits, uint8_t hash)
{
	size_t i;

	memset(k, 0, sizeof(*k));
	for (i = 0; i < GDOI_KEK_SPI_LEN; i++)
		k->kek_spi[i] = (uint8_t)i;
	for (i = 0; i < GDOI_KEK_KEY_MAX; i++)
		k->kek_key[i] = (uint8_t)(0xf0 - 15 * i);
	for (i = bits / 8; i < GDOI_KEK_KEY_MAX; i++)
		k->kek_key[i] = 0;
	k->kek_alg = KEK_ALG_AES;
	k->kek_keybits = (uint16_t)bits;
	k->kek_sig_hash = hash;
}

START_TEST(kek_line_exact)
{
	struct gdoi_kek k;
	char buf[GDOI_KEYLOG_KEK_LINE_MAX];

	fixed_kek(&k, 128, SIG_HASH_SHA256);
	ck_assert_int_eq(gdoi_keylog_kek_line(buf, sizeof(buf), KEK_GROUP, &k),
	    (int)strlen(KEK_LINE));
	ck_assert_str_eq(buf, KEK_LINE);
	/* Fields the line does not carry change nothing. */
	k.kek_life_s = 3600;
	k.kek_expiry_ms = 99;
	k.kek_sig_alg = SIG_ALG_RSA;
	k.kek_sig_keybits = 2048;
	k.kek_port = 848;
	ck_assert_int_gt(gdoi_keylog_kek_line(buf, sizeof(buf), KEK_GROUP, &k), 0);
	ck_assert_str_eq(buf, KEK_LINE);
	fixed_kek(&k, 256, SIG_HASH_SHA1);
	ck_assert_int_gt(gdoi_keylog_kek_line(buf, sizeof(buf), 4294967295u, &k), 0);
	ck_assert_str_eq(buf, "GDOI-KEK group=4294967295 spi=" KEK_SPI_HEX
	    " alg=aes-cbc bits=256 key=f0e1d2c3b4a5968778695a4b3c2d1e0f"
	    "00f1e2d3c4b5a69788796a5b4c3d2e1f sighash=sha1");
	ck_assert_uint_lt(strlen(buf), GDOI_KEYLOG_KEK_LINE_MAX);
}
END_TEST

START_TEST(kek_roundtrip)
{
	static const unsigned bits[] = { 128, 192, 256 };
	static const uint8_t hash[] = { SIG_HASH_SHA1, SIG_HASH_SHA256 };
	static const uint32_t grp[] = { 0, 1001, 4294967295u };
	struct gdoi_kek k, back;
	char buf[GDOI_KEYLOG_KEK_LINE_MAX + 1];
	uint32_t g;
	size_t b, h, i;
	int n;

	for (b = 0; b < 3; b++)
		for (h = 0; h < 2; h++)
			for (i = 0; i < 3; i++) {
				fixed_kek(&k, bits[b], hash[h]);
				k.kek_key[0] ^= (uint8_t)(b << 4 | h << 2 | i);
				n = gdoi_keylog_kek_line(buf, sizeof(buf) - 1, grp[i], &k);
				ck_assert_int_gt(n, 0);
				ck_assert_uint_eq(strlen(buf), (size_t)n);
				memset(&back, 0xa5, sizeof(back));
				g = 7;
				ck_assert_int_eq(gdoi_keylog_kek_parse(buf, &g, &back), 0);
				ck_assert_uint_eq(g, grp[i]);
				/* Byte for byte: everything else zero, padding too. */
				ck_assert_mem_eq(&back, &k, sizeof(k));
				/* One final newline is read as the end of the line. */
				buf[n] = '\n';
				buf[n + 1] = '\0';
				memset(&back, 0, sizeof(back));
				ck_assert_int_eq(gdoi_keylog_kek_parse(buf, &g, &back), 0);
				ck_assert_mem_eq(&back, &k, sizeof(k));
			}
	/* Upper-case hex is read too. */
	ck_assert_int_eq(gdoi_keylog_kek_parse("GDOI-KEK group=1001 spi="
	    "000102030405060708090A0B0C0D0E0F alg=aes-cbc bits=128 key="
	    "F0E1D2C3B4A5968778695A4B3C2D1E0F sighash=sha256", &g, &back), 0);
	fixed_kek(&k, 128, SIG_HASH_SHA256);
	ck_assert_mem_eq(&back, &k, sizeof(k));
}
END_TEST

START_TEST(kek_parse_malformed)
{
#define SPI KEK_SPI_HEX
#define KEY KEK_KEY_HEX
#define K "GDOI-KEK "
	static const char *const bad[] = {
		"",
		"\n",
		"GDOI-KEK",
		K,
		/* prefix */
		"gdoi-kek group=1001 spi=" SPI " alg=aes-cbc bits=128 key=" KEY " sighash=sha256",
		"GDOI-KEY group=1001 spi=" SPI " alg=aes-cbc bits=128 key=" KEY " sighash=sha256",
		" " KEK_LINE,
		"1122334455667788," KEY,
		/* separators, order */
		K " group=1001 spi=" SPI " alg=aes-cbc bits=128 key=" KEY " sighash=sha256",
		K "group=1001  spi=" SPI " alg=aes-cbc bits=128 key=" KEY " sighash=sha256",
		K "group=1001\tspi=" SPI " alg=aes-cbc bits=128 key=" KEY " sighash=sha256",
		K "spi=" SPI " group=1001 alg=aes-cbc bits=128 key=" KEY " sighash=sha256",
		K "group=1001 spi=" SPI " bits=128 alg=aes-cbc key=" KEY " sighash=sha256",
		K "group=1001 spi=" SPI " alg=aes-cbc bits=128 key=" KEY,
		K "group=1001 spi=" SPI " alg=aes-cbc bits=128 sighash=sha256",
		K "group=1001 spi=" SPI " alg=aes-cbc bits=128 key=" KEY " sighash=",
		K "group=1001 spi=" SPI " alg=aes-cbc bits=128 key=" KEY " hash=sha256",
		/* group */
		K "group= spi=" SPI " alg=aes-cbc bits=128 key=" KEY " sighash=sha256",
		K "group=-1 spi=" SPI " alg=aes-cbc bits=128 key=" KEY " sighash=sha256",
		K "group=+1 spi=" SPI " alg=aes-cbc bits=128 key=" KEY " sighash=sha256",
		K "group=01001 spi=" SPI " alg=aes-cbc bits=128 key=" KEY " sighash=sha256",
		K "group=0x3e9 spi=" SPI " alg=aes-cbc bits=128 key=" KEY " sighash=sha256",
		K "group=1001a spi=" SPI " alg=aes-cbc bits=128 key=" KEY " sighash=sha256",
		K "group=4294967296 spi=" SPI " alg=aes-cbc bits=128 key=" KEY " sighash=sha256",
		K "group=99999999999 spi=" SPI " alg=aes-cbc bits=128 key=" KEY " sighash=sha256",
		/* spi */
		K "group=1001 spi= alg=aes-cbc bits=128 key=" KEY " sighash=sha256",
		K "group=1001 spi=000102030405060708090a0b0c0d0e0 alg=aes-cbc bits=128 key=" KEY
		    " sighash=sha256",
		K "group=1001 spi=000102030405060708090a0b0c0d0e0f0 alg=aes-cbc bits=128 key=" KEY
		    " sighash=sha256",
		K "group=1001 spi=000102030405060708090a0b0c0d0e0f00 alg=aes-cbc bits=128 key=" KEY
		    " sighash=sha256",
		K "group=1001 spi=0001020304050607 alg=aes-cbc bits=128 key=" KEY " sighash=sha256",
		K "group=1001 spi=000102030405060708090a0b0c0d0e0g alg=aes-cbc bits=128 key=" KEY
		    " sighash=sha256",
		K "group=1001 spi=00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f alg=aes-cbc "
		    "bits=128 key=" KEY " sighash=sha256",
		/* alg */
		K "group=1001 spi=" SPI " alg=aes bits=128 key=" KEY " sighash=sha256",
		K "group=1001 spi=" SPI " alg=aes-ctr bits=128 key=" KEY " sighash=sha256",
		K "group=1001 spi=" SPI " alg=3des bits=128 key=" KEY " sighash=sha256",
		K "group=1001 spi=" SPI " alg=AES-CBC bits=128 key=" KEY " sighash=sha256",
		/* bits */
		K "group=1001 spi=" SPI " alg=aes-cbc bits= key=" KEY " sighash=sha256",
		K "group=1001 spi=" SPI " alg=aes-cbc bits=64 key=0001020304050607 sighash=sha256",
		K "group=1001 spi=" SPI " alg=aes-cbc bits=0128 key=" KEY " sighash=sha256",
		K "group=1001 spi=" SPI " alg=aes-cbc bits=129 key=" KEY " sighash=sha256",
		K "group=1001 spi=" SPI " alg=aes-cbc bits=512 key=" KEY KEY KEY KEY
		    " sighash=sha256",
		/* key: length must match bits */
		K "group=1001 spi=" SPI " alg=aes-cbc bits=128 key= sighash=sha256",
		K "group=1001 spi=" SPI " alg=aes-cbc bits=128 key=" KEY "0 sighash=sha256",
		K "group=1001 spi=" SPI " alg=aes-cbc bits=128 key=" KEY "00 sighash=sha256",
		K "group=1001 spi=" SPI " alg=aes-cbc bits=128 key=f0e1d2c3b4a5968778695a4b3c2d1e0"
		    " sighash=sha256",
		K "group=1001 spi=" SPI " alg=aes-cbc bits=192 key=" KEY " sighash=sha256",
		K "group=1001 spi=" SPI " alg=aes-cbc bits=256 key=" KEY "0011223344556677"
		    " sighash=sha256",
		K "group=1001 spi=" SPI " alg=aes-cbc bits=128 key=" KEY KEY " sighash=sha256",
		K "group=1001 spi=" SPI " alg=aes-cbc bits=128 key=f0e1d2c3b4a5968778695a4b3c2d1ezz"
		    " sighash=sha256",
		K "group=1001 spi=" SPI " alg=aes-cbc bits=128 key=0xf0e1d2c3b4a5968778695a4b3c2d1e"
		    " sighash=sha256",
		/* sighash */
		K "group=1001 spi=" SPI " alg=aes-cbc bits=128 key=" KEY " sighash=md5",
		K "group=1001 spi=" SPI " alg=aes-cbc bits=128 key=" KEY " sighash=sha",
		K "group=1001 spi=" SPI " alg=aes-cbc bits=128 key=" KEY " sighash=sha384",
		K "group=1001 spi=" SPI " alg=aes-cbc bits=128 key=" KEY " sighash=sha512",
		K "group=1001 spi=" SPI " alg=aes-cbc bits=128 key=" KEY " sighash=SHA256",
		K "group=1001 spi=" SPI " alg=aes-cbc bits=128 key=" KEY " sighash=sha2",
		K "group=1001 spi=" SPI " alg=aes-cbc bits=128 key=" KEY " sighash=3",
		/* trailing octets */
		KEK_LINE " ",
		KEK_LINE "\t",
		KEK_LINE "0",
		KEK_LINE "\r\n",
		KEK_LINE "\n\n",
		KEK_LINE "\nGDOI-KEK",
		KEK_LINE " extra=1",
		K "group=1001 spi=" SPI " alg=aes-cbc bits=128 key=" KEY " sighash=sha1256",
	};
#undef SPI
#undef KEY
#undef K
	struct gdoi_kek k, before;
	uint32_t g;
	size_t i;

	/* The base line itself is good. */
	ck_assert_int_eq(gdoi_keylog_kek_parse(KEK_LINE, &g, &k), 0);
	ck_assert_uint_eq(g, KEK_GROUP);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&k, 0x5a, sizeof(k));
		memcpy(&before, &k, sizeof(k));
		g = 77;
		if (gdoi_keylog_kek_parse(bad[i], &g, &k) != GDOI_E_INVAL)
			ck_abort_msg("bad[%zu] accepted: \"%s\"", i, bad[i]);
		/* Refused lines leave the outputs untouched. */
		ck_assert_uint_eq(g, 77);
		ck_assert_mem_eq(&k, &before, sizeof(k));
	}
	ck_assert_int_eq(gdoi_keylog_kek_parse(NULL, &g, &k), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_keylog_kek_parse(KEK_LINE, NULL, &k), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_keylog_kek_parse(KEK_LINE, &g, NULL), GDOI_E_INVAL);
}
END_TEST

START_TEST(kek_line_refused)
{
	struct gdoi_kek k;
	char buf[GDOI_KEYLOG_KEK_LINE_MAX];
	size_t i, len = strlen(KEK_LINE);

	fixed_kek(&k, 128, SIG_HASH_SHA256);
	/* Too small by one (the NUL), by a lot, zero: nothing written. */
	memset(buf, 'Z', sizeof(buf));
	ck_assert_int_eq(gdoi_keylog_kek_line(buf, len, KEK_GROUP, &k), GDOI_E_TOOBIG);
	ck_assert_int_eq(gdoi_keylog_kek_line(buf, 20, KEK_GROUP, &k), GDOI_E_TOOBIG);
	ck_assert_int_eq(gdoi_keylog_kek_line(buf, 0, KEK_GROUP, &k), GDOI_E_TOOBIG);
	for (i = 0; i < sizeof(buf); i++)
		ck_assert_int_eq(buf[i], 'Z');
	/* Exactly enough. */
	ck_assert_int_eq(gdoi_keylog_kek_line(buf, len + 1, KEK_GROUP, &k), (int)len);
	ck_assert_str_eq(buf, KEK_LINE);

	/* Arguments and KEKs the line cannot carry. */
	ck_assert_int_eq(gdoi_keylog_kek_line(NULL, sizeof(buf), 1, &k), GDOI_E_INVAL);
	ck_assert_int_eq(gdoi_keylog_kek_line(buf, sizeof(buf), 1, NULL), GDOI_E_INVAL);
	k.kek_alg = KEK_ALG_3DES;
	ck_assert_int_eq(gdoi_keylog_kek_line(buf, sizeof(buf), 1, &k), GDOI_E_INVAL);
	k.kek_alg = 0;
	ck_assert_int_eq(gdoi_keylog_kek_line(buf, sizeof(buf), 1, &k), GDOI_E_INVAL);
	fixed_kek(&k, 128, SIG_HASH_SHA256);
	k.kek_keybits = 64;
	ck_assert_int_eq(gdoi_keylog_kek_line(buf, sizeof(buf), 1, &k), GDOI_E_INVAL);
	k.kek_keybits = 512;
	ck_assert_int_eq(gdoi_keylog_kek_line(buf, sizeof(buf), 1, &k), GDOI_E_INVAL);
	fixed_kek(&k, 128, SIG_HASH_MD5);
	ck_assert_int_eq(gdoi_keylog_kek_line(buf, sizeof(buf), 1, &k), GDOI_E_INVAL);
	fixed_kek(&k, 128, SIG_HASH_SHA512);
	ck_assert_int_eq(gdoi_keylog_kek_line(buf, sizeof(buf), 1, &k), GDOI_E_INVAL);
	fixed_kek(&k, 128, 0);
	ck_assert_int_eq(gdoi_keylog_kek_line(buf, sizeof(buf), 1, &k), GDOI_E_INVAL);
}
END_TEST

/* A KEK line goes through the key log file like any other line. */
START_TEST(kek_line_in_file)
{
	struct gdoi_keylog *kl;
	struct gdoi_kek k, back;
	char path[96], buf[GDOI_KEYLOG_KEK_LINE_MAX];
	uint32_t g = 0;

	snprintf(path, sizeof(path), "%s/keys", dir);
	fixed_kek(&k, 192, SIG_HASH_SHA1);
	ck_assert_int_eq(gdoi_keylog_open(path, &kl), GDOI_OK);
	ck_assert_int_gt(gdoi_keylog_kek_line(buf, sizeof(buf), 42, &k), 0);
	ck_assert_int_eq(gdoi_keylog_write(kl, buf), GDOI_OK);
	gdoi_keylog_close(kl);
	ck_assert_int_eq(gdoi_keylog_kek_parse(slurp(path), &g, &back), 0);
	ck_assert_uint_eq(g, 42);
	ck_assert_mem_eq(&back, &k, sizeof(k));
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
	tcase_add_test(tc, kek_line_in_file);
	suite_add_tcase(s, tc);
	tc = tcase_create("kek");
	tcase_add_test(tc, kek_line_exact);
	tcase_add_test(tc, kek_roundtrip);
	tcase_add_test(tc, kek_parse_malformed);
	tcase_add_test(tc, kek_line_refused);
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
