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
	int rc;

	gdoi_daemon_args(argc, argv, "gdoi-ks", GDOI_SYSCONFDIR "/gdoi/ks.xml", 1, &o);
	o.o_conf_check = ks_check_conf;
	if (o.o_check)
		return gdoi_daemon_check_conf("gdoi-ks", &o);
	if ((rc = gdoi_daemon_setup("gdoi-ks", &o)) != 0)
		return rc;
	if (ks_init(&k, &o) < 0) {
		gdoi_log("GDOI", GDOI_LOG_ERR, "KS_START_FAILED", "Key server not started");
		ks_free(&k);
		return 1;
	}
	rc = gdoi_rt_run(&k.k_rt, "gdoi-ks", &o, k.k_conf->c_pid_file);
	ks_free(&k);
	gdoi_log_close();
	return rc;
}
