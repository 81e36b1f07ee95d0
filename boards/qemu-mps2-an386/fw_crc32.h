/* SPDX-License-Identifier: Apache-2.0 */
/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32()) of the answer's text:
 * main.c checks the deltas against output_text.done with it, fw_soak.c every
 * later answer against the first. Bitwise: no 1 KB table in flash for a
 * test image's few kilobytes of text. */
#ifndef FW_CRC32_H
#define FW_CRC32_H

#include <stddef.h>
#include <stdint.h>

/** CRC so far (0 to start) updated with n bytes at p. */
static inline uint32_t fw_crc32(uint32_t crc, const void *p, size_t n)
{
    const uint8_t *b = (const uint8_t *)p;
    crc = ~crc;
    while (n-- > 0u) {
        int k;
        crc ^= *b++;
        for (k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

#endif /* FW_CRC32_H */
