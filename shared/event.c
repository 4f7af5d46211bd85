/*
 * The libev facade (event.h).  The only file that includes <ev.h>.
 */
#include <stdlib.h>
#include <time.h>

#include <ev.h>

#include "gdoi/event.h"

struct gdoi_ev_loop {
	struct ev_loop *l_ev;
};

struct gdoi_ev_io {
	ev_io w_io; /* first: the libev callback casts back */
	struct gdoi_ev_loop *w_loop;
	gdoi_ev_io_cb w_cb;
	void *w_arg;
};

struct gdoi_ev_timer {
	ev_timer w_t;
	struct gdoi_ev_loop *w_loop;
	gdoi_ev_timer_cb w_cb;
	void *w_arg;
};

struct gdoi_ev_signal {
	ev_signal w_s;
	struct gdoi_ev_loop *w_loop;
	gdoi_ev_signal_cb w_cb;
	void *w_arg;
};

static struct gdoi_ev_loop default_loop;

struct gdoi_ev_loop *
gdoi_ev_default(void)
{
	if (default_loop.l_ev == NULL)
		default_loop.l_ev = ev_default_loop(EVFLAG_AUTO);
	return default_loop.l_ev != NULL ? &default_loop : NULL;
}

void
gdoi_ev_run(struct gdoi_ev_loop *l)
{
	ev_run(l->l_ev, 0);
}

void
gdoi_ev_break(struct gdoi_ev_loop *l)
{
	ev_break(l->l_ev, EVBREAK_ALL);
}

/* Lab time scale: protocol time runs ev_scale times faster than the
 * monotonic clock, counted from ev_base (the moment it was set). */
static unsigned ev_scale = 1;
static uint64_t ev_base;

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int
gdoi_ev_set_timescale(unsigned n)
{
	if (n < 1 || n > GDOI_EV_TIMESCALE_MAX)
		return -1;
	ev_base = mono_ms();
	ev_scale = n;
	return 0;
}

unsigned
gdoi_ev_timescale(void)
{
	return ev_scale;
}

uint64_t
gdoi_ev_now_ms(struct gdoi_ev_loop *l)
{
	uint64_t m = mono_ms();

	(void)l;
	if (ev_scale == 1)
		return m;
	return ev_base + (m - ev_base) * ev_scale;
}

void
gdoi_ev_now_update(struct gdoi_ev_loop *l)
{
	ev_now_update(l->l_ev);
}

static void
io_cb(struct ev_loop *evl, ev_io *w, int revents)
{
	struct gdoi_ev_io *g = (struct gdoi_ev_io *)w;

	(void)evl;
	(void)revents;
	g->w_cb(g, w->fd, g->w_arg);
}

struct gdoi_ev_io *
gdoi_ev_io_new(struct gdoi_ev_loop *l, int fd, gdoi_ev_io_cb cb, void *arg)
{
	struct gdoi_ev_io *g = calloc(1, sizeof(*g));

	if (g == NULL)
		return NULL;
	g->w_loop = l;
	g->w_cb = cb;
	g->w_arg = arg;
	ev_io_init(&g->w_io, io_cb, fd, EV_READ);
	ev_io_start(l->l_ev, &g->w_io);
	return g;
}

void
gdoi_ev_io_free(struct gdoi_ev_io *g)
{
	if (g == NULL)
		return;
	ev_io_stop(g->w_loop->l_ev, &g->w_io);
	free(g);
}

static void
timer_cb(struct ev_loop *evl, ev_timer *w, int revents)
{
	struct gdoi_ev_timer *g = (struct gdoi_ev_timer *)w;

	(void)evl;
	(void)revents;
	g->w_cb(g, g->w_arg);
}

struct gdoi_ev_timer *
gdoi_ev_timer_new(struct gdoi_ev_loop *l, gdoi_ev_timer_cb cb, void *arg)
{
	struct gdoi_ev_timer *g = calloc(1, sizeof(*g));

	if (g == NULL)
		return NULL;
	g->w_loop = l;
	g->w_cb = cb;
	g->w_arg = arg;
	ev_init(&g->w_t, timer_cb);
	return g;
}

void
gdoi_ev_timer_at(struct gdoi_ev_timer *g, uint64_t at_ms)
{
	uint64_t now;
	double after;

	ev_timer_stop(g->w_loop->l_ev, &g->w_t);
	if (at_ms == UINT64_MAX)
		return;
	now = gdoi_ev_now_ms(g->w_loop);
	after = at_ms > now ? (double)(at_ms - now) / 1000.0 / ev_scale : 0.0;
	ev_timer_set(&g->w_t, after, 0.0);
	ev_timer_start(g->w_loop->l_ev, &g->w_t);
}

void
gdoi_ev_timer_stop(struct gdoi_ev_timer *g)
{
	ev_timer_stop(g->w_loop->l_ev, &g->w_t);
}

void
gdoi_ev_timer_free(struct gdoi_ev_timer *g)
{
	if (g == NULL)
		return;
	ev_timer_stop(g->w_loop->l_ev, &g->w_t);
	free(g);
}

static void
signal_cb(struct ev_loop *evl, ev_signal *w, int revents)
{
	struct gdoi_ev_signal *g = (struct gdoi_ev_signal *)w;

	(void)evl;
	(void)revents;
	g->w_cb(g, w->signum, g->w_arg);
}

struct gdoi_ev_signal *
gdoi_ev_signal_new(struct gdoi_ev_loop *l, int signum, gdoi_ev_signal_cb cb, void *arg)
{
	struct gdoi_ev_signal *g = calloc(1, sizeof(*g));

	if (g == NULL)
		return NULL;
	g->w_loop = l;
	g->w_cb = cb;
	g->w_arg = arg;
	ev_signal_init(&g->w_s, signal_cb, signum);
	ev_signal_start(l->l_ev, &g->w_s);
	return g;
}

void
gdoi_ev_signal_free(struct gdoi_ev_signal *g)
{
	if (g == NULL)
		return;
	ev_signal_stop(g->w_loop->l_ev, &g->w_s);
	free(g);
}
