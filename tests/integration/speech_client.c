/* SPDX-License-Identifier: Apache-2.0 */
/* The client's speech path over verified TLS (CTest integration_speech):
 *   speech_client BASE_URL CA_FILE OUT_PCM sse|audio ['Name: value'...]
 * POST {BASE_URL}/audio/speech through the POSIX bundle (drip_client with
 * DRIP_API_SPEECH), the audio into OUT_PCM as it arrives; prints one line:
 * {"state":"completed","http_status":200,"audio_bytes":N,"fnv1a":"xxxxxxxx",
 *  "total_tokens":T,"err":E,"audio_calls":C} */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drip_https_posix.h"

typedef struct {
    FILE *f;
    unsigned long long n;
    unsigned calls;
    uint32_t fnv;
} sink_t;

static drip_err_t on_audio(void *user, const uint8_t *p, size_t n)
{
    sink_t *s = (sink_t *)user;
    size_t i;
    for (i = 0; i < n; i++) {
        s->fnv = (s->fnv ^ p[i]) * 0x01000193u; /* FNV-1a, 32 bit */
    }
    s->n += n;
    s->calls++;
    return fwrite(p, 1, n, s->f) == n ? DRIP_OK : DRIP_ERR_CANCELLED;
}

int main(int argc, char **argv)
{
    static drip_https_posix_t h;
    static const drip_handlers_t handlers = {.on_audio = on_audio};
    static drip_header_t hdr[8];
    static sink_t s;
    drip_https_cfg_t cfg;
    drip_request_t req;
    drip_state_t st = DRIP_STATE_FAILED;
    const drip_result_t *r;
    int i, nh = 0;
    drip_err_t e;

    if (argc < 5) {
        fprintf(stderr, "usage: speech_client BASE_URL CA_FILE OUT_PCM sse|audio [HEADER...]\n");
        return 2;
    }
    for (i = 5; i < argc && nh < 8; i++) { /* "Name: value" */
        char *c = strchr(argv[i], ':');
        if (c == NULL) {
            return 2;
        }
        *c = '\0';
        hdr[nh].name = argv[i];
        hdr[nh].value = c + 2;
        nh++;
    }
    s.f = fopen(argv[3], "wb");
    s.fnv = 0x811C9DC5u;
    if (s.f == NULL) {
        return 2;
    }
    memset(&cfg, 0, sizeof cfg);
    cfg.base_url = argv[1];
    cfg.ca_file = argv[2];
    cfg.api_key = "sk-test-dripfeed";
    cfg.handlers = &handlers;
    cfg.user = &s;
    cfg.headers = hdr;
    cfg.nheaders = (size_t)nh;
    memset(&req, 0, sizeof req);
    req.api = DRIP_API_SPEECH;
    req.model = "gpt-4o-mini-tts";
    req.input = "Hello from dripfeed.";
    req.voice = "coral";
    req.instructions = "Speak clearly.";
    req.response_format = "pcm";
    req.stream_format = argv[4];
    e = drip_https_posix_setup(&h, &cfg);
    if (e == DRIP_OK) {
        e = drip_client_start(&h.client, &req);
    }
    if (e == DRIP_OK) {
        st = drip_client_run(&h.client);
    }
    r = drip_client_result(&h.client);
    printf("{\"state\":\"%s\",\"http_status\":%d,\"audio_bytes\":%llu,\"fnv1a\":\"%08x\","
           "\"total_tokens\":%lld,\"err\":%d,\"audio_calls\":%u,\"setup\":%d}\n",
           drip_state_name(st), r->http_status, s.n, (unsigned)s.fnv,
           r->has_usage ? (long long)r->usage.total_tokens : -1LL, (int)r->err, s.calls, (int)e);
    drip_https_posix_free(&h);
    fclose(s.f);
    return st == DRIP_STATE_COMPLETED ? 0 : 1;
}
