/*
 * gdoi-loadgen: N simulated group members against a real gdoi-ks (or any
 * GDOI KS), in one process and one event loop (shared/event.c).
 *
 * Member i uses source address BASE+i and its own UDP socket bound to
 * (BASE+i, KS port) with IP_FREEBIND, because the KS sends unicast rekeys
 * to the address a member registered from, on its own port (ks_rekey.c,
 * send_one).  The lab routes BASE.. to the loadgen's namespace and makes
 * the range local there (ip route add local BASE/LEN dev lo).
 *
 * The Phase 1 policy, pre-shared key and group come from the options,
 * written as a group member configuration and loaded with config.c, so
 * the same checks apply as for gdoi-gm.
 *
 * Pacing: registrations start at --rate per second (0: as fast as
 * possible), never more than --concurrency at once.  A registration not
 * done after --reg-timeout seconds fails (timeout).  Nothing is retried:
 * the run measures one registration per member.
 *
 * Multicast rekeys: the group is joined once per process, on one socket
 * bound to (group, port); each datagram is handed to every registered
 * member, which opens it with its own state (decrypt, signature, SEQ)
 * and counts it: N members count N rekeys for one datagram.
 *
 * Clock: the protocol functions get the monotonic clock in milliseconds,
 * unscaled.  A KS running with the lab time scale (-T) is fine: lifetimes
 * only bound which KEKs we keep, and we keep the current and the previous
 * one regardless; retransmissions then run in real time.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <openssl/crypto.h>

#include "gdoi/log.h"
#include "loadgen.h"

#define LG_TICK_MS 10          /* registration timer granularity */
#define LG_PROGRESS_MS 250     /* progress line refresh */
#define LG_RECV_BURST 64       /* datagrams per readable event per socket */
#define LG_COUNT_MAX 65536
#define LG_PSK_MAX 256

uint64_t
lg_now_ms(const struct lg *l)
{
	return gdoi_ev_now_ms(l->l_loop);
}

uint64_t
lg_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: gdoi-loadgen -k ADDR[:PORT] -n N -s BASE -g ID (-p SECRET | --psk-file F)\n"
	    "                    [-r R] [-c N] [-d S] [--dh GROUP] [-q] [--summary-format F]\n"
	    "                    [--drop-acks PCT] [--exit-after-rekeys K] [--reg-timeout S]\n"
	    "                    [--linger S] [--verify-each]\n"
	    "                    [-D TOKENS] [-v]\n"
	    "Simulate N GDOI group members in one process: Main Mode, GROUPKEY-PULL,\n"
	    "then rekeys and RFC 8263 ACKs, without XFRM.\n"
	    "  -k, --ks ADDR[:PORT]      key server (IPv4; port 848); members bind the same port\n"
	    "  -n, --count N             members (1..%u)\n"
	    "  -s, --source BASE         first source address; member i uses BASE+i\n"
	    "  -g, --group ID            group identity number (as in the KS configuration)\n"
	    "  -p, --psk SECRET          pre-shared key\n"
	    "      --psk-file FILE       pre-shared key: the first line of FILE\n"
	    "  -r, --rate R              registrations started per second (0: no pacing) [0]\n"
	    "  -c, --concurrency N       registrations under way at most [64]\n"
	    "  -d, --duration S          stop after S seconds (also SIGINT, SIGTERM)\n"
	    "      --dh GROUP            modp2048 modp3072 ecp256 ecp384 ecp521 [modp2048]\n"
	    "  -q, --quiet               no progress line\n"
	    "      --summary-format F    text or kv [text]\n"
	    "      --drop-acks PCT       skip PCT%% of the ACKs (evenly, deterministically) [0]\n"
	    "      --exit-after-rekeys K stop once every registered member accepted K rekeys\n"
	    "      --linger S            with --exit-after-rekeys: once every member has its K\n"
	    "                            rekeys, go on answering (and acknowledging) the KS's\n"
	    "                            retransmissions until S seconds pass without a rekey\n"
	    "                            datagram (0: stop at once) [%u]\n"
	    "      --reg-timeout S       a registration not done in S seconds fails [30]\n"
	    "      --verify-each         every member decrypts and verifies every rekey itself\n"
	    "                            (default: once per distinct datagram and KEK, then\n"
	    "                            byte comparison; the SEQ check is always per member)\n"
	    "  -D, --debug TOKENS        library debug tokens (p1,pull,loadgen,...)\n"
	    "  -v, --verbose             log notices too (default: warnings)\n"
	    "  -h, --help                this text\n"
	    "Without -d and --exit-after-rekeys it stops when every registration ended.\n"
	    "Exit: 0 all registered (and K rekeys each when asked), 1 otherwise, 2 usage.\n",
	    LG_COUNT_MAX, LG_LINGER_S);
}

static int
parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *s == '-' || v < lo || v > hi)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* ADDR[:PORT] (IPv4). */
static int
parse_ks(const char *s, struct gdoi_p1_peer *p)
{
	char buf[64], *colon;
	uint32_t port = 848;
	struct in_addr a;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return -1;
	if ((colon = strchr(buf, ':')) != NULL) {
		*colon = '\0';
		if (parse_u32(colon + 1, 1, 65535, &port) < 0)
			return -1;
	}
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -1;
	memset(p, 0, sizeof(*p));
	memcpy(p->pa_addr, &a, 4);
	p->pa_alen = 4;
	p->pa_port = (uint16_t)port;
	return 0;
}

static int
parse_dh(const char *s, unsigned *grp)
{
	static const struct {
		const char *name;
		unsigned grp;
	} t[] = { { "modp2048", 14 }, { "modp3072", 15 }, { "ecp256", 19 }, { "ecp384", 20 },
		{ "ecp521", 21 } };
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(s, t[i].name) == 0) {
			*grp = t[i].grp;
			return 0;
		}
	return -1;
}

/* The first line of path into psk (NUL-terminated), read through a stdio
 * buffer of ours that is wiped after; 0 or -1. */
static int
read_psk_file(const char *path, char *psk, size_t cap)
{
	static char iobuf[BUFSIZ];
	FILE *f = fopen(path, "r");
	size_t n;
	int rc = -1;

	if (f == NULL)
		return -1;
	if (setvbuf(f, iobuf, _IOFBF, sizeof(iobuf)) == 0 && fgets(psk, (int)cap, f) != NULL) {
		n = strcspn(psk, "\r\n");
		psk[n] = '\0';
		rc = n == 0 ? -1 : 0;
	}
	fclose(f);
	OPENSSL_cleanse(iobuf, sizeof(iobuf));
	return rc;
}

/* Append s to the XML text at *o (cap left checked by the caller's
 * sizing), escaped for an attribute value.  -1 on a control character. */
static int
xml_attr(char *out, size_t cap, size_t *o, const char *s)
{
	for (; *s != '\0'; s++) {
		const char *e = NULL;
		char one[2] = { *s, '\0' };
		size_t n;

		if ((unsigned char)*s < 0x20)
			return -1;
		switch (*s) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&apos;"; break;
		default: e = one; break;
		}
		n = strlen(e);
		if (*o + n >= cap)
			return -1;
		memcpy(out + *o, e, n);
		*o += n;
	}
	out[*o] = '\0';
	return 0;
}

/*
 * The group member configuration of the options, loaded with config.c:
 * four Phase 1 transforms (AES-256 / AES-128 with SHA-256 / SHA-1,
 * pre-shared key, the --dh group), the key for the KS address, one
 * group with the KS as server.  0, or -1 with the reason printed.
 */
static int
lg_conf(struct lg *l, const char *psk, unsigned dh)
{
	static const char *const xf[4][2] = {
		{ "256", "sha256" }, { "128", "sha256" }, { "256", "sha" }, { "128", "sha" } };
	size_t cap = 4096 + 6 * strlen(psk), o = 0, i;
	char *x = malloc(cap), ks[64], err[1024];
	int rc = -1;

	if (x == NULL)
		return -1;
	gdoi_peer_str(&l->l_ks, ks, sizeof(ks));
	o += (size_t)snprintf(x + o, cap - o, "<gdoi><daemon port=\"%u\"/><isakmp>",
	    l->l_ks.pa_port);
	for (i = 0; i < 4; i++)
		o += (size_t)snprintf(x + o, cap - o, "<policy priority=\"%zu\" encryption=\"aes\" "
		    "key-length=\"%s\" hash=\"%s\" authentication=\"pre-share\" group=\"%u\" "
		    "lifetime=\"86400\"/>", (i + 1) * 10, xf[i][0], xf[i][1], dh);
	o += (size_t)snprintf(x + o, cap - o, "<key address=\"%s\" secret=\"", ks);
	if (xml_attr(x, cap, &o, psk) < 0) {
		fprintf(stderr, "gdoi-loadgen: the pre-shared key holds a control character\n");
		goto out;
	}
	o += (size_t)snprintf(x + o, cap - o, "\"/></isakmp><group name=\"loadgen\" "
	    "identity=\"%u\"><server address=\"%s\"/></group></gdoi>", l->l_group, ks);
	if (o >= cap)
		goto out;
	if (gdoi_conf_load_mem("loadgen", x, o, &l->l_conf, err, sizeof(err)) < 0) {
		fprintf(stderr, "gdoi-loadgen: %s\n", err);
		goto out;
	}
	if (gdoi_daemon_p1_ctx(&l->l_p1, l->l_conf) < 0)
		goto out;
	/* retransmissions as gdoi-gm's (the library defaults) */
	rc = 0;
out:
	OPENSSL_cleanse(x, cap);
	free(x);
	return rc;
}

enum {
	OPT_PSK_FILE = 256,
	OPT_DH,
	OPT_SUMMARY,
	OPT_DROP_ACKS,
	OPT_EXIT_REKEYS,
	OPT_REG_TIMEOUT,
	OPT_VERIFY_EACH,
	OPT_LINGER,
};

static const struct option lg_longopts[] = {
	{ "ks", required_argument, NULL, 'k' },
	{ "count", required_argument, NULL, 'n' },
	{ "source", required_argument, NULL, 's' },
	{ "group", required_argument, NULL, 'g' },
	{ "psk", required_argument, NULL, 'p' },
	{ "psk-file", required_argument, NULL, OPT_PSK_FILE },
	{ "rate", required_argument, NULL, 'r' },
	{ "concurrency", required_argument, NULL, 'c' },
	{ "duration", required_argument, NULL, 'd' },
	{ "dh", required_argument, NULL, OPT_DH },
	{ "quiet", no_argument, NULL, 'q' },
	{ "summary-format", required_argument, NULL, OPT_SUMMARY },
	{ "drop-acks", required_argument, NULL, OPT_DROP_ACKS },
	{ "exit-after-rekeys", required_argument, NULL, OPT_EXIT_REKEYS },
	{ "reg-timeout", required_argument, NULL, OPT_REG_TIMEOUT },
	{ "verify-each", no_argument, NULL, OPT_VERIFY_EACH },
	{ "linger", required_argument, NULL, OPT_LINGER },
	{ "debug", required_argument, NULL, 'D' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int
bad(const char *what, const char *arg)
{
	fprintf(stderr, "gdoi-loadgen: bad %s '%s'\n", what, arg);
	usage(stderr);
	return 2;
}

/* Options into l, the PSK into psk.  0, or the exit code (2 usage, 0 help). */
static int
lg_args(struct lg *l, int argc, char **argv, char *psk, size_t pskcap, unsigned *dh,
    int *done)
{
	int c, have_ks = 0, have_src = 0, have_grp = 0, have_n = 0;
	struct in_addr a;
	uint32_t v;

	*done = 0;
	*dh = 14;
	l->l_conc = 64;
	l->l_reg_timeout_s = 30;
	l->l_linger_s = LG_LINGER_S;
	while ((c = getopt_long(argc, argv, "k:n:s:g:p:r:c:d:qD:vh", lg_longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (parse_ks(optarg, &l->l_ks) < 0)
				return bad("KS address", optarg);
			have_ks = 1;
			break;
		case 'n':
			if (parse_u32(optarg, 1, LG_COUNT_MAX, &l->l_count) < 0)
				return bad("count", optarg);
			have_n = 1;
			break;
		case 's':
			if (inet_pton(AF_INET, optarg, &a) != 1)
				return bad("source address", optarg);
			l->l_base = ntohl(a.s_addr);
			have_src = 1;
			break;
		case 'g':
			if (parse_u32(optarg, 0, UINT32_MAX, &l->l_group) < 0)
				return bad("group identity number", optarg);
			have_grp = 1;
			break;
		case 'p':
			if (snprintf(psk, pskcap, "%s", optarg) >= (int)pskcap || psk[0] == '\0')
				return bad("pre-shared key", "...");
			/* keep it out of ps(1) where we can */
			OPENSSL_cleanse(optarg, strlen(optarg));
			break;
		case OPT_PSK_FILE:
			if (read_psk_file(optarg, psk, pskcap) < 0)
				return bad("pre-shared key file", optarg);
			break;
		case 'r': {
			char *end;

			errno = 0;
			l->l_rate = strtod(optarg, &end);
			if (errno != 0 || end == optarg || *end != '\0' || !(l->l_rate >= 0.0) ||
			    l->l_rate > 1e6)
				return bad("rate", optarg);
			break;
		}
		case 'c':
			if (parse_u32(optarg, 1, LG_COUNT_MAX, &l->l_conc) < 0)
				return bad("concurrency", optarg);
			break;
		case 'd':
			if (parse_u32(optarg, 1, 30 * 86400, &l->l_duration_s) < 0)
				return bad("duration", optarg);
			break;
		case OPT_DH:
			if (parse_dh(optarg, dh) < 0)
				return bad("DH group", optarg);
			break;
		case 'q':
			l->l_quiet = 1;
			break;
		case OPT_SUMMARY:
			if (strcmp(optarg, "kv") == 0)
				l->l_kv = 1;
			else if (strcmp(optarg, "text") == 0)
				l->l_kv = 0;
			else
				return bad("summary format", optarg);
			break;
		case OPT_DROP_ACKS:
			if (parse_u32(optarg, 0, 100, &v) < 0)
				return bad("ACK drop percentage", optarg);
			l->l_drop_pct = v;
			break;
		case OPT_EXIT_REKEYS:
			if (parse_u32(optarg, 1, 1000000, &l->l_exit_rekeys) < 0)
				return bad("rekey count", optarg);
			break;
		case OPT_REG_TIMEOUT:
			if (parse_u32(optarg, 1, 3600, &l->l_reg_timeout_s) < 0)
				return bad("registration timeout", optarg);
			break;
		case OPT_VERIFY_EACH:
			l->l_verify_each = 1;
			break;
		case OPT_LINGER:
			if (parse_u32(optarg, 0, 3600, &l->l_linger_s) < 0)
				return bad("linger time", optarg);
			break;
		case 'D':
			if (gdoi_log_debug_enable(optarg) < 0)
				return bad("debug tokens", optarg);
			break;
		case 'v':
			gdoi_log_set_level(GDOI_LOG_INFO);
			break;
		case 'h':
			usage(stdout);
			*done = 1;
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc)
		return bad("argument", argv[optind]);
	if (!have_ks || !have_n || !have_src || !have_grp || psk[0] == '\0') {
		fprintf(stderr, "gdoi-loadgen: -k, -n, -s, -g and -p (or --psk-file) are needed\n");
		usage(stderr);
		return 2;
	}
	if ((uint64_t)l->l_base + l->l_count - 1 > UINT32_MAX) {
		fprintf(stderr, "gdoi-loadgen: BASE + N - 1 is past 255.255.255.255\n");
		return 2;
	}
	return 0;
}

/* Room for one socket per member and a few more. */
static int
lg_rlimit(uint32_t count)
{
	struct rlimit r;
	rlim_t want = (rlim_t)count + 64;

	if (getrlimit(RLIMIT_NOFILE, &r) < 0)
		return -1;
	if (r.rlim_cur >= want)
		return 0;
	if (r.rlim_max < want) {
		struct rlimit n = { want, want }; /* raising the hard limit needs CAP_SYS_RESOURCE */

		if (setrlimit(RLIMIT_NOFILE, &n) == 0)
			return 0;
		fprintf(stderr, "gdoi-loadgen: %u members need %llu file descriptors, the hard "
		    "limit is %llu and cannot be raised: %s\n", count, (unsigned long long)want,
		    (unsigned long long)r.rlim_max, strerror(errno));
		return -1;
	}
	r.rlim_cur = want;
	return setrlimit(RLIMIT_NOFILE, &r);
}

static void
lg_recv(struct gdoi_ev_io *w, int fd, void *arg)
{
	static uint8_t buf[65536];
	struct lg_gm *gm = arg;
	struct gdoi_p1_peer peer;
	ssize_t n;
	int i;

	(void)w;
	for (i = 0; i < LG_RECV_BURST; i++) {
		n = gdoi_udp_recv(fd, buf, sizeof(buf), &peer);
		if (n < 0)
			break;
		if ((size_t)n > sizeof(buf)) {
			gm->gm_lg->l_rx_bad++;
			continue;
		}
		lg_gm_input(gm->gm_lg, gm, &peer, buf, (size_t)n);
		/* a stop may have come from this datagram */
		if (gm->gm_lg->l_stop)
			break;
	}
}

/* A multicast rekey: every registered member reads it with its own state. */
static void
lg_mcast_recv(struct gdoi_ev_io *w, int fd, void *arg)
{
	static uint8_t buf[65536];
	struct lg *l = arg;
	struct gdoi_p1_peer peer;
	ssize_t n;
	uint32_t j;
	int i;

	(void)w;
	for (i = 0; i < LG_RECV_BURST && !l->l_stop; i++) {
		n = gdoi_udp_recv(fd, buf, sizeof(buf), &peer);
		if (n < 0)
			break;
		if ((size_t)n > sizeof(buf) || (size_t)n < ISAKMP_HDR_LEN ||
		    buf[18] != GDOI_EX_PUSH) {
			l->l_rx_bad++;
			continue;
		}
		for (j = 0; j < l->l_count && !l->l_stop; j++)
			if (l->l_gm[j].gm_state == LG_DONE)
				lg_gm_push(l, &l->l_gm[j], &peer, buf, (size_t)n);
	}
}

void
lg_mcast_join(struct lg *l, const struct gdoi_kek *kek)
{
	uint8_t local[16];
	size_t i;
	int fd, rc, sz = 4 << 20;
	char a[32];

	if (kek->kek_af != 4)
		return; /* IPv4 only, as the members */
	for (i = 0; i < l->l_nmcast; i++)
		if (memcmp(l->l_mcast_addr[i], kek->kek_dst, 4) == 0)
			return;
	if (l->l_nmcast == LG_MCAST_MAX)
		return;
	gdoi_addr_str(kek->kek_dst, 4, a, sizeof(a));
	/* bound to the group address: no clash with the members' sockets */
	if ((fd = lg_gm_socket(kek->kek_dst, l->l_ks.pa_port)) < 0) {
		gdoi_log("GDOI", GDOI_LOG_WARNING, "LOADGEN_MCAST",
		    "cannot bind the multicast rekey socket to %s: %s", a, strerror(-fd));
		return;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (gdoi_udp_local_for(&l->l_ks, local) < 0)
		memset(local, 0, sizeof(local));
	rc = gdoi_udp_mcast_join(fd, 4, kek->kek_dst, local, 1);
	if (rc < 0) {
		gdoi_log("GDOI", GDOI_LOG_WARNING, "LOADGEN_MCAST",
		    "cannot join the rekey group %s: %s", a, strerror(-rc));
		close(fd);
		return;
	}
	l->l_mcast_io[l->l_nmcast] = gdoi_ev_io_new(l->l_loop, fd, lg_mcast_recv, l);
	if (l->l_mcast_io[l->l_nmcast] == NULL) {
		close(fd);
		return;
	}
	memcpy(l->l_mcast_addr[l->l_nmcast], kek->kek_dst, 4);
	l->l_mcast_fd[l->l_nmcast++] = fd;
	gdoi_log("GDOI", GDOI_LOG_NOTICE, "LOADGEN_MCAST", "joined the rekey group %s", a);
}

void
lg_inprog_remove(struct lg *l, struct lg_gm *gm)
{
	uint32_t s = gm->gm_slot;

	if (s >= l->l_ninprog || l->l_inprog[s] != gm)
		return;
	l->l_inprog[s] = l->l_inprog[--l->l_ninprog];
	l->l_inprog[s]->gm_slot = s;
}

static int
reg_over(const struct lg *l)
{
	return l->l_st.st_registered + l->l_st.st_failed == l->l_count;
}

void
lg_check_done(struct lg *l)
{
	if (l->l_stop || !reg_over(l))
		return;
	if (l->l_exit_rekeys != 0) {
		if (l->l_st.st_at_k < l->l_st.st_registered)
			return;
		/*
		 * Every member has its K rekeys, but the KS may not have every
		 * ACK (lost on the way): it retransmits to those members, which
		 * acknowledge each copy.  Stay until the rekeys have been quiet
		 * for --linger seconds (lg_timer checks), or until every member
		 * took one more (the KS moved on to a new rekey, which ends the
		 * retransmissions of the one before).
		 */
		if (l->l_linger_s != 0 && l->l_at_k1 < l->l_st.st_registered &&
		    lg_now_ms(l) < l->l_last_push_ms + (uint64_t)l->l_linger_s * 1000) {
			l->l_lingering = 1;
			return;
		}
	} else if (l->l_duration_s != 0)
		return;
	l->l_stop = 1;
	gdoi_ev_break(l->l_loop);
}

/* Start registrations as the rate and the concurrency allow. */
static void
lg_fill(struct lg *l)
{
	uint64_t allowed = l->l_count;

	if (l->l_stop)
		return;
	if (l->l_rate > 0.0) {
		double el = (double)(lg_now_us() - l->l_t0_us) / 1e6;

		allowed = (uint64_t)(el * l->l_rate) + 1;
	}
	while (l->l_next < l->l_count && l->l_next < allowed && l->l_ninprog < l->l_conc &&
	    !l->l_stop) {
		struct lg_gm *gm = &l->l_gm[l->l_next++];

		if (gm->gm_state == LG_IDLE)
			lg_gm_start(l, gm);
	}
}

static void
lg_recv_fill(struct gdoi_ev_io *w, int fd, void *arg)
{
	struct lg_gm *gm = arg;

	lg_recv(w, fd, arg);
	lg_fill(gm->gm_lg);
}

static void
lg_progress(struct lg *l, int last)
{
	const struct lg_stats *s = &l->l_st;

	printf("\rregistered %u  failed %u  in progress %u  |  rekeys %llu  ACKs %llu  |  %.1f s ",
	    s->st_registered, s->st_failed, l->l_ninprog, (unsigned long long)s->st_rekeys,
	    (unsigned long long)s->st_acks, (double)(lg_now_us() - l->l_t0_us) / 1e6);
	if (last)
		printf("\n");
	fflush(stdout);
}

static void
lg_timer(struct gdoi_ev_timer *w, void *arg)
{
	struct lg *l = arg;
	uint64_t now = lg_now_ms(l);
	uint32_t i;

	if (l->l_duration_s != 0 && now >= l->l_t0_ms + (uint64_t)l->l_duration_s * 1000) {
		l->l_stop = 1;
		gdoi_ev_break(l->l_loop);
		return;
	}
	/* backwards: a member that leaves is replaced by the last one */
	for (i = l->l_ninprog; i-- > 0 && !l->l_stop;)
		if (i < l->l_ninprog)
			lg_gm_tick(l, l->l_inprog[i], now);
	lg_fill(l);
	if (l->l_lingering)
		lg_check_done(l);
	if (l->l_stop)
		return;
	if (l->l_progress && now >= l->l_next_progress_ms) {
		lg_progress(l, 0);
		l->l_next_progress_ms = now + LG_PROGRESS_MS;
	}
	if (l->l_stop)
		return;
	gdoi_ev_timer_at(w, now + (reg_over(l) ? LG_PROGRESS_MS : LG_TICK_MS));
}

static void
lg_signal(struct gdoi_ev_signal *w, int signum, void *arg)
{
	struct lg *l = arg;

	(void)w;
	(void)signum;
	l->l_stop = 1;
	gdoi_ev_break(l->l_loop);
}

/* Sockets of every member; a member whose bind fails is failed at once. */
static void
lg_sockets(struct lg *l)
{
	uint32_t i;

	for (i = 0; i < l->l_count; i++) {
		struct lg_gm *gm = &l->l_gm[i];
		uint32_t a = htonl(l->l_base + i);
		char s[32];
		int fd;

		gm->gm_lg = l;
		gm->gm_idx = i;
		gm->gm_fd = -1;
		memcpy(gm->gm_addr, &a, 4);
		fd = lg_gm_socket(gm->gm_addr, l->l_ks.pa_port);
		if (fd >= 0 && (gm->gm_io = gdoi_ev_io_new(l->l_loop, fd, lg_recv_fill, gm)) == NULL) {
			close(fd);
			fd = -ENOMEM;
		}
		if (fd < 0) {
			if (l->l_st.st_failed < 5) /* the first few say it all */
				gdoi_log("GDOI", GDOI_LOG_WARNING, "LOADGEN_BIND",
				    "member %u: %s:%u: %s", i,
				    gdoi_addr_str(gm->gm_addr, 4, s, sizeof(s)), l->l_ks.pa_port,
				    strerror(-fd));
			gm->gm_state = LG_FAILED;
			lg_stats_fail(&l->l_st, "bind_error");
			continue;
		}
		gm->gm_fd = fd;
	}
}

static void
lg_free(struct lg *l)
{
	uint32_t i;
	size_t k;

	for (i = 0; l->l_gm != NULL && i < l->l_count; i++) {
		struct lg_gm *gm = &l->l_gm[i];

		gdoi_ev_io_free(gm->gm_io);
		if (gm->gm_fd >= 0)
			close(gm->gm_fd);
		lg_gm_clear(gm);
	}
	for (k = 0; k < l->l_nmcast; k++) {
		gdoi_ev_io_free(l->l_mcast_io[k]);
		close(l->l_mcast_fd[k]);
	}
	for (k = 0; k < 2; k++)
		gdoi_ev_signal_free(l->l_sig[k]);
	gdoi_ev_timer_free(l->l_timer);
	for (k = 0; k < LG_MEMO_SLOTS; k++)
		lg_memo_clear(&l->l_memo[k]);
	free(l->l_gm);
	free(l->l_inprog);
	lg_stats_free(&l->l_st);
	gdoi_p1_ctx_free_certs(&l->l_p1);
	OPENSSL_cleanse(&l->l_p1, sizeof(l->l_p1));
	gdoi_conf_free(l->l_conf);
}

int
main(int argc, char **argv)
{
	static struct lg lg;
	struct lg *l = &lg;
	char psk[LG_PSK_MAX + 2];
	unsigned dh;
	int rc, done;
	uint32_t i;

	memset(psk, 0, sizeof(psk));
	gdoi_log_open("gdoi-loadgen", GDOI_LOG_STDERR);
	gdoi_log_set_level(GDOI_LOG_WARNING);
	rc = lg_args(l, argc, argv, psk, sizeof(psk), &dh, &done);
	if (rc != 0 || done) {
		OPENSSL_cleanse(psk, sizeof(psk));
		return rc;
	}
	rc = lg_conf(l, psk, dh);
	OPENSSL_cleanse(psk, sizeof(psk));
	if (rc < 0 || lg_rlimit(l->l_count) < 0 || (l->l_loop = gdoi_ev_default()) == NULL ||
	    lg_stats_init(&l->l_st, l->l_count) < 0 ||
	    (l->l_gm = calloc(l->l_count, sizeof(*l->l_gm))) == NULL ||
	    (l->l_inprog = calloc(l->l_conc, sizeof(*l->l_inprog))) == NULL ||
	    (l->l_timer = gdoi_ev_timer_new(l->l_loop, lg_timer, l)) == NULL ||
	    (l->l_sig[0] = gdoi_ev_signal_new(l->l_loop, SIGINT, lg_signal, l)) == NULL ||
	    (l->l_sig[1] = gdoi_ev_signal_new(l->l_loop, SIGTERM, lg_signal, l)) == NULL) {
		fprintf(stderr, "gdoi-loadgen: cannot set up\n");
		lg_free(l);
		return 1;
	}
	l->l_progress = !l->l_quiet && isatty(STDOUT_FILENO);
	lg_sockets(l);
	l->l_t0_us = lg_now_us();
	l->l_t0_ms = lg_now_ms(l);
	lg_fill(l);
	lg_check_done(l);
	if (!l->l_stop) {
		gdoi_ev_timer_at(l->l_timer, lg_now_ms(l) + LG_TICK_MS);
		gdoi_ev_run(l->l_loop);
	}
	/* what is still under way or never started counts as failed */
	for (i = l->l_ninprog; i-- > 0;)
		if (i < l->l_ninprog)
			lg_gm_abandon(l, l->l_inprog[i], "stopped");
	for (i = 0; i < l->l_count; i++)
		if (l->l_gm[i].gm_state == LG_IDLE) {
			l->l_gm[i].gm_state = LG_FAILED;
			lg_stats_fail(&l->l_st, "not_started");
		}
	if (l->l_progress)
		lg_progress(l, 1);
	lg_stats_summary(&l->l_st, l->l_count, l->l_kv, stdout);
	if (!l->l_kv)
		printf("  opened once, reused: %llu rekeys (--verify-each: %s)\n",
		    (unsigned long long)l->l_memo_hits, l->l_verify_each ? "on" : "off");
	fflush(stdout);
	rc = l->l_st.st_registered == l->l_count &&
	    (l->l_exit_rekeys == 0 || l->l_st.st_at_k >= l->l_st.st_registered) ? 0 : 1;
	lg_free(l);
	return rc;
}
