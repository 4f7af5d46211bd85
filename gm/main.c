/*
 * gdoi-gm: argument parsing and the loop; everything else is in libgm.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gdoi/daemon.h"
#include "gdoi/log.h"
#include "gm.h"

int
main(int argc, char **argv)
{
	struct gdoi_daemon_opts o;
	struct gm m;
	char *pid = NULL;
	int rc;

	gdoi_daemon_args(argc, argv, "gdoi-gm", GDOI_SYSCONFDIR "/gdoi/gm.xml", 0, &o);
	if (o.o_check)
		return gdoi_daemon_check_conf("gdoi-gm", o.o_conf);
	if ((rc = gdoi_daemon_setup("gdoi-gm", &o)) != 0)
		return rc;
	if (gm_init(&m, &o) < 0) {
		gdoi_log("GDOI", GDOI_LOG_ERR, "GM_START_FAILED", "Group member not started");
		gm_free(&m);
		return 1;
	}
	if (o.o_pid != NULL || m.m_conf->c_pid_file != NULL)
		pid = strdup(o.o_pid != NULL ? o.o_pid : m.m_conf->c_pid_file);
	if (pid != NULL && (rc = gdoi_pidfile_write(pid)) < 0) {
		gdoi_log("GDOI", GDOI_LOG_ERR, "GM_START_FAILED", "pid file %s: %s", pid,
		    strerror(-rc));
		free(pid);
		gm_free(&m);
		return 1;
	}
	gdoi_log("CRYPTO", GDOI_LOG_INFO, "GDOI_ON_OFF", "GDOI is ON");
	gdoi_daemon_ready();
	gm_start(&m);
	gdoi_ev_run(m.m_loop);
	gdoi_log("CRYPTO", GDOI_LOG_INFO, "GDOI_ON_OFF", "GDOI is OFF");
	gm_free(&m);
	if (pid != NULL)
		gdoi_pidfile_remove(pid);
	free(pid);
	gdoi_log_close();
	return 0;
}
