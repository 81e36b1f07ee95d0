// SPDX-License-Identifier: Apache-2.0
// diff_sse.mjs: SSE streams parsed by dripfeed (`dripfeed sse`, the host tool) and by
// eventsource-parser (npm) must give the same events.
//
//   node diff_sse.mjs --dripfeed PATH --modules DIR [--cases N] [--seed S] [--case I] [--verbose]
//
// DIR is where `npm install --prefix DIR eventsource-parser@3` put node_modules
// (run_sse.sh does that at test time; nothing of it is committed).
//
// A seeded generator writes streams from every rule of spec/sse.md: LF, CR and CRLF line
// ends (a CR ending one read and its LF starting the next), a BOM at the start (and a
// second one, and one later), comments, data/event/id/retry with and without the space
// after the colon, fields without a colon, unknown and wrongly-cased names, ids with NUL,
// empty and multi-line data, multi-byte UTF-8, blank-line-only blocks, and streams that
// end without their blank line, without a final line end, or on a lone CR.
//
// Each stream goes through `dripfeed sse --feed 1` and `--feed K` (K random), which must
// print the same, and through eventsource-parser fed the same K-byte pieces decoded by one
// streaming TextDecoder (as a fetch client does) and fed whole, which must agree too.
// Then the event lists are compared: type, data, id, and the final retry. Every
// difference must fall into a named category below, each a deliberate difference written
// down in tests/differential/README.md and each checked, not just named; anything else
// fails the run. Counts per category are printed.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

// ---- arguments ------------------------------------------------------------------------
let dripfeed = null, modules = null, cases = 2000, seed = 20240611, only = null, verbose = false;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i], v = argv[i + 1];
  if (a === '--dripfeed' && v !== undefined) { dripfeed = v; i++; }
  else if (a === '--modules' && v !== undefined) { modules = v; i++; }
  else if (a === '--cases' && v !== undefined) { cases = Number(v); i++; }
  else if (a === '--seed' && v !== undefined) { seed = Number(v); i++; }
  else if (a === '--case' && v !== undefined) { only = Number(v); i++; }
  else if (a === '--verbose') verbose = true;
  else {
    console.error('usage: node diff_sse.mjs --dripfeed PATH --modules DIR [--cases N] [--seed S] [--case I] [--verbose]');
    process.exit(2);
  }
}
if (dripfeed === null || modules === null || !(cases >= 1)) {
  console.error('diff_sse: --dripfeed and --modules are required');
  process.exit(2);
}
const require = createRequire(join(resolve(modules), 'package.json'));
const { createParser } = require('eventsource-parser');
const espVersion = require('eventsource-parser/package.json').version;

// ---- categories -----------------------------------------------------------------------
// Agreement, deliberate differences (each checked), and failures.
const CATS = {
  same: 'same events, ids and retry',
  id_not_persisted: 'eventsource-parser gives only an id set inside the event; dripfeed the last-event-id in force',
  lone_cr_pending: 'a lone CR is the last line end of the stream or of a fed piece: eventsource-parser waits for an LF',
  retry_saturated: 'retry above 2^32-1 ms: dripfeed caps it at 4294967295',
  field_limit: 'event type > 48 or id > 32 bytes: dripfeed stops with field-too-long (fixed buffers)',
  oversize: 'data larger than --buffer: dripfeed reports size, not data',
  DRIP_SPLIT: 'dripfeed output differs between --feed 1 and --feed K',
  UNCLASSIFIED: 'a difference with no category',
};
const FAIL = new Set(['DRIP_SPLIT', 'UNCLASSIFIED']);

// ---- generator ------------------------------------------------------------------------
function rng(s) { // mulberry32
  let a = s >>> 0;
  const next = () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return { int, chance: (pct) => next() * 100 < pct, pick: (arr) => arr[int(arr.length)] };
}

const enc = new TextEncoder();
const BOM = [0xef, 0xbb, 0xbf];
const PIECES = ['a', 'b', 'Z', '0', '9', ' ', '  ', ':', '::', '\t', 'data', 'id', 'é', '€', '𝄞',
  '中文', '{"x":1}', '[DONE]', '\uFEFF', '\\', '"', 'retry', 'event: x'];

// A value: mostly short text, sometimes with NUL, sometimes empty.
function value(r, { nul = false, max = 12 } = {}) {
  let s = '';
  const n = r.int(max);
  for (let i = 0; i < n; i++) s += r.pick(PIECES);
  if (nul && r.chance(50)) {
    const at = r.int(s.length + 1);
    s = s.slice(0, at) + '\0' + s.slice(at);
  }
  return s;
}

// One stream: its bytes and what the comparer may check (ids a block set outside any
// event, every id value written, and whether a field was over dripfeed's limits).
function generate(r) {
  const parts = []; // Uint8Array / number[] pieces
  const meta = { idOutsideEvent: false, ids: new Set(['']), overLimit: false, smallBuffer: false };
  let prevEol = '\n';
  const push = (s) => parts.push(typeof s === 'string' ? enc.encode(s) : Uint8Array.from(s));
  const eol = (emptyLine) => {
    // a CR followed by an empty line ending in LF would be one CRLF, not a blank line
    let e = r.pick(['\n', '\n', '\r\n', '\r']);
    if (emptyLine && prevEol === '\r' && e === '\n') e = r.pick(['\r', '\r\n']);
    prevEol = e;
    return e;
  };

  if (r.chance(20)) push(BOM);
  if (r.chance(4)) push(BOM); // a second one is not skipped
  if (r.chance(10)) push(eol(true)); // leading blank line

  const blocks = 1 + r.int(7);
  for (let b = 0; b < blocks; b++) {
    const lines = r.int(6);
    let hasData = false, setsId = false;
    for (let l = 0; l < lines; l++) {
      const k = r.int(100);
      let line;
      if (k < 40) {
        line = r.pick(['data:', 'data: ', 'data:  ', 'data']);
        if (line !== 'data') line += value(r, { nul: r.chance(10) });
        if (line !== 'data' && r.chance(3)) line += 'x'.repeat(100 + r.int(300)); // past a small buffer
        hasData = true;
      } else if (k < 55) {
        const long = r.chance(2);
        line = r.pick(['event:', 'event: ', 'event:  ', 'event']);
        if (line !== 'event') line += long ? 'e'.repeat(49 + r.int(20)) : value(r, { max: 4 });
        if (long) meta.overLimit = true;
      } else if (k < 68) {
        const long = r.chance(2);
        const form = r.pick(['id:', 'id: ', 'id:  ', 'id']);
        const v = form === 'id' ? '' : long ? 'i'.repeat(33 + r.int(20)) : value(r, { nul: r.chance(25), max: 4 });
        line = form + v;
        if (long) meta.overLimit = true;
        // the value as WHATWG reads it: one leading space dropped; with NUL, ignored
        let eff = line.slice(3);
        if (eff.startsWith(' ')) eff = eff.slice(1);
        if (!eff.includes('\0')) { meta.ids.add(eff); setsId = true; }
      } else if (k < 78) {
        line = r.pick(['retry:', 'retry: ', 'retry']) + r.pick(['1000', '0', '007', '', ' 5', '12a', '-1',
          '4294967295', '4294967296', '99999999999', '3.5', '１２']);
      } else if (k < 88) {
        line = r.pick([':', ': keep-alive', ':comment: with colon', '::']) + value(r, { max: 3 });
      } else {
        // unknown or wrongly-cased names, names with spaces, a BOM-prefixed name
        line = r.pick(['foo', 'Data', 'DATA', 'ev', 'eventx', 'data ', ' data', 'i d', 'retryx', '\uFEFFdata', 'id\0'])
          + r.pick(['', ':', ': ', ':x']) + value(r, { max: 3 });
      }
      push(line);
      push(eol(line === ''));
    }
    // the blank line that dispatches (sometimes more than one)
    const last = b === blocks - 1;
    if (!last || r.chance(60)) {
      const blanks = r.chance(10) ? 2 : 1;
      for (let i = 0; i < blanks; i++) push(eol(true));
      if (setsId && !hasData) meta.idOutsideEvent = true;
    } else if (r.chance(30)) {
      push(r.pick(['data: tail', 'data: tail\r', 'id: tail', 'retry: 77', 'retry: 77\r', 'event: t'])); // no line end
    }
  }
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  if (r.chance(5)) meta.smallBuffer = true;
  return { bytes: out, meta };
}

// ---- the two parsers ------------------------------------------------------------------
function runDrip(bytes, feed, buffer) {
  const p = spawnSync(dripfeed, ['sse', '--feed', String(feed), '--buffer', String(buffer)],
    { input: bytes, maxBuffer: 64 << 20 });
  if (p.error) throw p.error;
  const text = p.stdout.toString('utf8');
  const lines = text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
  const end = lines.pop();
  if (!end || end.end === undefined) throw new Error(`dripfeed printed no end line: ${text}`);
  return { text, events: lines, end, status: p.status };
}

function runEsp(bytes, piece) {
  const events = [];
  let retry = null;
  const parser = createParser({
    onEvent(ev) { events.push({ event: ev.event ?? 'message', data: ev.data, id: ev.id }); },
    onRetry(ms) { retry = ms; },
  });
  const td = new TextDecoder('utf-8'); // strips one leading BOM, like a fetch client's
  for (let off = 0; off < bytes.length; off += piece) {
    const s = td.decode(bytes.subarray(off, Math.min(off + piece, bytes.length)), { stream: true });
    if (s !== '') parser.feed(s);
  }
  const rest = td.decode();
  if (rest !== '') parser.feed(rest);
  return { events, retry };
}

// ---- comparison -----------------------------------------------------------------------
const u8len = (s) => Buffer.byteLength(s, 'utf8');

// Compare dripfeed's result with eventsource-parser's. Returns the list of categories the
// differences fall into ([] when identical), or ['UNCLASSIFIED', why].
function compareCore(meta, drip, esp, buffer) {
  const cats = new Set();
  const de = drip.events;
  let ee = esp.events;

  if (drip.end.end === 'error') {
    // dripfeed stopped at a field over its limit; the events before it must match
    if (!meta.overLimit || !/too long/.test(drip.end.error)) return ['UNCLASSIFIED', `dripfeed error ${drip.end.error}`];
    cats.add('field_limit');
    if (ee.length < de.length) return ['UNCLASSIFIED', 'fewer events from eventsource-parser before the limit'];
    ee = ee.slice(0, de.length);
  }
  if (de.length !== ee.length) return ['UNCLASSIFIED', `${de.length} events from dripfeed, ${ee.length} from eventsource-parser`];

  let lastId = '';
  for (let i = 0; i < de.length; i++) {
    const d = de[i], e = ee[i];
    if (d.event !== e.event) return ['UNCLASSIFIED', `event ${i}: type ${JSON.stringify(d.event)} vs ${JSON.stringify(e.event)}`];
    if (d.oversize) {
      if (d.size !== u8len(e.data) || d.size <= buffer) return ['UNCLASSIFIED', `event ${i}: oversize ${d.size} vs ${u8len(e.data)} B`];
      cats.add('oversize');
    } else if (d.data !== e.data) {
      return ['UNCLASSIFIED', `event ${i}: data ${JSON.stringify(d.data)} vs ${JSON.stringify(e.data)}`];
    }
    if (e.id !== undefined) { // an id set inside this event: the same for both
      if (d.id !== e.id) return ['UNCLASSIFIED', `event ${i}: id ${JSON.stringify(d.id)} vs ${JSON.stringify(e.id)}`];
      lastId = e.id;
    } else if (d.id === lastId) { // eventsource-parser forgot it; dripfeed kept it
      if (d.id !== '') cats.add('id_not_persisted');
    } else if (meta.idOutsideEvent && meta.ids.has(d.id)) {
      // set by a block without data, which eventsource-parser drops without trace
      cats.add('id_not_persisted');
      lastId = d.id;
    } else {
      return ['UNCLASSIFIED', `event ${i}: id ${JSON.stringify(d.id)}, last seen ${JSON.stringify(lastId)}`];
    }
  }
  if (drip.end.end !== 'error') {
    const dr = drip.end.retry, er = esp.retry;
    if (dr !== er) {
      if (er !== null && er > 4294967295 && dr === 4294967295) cats.add('retry_saturated');
      else return ['UNCLASSIFIED', `retry ${dr} vs ${er}`];
    }
  }
  return [...cats];
}

function sameEsp(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

// eventsource-parser must give the same whole and in pieces, then agree with dripfeed.
function verdict(meta, drip, espWhole, espPieces, buffer) {
  if (!sameEsp(espWhole, espPieces)) return ['UNCLASSIFIED', 'eventsource-parser: pieces differ from whole'];
  return compareCore(meta, drip, espPieces, buffer);
}

// Index of the stream's last line-end byte if it is a lone CR, else -1.
function lastLoneCr(bytes) {
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i] === 0x0a) return -1;
    if (bytes[i] === 0x0d) return i;
  }
  return -1;
}

function show(bytes) {
  return JSON.stringify(Buffer.from(bytes).toString('latin1')).replace(/[\u0080-\u00ff]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16)}`);
}

// ---- driver ---------------------------------------------------------------------------
const counts = Object.fromEntries(Object.keys(CATS).map((k) => [k, 0]));
let failures = 0, shown = 0, events = 0;
const first = only ?? 0, last = only !== null ? only + 1 : cases;
for (let i = first; i < last; i++) {
  const r = rng((seed ^ Math.imul(i + 1, 0x9E3779B1)) >>> 0);
  const { bytes, meta } = generate(r);
  const k = 2 + r.int(9);
  const buffer = meta.smallBuffer ? 16 + r.int(48) : 65536;
  const d1 = runDrip(bytes, 1, buffer), dk = runDrip(bytes, k, buffer);
  const e1 = runEsp(bytes, bytes.length || 1), ek = runEsp(bytes, k);
  let cats, why = '';
  if (d1.text !== dk.text || d1.status !== dk.status) cats = ['DRIP_SPLIT'];
  else {
    cats = verdict(meta, dk, e1, ek, buffer);
    const cr = lastLoneCr(bytes);
    if (cats[0] === 'UNCLASSIFIED' && cr >= 0) {
      // eventsource-parser keeps a CR that ends its input (or a fed piece) until more
      // input shows whether an LF follows; when no line end comes later, the line that
      // CR ended is never processed. CR and CRLF are the same line end: with an LF
      // after that CR it must agree with dripfeed.
      const b2 = new Uint8Array(bytes.length + 1);
      b2.set(bytes.subarray(0, cr + 1));
      b2[cr + 1] = 0x0a;
      b2.set(bytes.subarray(cr + 1), cr + 2);
      const c2 = verdict(meta, dk, runEsp(b2, b2.length), runEsp(b2, k), buffer);
      if (c2[0] !== 'UNCLASSIFIED') cats = ['lone_cr_pending', ...c2];
    }
    if (cats[0] === 'UNCLASSIFIED') { why = cats[1]; cats = ['UNCLASSIFIED']; }
  }
  if (cats.length === 0) cats = ['same'];
  events += dk.events.length;
  for (const c of cats) counts[c]++;
  const failed = cats.some((c) => FAIL.has(c));
  if (failed) failures++;
  if ((failed && shown < 10) || verbose || only !== null) {
    shown++;
    console.error(`case ${i}: ${cats.join(', ')}${why ? ` (${why})` : ''}`);
    console.error(`  stream (${bytes.length} B, feed ${k}, buffer ${buffer}): ${show(bytes)}`);
    console.error(`  dripfeed: ${dk.text.trim().split('\n').join('\n            ')}`);
    console.error(`  eventsource-parser: ${JSON.stringify(ek.events)} retry ${ek.retry}`);
    if (!sameEsp(e1, ek)) console.error(`  eventsource-parser whole: ${JSON.stringify(e1.events)} retry ${e1.retry}`);
  }
}

console.log(`diff_sse: ${last - first} streams (seed ${seed}), ${events} events, dripfeed vs eventsource-parser ${espVersion}`);
console.log('streams by category (one stream can fall into several):');
for (const [c, n] of Object.entries(counts)) {
  console.log(`  ${c.padEnd(18)} ${String(n).padStart(7)}${FAIL.has(c) && n ? '  <-- FAIL' : ''}`);
}
console.log(`${failures} failures`);
process.exitCode = failures ? 1 : 0;
