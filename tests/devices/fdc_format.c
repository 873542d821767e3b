// SPDX-License-Identifier: MIT
/*
 * fdc: FORMAT TRACK by DMA and through the FIFO: the ID bytes per sector,
 * the filler byte written to every sector of the track, the result.
 */
#include "fdc-harness.h"

int main(void)
{
	uint8_t ids[SPT * 4], r[7], sec[512];
	bool ok = true;

	ksft_print_header();
	ksft_set_plan(4);
	h_setup(NULL, false);
	h_reset();
	CMD(0x03, 0xaf, 0x02);
	h_seek(0, 1, 7);
	for (unsigned int s = 0; s < SPT; s++) {
		ids[4 * s] = 7;
		ids[4 * s + 1] = 1;
		ids[4 * s + 2] = (uint8_t)(s + 1);
		ids[4 * s + 3] = 2;
	}
	h_mem_write(DMA_BUF, ids, sizeof(ids));
	h_dma(DMA_BUF, sizeof(ids), false);
	ksft_test_result(CMD(0x4d, 0x04, 2, SPT, 0x54, 0xe5) && irq6() &&
			 h_result(r, 7) == 7 && r[0] == 0x04 && r[1] == 0 && r[3] == 7,
			 "FORMAT TRACK C7 H1 by DMA: normal end with an interrupt\n");
	for (unsigned int s = 1; s <= SPT && ok; s++) {
		ok = h_file_sector(H.img[0], h_lba(7, 1, s), sec);
		for (unsigned int i = 0; i < 512 && ok; i++)
			ok = sec[i] == 0xe5;
	}
	ok = ok && h_file_sector(H.img[0], h_lba(7, 0, 1), sec) &&
	     sec[0] == h_pattern(h_lba(7, 0, 1), 0);
	ksft_test_result(ok, "every sector of C7 H1 holds 0xe5, head 0 untouched\n");

	CMD(0x03, 0xaf, 0x03);		/* non-DMA */
	CMD(0x4d, 0x00, 2, 2, 0x54, 0x3c);
	unsigned int n = 0;
	uint8_t two[8] = { 7, 0, 4, 2, 7, 0, 5, 2 };
	while (n < 8 && (inb(MSR) & 0xf0) == (MSR_RQM | MSR_NDMA | MSR_CB))
		outb(FIFO, two[n++]);
	ksft_test_result(n == 8 && h_result(r, 7) == 7 && r[0] == 0 &&
			 h_file_sector(H.img[0], h_lba(7, 0, 4), sec) && sec[0] == 0x3c &&
			 sec[511] == 0x3c && h_file_sector(H.img[0], h_lba(7, 0, 6), sec) &&
			 sec[0] == h_pattern(h_lba(7, 0, 6), 0),
			 "non-DMA FORMAT of sectors 4-5 (8 ID bytes through the FIFO)\n");
	CMD(0x4d, 0x00, 2, 1, 0x54, 0x3c);
	outb(FIFO, 7), outb(FIFO, 0), outb(FIFO, 40), outb(FIFO, 2);
	ksft_test_result(h_result(r, 7) == 7 && r[0] == 0x40 && r[1] == 0x04,
			 "an ID naming sector 40: ST1 ND\n");
	h_teardown();
	return ksft_finished();
}
