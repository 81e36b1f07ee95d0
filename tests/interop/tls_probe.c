/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tls_probe: N HTTPS GETs through port/posix + port/mbedtls, one line each,
 * for the interop matrix (tests/interop/run_interop.sh) and the resumption
 * figures. Not a test by itself: the script judges the lines.
 *
 *   tls_probe HOST PORT CA_FILE N [--no-resume] [--gap-ms MS]
 *
 * Line per connection:
 *   conn=I rc=RC last=ERR err=TEXT version=V suite=S resumed=0|1 hs_tx=B hs_rx=B hs_us=US
 *   body=B end=close_notify|eof|error|none verify=0xFLAGS mbedtls=-0xCODE
 * (rc: connect's result; last: the context's last error after the read,
 * e.g. a TLS 1.3 server's alert that comes after the handshake; end=eof:
 * the server closed TCP without a close_notify.)
 * Exit 0 when every line was printed (whatever the results).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drip_posix.h"
#include "drip_tls.h"

static drip_posix_t g_tcp;
static drip_tls_t g_tls;
static char g_resp[1 << 16];

static long long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
    drip_transport_t in, t;
    drip_platform_t pl;
    drip_tls_cfg_t cfg;
    int i, n, gap_ms = 0, a;
    char req[512];

    if (argc < 5) {
        fprintf(stderr, "usage: tls_probe HOST PORT CA_FILE N [--no-resume] [--gap-ms MS]\n");
        return 2;
    }
    memset(&cfg, 0, sizeof cfg);
    for (a = 5; a < argc; a++) {
        if (strcmp(argv[a], "--no-resume") == 0) {
            cfg.no_resume = 1;
        } else if (strcmp(argv[a], "--gap-ms") == 0 && a + 1 < argc) {
            gap_ms = atoi(argv[++a]);
        } else {
            fprintf(stderr, "tls_probe: unknown option %s\n", argv[a]);
            return 2;
        }
    }
    n = atoi(argv[4]);
    drip_posix_init(&g_tcp);
    drip_posix_transport(&g_tcp, &in);
    drip_posix_platform(&pl);
    cfg.ca_file = argv[3];
    cfg.platform = &pl;
    drip_tls_init(&g_tls);
    if (drip_tls_setup(&g_tls, &in, &cfg) != DRIP_OK) {
        char d[256];
        fprintf(stderr, "tls_probe: setup: %s\n", drip_tls_describe(&g_tls, d, sizeof d));
        return 1;
    }
    drip_tls_transport(&g_tls, &t);
    snprintf(req, sizeof req, "GET / HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n", argv[1]);
    for (i = 0; i < n; i++) {
        long long t0;
        int rc, code = 0;
        drip_err_t last;
        uint32_t flags = 0;
        size_t body = 0;
        const char *end = "none";
        drip_tls_info_t info;
        if (i > 0 && gap_ms > 0) {
            pl.sleep_ms(pl.ctx, (uint32_t)gap_ms);
        }
        t0 = now_us();
        rc = t.connect(t.ctx, argv[1], (uint16_t)atoi(argv[2]), 5000);
        t0 = now_us() - t0;
        drip_tls_info(&g_tls, &info);
        if (rc == DRIP_OK) {
            size_t off = 0, len = strlen(req);
            while (off < len) {
                int r = t.send(t.ctx, (const uint8_t *)req + off, len - off);
                if (r <= 0) {
                    break;
                }
                off += (size_t)r;
            }
            for (;;) {
                int r = t.recv(t.ctx, (uint8_t *)g_resp, sizeof g_resp, 3000);
                if (r > 0) {
                    body += (size_t)r;
                    continue;
                }
                if (r == 0) {
                    drip_tls_last_error(&g_tls, &code, NULL);
                    end = (code == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) ? "close_notify" : "eof";
                } else {
                    end = "error";
                }
                break;
            }
            drip_tls_info(&g_tls, &info); /* TLS 1.3: the ticket came with the answer */
        }
        last = drip_tls_last_error(&g_tls, &code, &flags);
        printf("conn=%d rc=%d last=%d err=\"%s\" version=%s suite=%s resumed=%u hs_tx=%u hs_rx=%u "
               "hs_us=%lld body=%zu end=%s verify=0x%x mbedtls=-0x%x\n",
               i, rc, (int)last, drip_err_str(rc != DRIP_OK ? rc : (int)last), rc == DRIP_OK ? mbedtls_ssl_get_version(&g_tls.priv.ssl) : "-",
               rc == DRIP_OK ? mbedtls_ssl_get_ciphersuite(&g_tls.priv.ssl) : "-",
               (unsigned)info.resumed, (unsigned)info.hs_tx, (unsigned)info.hs_rx, t0, body, end,
               (unsigned)flags, (unsigned)(code < 0 ? -code : code));
        fflush(stdout);
        t.close(t.ctx);
    }
    drip_tls_free(&g_tls);
    return 0;
}
