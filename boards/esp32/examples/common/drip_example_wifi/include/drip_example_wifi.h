/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_example_wifi.h
 * @brief Wi-Fi station join shared by the ESP32 examples (not part of the
 *        dripfeed component).
 */
#ifndef DRIP_EXAMPLE_WIFI_H
#define DRIP_EXAMPLE_WIFI_H

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Bring up NVS, netif, the default event loop and the Wi-Fi station,
 *        join @p ssid and block until the station has an IPv4 address.
 *
 * Reconnects after every drop for as long as the program runs. Call once, from
 * one task. Aborts (ESP_ERROR_CHECK) when ESP-IDF refuses a step.
 *
 * @param ssid     network name, at most 32 bytes (longer is cut); borrowed
 *                 for the call only
 * @param password WPA2 passphrase, at most 64 bytes; "" joins an open network
 */
void drip_example_wifi_join(const char *ssid, const char *password);

#ifdef __cplusplus
}
#endif

#endif /* DRIP_EXAMPLE_WIFI_H */
