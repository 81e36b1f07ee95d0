/* SPDX-License-Identifier: Apache-2.0 */
/* SPSC ring of messages (disp_queue.h). */
#include "disp_queue.h"

#include <stddef.h>

int disp_queue_init(disp_queue_t *q, disp_msg_t *slots, uint32_t nslots)
{
    if (q == NULL || slots == NULL || nslots < 2u || (nslots & (nslots - 1u)) != 0u) {
        return -1;
    }
    q->slot = slots;
    q->mask = nslots - 1u;
    q->head = 0;
    q->tail = 0;
    return 0;
}

int disp_queue_put(disp_queue_t *q, const disp_msg_t *m)
{
    uint32_t h = q->head;
    if (h - q->tail > q->mask) {
        return -1;
    }
    q->slot[h & q->mask] = *m;
    q->head = h + 1u; /* publish after the copy */
    return 0;
}

int disp_queue_get(disp_queue_t *q, disp_msg_t *m)
{
    uint32_t t = q->tail;
    if (t == q->head) {
        return -1;
    }
    *m = q->slot[t & q->mask];
    q->tail = t + 1u;
    return 0;
}
