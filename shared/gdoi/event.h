/*
 * The event loop facade over libev: the only code that includes <ev.h> is
 * event.c.  One loop per daemon; watchers are allocated here and owned by
 * the caller (free them before the loop).
 *
 * Time.  gdoi_ev_now_ms() is the daemons' one clock: CLOCK_MONOTONIC in
 * milliseconds (times the lab time scale, when set), so wall-clock steps
 * never move a protocol timer.
 * Timers take an absolute deadline on that clock, so protocol modules
 * (p1, pull) that return deadlines plug in directly.
 */
#ifndef GDOI_EVENT_H
#define GDOI_EVENT_H

#include <stdint.h>

struct gdoi_ev_loop;
struct gdoi_ev_io;
struct gdoi_ev_timer;
struct gdoi_ev_signal;

typedef void (*gdoi_ev_io_cb)(struct gdoi_ev_io *w, int fd, void *arg);
typedef void (*gdoi_ev_timer_cb)(struct gdoi_ev_timer *w, void *arg);
typedef void (*gdoi_ev_signal_cb)(struct gdoi_ev_signal *w, int signum, void *arg);

/**
 * Lab time scale: from now on protocol time (gdoi_ev_now_ms and every
 * timer) runs n times faster than real time, so days of lifetimes pass
 * in minutes.  Lifetimes on the wire stay in protocol seconds, so every
 * daemon of a lab must run with the same n.  Real deployments never set
 * it (the daemons refuse -T unless GDOI_LAB=1 is in the environment).
 * Returns 0, or -1 when n is outside 1..GDOI_EV_TIMESCALE_MAX.
 */
#define GDOI_EV_TIMESCALE_MAX 1000
int gdoi_ev_set_timescale(unsigned n);
unsigned gdoi_ev_timescale(void);

/** The default loop (handles signals). */
struct gdoi_ev_loop *gdoi_ev_default(void);
void gdoi_ev_run(struct gdoi_ev_loop *l);
void gdoi_ev_break(struct gdoi_ev_loop *l);
/** Monotonic milliseconds of this loop iteration. */
uint64_t gdoi_ev_now_ms(struct gdoi_ev_loop *l);
/** Refresh libev's cached time (after blocking work). */
void gdoi_ev_now_update(struct gdoi_ev_loop *l);

/** Readable-fd watcher, started at once. */
struct gdoi_ev_io *gdoi_ev_io_new(struct gdoi_ev_loop *l, int fd, gdoi_ev_io_cb cb, void *arg);
void gdoi_ev_io_free(struct gdoi_ev_io *w);

/** A stopped timer. */
struct gdoi_ev_timer *gdoi_ev_timer_new(struct gdoi_ev_loop *l, gdoi_ev_timer_cb cb, void *arg);
/** Fire once at absolute time at_ms (UINT64_MAX = stop); re-arming replaces. */
void gdoi_ev_timer_at(struct gdoi_ev_timer *w, uint64_t at_ms);
void gdoi_ev_timer_stop(struct gdoi_ev_timer *w);
void gdoi_ev_timer_free(struct gdoi_ev_timer *w);

struct gdoi_ev_signal *gdoi_ev_signal_new(struct gdoi_ev_loop *l, int signum,
    gdoi_ev_signal_cb cb, void *arg);
void gdoi_ev_signal_free(struct gdoi_ev_signal *w);

#endif
