/*
 * Process plumbing shared by gdoi-ks and gdoi-gm.
 */
#ifndef GDOI_DAEMON_H
#define GDOI_DAEMON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "gdoi/ctl.h"
#include "gdoi/p1.h"
#include "gdoi/policy.h"
#include "gdoi/event.h"
#include "gdoi/tree.h"

struct gdoi_conf;
struct gdoi_keylog;

/**
 * Write our pid to path, refusing (-EEXIST) when the file names a live
 * process.  The file is created 0644 with O_EXCL after removing a stale one.
 */
int gdoi_pidfile_write(const char *path);
void gdoi_pidfile_remove(const char *path);
/**
 * Detach: fork, setsid, chdir /, stdio to /dev/null.  The parent waits
 * until the child calls gdoi_daemon_ready() (it exits 0) or exits early
 * (it exits 1), so a start-up error is reported to the shell.
 */
int gdoi_daemonize(void);
void gdoi_daemon_ready(void);

/** Create the directory holding path (mode 0755) if missing. */
int gdoi_mkdir_for(const char *path);

/** Format an address (4 or 16 octets) as text. */
const char *gdoi_addr_str(const uint8_t *addr, uint8_t af, char *buf, size_t cap);

/* ------------------------------------------------------------------ */
/* Command line shared by gdoi-ks and gdoi-gm                           */

struct gdoi_daemon_opts {
	const char *o_conf;       /**< -f */
	const char *o_ctl;        /**< -s control socket */
	const char *o_pid;        /**< -p pid file */
	const char *o_keylog;     /**< -k Phase 1 keylog */
	const char *o_debug;      /**< -D tokens */
	const char *o_statedir;   /**< -S (KS) */
	const char *o_logfile;    /**< -l: log lines appended to this file instead of syslog */
	unsigned o_timescale;     /**< -T N: lab time scale (needs GDOI_LAB=1); 0 = off */
	int o_foreground;         /**< -d */
	int o_check;              /**< -n */
	/** the daemon's own checks of a loaded configuration (a KS file for
	 *  gdoi-ks, a GM file for gdoi-gm): 0, or -1 with err set; set by
	 *  main() before gdoi_daemon_check_conf / gdoi_daemon_setup */
	int (*o_conf_check)(const struct gdoi_conf *c, char *err, size_t cap);
};
/**
 * Parse argv.  -h prints usage and exits 0, -V the version, a bad option
 * prints usage and exits 64.  o_conf defaults to default_conf.
 */
void gdoi_daemon_args(int argc, char **argv, const char *prog, const char *default_conf,
    int ks, struct gdoi_daemon_opts *o);

/** -n: load the configuration (and o_conf_check it), print the verdict,
 *  return the exit code. */
int gdoi_daemon_check_conf(const char *prog, const struct gdoi_daemon_opts *o);
/** Logging (stderr with -d, else syslog), debug tokens, then detach
 *  unless -d.  0, or an exit code for main(). */
int gdoi_daemon_setup(const char *prog, const struct gdoi_daemon_opts *o);

/** Point a Phase 1 context at configuration c (policies, keys, identity,
 *  certificates).  0, or -1 with the reason logged. */
int gdoi_daemon_p1_ctx(struct gdoi_p1_ctx *x, struct gdoi_conf *c);
/** Open the keylog named by -k, else the configuration, else $GDOI_KEYLOG;
 *  *kl stays NULL when none is asked for.  0, or -1 with the reason logged. */
int gdoi_daemon_keylog(const char *opt, const char *conf, struct gdoi_keylog **kl);

/* ------------------------------------------------------------------ */
/* UDP on port 848                                                      */

/** Bound, non-blocking UDP socket (af 4 or 6; addr NULL = any). fd or -errno. */
int gdoi_udp_bind(uint8_t af, const uint8_t *addr, uint16_t port);
/** One datagram: its length, or -errno (-EAGAIN when none). */
ssize_t gdoi_udp_recv(int fd, uint8_t *buf, size_t cap, struct gdoi_p1_peer *from);
int gdoi_udp_send(int fd, const struct gdoi_p1_peer *to, const uint8_t *buf, size_t len);
/** Datagrams per sendmmsg/recvmmsg call. */
#define GDOI_UDP_BATCH 64
/**
 * The same datagram (buf, len; borrowed) to each of the n peers of to[],
 * GDOI_UDP_BATCH per sendmmsg.  sent[i] (caller's, n octets) is set to 1
 * for each peer the kernel took it for, else 0.  Returns that count.
 */
size_t gdoi_udp_send_many(int fd, const struct gdoi_p1_peer *to, size_t n, const uint8_t *buf,
    size_t len, uint8_t *sent);
/** The local address the kernel would use to reach peer (4 or 16 octets). */
int gdoi_udp_local_for(const struct gdoi_p1_peer *peer, uint8_t *addr);
/**
 * Multicast sending on fd: out of the interface holding local (af 4 or 6),
 * with TTL / hop limit ttl, no loopback to our own sockets.  Set before
 * each multicast send (the socket is shared with unicast traffic).
 * 0 or -errno.
 */
int gdoi_udp_mcast_out(int fd, uint8_t af, const uint8_t *local, unsigned ttl);
/**
 * Join (join = 1) or leave (0) multicast group on fd, on the interface
 * holding local.  0 or -errno (EADDRINUSE for a join already made).
 */
int gdoi_udp_mcast_join(int fd, uint8_t af, const uint8_t *group, const uint8_t *local, int join);
/** "10.0.0.1" (no port). */
const char *gdoi_peer_str(const struct gdoi_p1_peer *p, char *buf, size_t cap);

/* ------------------------------------------------------------------ */
/* Text for operators                                                   */

/** An identity as text: an address, a name, a DN in RFC 2253 order, or
 *  hex for anything else; non-printable octets become '?'. */
const char *gdoi_id_str(const struct gdoi_id *id, char *buf, size_t cap);
/** Key fingerprint: hex of the first 8 octets of SHA-256(a | b). */
const char *gdoi_fingerprint(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
    char *buf, size_t cap);

/** Seconds from now to expiry (0 when past). */
unsigned gdoi_remaining_s(uint64_t expiry_ms, uint64_t now_ms);
/** "kek" section: transport, SPI, remaining and configured lifetime,
 *  algorithms, fingerprint. */
void gdoi_show_kek(struct gdoi_tree *t, const struct gdoi_kek *kek, uint64_t now_ms,
    uint64_t rekey_at_ms);
/** Section "<i>" of TEK i: SPI, transform, lifetimes, key sizes, the
 *  fingerprint and its access list. */
void gdoi_show_tek(struct gdoi_tree *t, const struct gdoi_gpolicy *p, size_t i,
    uint64_t now_ms, uint64_t rekey_at_ms);

/* ------------------------------------------------------------------ */
/* Control socket server                                                */

/**
 * A daemon's request handler: fill reply (GDOI_CTL_OK) or return a
 * negative value with err set (GDOI_CTL_ERROR).
 */
typedef int (*gdoi_ctl_handler)(void *arg, uint8_t type, const char *cmd,
    struct gdoi_tree *reply, char *err, size_t errcap);
/** Accept one connection on lfd, read one request (1 s timeout), answer. */
void gdoi_ctl_serve(int lfd, gdoi_ctl_handler h, void *arg);

/* The dispatch table of control commands (gdoi_ctl_cmd,
 * gdoi_ctl_dispatch) is in gdoi/ctl.h. */

/* ------------------------------------------------------------------ */
/* The runtime both daemons share: loop, control socket, one protocol   */
/* timer, signals, keylog, UDP receive loops                            */

/** What a daemon plugs into the runtime (arg is the daemon). */
struct gdoi_rt_ops {
	const char *ro_name;        /**< "Key server", "Group member": log text */
	const char *ro_stop;        /**< mnemonic of the stop line: "KS_STOP" */
	gdoi_ctl_handler ro_ctl;    /**< control requests */
	/** one datagram of at most 64 KiB from peer on fd */
	void (*ro_datagram)(void *arg, int fd, const struct gdoi_p1_peer *peer,
	    const uint8_t *msg, size_t len);
	/** a datagram that was larger than 64 KiB (dropped) */
	void (*ro_oversize)(void *arg, const struct gdoi_p1_peer *peer);
	void (*ro_timer)(void *arg);  /**< the protocol timer fired */
	void (*ro_rearm)(void *arg);  /**< after every event: arm the timer again */
	int (*ro_reload)(void *arg);  /**< SIGHUP */
	void (*ro_start)(void *arg);  /**< once running (gdoi_rt_run), may be NULL */
};

#define GDOI_RT_MAX_UDP 8

struct gdoi_rt {
	const struct gdoi_rt_ops *rt_ops;
	void *rt_arg;
	struct gdoi_ev_loop *rt_loop;
	struct gdoi_ev_timer *rt_timer;
	struct gdoi_ev_signal *rt_sig[3];
	int rt_ctl_fd;
	struct gdoi_ev_io *rt_ctl_io;
	char *rt_ctl_path;
	struct gdoi_keylog *rt_keylog;
	int rt_udp[GDOI_RT_MAX_UDP];      /**< UDP sockets (owned) */
	uint8_t rt_udp_af[GDOI_RT_MAX_UDP];
	struct gdoi_ev_io *rt_udp_io[GDOI_RT_MAX_UDP];
	size_t rt_nudp;
};

/** The loop, the timer and the signals; rt is zeroed first.  0 or -1. */
int gdoi_rt_init(struct gdoi_rt *rt, const struct gdoi_rt_ops *ops, void *arg);
/** Keylog (-k, configuration, $GDOI_KEYLOG) and control socket (-s, the
 *  configuration, else dflt).  0, or -1 with the reason logged. */
int gdoi_rt_open(struct gdoi_rt *rt, const struct gdoi_daemon_opts *o,
    const struct gdoi_conf *c, const char *dflt_ctl);
/** Bind a UDP socket (af 4/6, addr NULL = any) and watch it: its fd, or -errno. */
int gdoi_rt_udp(struct gdoi_rt *rt, uint8_t af, const uint8_t *addr, uint16_t port);
/**
 * The UDP sockets of configuration c on its port (848 by default): each
 * listen address, or without any 0.0.0.0 (required) and :: (when the
 * host has IPv6).  0, or -1 with the reason logged.
 */
int gdoi_rt_listen(struct gdoi_rt *rt, const struct gdoi_conf *c);
/** A watched UDP socket of that family, or -1. */
int gdoi_rt_udp_fd(const struct gdoi_rt *rt, uint8_t af);
/** Arm the protocol timer at at_ms (UINT64_MAX: stop). */
void gdoi_rt_timer_at(struct gdoi_rt *rt, uint64_t at_ms);
uint64_t gdoi_rt_now(const struct gdoi_rt *rt);
/** Close and free everything gdoi_rt_* made (removes the control socket). */
void gdoi_rt_free(struct gdoi_rt *rt);
/**
 * Run a daemon whose runtime is up: pid file (-p, else conf_pid), "GDOI
 * is ON", readiness to the parent, the loop until SIGTERM, "GDOI is OFF",
 * the pid file removed.  Returns main's exit code.
 */
int gdoi_rt_run(struct gdoi_rt *rt, const char *prog, const struct gdoi_daemon_opts *o,
    const char *conf_pid);

#endif
