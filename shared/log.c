/*
 * Logging for the daemons (see gdoi/log.h).
 *
 * A line is "%FAC-N-MNEMONIC: text", at most GDOI_LOG_LINE - 1 bytes
 * (longer text is cut).  After formatting, every byte of the line outside
 * printable ASCII (0x20..0x7e) is replaced by '?': names and identities
 * from peers end up in the text, and they must not be able to start a new
 * log line or send escape sequences to a terminal.  The hook, syslog and
 * stderr all see the same sanitized line.
 *
 * Filtering: gdoi_log() lines are emitted when their severity is at most
 * the level (gdoi_log_set_level, default INFO).  gdoi_debug() lines depend
 * on their token only: enabling a token is the request to see them,
 * whatever the level.
 *
 * Debug tokens: gdoi_log_debug_enable() adds to the enabled set (several
 * -D options add up); NULL or "" empties it.  A token is 1..31 characters
 * of [a-z0-9_-]; "all" enables every token.  On a syntax error nothing
 * changes and -1 is returned.
 *
 * Before gdoi_log_open() lines go to stderr under the ident "gdoi".  The
 * module keeps global state: the daemons are single-threaded.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "gdoi/log.h"

#define GDOI_LOG_LINE 1024
#define GDOI_LOG_NTOKENS 32
#define GDOI_LOG_TOKLEN 32
#define GDOI_LOG_RL_DEFAULT_MS 10000

static struct {
	char lg_ident[64];
	int lg_where;
	int lg_level;
	int lg_syslog;        /* openlog() was called */
	int lg_dbg_all;
	unsigned lg_ndbg;
	char lg_dbg[GDOI_LOG_NTOKENS][GDOI_LOG_TOKLEN];
	gdoi_log_hook lg_hook;
	void *lg_hook_arg;
} lg = {
	.lg_ident = "gdoi",
	.lg_where = GDOI_LOG_STDERR,
	.lg_level = GDOI_LOG_INFO,
};

void
gdoi_log_open(const char *ident, int where)
{
	if (lg.lg_syslog) {
		closelog();
		lg.lg_syslog = 0;
	}
	snprintf(lg.lg_ident, sizeof(lg.lg_ident), "%s", ident ? ident : "gdoi");
	lg.lg_where = where == GDOI_LOG_SYSLOG ? GDOI_LOG_SYSLOG : GDOI_LOG_STDERR;
	if (lg.lg_where == GDOI_LOG_SYSLOG) {
		/* openlog() keeps the pointer: lg_ident lives as long as we do. */
		openlog(lg.lg_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
		lg.lg_syslog = 1;
	}
}

void
gdoi_log_close(void)
{
	if (lg.lg_syslog) {
		closelog();
		lg.lg_syslog = 0;
	}
	lg.lg_where = GDOI_LOG_STDERR;
}

void
gdoi_log_set_level(int sev)
{
	if (sev < GDOI_LOG_EMERG)
		sev = GDOI_LOG_EMERG;
	if (sev > GDOI_LOG_DEBUG)
		sev = GDOI_LOG_DEBUG;
	lg.lg_level = sev;
}

void
gdoi_log_set_hook(gdoi_log_hook hook, void *arg)
{
	lg.lg_hook = hook;
	lg.lg_hook_arg = arg;
}

static int
token_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

int
gdoi_log_debug_enable(const char *tokens)
{
	char add[GDOI_LOG_NTOKENS][GDOI_LOG_TOKLEN];
	unsigned nadd = 0, i, j, total;
	const char *p = tokens, *e;
	int all = 0, dup;
	size_t len;

	if (tokens == NULL || *tokens == '\0') {
		lg.lg_dbg_all = 0;
		lg.lg_ndbg = 0;
		return 0;
	}
	/* Parse everything first, so that an error changes nothing. */
	for (;;) {
		for (e = p; *e != '\0' && *e != ','; e++)
			if (!token_char(*e))
				return -1;
		len = (size_t)(e - p);
		if (len == 0 || len >= GDOI_LOG_TOKLEN || nadd == GDOI_LOG_NTOKENS)
			return -1;
		memcpy(add[nadd], p, len);
		add[nadd][len] = '\0';
		if (strcmp(add[nadd], "all") == 0)
			all = 1;
		else
			nadd++;
		if (*e == '\0')
			break;
		p = e + 1;
	}
	total = lg.lg_ndbg;
	for (i = 0; i < nadd; i++) {
		for (dup = 0, j = 0; j < total && !dup; j++)
			dup = strcmp(lg.lg_dbg[j], add[i]) == 0;
		if (!dup && total == GDOI_LOG_NTOKENS)
			return -1;
		if (!dup)
			total++;
	}
	for (i = 0; i < nadd; i++) {
		for (dup = 0, j = 0; j < lg.lg_ndbg && !dup; j++)
			dup = strcmp(lg.lg_dbg[j], add[i]) == 0;
		if (!dup)
			memcpy(lg.lg_dbg[lg.lg_ndbg++], add[i], GDOI_LOG_TOKLEN);
	}
	if (all)
		lg.lg_dbg_all = 1;
	return 0;
}

int
gdoi_log_debug_on(const char *token)
{
	unsigned i;

	if (lg.lg_dbg_all)
		return 1;
	if (token == NULL)
		return 0;
	for (i = 0; i < lg.lg_ndbg; i++)
		if (strcmp(lg.lg_dbg[i], token) == 0)
			return 1;
	return 0;
}

/* Write all of buf to stderr (one write in practice: one line, atomic). */
static void
stderr_write(const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(STDERR_FILENO, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

static void
output(int sev, const char *line)
{
	char out[GDOI_LOG_LINE + 128], stamp[32];
	struct timespec ts;
	struct tm tm;
	int n;

	if (lg.lg_hook != NULL)
		lg.lg_hook(lg.lg_hook_arg, sev, line);
	if (lg.lg_where == GDOI_LOG_SYSLOG) {
		syslog(sev, "%s", line);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	if (localtime_r(&ts.tv_sec, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(stamp, sizeof(stamp), "%lld", (long long)ts.tv_sec);
	n = snprintf(out, sizeof(out), "%s.%03ld %s[%ld]: %s\n", stamp, ts.tv_nsec / 1000000L,
	    lg.lg_ident, (long)getpid(), line);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(out)) {
		n = (int)sizeof(out) - 1;
		out[n - 1] = '\n';
	}
	stderr_write(out, (size_t)n);
}

/*
 * Format, sanitize and emit one line: "%FAC-N-MNEM: " pre text suffix.
 * The caller has filtered.  errno is preserved, so callers may log and
 * then report errno.
 */
static void
emit(const char *facility, int sev, const char *mnemonic, const char *pre,
    const char *suffix, const char *fmt, va_list ap)
{
	char line[GDOI_LOG_LINE];
	size_t len, cap;
	int saved = errno, n;
	char *p;

	if (sev < GDOI_LOG_EMERG)
		sev = GDOI_LOG_EMERG;
	if (sev > GDOI_LOG_DEBUG)
		sev = GDOI_LOG_DEBUG;
	/* A cut text keeps the suffix (the suppressed count) whole. */
	cap = sizeof(line) - (suffix ? strlen(suffix) : 0);
	n = snprintf(line, cap, "%%%s-%d-%s: %s", facility ? facility : "GDOI", sev,
	    mnemonic ? mnemonic : "MSG", pre ? pre : "");
	len = n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
	line[len] = '\0';
	if (fmt != NULL && len < cap - 1) {
		n = vsnprintf(line + len, cap - len, fmt, ap);
		if (n > 0)
			len += (size_t)n < cap - len ? (size_t)n : cap - len - 1;
		line[len] = '\0';
	}
	if (suffix != NULL)
		snprintf(line + len, sizeof(line) - len, "%s", suffix);
	for (p = line; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = '?';
	output(sev, line);
	errno = saved;
}

void
gdoi_vlog(const char *facility, int sev, const char *mnemonic, const char *fmt, va_list ap)
{
	if (sev > lg.lg_level)
		return;
	emit(facility, sev, mnemonic, NULL, NULL, fmt, ap);
}

void
gdoi_log(const char *facility, int sev, const char *mnemonic, const char *fmt, ...)
{
	va_list ap;

	if (sev > lg.lg_level)
		return;
	va_start(ap, fmt);
	emit(facility, sev, mnemonic, NULL, NULL, fmt, ap);
	va_end(ap);
}

void
gdoi_debug(const char *token, const char *fmt, ...)
{
	char pre[GDOI_LOG_TOKLEN + 4];
	va_list ap;

	if (!gdoi_log_debug_on(token))
		return;
	snprintf(pre, sizeof(pre), "[%s] ", token ? token : "");
	va_start(ap, fmt);
	emit("GDOI", GDOI_LOG_DEBUG, "DEBUG", pre, NULL, fmt, ap);
	va_end(ap);
}

void
gdoi_log_rl(struct gdoi_ratelimit *rl, uint64_t now_ms, const char *facility, int sev,
    const char *mnemonic, const char *fmt, ...)
{
	uint64_t interval = rl->rl_interval_ms ? rl->rl_interval_ms : GDOI_LOG_RL_DEFAULT_MS;
	char suffix[64];
	va_list ap;

	if (sev > lg.lg_level)
		return;	/* not shown anyway: neither counted nor timed */
	if (rl->rl_used && now_ms >= rl->rl_last_ms && now_ms - rl->rl_last_ms < interval) {
		rl->rl_suppressed++;
		return;
	}
	suffix[0] = '\0';
	if (rl->rl_suppressed > 0)
		snprintf(suffix, sizeof(suffix), " (%llu similar messages suppressed)",
		    (unsigned long long)rl->rl_suppressed);
	rl->rl_used = 1;
	rl->rl_last_ms = now_ms;
	rl->rl_suppressed = 0;
	va_start(ap, fmt);
	emit(facility, sev, mnemonic, NULL, suffix, fmt, ap);
	va_end(ap);
}
