/* The bundled mirror's test program: dynamically linked against musl, so it
 * runs only where the image holds the right /lib/ld-musl-<name>.so.1. The
 * architecture is fixed at compile time (HELLO_ARCH) so each build says
 * which one it is. */
#include <stdio.h>

#ifndef HELLO_ARCH
#define HELLO_ARCH "unknown"
#endif

int main(void) {
	printf("hello from musl-dynamic (%s)\n", HELLO_ARCH);
	return 0;
}
