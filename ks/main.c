/*
 * gdoi-ks: argument parsing and the loop; everything else is in libks.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdoi/config.h"
#include "gdoi/daemon.h"
#include "gdoi/log.h"
#include "ks.h"

int
main(int argc, char **argv)
{
	struct gdoi_daemon_opts o;
	struct ks k;
	char *pid = NULL;
	int rc;

	gdoi_daemon_args(argc, argv, "gdoi-ks", GDOI_SYSCONFDIR "/gdoi/ks.xml", 1, &o);
	if (o.o_check)
		return gdoi_daemon_check_conf("gdoi-ks", o.o_conf);
	if ((rc = gdoi_daemon_setup("gdoi-ks", &o)) != 0)
		return rc;
	if (ks_init(&k, &o) < 0) {
		gdoi_log("GDOI", GDOI_LOG_ERR, "KS_START_FAILED", "Key server not started");
		ks_free(&k);
		return 1;
	}
	if (o.o_pid != NULL || k.k_conf->c_pid_file != NULL)
		pid = strdup(o.o_pid != NULL ? o.o_pid : k.k_conf->c_pid_file);
	if (pid != NULL && (rc = gdoi_pidfile_write(pid)) < 0) {
		gdoi_log("GDOI", GDOI_LOG_ERR, "KS_START_FAILED", "pid file %s: %s", pid,
		    strerror(-rc));
		free(pid);
		ks_free(&k);
		return 1;
	}
	gdoi_log("CRYPTO", GDOI_LOG_INFO, "GDOI_ON_OFF", "GDOI is ON");
	gdoi_log("GDOI", GDOI_LOG_NOTICE, "KS_START",
	    "Key server started with %zu group%s from %s", k.k_ngroups,
	    k.k_ngroups == 1 ? "" : "s", o.o_conf);
	gdoi_daemon_ready();
	gdoi_ev_run(k.k_loop);
	gdoi_log("CRYPTO", GDOI_LOG_INFO, "GDOI_ON_OFF", "GDOI is OFF");
	ks_free(&k);
	if (pid != NULL)
		gdoi_pidfile_remove(pid);
	free(pid);
	gdoi_log_close();
	return 0;
}
