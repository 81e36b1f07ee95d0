// SPDX-License-Identifier: Apache-2.0
// StreamToSerial: join Wi-Fi, ask the OpenAI API one question, print the
// answer to Serial as it arrives. ESP32 (WiFiClientSecure does the TLS).
//
// Fill in WIFI_SSID, WIFI_PASS and OPENAI_KEY below. The key in flash is
// readable by anyone holding the board: for anything beyond a desk test use
// a relay that holds the key (begin(NULL, "relay.example", 443, "/v1") and
// setHeaders() with the relay's own token).
#include <WiFi.h>
#include <WiFiClientSecure.h>
#include <DripFeed.h>

static const char *WIFI_SSID = "your-ssid";
static const char *WIFI_PASS = "your-password";
static const char *OPENAI_KEY = "sk-...";

// The root CA of api.openai.com's chain (PEM). Check the live chain with
// `openssl s_client -connect api.openai.com:443 -showcerts` and paste its
// root here; repository: boards/esp32/idf/certs/openai_roots.pem holds the
// candidates (Google Trust Services R1/R4, ISRG X1/X2).
static const char *ROOT_CA = "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n";

static WiFiClientSecure tls;
static DripFeed drip(tls); // ~8 KB of buffers: a global, never a local

void setup()
{
    Serial.begin(115200);
    WiFi.begin(WIFI_SSID, WIFI_PASS);
    while (WiFi.status() != WL_CONNECTED) {
        delay(250);
    }
    tls.setCACert(ROOT_CA);
    drip.setOutput(&Serial);
    if (drip.begin(OPENAI_KEY) != DRIP_OK) {
        Serial.println("dripfeed: begin failed");
        return;
    }
    drip_state_t s = drip.ask("gpt-4o-mini", "Say hello in five words.");
    Serial.println();
    Serial.print("[");
    Serial.print(drip_state_name(s));
    Serial.print(" http=");
    Serial.print(drip.result().http_status);
    Serial.println("]");
}

void loop()
{
}
