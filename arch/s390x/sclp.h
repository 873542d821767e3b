/* SPDX-License-Identifier: MIT */
/*
 * The service-call logical processor (SCLP): SERVICE CALL (SERVC, B220)
 * commands, the event facility (console, signal quiesce) and the console
 * input reader thread.  See arch/s390x/sclp.c for the protocol.
 */
#ifndef MINIVMM_SCLP_H
#define MINIVMM_SCLP_H

#include <stdbool.h>
#include <stdint.h>

struct sclp;
struct vm;
struct vcpu;

/* SCLP command words (R1 of SERVC).  The middle byte (bits 16-23) is a
 * resource number that does not select the command, hence the mask. */
#define SCLP_CMD_CODE_MASK		0xFFFF00FFU
#define SCLP_CMDW_READ_CPU_INFO		0x00010001U
#define SCLP_CMDW_READ_SCP_INFO		0x00020001U
#define SCLP_CMDW_READ_SCP_INFO_FORCED	0x00120001U
#define SCLP_CMD_WRITE_EVENT_DATA	0x00760005U
#define SCLP_CMD_READ_EVENT_DATA	0x00770005U
#define SCLP_CMD_WRITE_EVENT_MASK	0x00780005U

/* SCCB response codes (header bytes 6-7). */
#define SCLP_RC_NORMAL_READ_COMPLETION	0x0010
#define SCLP_RC_NORMAL_COMPLETION	0x0020
#define SCLP_RC_SCCB_BOUNDARY_VIOLATION	0x0100
#define SCLP_RC_INVALID_SCLP_COMMAND	0x01F0
#define SCLP_RC_INSUFFICIENT_SCCB_LENGTH 0x0300
#define SCLP_RC_CONTAINED_EQUIPMENT_CHECK 0x0340
#define SCLP_RC_INVALID_FUNCTION	0x40F0
#define SCLP_RC_NO_EVENT_BUFFERS_STORED	0x60F0
#define SCLP_RC_INVALID_SELECTION_MASK	0x70F0
#define SCLP_RC_INCONSISTENT_LENGTHS	0x72F0
#define SCLP_RC_EVENT_BUFFER_SYNTAX_ERROR 0x73F0
#define SCLP_RC_INVALID_MASK_LENGTH	0x74F0

/* SCCB header: length(2) function code(1) control mask(3) response(2). */
#define SCCB_HDR_LEN			8
#define SCCB_OFF_LENGTH			0
#define SCCB_OFF_FUNCTION		2
#define SCCB_OFF_CONTROL		3
#define SCCB_OFF_RESPONSE		6
#define SCCB_CM2_VARIABLE_LENGTH	0x80	/* control mask byte 2 */
#define SCCB_MAX_LEN			4096	/* no extended-length SCCBs */

/* Event types and their bit in an event mask of any length: type T is
 * bit T-1 counting from the leftmost bit of the mask. */
#define SCLP_EV_OPCMD			0x01	/* operator command (line-mode input) */
#define SCLP_EV_MSG			0x02	/* message (line-mode output) */
#define SCLP_EV_VT220			0x1A	/* ASCII console data */
#define SCLP_EV_SIGQUIESCE		0x1D	/* signal quiesce */
#define SCLP_EVBUF_HDR_LEN		6	/* length(2) type(1) flags(1) rsvd(2) */
#define SCLP_EVBUF_ACCEPTED		0x80	/* event buffer flags */

/* Counters, for tests and statistics (no locking needed by the caller). */
struct sclp_stats {
	uint64_t service_signals;	/* service-signal interrupts raised */
	uint32_t last_parm;		/* external-interruption parameter of the last */
	uint64_t attention_signals;	/* those with no SCCB (unsolicited events) */
	uint64_t irq_errors;		/* floating_irq() failures */
	uint64_t commands;		/* accepted SERVICE CALLs */
	uint64_t out_bytes;		/* console bytes written to out_fd */
	uint64_t out_errors;		/* failed console writes */
	uint64_t in_bytes;		/* console bytes read from in_fd */
};

/* in_fd: console input (-1 none), out_fd: console output. */
int sclp_create(struct sclp **out, struct vm *vm, int in_fd, int out_fd, char **err);
void sclp_destroy(struct sclp *sclp);

/* SERVICE CALL (SERVC, opcode B220) from vcpu: R1 = command word, R2 = SCCB real address
 * (the caller already did the privileged-operation check and converted the
 * SCCB address to absolute with the vCPU's prefix).  Returns the condition
 * code to set (0 = accepted, 2 = busy, 3 = not operational) or a negative
 * program-interruption code (-PGM_SPECIFICATION, -PGM_ADDRESSING) to inject. */
int sclp_service_call(struct sclp *sclp, struct vcpu *vcpu, uint32_t command, uint64_t sccb_abs);

/* Queue a signal-quiesce event (system_powerdown) and raise the attention
 * service signal.  0 when the guest has enabled signal-quiesce reception,
 * -ENOTCONN when it has not (yet): the event stays queued and is delivered
 * once the guest enables it. */
int sclp_signal_quiesce(struct sclp *sclp);

/* Also offer the line-mode console (operator command 0x01 and message
 * 0x02 events); off by default.  VT220 input takes precedence over
 * line-mode input when the guest receives both. */
void sclp_set_line_mode(struct sclp *sclp, bool on);

/* Subsystem reset (re-IPL): forget the guest's event masks, pending events
 * and buffered console input. */
void sclp_reset(struct sclp *sclp);

/* READ SCP INFO load parameter: up to 8 characters of [A-Za-z0-9. ],
 * stored upper case in EBCDIC, blank padded.  0 or -EINVAL. */
int sclp_set_loadparm(struct sclp *sclp, const char *loadparm);

void sclp_stats(struct sclp *sclp, struct sclp_stats *out);

#endif
