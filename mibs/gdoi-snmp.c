/*
 * gdoi-snmp: an AgentX subagent that serves GDOI-LINUX-MIB.
 *
 * Design.
 *  - The daemons stay free of net-snmp.  gdoi-ks and gdoi-gm already
 *    answer "show" requests on their control sockets with a
 *    self-describing tree (STYLE rule 13), and its keys are a stable
 *    contract (rule 15).  This program is one more client of that
 *    socket, like gdoictl: it asks each key server for "crypto gdoi ks
 *    members" and each group member for "crypto gdoi", and maps the
 *    replies to MIB rows.  A daemon never blocks on SNMP, a crash of the
 *    agent never takes a daemon down, and the MIB cannot show anything
 *    that the CLI does not.
 *  - The mapping is pure (gdoi_mib.c): trees in, a sorted array of
 *    (OID, type, value) rows out, with GET and GETNEXT as binary
 *    searches.  check_mib.c tests it on fixed trees without snmpd (rule
 *    19).  This file only holds the net-snmp glue: options, the AgentX
 *    session, one handler for the whole subtree, and the snapshot cache.
 *  - One handler over gdoiMIBObjects instead of net-snmp's table helpers:
 *    the rows come whole from a snapshot, sparse columns (a missing value
 *    is a missing instance) fall out of the row list, and GETNEXT order
 *    is decided in one place that the unit test covers.
 *  - Snapshot: the replies are fetched at most once per cache period
 *    (-c, default 1000 ms), on the first request after it ran out, so
 *    the rows of one walk come from one moment and a walk costs the
 *    daemons one request each.  A daemon that does not answer (within -t
 *    ms, default 300, well inside the master's AgentX timeout of 1 s)
 *    has no rows; its groups' index range stays reserved at the size of
 *    its last good reply, so the daemons after it keep their indexes.
 *    A change of reachability is logged once, not per request.
 *  - AgentX: the master socket is -x, or net-snmp's default
 *    (/var/agentx/master, or agentXSocket in gdoi-snmp.conf).  The
 *    subagent pings the master every 15 s (-P) and reconnects when the
 *    master comes back.  Nothing is persisted (no state is written under
 *    /var/lib/snmp).
 *  - Foreground only (for systemd or a supervisor); logs to stderr, or to
 *    syslog with -s.  SIGTERM/SIGINT stop it; SIGHUP drops the snapshot.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "gdoi/ctl.h"
#include "gdoi/err.h"
#include "gdoi/tree.h"
#include "gdoi_mib.h"

#define PROG "gdoi-snmp"
#define MAX_SOURCES 16

struct source {
	const char *s_path;
	int s_role;           /* GDOI_MIB_ROLE_KS or _GM */
	int s_state;          /* 0 unknown, 1 answering, -1 not answering */
	uint32_t s_groups;    /* groups in the last good reply */
};

static struct source sources[MAX_SOURCES];
static size_t nsources;
static unsigned cache_ms = 1000, timeout_ms = 300;
static struct gdoi_mib *snap;
static uint64_t snap_ms;
static volatile sig_atomic_t stop, drop;

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
source_state(struct source *s, int ok, const char *why)
{
	if (ok && s->s_state != 1)
		snmp_log(LOG_INFO, "%s: %s answers\n", PROG, s->s_path);
	else if (!ok && s->s_state != -1)
		snmp_log(LOG_WARNING, "%s: %s: %s (its rows are absent until it answers)\n",
		    PROG, s->s_path, why);
	s->s_state = ok ? 1 : -1;
}

/* Ask one daemon; its reply tree, or NULL (logged). */
static struct gdoi_tree *
fetch(struct source *s)
{
	const char *cmd = s->s_role == GDOI_MIB_ROLE_KS ? "crypto gdoi ks members" : "crypto gdoi";
	struct gdoi_tree *t = NULL;
	uint8_t rtype, *body = NULL;
	size_t len;
	char why[160];
	int fd, rc;

	if ((fd = gdoi_ctl_connect(s->s_path)) < 0) {
		snprintf(why, sizeof(why), "cannot connect: %s", strerror(-fd));
		source_state(s, 0, why);
		return NULL;
	}
	rc = gdoi_ctl_send(fd, GDOI_CTL_SHOW, cmd, strlen(cmd));
	if (rc == GDOI_OK)
		rc = gdoi_ctl_recv(fd, timeout_ms, &rtype, &body, &len);
	close(fd);
	if (rc != GDOI_OK)
		snprintf(why, sizeof(why), "show %s: %s", cmd, gdoi_ctl_strerror(rc));
	else if (rtype != GDOI_CTL_OK)
		snprintf(why, sizeof(why), "show %s: the daemon refused: %.*s", cmd,
		    (int)(len > 100 ? 100 : len), body != NULL ? (const char *)body : "");
	else if ((rc = gdoi_tree_decode(body, len, &t)) != GDOI_OK)
		snprintf(why, sizeof(why), "show %s: bad reply: %s", cmd, gdoi_strerror(rc));
	free(body);
	source_state(s, t != NULL, why);
	return t;
}

/* Make snap current: reuse it within the cache period, else rebuild. */
static void
refresh(void)
{
	struct gdoi_mib *m;
	struct gdoi_tree *t;
	uint32_t before;
	uint64_t now = mono_ms();
	size_t i;
	int rc = GDOI_OK;

	if (drop) {
		drop = 0;
		snap_ms = 0;
	}
	if (snap != NULL && snap_ms != 0 && now - snap_ms < cache_ms)
		return;
	if ((m = gdoi_mib_new()) == NULL) {
		snmp_log(LOG_ERR, "%s: out of memory\n", PROG);
		return;
	}
	for (i = 0; i < nsources && rc == GDOI_OK; i++) {
		struct source *s = &sources[i];

		before = gdoi_mib_groups(m, s->s_role);
		if ((t = fetch(s)) == NULL) {
			/* keep the indexes of the daemons after this one */
			gdoi_mib_reserve(m, s->s_role, s->s_groups);
			continue;
		}
		rc = s->s_role == GDOI_MIB_ROLE_KS ? gdoi_mib_add_ks(m, t) : gdoi_mib_add_gm(m, t);
		s->s_groups = gdoi_mib_groups(m, s->s_role) - before;
		gdoi_tree_free(t);
	}
	if (rc == GDOI_OK)
		rc = gdoi_mib_finish(m);
	if (rc != GDOI_OK) {
		snmp_log(LOG_ERR, "%s: cannot build the table: %s (the previous one is served)\n",
		    PROG, gdoi_strerror(rc));
		gdoi_mib_free(m);
		return;
	}
	gdoi_mib_free(snap);
	snap = m;
	snap_ms = mono_ms();
}

/* ------------------------------------------------------------------ */
/* The handler of gdoiMIBObjects                                        */

/* A request OID as uint32 sub-identifiers, at most GDOI_MIB_OID_MAX of
 * them: rows are never longer, so a longer OID is never a row, and its
 * GETNEXT is the strict GETNEXT of its truncation. */
static size_t
oid_in(const oid *name, size_t len, uint32_t *out)
{
	size_t i;

	if (len > GDOI_MIB_OID_MAX)
		len = GDOI_MIB_OID_MAX;
	for (i = 0; i < len; i++)
		out[i] = name[i] > UINT32_MAX ? UINT32_MAX : (uint32_t)name[i];
	return len;
}

static void
set_value(netsnmp_variable_list *vb, const struct gdoi_mib_row *r)
{
	switch (r->r_type) {
	case GDOI_MIB_OCTETS:
		snmp_set_var_typed_value(vb, ASN_OCTET_STR, r->r_str, r->r_strlen);
		break;
	case GDOI_MIB_COUNTER:
		snmp_set_var_typed_integer(vb, ASN_COUNTER, (long)r->r_num);
		break;
	case GDOI_MIB_GAUGE:
		snmp_set_var_typed_integer(vb, ASN_GAUGE, (long)r->r_num);
		break;
	case GDOI_MIB_INTEGER:
		snmp_set_var_typed_integer(vb, ASN_INTEGER, (long)(int32_t)r->r_num);
		break;
	}
}

static int
handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
    netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	const struct gdoi_mib_row *r;
	netsnmp_request_info *req;
	netsnmp_variable_list *vb;
	uint32_t o[GDOI_MIB_OID_MAX];
	oid name[GDOI_MIB_OID_MAX];
	size_t len, i;

	(void)h;
	(void)reg;
	if (reqinfo->mode != MODE_GET && reqinfo->mode != MODE_GETNEXT)
		return SNMP_ERR_NOERROR;	/* HANDLER_CAN_RONLY: the agent refuses sets */
	refresh();
	for (req = requests; req != NULL; req = req->next) {
		if (req->processed)
			continue;
		vb = req->requestvb;
		len = oid_in(vb->name, vb->name_length, o);
		r = NULL;
		if (snap != NULL && vb->name_length <= GDOI_MIB_OID_MAX &&
		    (reqinfo->mode == MODE_GET || req->inclusive))
			r = gdoi_mib_get(snap, o, len);
		if (reqinfo->mode == MODE_GET) {
			if (r == NULL && vb->name_length <= GDOI_MIB_OID_MAX &&
			    gdoi_mib_is_object(o, len))
				netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHINSTANCE);
			else if (r == NULL)
				netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHOBJECT);
			else
				set_value(vb, r);
			continue;
		}
		if (r == NULL && snap != NULL)
			r = gdoi_mib_next(snap, o, len);
		if (r == NULL)
			continue;	/* nothing after it here: the agent moves on */
		for (i = 0; i < r->r_oidlen; i++)
			name[i] = r->r_oid[i];
		snmp_set_var_objid(vb, name, r->r_oidlen);
		set_value(vb, r);
	}
	return SNMP_ERR_NOERROR;
}

/* ------------------------------------------------------------------ */

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		drop = 1;
	else
		stop = 1;
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: %s [-sV] [-x AGENTX_SOCKET] [-k KS_SOCKET]... [-g GM_SOCKET]...\n"
	    "       [-c CACHE_MS] [-t TIMEOUT_MS] [-P PING_S] [-D TOKENS]\n"
	    "  -x PATH   AgentX master socket (default: net-snmp's, /var/agentx/master)\n"
	    "  -k PATH   control socket of a gdoi-ks (repeatable)\n"
	    "  -g PATH   control socket of a gdoi-gm (repeatable)\n"
	    "  -c MS     reuse the daemons' replies for MS milliseconds (default 1000)\n"
	    "  -t MS     wait at most MS milliseconds for a daemon's reply (default 300)\n"
	    "  -P S      ping the master every S seconds, reconnect if lost (default 15)\n"
	    "  -D TOKENS net-snmp debug tokens (comma-separated, \"ALL\" for all)\n"
	    "  -s        log to syslog (daemon facility) instead of stderr\n"
	    "  -V        print the version\n", PROG);
}

static unsigned
num_arg(int c, const char *s, unsigned max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v > max || s[0] == '-') {
		fprintf(stderr, "%s: -%c: not a number from 0 to %u: %s\n", PROG, c, max, s);
		exit(2);
	}
	return (unsigned)v;
}

int
main(int argc, char **argv)
{
	static const oid objects[] = { GDOI_MIB_ROOT, 1 };	/* gdoiMIBObjects */
	netsnmp_handler_registration *reg;
	const char *xsock = NULL, *debug = NULL;
	struct sigaction sa;
	unsigned ping = 15;
	int c, use_syslog = 0;

	while ((c = getopt(argc, argv, "x:k:g:c:t:P:D:sVh")) != -1) {
		switch (c) {
		case 'x':
			xsock = optarg;
			break;
		case 'k':
		case 'g':
			if (nsources == MAX_SOURCES) {
				fprintf(stderr, "%s: at most %d control sockets\n", PROG, MAX_SOURCES);
				return 2;
			}
			if (*optarg == '\0') {
				fprintf(stderr, "%s: -%c: empty path\n", PROG, c);
				return 2;
			}
			sources[nsources].s_path = optarg;
			sources[nsources].s_role = c == 'k' ? GDOI_MIB_ROLE_KS : GDOI_MIB_ROLE_GM;
			nsources++;
			break;
		case 'c':
			cache_ms = num_arg(c, optarg, 3600000);
			break;
		case 't':
			timeout_ms = num_arg(c, optarg, 60000);
			if (timeout_ms == 0)
				timeout_ms = 1;	/* 0 would be gdoi_ctl_recv's "for ever" */
			break;
		case 'P':
			ping = num_arg(c, optarg, 86400);
			break;
		case 'D':
			debug = optarg;
			break;
		case 's':
			use_syslog = 1;
			break;
		case 'V':
			printf("%s %s (net-snmp %s)\n", PROG, PACKAGE_VERSION, netsnmp_get_version());
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected argument: %s\n", PROG, argv[optind]);
		usage(stderr);
		return 2;
	}
	if (nsources == 0) {
		fprintf(stderr, "%s: give at least one -k or -g control socket\n", PROG);
		usage(stderr);
		return 2;
	}

	if (use_syslog)
		snmp_enable_syslog_ident(PROG, LOG_DAEMON);
	else
		snmp_enable_stderrlog();
	if (debug != NULL) {
		debug_register_tokens(debug);
		snmp_set_do_debugging(1);
	}
	/* An AgentX subagent that keeps no state on disk. */
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	if (xsock != NULL)
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET, xsock);
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
	    (int)ping);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	if (init_agent(PROG) != 0) {
		snmp_log(LOG_ERR, "%s: cannot initialise the agent library\n", PROG);
		return 1;
	}
	reg = netsnmp_create_handler_registration("gdoiMIBObjects", handler, objects,
	    OID_LENGTH(objects), HANDLER_CAN_RONLY);
	if (reg == NULL || netsnmp_register_handler(reg) != MIB_REGISTERED_OK) {
		snmp_log(LOG_ERR, "%s: cannot register gdoiMIBObjects\n", PROG);
		return 1;
	}
	init_snmp(PROG);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: a signal ends the wait */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	snmp_log(LOG_INFO, "%s %s: serving GDOI-LINUX-MIB for %zu daemon(s)\n", PROG,
	    PACKAGE_VERSION, nsources);
	while (!stop)
		agent_check_and_process(1);
	snmp_log(LOG_INFO, "%s: stopping\n", PROG);
	snmp_shutdown(PROG);
	gdoi_mib_free(snap);
	return 0;
}
