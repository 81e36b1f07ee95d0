#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Summarise the vercel/ai Responses-stream fixtures (*.chunks.txt).

Prints, per file, the facts listed in README.md: size, event count, whether
sequence_number runs 0..n-1, the item.type of every response.output_item.added
(in order), which tool-call item kinds occur, the call_id / name / final
arguments (function_call) or input (custom_tool_call) taken from
response.output_item.done, the UTF-8 byte length of all
response.output_text.delta deltas concatenated, and the type and
response.status of the last event.  Output is Markdown.

Usage: python3 summarize.py [FILE.chunks.txt ...]
"""

import json
import pathlib
import sys

KINDS = ("mcp_call", "mcp_approval_request", "custom_tool_call",
         "function_call", "web_search_call", "code_interpreter_call")


def summarize(path):
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    events = [json.loads(l) for l in text.split("\n") if l.strip()]
    seqs = [e.get("sequence_number") for e in events]
    if all(s is None for s in seqs):
        seq = "absent"
    elif seqs == list(range(len(events))):
        seq = f"0..{len(events) - 1} consecutive"
    else:
        seq = "NOT consecutive"
    added = [e["item"]["type"] for e in events
             if e["type"] == "response.output_item.added"]
    calls = []
    for e in events:
        if e["type"] != "response.output_item.done":
            continue
        it = e["item"]
        if it["type"] == "function_call":
            calls.append(("function_call", it.get("call_id"), it.get("name"),
                          "arguments", it.get("arguments")))
        elif it["type"] == "custom_tool_call":
            calls.append(("custom_tool_call", it.get("call_id"),
                          it.get("name"), "input", it.get("input")))
    deltas = "".join(e["delta"] for e in events
                     if e["type"] == "response.output_text.delta")
    last = events[-1]
    return {
        "file": path.name,
        "bytes": len(raw),
        "chars": len(text),
        "final_newline": text.endswith("\n"),
        "events": len(events),
        "seq": seq,
        "model": events[0].get("response", {}).get("model"),
        "added": added,
        "kinds": {k: k in added for k in KINDS},
        "calls": calls,
        "text_bytes": len(deltas.encode("utf-8")),
        "last_type": last["type"],
        "status": last.get("response", {}).get("status"),
    }


def main(argv):
    here = pathlib.Path(__file__).resolve().parent
    files = [pathlib.Path(a) for a in argv] or sorted(here.glob("*.chunks.txt"))
    rows = [summarize(f) for f in files]
    print("| file | bytes | events | sequence_number | last event / status "
          "| output_text bytes | " + " | ".join(KINDS) + " |")
    print("|" + "---|" * (6 + len(KINDS)))
    for r in rows:
        print(f"| {r['file']} | {r['bytes']} | {r['events']} | {r['seq']} "
              f"| {r['last_type']} / {r['status']} | {r['text_bytes']} | "
              + " | ".join("yes" if r["kinds"][k] else "no" for k in KINDS)
              + " |")
    print()
    for r in rows:
        print(f"### {r['file']}")
        print()
        print(f"- model: `{r['model']}`; {r['chars']} characters, "
              f"{r['bytes']} bytes, final newline: "
              f"{'yes' if r['final_newline'] else 'no'}")
        print(f"- output_item.added item types, in order: "
              + ", ".join(f"`{t}`" for t in r["added"]))
        for kind, call_id, name, field, value in r["calls"]:
            print(f"- {kind}: call_id `{call_id}`, name `{name}`, "
                  f"final {field} `{value}`")
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
