/* SPDX-License-Identifier: Apache-2.0 */
/* ESP32 example: join Wi-Fi, stream one answer, cut it into phrases as it
 * arrives (drip_phrase.h), then speak each phrase with POST /v1/audio/speech
 * (response_format pcm: 24 kHz, 16-bit, mono; stream_format sse) and play
 * the audio through I2S (the i2s_std driver, e.g. into a MAX98357A) as it
 * arrives.
 *
 * Sequencing: one drip_esp32_t is one TLS session (about 22 KB of Mbed TLS
 * heap for the handshake, 21 KB held while open). A second session to speak
 * while the answer streams would need a second handshake on top of it; so
 * here the answer comes first and its phrases wait in a fixed queue
 * (menuconfig), then each is a speech request on the same kept-alive
 * connection: no new handshake. The first audio comes when the answer has
 * ended (ask for short answers); the audio itself is never buffered beyond
 * the I2S DMA buffers: i2s_channel_write() blocks while they are full, the
 * client stops reading, and TCP flow control holds the server back. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "driver/i2s_std.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "esp_log.h"
#include "esp_system.h"
#include "esp_timer.h"

#include "drip_esp32.h"
#include "drip_example_wifi.h"

#define SPEECH_RATE 24000u /* pcm of the speech endpoint (openai.md 11) */

static const char *TAG = "speak";

static struct {
    i2s_chan_handle_t tx;
    uint8_t carry;      /* a sample's first byte when a piece ended between its two */
    int has_carry;
    uint32_t bytes;     /* played */
    int64_t t0_us, first_text_us, first_phrase_us, first_audio_us, answer_us;
    /* phrases: NUL-terminated, back to back */
    drip_phrase_t ph;
    char phrase_buf[DRIP_PHRASE_MAX_DEFAULT];
    char queue[CONFIG_DRIP_SPEAK_QUEUE_BYTES];
    size_t used;
    unsigned phrases, dropped;
} s;

/* ---- I2S: 24 kHz, 16-bit, mono, standard (Philips) format -------------------- */

static void i2s_start(void)
{
    i2s_chan_config_t cc = I2S_CHANNEL_DEFAULT_CONFIG(I2S_NUM_AUTO, I2S_ROLE_MASTER);
    i2s_std_config_t sc = {
        .clk_cfg = I2S_STD_CLK_DEFAULT_CONFIG(SPEECH_RATE),
        .slot_cfg = I2S_STD_PHILIPS_SLOT_DEFAULT_CONFIG(I2S_DATA_BIT_WIDTH_16BIT,
                                                        I2S_SLOT_MODE_MONO),
        .gpio_cfg = {
            .mclk = I2S_GPIO_UNUSED,
            .bclk = CONFIG_DRIP_SPEAK_PIN_BCLK,
            .ws = CONFIG_DRIP_SPEAK_PIN_WS,
            .dout = CONFIG_DRIP_SPEAK_PIN_DOUT,
            .din = I2S_GPIO_UNUSED,
        },
    };
    cc.auto_clear = true; /* silence, not the last buffer again, between phrases */
    ESP_ERROR_CHECK(i2s_new_channel(&cc, &s.tx, NULL));
    ESP_ERROR_CHECK(i2s_channel_init_std_mode(s.tx, &sc));
    ESP_ERROR_CHECK(i2s_channel_enable(s.tx));
}

/* Whole samples only: a piece of audio may end between a sample's two bytes. */
static esp_err_t i2s_play(const uint8_t *p, size_t n)
{
    size_t done = 0;
    esp_err_t e = ESP_OK;
    if (s.has_carry && n > 0) {
        uint8_t two[2] = {s.carry, p[0]};
        e = i2s_channel_write(s.tx, two, 2, &done, portMAX_DELAY);
        s.has_carry = 0;
        p++;
        n--;
    }
    if (e == ESP_OK && n >= 2) {
        e = i2s_channel_write(s.tx, p, n & ~(size_t)1, &done, portMAX_DELAY);
    }
    if (n & 1u) {
        s.carry = p[n - 1];
        s.has_carry = 1;
    }
    return e;
}

/* ---- handlers: inside drip_client_run(), as the bytes arrive ---------------- */

static void on_phrase(void *user, const char *p, size_t n)
{
    (void)user;
    if (s.phrases == 0 && s.dropped == 0) {
        s.first_phrase_us = esp_timer_get_time();
    }
    if (s.used + n + 1 > sizeof s.queue) {
        s.dropped++;
        ESP_LOGW(TAG, "phrase queue full: not spoken: %.*s", (int)n, p);
        return;
    }
    memcpy(s.queue + s.used, p, n);
    s.queue[s.used + n] = '\0';
    s.used += n + 1;
    s.phrases++;
}

static drip_err_t on_text(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    (void)user;
    (void)ev;
    if (s.first_text_us == 0) {
        s.first_text_us = esp_timer_get_time();
    }
    fwrite(p, 1, n, stdout);
    drip_phrase_feed(&s.ph, p, n);
    return DRIP_OK;
}

static drip_err_t on_audio(void *user, const uint8_t *p, size_t n)
{
    (void)user;
    if (s.first_audio_us == 0) {
        s.first_audio_us = esp_timer_get_time();
    }
    s.bytes += (uint32_t)n;
    /* blocks while the DMA buffers are full: the speaker paces the download */
    return i2s_play(p, n) == ESP_OK ? DRIP_OK : DRIP_ERR_CANCELLED;
}

static void on_error(void *user, const drip_error_t *e)
{
    (void)user;
    ESP_LOGE(TAG, "%s (%d)%s%.*s", drip_err_str(e->code), (int)e->code,
             e->api.message.p != NULL ? ": " : "",
             e->api.message.p != NULL ? (int)e->api.message.n : 0,
             e->api.message.p != NULL ? e->api.message.p : "");
}

/* ---- main ------------------------------------------------------------------------- */

static int64_t ms_since_t0(int64_t t)
{
    return t != 0 ? (t - s.t0_us) / 1000 : -1;
}

void app_main(void)
{
    static drip_esp32_t d;
    static const drip_handlers_t handlers = {
        .on_text = on_text, .on_audio = on_audio, .on_error = on_error};
    static char auth[200];
    drip_esp32_cfg_t cfg;
    drip_phrase_cfg_t pc;
    drip_request_t req;
    drip_state_t st;
    size_t off;
    drip_err_t e;

    drip_example_wifi_join(CONFIG_DRIP_SPEAK_WIFI_SSID, CONFIG_DRIP_SPEAK_WIFI_PASSWORD);
    i2s_start();

    memset(&cfg, 0, sizeof cfg);
    cfg.endpoint.host = CONFIG_DRIP_SPEAK_HOST;
    cfg.endpoint.port = 443;
    cfg.endpoint.path_prefix = "/v1";
    if (CONFIG_DRIP_SPEAK_API_KEY[0] != '\0') {
        (void)snprintf(auth, sizeof auth, "Bearer %s", CONFIG_DRIP_SPEAK_API_KEY);
        cfg.endpoint.auth_name = "Authorization";
        cfg.endpoint.auth_value = auth;
    }
    cfg.api = DRIP_API_RESPONSES;
    cfg.handlers = &handlers;
    e = drip_esp32_init(&d, &cfg);
    if (e != DRIP_OK) {
        ESP_LOGE(TAG, "setup failed: %s", drip_err_str(e));
        return;
    }
    memset(&pc, 0, sizeof pc);
    pc.min = DRIP_PHRASE_MIN_DEFAULT;
    pc.max = DRIP_PHRASE_MAX_DEFAULT;
    pc.buf = s.phrase_buf;
    pc.buf_len = sizeof s.phrase_buf;
    pc.on_phrase = on_phrase;
    (void)drip_phrase_init(&s.ph, &pc);

    /* 1. The answer, its phrases queued as they complete. */
    memset(&req, 0, sizeof req);
    req.api = DRIP_API_RESPONSES;
    req.model = CONFIG_DRIP_SPEAK_MODEL;
    req.input = CONFIG_DRIP_SPEAK_PROMPT;
    req.include_obfuscation = DRIP_FLAG_FALSE;
    s.t0_us = esp_timer_get_time();
    if (drip_client_start(&d.client, &req) != DRIP_OK) {
        ESP_LOGE(TAG, "the request does not fit the TX buffer");
        drip_esp32_deinit(&d);
        return;
    }
    st = drip_client_run(&d.client);
    drip_phrase_finish(&s.ph); /* the last phrase */
    s.answer_us = esp_timer_get_time();
    printf("\n");
    ESP_LOGI(TAG, "answer %s: %u phrases queued (%u B of %u), %u not spoken",
             drip_state_name(st), s.phrases, (unsigned)s.used, (unsigned)sizeof s.queue,
             s.dropped);

    /* 2. Each phrase on the same client: the kept-alive connection, no new
     *    handshake; its audio to I2S as it arrives. */
    for (off = 0; off < s.used; off += strlen(s.queue + off) + 1) {
        memset(&req, 0, sizeof req);
        req.api = DRIP_API_SPEECH;
        req.model = CONFIG_DRIP_SPEAK_TTS_MODEL;
        req.input = s.queue + off;
        req.voice = CONFIG_DRIP_SPEAK_VOICE;
        req.response_format = "pcm";
        req.stream_format = "sse";
        if (drip_client_start(&d.client, &req) != DRIP_OK) {
            ESP_LOGE(TAG, "speech request does not fit the TX buffer");
            break;
        }
        st = drip_client_run(&d.client);
        if (st != DRIP_STATE_COMPLETED) {
            ESP_LOGE(TAG, "speech %s: %s", drip_state_name(st), s.queue + off);
        }
    }
    ESP_LOGI(TAG, "first text %" PRId64 " ms, first phrase %" PRId64 " ms, answer %" PRId64
             " ms, first audio %" PRId64 " ms, total %" PRId64 " ms; %" PRIu32
             " bytes of pcm (%" PRIu32 " ms); heap_min %" PRIu32,
             ms_since_t0(s.first_text_us), ms_since_t0(s.first_phrase_us),
             ms_since_t0(s.answer_us), ms_since_t0(s.first_audio_us),
             ms_since_t0(esp_timer_get_time()), s.bytes, s.bytes / (2u * SPEECH_RATE / 1000u),
             esp_get_minimum_free_heap_size());
    drip_esp32_deinit(&d);
}
