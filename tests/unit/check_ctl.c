/*
 * Control socket: the frame header, send/recv over a socketpair (short
 * reads, bad headers, the peer closing, timeouts), the listening socket
 * (mode, flags, stale and live sockets), one request answered by a server
 * thread, and the built gdoictl itself against that server.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gdoi/ctl.h"
#include "gdoi/err.h"
#include "gdoi/tree.h"

static char dir[64];
static char sock[128];

static void
setup(void)
{
	strcpy(dir, "/tmp/gdoi-ctl-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* One level that does not exist yet: gdoi_ctl_listen() makes it. */
	snprintf(sock, sizeof(sock), "%s/run/ctl.sock", dir);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

START_TEST(header)
{
	uint8_t h[GDOI_CTL_HDR], type;
	uint32_t len;

	gdoi_ctl_hdr_encode(h, GDOI_CTL_SHOW, 0x01020304);
	ck_assert_mem_eq(h, "\x01\x01\x00\x00\x01\x02\x03\x04", GDOI_CTL_HDR);
	gdoi_ctl_hdr_encode(h, GDOI_CTL_OK, GDOI_CTL_MAX);
	ck_assert_int_eq(gdoi_ctl_hdr_decode(h, &type, &len), GDOI_OK);
	ck_assert_uint_eq(type, GDOI_CTL_OK);
	ck_assert_uint_eq(len, GDOI_CTL_MAX);
	/* Reserved bytes are ignored. */
	h[2] = 0xff;
	ck_assert_int_eq(gdoi_ctl_hdr_decode(h, &type, &len), GDOI_OK);
	/* One byte over the maximum. */
	gdoi_ctl_hdr_encode(h, GDOI_CTL_OK, GDOI_CTL_MAX + 1);
	ck_assert_int_eq(gdoi_ctl_hdr_decode(h, &type, &len), GDOI_E_LENGTH);
	gdoi_ctl_hdr_encode(h, GDOI_CTL_OK, 0xffffffffu);
	ck_assert_int_eq(gdoi_ctl_hdr_decode(h, &type, &len), GDOI_E_LENGTH);
	/* Other versions. */
	gdoi_ctl_hdr_encode(h, GDOI_CTL_OK, 3);
	h[0] = 0;
	ck_assert_int_eq(gdoi_ctl_hdr_decode(h, &type, &len), GDOI_E_VERSION);
	h[0] = 2;
	ck_assert_int_eq(gdoi_ctl_hdr_decode(h, &type, &len), GDOI_E_VERSION);
}
END_TEST

START_TEST(send_recv_pair)
{
	uint8_t type, *body;
	size_t len;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(gdoi_ctl_send(sv[0], GDOI_CTL_SHOW, "crypto gdoi", 11), GDOI_OK);
	ck_assert_int_eq(gdoi_ctl_send(sv[0], GDOI_CTL_RELOAD, NULL, 0), GDOI_OK);
	ck_assert_int_eq(gdoi_ctl_recv(sv[1], 1000, &type, &body, &len), GDOI_OK);
	ck_assert_uint_eq(type, GDOI_CTL_SHOW);
	ck_assert_uint_eq(len, 11);
	ck_assert_str_eq((char *)body, "crypto gdoi");	/* NUL-terminated */
	free(body);
	ck_assert_int_eq(gdoi_ctl_recv(sv[1], 1000, &type, &body, &len), GDOI_OK);
	ck_assert_uint_eq(type, GDOI_CTL_RELOAD);
	ck_assert_uint_eq(len, 0);
	ck_assert_ptr_nonnull(body);
	free(body);
	/* Bodies over the maximum are refused before anything is sent. */
	ck_assert_int_eq(gdoi_ctl_send(sv[0], GDOI_CTL_OK, "x", GDOI_CTL_MAX + 1),
	    GDOI_E_TOOBIG);
	ck_assert_int_eq(gdoi_ctl_send(sv[0], GDOI_CTL_OK, NULL, 1), GDOI_E_INVAL);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* Bytes arriving in pieces, and headers that are refused. */
START_TEST(recv_pieces_and_bad_frames)
{
	uint8_t h[GDOI_CTL_HDR], type, *body = (uint8_t *)1;
	size_t len = 7;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	if (fork() == 0) {
		gdoi_ctl_hdr_encode(h, GDOI_CTL_OK, 3);
		if (write(sv[0], h, 5) != 5)
			_exit(1);
		usleep(50000);
		if (write(sv[0], h + 5, 3) != 3)
			_exit(1);
		usleep(50000);
		if (write(sv[0], "ab", 2) != 2)
			_exit(1);
		usleep(50000);
		_exit(write(sv[0], "c", 1) == 1 ? 0 : 1);
	}
	ck_assert_int_eq(gdoi_ctl_recv(sv[1], 2000, &type, &body, &len), GDOI_OK);
	ck_assert_uint_eq(len, 3);
	ck_assert_mem_eq(body, "abc", 3);
	free(body);
	wait(NULL);

	/* A bad version. */
	gdoi_ctl_hdr_encode(h, GDOI_CTL_OK, 0);
	h[0] = 9;
	ck_assert_int_eq(write(sv[0], h, sizeof(h)), (ssize_t)sizeof(h));
	ck_assert_int_eq(gdoi_ctl_recv(sv[1], 1000, &type, &body, &len), GDOI_E_VERSION);
	ck_assert_ptr_null(body);
	ck_assert_uint_eq(len, 0);
	/* A length over GDOI_CTL_MAX: refused, nothing allocated. */
	gdoi_ctl_hdr_encode(h, GDOI_CTL_OK, 0x7fffffff);
	ck_assert_int_eq(write(sv[0], h, sizeof(h)), (ssize_t)sizeof(h));
	ck_assert_int_eq(gdoi_ctl_recv(sv[1], 1000, &type, &body, &len), GDOI_E_LENGTH);
	/* The peer closes in the middle of the body. */
	gdoi_ctl_hdr_encode(h, GDOI_CTL_OK, 10);
	ck_assert_int_eq(write(sv[0], h, sizeof(h)), (ssize_t)sizeof(h));
	ck_assert_int_eq(write(sv[0], "abc", 3), 3);
	close(sv[0]);
	ck_assert_int_eq(gdoi_ctl_recv(sv[1], 1000, &type, &body, &len), GDOI_E_TRUNC);
	ck_assert_ptr_null(body);
	/* ... and with nothing at all. */
	ck_assert_int_eq(gdoi_ctl_recv(sv[1], 1000, &type, &body, &len), GDOI_E_TRUNC);
	close(sv[1]);
}
END_TEST

START_TEST(recv_timeout)
{
	uint8_t h[GDOI_CTL_HDR], type, *body;
	size_t len;
	uint64_t t0;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	t0 = now_ms();
	ck_assert_int_eq(gdoi_ctl_recv(sv[1], 200, &type, &body, &len), -ETIMEDOUT);
	ck_assert_uint_ge(now_ms() - t0, 190);
	ck_assert_uint_lt(now_ms() - t0, 1000);
	/* The timeout covers the whole frame, not each read. */
	gdoi_ctl_hdr_encode(h, GDOI_CTL_OK, 100);
	ck_assert_int_eq(write(sv[0], h, sizeof(h)), (ssize_t)sizeof(h));
	t0 = now_ms();
	ck_assert_int_eq(gdoi_ctl_recv(sv[1], 200, &type, &body, &len), -ETIMEDOUT);
	ck_assert_uint_lt(now_ms() - t0, 1000);
	ck_assert_ptr_null(body);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

struct bigread {
	int fd;
	int rc;
	uint8_t type;
	uint8_t *body;
	size_t len;
};

static void *
bigread_main(void *arg)
{
	struct bigread *b = arg;

	b->rc = gdoi_ctl_recv(b->fd, 5000, &b->type, &b->body, &b->len);
	return NULL;
}

/* A body far larger than the socket buffer: the send waits for the reader. */
START_TEST(send_large_nonblocking)
{
	struct bigread b = { 0 };
	size_t n = GDOI_CTL_MAX, i;
	uint8_t *big = malloc(n);
	pthread_t th;
	int sv[2];

	for (i = 0; i < n; i++)
		big[i] = (uint8_t)(i * 7);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	b.fd = sv[1];
	ck_assert_int_eq(pthread_create(&th, NULL, bigread_main, &b), 0);
	ck_assert_int_eq(gdoi_ctl_send(sv[0], GDOI_CTL_OK, big, n), GDOI_OK);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_int_eq(b.rc, GDOI_OK);
	ck_assert_uint_eq(b.len, n);
	ck_assert_int_eq(memcmp(b.body, big, n), 0);
	free(b.body);
	free(big);
	/* The reader is gone: EPIPE, and no SIGPIPE kills us. */
	close(sv[1]);
	ck_assert_int_eq(gdoi_ctl_send(sv[0], GDOI_CTL_OK, "x", 1), -EPIPE);
	close(sv[0]);
}
END_TEST

START_TEST(listen_socket)
{
	char parent[128], path[200];
	struct stat st;
	int fd, fd2, c;

	fd = gdoi_ctl_listen(sock);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(lstat(sock, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0660);
	snprintf(parent, sizeof(parent), "%s/run", dir);
	ck_assert_int_eq(stat(parent, &st), 0);
	{
		mode_t mask = umask(022);

		umask(mask);
		ck_assert_uint_eq(st.st_mode & 07777, 0755 & ~mask);
	}
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	ck_assert(fcntl(fd, F_GETFL) & O_NONBLOCK);

	/* A live daemon keeps its socket. */
	ck_assert_int_eq(gdoi_ctl_listen(sock), -EADDRINUSE);
	c = gdoi_ctl_connect(sock);
	ck_assert_int_ge(c, 0);
	ck_assert(fcntl(c, F_GETFD) & FD_CLOEXEC);
	close(c);

	/* A stale one (its daemon died) is replaced. */
	close(fd);
	ck_assert_int_eq(gdoi_ctl_connect(sock), -ECONNREFUSED);
	fd2 = gdoi_ctl_listen(sock);
	ck_assert_int_ge(fd2, 0);
	c = gdoi_ctl_connect(sock);
	ck_assert_int_ge(c, 0);
	close(c);
	close(fd2);

	/* Something that is not a socket is left alone. */
	snprintf(path, sizeof(path), "%s/file", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(gdoi_ctl_listen(path), -EEXIST);
	ck_assert_int_eq(access(path, F_OK), 0);

	/* Paths that cannot be. */
	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	ck_assert_int_eq(gdoi_ctl_listen(path), -ENAMETOOLONG);
	ck_assert_int_eq(gdoi_ctl_connect(path), -ENAMETOOLONG);
	ck_assert_int_eq(gdoi_ctl_listen(""), -EINVAL);
	snprintf(path, sizeof(path), "%s/no/such/dir/ctl.sock", dir);
	ck_assert_int_eq(gdoi_ctl_listen(path), -ENOENT);
	ck_assert_int_eq(gdoi_ctl_connect(path), -ENOENT);
}
END_TEST

/*
 * A daemon's side of one exchange, in a thread: accept, read the request,
 * then answer as told.
 */
enum srv_mode { SRV_TREE, SRV_ERROR, SRV_SILENT, SRV_GARBAGE };

struct srv {
	int s_lfd;
	enum srv_mode s_mode;
	int s_stop[2];          /* SRV_SILENT holds the connection until written */
	int s_rc;
	uint8_t s_type;
	char s_cmd[128];
};

static void *
srv_main(void *arg)
{
	struct srv *s = arg;
	struct pollfd p = { .fd = s->s_lfd, .events = POLLIN };
	struct gdoi_tree *t;
	uint8_t *body, *out;
	size_t len, olen;
	char c;
	int fd;

	s->s_rc = -1;
	if (poll(&p, 1, 5000) != 1 || (fd = accept(s->s_lfd, NULL, NULL)) < 0)
		return NULL;
	if ((s->s_rc = gdoi_ctl_recv(fd, 2000, &s->s_type, &body, &len)) != 0) {
		close(fd);
		return NULL;
	}
	snprintf(s->s_cmd, sizeof(s->s_cmd), "%s", (char *)body);
	free(body);
	switch (s->s_mode) {
	case SRV_TREE:
		t = gdoi_tree_new();
		gdoi_tree_open(t, "group", "GROUP INFORMATION");
		gdoi_tree_open(t, "G1", NULL);
		gdoi_tree_attr(t, "name", "Group Name", "%s", "G1");
		gdoi_tree_attr(t, "command", "Command", "%s", s->s_cmd);
		gdoi_tree_close(t);
		gdoi_tree_close(t);
		s->s_rc = gdoi_tree_encode(t, &out, &olen);
		gdoi_tree_free(t);
		if (s->s_rc == 0)
			s->s_rc = gdoi_ctl_send(fd, GDOI_CTL_OK, out, olen);
		free(out);
		break;
	case SRV_ERROR:
		s->s_rc = gdoi_ctl_send(fd, GDOI_CTL_ERROR, "unknown command\n", 16);
		break;
	case SRV_GARBAGE:
		s->s_rc = gdoi_ctl_send(fd, GDOI_CTL_OK, "\x07garbage", 8);
		break;
	case SRV_SILENT:
		p.fd = s->s_stop[0];
		poll(&p, 1, 5000);
		if (read(s->s_stop[0], &c, 1) != 1)
			s->s_rc = -1;
		break;
	}
	close(fd);
	return NULL;
}

static pthread_t
srv_start(struct srv *s, enum srv_mode mode)
{
	pthread_t th;

	memset(s, 0, sizeof(*s));
	s->s_mode = mode;
	s->s_lfd = gdoi_ctl_listen(sock);
	ck_assert_int_ge(s->s_lfd, 0);
	ck_assert_int_eq(pipe(s->s_stop), 0);
	ck_assert_int_eq(pthread_create(&th, NULL, srv_main, s), 0);
	return th;
}

static void
srv_stop(struct srv *s, pthread_t th)
{
	ck_assert_int_eq(write(s->s_stop[1], "x", 1), 1);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	close(s->s_lfd);
	close(s->s_stop[0]);
	close(s->s_stop[1]);
}

START_TEST(request_tree)
{
	struct gdoi_tree *t;
	struct srv s;
	pthread_t th = srv_start(&s, SRV_TREE);
	uint8_t rtype, *rbody;
	size_t rlen;

	ck_assert_int_eq(gdoi_ctl_request(sock, GDOI_CTL_SHOW, "crypto gdoi ks members", 2000,
	    &rtype, &rbody, &rlen), GDOI_OK);
	srv_stop(&s, th);
	ck_assert_int_eq(s.s_rc, GDOI_OK);
	ck_assert_uint_eq(s.s_type, GDOI_CTL_SHOW);
	ck_assert_str_eq(s.s_cmd, "crypto gdoi ks members");
	ck_assert_uint_eq(rtype, GDOI_CTL_OK);
	ck_assert_int_eq(gdoi_tree_decode(rbody, rlen, &t), GDOI_OK);
	ck_assert_str_eq(gdoi_tree_get(t, "group.G1.name"), "G1");
	ck_assert_str_eq(gdoi_tree_get(t, "group.G1.command"), "crypto gdoi ks members");
	gdoi_tree_free(t);
	free(rbody);
}
END_TEST

START_TEST(request_error)
{
	struct srv s;
	pthread_t th = srv_start(&s, SRV_ERROR);
	uint8_t rtype, *rbody;
	size_t rlen;

	ck_assert_int_eq(gdoi_ctl_request(sock, GDOI_CTL_RELOAD, NULL, 2000, &rtype, &rbody,
	    &rlen), GDOI_OK);
	srv_stop(&s, th);
	ck_assert_uint_eq(s.s_type, GDOI_CTL_RELOAD);
	ck_assert_str_eq(s.s_cmd, "");
	ck_assert_uint_eq(rtype, GDOI_CTL_ERROR);
	ck_assert_uint_eq(rlen, 16);
	ck_assert_str_eq((char *)rbody, "unknown command\n");
	free(rbody);
}
END_TEST

START_TEST(request_timeout)
{
	struct srv s;
	pthread_t th = srv_start(&s, SRV_SILENT);
	uint8_t rtype, *rbody = (uint8_t *)1;
	size_t rlen;
	uint64_t t0 = now_ms();

	ck_assert_int_eq(gdoi_ctl_request(sock, GDOI_CTL_SHOW, "crypto gdoi", 300, &rtype,
	    &rbody, &rlen), -ETIMEDOUT);
	ck_assert_uint_ge(now_ms() - t0, 290);
	ck_assert_uint_lt(now_ms() - t0, 1500);
	ck_assert_ptr_null(rbody);
	srv_stop(&s, th);
	ck_assert_str_eq(s.s_cmd, "crypto gdoi");

	/* Nobody listening. */
	ck_assert_int_eq(gdoi_ctl_request(sock, GDOI_CTL_SHOW, "crypto gdoi", 300, &rtype,
	    &rbody, &rlen), -ECONNREFUSED);
	unlink(sock);
	ck_assert_int_eq(gdoi_ctl_request(sock, GDOI_CTL_SHOW, "crypto gdoi", 300, &rtype,
	    &rbody, &rlen), -ENOENT);
}
END_TEST

/* ---- gdoictl against the test server ------------------------------- */

static char gdoictl[256];

/* The built gdoictl: make check builds cli/ before tests/, so a missing
 * one is a failure, never a silent pass. */
static int
have_gdoictl(void)
{
	const char *b = getenv("top_builddir");

	snprintf(gdoictl, sizeof(gdoictl), "%s/cli/gdoictl", b ? b : "../..");
	ck_assert_msg(access(gdoictl, X_OK) == 0, "%s is not built", gdoictl);
	return 1;
}

/* Run gdoictl with args (a shell fragment); its exit status, output in files. */
static int
run_gdoictl(const char *env, const char *args)
{
	char cmd[1024];
	int st;

	snprintf(cmd, sizeof(cmd), "%s '%s' %s >'%s/out' 2>'%s/err'", env ? env : "", gdoictl,
	    args, dir, dir);
	st = system(cmd);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static const char *
slurp(const char *name)
{
	static char buf[4096];
	char path[200];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

START_TEST(gdoictl_show)
{
	struct srv s;
	pthread_t th;
	char args[256];

	if (!have_gdoictl())
		return;
	th = srv_start(&s, SRV_TREE);
	snprintf(args, sizeof(args), "-s '%s' -f keyvalue show crypto gdoi ks members", sock);
	ck_assert_int_eq(run_gdoictl(NULL, args), 0);
	srv_stop(&s, th);
	ck_assert_uint_eq(s.s_type, GDOI_CTL_SHOW);
	ck_assert_str_eq(slurp("out"),
	    "group.G1.name=G1\n"
	    "group.G1.command=crypto gdoi ks members\n");
	ck_assert_str_eq(slurp("err"), "");

	/* Text by default; the socket from the environment. */
	th = srv_start(&s, SRV_TREE);
	snprintf(args, sizeof(args), "GDOI_CTL_SOCKET='%s'", sock);
	ck_assert_int_eq(run_gdoictl(args, "show crypto gdoi"), 0);
	srv_stop(&s, th);
	ck_assert_str_eq(s.s_cmd, "crypto gdoi");
	ck_assert_str_eq(slurp("out"),
	    "GROUP INFORMATION\n"
	    "\n"
	    "    Group Name               : G1\n"
	    "    Command                  : crypto gdoi\n");

	th = srv_start(&s, SRV_TREE);
	snprintf(args, sizeof(args), "--socket='%s' --json show crypto gdoi gm", sock);
	ck_assert_int_eq(run_gdoictl(NULL, args), 0);
	srv_stop(&s, th);
	ck_assert_str_eq(slurp("out"),
	    "{\"group\":{\"G1\":{\"name\":\"G1\",\"command\":\"crypto gdoi gm\"}}}\n");

	th = srv_start(&s, SRV_TREE);
	snprintf(args, sizeof(args), "-s '%s' -f keyvalue show crypto gdoi gm rekey detail", sock);
	ck_assert_int_eq(run_gdoictl(NULL, args), 0);
	srv_stop(&s, th);
	ck_assert_uint_eq(s.s_type, GDOI_CTL_SHOW);
	ck_assert_str_eq(s.s_cmd, "crypto gdoi gm rekey detail");

	th = srv_start(&s, SRV_TREE);
	snprintf(args, sizeof(args), "-s '%s' --xml clear crypto gdoi", sock);
	ck_assert_int_eq(run_gdoictl(NULL, args), 0);
	srv_stop(&s, th);
	ck_assert_uint_eq(s.s_type, GDOI_CTL_CLEAR);
	ck_assert_str_eq(s.s_cmd, "crypto gdoi");
	ck_assert_ptr_nonnull(strstr(slurp("out"), "<command label=\"Command\">crypto gdoi"
	    "</command>"));
}
END_TEST

START_TEST(gdoictl_failures)
{
	struct srv s;
	pthread_t th;
	char args[256];

	if (!have_gdoictl())
		return;
	/* An error reply: its message, exit 1. */
	th = srv_start(&s, SRV_ERROR);
	snprintf(args, sizeof(args), "-s '%s' reload", sock);
	ck_assert_int_eq(run_gdoictl(NULL, args), 1);
	srv_stop(&s, th);
	ck_assert_uint_eq(s.s_type, GDOI_CTL_RELOAD);
	ck_assert_str_eq(slurp("out"), "");
	ck_assert_str_eq(slurp("err"), "gdoictl: unknown command\n");

	/* A reply that is not a tree: exit 1. */
	th = srv_start(&s, SRV_GARBAGE);
	snprintf(args, sizeof(args), "-s '%s' show crypto gdoi", sock);
	ck_assert_int_eq(run_gdoictl(NULL, args), 1);
	srv_stop(&s, th);
	ck_assert_ptr_nonnull(strstr(slurp("err"), "gdoictl: malformed reply from "));

	/* No answer in time: exit 1. */
	th = srv_start(&s, SRV_SILENT);
	snprintf(args, sizeof(args), "-s '%s' -t 200 show crypto gdoi", sock);
	ck_assert_int_eq(run_gdoictl(NULL, args), 1);
	srv_stop(&s, th);
	ck_assert_ptr_nonnull(strstr(slurp("err"), "within 200 ms"));

	/* No daemon: exit 2 with the socket's name. */
	snprintf(args, sizeof(args), "-s '%s' show crypto gdoi", sock);
	ck_assert_int_eq(run_gdoictl(NULL, args), 2);
	ck_assert_ptr_nonnull(strstr(slurp("err"), "gdoictl: cannot connect to "));
	ck_assert_ptr_nonnull(strstr(slurp("err"), "Connection refused"));

	/* Usage errors: exit 64, nothing sent. */
	ck_assert_int_eq(run_gdoictl(NULL, ""), 64);
	ck_assert_ptr_nonnull(strstr(slurp("err"), "usage: gdoictl"));
	ck_assert_int_eq(run_gdoictl(NULL, "show crypto gdoi ks bogus"), 64);
	ck_assert_int_eq(run_gdoictl(NULL, "show crypto"), 64);
	ck_assert_int_eq(run_gdoictl(NULL, "show crypto gdoi gm rekey"), 64);
	ck_assert_int_eq(run_gdoictl(NULL, "show crypto gdoi ks members all"), 64);
	ck_assert_int_eq(run_gdoictl(NULL, "show crypto gdoi gm 'rekey detail'"), 64);
	ck_assert_int_eq(run_gdoictl(NULL, "show crypto gdoi ''"), 64);
	ck_assert_int_eq(run_gdoictl(NULL, "show ip route"), 64);
	ck_assert_int_eq(run_gdoictl(NULL, "clear crypto gdoi now"), 64);
	ck_assert_int_eq(run_gdoictl(NULL, "reload now"), 64);
	ck_assert_int_eq(run_gdoictl(NULL, "-f yaml show crypto gdoi"), 64);
	ck_assert_int_eq(run_gdoictl(NULL, "-t 0 show crypto gdoi"), 64);
	ck_assert_int_eq(run_gdoictl(NULL, "-t 5x show crypto gdoi"), 64);
	ck_assert_int_eq(run_gdoictl(NULL, "--bogus show crypto gdoi"), 64);
	ck_assert_int_eq(run_gdoictl(NULL, "--help"), 0);
	ck_assert_ptr_nonnull(strstr(slurp("out"), "show crypto gdoi [ks [members|policy] | gm [rekey detail|dataplane]]"));
}
END_TEST

/* ------------------------------------------------------------------ */
/* Dispatch table                                                       */

static char ran[64];

static int
cmd_run(void *ctx, const char *arg, struct gdoi_tree *t, char *err, size_t cap)
{
	(void)t, (void)err, (void)cap;
	snprintf(ran, sizeof(ran), "%s(%s)", (const char *)ctx, arg);
	return 0;
}

static int
cmd_fail(void *ctx, const char *arg, struct gdoi_tree *t, char *err, size_t cap)
{
	(void)ctx, (void)arg, (void)t;
	snprintf(err, cap, "refused");
	return -1;
}

START_TEST(dispatch_table)
{
	static const struct gdoi_ctl_cmd tab[] = {
		{ GDOI_CTL_SHOW, "crypto gdoi", 0, cmd_run },
		{ GDOI_CTL_SHOW, "crypto gdoi ks members", 0, cmd_run },
		{ GDOI_CTL_EXEC, "rekey group", 1, cmd_run },
		{ GDOI_CTL_EXEC, "rekey", 0, cmd_run },
		{ GDOI_CTL_CLEAR, "crypto gdoi", 0, cmd_fail },
		{ GDOI_CTL_RELOAD, NULL, 0, cmd_run },
	};
	const size_t n = sizeof(tab) / sizeof(tab[0]);
	struct gdoi_tree *t = gdoi_tree_new();
	char err[128];

	ck_assert_ptr_nonnull(t);
#define RUN(type, cmd) (ran[0] = err[0] = '\0', \
	gdoi_ctl_dispatch(tab, n, "x", (type), (cmd), t, err, sizeof(err), "tester"))
	/* whole words only; the first entry that matches */
	ck_assert_int_eq(RUN(GDOI_CTL_SHOW, "crypto gdoi"), 0);
	ck_assert_str_eq(ran, "x()");
	ck_assert_int_eq(RUN(GDOI_CTL_SHOW, "crypto gdoi ks members"), 0);
	ck_assert_str_eq(ran, "x()");
	ck_assert_int_eq(RUN(GDOI_CTL_SHOW, "crypto gdoi ks"), -1);
	ck_assert_str_eq(ran, "");
	ck_assert_str_eq(err, "unknown command: show crypto gdoi ks");
	ck_assert_int_eq(RUN(GDOI_CTL_SHOW, "crypto gdoix"), -1);
	ck_assert_int_eq(RUN(GDOI_CTL_SHOW, "crypto gdoi "), -1);
	/* one argument word, handed over; none, two or an empty one refused */
	ck_assert_int_eq(RUN(GDOI_CTL_EXEC, "rekey group G1"), 0);
	ck_assert_str_eq(ran, "x(G1)");
	ck_assert_int_eq(RUN(GDOI_CTL_EXEC, "rekey"), 0);
	ck_assert_str_eq(ran, "x()");
	ck_assert_int_eq(RUN(GDOI_CTL_EXEC, "rekey group"), -1);
	ck_assert_str_eq(err, "unknown command: rekey group");
	ck_assert_int_eq(RUN(GDOI_CTL_EXEC, "rekey group "), -1);
	ck_assert_int_eq(RUN(GDOI_CTL_EXEC, "rekey group G1 G2"), -1);
	ck_assert_str_eq(ran, "");
	/* a handler's refusal and its text come back as they are */
	ck_assert_int_eq(RUN(GDOI_CTL_CLEAR, "crypto gdoi"), -1);
	ck_assert_str_eq(err, "refused");
	/* no command words: any body */
	ck_assert_int_eq(RUN(GDOI_CTL_RELOAD, "whatever"), 0);
	ck_assert_str_eq(ran, "x()");
	/* a type the table does not know */
	ck_assert_int_eq(gdoi_ctl_dispatch(tab, 2, "x", GDOI_CTL_EXEC, "rekey", t, err,
	    sizeof(err), "tester"), -1);
	ck_assert_str_eq(err, "this request is not supported by the tester");
	ck_assert_int_eq(RUN(99, "crypto gdoi"), -1);
	ck_assert_str_eq(err, "this request is not supported by the tester");
#undef RUN
	gdoi_tree_free(t);
}
END_TEST

static Suite *
ctl_suite(void)
{
	Suite *s = suite_create("ctl");
	TCase *tc;

	tc = tcase_create("frame");
	tcase_add_test(tc, header);
	tcase_add_test(tc, send_recv_pair);
	tcase_add_test(tc, recv_pieces_and_bad_frames);
	tcase_add_test(tc, recv_timeout);
	tcase_add_test(tc, send_large_nonblocking);
	suite_add_tcase(s, tc);

	tc = tcase_create("dispatch");
	tcase_add_test(tc, dispatch_table);
	suite_add_tcase(s, tc);

	tc = tcase_create("socket");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, listen_socket);
	tcase_add_test(tc, request_tree);
	tcase_add_test(tc, request_error);
	tcase_add_test(tc, request_timeout);
	suite_add_tcase(s, tc);

	tc = tcase_create("gdoictl");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, gdoictl_show);
	tcase_add_test(tc, gdoictl_failures);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ctl_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
