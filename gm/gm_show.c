typedef int gdoi_stub;
