/* event.c: not written yet */
typedef int gdoi_stub_event;
