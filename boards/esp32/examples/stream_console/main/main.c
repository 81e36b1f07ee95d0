/* SPDX-License-Identifier: Apache-2.0 */
/* ESP32 example: join Wi-Fi, stream one answer to the console as it
 * arrives, print a final status line. Everything below the Wi-Fi join is
 * the component's drip_esp32_init() plus the library's own client: the
 * same code paths the host tool (build/dripfeed stream) runs. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "esp_log.h"
#include "esp_system.h"
#include "esp_timer.h"

#include "drip_esp32.h"
#include "drip_example_wifi.h"


static const char *TAG = "dripfeed";
static int64_t s_t0_us, s_first_us;

/* ---- handlers: called inside drip_client_run(), as the bytes arrive --------- */

static drip_err_t on_text(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    (void)user;
    (void)ev;
    if (s_first_us == 0) {
        s_first_us = esp_timer_get_time();
    }
    fwrite(p, 1, n, stdout);
    fflush(stdout);
    return DRIP_OK;
}

static void on_error(void *user, const drip_error_t *e)
{
    (void)user;
    printf("\ndripfeed: error: %s (%d)", drip_err_str(e->code), (int)e->code);
    if (e->api.status > 0) {
        printf(" status %d", e->api.status);
    }
    if (e->api.code.p != NULL) {
        printf(" code %.*s", (int)e->api.code.n, e->api.code.p);
    }
    if (e->api.message.p != NULL) {
        printf(": %.*s", (int)e->api.message.n, e->api.message.p);
    }
    if (e->request_id != NULL && e->request_id[0] != '\0') {
        printf(" (request %s)", e->request_id);
    }
    printf("\n");
}

/* One line, like the host tool's, plus the two figures that matter on a
 * device: the heap low-water mark (Mbed TLS and Wi-Fi live there) and the
 * main task's unused stack (ESP-IDF counts it in bytes). */
static void status_line(const drip_esp32_t *d)
{
    const drip_result_t *r = drip_client_result(&d->client);
    int64_t now = esp_timer_get_time();
    int terr = drip_client_transport_error(&d->client);

    printf("\ndripfeed: state=%s http=%d", drip_state_name(r->state), r->http_status);
    if (r->response_id[0] != '\0') {
        printf(" response=%s", r->response_id);
    }
    if (r->has_usage) {
        printf(" tokens=%" PRId64 "/%" PRId64 "/%" PRId64, r->usage.input_tokens,
               r->usage.output_tokens, r->usage.total_tokens);
    }
    if (s_first_us != 0) {
        printf(" ttft=%" PRId64 "ms", (s_first_us - s_t0_us) / 1000);
    }
    printf(" total=%" PRId64 "ms", (now - s_t0_us) / 1000);
    if (r->err != 0) {
        printf(" error=%d(%s)", (int)r->err, drip_err_str(r->err));
    }
    if (terr != 0) {
        char why[160];
        printf(" transport=%d(%s)", terr, drip_err_str(terr));
        if (terr == DRIP_ERR_TLS || terr == DRIP_ERR_TLS_VERIFY) {
            printf(" tls=\"%s\"", drip_tls_describe(drip_esp32_tls(d), why, sizeof why));
        }
    }
    printf(" heap_min=%" PRIu32 " stack_free=%u\n", esp_get_minimum_free_heap_size(),
           (unsigned)uxTaskGetStackHighWaterMark(NULL));
}

/* ---- main ------------------------------------------------------------------------- */

void app_main(void)
{
    static drip_esp32_t d; /* every buffer of the stream, sized in menuconfig */
    static const drip_handlers_t handlers = {.on_text = on_text, .on_error = on_error};
    static char auth[200], extra[200];
    static drip_header_t hdr;
    drip_esp32_cfg_t cfg;
    drip_request_t req;
    drip_err_t e;

    drip_example_wifi_join(CONFIG_DRIP_EXAMPLE_WIFI_SSID, CONFIG_DRIP_EXAMPLE_WIFI_PASSWORD);

    memset(&cfg, 0, sizeof cfg);
    cfg.endpoint.host = CONFIG_DRIP_EXAMPLE_HOST;
    cfg.endpoint.port = (uint16_t)CONFIG_DRIP_EXAMPLE_PORT;
    cfg.endpoint.path_prefix = CONFIG_DRIP_EXAMPLE_PATH_PREFIX;
    if (CONFIG_DRIP_EXAMPLE_API_KEY[0] != '\0') {
        (void)snprintf(auth, sizeof auth, "Bearer %s", CONFIG_DRIP_EXAMPLE_API_KEY);
        cfg.endpoint.auth_name = "Authorization";
        cfg.endpoint.auth_value = auth;
    }
    if (CONFIG_DRIP_EXAMPLE_EXTRA_HEADER[0] != '\0') {
        /* "Name: value" -> one header; the request writer refuses control bytes */
        char *colon;
        (void)snprintf(extra, sizeof extra, "%s", CONFIG_DRIP_EXAMPLE_EXTRA_HEADER);
        colon = strchr(extra, ':');
        if (colon != NULL) {
            *colon++ = '\0';
            while (*colon == ' ') {
                colon++;
            }
            hdr.name = extra;
            hdr.value = colon;
            cfg.endpoint.headers = &hdr;
            cfg.endpoint.nheaders = 1;
        }
    }
#if defined(CONFIG_DRIP_EXAMPLE_API_CHAT)
    cfg.api = DRIP_API_CHAT;
#else
    cfg.api = DRIP_API_RESPONSES;
#endif
    cfg.handlers = &handlers;

    e = drip_esp32_init(&d, &cfg);
    if (e != DRIP_OK) {
        char why[160];
        ESP_LOGE(TAG, "setup failed: %s (%s)", drip_err_str(e),
                 drip_tls_describe(drip_esp32_tls(&d), why, sizeof why));
        return;
    }

    memset(&req, 0, sizeof req);
    req.api = cfg.api;
    req.model = CONFIG_DRIP_EXAMPLE_MODEL;
    req.input = CONFIG_DRIP_EXAMPLE_PROMPT;
    req.include_obfuscation = DRIP_FLAG_FALSE; /* no random padding in every delta: fewer bytes over the air */
    req.include_usage = (uint8_t)(cfg.api == DRIP_API_CHAT);

    s_t0_us = esp_timer_get_time();
    e = drip_client_start(&d.client, &req);
    if (e != DRIP_OK) {
        ESP_LOGE(TAG, "cannot start: %s", drip_err_str(e));
    } else {
        ESP_LOGI(TAG, "asking %s: %s", CONFIG_DRIP_EXAMPLE_MODEL, CONFIG_DRIP_EXAMPLE_PROMPT);
        (void)drip_client_run(&d.client); /* blocks; on_text prints as the answer arrives */
        status_line(&d);
    }
    drip_esp32_deinit(&d);
}
