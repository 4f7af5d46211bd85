/* daemon.c: not written yet */
typedef int gdoi_stub_daemon;
