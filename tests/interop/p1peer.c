/*
 * p1peer: one IKEv1 Main Mode exchange (pre-shared key or RSA signatures)
 * over a real UDP socket, driven by libgdoi's Phase 1 state machine.  Used
 * by strongswan_check.sh to talk to charon.
 *
 *   p1peer -r initiator|responder -l LOCALADDR[:PORT] [-p PEERADDR[:PORT]]
 *          [-a psk|rsa] -k PSK | --key KEY.pem --cert CERT.pem --ca CA.pem
 *          -t TRANSFORMS [-K KEYLOG] [-T TIMEOUT_S]
 *
 * -a psk (the default) needs -k; -a rsa needs --key (RSA private key),
 * --cert (our certificate, sent in CERT) and --ca (the CAs that the
 * peer's certificate must verify against), all PEM; our identity is then
 * ID_DER_ASN1_DN of our certificate's subject.
 *
 * TRANSFORMS is a comma list of ENC-HASH-GROUP triples, e.g.
 * aes256-sha256-modp2048,aes128-sha1-ecp256 (ENC: aes128, aes192, aes256,
 * 3des; HASH: sha1, sha256, sha384, sha512; GROUP: modp2048, modp3072,
 * ecp256, ecp384, ecp521).  IPv6 addresses go in brackets when a port
 * follows: [::1]:500.  The port defaults to 500.
 *
 * The initiator needs -p.  The responder answers the first message 1 it
 * receives (from any address; the PSK is offered to every peer) and then
 * follows that one SA.  The SA proposes DOI 1 (IPsec); with a PSK our
 * identity is ID_IPV4_ADDR (or ID_IPV6_ADDR) of the local address.
 *
 * Output and exit status:
 *   ESTABLISHED <transform>   exit 0
 *   FAILED <notify name>      exit 1 (usage and system errors: exit 1 too)
 *   TIMEOUT                   exit 2 (-T seconds passed, or the library
 *                             gave up retransmitting)
 * -K appends the Wireshark IKEv1 decryption table line of the SA to the key
 * log (gdoi/keylog.h); without -K, $GDOI_KEYLOG names it; with neither, none.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "gdoi/err.h"
#include "gdoi/keylog.h"
#include "gdoi/names.h"
#include "gdoi/p1.h"
#include "gdoi/wire.h"

#define EX_OK 0
#define EX_FAIL 1
#define EX_TIMEOUT 2

struct endpoint {
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct gdoi_p1_peer peer; /* address and port in library form */
};

static const char *prog = "p1peer";

static void usage(void) __attribute__((noreturn));

static void
usage(void)
{
	fprintf(stderr,
	    "usage: %s -r initiator|responder -l LOCALADDR[:PORT] [-p PEERADDR[:PORT]]\n"
	    "       [-a psk|rsa] -k PSK | --key KEY.pem --cert CERT.pem --ca CA.pem\n"
	    "       -t TRANSFORMS [-K KEYLOG] [-T TIMEOUT_S]\n"
	    "TRANSFORMS: comma list of ENC-HASH-GROUP, e.g. aes256-sha256-modp2048\n",
	    prog);
	exit(EX_FAIL);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* "ADDR", "ADDR:PORT", "[V6]" or "[V6]:PORT" into ep; 0 on success. */
static int
parse_endpoint(const char *arg, struct endpoint *ep)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *port = NULL;
	size_t hl;
	unsigned long p = 500;

	memset(ep, 0, sizeof(*ep));
	if (arg[0] == '[') {
		const char *end = strchr(arg, ']');

		if (end == NULL)
			return -1;
		hl = (size_t)(end - arg - 1);
		if (hl >= sizeof(host))
			return -1;
		memcpy(host, arg + 1, hl);
		host[hl] = '\0';
		if (end[1] == ':')
			port = end + 2;
		else if (end[1] != '\0')
			return -1;
	} else {
		const char *colon = strchr(arg, ':');

		if (colon != NULL && strchr(colon + 1, ':') != NULL)
			colon = NULL; /* bare IPv6 address, no port */
		hl = colon != NULL ? (size_t)(colon - arg) : strlen(arg);
		if (hl >= sizeof(host))
			return -1;
		memcpy(host, arg, hl);
		host[hl] = '\0';
		if (colon != NULL)
			port = colon + 1;
	}
	if (port != NULL) {
		char *e;

		errno = 0;
		p = strtoul(port, &e, 10);
		if (errno != 0 || *port == '\0' || *e != '\0' || p == 0 || p > 65535)
			return -1;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ep->ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ep->ss;

	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)p);
		ep->sslen = sizeof(*s4);
		memcpy(ep->peer.pa_addr, &s4->sin_addr, 4);
		ep->peer.pa_alen = 4;
	} else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)p);
		ep->sslen = sizeof(*s6);
		memcpy(ep->peer.pa_addr, &s6->sin6_addr, 16);
		ep->peer.pa_alen = 16;
	} else {
		return -1;
	}
	ep->peer.pa_port = (uint16_t)p;
	return 0;
}

/* Library form of a received source address. */
static void
peer_from_sockaddr(const struct sockaddr_storage *ss, socklen_t len, struct endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	memcpy(&ep->ss, ss, len);
	ep->sslen = len;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		memcpy(ep->peer.pa_addr, &s4->sin_addr, 4);
		ep->peer.pa_alen = 4;
		ep->peer.pa_port = ntohs(s4->sin_port);
	} else {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

		memcpy(ep->peer.pa_addr, &s6->sin6_addr, 16);
		ep->peer.pa_alen = 16;
		ep->peer.pa_port = ntohs(s6->sin6_port);
	}
}

static int
same_peer(const struct gdoi_p1_peer *a, const struct gdoi_p1_peer *b)
{
	return a->pa_alen == b->pa_alen && a->pa_port == b->pa_port &&
	    memcmp(a->pa_addr, b->pa_addr, a->pa_alen) == 0;
}

/* Transform names: the tokens of -t and of the ESTABLISHED line. */
struct tok {
	const char *name;
	uint16_t a, b; /* enc: cipher, key bits; hash, group: number, unused */
};

static const struct tok enc_toks[] = {
	{ "aes128", IKE_ENC_AES_CBC, 128 },
	{ "aes192", IKE_ENC_AES_CBC, 192 },
	{ "aes256", IKE_ENC_AES_CBC, 256 },
	{ "3des", IKE_ENC_3DES_CBC, 0 },
};
static const struct tok hash_toks[] = {
	{ "sha1", IKE_HASH_SHA1, 0 },
	{ "sha256", IKE_HASH_SHA256, 0 },
	{ "sha384", IKE_HASH_SHA384, 0 },
	{ "sha512", IKE_HASH_SHA512, 0 },
};
static const struct tok group_toks[] = {
	{ "modp2048", IKE_GROUP_MODP2048, 0 },
	{ "modp3072", IKE_GROUP_MODP3072, 0 },
	{ "ecp256", IKE_GROUP_ECP256, 0 },
	{ "ecp384", IKE_GROUP_ECP384, 0 },
	{ "ecp521", IKE_GROUP_ECP521, 0 },
};

#define NTOK(t) (sizeof(t) / sizeof((t)[0]))

static const struct tok *
tok_find(const struct tok *t, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(t[i].name) == len && strncmp(t[i].name, s, len) == 0)
			return &t[i];
	return NULL;
}

/* One ENC-HASH-GROUP triple of length len at s into pol; 0 on success. */
static int
parse_transform(const char *s, size_t len, struct gdoi_p1_policy *pol)
{
	const char *d1 = memchr(s, '-', len);
	const char *d2;
	const struct tok *e, *h, *g;

	if (d1 == NULL)
		return -1;
	d2 = memchr(d1 + 1, '-', len - (size_t)(d1 + 1 - s));
	if (d2 == NULL)
		return -1;
	e = tok_find(enc_toks, NTOK(enc_toks), s, (size_t)(d1 - s));
	h = tok_find(hash_toks, NTOK(hash_toks), d1 + 1, (size_t)(d2 - d1 - 1));
	g = tok_find(group_toks, NTOK(group_toks), d2 + 1, len - (size_t)(d2 + 1 - s));
	if (e == NULL || h == NULL || g == NULL)
		return -1;
	memset(pol, 0, sizeof(*pol));
	pol->pp_enc = e->a;
	pol->pp_keylen = e->b;
	pol->pp_hash = h->a;
	pol->pp_auth = IKE_AUTH_PSK;
	pol->pp_group = g->a;
	pol->pp_life_s = 0;
	return 0;
}

static size_t
parse_transforms(const char *arg, struct gdoi_p1_policy *pol, size_t cap)
{
	size_t n = 0;
	const char *s = arg;

	for (;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma != NULL ? (size_t)(comma - s) : strlen(s);

		if (n == cap || parse_transform(s, len, &pol[n]) != 0) {
			fprintf(stderr, "%s: bad transform list '%s'\n", prog, arg);
			exit(EX_FAIL);
		}
		n++;
		if (comma == NULL)
			break;
		s = comma + 1;
	}
	return n;
}

static void
transform_name(const struct gdoi_p1_policy *pol, char *buf, size_t cap)
{
	const char *e = "?", *h = "?", *g = "?";
	uint16_t keylen = pol->pp_keylen;

	if (pol->pp_enc == IKE_ENC_3DES_CBC)
		keylen = 0;
	for (size_t i = 0; i < NTOK(enc_toks); i++)
		if (enc_toks[i].a == pol->pp_enc && enc_toks[i].b == keylen)
			e = enc_toks[i].name;
	for (size_t i = 0; i < NTOK(hash_toks); i++)
		if (hash_toks[i].a == pol->pp_hash)
			h = hash_toks[i].name;
	for (size_t i = 0; i < NTOK(group_toks); i++)
		if (group_toks[i].a == pol->pp_group)
			g = group_toks[i].name;
	snprintf(buf, cap, "%s-%s-%s", e, h, g);
}

static void
send_out(int fd, const struct endpoint *to, const struct gdoi_p1_out *out)
{
	if (out->o_len == 0)
		return;
	if (sendto(fd, out->o_msg, out->o_len, 0, (const struct sockaddr *)&to->ss,
		to->sslen) < 0)
		fprintf(stderr, "%s: sendto: %s\n", prog, strerror(errno));
}

/* The key log: -K PATH, else $GDOI_KEYLOG, else off (gdoi/keylog.h). */
static struct gdoi_keylog *keylog_file;

static void
write_keylog(const struct gdoi_p1_sa *sa)
{
	char line[GDOI_P1_MSG_MAX];
	int n;

	if (keylog_file == NULL)
		return;
	n = gdoi_p1_keylog_line(sa, line, sizeof(line));
	if (n < 0 || gdoi_keylog_write(keylog_file, line) != 0)
		fprintf(stderr, "%s: %s: keylog write failed\n", prog,
		    gdoi_keylog_path(keylog_file));
}

/* Act on what the library returned; exits when the SA is done. */
static void
handle_out(int fd, const struct endpoint *to, struct gdoi_p1_sa *sa,
    const struct gdoi_p1_out *out)
{
	send_out(fd, to, out);
	if (sa != NULL && (out->o_events & GDOI_P1_EV_ESTABLISHED) != 0) {
		char name[64];

		transform_name(gdoi_p1_transform(sa), name, sizeof(name));
		write_keylog(sa);
		printf("ESTABLISHED %s\n", name);
		fflush(stdout);
		gdoi_p1_sa_free(sa);
		exit(EX_OK);
	}
	if ((out->o_events & GDOI_P1_EV_FAILED) != 0) {
		char buf[48];

		gdoi_p1_sa_free(sa);
		if (out->o_notify == 0) {
			printf("TIMEOUT (no answer from the peer)\n");
			fflush(stdout);
			exit(EX_TIMEOUT);
		}
		printf("FAILED %s\n", gdoi_name_buf(GDOI_NS_NOTIFY, out->o_notify, buf, sizeof(buf)));
		fflush(stdout);
		exit(EX_FAIL);
	}
}

int
main(int argc, char **argv)
{
	const char *role = NULL, *local = NULL, *peerarg = NULL, *psk = NULL;
	const char *transforms = NULL, *keylog = NULL, *auth = "psk";
	const char *keyf = NULL, *certf = NULL, *caf = NULL;
	static const struct option lopts[] = {
		{ "key", required_argument, NULL, 1 },
		{ "cert", required_argument, NULL, 2 },
		{ "ca", required_argument, NULL, 3 },
		{ NULL, 0, NULL, 0 },
	};
	int rsa = 0;
	unsigned long timeout_s = 30;
	struct gdoi_p1_policy pol[GDOI_P1_MAX_POLICY];
	struct gdoi_p1_psk_entry pe;
	struct gdoi_p1_psk_table pt;
	struct gdoi_p1_ctx ctx;
	struct endpoint lep, pep;
	struct gdoi_p1_sa *sa = NULL;
	static struct gdoi_p1_out out;
	static uint8_t buf[65536];
	int initiator = 0, fd, c;
	uint64_t end;

	if (argv[0] != NULL && argv[0][0] != '\0') {
		const char *sl = strrchr(argv[0], '/');

		prog = sl != NULL ? sl + 1 : argv[0];
	}
	while ((c = getopt_long(argc, argv, "r:l:p:k:t:K:T:a:", lopts, NULL)) != -1) {
		switch (c) {
		case 1: keyf = optarg; break;
		case 2: certf = optarg; break;
		case 3: caf = optarg; break;
		case 'a': auth = optarg; break;
		case 'r': role = optarg; break;
		case 'l': local = optarg; break;
		case 'p': peerarg = optarg; break;
		case 'k': psk = optarg; break;
		case 't': transforms = optarg; break;
		case 'K': keylog = optarg; break;
		case 'T': {
			char *e;

			timeout_s = strtoul(optarg, &e, 10);
			if (*optarg == '\0' || *e != '\0' || timeout_s == 0 || timeout_s > 86400)
				usage();
			break;
		}
		default: usage();
		}
	}
	if (strcmp(auth, "rsa") == 0)
		rsa = 1;
	else if (strcmp(auth, "psk") != 0)
		usage();
	if (optind != argc || role == NULL || local == NULL || transforms == NULL ||
	    (!rsa && psk == NULL) || (rsa && (keyf == NULL || certf == NULL || caf == NULL)))
		usage();
	if (psk == NULL)
		psk = "unused";
	if (strcmp(role, "initiator") == 0)
		initiator = 1;
	else if (strcmp(role, "responder") == 0)
		initiator = 0;
	else
		usage();
	if (gdoi_keylog_open(keylog, &keylog_file) != 0) {
		fprintf(stderr, "%s: key log %s: %s\n", prog,
		    keylog ? keylog : getenv(GDOI_KEYLOG_ENV), strerror(errno));
		return EX_FAIL;
	}
	if (initiator && peerarg == NULL) {
		fprintf(stderr, "%s: the initiator needs -p PEERADDR\n", prog);
		return EX_FAIL;
	}
	if (parse_endpoint(local, &lep) != 0) {
		fprintf(stderr, "%s: bad local address '%s'\n", prog, local);
		return EX_FAIL;
	}
	if (peerarg != NULL && parse_endpoint(peerarg, &pep) != 0) {
		fprintf(stderr, "%s: bad peer address '%s'\n", prog, peerarg);
		return EX_FAIL;
	}
	if (strlen(psk) == 0 || strlen(psk) > GDOI_P1_PSK_MAX) {
		fprintf(stderr, "%s: the PSK must have 1..%d octets\n", prog, GDOI_P1_PSK_MAX);
		return EX_FAIL;
	}

	memset(&ctx, 0, sizeof(ctx));
	ctx.x_policy = pol;
	ctx.x_npolicy = parse_transforms(transforms, pol, GDOI_P1_MAX_POLICY);
	memset(&pe, 0, sizeof(pe));
	if (peerarg != NULL) {
		memcpy(pe.pe_addr, pep.peer.pa_addr, pep.peer.pa_alen);
		pe.pe_alen = pep.peer.pa_alen;
	} /* else a wildcard entry: any peer */
	pe.pe_psk = (const uint8_t *)psk;
	pe.pe_psklen = strlen(psk);
	pt.pt_e = &pe;
	pt.pt_n = 1;
	ctx.x_psk = gdoi_p1_psk_table_lookup;
	ctx.x_psk_arg = &pt;
	ctx.x_local_id.id_type = lep.peer.pa_alen == 4 ? ID_IPV4_ADDR : ID_IPV6_ADDR;
	ctx.x_local_id.id_data.ptr = lep.peer.pa_addr;
	ctx.x_local_id.id_data.len = lep.peer.pa_alen;
	if (rsa) {
		char err[512];

		if (gdoi_p1_ctx_load_certs(&ctx, keyf, certf, caf, err, sizeof(err)) != 0) {
			fprintf(stderr, "%s: %s\n", prog, err);
			return EX_FAIL;
		}
		for (size_t i = 0; i < ctx.x_npolicy; i++)
			pol[i].pp_auth = IKE_AUTH_RSA_SIG;
		ctx.x_local_id.id_type = 0; /* ID_DER_ASN1_DN of our certificate */
	}
	ctx.x_doi = 1; /* IPsec DOI: what an IKEv1 peer expects */
	if (RAND_bytes(ctx.x_cookie_secret, (int)sizeof(ctx.x_cookie_secret)) != 1) {
		fprintf(stderr, "%s: no random octets\n", prog);
		return EX_FAIL;
	}

	fd = socket(lep.ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (const struct sockaddr *)&lep.ss, lep.sslen) != 0) {
		fprintf(stderr, "%s: socket/bind %s: %s\n", prog, local, strerror(errno));
		return EX_FAIL;
	}
	end = now_ms() + (uint64_t)timeout_s * 1000u;

	if (initiator) {
		memset(&out, 0, sizeof(out));
		if (gdoi_p1_initiate(&ctx, &pep.peer, now_ms(), &sa, &out) != 0) {
			fprintf(stderr, "%s: gdoi_p1_initiate failed\n", prog);
			return EX_FAIL;
		}
		handle_out(fd, &pep, sa, &out);
	}

	for (;;) {
		uint64_t now = now_ms();
		uint64_t dl = end;
		struct pollfd pfd;
		int wait, n;

		if (sa != NULL) {
			uint64_t d = gdoi_p1_next_deadline(sa);

			if (d < dl)
				dl = d;
		}
		wait = dl > now ? (int)(dl - now) : 0;
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		n = poll(&pfd, 1, wait);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: poll: %s\n", prog, strerror(errno));
			return EX_FAIL;
		}
		now = now_ms();
		if (now >= end) {
			printf("TIMEOUT (after %lu s, state %s)\n", timeout_s,
			    sa != NULL ? gdoi_p1_state_name(gdoi_p1_state(sa)) : "no SA");
			fflush(stdout);
			gdoi_p1_sa_free(sa);
			return EX_TIMEOUT;
		}
		if (n == 0) {
			if (sa != NULL) {
				memset(&out, 0, sizeof(out));
				gdoi_p1_tick(sa, now, &out);
				handle_out(fd, &pep, sa, &out);
			}
			continue;
		}

		struct sockaddr_storage from;
		socklen_t fromlen = sizeof(from);
		struct endpoint src;
		ssize_t len = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fromlen);

		if (len < 0) {
			if (errno != EINTR && errno != EAGAIN)
				fprintf(stderr, "%s: recvfrom: %s\n", prog, strerror(errno));
			continue;
		}
		peer_from_sockaddr(&from, fromlen, &src);
		memset(&out, 0, sizeof(out));
		if (sa == NULL) {
			/* Responder, no SA yet: only a message 1 starts one. */
			int rc = gdoi_p1_respond(&ctx, &src.peer, buf, (size_t)len, now, &sa, &out);

			if (rc != 0) {
				fprintf(stderr, "%s: message from %s:%u refused (error %d)\n", prog,
				    inet_ntop(from.ss_family, src.peer.pa_addr, (char *)buf,
					INET6_ADDRSTRLEN), src.peer.pa_port, rc);
				if (out.o_len != 0) {
					char nb[48];

					out.o_events |= GDOI_P1_EV_FAILED;
					if (out.o_notify == 0) {
						send_out(fd, &src, &out);
						printf("FAILED %s\n", gdoi_name_buf(GDOI_NS_NOTIFY,
						    N_NO_PROPOSAL_CHOSEN, nb, sizeof(nb)));
						return EX_FAIL;
					}
					handle_out(fd, &src, NULL, &out);
				}
				continue;
			}
			pep = src;
			handle_out(fd, &pep, sa, &out);
			continue;
		}
		if (!same_peer(&src.peer, &pep.peer)) {
			fprintf(stderr, "%s: ignoring a datagram from another peer\n", prog);
			continue;
		}
		int rc = gdoi_p1_input(sa, buf, (size_t)len, now, &out);

		if (rc != 0 && out.o_events == 0)
			fprintf(stderr, "%s: dropped a %zd-octet datagram in state %s (error %d)\n",
			    prog, len, gdoi_p1_state_name(gdoi_p1_state(sa)), rc);
		handle_out(fd, &pep, sa, &out);
	}
}
