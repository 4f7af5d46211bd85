/*
 * gdoictl: ask a running gdoi-gm or gdoi-ks over its control socket and
 * print the reply (see gdoictl(8)).
 *
 * Exit status: 0 success, 1 the daemon answered with an error (or the
 * reply was bad, late, or could not be written), 2 no connection to the
 * control socket, 64 usage error.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gdoi/ctl.h"
#include "gdoi/err.h"
#include "gdoi/tree.h"

#define EXIT_REPLY 1
#define EXIT_CONNECT 2
#define EXIT_USAGE 64

#define CTL_ENV "GDOI_CTL_SOCKET"
/* The daemons put their sockets here whatever the configured runstatedir. */
#define CTL_DIR "/run/gdoi"
#define DEFAULT_TIMEOUT_MS 10000u
#define MAX_TIMEOUT_MS 3600000u

static const char *prog = "gdoictl";

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: %s [-s SOCKET] [-f text|keyvalue|json|xml] [-t TIMEOUT_MS] COMMAND...\n"
	    "commands:\n"
	    "  show crypto gdoi [ks [members|policy] | gm [rekey detail|dataplane]]\n"
	    "  clear crypto gdoi\n"
	    "  crypto gdoi ks rekey [group NAME]\n"
	    "  debug TOKENS | no debug | undebug all\n"
	    "  reload\n"
	    "options:\n"
	    "  -s, --socket SOCKET    control socket (default $" CTL_ENV ", else\n"
	    "                         " CTL_DIR "/gm.sock, then " CTL_DIR "/ks.sock)\n"
	    "  -f, --format FORMAT    text (default), keyvalue, json or xml\n"
	    "      --keyvalue, --json, --xml   the same as -f FORMAT\n"
	    "  -t, --timeout MS       wait at most MS milliseconds for the reply (default %u)\n"
	    "  -h, --help             this text\n"
	    "  -V, --version          the version\n",
	    prog, DEFAULT_TIMEOUT_MS);
}

/* "gdoictl: msg 'arg'" (or just msg), the usage line, exit 64. */
static void
usage_error(const char *msg, const char *arg)
{
	if (arg != NULL)
		fprintf(stderr, "%s: %s '%s'\n", prog, msg, arg);
	else
		fprintf(stderr, "%s: %s\n", prog, msg);
	fprintf(stderr,
	    "usage: %s [-s SOCKET] [-f text|keyvalue|json|xml] [-t TIMEOUT_MS] COMMAND...\n",
	    prog);
	exit(EXIT_USAGE);
}

static int
word_is(char **w, int n, int i, const char *s)
{
	return i < n && strcmp(w[i], s) == 0;
}

/* The words after "show" that the daemons answer (the request body). */
static const char *const show_cmds[] = {
	"crypto gdoi",
	"crypto gdoi gm",
	"crypto gdoi gm rekey detail",
	"crypto gdoi gm dataplane",
	"crypto gdoi ks",
	"crypto gdoi ks members",
	"crypto gdoi ks policy",
};

/* Are w[0..n) the words of s, one space apart? */
static int
words_are(char **w, int n, const char *s)
{
	size_t len;
	int i;

	for (i = 0; i < n; i++) {
		len = strlen(w[i]);
		if (len == 0 || strncmp(s, w[i], len) != 0 || strchr(w[i], ' ') != NULL)
			return 0;
		s += len;
		if (*s == ' ' && i + 1 < n)
			s++;
		else if (*s != '\0' || i + 1 < n)
			return 0;
	}
	return n > 0 && *s == '\0';
}

/*
 * The request for the command words: its type, and its body in buf.
 * 0, or -1 for a command we do not know.
 */
static int
parse_command(char **w, int n, uint8_t *type, char *buf, size_t cap)
{
	size_t k;

	if (word_is(w, n, 0, "show")) {
		for (k = 0; k < sizeof(show_cmds) / sizeof(show_cmds[0]); k++)
			if (words_are(w + 1, n - 1, show_cmds[k]))
				break;
		if (k == sizeof(show_cmds) / sizeof(show_cmds[0]))
			return -1;
		snprintf(buf, cap, "%s", show_cmds[k]);
		*type = GDOI_CTL_SHOW;
		return 0;
	}
	if (word_is(w, n, 0, "clear") && n == 3 && word_is(w, n, 1, "crypto") &&
	    word_is(w, n, 2, "gdoi")) {
		snprintf(buf, cap, "crypto gdoi");
		*type = GDOI_CTL_CLEAR;
		return 0;
	}
	/* crypto gdoi ks rekey [group NAME] (IOS's exec command) */
	if (word_is(w, n, 0, "crypto") && word_is(w, n, 1, "gdoi") && word_is(w, n, 2, "ks") &&
	    word_is(w, n, 3, "rekey") && (n == 4 || (n == 6 && word_is(w, n, 4, "group")))) {
		if (n == 6)
			snprintf(buf, cap, "crypto gdoi ks rekey group %s", w[5]);
		else
			snprintf(buf, cap, "crypto gdoi ks rekey");
		*type = GDOI_CTL_EXEC;
		return 0;
	}
	/* debug TOKENS | no debug | undebug all */
	if (word_is(w, n, 0, "debug") && n == 2) {
		snprintf(buf, cap, "debug %s", w[1]);
		*type = GDOI_CTL_EXEC;
		return 0;
	}
	if ((word_is(w, n, 0, "no") && word_is(w, n, 1, "debug") && n == 2) ||
	    (word_is(w, n, 0, "undebug") && word_is(w, n, 1, "all") && n == 2)) {
		snprintf(buf, cap, "no debug");
		*type = GDOI_CTL_EXEC;
		return 0;
	}
	if (word_is(w, n, 0, "reload") && n == 1) {
		buf[0] = '\0';
		*type = GDOI_CTL_RELOAD;
		return 0;
	}
	return -1;
}

/*
 * Connect to the socket given, or to the first default one that answers.
 * Returns the fd (the path in *used); on failure prints the error and
 * exits.
 */
static int
connect_socket(const char *path, const char **used)
{
	static const char *const defaults[] = { CTL_DIR "/gm.sock", CTL_DIR "/ks.sock" };
	const char *report = NULL;
	int fd, err = 0;
	size_t i;

	if (path == NULL) {
		path = getenv(CTL_ENV);
		if (path != NULL && *path == '\0')
			path = NULL;
	}
	if (path != NULL) {
		*used = path;
		if ((fd = gdoi_ctl_connect(path)) >= 0)
			return fd;
		fprintf(stderr, "%s: cannot connect to %s: %s\n", prog, path, strerror(-fd));
		exit(EXIT_CONNECT);
	}
	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		*used = defaults[i];
		if ((fd = gdoi_ctl_connect(defaults[i])) >= 0)
			return fd;
		/* Report the most telling failure: "no such file" only if all say so. */
		if (report == NULL || (err == ENOENT && -fd != ENOENT)) {
			report = defaults[i];
			err = -fd;
		}
	}
	fprintf(stderr, "%s: cannot connect to %s: %s\n", prog, report, strerror(err));
	exit(EXIT_CONNECT);
}

/* A daemon's error message, without trailing newlines or control characters. */
static void
print_error(const uint8_t *msg, size_t len)
{
	size_t i;

	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
		len--;
	fprintf(stderr, "%s: ", prog);
	for (i = 0; i < len; i++)
		fputc(msg[i] < 0x20 || msg[i] == 0x7f ? '?' : msg[i], stderr);
	if (len == 0)
		fputs("the daemon reported an error", stderr);
	fputc('\n', stderr);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'J' },
		{ "xml", no_argument, NULL, 'X' },
		{ "keyvalue", no_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = NULL, *used = NULL;
	unsigned long timeout = DEFAULT_TIMEOUT_MS;
	struct gdoi_tree *t = NULL;
	char req[128], *end;
	uint8_t type, rtype, *body = NULL;
	size_t blen;
	int fmt = GDOI_FMT_TEXT, c, fd, rc;

	/* '+': stop at the first command word. */
	while ((c = getopt_long(argc, argv, "+s:f:t:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (*optarg == '\0')
				usage_error("empty socket path", NULL);
			sock = optarg;
			break;
		case 'f':
			if ((fmt = gdoi_fmt_parse(optarg)) < 0)
				usage_error("unknown output format", optarg);
			break;
		case 'J':
			fmt = GDOI_FMT_JSON;
			break;
		case 'X':
			fmt = GDOI_FMT_XML;
			break;
		case 'K':
			fmt = GDOI_FMT_KEYVALUE;
			break;
		case 't':
			errno = 0;
			timeout = strtoul(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' || *optarg == '-' ||
			    timeout == 0 || timeout > MAX_TIMEOUT_MS)
				usage_error("bad timeout (milliseconds, 1 to 3600000)", optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("%s %s\n", prog, PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		usage_error("no command", NULL);
	if (parse_command(argv + optind, argc - optind, &type, req, sizeof(req)) != 0) {
		size_t off = 0;
		int i;

		for (i = optind; i < argc && off < sizeof(req); i++)
			off += (size_t)snprintf(req + off, sizeof(req) - off, "%s%s",
			    i > optind ? " " : "", argv[i]);
		usage_error("unknown command", req);
	}

	fd = connect_socket(sock, &used);
	rc = gdoi_ctl_send(fd, type, req, strlen(req));
	if (rc == GDOI_OK)
		rc = gdoi_ctl_recv(fd, (unsigned)timeout, &rtype, &body, &blen);
	close(fd);
	if (rc == -ETIMEDOUT) {
		fprintf(stderr, "%s: no reply from %s within %lu ms\n", prog, used, timeout);
		return EXIT_REPLY;
	}
	if (rc != GDOI_OK) {
		fprintf(stderr, "%s: %s: %s\n", prog, used, gdoi_ctl_strerror(rc));
		return EXIT_REPLY;
	}
	if (rtype == GDOI_CTL_ERROR) {
		print_error(body, blen);
		free(body);
		return EXIT_REPLY;
	}
	if (rtype != GDOI_CTL_OK) {
		fprintf(stderr, "%s: %s: unexpected reply type %u\n", prog, used, rtype);
		free(body);
		return EXIT_REPLY;
	}
	rc = gdoi_tree_decode(body, blen, &t);
	free(body);
	if (rc != GDOI_OK) {
		fprintf(stderr, "%s: malformed reply from %s: %s\n", prog, used,
		    gdoi_strerror(rc));
		return EXIT_REPLY;
	}
	rc = gdoi_tree_write(t, (enum gdoi_fmt)fmt, stdout);
	gdoi_tree_free(t);
	if (rc != GDOI_OK || fclose(stdout) != 0) {
		fprintf(stderr, "%s: cannot write the output: %s\n", prog,
		    rc != GDOI_OK && rc != GDOI_E_INVAL ? gdoi_strerror(rc) : strerror(errno));
		return EXIT_REPLY;
	}
	return 0;
}
