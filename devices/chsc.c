/* SPDX-License-Identifier: MIT */
/*
 * CHANNEL SUBSYSTEM CALL: the commands a Linux guest issues while it
 * discovers the channel subsystem.  The command block is 4K: a request
 * (halfword length, halfword code, parameters) followed at offset
 * `length` by the response (halfword length, halfword response code,
 * data).  Response codes: 0x0001 success, 0x0002 command not supported,
 * 0x0003 request-block error, 0x0005 no event information.
 *
 *   0x0002  store channel-path description (SCPD)
 *   0x0004  store subchannel description (SSD)
 *   0x000e  store event information (SEI): none pending
 *   0x0010  store channel-subsystem characteristics (SCSC)
 *   0x0021  set subchannel indicator / adapter interruption controls:
 *           accepted (adapter interruptions need no set-up here)
 *   0x0031  set domain attributes (SDA): MCSS-E stays off ("not
 *           supported"), which keeps css ids out of subchannel ids
 */
#include <string.h>

#include "arch/s390x/s390.h"
#include "devices/css-internal.h"
#include "vmm/endian.h"

#define CHSC_RC_OK		0x0001
#define CHSC_RC_NOT_SUPP	0x0002
#define CHSC_RC_REQ_ERROR	0x0003
#define CHSC_RC_NO_EVENT	0x0005

static uint16_t chsc_scsc(struct css *css, const uint8_t *req, uint16_t len,
			  uint8_t *resp, uint16_t *rlen)
{
	(void)css;
	(void)req;
	if (len != 16)
		return CHSC_RC_REQ_ERROR;
	*rlen = 8 + 8 + 64 + 64 + 8;	/* header, reserved, chars */
	/* General characteristics (a 256-bit string at response offset 16):
	 * bit 41 adapter-interruption facility (aif). */
	resp[16 + 41 / 8] |= (uint8_t)(0x80 >> (41 % 8));
	/* CHSC characteristics (at offset 80) stay zero: the guest tries
	 * the commands and takes "not supported" for an answer. */
	return CHSC_RC_OK;
}

/* Store subchannel description: for subchannels first..last of a set. */
static uint16_t chsc_ssd(struct css *css, const uint8_t *req, uint16_t len,
			 uint8_t *resp, uint16_t *rlen, uint16_t room)
{
	if (len != 16)
		return CHSC_RC_REQ_ERROR;
	unsigned int ssid = (req[4] >> 4) & 3;
	uint16_t first = be16_ld(req + 6), last = be16_ld(req + 10);
	if (last < first)
		return CHSC_RC_REQ_ERROR;
	uint16_t n = 8;
	for (uint32_t no = first; no <= last; no++) {
		uint8_t *d = resp + n;

		if (n + 32 > room)
			break;
		memset(d, 0, 32);
		if (ssid == 0 && no < css->nsch) {
			struct subchannel *sch = css->sch[no];

			d[0] = 0x80 | 0x40;		/* sch valid, dev valid */
			be16_st(d + 2, sch->pmcw.devno);
			d[4] = sch->pmcw.pim;		/* path mask */
			be16_st(d + 6, sch->schno);
			memcpy(d + 8, sch->pmcw.chpid, 8);
		}
		n += 32;
	}
	*rlen = n;
	return CHSC_RC_OK;
}

/* Store channel-path description, format 0 (8 bytes per path). */
static uint16_t chsc_scpd(struct css *css, const uint8_t *req, uint16_t len,
			  uint8_t *resp, uint16_t *rlen)
{
	(void)css;
	if (len != 16)
		return CHSC_RC_REQ_ERROR;
	uint8_t first = req[7], last = req[11];
	uint16_t n = 8;

	if (last < first)
		return CHSC_RC_REQ_ERROR;
	for (unsigned int c = first; c <= last; c++) {
		if (c != CSS_CHPID_VIRTUAL)
			continue;
		uint8_t *d = resp + n;

		memset(d, 0, 8);
		d[0] = 0x80;			/* flags: valid */
		d[2] = CSS_CHPID_TYPE_VIRTUAL;	/* desc: type */
		d[3] = (uint8_t)c;
		n += 8;
	}
	*rlen = n;
	return CHSC_RC_OK;
}

int css_chsc(struct css *css, uint8_t block[4096])
{
	uint16_t len = be16_ld(block), code = be16_ld(block + 2);
	uint16_t rlen = 8, rc;

	/* The response must fit in the block (else operand exception, as
	 * the intercept handler checks: len 16..4088). */
	if (len < 16 || len > 4096 - 8 || (len & 7))
		return -PGM_OPERAND;
	uint8_t *resp = block + len;
	uint16_t room = (uint16_t)(4096 - len);

	memset(resp, 0, room);
	pthread_mutex_lock(&css->lock);
	switch (code) {
	case 0x0002:
		rc = chsc_scpd(css, block, len, resp, &rlen);
		break;
	case 0x0004:
		rc = chsc_ssd(css, block, len, resp, &rlen, room);
		break;
	case 0x000e:
		rc = CHSC_RC_NO_EVENT;
		break;
	case 0x0010:
		rc = chsc_scsc(css, block, len, resp, &rlen);
		break;
	case 0x0021:
		rc = CHSC_RC_OK;
		break;
	default:
		rc = CHSC_RC_NOT_SUPP;
		break;
	}
	pthread_mutex_unlock(&css->lock);
	be16_st(resp, rc == CHSC_RC_OK ? rlen : 8);
	be16_st(resp + 2, rc);
	return 0;
}
