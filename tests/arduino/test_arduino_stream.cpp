/* SPDX-License-Identifier: Apache-2.0 */
/* The Arduino wrapper over a socket-backed Client against the replay server
 * (plain HTTP on 127.0.0.1): the answer goes to Serial (stdout) through
 * setOutput() and is counted through onText(); the state line goes to stderr.
 *
 *   test_arduino_stream PORT TRANSCRIPT CHUNK_MIN,MAX SEED [chat|""] [FAULT]
 * FAULT is an X-Drip-Fault value (tests/server/README.md).
 */
#include <Arduino.h>
#include <DripFeed.h>

#include <stdio.h>
#include <stdlib.h>

#include "socket_client.h"

static SocketClient net;
static DripFeed drip(net);

struct Count {
    size_t bytes, pieces;
};

static void count(const char *p, size_t n, void *user)
{
    Count *c = static_cast<Count *>(user);
    (void)p;
    c->bytes += n;
    c->pieces++;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: %s PORT TRANSCRIPT MIN,MAX SEED [chat]\n", argv[0]);
        return 2;
    }
    static const drip_header_t hdr[] = {
        {"X-Drip-Transcript", argv[2]},
        {"X-Drip-Chunk", argv[3]},
        {"X-Drip-Seed", argv[4]},
        {"X-Drip-Fault", argc > 6 ? argv[6] : ""},
    };
    Count c = {0, 0};
    drip.setHeaders(hdr, argc > 6 ? 4 : 3);
    drip.setTimeouts(10000, 10000, 30000);
    drip.setOutput(&Serial);
    drip.onText(count, &c);
    if (drip.begin("sk-test", "127.0.0.1", static_cast<uint16_t>(atoi(argv[1]))) != DRIP_OK) {
        fprintf(stderr, "begin failed\n");
        return 1;
    }
    drip_state_t s;
    if (argc > 5 && String(argv[5]).length() > 0) {
        drip_request_t req = {};
        req.api = DRIP_API_CHAT;
        req.model = "gpt-4o-mini";
        req.input = "Say hello";
        s = drip.ask(req);
    } else {
        s = drip.ask(String("gpt-4o-mini"), String("Say hello"));
    }
    Serial.flush();
    fflush(stdout);
    fprintf(stderr, "state=%s http=%u bytes=%zu pieces=%zu connects=%u transport=%d\n",
            drip_state_name(s), drip.result().http_status, c.bytes, c.pieces, net.connects(),
            drip.transportError());
    return s == DRIP_STATE_COMPLETED ? 0 : 1;
}
