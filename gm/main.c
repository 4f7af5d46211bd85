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
	int rc;

	gdoi_daemon_args(argc, argv, "gdoi-gm", GDOI_SYSCONFDIR "/gdoi/gm.xml", 0, &o);
	o.o_conf_check = gm_check_conf;
	if (o.o_check)
		return gdoi_daemon_check_conf("gdoi-gm", &o);
	if ((rc = gdoi_daemon_setup("gdoi-gm", &o)) != 0)
		return rc;
	if (gm_init(&m, &o) < 0) {
		gdoi_log("GDOI", GDOI_LOG_ERR, "GM_START_FAILED", "Group member not started");
		gm_free(&m);
		return 1;
	}
	rc = gdoi_rt_run(&m.m_rt, "gdoi-gm", &o, m.m_conf->c_pid_file);
	gm_free(&m);
	gdoi_log_close();
	return rc;
}
