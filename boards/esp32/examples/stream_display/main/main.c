/* SPDX-License-Identifier: Apache-2.0 */
/* ESP32 example: one answer streamed onto an SPI ST7789 320x240 panel.
 *
 * Two tasks and a queue:
 *  - the stream task (app_main): Wi-Fi, then the component's client
 *    (drip_esp32_init, drip_client_run); its callbacks are the display
 *    gadget's source (examples/display/disp_gadget.h), which turns text,
 *    reasoning, tool calls, errors and the end into 60-byte messages and
 *    sends them to a FreeRTOS queue;
 *  - the UI task: takes messages from the queue, feeds the text layer, draws
 *    only the damaged cells into an RGB565 framebuffer (big-endian pixels,
 *    as the ST7789 takes them), and sends the rows that changed with
 *    esp_lcd_panel_draw_bitmap(), waiting for the SPI DMA to finish before
 *    it draws again; every 100 ms without a message it blinks the cursor.
 * The stream never waits for the panel unless the queue (64 messages) is
 * full. Static task stacks, queue and objects; the one allocation is the
 * framebuffer (150 KB, DMA-capable: heap_caps_malloc once at boot, since a
 * static array that large does not fit the ESP32's static DRAM next to
 * Wi-Fi).
 * Pins: Kconfig (menuconfig -> dripfeed example: stream to an ST7789 panel).
 */
#include <stdio.h>
#include <string.h>

#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"
#include "freertos/task.h"
#include "driver/spi_master.h"
#include "esp_heap_caps.h"
#include "esp_lcd_panel_io.h"
#include "esp_lcd_panel_ops.h"
#include "esp_lcd_panel_vendor.h"
#include "esp_log.h"

#include "drip_esp32.h"
#include "drip_example_wifi.h"
#include "disp_gadget.h"

#define PANEL_W 320
#define PANEL_H 240
#define QUEUE_LEN 64
#define UI_STACK 4096
#define UI_BLINK_POLL_MS 100

static const char *TAG = "dripfeed";

/* ---- the panel: esp_lcd over SPI ------------------------------------------- */

static esp_lcd_panel_handle_t s_panel;
static TaskHandle_t s_ui_task;

/* SPI DMA finished sending a draw_bitmap: the UI task may touch the
 * framebuffer again (ISR context). */
static bool on_flush_done(esp_lcd_panel_io_handle_t io, esp_lcd_panel_io_event_data_t *ev,
                          void *ctx)
{
    BaseType_t woken = pdFALSE;
    (void)io;
    (void)ev;
    (void)ctx;
    vTaskNotifyGiveFromISR(s_ui_task, &woken);
    return woken == pdTRUE;
}

static void panel_init(void)
{
    spi_bus_config_t bus;
    esp_lcd_panel_io_spi_config_t io_cfg;
    esp_lcd_panel_dev_config_t dev;
    esp_lcd_panel_io_handle_t io;

    memset(&bus, 0, sizeof bus);
    bus.sclk_io_num = CONFIG_DRIP_DISPLAY_PIN_SCLK;
    bus.mosi_io_num = CONFIG_DRIP_DISPLAY_PIN_MOSI;
    bus.miso_io_num = -1;
    bus.quadwp_io_num = -1;
    bus.quadhd_io_num = -1;
    bus.max_transfer_sz = PANEL_W * 40 * 2; /* esp_lcd splits larger bitmaps */
    ESP_ERROR_CHECK(spi_bus_initialize(SPI2_HOST, &bus, SPI_DMA_CH_AUTO));
    memset(&io_cfg, 0, sizeof io_cfg);
    io_cfg.dc_gpio_num = CONFIG_DRIP_DISPLAY_PIN_DC;
    io_cfg.cs_gpio_num = CONFIG_DRIP_DISPLAY_PIN_CS;
    io_cfg.pclk_hz = 40 * 1000 * 1000;
    io_cfg.lcd_cmd_bits = 8;
    io_cfg.lcd_param_bits = 8;
    io_cfg.spi_mode = 0;
    io_cfg.trans_queue_depth = 4;
    io_cfg.on_color_trans_done = on_flush_done;
    ESP_ERROR_CHECK(esp_lcd_new_panel_io_spi((esp_lcd_spi_bus_handle_t)SPI2_HOST, &io_cfg, &io));
    memset(&dev, 0, sizeof dev);
    dev.reset_gpio_num = CONFIG_DRIP_DISPLAY_PIN_RST;
    dev.rgb_ele_order = LCD_RGB_ELEMENT_ORDER_RGB;
    dev.bits_per_pixel = 16;
    ESP_ERROR_CHECK(esp_lcd_new_panel_st7789(io, &dev, &s_panel));
    ESP_ERROR_CHECK(esp_lcd_panel_reset(s_panel));
    ESP_ERROR_CHECK(esp_lcd_panel_init(s_panel));
    /* The usual 2.0"/2.4" 240x320 modules: inverted colours, turned to
     * landscape. Other modules may want these changed. */
    ESP_ERROR_CHECK(esp_lcd_panel_invert_color(s_panel, true));
    ESP_ERROR_CHECK(esp_lcd_panel_swap_xy(s_panel, true));
    ESP_ERROR_CHECK(esp_lcd_panel_mirror(s_panel, true, false));
    ESP_ERROR_CHECK(esp_lcd_panel_disp_on_off(s_panel, true));
}

/* ---- the UI task -------------------------------------------------------------- */

static StaticQueue_t s_queue_mem;
static uint8_t s_queue_buf[QUEUE_LEN * sizeof(disp_msg_t)];
static QueueHandle_t s_queue;
static StaticTask_t s_ui_tcb;
static StackType_t s_ui_stack[UI_STACK];
static char s_screen[DRIP_TEXT_SCREEN_BYTES(PANEL_W / 8, (PANEL_H - 16) / 16)];
static disp_fb_t s_fb;
static disp_gadget_t s_g;

/* Send the rows the last messages changed (whole rows: contiguous in the
 * framebuffer), then wait for the DMA before the next drawing. */
static void flush(void)
{
    disp_rect_t r = disp_fb_take_dirty(&s_fb);
    if (r.x0 < r.x1 && r.y0 < r.y1) {
        ESP_ERROR_CHECK(esp_lcd_panel_draw_bitmap(s_panel, 0, r.y0, PANEL_W, r.y1,
                                                  disp_fb_row(&s_fb, r.y0)));
        (void)ulTaskNotifyTake(pdTRUE, portMAX_DELAY);
    }
}

static void ui_task(void *arg)
{
    disp_msg_t m;
    (void)arg;
    flush(); /* the empty panel with "waiting…" */
    for (;;) {
        if (xQueueReceive(s_queue, &m, pdMS_TO_TICKS(UI_BLINK_POLL_MS)) == pdTRUE) {
            disp_gadget_apply(&s_g, &m);
            while (xQueueReceive(s_queue, &m, 0) == pdTRUE) { /* all that waits, one push */
                disp_gadget_apply(&s_g, &m);
            }
        }
        m.kind = DISP_MSG_TICK;
        m.value = (uint32_t)(xTaskGetTickCount() * portTICK_PERIOD_MS);
        disp_gadget_apply(&s_g, &m);
        flush();
    }
}

/* The source's post function: runs in the stream task. */
static void post(void *ctx, const disp_msg_t *m)
{
    (void)ctx;
    (void)xQueueSend(s_queue, m, portMAX_DELAY); /* full: the stream waits for the UI */
}

/* ---- the stream task ------------------------------------------------------------ */

static drip_err_t on_text(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    (void)user;
    (void)ev;
    fwrite(p, 1, n, stdout); /* the console too */
    return DRIP_OK;
}

void app_main(void)
{
    static drip_esp32_t d;
    static disp_source_t src;
    static const drip_handlers_t handlers = {.on_text = on_text};
    static char auth[200];
    drip_stream_cfg_t tee;
    drip_esp32_cfg_t cfg;
    drip_request_t req;
    uint8_t *px;
    drip_err_t e;

    px = heap_caps_malloc(DISP_FB_BYTES(DISP_FB_RGB565, PANEL_W, PANEL_H), MALLOC_CAP_DMA);
    if (px == NULL) {
        ESP_LOGE(TAG, "no DMA-capable RAM for the 150 KB framebuffer");
        return;
    }
    panel_init();
    (void)disp_fb_init(&s_fb, px, PANEL_W, PANEL_H, DISP_FB_RGB565, disp_colors_rgb.bg);
    ESP_ERROR_CHECK(disp_gadget_setup(&s_g, &s_fb, &disp_font_8x16, &disp_colors_rgb, s_screen,
                                      sizeof s_screen, 0) == DRIP_OK ? ESP_OK : ESP_FAIL);
    s_queue = xQueueCreateStatic(QUEUE_LEN, sizeof(disp_msg_t), s_queue_buf, &s_queue_mem);
    s_ui_task = xTaskCreateStatic(ui_task, "ui", UI_STACK, NULL, 5, s_ui_stack, &s_ui_tcb);

    drip_example_wifi_join(CONFIG_DRIP_DISPLAY_WIFI_SSID, CONFIG_DRIP_DISPLAY_WIFI_PASSWORD);

    memset(&cfg, 0, sizeof cfg);
    cfg.endpoint.host = CONFIG_DRIP_DISPLAY_HOST;
    cfg.endpoint.port = 443;
    cfg.endpoint.path_prefix = "/v1";
    if (CONFIG_DRIP_DISPLAY_API_KEY[0] != '\0') {
        (void)snprintf(auth, sizeof auth, "Bearer %s", CONFIG_DRIP_DISPLAY_API_KEY);
        cfg.endpoint.auth_name = "Authorization";
        cfg.endpoint.auth_value = auth;
    }
    cfg.api = DRIP_API_RESPONSES;
    /* The console handler first, then the gadget's source (posts to the queue). */
    disp_source_init(&src, post, NULL);
    memset(&tee, 0, sizeof tee);
    tee.handlers = &handlers;
    disp_source_attach(&src, &tee);
    cfg.handlers = tee.handlers;
    cfg.user = tee.user;

    e = drip_esp32_init(&d, &cfg);
    if (e != DRIP_OK) {
        ESP_LOGE(TAG, "setup failed: %s", drip_err_str(e));
        return;
    }
    memset(&req, 0, sizeof req);
    req.api = cfg.api;
    req.model = CONFIG_DRIP_DISPLAY_MODEL;
    req.input = CONFIG_DRIP_DISPLAY_PROMPT;
    req.include_obfuscation = DRIP_FLAG_FALSE;
    e = drip_client_start(&d.client, &req);
    if (e == DRIP_OK) {
        (void)drip_client_run(&d.client);
    }
    disp_source_end(&src, drip_client_result(&d.client));
    drip_esp32_deinit(&d);
}
