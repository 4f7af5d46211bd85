/*
 * Process plumbing for the daemons (daemon.h): pid file, detaching with a
 * readiness pipe, directories, address text.
 */
#define _GNU_SOURCE
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <limits.h>
#include <malloc.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "gdoi/buf.h"
#include "gdoi/config.h"
#include "gdoi/ctl.h"
#include "gdoi/log.h"
#include "gdoi/daemon.h"
#include "gdoi/err.h"
#include "gdoi/event.h"
#include "gdoi/keylog.h"
#include "gdoi/wire.h"

static int ready_fd = -1;

static int
pid_alive(const char *path)
{
	char buf[32];
	ssize_t n;
	long pid;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	pid = strtol(buf, NULL, 10);
	if (pid <= 0 || pid == (long)getpid())
		return 0;
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

int
gdoi_pidfile_write(const char *path)
{
	char buf[32];
	int fd, n;

	if (pid_alive(path))
		return -EEXIST;
	(void)unlink(path);
	if (gdoi_mkdir_for(path) < 0)
		return -errno;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)n) != n) {
		int e = errno;
		close(fd);
		(void)unlink(path);
		return -e;
	}
	close(fd);
	return 0;
}

void
gdoi_pidfile_remove(const char *path)
{
	if (path != NULL)
		(void)unlink(path);
}

int
gdoi_daemonize(void)
{
	int p[2], fd;
	pid_t pid;
	char c = 0;

	if (pipe(p) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		/* parent: wait for the child's word, or its exit */
		ssize_t n;

		close(p[1]);
		do
			n = read(p[0], &c, 1);
		while (n < 0 && errno == EINTR);
		_exit(n == 1 && c == 'R' ? 0 : 1);
	}
	close(p[0]);
	ready_fd = p[1];
	if (setsid() < 0)
		return -errno;
	if (chdir("/") < 0)
		return -errno;
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

void
gdoi_daemon_ready(void)
{
	char c = 'R';

	if (ready_fd < 0)
		return;
	while (write(ready_fd, &c, 1) < 0 && errno == EINTR)
		;
	close(ready_fd);
	ready_fd = -1;
}

int
gdoi_mkdir_for(const char *path)
{
	char dir[PATH_MAX];
	char *slash;

	if (strlen(path) >= sizeof(dir)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

const char *
gdoi_addr_str(const uint8_t *addr, uint8_t af, char *buf, size_t cap)
{
	if (inet_ntop(af == 6 ? AF_INET6 : AF_INET, addr, buf, (socklen_t)cap) == NULL)
		snprintf(buf, cap, "?");
	return buf;
}

/* ------------------------------------------------------------------ */

static void
usage(FILE *f, const char *prog, const char *default_conf, int ks)
{
	fprintf(f,
	    "usage: %s [-dn] [-f CONFIG] [-s CTL_SOCKET] [-p PIDFILE] [-k KEYLOG] [-l LOGFILE]\n"
	    "       [-D TOKENS]%s\n"
	    "  -f CONFIG      configuration file (default %s)\n"
	    "  -d             stay in the foreground, log to stderr\n"
	    "  -n             check the configuration and exit\n"
	    "  -s PATH        control socket (overrides the configuration)\n"
	    "  -p PATH        pid file (overrides the configuration)\n"
	    "  -k PATH        append Phase 1 keys to PATH for Wireshark (off by default)\n"
	    "  -l PATH        log to PATH instead of syslog when detached\n"
	    "  -T N           lab only: run protocol time N times faster (needs GDOI_LAB=1)\n"
	    "  -D TOKENS      debug output: comma-separated tokens or \"all\"\n"
	    "%s"
	    "  -V             print the version\n"
	    "  -h             this help\n",
	    prog, ks ? " [-S STATEDIR]" : "", default_conf,
	    ks ? "  -S DIR         state directory: rekey keys (overrides the configuration)\n" : "");
}

void
gdoi_daemon_args(int argc, char **argv, const char *prog, const char *default_conf, int ks,
    struct gdoi_daemon_opts *o)
{
	static char conf_abs[PATH_MAX];
	int c;

	memset(o, 0, sizeof(*o));
	o->o_conf = default_conf;
	while ((c = getopt(argc, argv, ks ? "f:dns:p:k:l:T:D:S:Vh" : "f:dns:p:k:l:T:D:Vh")) != -1) {
		switch (c) {
		case 'f':
			/* absolute: a detached daemon runs in / and reloads from there */
			o->o_conf = realpath(optarg, conf_abs) != NULL ? conf_abs : optarg;
			break;
		case 'd': o->o_foreground = 1; break;
		case 'n': o->o_check = 1; break;
		case 's': o->o_ctl = optarg; break;
		case 'p': o->o_pid = optarg; break;
		case 'k': o->o_keylog = optarg; break;
		case 'l': o->o_logfile = optarg; break;
		case 'T': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);

			if (*optarg == '\0' || *end != '\0' || v < 1 || v > GDOI_EV_TIMESCALE_MAX) {
				fprintf(stderr, "%s: -T wants a factor from 1 to %u\n", prog,
				    GDOI_EV_TIMESCALE_MAX);
				exit(64);
			}
			o->o_timescale = (unsigned)v;
			break;
		}
		case 'D': o->o_debug = optarg; break;
		case 'S': o->o_statedir = optarg; break;
		case 'V':
			printf("%s %s\n", prog, PACKAGE_VERSION);
			exit(0);
		case 'h':
			usage(stdout, prog, default_conf, ks);
			exit(0);
		default:
			usage(stderr, prog, default_conf, ks);
			exit(64);
		}
	}
	if (optind != argc) {
		usage(stderr, prog, default_conf, ks);
		exit(64);
	}
}

/* ------------------------------------------------------------------ */

static socklen_t
to_sockaddr(const struct gdoi_p1_peer *p, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (p->pa_alen == 16) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, p->pa_addr, 16);
		s6->sin6_port = htons(p->pa_port);
		return sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, p->pa_addr, 4);
		s4->sin_port = htons(p->pa_port);
		return sizeof(*s4);
	}
}

static void
from_sockaddr(const struct sockaddr_storage *ss, struct gdoi_p1_peer *p)
{
	memset(p, 0, sizeof(*p));
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
		/* an IPv4-mapped source is IPv4 */
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			memcpy(p->pa_addr, (const uint8_t *)&s6->sin6_addr + 12, 4);
			p->pa_alen = 4;
		} else {
			memcpy(p->pa_addr, &s6->sin6_addr, 16);
			p->pa_alen = 16;
		}
		p->pa_port = ntohs(s6->sin6_port);
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
		memcpy(p->pa_addr, &s4->sin_addr, 4);
		p->pa_alen = 4;
		p->pa_port = ntohs(s4->sin_port);
	}
}

int
gdoi_udp_bind(uint8_t af, const uint8_t *addr, uint16_t port)
{
	struct gdoi_p1_peer p;
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1;

	memset(&p, 0, sizeof(p));
	p.pa_alen = af == 6 ? 16 : 4;
	if (addr != NULL)
		memcpy(p.pa_addr, addr, p.pa_alen);
	p.pa_port = port;
	sl = to_sockaddr(&p, &ss);
	fd = socket(af == 6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (af == 6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

ssize_t
gdoi_udp_recv(int fd, uint8_t *buf, size_t cap, struct gdoi_p1_peer *from)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	ssize_t n;

	do
		n = recvfrom(fd, buf, cap, MSG_TRUNC, (struct sockaddr *)&ss, &sl);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	from_sockaddr(&ss, from);
	return n;
}

int
gdoi_udp_send(int fd, const struct gdoi_p1_peer *to, const uint8_t *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = to_sockaddr(to, &ss);
	ssize_t n;

	do
		n = sendto(fd, buf, len, 0, (struct sockaddr *)&ss, sl);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

/*
 * The same datagram to n peers, in batches of sendmmsg (one system call
 * per GDOI_UDP_BATCH).  sent[i] is set to 1 for each peer the kernel took
 * it for, 0 otherwise (a peer it refused is skipped, the rest still go).
 * Returns how many were sent.
 */
size_t
gdoi_udp_send_many(int fd, const struct gdoi_p1_peer *to, size_t n, const uint8_t *buf,
    size_t len, uint8_t *sent)
{
	struct sockaddr_storage ss[GDOI_UDP_BATCH];
	struct mmsghdr mh[GDOI_UDP_BATCH];
	struct iovec iov;
	size_t i, done = 0, ok = 0, b;
	struct pollfd pfd;
	int r, waits = 0;

	iov.iov_base = (void *)(uintptr_t)buf;
	iov.iov_len = len;
	memset(sent, 0, n);
	while (done < n) {
		b = n - done < GDOI_UDP_BATCH ? n - done : GDOI_UDP_BATCH;
		memset(mh, 0, b * sizeof(mh[0]));
		for (i = 0; i < b; i++) {
			mh[i].msg_hdr.msg_name = &ss[i];
			mh[i].msg_hdr.msg_namelen = to_sockaddr(&to[done + i], &ss[i]);
			mh[i].msg_hdr.msg_iov = &iov;
			mh[i].msg_hdr.msg_iovlen = 1;
		}
		do
			r = sendmmsg(fd, mh, (unsigned)b, 0);
		while (r < 0 && errno == EINTR);
		if (r < 0 && (errno == EAGAIN || errno == ENOBUFS) && waits < 8) {
			/* the send buffer is full: give the device a moment */
			pfd.fd = fd;
			pfd.events = POLLOUT;
			(void)poll(&pfd, 1, 5);
			waits++;
			continue;
		}
		if (r <= 0) {
			done++; /* the first of the batch was refused: skip it */
			continue;
		}
		for (i = 0; i < (size_t)r; i++)
			sent[done + i] = 1;
		ok += (size_t)r;
		done += (size_t)r;
	}
	return ok;
}

int
gdoi_udp_local_for(const struct gdoi_p1_peer *peer, uint8_t *addr)
{
	struct sockaddr_storage ss, me;
	socklen_t sl = to_sockaddr(peer, &ss), ml = sizeof(me);
	struct gdoi_p1_peer p;
	int fd = socket(peer->pa_alen == 16 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0 ||
	    getsockname(fd, (struct sockaddr *)&me, &ml) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	close(fd);
	from_sockaddr(&me, &p);
	memcpy(addr, p.pa_addr, p.pa_alen);
	return 0;
}

/* The index of the interface holding IPv6 address a, or 0. */
static unsigned
ifindex_of6(const uint8_t *a)
{
	struct ifaddrs *ifa, *i;
	unsigned idx = 0;

	if (getifaddrs(&ifa) < 0)
		return 0;
	for (i = ifa; i != NULL && idx == 0; i = i->ifa_next)
		if (i->ifa_addr != NULL && i->ifa_addr->sa_family == AF_INET6 &&
		    memcmp(&((struct sockaddr_in6 *)(void *)i->ifa_addr)->sin6_addr, a, 16) == 0)
			idx = if_nametoindex(i->ifa_name);
	freeifaddrs(ifa);
	return idx;
}

int
gdoi_udp_mcast_out(int fd, uint8_t af, const uint8_t *local, unsigned ttl)
{
	int t = (int)(ttl != 0 ? ttl : 1), off = 0;

	if (af == 6) {
		unsigned idx = ifindex_of6(local);

		if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx)) < 0 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &t, sizeof(t)) < 0 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof(off)) < 0)
			return -errno;
	} else {
		struct ip_mreqn mr;
		unsigned char t8 = (unsigned char)t, off8 = 0;

		memset(&mr, 0, sizeof(mr));
		memcpy(&mr.imr_address, local, 4);
		if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0 ||
		    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &t8, sizeof(t8)) < 0 ||
		    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &off8, sizeof(off8)) < 0)
			return -errno;
	}
	return 0;
}

int
gdoi_udp_mcast_join(int fd, uint8_t af, const uint8_t *group, const uint8_t *local, int join)
{
	int rc;

	if (af == 6) {
		struct ipv6_mreq mr;

		memset(&mr, 0, sizeof(mr));
		memcpy(&mr.ipv6mr_multiaddr, group, 16);
		mr.ipv6mr_interface = ifindex_of6(local);
		rc = setsockopt(fd, IPPROTO_IPV6, join ? IPV6_ADD_MEMBERSHIP : IPV6_DROP_MEMBERSHIP,
		    &mr, sizeof(mr));
	} else {
		struct ip_mreqn mr;

		memset(&mr, 0, sizeof(mr));
		memcpy(&mr.imr_multiaddr, group, 4);
		memcpy(&mr.imr_address, local, 4);
		rc = setsockopt(fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP,
		    &mr, sizeof(mr));
	}
	return rc < 0 ? -errno : 0;
}

const char *
gdoi_peer_str(const struct gdoi_p1_peer *p, char *buf, size_t cap)
{
	return gdoi_addr_str(p->pa_addr, p->pa_alen == 16 ? 6 : 4, buf, cap);
}

/* ------------------------------------------------------------------ */

static void
printable(const uint8_t *p, size_t n, char *buf, size_t cap)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 1 < cap; i++)
		buf[o++] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
	buf[o] = '\0';
}

const char *
gdoi_id_str(const struct gdoi_id *id, char *buf, size_t cap)
{
	const uint8_t *d = id->id_data.ptr;
	size_t n = id->id_data.len;

	if (cap == 0)
		return buf;
	switch (id->id_type) {
	case ID_IPV4_ADDR:
		if (n == 4)
			return gdoi_addr_str(d, 4, buf, cap);
		break;
	case ID_IPV6_ADDR:
		if (n == 16)
			return gdoi_addr_str(d, 6, buf, cap);
		break;
	case ID_FQDN:
	case ID_USER_FQDN:
		printable(d, n, buf, cap);
		return buf;
	case ID_DER_ASN1_DN: {
		const unsigned char *q = d;
		X509_NAME *nm = d2i_X509_NAME(NULL, &q, (long)n);
		char *txt;

		if (nm == NULL)
			break;
		txt = X509_NAME_oneline(nm, NULL, 0);
		X509_NAME_free(nm);
		if (txt == NULL)
			break;
		printable((const uint8_t *)txt, strlen(txt), buf, cap);
		OPENSSL_free(txt);
		return buf;
	}
	default:
		break;
	}
	gdoi_hex_str(buf, cap, d, n, 0);
	return buf;
}

const char *
gdoi_fingerprint(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, char *buf,
    size_t cap)
{
	uint8_t md[32];
	unsigned mdlen = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	buf[0] = '\0';
	if (c == NULL)
		return buf;
	if (EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 && EVP_DigestUpdate(c, a, alen) == 1 &&
	    (blen == 0 || EVP_DigestUpdate(c, b, blen) == 1) &&
	    EVP_DigestFinal_ex(c, md, &mdlen) == 1)
		gdoi_hex_str(buf, cap, md, 8, 0);
	EVP_MD_CTX_free(c);
	return buf;
}

/* ------------------------------------------------------------------ */

#define GDOI_CTL_TRIM (1u << 20)

void
gdoi_ctl_serve(int lfd, gdoi_ctl_handler h, void *arg)
{
	uint8_t type = 0, *body = NULL, *out = NULL;
	size_t len = 0, outlen = 0;
	char err[256], *cmd = NULL;
	struct gdoi_tree *t = NULL;
	int fd, rc;

	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (gdoi_ctl_recv(fd, 1000, &type, &body, &len) < 0)
		goto done;
	cmd = malloc(len + 1);
	t = gdoi_tree_new();
	if (cmd == NULL || t == NULL)
		goto done;
	memcpy(cmd, body, len);
	cmd[len] = '\0';
	err[0] = '\0';
	rc = h(arg, type, cmd, t, err, sizeof(err));
	if (rc >= 0 && gdoi_tree_error(t) == 0 && gdoi_tree_encode(t, &out, &outlen) == 0)
		(void)gdoi_ctl_send(fd, GDOI_CTL_OK, out, outlen);
	else {
		if (err[0] == '\0')
			snprintf(err, sizeof(err), "internal error building the reply");
		(void)gdoi_ctl_send(fd, GDOI_CTL_ERROR, err, strlen(err));
	}
done:
	free(out);
	free(cmd);
	free(body);
	gdoi_tree_free(t);
	close(fd);
	/* a large reply ("show crypto gdoi ks members" of 10,000 members: a
	 * tree of 100,000+ nodes) leaves free pages behind: give them back */
	if (outlen > GDOI_CTL_TRIM)
		(void)malloc_trim(0);
}

/* ------------------------------------------------------------------ */

int
gdoi_daemon_check_conf(const char *prog, const struct gdoi_daemon_opts *o)
{
	struct gdoi_conf *c = NULL;
	char err[1024];

	if (gdoi_conf_load(o->o_conf, &c, err, sizeof(err)) < 0 ||
	    (o->o_conf_check != NULL && o->o_conf_check(c, err, sizeof(err)) < 0)) {
		fprintf(stderr, "%s: %s\n", prog, err);
		gdoi_conf_free(c);
		return 1;
	}
	printf("%s: configuration OK (%zu group%s)\n", o->o_conf, c->c_ngroup,
	    c->c_ngroup == 1 ? "" : "s");
	gdoi_conf_free(c);
	return 0;
}

int
gdoi_daemon_setup(const char *prog, const struct gdoi_daemon_opts *o)
{
	int rc;

	gdoi_log_open(prog, o->o_foreground || o->o_logfile != NULL ? GDOI_LOG_STDERR :
	    GDOI_LOG_SYSLOG);
	if (o->o_debug != NULL) {
		if (gdoi_log_debug_enable(o->o_debug) < 0) {
			fprintf(stderr, "%s: bad debug token list \"%s\"\n", prog, o->o_debug);
			return 64;
		}
		gdoi_log_set_level(GDOI_LOG_DEBUG);
	}
	if (o->o_timescale > 1) {
		const char *lab = getenv("GDOI_LAB");

		if (lab == NULL || strcmp(lab, "1") != 0) {
			fprintf(stderr, "%s: -T (time scale) is for labs and tests only: "
			    "set GDOI_LAB=1 to allow it\n", prog);
			return 64;
		}
	}
	if (!o->o_foreground) {
		/* a bad configuration is reported on the terminal, not only to syslog */
		struct gdoi_conf *c = NULL;
		char err[1024];

		if (gdoi_conf_load(o->o_conf, &c, err, sizeof(err)) < 0 ||
		    (o->o_conf_check != NULL && o->o_conf_check(c, err, sizeof(err)) < 0)) {
			fprintf(stderr, "%s: %s\n", prog, err);
			gdoi_conf_free(c);
			return 1;
		}
		gdoi_conf_free(c);
	}
	if (!o->o_foreground && o->o_logfile != NULL) {
		int fd;

		if (gdoi_mkdir_for(o->o_logfile) < 0 ||
		    (fd = open(o->o_logfile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640)) < 0) {
			fprintf(stderr, "%s: cannot open %s: %s\n", prog, o->o_logfile,
			    strerror(errno));
			return 1;
		}
		close(fd);
	}
	if (!o->o_foreground && (rc = gdoi_daemonize()) < 0) {
		fprintf(stderr, "%s: cannot detach: %s\n", prog, strerror(-rc));
		return 1;
	}
	if (!o->o_foreground && o->o_logfile != NULL) {
		/* the log file becomes our stderr (daemonize pointed it at /dev/null) */
		int fd = open(o->o_logfile, O_WRONLY | O_APPEND | O_CREAT, 0640);

		if (fd >= 0 && fd != 2) {
			dup2(fd, 2);
			close(fd);
		}
	}
	if (o->o_timescale > 1) {
		(void)gdoi_ev_set_timescale(o->o_timescale);
		gdoi_log("GDOI", GDOI_LOG_WARNING, "LAB_TIMESCALE",
		    "Lab time scale %u: protocol timers run %u times faster than real time",
		    o->o_timescale, o->o_timescale);
	}
	return 0;
}

int
gdoi_daemon_p1_ctx(struct gdoi_p1_ctx *x, struct gdoi_conf *c)
{
	char err[512];

	gdoi_p1_ctx_free_certs(x);
	x->x_policy = c->c_ike;
	x->x_npolicy = c->c_nike;
	x->x_psk = gdoi_conf_psk_lookup;
	x->x_psk_arg = c;
	x->x_local_id = c->c_local_id;
	x->x_doi = GDOI_DOI_GDOI;
	if (c->c_cert_key != NULL && c->c_cert != NULL &&
	    gdoi_p1_ctx_load_certs(x, c->c_cert_key, c->c_cert, c->c_cert_ca, err,
		sizeof(err)) < 0) {
		gdoi_log("GDOI", GDOI_LOG_ERR, "CONFIG_ERROR", "%s", err);
		return -1;
	}
	return 0;
}

int
gdoi_daemon_keylog(const char *opt, const char *conf, struct gdoi_keylog **kl)
{
	const char *path = opt != NULL ? opt : conf;
	int rc;

	*kl = NULL;
	if (path == NULL && getenv("GDOI_KEYLOG") == NULL)
		return 0;
	rc = gdoi_keylog_open(path, kl);
	if (rc < 0) {
		gdoi_log("GDOI", GDOI_LOG_ERR, "KEYLOG", "cannot open the keylog %s: %s",
		    path != NULL ? path : getenv("GDOI_KEYLOG"), gdoi_strerror(rc));
		return -1;
	}
	if (*kl != NULL)
		gdoi_log("GDOI", GDOI_LOG_WARNING, "KEYLOG",
		    "Phase 1 keys are written to %s: for lab use only", gdoi_keylog_path(*kl));
	return 0;
}

/* ------------------------------------------------------------------ */
/* The shared runtime                                                   */

static void
rt_timer_cb(struct gdoi_ev_timer *w, void *arg)
{
	struct gdoi_rt *rt = arg;

	(void)w;
	rt->rt_ops->ro_timer(rt->rt_arg);
	rt->rt_ops->ro_rearm(rt->rt_arg);
}

static void
rt_signal_cb(struct gdoi_ev_signal *w, int signum, void *arg)
{
	struct gdoi_rt *rt = arg;

	(void)w;
	if (signum == SIGHUP) {
		(void)rt->rt_ops->ro_reload(rt->rt_arg);
		rt->rt_ops->ro_rearm(rt->rt_arg);
		return;
	}
	gdoi_log("GDOI", GDOI_LOG_NOTICE, rt->rt_ops->ro_stop, "%s stopping (signal %d)",
	    rt->rt_ops->ro_name, signum);
	gdoi_ev_break(rt->rt_loop);
}

/* Requests both daemons answer alike (debug, reload); the rest go to the
 * daemon's own table. */
static int
rt_no_debug(void *ctx, const char *arg, struct gdoi_tree *t, char *err, size_t cap)
{
	(void)ctx, (void)arg, (void)err, (void)cap;
	(void)gdoi_log_debug_enable(NULL);
	gdoi_log("GDOI", GDOI_LOG_NOTICE, "DEBUG", "Debugging is off");
	gdoi_tree_attr(t, "debug", "Debug", "%s", "off");
	return 0;
}

static int
rt_debug(void *ctx, const char *arg, struct gdoi_tree *t, char *err, size_t cap)
{
	(void)ctx;
	if (gdoi_log_debug_enable(arg) < 0) {
		snprintf(err, cap, "debug: '%s' is not a comma-separated list of tokens "
		    "(letters, digits, _ and -; or all)", arg);
		return -1;
	}
	gdoi_log("GDOI", GDOI_LOG_NOTICE, "DEBUG", "Debugging %s is on", arg);
	gdoi_tree_attr(t, "debug", "Debug", "%s", arg);
	return 0;
}

static int
rt_reload(void *ctx, const char *arg, struct gdoi_tree *t, char *err, size_t cap)
{
	struct gdoi_rt *rt = ctx;

	(void)arg;
	if (rt->rt_ops->ro_reload(rt->rt_arg) < 0) {
		snprintf(err, cap, "reload failed: the running configuration is kept "
		    "(see the log for the reason)");
		return -1;
	}
	gdoi_tree_attr(t, "reload", "Reload", "%s", "ok");
	return 0;
}

static const struct gdoi_ctl_cmd rt_cmds[] = {
	{ GDOI_CTL_EXEC, "no debug", 0, rt_no_debug },
	{ GDOI_CTL_EXEC, "debug", 1, rt_debug },
	{ GDOI_CTL_RELOAD, NULL, 0, rt_reload },
};

static int
rt_ctl(void *arg, uint8_t type, const char *cmd, struct gdoi_tree *t, char *err, size_t cap)
{
	struct gdoi_rt *rt = arg;

	if (type == GDOI_CTL_RELOAD || (type == GDOI_CTL_EXEC && (strcmp(cmd, "no debug") == 0 ||
	    strncmp(cmd, "debug ", 6) == 0)))
		return gdoi_ctl_dispatch(rt_cmds, sizeof(rt_cmds) / sizeof(rt_cmds[0]), rt,
		    type, cmd, t, err, cap, rt->rt_ops->ro_name);
	return rt->rt_ops->ro_ctl(rt->rt_arg, type, cmd, t, err, cap);
}

static void
rt_ctl_cb(struct gdoi_ev_io *w, int fd, void *arg)
{
	struct gdoi_rt *rt = arg;

	(void)w;
	gdoi_ctl_serve(fd, rt_ctl, rt);
	rt->rt_ops->ro_rearm(rt->rt_arg);
}

/*
 * Receiving: recvmmsg in batches of GDOI_UDP_BATCH, at most
 * GDOI_RT_RX_BATCHES batches per wake-up (so one busy socket cannot starve
 * the rest; the loop comes back while data is left), and the timer is
 * armed again once per wake-up, not per datagram.  The buffers are
 * allocated on first use: each slot holds a whole datagram (64 KiB), but
 * only the pages a datagram fills are ever touched.
 */
#define GDOI_RT_RX_BATCHES 4
#define GDOI_RT_RX_SLOT 65536

struct rt_rx {
	uint8_t rx_buf[GDOI_UDP_BATCH][GDOI_RT_RX_SLOT];
	struct sockaddr_storage rx_ss[GDOI_UDP_BATCH];
	struct iovec rx_iov[GDOI_UDP_BATCH];
	struct mmsghdr rx_mh[GDOI_UDP_BATCH];
};

static struct rt_rx *rt_rx;

static void
rt_udp_cb(struct gdoi_ev_io *w, int fd, void *arg)
{
	struct gdoi_rt *rt = arg;
	struct gdoi_p1_peer peer;
	struct rt_rx *x;
	unsigned i;
	int b, n;

	(void)w;
	if (rt_rx == NULL && (rt_rx = malloc(sizeof(*rt_rx))) == NULL)
		return;
	x = rt_rx;
	for (b = 0; b < GDOI_RT_RX_BATCHES; b++) {
		memset(x->rx_mh, 0, sizeof(x->rx_mh));
		for (i = 0; i < GDOI_UDP_BATCH; i++) {
			x->rx_iov[i].iov_base = x->rx_buf[i];
			x->rx_iov[i].iov_len = GDOI_RT_RX_SLOT;
			x->rx_mh[i].msg_hdr.msg_name = &x->rx_ss[i];
			x->rx_mh[i].msg_hdr.msg_namelen = sizeof(x->rx_ss[i]);
			x->rx_mh[i].msg_hdr.msg_iov = &x->rx_iov[i];
			x->rx_mh[i].msg_hdr.msg_iovlen = 1;
		}
		do
			n = recvmmsg(fd, x->rx_mh, GDOI_UDP_BATCH, MSG_DONTWAIT | MSG_TRUNC, NULL);
		while (n < 0 && errno == EINTR);
		if (n <= 0)
			break;
		for (i = 0; i < (unsigned)n; i++) {
			from_sockaddr(&x->rx_ss[i], &peer);
			if ((x->rx_mh[i].msg_hdr.msg_flags & MSG_TRUNC) ||
			    x->rx_mh[i].msg_len > GDOI_RT_RX_SLOT)
				rt->rt_ops->ro_oversize(rt->rt_arg, &peer);
			else
				rt->rt_ops->ro_datagram(rt->rt_arg, fd, &peer, x->rx_buf[i],
				    x->rx_mh[i].msg_len);
		}
		if (n < GDOI_UDP_BATCH)
			break; /* drained */
	}
	rt->rt_ops->ro_rearm(rt->rt_arg);
}

/*
 * Socket buffers for bursts (a rekey's ACKs from every member at once):
 * GDOI_RT_SOCKBUF, past net.core.[rw]mem_max when we may (CAP_NET_ADMIN),
 * else as much as the sysctl allows.
 */
#define GDOI_RT_SOCKBUF (4 << 20)

static void
rt_sockbuf(int fd)
{
	int v = GDOI_RT_SOCKBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
}

int
gdoi_rt_init(struct gdoi_rt *rt, const struct gdoi_rt_ops *ops, void *arg)
{
	static const int sigs[3] = { SIGTERM, SIGINT, SIGHUP };
	size_t i;

	memset(rt, 0, sizeof(*rt));
	rt->rt_ops = ops;
	rt->rt_arg = arg;
	rt->rt_ctl_fd = -1;
	rt->rt_loop = gdoi_ev_default();
	if (rt->rt_loop == NULL)
		return -1;
	rt->rt_timer = gdoi_ev_timer_new(rt->rt_loop, rt_timer_cb, rt);
	if (rt->rt_timer == NULL)
		return -1;
	for (i = 0; i < 3; i++)
		if ((rt->rt_sig[i] = gdoi_ev_signal_new(rt->rt_loop, sigs[i], rt_signal_cb, rt)) == NULL)
			return -1;
	return 0;
}

int
gdoi_rt_open(struct gdoi_rt *rt, const struct gdoi_daemon_opts *o, const struct gdoi_conf *c,
    const char *dflt_ctl)
{
	const char *ctl = o->o_ctl != NULL ? o->o_ctl : c->c_ctl_socket != NULL ?
	    c->c_ctl_socket : dflt_ctl;
	const struct group *gr;

	if (gdoi_daemon_keylog(o->o_keylog, c->c_keylog, &rt->rt_keylog) < 0)
		return -1;
	rt->rt_ctl_path = strdup(ctl);
	rt->rt_ctl_fd = gdoi_ctl_listen(ctl);
	if (rt->rt_ctl_path == NULL || rt->rt_ctl_fd < 0) {
		gdoi_log("GDOI", GDOI_LOG_ERR, "CONTROL", "cannot listen on %s: %s", ctl,
		    strerror(rt->rt_ctl_fd < 0 ? -rt->rt_ctl_fd : ENOMEM));
		return -1;
	}
	/* mode 0660 (ctl.c): root, and the configured group when there is one */
	if (c->c_ctl_group != NULL &&
	    ((gr = getgrnam(c->c_ctl_group)) == NULL || chown(ctl, (uid_t)-1, gr->gr_gid) != 0)) {
		gdoi_log("GDOI", GDOI_LOG_ERR, "CONTROL", "%s: cannot give it to group %s: %s", ctl,
		    c->c_ctl_group, gr == NULL ? "no such group" : strerror(errno));
		return -1;
	}
	rt->rt_ctl_io = gdoi_ev_io_new(rt->rt_loop, rt->rt_ctl_fd, rt_ctl_cb, rt);
	return rt->rt_ctl_io != NULL ? 0 : -1;
}

int
gdoi_rt_udp(struct gdoi_rt *rt, uint8_t af, const uint8_t *addr, uint16_t port)
{
	int fd;

	if (rt->rt_nudp == GDOI_RT_MAX_UDP)
		return -ENOSPC;
	fd = gdoi_udp_bind(af, addr, port);
	if (fd < 0)
		return fd;
	rt_sockbuf(fd);
	rt->rt_udp_io[rt->rt_nudp] = gdoi_ev_io_new(rt->rt_loop, fd, rt_udp_cb, rt);
	if (rt->rt_udp_io[rt->rt_nudp] == NULL) {
		close(fd);
		return -ENOMEM;
	}
	rt->rt_udp[rt->rt_nudp] = fd;
	rt->rt_udp_af[rt->rt_nudp] = af;
	rt->rt_nudp++;
	return fd;
}

int
gdoi_rt_listen(struct gdoi_rt *rt, const struct gdoi_conf *c)
{
	static const uint8_t any[16];
	uint16_t port = c->c_port != 0 ? c->c_port : 848;
	char a[64];
	size_t i;
	int fd;

	if (c->c_nlisten == 0) {
		fd = gdoi_rt_udp(rt, 4, any, port);
		if (fd < 0) {
			gdoi_log("GDOI", GDOI_LOG_ERR, "SOCKET", "cannot bind 0.0.0.0 port %u: %s",
			    port, strerror(-fd));
			return -1;
		}
		fd = gdoi_rt_udp(rt, 6, any, port);
		if (fd < 0)
			gdoi_debug("sock", "no IPv6 socket: %s", strerror(-fd));
		return 0;
	}
	for (i = 0; i < c->c_nlisten; i++) {
		fd = gdoi_rt_udp(rt, c->c_listen[i].la_af, c->c_listen[i].la_addr, port);
		if (fd < 0) {
			gdoi_log("GDOI", GDOI_LOG_ERR, "SOCKET", "cannot bind %s port %u: %s",
			    gdoi_addr_str(c->c_listen[i].la_addr, c->c_listen[i].la_af, a, sizeof(a)),
			    port, strerror(-fd));
			return -1;
		}
	}
	return 0;
}

int
gdoi_rt_udp_fd(const struct gdoi_rt *rt, uint8_t af)
{
	size_t i;

	for (i = 0; i < rt->rt_nudp; i++)
		if (rt->rt_udp_af[i] == af)
			return rt->rt_udp[i];
	return -1;
}

void
gdoi_rt_timer_at(struct gdoi_rt *rt, uint64_t at_ms)
{
	gdoi_ev_timer_at(rt->rt_timer, at_ms);
}

uint64_t
gdoi_rt_now(const struct gdoi_rt *rt)
{
	return gdoi_ev_now_ms(rt->rt_loop);
}

void
gdoi_rt_free(struct gdoi_rt *rt)
{
	size_t i;

	for (i = 0; i < rt->rt_nudp; i++) {
		gdoi_ev_io_free(rt->rt_udp_io[i]);
		close(rt->rt_udp[i]);
	}
	gdoi_ev_io_free(rt->rt_ctl_io);
	if (rt->rt_ctl_fd >= 0) {
		close(rt->rt_ctl_fd);
		if (rt->rt_ctl_path != NULL)
			(void)unlink(rt->rt_ctl_path);
	}
	free(rt->rt_ctl_path);
	gdoi_ev_timer_free(rt->rt_timer);
	for (i = 0; i < 3; i++)
		gdoi_ev_signal_free(rt->rt_sig[i]);
	gdoi_keylog_close(rt->rt_keylog);
	free(rt_rx);
	rt_rx = NULL;
	memset(rt, 0, sizeof(*rt));
	rt->rt_ctl_fd = -1;
}

int
gdoi_rt_run(struct gdoi_rt *rt, const char *prog, const struct gdoi_daemon_opts *o,
    const char *conf_pid)
{
	const char *p = o->o_pid != NULL ? o->o_pid : conf_pid;
	char *pid = p != NULL ? strdup(p) : NULL;
	int rc;

	if (pid != NULL && (rc = gdoi_pidfile_write(pid)) < 0) {
		gdoi_log("GDOI", GDOI_LOG_ERR, "START_FAILED", "%s: pid file %s: %s", prog, pid,
		    strerror(-rc));
		free(pid);
		return 1;
	}
	gdoi_log("CRYPTO", GDOI_LOG_INFO, "GDOI_ON_OFF", "GDOI is ON");
	gdoi_daemon_ready();
	if (rt->rt_ops->ro_start != NULL)
		rt->rt_ops->ro_start(rt->rt_arg);
	rt->rt_ops->ro_rearm(rt->rt_arg);
	gdoi_ev_run(rt->rt_loop);
	gdoi_log("CRYPTO", GDOI_LOG_INFO, "GDOI_ON_OFF", "GDOI is OFF");
	gdoi_pidfile_remove(pid);
	free(pid);
	return 0;
}
