/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file dripfeed.h
 * @brief Everything: include this one header.
 *
 * The pipeline, top to bottom as bytes flow in (one header per layer):
 *   drip_http.h    2 status line, headers, chunked / length / close -> body bytes
 *   drip_sse.h     3 body bytes -> SSE events (type, data, id)
 *   drip_json.h    4 event data -> jsmn tokens, unescaped strings, integers
 *   drip_scan.h    4 events larger than any buffer, in constant memory
 *   drip_event.h   5 OpenAI event types -> drip_event_t
 *   drip_body.h    4 a JSON body (HTTP error, cancel) -> error members, id, status
 *   drip_stream.h    the glue: one answer, its handlers and its final state
 * and around it:
 *   drip_transport.h 1 the transport contract the ports implement
 *   drip_b64.h         base64 decoded as it arrives (speech audio)
 *   drip_request.h     request bodies and heads into caller buffers
 *   drip_client.h      request -> transport -> stream, timeouts, retries, resume
 * after it, for gadgets:
 *   drip_text.h        answer text -> Markdown-lite -> display lines
 * drip_err.h (error codes) and drip_opts.h (limits) are used by all;
 * drip_version.h gives the version.
 */
#ifndef DRIPFEED_H
#define DRIPFEED_H

#include "drip_version.h"
#include "drip_err.h"
#include "drip_opts.h"
#include "drip_http.h"
#include "drip_sse.h"
#include "drip_json.h"
#include "drip_scan.h"
#include "drip_b64.h"
#include "drip_event.h"
#include "drip_body.h"
#include "drip_stream.h"
#include "drip_transport.h"
#include "drip_request.h"
#include "drip_client.h"
#include "drip_text.h"
#include "drip_phrase.h"

#endif /* DRIPFEED_H */
