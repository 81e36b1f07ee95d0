/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file disp_queue.h
 * @brief A single-producer single-consumer ring of disp_msg_t for boards
 *        without an RTOS queue (the stream callback produces, the UI step
 *        consumes). Caller-owned storage, a power-of-two number of slots.
 *
 * Made for a bare-metal superloop, where the producer (the stream callback,
 * inside drip_client_run) and the consumer (the UI step, run from the
 * network service hook and the main loop) are the same thread: no locking
 * is needed. With an interrupt or a second task on one side, use the RTOS's
 * queue (the ESP32 example does) or add memory barriers around the index
 * updates.
 */
#ifndef DISP_QUEUE_H
#define DISP_QUEUE_H

#include <stdint.h>

#include "disp_gadget.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The ring. */
typedef struct disp_queue {
    disp_msg_t *slot;
    uint32_t mask;              /**< slots - 1 */
    uint32_t head;              /**< written by the producer */
    uint32_t tail;              /**< written by the consumer */
} disp_queue_t;

/** @p nslots must be a power of two >= 2. @return 0, or -1. */
int disp_queue_init(disp_queue_t *q, disp_msg_t *slots, uint32_t nslots);

/** Producer: copy @p m in. @return 0, or -1 when full (nothing written). */
int disp_queue_put(disp_queue_t *q, const disp_msg_t *m);

/** Consumer: copy the oldest message out. @return 0, or -1 when empty. */
int disp_queue_get(disp_queue_t *q, disp_msg_t *m);

#ifdef __cplusplus
}
#endif
#endif /* DISP_QUEUE_H */
