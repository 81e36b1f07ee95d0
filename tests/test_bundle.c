/* SPDX-License-Identifier: Apache-2.0 */
/* The one-struct bundles (port/bundle): what setup refuses, with which code,
 * and what it wires (endpoint from the base URL, key behind "Bearer ", the
 * client's buffers), checked through the request head the client writes. The
 * streaming itself is CTest quickstart (README program against the replay
 * server). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "drip_https_posix.h"
#if DRIP_TEST_LWIP_BUNDLE
#include "drip_https_lwip.h"
#endif

static drip_err_t on_text(void *u, const drip_event_t *ev, const char *p, size_t n)
{
    return DRIP_OK;
}

static const drip_handlers_t k_h = {.on_text = on_text};
static drip_https_posix_t g_h;
/* a CA that parses: the test CA is made at test time elsewhere; the system
 * bundle is on every machine that runs this (ca-certificates) */
#define SYS_CA "/etc/ssl/certs/ca-certificates.crt"

static drip_https_cfg_t cfg0(void)
{
    drip_https_cfg_t c;
    memset(&c, 0, sizeof c);
    c.handlers = &k_h;
    c.ca_file = SYS_CA;
    return c;
}

static void test_refused(void **state)
{
    static const struct {
        const char *url, *key;
        drip_err_t want;
    } cases[] = {
        {"http://api.openai.com/v1", NULL, DRIP_ERR_REQUEST_TARGET}, /* TLS only */
        {"ftp://x/v1", NULL, DRIP_ERR_REQUEST_TARGET},
        {"https:///v1", NULL, DRIP_ERR_REQUEST_TARGET},
        {"https://h:0/v1", NULL, DRIP_ERR_REQUEST_TARGET},
        {"https://h:65536/v1", NULL, DRIP_ERR_REQUEST_TARGET},
        {"https://h:44x/v1", NULL, DRIP_ERR_REQUEST_TARGET},
        {"https://[::1/v1", NULL, DRIP_ERR_REQUEST_TARGET},
        {"https://h/v 1", NULL, DRIP_ERR_REQUEST_TARGET},
        {"https://h/v1\r\nX-Evil: 1", NULL, DRIP_ERR_REQUEST_TARGET},
        {NULL, "sk-a\r\nX-Evil: 1", DRIP_ERR_REQUEST_HEADER},
        {NULL, "sk-\x01", DRIP_ERR_REQUEST_HEADER},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        drip_https_cfg_t c = cfg0();
        c.base_url = cases[i].url;
        c.api_key = cases[i].key;
        if (drip_https_posix_setup(&g_h, &c) != cases[i].want) {
            fail_msg("case %zu (%s): not %d", i, cases[i].url ? cases[i].url : cases[i].key,
                     (int)cases[i].want);
        }
        drip_https_posix_free(&g_h); /* safe after a failed setup */
    }
    {
        char key[DRIP_HTTPS_KEY_MAX + 2];
        drip_https_cfg_t c = cfg0();
        memset(key, 'k', sizeof key - 1);
        key[sizeof key - 1] = '\0';
        c.api_key = key;
        assert_int_equal(drip_https_posix_setup(&g_h, &c), DRIP_ERR_ARG);
        c.handlers = NULL;
        c.api_key = NULL;
        assert_int_equal(drip_https_posix_setup(&g_h, &c), DRIP_ERR_ARG);
        c = cfg0();
        c.ca_file = "/nonexistent/ca.pem";
        assert_int_equal(drip_https_posix_setup(&g_h, &c), DRIP_ERR_ARG);
        assert_int_equal(drip_https_posix_setup(NULL, &c), DRIP_ERR_ARG);
        assert_int_equal(drip_https_posix_setup(&g_h, NULL), DRIP_ERR_ARG);
    }
#if DRIP_TEST_LWIP_BUNDLE
    {
        static drip_https_lwip_t l;
        drip_https_cfg_t c = cfg0();
        c.ca_file = NULL; /* a board has no CA file: the CA must come in memory */
        assert_int_equal(drip_https_lwip_setup(&l, &c), DRIP_ERR_ARG);
        drip_https_lwip_free(&l);
    }
#endif
}

/* What setup wires: a request written by the client (before any connect)
 * has the base URL's host, port and prefix, and the key as a Bearer token. */
static void test_wiring(void **state)
{
    static const drip_header_t relay[] = {{"X-Relay-Token", "t0k"}};
    drip_https_cfg_t c = cfg0();
    drip_request_t req;
    char head[1024];
    size_t n;
    c.base_url = "https://relay.example:8443/openai/v1/";
    c.api_key = "sk-test";
    c.headers = relay;
    c.nheaders = 1;
    assert_int_equal(drip_https_posix_setup(&g_h, &c), DRIP_OK);
    memset(&req, 0, sizeof req);
    req.model = "m";
    req.input = "hi";
    assert_int_equal(drip_client_start(&g_h.client, &req), DRIP_OK);
    /* the head the client wrote is at the start of its tx buffer */
    memcpy(head, g_h.priv.k.tx, sizeof head - 1);
    head[sizeof head - 1] = '\0';
    n = strcspn(head, "{");
    head[n] = '\0';
    assert_non_null(strstr(head, "POST /openai/v1/responses HTTP/1.1\r\nHost: relay.example:8443\r\n"));
    assert_non_null(strstr(head, "\r\nAuthorization: Bearer sk-test\r\n"));
    assert_non_null(strstr(head, "\r\nX-Relay-Token: t0k\r\n"));
    drip_https_posix_free(&g_h);
    drip_https_posix_free(&g_h); /* twice is safe */

    /* defaults: api.openai.com, 443, /v1, no auth header without a key */
    c = cfg0();
    assert_int_equal(drip_https_posix_setup(&g_h, &c), DRIP_OK);
    assert_int_equal(drip_client_start(&g_h.client, &req), DRIP_OK);
    memcpy(head, g_h.priv.k.tx, sizeof head - 1);
    head[strcspn(head, "{")] = '\0';
    assert_non_null(strstr(head, "POST /v1/responses HTTP/1.1\r\nHost: api.openai.com\r\n"));
    assert_null(strstr(head, "Authorization"));
    drip_https_posix_free(&g_h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_wiring),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
