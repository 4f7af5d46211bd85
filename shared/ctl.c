/*
 * Control socket framing (see gdoi/ctl.h).
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  version = 1  |     type      |        reserved = 0           |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                     body length (<= GDOI_CTL_MAX)             |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  body ...                                                     ~
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The reserved field is sent as 0 and ignored on receipt.
 *
 * Timeouts: gdoi_ctl_recv()'s timeout covers the whole frame (0 = wait
 * for ever); gdoi_ctl_send() gives a peer that stops reading
 * GDOI_CTL_SEND_MS in all before failing with -ETIMEDOUT, so a stuck
 * client cannot hold a daemon.  Both retry on EINTR, wait with poll() on
 * EAGAIN (the fd may be non-blocking), and never raise SIGPIPE.
 *
 * Errors: -errno from the system (-ETIMEDOUT on a timeout, -EPIPE when the
 * peer went away during a send), GDOI_E_TRUNC when the peer closed in the
 * middle of a frame (or before it), GDOI_E_VERSION / GDOI_E_LENGTH for a
 * bad header, GDOI_E_TOOBIG for a body over GDOI_CTL_MAX, GDOI_E_NOMEM.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "gdoi/buf.h"
#include "gdoi/ctl.h"
#include "gdoi/err.h"

#define GDOI_CTL_SEND_MS 5000
#define GDOI_CTL_BACKLOG 16

void
gdoi_ctl_hdr_encode(uint8_t hdr[GDOI_CTL_HDR], uint8_t type, uint32_t len)
{
	hdr[0] = GDOI_CTL_VERSION;
	hdr[1] = type;
	hdr[2] = 0;
	hdr[3] = 0;
	gdoi_put32(hdr + 4, len);
}

int
gdoi_ctl_hdr_decode(const uint8_t hdr[GDOI_CTL_HDR], uint8_t *type, uint32_t *len)
{
	uint32_t l = gdoi_be32(hdr + 4);

	if (hdr[0] != GDOI_CTL_VERSION)
		return GDOI_E_VERSION;
	if (l > GDOI_CTL_MAX)
		return GDOI_E_LENGTH;
	*type = hdr[1];
	*len = l;
	return GDOI_OK;
}

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Wait for events on fd until the deadline (0 = none).  0 when ready,
 * -ETIMEDOUT, or -errno.
 */
static int
wait_fd(int fd, short events, uint64_t deadline)
{
	struct pollfd pfd;
	uint64_t now;
	int ms, rc;

	for (;;) {
		ms = -1;
		if (deadline != 0) {
			now = mono_ms();
			if (now >= deadline)
				return -ETIMEDOUT;
			ms = deadline - now > 60000 ? 60000 : (int)(deadline - now);
		}
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		rc = poll(&pfd, 1, ms);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			return -errno;
		/* Errors and hang-ups are reported by the read or write that follows. */
		if (rc > 0)
			return 0;
	}
}

int
gdoi_ctl_send(int fd, uint8_t type, const void *body, size_t len)
{
	uint8_t hdr[GDOI_CTL_HDR];
	uint64_t deadline;
	struct iovec iov[2];
	struct msghdr msg;
	size_t done = 0, total;
	ssize_t n;
	int rc;

	if (len > GDOI_CTL_MAX)
		return GDOI_E_TOOBIG;
	if (len > 0 && body == NULL)
		return GDOI_E_INVAL;
	gdoi_ctl_hdr_encode(hdr, type, (uint32_t)len);
	total = sizeof(hdr) + len;
	deadline = mono_ms() + GDOI_CTL_SEND_MS;
	while (done < total) {
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = iov;
		if (done < sizeof(hdr)) {
			iov[0].iov_base = hdr + done;
			iov[0].iov_len = sizeof(hdr) - done;
			iov[1].iov_base = (void *)(uintptr_t)body;
			iov[1].iov_len = len;
			msg.msg_iovlen = len > 0 ? 2 : 1;
		} else {
			iov[0].iov_base = (uint8_t *)(uintptr_t)body + (done - sizeof(hdr));
			iov[0].iov_len = total - done;
			msg.msg_iovlen = 1;
		}
		n = sendmsg(fd, &msg, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if ((rc = wait_fd(fd, POLLOUT, deadline)) != 0)
				return rc;
			continue;
		}
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return GDOI_OK;
}

/* Read exactly len bytes before the deadline. */
static int
read_full(int fd, uint8_t *p, size_t len, uint64_t deadline)
{
	ssize_t n;
	int rc;

	while (len > 0) {
		if ((rc = wait_fd(fd, POLLIN, deadline)) != 0)
			return rc;
		n = recv(fd, p, len, MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return GDOI_E_TRUNC;	/* the peer closed mid-frame */
		p += n;
		len -= (size_t)n;
	}
	return GDOI_OK;
}

int
gdoi_ctl_recv(int fd, unsigned timeout_ms, uint8_t *type, uint8_t **body, size_t *len)
{
	uint8_t hdr[GDOI_CTL_HDR], *b;
	uint64_t deadline = timeout_ms ? mono_ms() + timeout_ms : 0;
	uint32_t l;
	int rc;

	*body = NULL;
	*len = 0;
	if ((rc = read_full(fd, hdr, sizeof(hdr), deadline)) != 0)
		return rc;
	if ((rc = gdoi_ctl_hdr_decode(hdr, type, &l)) != 0)
		return rc;
	/* One more byte: the body is NUL-terminated for the callers' ease. */
	if ((b = malloc((size_t)l + 1)) == NULL)
		return GDOI_E_NOMEM;
	if ((rc = read_full(fd, b, l, deadline)) != 0) {
		free(b);
		return rc;
	}
	b[l] = '\0';
	*body = b;
	*len = l;
	return GDOI_OK;
}

static int
sun_fill(struct sockaddr_un *sun, const char *path)
{
	if (path == NULL || *path == '\0')
		return -EINVAL;
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path))
		return -ENAMETOOLONG;
	memcpy(sun->sun_path, path, strlen(path) + 1);
	return 0;
}

int
gdoi_ctl_connect(const char *path)
{
	struct sockaddr_un sun;
	int fd, rc;

	if ((rc = sun_fill(&sun, path)) != 0)
		return rc;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	while (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		if (errno == EINTR)
			continue;
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

/* Make the directory that holds path (one level, mode 0755) if missing. */
static int
parent_dir(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	memcpy(dir, path, strlen(path) + 1);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return 0;	/* the current directory, or / */
	*slash = '\0';
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int
gdoi_ctl_listen(const char *path)
{
	struct sockaddr_un sun;
	struct stat st;
	mode_t omask;
	int fd, rc;

	if ((rc = sun_fill(&sun, path)) != 0)
		return rc;
	if ((rc = parent_dir(path)) != 0)
		return rc;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;	/* not ours to remove */
		/* A daemon still answering there keeps its socket. */
		if ((fd = gdoi_ctl_connect(path)) >= 0) {
			close(fd);
			return -EADDRINUSE;
		}
		if (unlink(path) != 0 && errno != ENOENT)
			return -errno;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
		return -errno;
	/* Created 0660 from the start: no window with a wider mode. */
	omask = umask(0117);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(omask);
	if (rc != 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	if (chmod(path, 0660) != 0 || listen(fd, GDOI_CTL_BACKLOG) != 0) {
		rc = -errno;
		unlink(path);
		close(fd);
		return rc;
	}
	return fd;
}

int
gdoi_ctl_request(const char *path, uint8_t type, const char *body, unsigned timeout_ms,
    uint8_t *rtype, uint8_t **rbody, size_t *rlen)
{
	int fd, rc;

	*rbody = NULL;
	*rlen = 0;
	if ((fd = gdoi_ctl_connect(path)) < 0)
		return fd;
	rc = gdoi_ctl_send(fd, type, body, body ? strlen(body) : 0);
	if (rc == GDOI_OK)
		rc = gdoi_ctl_recv(fd, timeout_ms, rtype, rbody, rlen);
	close(fd);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Dispatch of a daemon's commands                                      */

int
gdoi_ctl_dispatch(const struct gdoi_ctl_cmd *tab, size_t n, void *ctx, uint8_t type,
    const char *cmd, struct gdoi_tree *t, char *err, size_t cap, const char *who)
{
	static const char *const verb[] = { "", "show", "clear", "reload", "" };
	int known = 0;
	size_t i, len;

	for (i = 0; i < n; i++) {
		const struct gdoi_ctl_cmd *c = &tab[i];

		if (c->cc_type != type)
			continue;
		known = 1;
		if (c->cc_cmd == NULL)
			return c->cc_run(ctx, "", t, err, cap);
		len = strlen(c->cc_cmd);
		if (strncmp(cmd, c->cc_cmd, len) != 0)
			continue;
		if (!c->cc_arg && cmd[len] == '\0')
			return c->cc_run(ctx, "", t, err, cap);
		if (c->cc_arg && cmd[len] == ' ' && cmd[len + 1] != '\0' &&
		    strchr(cmd + len + 1, ' ') == NULL)
			return c->cc_run(ctx, cmd + len + 1, t, err, cap);
	}
	if (known)
		snprintf(err, cap, "unknown command: %s%s%s", type < 5 ? verb[type] : "",
		    type < 5 && verb[type][0] != '\0' ? " " : "", cmd);
	else
		snprintf(err, cap, "this request is not supported by the %s", who);
	return -1;
}

const char *
gdoi_ctl_strerror(int rc)
{
	if (rc == GDOI_E_VERSION || rc == GDOI_E_LENGTH)
		return "not a gdoi control socket (the reply is not a control frame)";
	return rc < 0 && rc > -4096 && rc < GDOI_E_ORDER ? strerror(-rc) : gdoi_strerror(rc);
}
