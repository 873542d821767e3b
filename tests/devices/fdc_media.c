// SPDX-License-Identifier: MIT
/*
 * fdc: media.  Geometry from the image size (and the error for other
 * sizes), read-only media (ST1 NW, ST3 WP, SRA WP#), QMP eject and
 * blockdev-change-medium with the disk-change line as on hardware,
 * reading an empty drive.
 */
#include "fdc-harness.h"

static bool qmp_ok(const char *cmd, json_t *args)
{
	json_t *r = qmp_execute(H.c, cmd, args);
	bool ok = qmp_reply_ok(r);

	json_decref(r);
	return ok;
}

static const char *qmp_err(const char *cmd, json_t *args)
{
	static char cls[64];
	json_t *r = qmp_execute(H.c, cmd, args);
	const char *c = qmp_error_class(r);

	snprintf(cls, sizeof(cls), "%s", c ? c : "");
	json_decref(r);
	return cls;
}

int main(void)
{
	static const struct { uint64_t size; uint8_t sectors, tracks; } sizes[] = {
		{ 368640, 9, 40 }, { 737280, 9, 80 }, { 1228800, 15, 80 },
		{ 1474560, 18, 80 }, { 2949120, 36, 80 },
	};
	uint8_t r[7];
	bool ok = true;

	ksft_print_header();
	ksft_set_plan(9);
	for (unsigned int i = 0; i < 5; i++) {
		const struct fdc_geometry *g = fdc_geometry_for_size(sizes[i].size);
		ok = ok && g && g->sectors == sizes[i].sectors &&
		     g->tracks == sizes[i].tracks && g->heads == 2;
	}
	ksft_test_result(ok && !fdc_geometry_for_size(1000000) &&
			 !fdc_geometry_for_size(0),
			 "geometry: 360K 720K 1.2M 1.44M 2.88M; other sizes none\n");

	h_setup(",readonly=on", true);
	h_reset();
	CMD(0x03, 0xaf, 0x02);
	h_dma(DMA_BUF, 512, false);
	ksft_test_result(CMD(0x45, 0x00, 0, 0, 1, 2, SPT, 0x1b, 0xff) &&
			 h_result(r, 7) == 7 && r[0] == 0x40 && r[1] == 0x02 &&
			 CMD(0x04, 0x00) && h_result(r, 1) == 1 && (r[0] & 0x40) &&
			 !(inb(SRA) & 0x02),
			 "read-only: WRITE fails with ST1 NW; ST3 WP; SRA WP# low\n");

	char small[128], bad[128], big[128];
	h_make_image(small, sizeof(small), "c.img", 737280);
	h_make_image(bad, sizeof(bad), "d.img", 1000000);
	h_make_image(big, sizeof(big), "e.img", 2949120);
	outb(DOR, 0x1c);
	h_seek(0, 0, 1);
	bool clear = !(inb(DIR) & 0x80);
	ksft_test_result(clear && qmp_ok("eject", json_pack("{s:s}", "device", "floppy0")) &&
			 (inb(DIR) & 0x80) && !fdc_has_media(H.vm->floppy->fdc, 0),
			 "QMP eject: medium gone, disk-change line set\n");
	h_seek(0, 0, 2);
	ksft_test_result((inb(DIR) & 0x80) &&
			 (h_dma(DMA_BUF, 512, true), CMD(0x46, 0x00, 2, 0, 1, 2, SPT, 0x1b, 0xff)) &&
			 h_result(r, 7) == 7 && r[0] == 0x40 && (r[1] & 0x01),
			 "empty drive: a step does not clear disk-change; READ: ST1 MA\n");
	ksft_test_result(qmp_ok("blockdev-change-medium",
				json_pack("{s:s,s:s}", "device", "floppy0", "filename", small)) &&
			 (inb(DIR) & 0x80) && (h_seek(0, 0, 3), !(inb(DIR) & 0x80)),
			 "blockdev-change-medium to a 720K image; a step clears disk-change\n");
	h_dma(DMA_BUF, 9 * 512, true);
	uint8_t buf[9 * 512];
	ksft_test_result(CMD(0x46, 0x04, 3, 1, 1, 2, 9, 0x1b, 0xff) &&
			 h_result(r, 7) == 7 && r[0] == 0x04 &&
			 h_mem_read(DMA_BUF, buf, sizeof(buf)) &&
			 buf[0] == h_pattern((3 * 2 + 1) * 9, 0) &&
			 buf[sizeof(buf) - 1] == h_pattern((3 * 2 + 1) * 9 + 8, 511),
			 "the 720K medium reads with 9 sectors per track\n");
	ksft_test_result(!strcmp(qmp_err("blockdev-change-medium",
			 json_pack("{s:s,s:s}", "device", "floppy0", "filename", bad)),
			 "GenericError") && fdc_has_media(H.vm->floppy->fdc, 0),
			 "a 1000000-byte image is refused; the old medium stays\n");
	ksft_test_result(!strcmp(qmp_err("eject", json_pack("{s:s}", "device", "floppy7")),
				 "DeviceNotFound") &&
			 !strcmp(qmp_err("blockdev-change-medium",
			 json_pack("{s:s,s:s,s:s}", "id", "floppy1", "filename", big,
				   "read-only-mode", "sideways")), "GenericError"),
			 "unknown drive and bad read-only-mode are errors\n");
	ksft_test_result(qmp_ok("blockdev-change-medium",
				json_pack("{s:s,s:s,s:s}", "id", "floppy1", "filename", big,
					  "read-only-mode", "read-only")) &&
			 CMD(0x04, 0x01) && h_result(r, 1) == 1 && (r[0] & 0x40),
			 "a 2.88M read-only medium in the empty drive 1\n");
	unlink(small);
	unlink(bad);
	unlink(big);
	h_teardown();
	return ksft_finished();
}
