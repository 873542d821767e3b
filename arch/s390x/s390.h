/* SPDX-License-Identifier: MIT */
/*
 * z/Architecture constants shared by the software CPU, the intercept
 * handlers and the freestanding test guests.  Only macros: this header is
 * included by guest code built with -ffreestanding.
 *
 * Bit numbers in comments follow the Principles of Operation (bit 0 is the
 * most significant bit).
 */
#ifndef MINIVMM_S390_H
#define MINIVMM_S390_H

/* PSW mask (PoP "Program-Status Word", z/Architecture format). */
#define PSW_MASK_PER		0x4000000000000000ULL	/* bit 1 */
#define PSW_MASK_DAT		0x0400000000000000ULL	/* bit 5 */
#define PSW_MASK_IO		0x0200000000000000ULL	/* bit 6 */
#define PSW_MASK_EXT		0x0100000000000000ULL	/* bit 7 */
#define PSW_MASK_KEY		0x00F0000000000000ULL	/* bits 8-11 */
#define PSW_MASK_BIT12		0x0008000000000000ULL	/* must be 0 */
#define PSW_MASK_MCHECK		0x0004000000000000ULL	/* bit 13 */
#define PSW_MASK_WAIT		0x0002000000000000ULL	/* bit 14 */
#define PSW_MASK_PSTATE		0x0001000000000000ULL	/* bit 15 */
#define PSW_MASK_ASC		0x0000C00000000000ULL	/* bits 16-17 */
#define PSW_MASK_CC		0x0000300000000000ULL	/* bits 18-19 */
#define PSW_MASK_PM		0x00000F0000000000ULL	/* bits 20-23 */
#define PSW_MASK_RI		0x0000008000000000ULL	/* bit 24 */
#define PSW_MASK_EA		0x0000000100000000ULL	/* bit 31 */
#define PSW_MASK_BA		0x0000000080000000ULL	/* bit 32 */
#define PSW_MASK_64		(PSW_MASK_EA | PSW_MASK_BA)
#define PSW_SHIFT_KEY		52
#define PSW_SHIFT_ASC		46
#define PSW_SHIFT_CC		44
#define PSW_SHIFT_PM		40
/* Bits that must be zero in a valid z/Architecture PSW (besides 12). */
#define PSW_MASK_RESERVED	0xB80000007FFFFFFFULL

#define PSW_ASC_PRIMARY		0
#define PSW_ASC_ACCREG		1
#define PSW_ASC_SECONDARY	2
#define PSW_ASC_HOME		3

/* Program mask bits (PSW bits 20-23). */
#define PM_FIXED_OVERFLOW	0x8
#define PM_DECIMAL_OVERFLOW	0x4
#define PM_EXP_UNDERFLOW	0x2
#define PM_SIGNIFICANCE		0x1

/* Assigned storage locations in the prefix area ("lowcore"). */
#define LC_IPL_PSW		0x0000
#define LC_EXT_PARAMS		0x0080	/* 4 bytes */
#define LC_EXT_CPU_ADDR		0x0084	/* 2 bytes */
#define LC_EXT_INT_CODE		0x0086	/* 2 bytes */
#define LC_SVC_ILC		0x0088	/* 2 bytes */
#define LC_SVC_CODE		0x008A	/* 2 bytes */
#define LC_PGM_ILC		0x008C	/* 2 bytes */
#define LC_PGM_CODE		0x008E	/* 2 bytes */
#define LC_DATA_EXC_CODE	0x0090	/* 4 bytes */
#define LC_MON_CLASS_NR		0x0094
#define LC_PER_CODE		0x0096
#define LC_PER_ATMID		0x0097
#define LC_PER_ADDRESS		0x0098
#define LC_EXC_ACCESS_ID	0x00A0
#define LC_PER_ACCESS_ID	0x00A1
#define LC_OP_ACCESS_ID		0x00A2
#define LC_AR_MODE_ID		0x00A3
#define LC_TRANS_EXC_CODE	0x00A8	/* 8 bytes */
#define LC_MONITOR_CODE		0x00B0
#define LC_SUBCHANNEL_ID	0x00B8	/* 2 bytes */
#define LC_SUBCHANNEL_NR	0x00BA	/* 2 bytes */
#define LC_IO_INT_PARM		0x00BC	/* 4 bytes */
#define LC_IO_INT_WORD		0x00C0	/* 4 bytes */
#define LC_STFL_FAC_LIST	0x00C8	/* 4 bytes */
#define LC_MCCK_CODE		0x00E8	/* 8 bytes */
#define LC_EXT_DAMAGE_CODE	0x00F4
#define LC_FAILING_STORAGE	0x00F8
#define LC_RESTART_OLD_PSW	0x0120
#define LC_EXT_OLD_PSW		0x0130
#define LC_SVC_OLD_PSW		0x0140
#define LC_PGM_OLD_PSW		0x0150
#define LC_MCCK_OLD_PSW		0x0160
#define LC_IO_OLD_PSW		0x0170
#define LC_RESTART_NEW_PSW	0x01A0
#define LC_EXT_NEW_PSW		0x01B0
#define LC_SVC_NEW_PSW		0x01C0
#define LC_PGM_NEW_PSW		0x01D0
#define LC_MCCK_NEW_PSW		0x01E0
#define LC_IO_NEW_PSW		0x01F0
#define LC_EXT_PARAMS2		0x11B8	/* 8 bytes */
/* Store-status save area (z/Architecture, at the prefix or absolute 0). */
#define LC_ARCH_MODE_ID		0x00A3	/* absolute 163: 1 = z/Architecture */
#define LC_FPREGS_SAVE		0x1200
#define LC_GPREGS_SAVE		0x1280
#define LC_PSW_SAVE		0x1300
#define LC_PREFIX_SAVE		0x1318
#define LC_FPC_SAVE		0x131C
#define LC_TODPR_SAVE		0x1324
#define LC_CPUTM_SAVE		0x1328
#define LC_CKC_SAVE		0x1330
#define LC_AREGS_SAVE		0x1340
#define LC_CREGS_SAVE		0x1380
#define LOWCORE_SIZE		0x2000	/* prefix area: two 4K frames */
#define PREFIX_MASK		0x7FFFE000U

/* Program-interruption codes (PoP "Program-Interruption Conditions"). */
#define PGM_OPERATION		0x0001
#define PGM_PRIVILEGED		0x0002
#define PGM_EXECUTE		0x0003
#define PGM_PROTECTION		0x0004
#define PGM_ADDRESSING		0x0005
#define PGM_SPECIFICATION	0x0006
#define PGM_DATA		0x0007
#define PGM_FIXPOINT_OVERFLOW	0x0008
#define PGM_FIXPOINT_DIVIDE	0x0009
#define PGM_DEC_OVERFLOW	0x000A
#define PGM_DEC_DIVIDE		0x000B
#define PGM_HFP_EXP_OVERFLOW	0x000C
#define PGM_HFP_EXP_UNDERFLOW	0x000D
#define PGM_HFP_SIGNIFICANCE	0x000E
#define PGM_HFP_DIVIDE		0x000F
#define PGM_SEGMENT_TRANS	0x0010
#define PGM_PAGE_TRANS		0x0011
#define PGM_TRANS_SPEC		0x0012
#define PGM_SPECIAL_OPERATION	0x0013
#define PGM_OPERAND		0x0015
#define PGM_TRACE_TABLE		0x0016
#define PGM_SPACE_SWITCH	0x001C
#define PGM_HFP_SQRT		0x001D
#define PGM_PC_TRANS_SPEC	0x001F
#define PGM_AFX_TRANS		0x0020
#define PGM_ASX_TRANS		0x0021
#define PGM_LX_TRANS		0x0022
#define PGM_EX_TRANS		0x0023
#define PGM_PRIMARY_AUTH	0x0024
#define PGM_SECONDARY_AUTH	0x0025
#define PGM_LFX_TRANS		0x0026
#define PGM_LSX_TRANS		0x0027
#define PGM_ALET_SPEC		0x0028
#define PGM_ALEN_TRANS		0x0029
#define PGM_ALE_SEQUENCE	0x002A
#define PGM_ASTE_VALIDITY	0x002B
#define PGM_ASTE_SEQUENCE	0x002C
#define PGM_EXTENDED_AUTH	0x002D
#define PGM_LSTE_SEQUENCE	0x002E
#define PGM_ASTE_INSTANCE	0x002F
#define PGM_STACK_FULL		0x0030
#define PGM_STACK_EMPTY		0x0031
#define PGM_STACK_SPEC		0x0032
#define PGM_STACK_TYPE		0x0033
#define PGM_STACK_OPERATION	0x0034
#define PGM_ASCE_TYPE		0x0038
#define PGM_REGION_FIRST_TRANS	0x0039
#define PGM_REGION_SECOND_TRANS	0x003A
#define PGM_REGION_THIRD_TRANS	0x003B
#define PGM_MONITOR		0x0040
#define PGM_PER			0x0080

/* External-interruption codes. */
#define EXT_INTERRUPT_KEY	0x0040
#define EXT_CLOCK_COMP		0x1004
#define EXT_CPU_TIMER		0x1005
#define EXT_MALFUNCTION_ALERT	0x1200
#define EXT_EMERGENCY_SIGNAL	0x1201
#define EXT_EXTERNAL_CALL	0x1202
#define EXT_SERVICE_SIGNAL	0x2401
#define EXT_VIRTIO		0x2603
#define EXT_VIRTIO_CPU_ADDR	0x0d00	/* KVM stores this in the CPU-address field */

/* Control register 0 (64-bit): external-interruption subclass masks etc. */
#define CR0_LOW_ADDR_PROT	0x0000000010000000ULL	/* bit 35 */
#define CR0_AFP			0x0000000000040000ULL	/* bit 45 */
#define CR0_MALFUNCTION_ALERT	0x0000000000008000ULL	/* bit 48 */
#define CR0_EMERGENCY_SIGNAL	0x0000000000004000ULL	/* bit 49 */
#define CR0_EXTERNAL_CALL	0x0000000000002000ULL	/* bit 50 */
#define CR0_CLOCK_COMP		0x0000000000000800ULL	/* bit 52 */
#define CR0_CPU_TIMER		0x0000000000000400ULL	/* bit 53 */
#define CR0_SERVICE_SIGNAL	0x0000000000000200ULL	/* bit 54 */
#define CR0_INTERRUPT_KEY	0x0000000000000040ULL	/* bit 57 */
/* Control register 6: I/O-interruption subclass masks, bits 32-39. */
#define CR6_ISC_MASK(isc)	(0x80000000ULL >> (isc))
/* Control register 14: machine-check subclass masks. */
#define CR14_CHANNEL_REPORT	0x0000000010000000ULL	/* bit 35 */
/* Initial CPU reset values (PoP "CPU Reset", Figure 4-4). */
#define CR0_RESET		0x00000000000000E0ULL
#define CR14_RESET		0x00000000C2000000ULL

/* SIGP order codes (PoP "Signal Processor"). */
#define SIGP_SENSE			0x01
#define SIGP_EXTERNAL_CALL		0x02
#define SIGP_EMERGENCY_SIGNAL		0x03
#define SIGP_START			0x04
#define SIGP_STOP			0x05
#define SIGP_RESTART			0x06
#define SIGP_STOP_AND_STORE_STATUS	0x09
#define SIGP_INITIAL_CPU_RESET		0x0B
#define SIGP_CPU_RESET			0x0C
#define SIGP_SET_PREFIX			0x0D
#define SIGP_STORE_STATUS_AT_ADDRESS	0x0E
#define SIGP_SET_ARCHITECTURE		0x12
#define SIGP_COND_EMERGENCY_SIGNAL	0x13
#define SIGP_SENSE_RUNNING		0x15
#define SIGP_STORE_ADDITIONAL_STATUS	0x17

/* SIGP condition codes and status bits stored in R1 on CC 1. */
#define SIGP_CC_ORDER_CODE_ACCEPTED	0
#define SIGP_CC_STATUS_STORED		1
#define SIGP_CC_BUSY			2
#define SIGP_CC_NOT_OPERATIONAL		3
#define SIGP_STAT_EQUIPMENT_CHECK	0x80000000U
#define SIGP_STAT_NOT_RUNNING		0x00000400U
#define SIGP_STAT_INCORRECT_STATE	0x00000200U
#define SIGP_STAT_INVALID_PARAMETER	0x00000100U
#define SIGP_STAT_EXT_CALL_PENDING	0x00000080U
#define SIGP_STAT_STOPPED		0x00000040U
#define SIGP_STAT_OPERATOR_INTERV	0x00000020U
#define SIGP_STAT_CHECK_STOP		0x00000010U
#define SIGP_STAT_INOPERATIVE		0x00000004U
#define SIGP_STAT_INVALID_ORDER		0x00000002U
#define SIGP_STAT_RECEIVER_CHECK	0x00000001U

/* SIE interception codes reported in kvm_run.s390_sieic.icptcode. */
#define ICPT_INSTRUCTION	0x04
#define ICPT_PROGRAM		0x08
#define ICPT_INST_PROGRAM	0x0C
#define ICPT_EXT_REQ		0x10
#define ICPT_EXT_INT		0x14
#define ICPT_IO_REQ		0x18
#define ICPT_WAIT		0x1C
#define ICPT_VALIDITY		0x20
#define ICPT_STOP		0x28
#define ICPT_OPEREXC		0x2C
#define ICPT_PARTEXEC		0x38
#define ICPT_IOINST		0x40
#define ICPT_KSS		0x5C

/* DIAGNOSE codes with a meaning in minivmm (see arch/s390x/diag.c). */
#define DIAG_IPL		0x308
#define DIAG_VIRTIO_NOTIFY	0x500

/* The boot protocol of a Linux s390 image (arch/s390/boot). */
#define LINUX_KERNEL_START	0x10000
#define LINUX_PARM_AREA		0x10400
#define LINUX_PARM_IPL_DEVICE	0x10400
#define LINUX_PARM_INITRD_START	0x10408
#define LINUX_PARM_INITRD_SIZE	0x10410
#define LINUX_PARM_OLDMEM_BASE	0x10418
#define LINUX_PARM_OLDMEM_SIZE	0x10420
#define LINUX_PARM_KERNEL_VER	0x10428
#define LINUX_PARM_MAX_CMDLINE	0x10430
#define LINUX_PARM_CMDLINE	0x10480
#define LINUX_LEGACY_CMDLINE_SIZE	896
#define LINUX_DEFAULT_INITRD	0x800000

#endif
