/* SPDX-License-Identifier: Apache-2.0 */
/* Wi-Fi station join for the ESP32 examples (drip_example_wifi.h). */
#include <string.h>

#include "freertos/FreeRTOS.h"
#include "freertos/event_groups.h"
#include "esp_event.h"
#include "esp_log.h"
#include "esp_netif.h"
#include "esp_wifi.h"
#include "nvs_flash.h"

#include "drip_example_wifi.h"

#define GOT_IP_BIT BIT0

static const char *TAG = "wifi";
static StaticEventGroup_t s_wifi_group_mem; /* static: no heap for our own objects */
static EventGroupHandle_t s_wifi_group;

static void on_wifi_event(void *arg, esp_event_base_t base, int32_t id, void *data)
{
    (void)arg;
    (void)data;
    if (base == WIFI_EVENT && (id == WIFI_EVENT_STA_START || id == WIFI_EVENT_STA_DISCONNECTED)) {
        (void)esp_wifi_connect(); /* first join, and again after every drop */
    } else if (base == IP_EVENT && id == IP_EVENT_STA_GOT_IP) {
        (void)xEventGroupSetBits(s_wifi_group, GOT_IP_BIT);
    }
}

/* wifi_config_t fields are fixed arrays, not C strings: copy without a NUL
 * when the value fills them (ESP-IDF accepts that). */
static void copy_field(uint8_t *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    memcpy(dst, src, n < cap ? n : cap);
}

void drip_example_wifi_join(const char *ssid, const char *password)
{
    wifi_init_config_t init = WIFI_INIT_CONFIG_DEFAULT();
    wifi_config_t wc;
    esp_err_t err = nvs_flash_init(); /* the Wi-Fi driver keeps its calibration in NVS */

    if (err == ESP_ERR_NVS_NO_FREE_PAGES || err == ESP_ERR_NVS_NEW_VERSION_FOUND) {
        ESP_ERROR_CHECK(nvs_flash_erase());
        err = nvs_flash_init();
    }
    ESP_ERROR_CHECK(err);
    s_wifi_group = xEventGroupCreateStatic(&s_wifi_group_mem);
    ESP_ERROR_CHECK(esp_netif_init());
    ESP_ERROR_CHECK(esp_event_loop_create_default());
    (void)esp_netif_create_default_wifi_sta();
    ESP_ERROR_CHECK(esp_wifi_init(&init));
    ESP_ERROR_CHECK(esp_event_handler_instance_register(WIFI_EVENT, ESP_EVENT_ANY_ID,
                                                        on_wifi_event, NULL, NULL));
    ESP_ERROR_CHECK(esp_event_handler_instance_register(IP_EVENT, IP_EVENT_STA_GOT_IP,
                                                        on_wifi_event, NULL, NULL));
    memset(&wc, 0, sizeof wc);
    copy_field(wc.sta.ssid, sizeof wc.sta.ssid, ssid);
    copy_field(wc.sta.password, sizeof wc.sta.password, password);
    wc.sta.threshold.authmode = password[0] != '\0' ? WIFI_AUTH_WPA2_PSK : WIFI_AUTH_OPEN;
    ESP_ERROR_CHECK(esp_wifi_set_mode(WIFI_MODE_STA));
    ESP_ERROR_CHECK(esp_wifi_set_config(WIFI_IF_STA, &wc));
    ESP_ERROR_CHECK(esp_wifi_start());
    ESP_LOGI(TAG, "joining Wi-Fi \"%s\"", ssid);
    (void)xEventGroupWaitBits(s_wifi_group, GOT_IP_BIT, pdFALSE, pdTRUE, portMAX_DELAY);
    ESP_LOGI(TAG, "got an address");
}
