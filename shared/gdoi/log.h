/*
 * Logging for the daemons: IOS-style message lines.
 *
 *   %GDOI-5-GM_REGS_COMPL: Registration to KS 10.0.0.1 complete for group G1 using address 10.0.0.11
 *   %CRYPTO-5-GM_REGSTER: Start registration to KS 10.0.0.1 for group G1 using address 10.0.0.11
 *
 * Each line is "%<FACILITY>-<severity digit>-<MNEMONIC>: <text>", the
 * severity being the syslog level (0 emergency .. 7 debug).  Lines go to
 * syslog (daemon facility, with the program name and pid) or to stderr
 * with a timestamp, as chosen by gdoi_log_open().  Debug lines carry a
 * subsystem token and are printed only when that token (or "all") was
 * enabled with gdoi_log_debug_enable("pull,p1").
 *
 * A hook (gdoi_log_set_hook) sees every line that is emitted, for tests.
 * Malformed input is reported through a struct gdoi_ratelimit: at most
 * one line per interval, the suppressed count added to the next line.
 */
#ifndef GDOI_LOG_H
#define GDOI_LOG_H

#include <stdarg.h>
#include <stdint.h>

#define GDOI_LOG_EMERG 0
#define GDOI_LOG_ALERT 1
#define GDOI_LOG_CRIT 2
#define GDOI_LOG_ERR 3
#define GDOI_LOG_WARNING 4
#define GDOI_LOG_NOTICE 5
#define GDOI_LOG_INFO 6
#define GDOI_LOG_DEBUG 7

#define GDOI_LOG_STDERR 0
#define GDOI_LOG_SYSLOG 1

/** ident: program name ("gdoi-ks"); where: GDOI_LOG_STDERR or _SYSLOG. */
void gdoi_log_open(const char *ident, int where);
void gdoi_log_close(void);
/** Lines above this severity number are dropped (default INFO). */
void gdoi_log_set_level(int sev);
/** Comma-separated debug tokens; "all" enables every one. 0 or -1 (unknown syntax). */
int gdoi_log_debug_enable(const char *tokens);
int gdoi_log_debug_on(const char *token);

/** facility "GDOI", "CRYPTO", ...; mnemonic "GM_REGS_COMPL". */
void gdoi_log(const char *facility, int sev, const char *mnemonic, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void gdoi_vlog(const char *facility, int sev, const char *mnemonic, const char *fmt,
    va_list ap);
/** "%GDOI-7-DEBUG: [token] text" when token is enabled. */
void gdoi_debug(const char *token, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Shorthands for the GDOI facility. */
#define GLOG(sev, mnem, ...) gdoi_log("GDOI", GDOI_LOG_##sev, mnem, __VA_ARGS__)

/** Sees the formatted line ("%GDOI-5-...: text", no newline). */
typedef void (*gdoi_log_hook)(void *arg, int sev, const char *line);
void gdoi_log_set_hook(gdoi_log_hook hook, void *arg);

/** Rate limit: one line per rl_interval_ms; rl_* zero-initialised. */
struct gdoi_ratelimit {
	uint64_t rl_interval_ms;  /**< 0 = 10000 */
	uint64_t rl_last_ms;
	uint64_t rl_suppressed;
	uint8_t rl_used;
};
/** Log unless rate-limited at now_ms; "(N similar messages suppressed)" appended. */
void gdoi_log_rl(struct gdoi_ratelimit *rl, uint64_t now_ms, const char *facility, int sev,
    const char *mnemonic, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#endif
