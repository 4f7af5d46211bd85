/*
 * gdoi-mkpcap: write the sample messages (samples.h) as a capture file.
 *
 *   gdoi-mkpcap -w FILE.pcap [-m MANIFEST] [-D DIR]
 *
 * Every sample becomes one Ethernet/IPv4/UDP frame from 192.0.2.1:848 to
 * 192.0.2.2:848 (RFC 5737 documentation addresses, locally administered
 * MACs: the file is for dissectors and decoders, nothing is sent).  The IPv4
 * and UDP checksums are correct and the timestamps are fixed, so the output
 * is byte-for-byte the same on every run.
 *
 *   -w FILE   the capture (libpcap format, LINKTYPE_ETHERNET); "-" = stdout
 *   -m FILE   the manifest of the values the samples carry; "-" = stdout
 *   -D DIR    also write each message as DIR/<name>.bin (fuzz seeds);
 *             DIR is created when missing
 *
 * At least one of the three is required.  Exit status: 0 on success, 1 on
 * any failure, 2 on a usage error.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "gdoi/buf.h"
#include "gdoi/err.h"
#include "gdoi/wire.h"
#include "samples.h"

#define PROG "gdoi-mkpcap"

#define ETH_HDR_LEN 14
#define IP4_HDR_LEN 20
#define UDP_HDR_LEN 8
#define FRAME_HDR_LEN (ETH_HDR_LEN + IP4_HDR_LEN + UDP_HDR_LEN)
#define IP4_MAX_LEN 65535
#define SNAPLEN 65535

/* 2025-01-01T00:00:00Z; frame i is stamped i seconds later. */
#define TS_BASE 1735689600

static const uint8_t mac_src[6] = { 0x02, 0x00, 0x00, 0x00, 0x02, 0x01 };
static const uint8_t mac_dst[6] = { 0x02, 0x00, 0x00, 0x00, 0x02, 0x02 };
static const uint8_t ip_src[4] = { 192, 0, 2, 1 };
static const uint8_t ip_dst[4] = { 192, 0, 2, 2 };

static void usage(FILE *f)
{
	fprintf(f,
	    "usage: " PROG " -w FILE.pcap [-m MANIFEST] [-D DIR]\n"
	    "  -w FILE  write every sample message as one UDP/848 frame (\"-\" = stdout)\n"
	    "  -m FILE  write the manifest of the sample values (\"-\" = stdout)\n"
	    "  -D DIR   write each message as DIR/<name>.bin\n"
	    "At least one output is required.\n");
}

/* One's complement sum of n bytes, added to sum (RFC 1071). */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * Build the frame for message msg (len octets) into a new buffer.
 * Returns NULL (errno set) when out of memory or the message does not fit
 * in one IPv4 datagram.
 */
static uint8_t *make_frame(const uint8_t *msg, size_t len, uint16_t ip_id, size_t *frame_len)
{
	size_t ip_len = IP4_HDR_LEN + UDP_HDR_LEN + len;
	size_t udp_len = UDP_HDR_LEN + len;
	uint8_t *f, *ip, *udp;
	uint8_t pseudo[12];
	uint32_t sum;
	uint16_t ck;

	if (ip_len > IP4_MAX_LEN) {
		errno = EMSGSIZE;
		return NULL;
	}
	f = calloc(1, FRAME_HDR_LEN + len);
	if (f == NULL)
		return NULL;

	memcpy(f, mac_dst, 6);
	memcpy(f + 6, mac_src, 6);
	gdoi_put16(f + 12, 0x0800); /* IPv4 */

	ip = f + ETH_HDR_LEN;
	ip[0] = 0x45;               /* version 4, 5 words */
	ip[1] = 0;                  /* DSCP/ECN */
	gdoi_put16(ip + 2, (uint16_t)ip_len);
	gdoi_put16(ip + 4, ip_id);
	gdoi_put16(ip + 6, 0);      /* no fragmentation flags/offset */
	ip[8] = 64;                 /* TTL */
	ip[9] = 17;                 /* UDP */
	memcpy(ip + 12, ip_src, 4);
	memcpy(ip + 16, ip_dst, 4);
	gdoi_put16(ip + 10, csum_fold(csum_add(0, ip, IP4_HDR_LEN)));

	udp = ip + IP4_HDR_LEN;
	gdoi_put16(udp, GDOI_UDP_PORT);
	gdoi_put16(udp + 2, GDOI_UDP_PORT);
	gdoi_put16(udp + 4, (uint16_t)udp_len);
	memcpy(udp + UDP_HDR_LEN, msg, len);

	memcpy(pseudo, ip_src, 4);
	memcpy(pseudo + 4, ip_dst, 4);
	pseudo[8] = 0;
	pseudo[9] = 17;
	gdoi_put16(pseudo + 10, (uint16_t)udp_len);
	sum = csum_add(0, pseudo, sizeof(pseudo));
	sum = csum_add(sum, udp, udp_len);
	ck = csum_fold(sum);
	gdoi_put16(udp + 6, ck == 0 ? 0xffff : ck); /* 0 means "no checksum" */

	*frame_len = FRAME_HDR_LEN + len;
	return f;
}

static int write_file(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fwrite(p, 1, n, f) != n || fflush(f) != 0) {
		fprintf(stderr, PROG ": %s: write failed: %s\n", path, strerror(errno));
		fclose(f);
		return -1;
	}
	if (fclose(f) != 0) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int write_manifest(const char *path)
{
	int to_stdout = strcmp(path, "-") == 0;
	FILE *f = to_stdout ? stdout : fopen(path, "w");

	if (f == NULL) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return -1;
	}
	gdoi_samples_manifest(f);
	if (fflush(f) != 0 || ferror(f)) {
		fprintf(stderr, PROG ": %s: write failed: %s\n", path, strerror(errno));
		if (!to_stdout)
			fclose(f);
		return -1;
	}
	if (!to_stdout && fclose(f) != 0) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int make_dir(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0777) == 0)
		return 0;
	if (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	fprintf(stderr, PROG ": %s: %s\n", dir, errno == EEXIST ? "not a directory" : strerror(errno));
	return -1;
}

int main(int argc, char **argv)
{
	const char *pcap_path = NULL, *manifest_path = NULL, *dir = NULL;
	pcap_t *pd = NULL;
	pcap_dumper_t *dumper = NULL;
	char *path = NULL;
	size_t i, n;
	int ch, status = 1, created = 0;
	struct stat st;

	while ((ch = getopt(argc, argv, "w:m:D:h")) != -1) {
		switch (ch) {
		case 'w':
			pcap_path = optarg;
			break;
		case 'm':
			manifest_path = optarg;
			break;
		case 'D':
			dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || (pcap_path == NULL && manifest_path == NULL && dir == NULL)) {
		usage(stderr);
		return 2;
	}
	if (pcap_path != NULL && manifest_path != NULL && strcmp(pcap_path, "-") == 0 &&
	    strcmp(manifest_path, "-") == 0) {
		fprintf(stderr, PROG ": -w and -m cannot both write to stdout\n");
		return 2;
	}

	if (pcap_path != NULL) {
		pd = pcap_open_dead(DLT_EN10MB, SNAPLEN);
		if (pd == NULL) {
			fprintf(stderr, PROG ": pcap_open_dead failed\n");
			goto out;
		}
		dumper = pcap_dump_open(pd, pcap_path);
		if (dumper == NULL) {
			fprintf(stderr, PROG ": cannot create the capture: %s\n", pcap_geterr(pd));
			goto out;
		}
		/* Only a regular file is removed again on failure (never a
		 * device or a pipe). */
		created = strcmp(pcap_path, "-") != 0 &&
		    fstat(fileno(pcap_dump_file(dumper)), &st) == 0 && S_ISREG(st.st_mode);
	}
	if (dir != NULL && make_dir(dir) != 0)
		goto out;

	n = gdoi_samples_count();
	for (i = 0; i < n; i++) {
		const char *name = gdoi_sample_name(i);
		struct gdoi_wr w;
		int rc;

		gdoi_wr_init(&w, 0);
		rc = gdoi_sample_build(i, &w);
		if (rc != GDOI_OK) {
			fprintf(stderr, PROG ": sample %s: encoding failed: %s (%s)\n", name,
			    gdoi_strerror(rc), gdoi_errname(rc));
			gdoi_wr_free(&w);
			goto out;
		}
		if (dumper != NULL) {
			struct pcap_pkthdr ph;
			size_t flen;
			uint8_t *frame;

			frame = make_frame(gdoi_wr_data(&w), gdoi_wr_len(&w), (uint16_t)(i + 1), &flen);
			if (frame == NULL) {
				fprintf(stderr, PROG ": sample %s (%zu octets): %s\n", name,
				    gdoi_wr_len(&w), strerror(errno));
				gdoi_wr_free(&w);
				goto out;
			}
			memset(&ph, 0, sizeof(ph));
			ph.ts.tv_sec = TS_BASE + (long)i;
			ph.ts.tv_usec = 0;
			ph.caplen = (bpf_u_int32)flen;
			ph.len = (bpf_u_int32)flen;
			pcap_dump((u_char *)dumper, &ph, frame);
			free(frame);
		}
		if (dir != NULL) {
			size_t plen = strlen(dir) + strlen(name) + sizeof("/.bin");

			free(path);
			path = malloc(plen);
			if (path == NULL) {
				fprintf(stderr, PROG ": out of memory\n");
				gdoi_wr_free(&w);
				goto out;
			}
			snprintf(path, plen, "%s/%s.bin", dir, name);
			if (write_file(path, gdoi_wr_data(&w), gdoi_wr_len(&w)) != 0) {
				gdoi_wr_free(&w);
				goto out;
			}
		}
		gdoi_wr_free(&w);
	}

	if (dumper != NULL) {
		if (pcap_dump_flush(dumper) != 0) {
			fprintf(stderr, PROG ": %s: write failed: %s\n", pcap_path, strerror(errno));
			goto out;
		}
		pcap_dump_close(dumper);
		dumper = NULL;
	}
	if (manifest_path != NULL && write_manifest(manifest_path) != 0)
		goto out;
	status = 0;
out:
	free(path);
	if (dumper != NULL)
		pcap_dump_close(dumper);
	if (pd != NULL)
		pcap_close(pd);
	if (status != 0 && created)
		unlink(pcap_path); /* leave no half-written capture behind */
	return status;
}
