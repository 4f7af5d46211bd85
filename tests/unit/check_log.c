/* check_log: not written yet; fails until it is. */
#include <stdio.h>
int main(void) { fprintf(stderr, "check_log: not written yet\n"); return 1; }
