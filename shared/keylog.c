/*
 * The key log (see gdoi/keylog.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "gdoi/buf.h"
#include "gdoi/err.h"
#include "gdoi/keylog.h"
#include "gdoi/policy.h"
#include "gdoi/wire.h"

struct gdoi_keylog {
	int kl_fd;
	char *kl_path;
};

int
gdoi_keylog_open(const char *path, struct gdoi_keylog **out)
{
	struct gdoi_keylog *kl;
	struct stat st;
	int fd, saved;

	*out = NULL;
	if (path == NULL)
		path = getenv(GDOI_KEYLOG_ENV);
	if (path == NULL || *path == '\0')
		return GDOI_OK;	/* off */
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
	if (fd < 0)
		return GDOI_E_INVAL;
	if (fstat(fd, &st) != 0)
		saved = errno;
	else if (!S_ISREG(st.st_mode))
		saved = EINVAL;	/* a FIFO, a device: not a log */
	else if ((st.st_mode & 077) != 0)
		saved = EPERM;	/* others could read the keys: refuse */
	else
		saved = 0;
	if (saved) {
		close(fd);
		errno = saved;
		return GDOI_E_INVAL;
	}
	kl = calloc(1, sizeof(*kl));
	if (kl == NULL || (kl->kl_path = strdup(path)) == NULL) {
		free(kl);
		close(fd);
		return GDOI_E_NOMEM;
	}
	kl->kl_fd = fd;
	*out = kl;
	return GDOI_OK;
}

int
gdoi_keylog_write(struct gdoi_keylog *kl, const char *line)
{
	size_t len, off = 0;
	ssize_t n;

	if (kl == NULL)
		return GDOI_OK;
	if (line == NULL)
		return GDOI_E_INVAL;
	len = strlen(line);
	/* One write for the line (O_APPEND keeps concurrent lines whole). */
	while (off < len) {
		n = write(kl->kl_fd, line + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return GDOI_E_INVAL;
		off += (size_t)n;
	}
	if (len == 0 || line[len - 1] != '\n') {
		while ((n = write(kl->kl_fd, "\n", 1)) < 0 && errno == EINTR)
			;
		if (n != 1)
			return GDOI_E_INVAL;
	}
	return GDOI_OK;
}

const char *
gdoi_keylog_path(const struct gdoi_keylog *kl)
{
	return kl ? kl->kl_path : NULL;
}

void
gdoi_keylog_close(struct gdoi_keylog *kl)
{
	if (kl == NULL)
		return;
	close(kl->kl_fd);
	free(kl->kl_path);
	free(kl);
}

/* ------------------------------------------------------------------ */
/* KEK lines                                                            */

#define KL_ALG_AES_CBC "aes-cbc"
#define KL_GROUP_DIGITS 10	/* 4294967295 */

static const char *
kl_hash_name(uint8_t h)
{
	switch (h) {
	case SIG_HASH_SHA1:
		return "sha1";
	case SIG_HASH_SHA256:
		return "sha256";
	}
	return NULL;
}

static int
kl_bits_ok(unsigned bits)
{
	return bits == 128 || bits == 192 || bits == 256;
}

int
gdoi_keylog_kek_line(char *buf, size_t cap, uint32_t group, const struct gdoi_kek *kek)
{
	char head[96];
	const char *hash;
	size_t keylen, hlen, tlen, need;
	int n;

	if (buf == NULL || kek == NULL || kek->kek_alg != KEK_ALG_AES ||
	    !kl_bits_ok(kek->kek_keybits) || (hash = kl_hash_name(kek->kek_sig_hash)) == NULL)
		return GDOI_E_INVAL;
	keylen = kek->kek_keybits / 8u;
	/* Everything up to "key=" first: no key material in head. */
	n = snprintf(head, sizeof(head), GDOI_KEYLOG_KEK_PREFIX "group=%lu spi=",
	    (unsigned long)group);
	if (n < 0 || (size_t)n >= sizeof(head))
		return GDOI_E_INVAL;
	hlen = (size_t)n;
	tlen = strlen(" alg=" KL_ALG_AES_CBC " bits=128 key= sighash=") + strlen(hash);
	need = hlen + 2 * GDOI_KEK_SPI_LEN + tlen + 2 * keylen;
	if (need >= cap)
		return GDOI_E_TOOBIG;	/* nothing written */
	memcpy(buf, head, hlen);
	gdoi_hex_put(buf + hlen, kek->kek_spi, GDOI_KEK_SPI_LEN, 0);
	n = snprintf(buf + hlen + 2 * GDOI_KEK_SPI_LEN, cap - hlen - 2 * GDOI_KEK_SPI_LEN,
	    " alg=" KL_ALG_AES_CBC " bits=%u key=", (unsigned)kek->kek_keybits);
	if (n < 0)
		return GDOI_E_INVAL;
	hlen += 2 * GDOI_KEK_SPI_LEN + (size_t)n;
	gdoi_hex_put(buf + hlen, kek->kek_key, keylen, 0);
	hlen += 2 * keylen;
	hlen += (size_t)snprintf(buf + hlen, cap - hlen, " sighash=%s", hash);
	return (int)hlen;
}

/* Exactly 2 n hex digits at *s into out; *s moves past them. */
static int
kl_take_hex(const char **s, uint8_t *out, size_t n)
{
	const char *p = *s;
	size_t i;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if ((hi = gdoi_hexval(p[2 * i])) < 0 || (lo = gdoi_hexval(p[2 * i + 1])) < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	if (gdoi_hexval(p[2 * n]) >= 0)
		return -1;	/* more digits than the field holds */
	*s = p + 2 * n;
	return 0;
}

/* The literal lit at *s; *s moves past it. */
static int
kl_take(const char **s, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp(*s, lit, n) != 0)
		return -1;
	*s += n;
	return 0;
}

/* A canonical decimal (no sign, no leading zero) of at most max. */
static int
kl_take_dec(const char **s, unsigned long long max, unsigned long long *v)
{
	const char *p = *s;
	unsigned long long x = 0;
	size_t i;

	for (i = 0; p[i] >= '0' && p[i] <= '9'; i++) {
		if (i == KL_GROUP_DIGITS)
			return -1;
		x = x * 10 + (unsigned long long)(p[i] - '0');
	}
	if (i == 0 || (i > 1 && p[0] == '0') || x > max)
		return -1;
	*v = x;
	*s = p + i;
	return 0;
}

int
gdoi_keylog_kek_parse(const char *line, uint32_t *group, struct gdoi_kek *kek)
{
	struct gdoi_kek k;
	unsigned long long grp = 0, bits = 0;
	const char *s = line;
	int err = GDOI_E_INVAL;

	memset(&k, 0, sizeof(k));
	if (line == NULL || group == NULL || kek == NULL)
		return GDOI_E_INVAL;
	if (kl_take(&s, GDOI_KEYLOG_KEK_PREFIX "group=") != 0 ||
	    kl_take_dec(&s, UINT32_MAX, &grp) != 0 ||
	    kl_take(&s, " spi=") != 0 || kl_take_hex(&s, k.kek_spi, GDOI_KEK_SPI_LEN) != 0 ||
	    kl_take(&s, " alg=" KL_ALG_AES_CBC " bits=") != 0 ||
	    kl_take_dec(&s, 256, &bits) != 0 || !kl_bits_ok((unsigned)bits) ||
	    kl_take(&s, " key=") != 0 || kl_take_hex(&s, k.kek_key, (size_t)bits / 8) != 0 ||
	    kl_take(&s, " sighash=sha") != 0)
		goto done;
	if (kl_take(&s, "256") == 0)
		k.kek_sig_hash = SIG_HASH_SHA256;
	else if (kl_take(&s, "1") == 0)
		k.kek_sig_hash = SIG_HASH_SHA1;
	else
		goto done;
	if (*s == '\n')
		s++;
	if (*s != '\0')
		goto done;	/* trailing octets */
	k.kek_alg = KEK_ALG_AES;
	k.kek_keybits = (uint16_t)bits;
	*group = (uint32_t)grp;
	memcpy(kek, &k, sizeof(k));
	err = GDOI_OK;
done:
	OPENSSL_cleanse(&k, sizeof(k));
	return err;
}
