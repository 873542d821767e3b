/* SPDX-License-Identifier: MIT */
/*
 * Header of the raw-image build (link-img.ld): what a boot loader looks
 * for in a Linux s390 image.  The entry is at 0x10000; "S390EP" at
 * 0x10008 marks the image so that the loader enters it there; the
 * parameter area (0x10400-0x10fff: IPL device, initrd start and size,
 * ..., command line at 0x10480) is reserved and left to the loader.
 */
	.section .head, "ax"
	.globl	img_entry
img_entry:
	jg	_start			/* 0x10000 */
	.org	0x8
	.ascii	"S390EP"		/* 0x10008 */
	.org	0x400
parm_area:
	.fill	0xc00, 1, 0		/* 0x10400-0x10fff */

	.section .note.GNU-stack, "", @progbits
