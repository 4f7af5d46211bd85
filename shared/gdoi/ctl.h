/*
 * Control protocol between gdoictl and the daemons, over a UNIX stream
 * socket (mode 0660, root's by default).
 *
 * One request, one reply, then the server closes.  Frame:
 *   version(1) = 1 | type(1) | reserved(2) = 0 | length(4, big-endian) | body
 * Request types: GDOI_CTL_SHOW (body: the command words after "show",
 * e.g. "crypto gdoi" or "crypto gdoi ks members", UTF-8, no NUL),
 * GDOI_CTL_CLEAR (e.g. "crypto gdoi" = re-register), GDOI_CTL_RELOAD,
 * GDOI_CTL_EXEC (an action: "crypto gdoi ks rekey [GROUP]", "debug
 * TOKENS", "no debug").
 * Reply types: GDOI_CTL_OK (body: a serialized tree, tree.h) or
 * GDOI_CTL_ERROR (body: a message).  Bodies are at most GDOI_CTL_MAX.
 */
#ifndef GDOI_CTL_H
#define GDOI_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "gdoi/tree.h"

#define GDOI_CTL_VERSION 1
/* 32 MiB: "show crypto gdoi ks members" with 50,000 members and more */
#define GDOI_CTL_MAX (32u << 20)
#define GDOI_CTL_HDR 8

enum gdoi_ctl_type {
	GDOI_CTL_SHOW = 1,
	GDOI_CTL_CLEAR = 2,
	GDOI_CTL_RELOAD = 3,
	GDOI_CTL_EXEC = 4,
	GDOI_CTL_OK = 128,
	GDOI_CTL_ERROR = 129,
};

/** Frame header helpers (pure). */
void gdoi_ctl_hdr_encode(uint8_t hdr[GDOI_CTL_HDR], uint8_t type, uint32_t len);
/** 0, or GDOI_E_VERSION / GDOI_E_LENGTH. */
int gdoi_ctl_hdr_decode(const uint8_t hdr[GDOI_CTL_HDR], uint8_t *type, uint32_t *len);

/** Server side: create, bind and listen on path (an old socket file is
 *  replaced); returns the fd or -errno. */
int gdoi_ctl_listen(const char *path);
/** Client side: a connected, blocking, close-on-exec socket to path, or
 *  -errno (-ENOENT, -ECONNREFUSED, -EACCES...).  gdoi_ctl_request() is this
 *  plus gdoi_ctl_send() and gdoi_ctl_recv(); a client that must tell a
 *  connection failure from a later one calls the three itself. */
int gdoi_ctl_connect(const char *path);
/** Client side: one request, blocking, with a timeout; *body malloc'd.
 *  Returns 0 (reply type in *rtype) or a negative errno / gdoi_err. */
int gdoi_ctl_request(const char *path, uint8_t type, const char *body, unsigned timeout_ms,
    uint8_t *rtype, uint8_t **rbody, size_t *rlen);
/** Blocking full write of one frame (server replies are small and the
 *  client is waiting). */
int gdoi_ctl_send(int fd, uint8_t type, const void *body, size_t len);
/** Blocking read of one frame with a timeout; *body malloc'd. */
int gdoi_ctl_recv(int fd, unsigned timeout_ms, uint8_t *type, uint8_t **body, size_t *len);
/**
 * Text of a result of the calls above, which return either -errno or a
 * gdoi_err: strerror() for the first, gdoi_strerror() for the second, and
 * a plain word for a reply whose frame is not ours (GDOI_E_VERSION,
 * GDOI_E_LENGTH: whatever listens there is not a gdoi daemon).
 */
const char *gdoi_ctl_strerror(int rc);

/**
 * One control command of a daemon's dispatch table: a request type and
 * its command words.  cc_cmd NULL matches any body (reload); cc_arg 1
 * means the words are followed by one more word, handed to cc_run as arg
 * (otherwise arg is "").  cc_run fills t, or err and returns -1.
 */
struct gdoi_ctl_cmd {
	uint8_t cc_type;
	const char *cc_cmd;
	int cc_arg;
	int (*cc_run)(void *ctx, const char *arg, struct gdoi_tree *t, char *err, size_t cap);
};

/**
 * Run the entry of tab[0..n) that matches (type, cmd) with ctx.  No entry:
 * -1 with "unknown command: show ..." when the type is known to the table,
 * else "this request is not supported by the <who>".
 */
int gdoi_ctl_dispatch(const struct gdoi_ctl_cmd *tab, size_t n, void *ctx, uint8_t type,
    const char *cmd, struct gdoi_tree *t, char *err, size_t cap, const char *who);

#endif
