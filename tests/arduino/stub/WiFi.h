/* SPDX-License-Identifier: Apache-2.0 */
/* Compile-only stand-in of the ESP32 core's WiFi.h (the calls the examples make). */
#ifndef STUB_WIFI_H
#define STUB_WIFI_H
#include "Arduino.h"
#include "IPAddress.h"
enum { WL_IDLE_STATUS = 0, WL_CONNECTED = 3 };
class WiFiClass {
public:
    int begin(const char *ssid, const char *pass) { (void)ssid, (void)pass; return WL_CONNECTED; }
    int status() { return WL_CONNECTED; }
};
static WiFiClass WiFi;
#endif
