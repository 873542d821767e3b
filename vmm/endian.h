/* SPDX-License-Identifier: MIT */
/* Big-endian loads and stores: guest storage and s390 control blocks are
 * big-endian; the host may be either (x86_64 here, s390x under KVM). */
#ifndef MINIVMM_ENDIAN_H
#define MINIVMM_ENDIAN_H

#include <stdint.h>
#include <string.h>

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define CPU_BE16(v) __builtin_bswap16(v)
#define CPU_BE32(v) __builtin_bswap32(v)
#define CPU_BE64(v) __builtin_bswap64(v)
#else
#define CPU_BE16(v) (v)
#define CPU_BE32(v) (v)
#define CPU_BE64(v) (v)
#endif
static inline uint16_t be16_ld(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return CPU_BE16(v);
}
static inline uint32_t be32_ld(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return CPU_BE32(v);
}
static inline uint64_t be64_ld(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return CPU_BE64(v);
}
static inline void be16_st(uint8_t *p, uint16_t v)
{
	v = CPU_BE16(v);
	memcpy(p, &v, 2);
}
static inline void be32_st(uint8_t *p, uint32_t v)
{
	v = CPU_BE32(v);
	memcpy(p, &v, 4);
}
static inline void be64_st(uint8_t *p, uint64_t v)
{
	v = CPU_BE64(v);
	memcpy(p, &v, 8);
}

/* Little-endian loads and stores (virtio 1.x structures, ring fields). */
static inline uint16_t le16_ld(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t le32_ld(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}
static inline uint64_t le64_ld(const uint8_t *p)
{
	return (uint64_t)le32_ld(p) | (uint64_t)le32_ld(p + 4) << 32;
}
static inline void le16_st(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
static inline void le32_st(uint8_t *p, uint32_t v)
{
	le16_st(p, (uint16_t)v);
	le16_st(p + 2, (uint16_t)(v >> 16));
}
static inline void le64_st(uint8_t *p, uint64_t v)
{
	le32_st(p, (uint32_t)v);
	le32_st(p + 4, (uint32_t)(v >> 32));
}

#endif
