/* SPDX-License-Identifier: Apache-2.0 */
/* A program that uses dripfeed as an outside project would: through the
 * installed package, pkg-config or add_subdirectory (run_consumer.sh builds
 * it each way). It feeds a recorded HTTP response (tests/captures/NAME.http)
 * through drip_stream_feed in small pieces and prints the answer text on
 * stdout, then "state=... http=... events=..." on stderr.
 *
 *   consumer responses|chat FILE.http
 *
 * Built with CONSUMER_PORTS=1 it also links the POSIX and mbedTLS ports and
 * shows it: a TLS context set up over a POSIX transport with a CA that does
 * not parse must be refused by mbedTLS (stderr "tls=rejected mbedtls=-0x...").
 */
#include <stdio.h>
#include <string.h>

#include "dripfeed/dripfeed.h"

#if CONSUMER_PORTS
#include "drip_posix.h"
#include "drip_tls.h"
#endif

static drip_err_t on_text(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    (void)user;
    (void)ev;
    return fwrite(p, 1, n, stdout) == n ? DRIP_OK : DRIP_ERR_CANCELLED;
}

static void on_error(void *user, const drip_error_t *err)
{
    (void)user;
    fprintf(stderr, "error: %s\n", drip_err_str(err->code));
}

#if CONSUMER_PORTS
/* Static: drip_tls_t holds the whole mbedTLS context. */
static drip_posix_t tcp;
static drip_tls_t tls;

static int check_ports(void)
{
    static const uint8_t not_a_ca[] = "-----BEGIN CERTIFICATE-----\nnot base64\n"
                                      "-----END CERTIFICATE-----\n";
    drip_transport_t t;
    drip_tls_cfg_t cfg;
    drip_err_t rc;
    int code = 0;

    drip_posix_init(&tcp);
    if (drip_posix_transport(&tcp, &t) != DRIP_OK) {
        fprintf(stderr, "posix transport failed\n");
        return 1;
    }
    memset(&cfg, 0, sizeof cfg);
    cfg.ca_pem_or_der = not_a_ca;
    cfg.ca_len = sizeof not_a_ca;
    drip_tls_init(&tls);
    rc = drip_tls_setup(&tls, &t, &cfg);
    (void)drip_tls_last_error(&tls, &code, NULL);
    drip_tls_free(&tls);
    if (rc != DRIP_ERR_ARG || code >= 0) {
        fprintf(stderr, "tls=accepted-a-bad-ca rc=%s mbedtls=%d\n", drip_err_str(rc), code);
        return 1;
    }
    fprintf(stderr, "tls=rejected mbedtls=-0x%04x\n", (unsigned)-code);
    return 0;
}
#endif

int main(int argc, char **argv)
{
    static uint8_t buf[512];
    static jsmntok_t tok[64];
    static drip_call_slot_t calls[4];
    static drip_stream_t st;
    static const drip_handlers_t h = { .on_text = on_text, .on_error = on_error };
    static uint8_t rx[7]; /* odd pieces: the parsers see every kind of split */
    drip_stream_cfg_t cfg;
    drip_state_t s;
    FILE *f;
    size_t n;
    int rc = 0;

    if (argc != 3 || (strcmp(argv[1], "responses") != 0 && strcmp(argv[1], "chat") != 0)) {
        fprintf(stderr, "usage: %s responses|chat FILE.http\n", argv[0]);
        return 2;
    }
    memset(&cfg, 0, sizeof cfg);
    cfg.api = strcmp(argv[1], "chat") == 0 ? DRIP_API_CHAT : DRIP_API_RESPONSES;
    cfg.buf = buf;
    cfg.buf_len = sizeof buf;
    cfg.tok = tok;
    cfg.ntok = sizeof tok / sizeof tok[0];
    cfg.calls = calls;
    cfg.ncalls = sizeof calls / sizeof calls[0];
    cfg.handlers = &h;
    if (drip_stream_init(&st, &cfg) != DRIP_OK) {
        fprintf(stderr, "drip_stream_init failed\n");
        return 1;
    }
    f = fopen(argv[2], "rb");
    if (!f) {
        perror(argv[2]);
        return 1;
    }
    while ((n = fread(rx, 1, sizeof rx, f)) > 0)
        if (drip_stream_feed(&st, rx, n) != DRIP_OK)
            break;
    fclose(f);
    s = drip_stream_finish(&st);
    fflush(stdout);
    fprintf(stderr, "state=%s http=%d events=%u\n", drip_state_name(s), st.result.http_status,
            (unsigned)st.result.events);
#if CONSUMER_PORTS
    rc = check_ports();
#endif
    return rc;
}
