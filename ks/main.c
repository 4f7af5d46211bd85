typedef int gdoi_stub;
int main(void) { return 1; }
