/*
 * gdoi-inject: put bad rekeys on the wire for the integration tests
 * (replayed, truncated, forged GROUPKEY-PUSH datagrams).  Lab use only.
 *
 *   gdoi-inject send --to ADDR[:PORT] (--hex HEX | --hex-file FILE)
 *                    [--truncate N] [--count N] [--from-port P]
 *   gdoi-inject forge --to ADDR[:PORT] --keylog FILE --group N --seq S
 *                    [--sign-key PEM] [--sig-hash sha1|sha256]
 *                    [--truncate N] [--count N] [--from-port P]
 *
 * send: the datagram is given in hex as `tshark -T fields -e udp.payload`
 * prints it, with or without ':' between octets; whitespace between
 * octets is ignored and the whole input is one datagram (at most 65507
 * octets).
 *
 * forge: reads the LAST "GDOI-KEK group=N ..." line of the key log FILE
 * (gdoi_keylog_kek_parse; other lines are ignored) and builds with
 * gdoi_push_build a GROUPKEY-PUSH under that KEK with SEQ S, announcing one
 * new TEK: a random SPI, ESP AES-CBC-128 with HMAC-SHA-1, random keys,
 * 3600 s of life, one permit-any IPv4 ACE.  It is signed with the RSA key
 * of --sign-key or, without it, with a freshly generated RSA-2048 key: a
 * forgery (the right KEK, the wrong signer).  The signature hash is the
 * one of the key log line unless --sig-hash says otherwise.
 *
 * Both: --count sends the datagram N times (default 1, at most 100000),
 * --truncate sends only its first N octets (0 .. its length).  ADDR is
 * IPv4 or IPv6 (brackets around IPv6 when a port follows: [::1]:848; a
 * %scope is accepted); PORT defaults to 848.  --from-port binds the source
 * port (default: an ephemeral one).
 *
 * One line on stdout says what was sent ("sent 1 datagram of 412 octets to
 * 10.99.0.11:848", and for forge what the datagram announces).  Key
 * material is never printed, and is wiped before exit.  Exit status: 0
 * when everything was sent, 1 on a runtime error (unreadable file, no KEK
 * line for the group, bad file contents, send failure), 2 on a usage
 * error.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "gdoi/buf.h"
#include "gdoi/err.h"
#include "gdoi/keylog.h"
#include "gdoi/policy.h"
#include "gdoi/push.h"
#include "gdoi/wire.h"

#define PROG "gdoi-inject"

#define INJ_DGRAM_MAX 65507          /* largest UDP payload over IPv4 */
#define INJ_HEXFILE_MAX (1u << 20)   /* hex text: 4 x the octets is plenty */
#define INJ_COUNT_MAX 100000
#define INJ_LINE_MAX 512             /* key log line buffer; KEK lines are < 200 */
#define INJ_RSA_BITS 2048
#define INJ_TEK_LIFE_S 3600
#define INJ_NOW_MS 0                 /* the clock of the forged policy */

enum inj_cmd { CMD_NONE, CMD_SEND, CMD_FORGE };

struct inj_opts {
	enum inj_cmd o_cmd;
	const char *o_to;
	const char *o_hex;
	const char *o_hex_file;
	const char *o_keylog;
	const char *o_sign_key;
	unsigned long long o_truncate;
	unsigned long long o_count;
	unsigned long long o_group;
	unsigned long long o_seq;
	unsigned long long o_from_port;
	uint8_t o_sig_hash;                  /* 0: the key log line's */
	int o_has_truncate, o_has_group, o_has_seq;
};

/* Where to send: the address and its text for the report line. */
struct inj_dest {
	struct sockaddr_storage d_ss;
	socklen_t d_len;
	char d_text[INET6_ADDRSTRLEN + IF_NAMESIZE + 10];
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " PROG " send --to ADDR[:PORT] (--hex HEX | --hex-file FILE)\n"
	    "                   [--truncate N] [--count N] [--from-port P]\n"
	    "       " PROG " forge --to ADDR[:PORT] --keylog FILE --group N --seq S\n"
	    "                   [--sign-key PEM] [--sig-hash sha1|sha256]\n"
	    "                   [--truncate N] [--count N] [--from-port P]\n"
	    "  --to ADDR[:PORT]  IPv4 or IPv6 destination ([::1]:848), port 848 by default\n"
	    "  --hex HEX         the datagram in hex (tshark -e udp.payload; ':' optional)\n"
	    "  --hex-file FILE   the same, read from FILE (\"-\" = stdin)\n"
	    "  --keylog FILE     key log with \"GDOI-KEK group=N ...\" lines (the last one is used)\n"
	    "  --group N         the group whose KEK protects the forged PUSH\n"
	    "  --seq S           its SEQ\n"
	    "  --sign-key PEM    RSA private key to sign with (default: a new RSA-2048 key)\n"
	    "  --sig-hash H      sha1 or sha256 (default: the key log line's)\n"
	    "  --truncate N      send only the first N octets\n"
	    "  --count N         send N times (default 1, at most %d)\n"
	    "  --from-port P     bind source port P (default: ephemeral)\n",
	    INJ_COUNT_MAX);
}

/* "gdoi-inject: MESSAGE" and a newline on stderr. */
static void
say(const char *fmt, va_list ap)
{
	fprintf(stderr, PROG ": ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* A usage error: the message and a hint; returns 2 (the exit status). */
static int
usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int
usage_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '" PROG " --help'.\n");
	return 2;
}

/* A runtime error: one line on stderr; returns 1 (the exit status). */
static int
fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int
fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
	return 1;
}

/* A decimal number (digits only) between min and max into *v. */
static int
parse_num(const char *s, unsigned long long min, unsigned long long max, unsigned long long *v)
{
	unsigned long long x = 0, d;
	size_t i;

	/* max is at most UINT32_MAX here: x * 10 + d cannot wrap. */
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned long long)(s[i] - '0');
		if (x > max / 10 || x * 10 + d > max)
			return -1;
		x = x * 10 + d;
	}
	if (i == 0 || x < min)
		return -1;
	*v = x;
	return 0;
}

/*
 * ADDR[:PORT] into d.  IPv4 "a.b.c.d" or "a.b.c.d:port"; IPv6 bare
 * ("::1", two colons or more: no port) or "[::1]" / "[::1]:port".  NULL on
 * success, else why (a static message).
 */
static const char *
parse_dest(const char *arg, struct inj_dest *d)
{
	char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 2], num[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	const char *start = arg, *port = NULL, *end, *colon;
	char *scope;
	struct addrinfo hints, *ai = NULL;
	struct in_addr a4;
	struct in6_addr a6;
	unsigned long long p = GDOI_UDP_PORT;
	size_t hlen;
	int family = AF_UNSPEC, ok;

	memset(d, 0, sizeof(*d));
	if (arg[0] == '[') {
		if ((end = strchr(arg, ']')) == NULL)
			return "missing ']' after the IPv6 address";
		start = arg + 1;
		hlen = (size_t)(end - start);
		if (end[1] == ':')
			port = end + 2;
		else if (end[1] != '\0')
			return "expected ':PORT' after ']'";
		family = AF_INET6;
	} else if ((colon = strchr(arg, ':')) != NULL && strchr(colon + 1, ':') == NULL) {
		hlen = (size_t)(colon - arg);	/* one colon: IPv4:PORT */
		port = colon + 1;
		family = AF_INET;
	} else {
		hlen = strlen(arg);
	}
	if (hlen == 0 || hlen >= sizeof(host))
		return "not an IPv4 or IPv6 address";
	memcpy(host, start, hlen);
	host[hlen] = '\0';
	if (port != NULL && parse_num(port, 1, 65535, &p) != 0)
		return "the port is not a number from 1 to 65535";
	/* Only the standard text forms: inet_pton, not inet_aton's "1.2.3"
	 * (getaddrinfo alone takes those); a %scope may follow IPv6. */
	scope = strchr(host, '%');
	if (scope != NULL)
		*scope = '\0';
	if (inet_pton(AF_INET, host, &a4) == 1)
		ok = family != AF_INET6 && scope == NULL;
	else
		ok = family != AF_INET && inet_pton(AF_INET6, host, &a6) == 1;
	if (scope != NULL)
		*scope = '%';
	if (!ok)
		return family == AF_INET6 ? "not an IPv6 address" : "not an IPv4 or IPv6 address";
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST;
	if (getaddrinfo(host, NULL, &hints, &ai) != 0 || ai == NULL)
		return family == AF_INET6 ? "not an IPv6 address" : "not an IPv4 or IPv6 address";
	if (ai->ai_addrlen > sizeof(d->d_ss) ||
	    (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)) {
		freeaddrinfo(ai);
		return "not an IPv4 or IPv6 address";
	}
	memcpy(&d->d_ss, ai->ai_addr, ai->ai_addrlen);
	d->d_len = (socklen_t)ai->ai_addrlen;
	freeaddrinfo(ai);
	if (d->d_ss.ss_family == AF_INET)
		((struct sockaddr_in *)&d->d_ss)->sin_port = htons((uint16_t)p);
	else
		((struct sockaddr_in6 *)&d->d_ss)->sin6_port = htons((uint16_t)p);
	if (getnameinfo((struct sockaddr *)&d->d_ss, d->d_len, num, sizeof(num), NULL, 0,
	    NI_NUMERICHOST) != 0)
		return "not an IPv4 or IPv6 address";
	snprintf(d->d_text, sizeof(d->d_text), d->d_ss.ss_family == AF_INET6 ? "[%s]:%llu" :
	    "%s:%llu", num, p);
	return NULL;
}

/*
 * Hex text (n octets at s, tshark's udp.payload form) into out, at most
 * cap octets.  ':' may separate octets, whitespace may sit between them.
 * Returns 0, or -1 with why filled in.
 */
static int
hex_decode(const char *s, size_t n, uint8_t *out, size_t cap, size_t *len, char *why,
    size_t whycap)
{
	size_t i, o = 0, colon_at = 0;
	int hi = -1, v, after_colon = 0;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == ':') {
			if (hi >= 0 || o == 0 || after_colon)
				goto colon;
			after_colon = 1;
			colon_at = i;
			continue;
		}
		if (isspace(c)) {
			if (hi >= 0) {
				snprintf(why, whycap, "offset %zu: whitespace inside an octet", i);
				return -1;
			}
			continue;
		}
		if ((v = gdoi_hexval(c)) < 0) {
			if (isprint(c))
				snprintf(why, whycap, "offset %zu: '%c' is not a hex digit", i, c);
			else
				snprintf(why, whycap, "offset %zu: 0x%02x is not a hex digit", i, c);
			return -1;
		}
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (o == cap) {
			snprintf(why, whycap, "more than %zu octets", cap);
			return -1;
		}
		out[o++] = (uint8_t)(hi << 4 | v);
		hi = -1;
		after_colon = 0;
	}
	if (hi >= 0) {
		snprintf(why, whycap, "odd number of hex digits");
		return -1;
	}
	if (after_colon) {
		i = colon_at;
		goto colon;
	}
	if (o == 0) {
		snprintf(why, whycap, "no octets");
		return -1;
	}
	*len = o;
	return 0;
colon:
	snprintf(why, whycap, "offset %zu: ':' must sit between two octets", i);
	return -1;
}

/* The whole of path ("-" = stdin), at most max octets, into a new buffer. */
static int
read_text(const char *path, size_t max, char **buf, size_t *n)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *b;
	size_t got = 0, r;

	*buf = NULL;
	*n = 0;
	if (f == NULL)
		return fail("%s: %s", path, strerror(errno));
	if ((b = malloc(max + 1)) == NULL) {
		if (f != stdin)
			fclose(f);
		return fail("out of memory");
	}
	/* One octet more than allowed tells "too big" from "exactly max". */
	while (got <= max && (r = fread(b + got, 1, max + 1 - got, f)) > 0)
		got += r;
	if (ferror(f)) {
		fail("%s: read error: %s", path, strerror(errno));
		goto bad;
	}
	if (got > max) {
		fail("%s: larger than %zu octets", path, max);
		goto bad;
	}
	if (f != stdin)
		fclose(f);
	*buf = b;
	*n = got;
	return 0;
bad:
	free(b);
	if (f != stdin)
		fclose(f);
	return 1;
}

/*
 * The KEK of the last well-formed "GDOI-KEK group=<group> ..." line of
 * path into *kek.  Key log text passes through our own stdio buffer and
 * line buffer, both wiped.  Malformed KEK lines are reported (by line
 * number, never their text) and skipped.
 */
static int
keylog_find(const char *path, uint32_t group, struct gdoi_kek *kek, unsigned long *lineno_out)
{
	static char iobuf[BUFSIZ];
	char line[INJ_LINE_MAX];
	struct gdoi_kek k;
	unsigned long lineno = 0, found = 0;
	size_t len;
	uint32_t g;
	int is_kek, overlong, rc = 1;
	FILE *f;

	memset(kek, 0, sizeof(*kek));
	if ((f = fopen(path, "r")) == NULL)
		return fail("%s: %s", path, strerror(errno));
	if (setvbuf(f, iobuf, _IOFBF, sizeof(iobuf)) != 0) {
		fclose(f);
		return fail("%s: setvbuf failed", path);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		len = strlen(line);
		is_kek = strncmp(line, GDOI_KEYLOG_KEK_PREFIX,
		    strlen(GDOI_KEYLOG_KEK_PREFIX)) == 0;
		overlong = 0;
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			int c;

			while ((c = getc(f)) != EOF && c != '\n')
				overlong = 1;	/* the rest of the line is dropped */
		}
		if (!is_kek)
			goto next;
		if (overlong || gdoi_keylog_kek_parse(line, &g, &k) != 0) {
			fprintf(stderr, PROG ": %s:%lu: malformed GDOI-KEK line skipped\n", path,
			    lineno);
			goto next;
		}
		if (g == group) {
			memcpy(kek, &k, sizeof(k));
			found = lineno;
		}
next:
		OPENSSL_cleanse(line, sizeof(line));
		OPENSSL_cleanse(&k, sizeof(k));
	}
	if (ferror(f))
		fail("%s: read error: %s", path, strerror(errno));
	else if (found == 0)
		fail("%s: no GDOI-KEK line for group %lu", path, (unsigned long)group);
	else
		rc = 0;
	fclose(f);
	OPENSSL_cleanse(iobuf, sizeof(iobuf));
	OPENSSL_cleanse(line, sizeof(line));
	OPENSSL_cleanse(&k, sizeof(k));
	if (rc != 0)
		OPENSSL_cleanse(kek, sizeof(*kek));
	*lineno_out = found;
	return rc;
}

/* Passphrases are not asked for: an encrypted key fails to load. */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/* The RSA private key of PEM file path, read through a wiped buffer. */
static EVP_PKEY *
load_sign_key(const char *path)
{
	static char iobuf[BUFSIZ];
	EVP_PKEY *pk;
	unsigned long e;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		fail("%s: %s", path, strerror(errno));
		return NULL;
	}
	if (setvbuf(f, iobuf, _IOFBF, sizeof(iobuf)) != 0) {
		fclose(f);
		fail("%s: setvbuf failed", path);
		return NULL;
	}
	pk = PEM_read_PrivateKey(f, NULL, no_passphrase, NULL);
	e = ERR_peek_last_error();
	fclose(f);
	OPENSSL_cleanse(iobuf, sizeof(iobuf));
	if (pk == NULL) {
		fail("%s: no unencrypted PEM private key (%s)", path,
		    e != 0 && ERR_reason_error_string(e) != NULL ?
		    ERR_reason_error_string(e) : "unreadable");
		ERR_clear_error();
		return NULL;
	}
	ERR_clear_error();
	if (EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA) {
		EVP_PKEY_free(pk);
		fail("%s: not an RSA key (GDOI signs rekeys with RSA)", path);
		return NULL;
	}
	return pk;
}

/*
 * The forged PUSH: under kek, SEQ seq, one new TEK (random SPI and keys,
 * ESP AES-CBC-128 + HMAC-SHA-1, permit any), signed by sign with hash.
 */
static int
forge_build(const struct gdoi_kek *kek, uint32_t group, uint32_t seq, EVP_PKEY *sign,
    uint8_t hash, uint8_t *out, size_t cap, size_t *len, uint32_t *spi)
{
	struct gdoi_gpolicy pol;
	struct gdoi_push_ks ks;
	struct gdoi_tek *t = &pol.gp_tek[0];
	struct gdoi_ace *a = &pol.gp_acl[0];
	uint8_t r[4];
	int rc;

	memset(&pol, 0, sizeof(pol));
	pol.gp_group = group;
	a->ace_permit = 1;
	a->ace_af = 4;		/* all zero, prefix 0: any to any */
	pol.gp_nacl = 1;
	if (RAND_bytes(r, sizeof(r)) != 1) {
		rc = fail("RAND_bytes failed");
		goto done;
	}
	t->tek_spi = (uint32_t)r[0] << 24 | (uint32_t)r[1] << 16 | (uint32_t)r[2] << 8 | r[3];
	if (t->tek_spi < 256)
		t->tek_spi += 256;	/* 0-255: reserved (RFC 4303 2.1) */
	t->tek_x.tx_esp = ESP_T_AES_CBC;
	t->tek_x.tx_keybits = 128;
	t->tek_x.tx_auth = IPSEC_AUTH_HMAC_SHA1;
	t->tek_life_s = INJ_TEK_LIFE_S;
	t->tek_expiry_ms = INJ_NOW_MS + INJ_TEK_LIFE_S * 1000ull;
	if (RAND_bytes(t->tek_enc, (int)gdoi_tek_enc_keylen(&t->tek_x)) != 1 ||
	    RAND_bytes(t->tek_int, (int)gdoi_tek_int_keylen(&t->tek_x)) != 1) {
		rc = fail("RAND_bytes failed");
		goto done;
	}
	t->tek_addr_pres = GDOI_AP_SRC_DST;
	t->tek_dir = GDOI_DIR_SYMMETRIC;
	t->tek_acl_first = 0;
	t->tek_acl_n = 1;
	pol.gp_ntek = 1;

	memset(&ks, 0, sizeof(ks));
	ks.ks_kek = kek;
	ks.ks_sign = sign;
	ks.ks_sig_hash = hash;
	ks.ks_seq = seq;
	ks.ks_pol = &pol;
	ks.ks_now_ms = INJ_NOW_MS;
	if ((rc = gdoi_push_build(&ks, out, cap, len)) != 0) {
		rc = fail("cannot build the GROUPKEY-PUSH: %s (%s)", gdoi_strerror(rc),
		    gdoi_errname(rc));
		goto done;
	}
	*spi = t->tek_spi;
	rc = 0;
done:
	gdoi_gpolicy_clear(&pol);
	return rc;
}

/* Send msg (len octets) count times to d, from port from_port (0: any). */
static int
send_dgram(const struct inj_dest *d, unsigned from_port, const uint8_t *msg, size_t len,
    unsigned long long count)
{
	struct sockaddr_storage src;
	socklen_t slen;
	unsigned long long i;
	ssize_t n;
	int fd;

	if ((fd = socket(d->d_ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return fail("socket: %s", strerror(errno));
	if (from_port != 0) {
		memset(&src, 0, sizeof(src));
		src.ss_family = d->d_ss.ss_family;
		if (src.ss_family == AF_INET) {
			((struct sockaddr_in *)&src)->sin_port = htons((uint16_t)from_port);
			slen = sizeof(struct sockaddr_in);
		} else {
			((struct sockaddr_in6 *)&src)->sin6_port = htons((uint16_t)from_port);
			slen = sizeof(struct sockaddr_in6);
		}
		if (bind(fd, (struct sockaddr *)&src, slen) != 0) {
			fail("bind to source port %u: %s", from_port, strerror(errno));
			close(fd);
			return 1;
		}
	}
	for (i = 0; i < count;) {
		n = sendto(fd, msg, len, 0, (const struct sockaddr *)&d->d_ss, d->d_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (size_t)n != len) {
			fail("send to %s (datagram %llu of %llu, %zu octet%s): %s", d->d_text,
			    i + 1, count, len, len == 1 ? "" : "s",
			    n < 0 ? strerror(errno) : "short send");
			close(fd);
			return 1;
		}
		i++;
	}
	close(fd);
	return 0;
}

static const struct option longopts[] = {
	{ "to", required_argument, NULL, 't' },
	{ "hex", required_argument, NULL, 'x' },
	{ "hex-file", required_argument, NULL, 'X' },
	{ "truncate", required_argument, NULL, 'T' },
	{ "count", required_argument, NULL, 'c' },
	{ "keylog", required_argument, NULL, 'k' },
	{ "group", required_argument, NULL, 'g' },
	{ "seq", required_argument, NULL, 's' },
	{ "sign-key", required_argument, NULL, 'K' },
	{ "sig-hash", required_argument, NULL, 'H' },
	{ "from-port", required_argument, NULL, 'p' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char *
opt_name(int val)
{
	size_t i;

	for (i = 0; longopts[i].name != NULL; i++)
		if (longopts[i].val == val)
			return longopts[i].name;
	return "?";
}

/*
 * argv after the command into o.  Returns -1 when all is well, else the
 * exit status (0 for --help, 2 for a usage error).
 */
static int
parse_opts(int argc, char **argv, struct inj_opts *o)
{
	unsigned char seen[128];
	int ch;

	memset(seen, 0, sizeof(seen));
	o->o_count = 1;
	opterr = 0;
	optind = 2;
	while ((ch = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (ch == '?') {
			if (optopt != 0)
				return usage_err("unknown option '-%c'", optopt);
			return usage_err("unknown option '%s'", argv[optind - 1]);
		}
		if (ch == ':')
			return usage_err("--%s needs a value", opt_name(optopt));
		if (ch == 'h') {
			usage(stdout);
			return 0;
		}
		if (ch > 0 && ch < 128 && seen[ch]++)
			return usage_err("--%s given twice", opt_name(ch));
		switch (ch) {
		case 't':
			o->o_to = optarg;
			break;
		case 'x':
			o->o_hex = optarg;
			break;
		case 'X':
			o->o_hex_file = optarg;
			break;
		case 'T':
			if (parse_num(optarg, 0, INJ_DGRAM_MAX, &o->o_truncate) != 0)
				return usage_err("--truncate '%s': not a number from 0 to %d",
				    optarg, INJ_DGRAM_MAX);
			o->o_has_truncate = 1;
			break;
		case 'c':
			if (parse_num(optarg, 1, INJ_COUNT_MAX, &o->o_count) != 0)
				return usage_err("--count '%s': not a number from 1 to %d", optarg,
				    INJ_COUNT_MAX);
			break;
		case 'k':
			o->o_keylog = optarg;
			break;
		case 'g':
			if (parse_num(optarg, 0, UINT32_MAX, &o->o_group) != 0)
				return usage_err("--group '%s': not a number from 0 to %lu", optarg,
				    (unsigned long)UINT32_MAX);
			o->o_has_group = 1;
			break;
		case 's':
			if (parse_num(optarg, 0, UINT32_MAX, &o->o_seq) != 0)
				return usage_err("--seq '%s': not a number from 0 to %lu", optarg,
				    (unsigned long)UINT32_MAX);
			o->o_has_seq = 1;
			break;
		case 'K':
			o->o_sign_key = optarg;
			break;
		case 'H':
			if (strcmp(optarg, "sha1") == 0)
				o->o_sig_hash = SIG_HASH_SHA1;
			else if (strcmp(optarg, "sha256") == 0)
				o->o_sig_hash = SIG_HASH_SHA256;
			else
				return usage_err("--sig-hash '%s': sha1 or sha256", optarg);
			break;
		case 'p':
			if (parse_num(optarg, 1, 65535, &o->o_from_port) != 0)
				return usage_err("--from-port '%s': not a number from 1 to 65535",
				    optarg);
			break;
		default:
			return usage_err("unexpected option");
		}
	}
	if (optind < argc)
		return usage_err("unexpected argument '%s'", argv[optind]);
	if (o->o_to == NULL)
		return usage_err("--to is required");
	if (o->o_cmd == CMD_SEND) {
		if ((o->o_hex == NULL) == (o->o_hex_file == NULL))
			return usage_err("send needs exactly one of --hex and --hex-file");
		if (o->o_keylog || o->o_has_group || o->o_has_seq || o->o_sign_key ||
		    o->o_sig_hash)
			return usage_err("--keylog, --group, --seq, --sign-key and --sig-hash "
			    "are for forge");
	} else {
		if (o->o_hex || o->o_hex_file)
			return usage_err("--hex and --hex-file are for send");
		if (o->o_keylog == NULL || !o->o_has_group || !o->o_has_seq)
			return usage_err("forge needs --keylog, --group and --seq");
	}
	return -1;
}

int
main(int argc, char **argv)
{
	static uint8_t dgram[INJ_DGRAM_MAX];
	struct inj_opts o;
	struct inj_dest d;
	struct gdoi_kek kek;
	EVP_PKEY *sign = NULL;
	const char *why, *signer = "a generated RSA-2048 key";
	char *text = NULL, err[96];
	size_t len = 0, tlen, full;
	unsigned long kl_line = 0;
	uint32_t spi = 0;
	uint8_t hash = 0;
	int rc = 1;

	memset(&o, 0, sizeof(o));
	memset(&kek, 0, sizeof(kek));
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "send") == 0)
		o.o_cmd = CMD_SEND;
	else if (strcmp(argv[1], "forge") == 0)
		o.o_cmd = CMD_FORGE;
	else
		return usage_err("unknown command '%s' (send or forge)", argv[1]);
	if ((rc = parse_opts(argc, argv, &o)) >= 0)
		return rc;
	rc = 1;
	if ((why = parse_dest(o.o_to, &d)) != NULL)
		return usage_err("--to '%s': %s", o.o_to, why);

	if (o.o_cmd == CMD_SEND && o.o_hex != NULL) {
		if (hex_decode(o.o_hex, strlen(o.o_hex), dgram, sizeof(dgram), &len, err,
		    sizeof(err)) != 0)
			return usage_err("--hex: %s", err);
	} else if (o.o_cmd == CMD_SEND) {
		if ((rc = read_text(o.o_hex_file, INJ_HEXFILE_MAX, &text, &tlen)) != 0)
			goto out;
		rc = 1;
		if (hex_decode(text, tlen, dgram, sizeof(dgram), &len, err, sizeof(err)) != 0) {
			fail("%s: %s", o.o_hex_file, err);
			goto out;
		}
	} else {
		if (keylog_find(o.o_keylog, (uint32_t)o.o_group, &kek, &kl_line) != 0)
			goto out;
		hash = o.o_sig_hash ? o.o_sig_hash : kek.kek_sig_hash;
		if (o.o_sign_key != NULL) {
			if ((sign = load_sign_key(o.o_sign_key)) == NULL)
				goto out;
			signer = o.o_sign_key;
		} else if ((sign = EVP_RSA_gen(INJ_RSA_BITS)) == NULL) {
			fail("cannot generate an RSA-%d key", INJ_RSA_BITS);
			goto out;
		}
		if (forge_build(&kek, (uint32_t)o.o_group, (uint32_t)o.o_seq, sign, hash, dgram,
		    sizeof(dgram), &len, &spi) != 0)
			goto out;
	}

	full = len;
	if (o.o_has_truncate) {
		if (o.o_truncate > len) {
			fail("--truncate %llu: the datagram is only %zu octet%s long", o.o_truncate,
			    len, len == 1 ? "" : "s");
			goto out;
		}
		len = (size_t)o.o_truncate;
	}
	if (send_dgram(&d, (unsigned)o.o_from_port, dgram, len, o.o_count) != 0)
		goto out;
	printf("sent %llu datagram%s of %zu octet%s", o.o_count, o.o_count == 1 ? "" : "s", len,
	    len == 1 ? "" : "s");
	if (len != full)
		printf(" (truncated from %zu)", full);
	printf(" to %s", d.d_text);
	if (o.o_cmd == CMD_FORGE)
		printf(" (GROUPKEY-PUSH group %llu SEQ %llu, new TEK SPI 0x%08x, KEK from %s "
		    "line %lu, signed by %s with %s)", o.o_group, o.o_seq, (unsigned)spi,
		    o.o_keylog, kl_line, signer, hash == SIG_HASH_SHA1 ? "SHA-1" : "SHA-256");
	printf("\n");
	rc = fflush(stdout) == 0 ? 0 : 1;
out:
	OPENSSL_cleanse(&kek, sizeof(kek));
	EVP_PKEY_free(sign);
	free(text);
	return rc;
}
