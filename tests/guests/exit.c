/* SPDX-License-Identifier: MIT */
/*
 * Exit-code guest: prints one line and exits with code 42, which the
 * runtime turns into a disabled-wait PSW with instruction address 42
 * (0x2a).  The host-side runner checks how the VMM reports it.
 */
#include "lib/guest.h"

int main(void)
{
	printf("exiting with code 42\n");
	return 42;
}
