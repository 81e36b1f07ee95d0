/* SPDX-License-Identifier: Apache-2.0 */
/* examples/voice: the WAV header both voice programs write (RIFF, PCM
 * 16-bit mono, little-endian). Written with data size 0 first, patched at
 * the end when the size is known. */
#ifndef VOICE_WAV_H
#define VOICE_WAV_H

#include <stdio.h>
#include <string.h>

static inline void voice_put_le(unsigned char *p, unsigned long v, int n)
{
    int i;
    for (i = 0; i < n; i++) {
        p[i] = (unsigned char)(v >> (8 * i));
    }
}

static inline void voice_wav_header(FILE *f, unsigned rate, unsigned long data_bytes)
{
    unsigned char h[44];
    memcpy(h, "RIFF", 4);
    voice_put_le(h + 4, 36 + data_bytes, 4);
    memcpy(h + 8, "WAVEfmt ", 8);
    voice_put_le(h + 16, 16, 4);
    voice_put_le(h + 20, 1, 2); /* PCM */
    voice_put_le(h + 22, 1, 2); /* mono */
    voice_put_le(h + 24, rate, 4);
    voice_put_le(h + 28, rate * 2ul, 4);
    voice_put_le(h + 32, 2, 2);
    voice_put_le(h + 34, 16, 2);
    memcpy(h + 36, "data", 4);
    voice_put_le(h + 40, data_bytes, 4);
    fwrite(h, 1, sizeof h, f);
}

#endif
