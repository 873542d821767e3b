/* SPDX-License-Identifier: MIT */
/*
 * Console-input guest: reads one line from the SCLP VT220 console (READ
 * EVENT DATA, woken by the service signal that announces input) and
 * echoes it back as "echo: <line>".  Exits 1 when no full line arrives
 * within 10 seconds.
 */
#include "lib/guest.h"

int main(void)
{
	char line[256];
	size_t len = 0;
	uint64_t start = stck();

	if (sclp_init())
		return 2;
	printf("type a line\n");
	/* TOD bit 51 is 1 us: give up after 10 s. */
	while (len < sizeof(line) - 1 && stck() - start < (10000000ULL << 12)) {
		size_t n = sclp_read(line + len, sizeof(line) - 1 - len, 100000);

		len += n;
		line[len] = '\0';
		if (len && line[len - 1] == '\n')
			break;
	}
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	if (!len) {
		printf("no input\n");
		return 1;
	}
	printf("echo: %s\n", line);
	return 0;
}
