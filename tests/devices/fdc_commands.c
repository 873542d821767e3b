// SPDX-License-Identifier: MIT
/*
 * fdc: the housekeeping commands: VERSION, PART ID, DUMPREG after
 * SPECIFY / CONFIGURE / PERPENDICULAR MODE / LOCK, LOCK surviving a
 * reset, and invalid commands (every byte no row claims answers ST0 0x80).
 */
#include "fdc-harness.h"

int main(void)
{
	uint8_t r[16];
	int n;

	ksft_print_header();
	ksft_set_plan(9);
	h_setup(NULL, false);
	h_reset();

	ksft_test_result(CMD(0x10) && h_result(r, 1) == 1 && r[0] == 0x90 && !irq6(),
			 "VERSION: 0x90 (enhanced controller), no interrupt\n");
	ksft_test_result(CMD(0x18) && h_result(r, 1) == 1 && r[0] == 0x01,
			 "PART ID: 0x01 (82078)\n");
	ksft_test_result(CMD(0x03, 0xdf, 0x02) && inb(MSR) == MSR_RQM && !irq6(),
			 "SPECIFY: no result phase, no interrupt\n");
	CMD(0x13, 0x00, 0x57, 0x09);	/* EIS, POLL off, FIFOTHR 7, PRETRK 9 */
	CMD(0x12, 0x80 | 0x08 | 0x02);	/* OW, D1, GAP */
	n = CMD(0x0e) ? h_result(r, 10) : -1;
	ksft_test_result(n == 10 && r[4] == 0xdf && r[5] == 0x02 && r[7] == 0x0a &&
			 r[8] == 0x57 && r[9] == 0x09,
			 "DUMPREG shows SPECIFY, PERPENDICULAR, CONFIGURE, PRETRK\n");
	ksft_test_result(CMD(0x94) && h_result(r, 1) == 1 && r[0] == 0x10,
			 "LOCK: result 0x10\n");
	h_reset();
	n = CMD(0x0e) ? h_result(r, 10) : -1;
	ksft_test_result(n == 10 && r[7] == (0x80 | 0x08) && r[8] == 0x07 &&
			 r[9] == 0x09 && r[4] == 0xdf,
			 "reset with LOCK: EFIFO/FIFOTHR/PRETRK kept, EIS/POLL/GAP cleared\n");
	CMD(0x14);
	h_reset();
	n = CMD(0x0e) ? h_result(r, 10) : -1;
	ksft_test_result(n == 10 && r[7] == 0x08 && r[8] == 0x20 && r[9] == 0,
			 "unlocked reset: CONFIGURE back to EFIFO only\n");
	CMD(0x12, 0x03);		/* no OW: only GAP/WGATE change */
	n = CMD(0x0e) ? h_result(r, 10) : -1;
	ksft_test_result(n == 10 && r[7] == 0x0b, "PERPENDICULAR without OW keeps D bits\n");

	/* Every command byte: valid ones must not answer 0x80 at once. */
	static const uint8_t valid[] = { 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
		0x09, 0x0a, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x12, 0x13, 0x14, 0x16, 0x18 };
	bool ok = true;
	unsigned int invalid = 0;
	for (unsigned int b = 0; b < 256 && ok; b++) {
		bool is_valid = false;
		uint8_t low = b & 0x1f;

		for (unsigned int i = 0; i < sizeof(valid); i++)
			if (valid[i] == b || valid[i] == (b & 0x7f) || valid[i] == low)
				is_valid = true;
		if (is_valid)
			continue;
		ok = CMD((uint8_t)b) && h_result(r, 1) == 1 && r[0] == 0x80;
		invalid++;
	}
	ksft_test_result(ok && invalid > 100,
			 "%u undefined command bytes each answer ST0 0x80\n", invalid);
	h_teardown();
	return ksft_finished();
}
