/* SPDX-License-Identifier: MIT */
/*
 * Live migration over TCP (issue 8): the migration thread, pre-copy over
 * the dirty log, the return path, the destination's receiver.
 *
 * One struct mig_live per VM owns one thread, created with the VM's
 * control plane (before the sandbox gate opens, so it runs under the
 * migration list alone, not under the main one) and idle until a job:
 *
 *   outgoing  QMP migrate tcp:HOST:PORT.  connect; preamble + HEADER;
 *             wait for ACCEPT/REFUSE (no RAM before it); pass 1 (every
 *             frame, zero pages as ZERO markers), then passes over the
 *             dirty log until the remaining pages fit downtime-limit at
 *             the measured bandwidth; final phase (the loop thread pauses
 *             the VM, holds the devices, takes the last dirty log and
 *             encodes SKEYS and DEVICE sections into memory); the thread
 *             sends them, the last pages, END and the trailer; waits for
 *             LOADED; the loop thread checks nothing changed and sends
 *             GO; completed, and the source stays paused.
 *   incoming  -incoming tcp: / migrate-incoming tcp:.  accept one source;
 *             migrate_load_hooks() with ACCEPT/REFUSE at the header,
 *             LOADED after the trailer, wait for GO, commit on the loop
 *             thread, resume unless -S.
 *
 * Failure never loses the guest: on the source any error, EOF, timeout,
 * REFUSE/FAILED or cancel closes the socket, lets the devices go and
 * resumes the VM if the final phase paused a running VM; the source never
 * modifies guest memory or devices.  The destination prints the reason
 * and ends with status 1 without running the guest.
 *
 * Thread rules: the loop thread owns the VM's pause/resume and device
 * state (everything that touches them is posted to it and waited for);
 * the migration thread owns the socket and reads RAM; neither blocks the
 * other on the network.  All waits are bounded or cancellable.
 */
#ifndef MINIVMM_MIGRATE_LIVE_H
#define MINIVMM_MIGRATE_LIVE_H

#include <stdbool.h>
#include <stdint.h>

struct vm;
struct mig_live;

/* QEMU's MigrationStatus names (qapi/migration.json). */
enum mig_status {
	MIG_ST_NONE,
	MIG_ST_SETUP,
	MIG_ST_ACTIVE,
	MIG_ST_DEVICE,
	MIG_ST_COMPLETED,
	MIG_ST_FAILED,
	MIG_ST_CANCELLING,
	MIG_ST_CANCELLED,
};
const char *mig_status_name(enum mig_status s);

/* migrate-set-parameters (QEMU's defaults). */
#define MIG_DEFAULT_MAX_BANDWIDTH	(128ull << 20)	/* bytes/s */
#define MIG_DEFAULT_DOWNTIME_LIMIT	300		/* ms */
#define MIG_MAX_DOWNTIME_LIMIT		2000000		/* ms, as QEMU */

struct mig_params {
	uint64_t max_bandwidth;		/* bytes/s; 0: no limit */
	uint64_t downtime_limit;	/* ms */
};

/* query-migrate. */
struct mig_info {
	enum mig_status status;
	bool incoming;
	uint64_t total_time, setup_time, downtime, expected_downtime;	/* ms */
	bool have_setup, have_downtime;
	struct {
		uint64_t transferred, remaining, total, duplicate, normal,
			 normal_bytes, dirty_sync_count, dirty_pages_rate,
			 pages_per_second;
		double mbps;
	} ram;
	uint32_t passes;
	char error[640];		/* failed: the reason */
	char host[80];			/* incoming: where it listens */
	int port;			/* incoming: the port, 0 before */
};

/* Called on the loop thread (QMP events MIGRATION, MIGRATION_PASS). */
struct mig_live_ops {
	void (*status)(void *opaque, enum mig_status st);
	void (*pass)(void *opaque, uint32_t pass);
};

/* During setup (before the sandbox gate opens).  0 or -errno. */
int mig_live_create(struct mig_live **out, struct vm *vm,
		    const struct mig_live_ops *ops, void *opaque, char **err);
/* Cancels what runs and joins the thread.  After vm_run() (or on a setup
 * error path). */
void mig_live_destroy(struct mig_live *l);

/* Loop thread: start an outgoing migration to uri (tcp:).  Returns at
 * once; 0, or -errno with *err (bad URI, one is running). */
int mig_live_migrate(struct mig_live *l, const char *uri, char **err);
/*
 * Receive a migration on uri (tcp:).  now: listen on the calling thread
 * (setup, -incoming tcp:); else the migration thread listens and this
 * waits for the answer (QMP migrate-incoming).  autostart: resume after
 * the load (no -S).  The VM must be paused.  0 or -errno with *err.
 */
int mig_live_incoming(struct mig_live *l, const char *uri, bool now,
		      bool autostart, char **err);
/* migrate_cancel: true if a migration was running. */
bool mig_live_cancel(struct mig_live *l);
/* A migration (either way) is set up or running. */
bool mig_live_busy(struct mig_live *l);
bool mig_live_used(struct mig_live *l);
void mig_live_info(struct mig_live *l, struct mig_info *out);
void mig_live_get_params(struct mig_live *l, struct mig_params *p);
void mig_live_set_params(struct mig_live *l, const struct mig_params *p);

/*
 * The return path (destination -> source, and GO source -> destination),
 * framed like stream records: u8 type, u8 flags 0, u16 0, u32 id 1,
 * u32 len (<= MIG_RP_MAX), payload, u64 XXH3-64 of head + payload.
 */
enum mig_rp_type {
	MIG_RP_ACCEPT = 0x81,	/* dest: the HEADER is compatible */
	MIG_RP_REFUSE = 0x82,	/* dest: payload = the reason */
	MIG_RP_LOADED = 0x83,	/* dest: all read and validated, not started */
	MIG_RP_GO = 0x84,	/* source -> dest: commit and run */
	MIG_RP_FAILED = 0x85,	/* dest: payload = the reason (after ACCEPT) */
};
#define MIG_RP_MAX	4096

/* Encode a frame into buf (>= 20 + MIG_RP_MAX); returns its length. */
size_t mig_rp_encode(uint8_t *buf, uint8_t type, const char *text);
/* Check a frame head (12 bytes): 0 and *len, or -EPROTO. */
int mig_rp_check_head(const uint8_t *head, uint32_t *len);
/* Check the checksum of head + payload against check (8 bytes). */
bool mig_rp_check_sum(const uint8_t *head, const uint8_t *payload,
		      uint32_t len, const uint8_t *check);

#endif
