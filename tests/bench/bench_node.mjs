// SPDX-License-Identifier: Apache-2.0
// bench_node.mjs: the same SSE body through two JavaScript stacks, for comparison
// with bench_decode (dripfeed).
//
//   node bench_node.mjs --modules DIR [--iters N] [--only esp|sdk] STREAM.sse
//
// DIR is where `npm install --prefix DIR eventsource-parser openai` put node_modules
// (scripts/bench.sh uses build/bench/node; nothing of it is committed). The packages
// are loaded through createRequire(DIR) because this file lives outside DIR.
//
//  (a) eventsource-parser: createParser({onEvent}) fed 4096-byte pieces of the body
//      decoded to strings with one TextDecoder (stream: true); JSON.parse of each
//      event's data.
//  (b) the official openai SDK: Stream.fromSSEResponse (openai/core/streaming) over a
//      fetch Response whose body is a ReadableStream of 4096-byte Uint8Array pieces,
//      iterated to the end with `for await` (what `client.responses.create({stream:
//      true})` hands to the caller), with an AbortController as the SDK expects.
//
// Both count events and the UTF-8 bytes of every response.output_text.delta's
// `delta`, which must equal dripfeed's on_event / on_text counts. Each prints
//   <name>: <bytes> B, <events> events, <text> text B, <MB/s> MB/s (best of N, ms)
// MB/s = body bytes / best wall-clock pass (performance.now), MB = 10^6 bytes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const PIECE = 4096;

function usage() {
  console.error('usage: node bench_node.mjs --modules DIR [--iters N] [--only esp|sdk] STREAM.sse');
  process.exit(2);
}

let modules = null, iters = 5, only = null, file = null;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--modules' && i + 1 < argv.length) modules = argv[++i];
  else if (a === '--iters' && i + 1 < argv.length) iters = Number(argv[++i]);
  else if (a === '--only' && i + 1 < argv.length) only = argv[++i];
  else if (a.startsWith('-') || file !== null) usage();
  else file = a;
}
if (modules === null || file === null || !(iters >= 1)) usage();

const require = createRequire(join(resolve(modules), 'package.json'));
const body = readFileSync(file);
const u8 = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);

function pieces() {
  const out = [];
  for (let off = 0; off < u8.length; off += PIECE) {
    out.push(u8.subarray(off, Math.min(off + PIECE, u8.length)));
  }
  return out;
}
const chunks = pieces();

function countEvent(c, data) {
  c.events++;
  if (data.type === 'response.output_text.delta') {
    c.text += Buffer.byteLength(data.delta, 'utf8');
  }
}

// (a) eventsource-parser
function runEsp(createParser) {
  const c = { events: 0, text: 0 };
  const parser = createParser({
    onEvent(ev) {
      countEvent(c, JSON.parse(ev.data));
    },
  });
  const td = new TextDecoder('utf-8');
  for (const ch of chunks) {
    parser.feed(td.decode(ch, { stream: true }));
  }
  const rest = td.decode();
  if (rest) parser.feed(rest);
  parser.reset({ consume: true }); // dispatch a final event lacking its blank line
  return c;
}

// (b) openai SDK
async function runSdk(Stream) {
  const c = { events: 0, text: 0 };
  let i = 0;
  const rs = new ReadableStream({
    pull(ctrl) {
      if (i < chunks.length) ctrl.enqueue(chunks[i++]);
      else ctrl.close();
    },
  });
  const response = new Response(rs, {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8' },
  });
  const controller = new AbortController();
  const stream = Stream.fromSSEResponse(response, controller);
  for await (const data of stream) {
    countEvent(c, data);
  }
  return c;
}

async function bench(name, fn) {
  let best = Infinity, first = null;
  for (let k = 0; k < iters; k++) {
    const t0 = performance.now();
    const c = await fn();
    const dt = performance.now() - t0;
    if (first === null) first = c;
    else if (c.events !== first.events || c.text !== first.text) {
      console.error(`${name}: pass ${k} disagrees with pass 0`);
      process.exitCode = 1;
    }
    if (dt < best) best = dt;
  }
  const mbs = u8.length / (best / 1e3) / 1e6;
  console.log(`${name}: ${u8.length} B, ${first.events} events, ${first.text} text B, ` +
    `${mbs.toFixed(1)} MB/s (best of ${iters}, ${best.toFixed(2)} ms)`);
}

if (only === null || only === 'esp') {
  const { createParser } = require('eventsource-parser');
  const v = require('eventsource-parser/package.json').version;
  await bench(`eventsource-parser ${v} + JSON.parse (node)`, () => runEsp(createParser));
}
if (only === null || only === 'sdk') {
  const { Stream } = require('openai/core/streaming');
  const v = require('openai/version').VERSION;
  await bench(`openai-node ${v} Stream (node)`, () => runSdk(Stream));
}
