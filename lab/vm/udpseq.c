/*
 * udpseq: numbered UDP datagrams at a fixed rate, and a receiver that
 * reports which ones were lost and when they were sent.  For the VM lab
 * (lab/vm/gdoi-lab.sh): traffic across the group ESP SAs during rekeys.
 *
 *   udpseq send DST PORT RATE SECONDS
 *       sends RATE datagrams per second for SECONDS seconds to DST:PORT,
 *       datagram k (0-based) at start + k / RATE on CLOCK_MONOTONIC.  Each
 *       carries "UDPSEQ k t0_us interval_us" (t0: CLOCK_REALTIME of
 *       datagram 0), padded to 100 octets.  Prints "udpseq-send: sent=N
 *       errors=E t0=T" (E: sendto failures, e.g. no SA yet) and the
 *       failed sequence numbers as "SENDERR k".
 *   udpseq now
 *       prints CLOCK_REALTIME as seconds with 3 decimals (busybox date
 *       has no %N).
 *   udpseq recv PORT SECONDS EXPECTED
 *       receives for SECONDS seconds (then stops), and prints
 *       "LOST first last count t_first t_last" for every run of missing
 *       numbers below EXPECTED (times: CLOCK_REALTIME seconds at which the
 *       sender sent them), then "udpseq-recv: expected=X received=R
 *       lost=L dup=D reordered=O t0=T".
 * Exit status: 0, or 1 on a usage or socket error (loss is not an error
 * here: the caller judges it).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXSEQ 1000000u

static uint64_t
now_us(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int
do_send(const char *dst, int port, unsigned rate, unsigned secs)
{
	struct sockaddr_in sa;
	struct timespec next;
	char buf[100];
	uint64_t t0, ival_us, n = (uint64_t)rate * secs, errs = 0, k;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, dst, &sa.sin_addr) != 1 || rate == 0 || n > MAXSEQ) {
		fprintf(stderr, "udpseq: bad address, rate or count\n");
		return 1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("udpseq: socket");
		return 1;
	}
	ival_us = 1000000u / rate;
	t0 = now_us(CLOCK_REALTIME);
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (k = 0; k < n; k++) {
		memset(buf, ' ', sizeof(buf));
		snprintf(buf, sizeof(buf), "UDPSEQ %llu %llu %llu", (unsigned long long)k,
			 (unsigned long long)t0, (unsigned long long)ival_us);
		if (sendto(fd, buf, sizeof(buf), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			errs++;
			printf("SENDERR %llu %s\n", (unsigned long long)k, strerror(errno));
		}
		next.tv_nsec += (long)ival_us * 1000;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
	}
	printf("udpseq-send: sent=%llu errors=%llu t0=%.3f\n", (unsigned long long)n,
	       (unsigned long long)errs, t0 / 1e6);
	close(fd);
	return 0;
}

static int
do_recv(int port, unsigned secs, unsigned long expected)
{
	struct sockaddr_in sa;
	unsigned char *seen;
	char buf[256];
	uint64_t end, t0 = 0, ival = 0, last = 0, got = 0, dup = 0, reord = 0, lost = 0;
	unsigned long k;
	int fd, have = 0;

	if (expected > MAXSEQ || (seen = calloc(MAXSEQ, 1)) == NULL) {
		fprintf(stderr, "udpseq: bad count\n");
		return 1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("udpseq: socket/bind");
		return 1;
	}
	end = now_us(CLOCK_MONOTONIC) + (uint64_t)secs * 1000000u;
	for (;;) {
		uint64_t now = now_us(CLOCK_MONOTONIC);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		unsigned long long s, a, b;
		ssize_t r;

		if (now >= end)
			break;
		if (poll(&p, 1, (int)((end - now) / 1000u) + 1) <= 0)
			continue;
		r = recv(fd, buf, sizeof(buf) - 1, 0);
		if (r <= 0)
			continue;
		buf[r] = '\0';
		if (sscanf(buf, "UDPSEQ %llu %llu %llu", &s, &a, &b) != 3 || s >= MAXSEQ)
			continue;
		t0 = a;
		ival = b;
		if (seen[s]) {
			dup++;
			continue;
		}
		seen[s] = 1;
		got++;
		if (have && s < last)
			reord++;
		if (!have || s > last)
			last = s;
		have = 1;
	}
	for (k = 0; k < expected; k++) {
		unsigned long f;

		if (seen[k])
			continue;
		f = k;
		while (k + 1 < expected && !seen[k + 1])
			k++;
		lost += k - f + 1;
		printf("LOST %lu %lu %lu %.3f %.3f\n", f, k, k - f + 1,
		       (t0 + f * ival) / 1e6, (t0 + k * ival) / 1e6);
	}
	printf("udpseq-recv: expected=%lu received=%llu lost=%llu dup=%llu reordered=%llu t0=%.3f\n",
	       expected, (unsigned long long)got, (unsigned long long)lost,
	       (unsigned long long)dup, (unsigned long long)reord, t0 / 1e6);
	free(seen);
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && strcmp(argv[1], "now") == 0) {
		printf("%.3f\n", now_us(CLOCK_REALTIME) / 1e6);
		return 0;
	}
	if (argc == 6 && strcmp(argv[1], "send") == 0)
		return do_send(argv[2], atoi(argv[3]), (unsigned)strtoul(argv[4], NULL, 10),
			       (unsigned)strtoul(argv[5], NULL, 10));
	if (argc == 5 && strcmp(argv[1], "recv") == 0)
		return do_recv(atoi(argv[2]), (unsigned)strtoul(argv[3], NULL, 10),
			       strtoul(argv[4], NULL, 10));
	fprintf(stderr, "usage: udpseq send DST PORT RATE SECONDS | recv PORT SECONDS EXPECTED | now\n");
	return 1;
}
