/* check_config: not written yet; fails until it is. */
#include <stdio.h>
int main(void) { fprintf(stderr, "check_config: not written yet\n"); return 1; }
