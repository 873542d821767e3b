/* SPDX-License-Identifier: MIT */
/*
 * Guest side of the port-I/O bridge (see pio.h).
 */
#include "pio.h"

struct pio_irq_info pio_irq;

int64_t pio_diag(uint64_t fn, uint64_t gr2, uint64_t gr3, uint64_t gr4,
		 uint64_t *gr3_out)
{
	register uint64_t r1 asm("1") = fn;
	register uint64_t r2 asm("2") = gr2;
	register uint64_t r3 asm("3") = gr3;
	register uint64_t r4 asm("4") = gr4;

	/* "memory": a port access may start DMA into guest storage. */
	asm volatile("diag 0,0,0xf10" : "+d"(r2), "+d"(r3) : "d"(r1), "d"(r4)
		     : "memory");
	if (gr3_out)
		*gr3_out = r3;
	return (int64_t)r2;
}

uint32_t pio_in(uint16_t port, unsigned int size)
{
	return (uint32_t)pio_diag(PIO_FN_IN, port, size, 0, NULL);
}

void pio_out(uint16_t port, unsigned int size, uint32_t val)
{
	pio_diag(PIO_FN_OUT, port, size, val, NULL);
}

uint32_t pio_levels(void)
{
	return (uint32_t)pio_diag(PIO_FN_LEVELS, 0, 0, 0, NULL);
}

int64_t pio_enable(uint32_t mask)
{
	return pio_diag(PIO_FN_ENABLE, mask, 0, 0, NULL);
}

/* Runs in the external-interruption handler for code 0x2603. */
static void pio_ext(uint32_t param)
{
	unsigned int line = param & 0xffff;

	pio_irq.last_param = param;
	pio_irq.last_cpu_addr = lc_ld16(LC_EXT_CPU_ADDR);
	pio_irq.last_param64 = lc_ld64(LC_EXT_PARAMS2);
	if (param >> 16 == PIO_IRQ_PARAM_HI && line < PIO_LINES)
		pio_irq.count[line]++;
	else
		pio_irq.other++;
}

void pio_irq_init(void)
{
	ext_virtio_hook = pio_ext;
}

bool pio_wait_irq(unsigned int line, int *seen, uint64_t max_us)
{
	uint64_t deadline = stck() + (max_us << 12);	/* bit 51 = 1 us */
	uint64_t cr0 = stctg0();
	bool got;

	if (line >= PIO_LINES)
		return false;
	/* The handler runs only inside enabled_wait(): no race between
	 * the check and the wait. */
	lctlg0(cr0 | CR0_SERVICE_SIGNAL | CR0_CLOCK_COMP);
	while (pio_irq.count[line] == *seen && stck() < deadline) {
		sckc(deadline);
		enabled_wait(PSW_MASK_EXT);
	}
	sckc(~0ULL);
	lctlg0(cr0);
	got = pio_irq.count[line] != *seen;
	*seen = pio_irq.count[line];
	return got;
}
