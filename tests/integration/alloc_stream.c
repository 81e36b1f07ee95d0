/* SPDX-License-Identifier: Apache-2.0 */
/* One full streamed answer over verified TLS with nothing but static
 * storage in this program: run under alloc_count.so, every heap call made
 * from the main program is dripfeed's (its library code is linked in). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dripfeed/dripfeed.h"
#include "drip_posix.h"
#include "drip_tls.h"

static uint8_t tx[4096], rx[4096], sse_buf[1024];
static jsmntok_t tok[64];
static drip_call_slot_t slots[2];
static drip_client_t client;
static drip_posix_t tcp;
static drip_tls_t tls;
static char ca[16384];
static size_t text_bytes;

static drip_err_t on_text(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    (void)user;
    (void)ev;
    fwrite(p, 1, n, stdout);
    text_bytes += n;
    return DRIP_OK;
}

int main(int argc, char **argv)
{
    static const drip_handlers_t h = {.on_text = on_text};
    drip_client_cfg_t cfg;
    drip_tls_cfg_t tcfg;
    drip_transport_t tcp_tr;
    drip_request_t req;
    FILE *f;
    size_t n;
    drip_state_t st;

    if (argc != 4) {
        fprintf(stderr, "usage: alloc_stream PORT CA_PEM TRANSCRIPT\n");
        return 2;
    }
    f = fopen(argv[2], "rb"); /* libc's own buffer: attributed to libc */
    if (f == NULL || (n = fread(ca, 1, sizeof ca - 1, f)) == 0) {
        return 2;
    }
    fclose(f);
    ca[n] = '\0';
    drip_posix_init(&tcp);
    drip_posix_transport(&tcp, &tcp_tr);
    memset(&cfg, 0, sizeof cfg);
    memset(&tcfg, 0, sizeof tcfg);
    tcfg.ca_pem_or_der = (const uint8_t *)ca;
    tcfg.ca_len = n + 1;
    drip_posix_platform(&cfg.platform);
    tcfg.platform = &cfg.platform;
    drip_tls_init(&tls);
    if (drip_tls_setup(&tls, &tcp_tr, &tcfg) != DRIP_OK) {
        return 2;
    }
    drip_tls_transport(&tls, &cfg.transport);
    cfg.endpoint.host = "localhost";
    cfg.endpoint.port = (uint16_t)atoi(argv[1]);
    cfg.endpoint.path_prefix = "/v1";
    cfg.endpoint.auth_name = "Authorization";
    cfg.endpoint.auth_value = "Bearer sk-test";
    static drip_header_t hdr;
    hdr.name = "X-Drip-Transcript";
    hdr.value = argv[3];
    cfg.endpoint.headers = &hdr;
    cfg.endpoint.nheaders = 1;
    cfg.stream.buf = sse_buf;
    cfg.stream.buf_len = sizeof sse_buf;
    cfg.stream.tok = tok;
    cfg.stream.ntok = 64;
    cfg.stream.calls = slots;
    cfg.stream.ncalls = 2;
    cfg.stream.handlers = &h;
    cfg.tx = tx;
    cfg.tx_len = sizeof tx;
    cfg.rx = rx;
    cfg.rx_len = sizeof rx;
    cfg.connect_timeout_ms = 5000;
    cfg.total_timeout_ms = 30000;
    if (drip_client_init(&client, &cfg) != DRIP_OK) {
        return 2;
    }
    memset(&req, 0, sizeof req);
    req.model = "gpt-4o-mini";
    req.input = "How do I cross the street?";
    if (drip_client_start(&client, &req) != DRIP_OK) {
        return 2;
    }
    st = drip_client_run(&client);
    drip_client_disconnect(&client);
    drip_tls_free(&tls);
    fprintf(stderr, "\nalloc_stream: state=%s text_bytes=%zu\n", drip_state_name(st), text_bytes);
    return st == DRIP_STATE_COMPLETED ? 0 : 1;
}
