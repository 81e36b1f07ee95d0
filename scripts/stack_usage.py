#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Worst-case stack per public entry function, from GCC call-graph files.

Input: the .ci files written by `gcc -fcallgraph-info=su` (VCG text), and
optionally the .su files of `-fstack-usage` and a linked ELF.

What GCC 12 writes (checked on arm-none-eabi-gcc 12.2):

    graph: { title: "core/src/a.c"
    node: { title: "core/src/a.c:helper" label: "helper\\ncore/src/a.c:4:12\\n40 bytes (static)" }
    node: { title: "drip_a" label: "drip_a\\ncore/src/a.c:6:5\\n16 bytes (static)" }
    edge: { sourcename: "drip_a" targetname: "core/src/a.c:helper" label: "core/src/a.c:6:49" }
    node: { title: "memcpy" label: "__builtin_memcpy\\n<built-in>" shape : ellipse }
    node: { title: "__indirect_call" label: "Indirect Call Placeholder" shape : ellipse }
    edge: { sourcename: "drip_a" targetname: "__indirect_call" label: "core/src/a.c:6:84" }
    }

* a function defined in the file has "N bytes (static|dynamic|dynamic,bounded)"
  in its label; a function only called from it (extern, libcall) has no size
  and shape ellipse;
* static functions are titled "<main input file>:<name>" (clones keep their
  suffix: "a.c:helper.constprop.0"); public ones by their plain name;
* a call through a function pointer is an edge to "__indirect_call".

The parser reads the VCG syntax generally (any attribute order, nested
graphs, escapes), so it does not depend on the exact line layout.

Call targets are resolved in the calling file first (statics of different
files may share a name), then among public functions of all files. What is
still unresolved is a library function (memcpy, __aeabi_uldivmod, ...): with
--elf the linked image is disassembled and the frames of those library
functions are estimated from their prologues (push/stmdb/vpush/sub sp), so
the total includes them; the disassembly is also used to check that the .ci
files missed no direct call of our own functions.

Exit status: 0 ok; 1 recursion found (the stack cannot be bounded);
2 bad usage or no usable input.
"""

import argparse
import json
import os
import re
import subprocess
import sys

INDIRECT = "__indirect_call"


def warn(msg):
    print("stack_usage.py: warning: " + msg, file=sys.stderr)


# --------------------------------------------------------------------------
# VCG (.ci) parsing


_TOKEN = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|([{}:])|([^\s{}:"]+))', re.S)


def _unescape(s):
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(n, "\\" + n))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _tokens(text):
    pos = 0
    end = len(text)
    while pos < end:
        m = _TOKEN.match(text, pos)
        if not m:
            if text[pos:].strip() == "":
                return
            raise ValueError("cannot tokenize at offset %d: %r" % (pos, text[pos:pos + 30]))
        pos = m.end()
        if m.group(1) is not None:
            yield ("str", _unescape(m.group(1)))
        elif m.group(2) is not None:
            yield (m.group(2), m.group(2))
        elif m.group(3) is not None:
            yield ("word", m.group(3))


def parse_vcg(text):
    """Return (nodes, edges): lists of attribute dicts, from any nesting depth."""
    toks = list(_tokens(text))
    nodes, edges = [], []
    i = 0

    def block(i):
        # at the token after '{'; read `key : value` pairs until '}'
        attrs = {}
        while i < len(toks):
            kind, val = toks[i]
            if kind == "}":
                return attrs, i + 1
            if kind not in ("word", "str"):
                raise ValueError("unexpected %r" % (val,))
            key = val
            i += 1
            if i < len(toks) and toks[i][0] == ":":
                i += 1
            if i >= len(toks):
                raise ValueError("truncated after %r" % key)
            kind, val = toks[i]
            if kind == "{":
                sub, i = block(i + 1)
                if key == "node":
                    nodes.append(sub)
                elif key == "edge" or key.endswith("edge"):
                    edges.append(sub)
                # graph / other blocks: their nodes and edges were collected
            else:
                # a value may be a string or a bare word (shape : ellipse)
                attrs[key] = val
                i += 1
        raise ValueError("unbalanced braces")

    while i < len(toks):
        kind, val = toks[i]
        if kind in ("word", "str") and i + 2 < len(toks) and toks[i + 1][0] == ":" \
                and toks[i + 2][0] == "{":
            sub, i = block(i + 3)
            if val == "node":
                nodes.append(sub)
            elif val.endswith("edge"):
                edges.append(sub)
        else:
            i += 1
    return nodes, edges


_BYTES = re.compile(r"(\d+)\s+bytes?\s*\(([^)]*)\)")
_LOC = re.compile(r"^(.*):(\d+):(\d+)$")


class Func:
    """A function defined in one .ci file (or a library one, from the ELF)."""

    def __init__(self, key, title, name, ci, loc, frame, qual, lib=False):
        self.key = key          # unique id
        self.title = title      # title in the .ci file
        self.name = name        # display name
        self.ci = ci            # .ci file it came from (None for library)
        self.loc = loc          # "file:line:col" or ""
        self.frame = frame      # bytes
        self.qual = qual        # static / dynamic / dynamic,bounded / estimate
        self.lib = lib
        self.callees = []       # list of keys, in order, deduplicated
        self.indirect = False   # contains a call through a pointer
        self.unresolved = []    # callee names not found anywhere

    def add_callee(self, key):
        if key not in self.callees:
            self.callees.append(key)


def load_ci(paths):
    """Parse the .ci files. Returns (funcs by key, list of (file, caller title,
    callee title)), plus title->node labels of external nodes."""
    funcs = {}
    raw_edges = []
    for path in paths:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            nodes, edges = parse_vcg(text)
        except (OSError, ValueError) as e:
            warn("%s: cannot parse (%s); skipped" % (path, e))
            continue
        for n in nodes:
            title = n.get("title")
            if title is None:
                continue
            label = n.get("label", title)
            m = _BYTES.search(label)
            if not m or title == INDIRECT:
                continue  # declared only (external) or the placeholder
            lines = label.split("\n")
            name = lines[0] if lines and lines[0] else title.rsplit(":", 1)[-1]
            loc = ""
            for ln in lines[1:]:
                if _LOC.match(ln):
                    loc = ln
                    break
            key = path + "|" + title
            if key in funcs:
                warn("%s: function %s listed twice" % (path, title))
            funcs[key] = Func(key, title, name, path, loc, int(m.group(1)), m.group(2).strip())
        for e in edges:
            src, dst = e.get("sourcename"), e.get("targetname")
            if src is None or dst is None:
                continue
            raw_edges.append((path, src, dst))
    return funcs, raw_edges


def bare(title):
    """Symbol name of a node title: "core/src/a.c:helper.constprop.0" -> "helper.constprop.0"."""
    return title.rsplit(":", 1)[-1]


def resolve_edges(funcs, raw_edges):
    by_file_title = {}
    for f in funcs.values():
        if not f.lib:
            by_file_title[(f.ci, f.title)] = f.key
            by_file_title.setdefault((f.ci, bare(f.title)), f.key)
    public = {}
    for f in funcs.values():
        if f.lib:
            continue
        public.setdefault(f.title, []).append(f.key)
    for ci, src, dst in raw_edges:
        skey = by_file_title.get((ci, src))
        if skey is None:
            warn("%s: edge from unknown function %s" % (ci, src))
            continue
        caller = funcs[skey]
        if dst == INDIRECT:
            caller.indirect = True
            continue
        dkey = by_file_title.get((ci, dst))
        if dkey is None:
            cands = public.get(dst, [])
            if len(cands) == 1:
                dkey = cands[0]
            elif len(cands) > 1:
                warn("call %s -> %s: defined in several files (%s); taking the largest"
                     % (src, dst, ", ".join(funcs[k].ci for k in cands)))
                dkey = max(cands, key=lambda k: funcs[k].frame)
        if dkey is None:
            if dst not in caller.unresolved:
                caller.unresolved.append(dst)
        else:
            caller.add_callee(dkey)


# --------------------------------------------------------------------------
# .su files


_SU = re.compile(r"^(.*):(\d+):(\d+):(.*?)\t(\d+)\t(\S+)\s*$")


def load_su(paths):
    rows = []
    for path in paths:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                for line in f:
                    m = _SU.match(line.rstrip("\n"))
                    if m:
                        rows.append({"file": m.group(1), "line": int(m.group(2)),
                                     "name": m.group(4), "bytes": int(m.group(5)),
                                     "qualifier": m.group(6)})
                    elif line.strip():
                        warn("%s: unrecognized line: %s" % (path, line.strip()))
        except OSError as e:
            warn("%s: %s" % (path, e))
    return rows


# --------------------------------------------------------------------------
# Disassembly of the linked ELF (library frames; cross-check of the .ci)


_FHDR = re.compile(r"^([0-9a-fA-F]+) <([^>]+)>:\s*$")
_INSN = re.compile(r"^\s+([0-9a-fA-F]+):\s+(\S+)\s*(.*)$")
_TARGET = re.compile(r"\b([0-9a-fA-F]+) <([^>+]+)(\+0x[0-9a-fA-F]+)?>")
_REGLIST = re.compile(r"\{([^}]*)\}")


def _count_regs(lst):
    n = 0
    bytes_ = 0
    for part in lst.split(","):
        part = part.strip()
        if not part:
            continue
        m = re.match(r"^([a-z]+)(\d+)-([a-z]+)?(\d+)$", part)
        if m:
            cnt = int(m.group(4)) - int(m.group(2)) + 1
            kind = m.group(1)
        else:
            cnt = 1
            kind = re.sub(r"\d+$", "", part)
        n += cnt
        bytes_ += cnt * (8 if kind == "d" else (16 if kind == "q" else 4))
    return n, bytes_


def _imm(ops):
    m = re.search(r"#(-?(?:0x[0-9a-fA-F]+|\d+))", ops)
    if not m:
        return None
    return int(m.group(1), 0)


class Disasm:
    def __init__(self, addr, name):
        self.addr = addr
        self.name = name
        self.frame = 0
        self.dynamic = False
        self.calls = []        # (target address, target name)
        self.indirect = False


def cfi_frames(elf, objdump):
    """{start address: largest CFA offset} from the ELF's .debug_frame /
    .eh_frame (libgcc and the C parts of newlib have CFI; hand-written
    assembly often has none)."""
    try:
        out = subprocess.run([objdump, "--dwarf=frames", elf], check=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    res = {}
    cur = None
    for line in out.splitlines():
        m = re.search(r"\bFDE\b.*\bpc=([0-9a-fA-F]+)\.\.", line)
        if m:
            cur = int(m.group(1), 16)
            res[cur] = 0
            continue
        if re.match(r"^[0-9a-fA-F]+ ", line):
            cur = None   # a CIE or something else
            continue
        m = re.search(r"DW_CFA_def_cfa(?:_offset)?:\s*(?:r\d+ \([^)]*\) ofs |r\d+ ofs )?(\d+)\s*$", line)
        if m and cur is not None:
            res[cur] = max(res[cur], int(m.group(1)))
    return res


def disassemble(elf, objdump):
    try:
        out = subprocess.run([objdump, "-d", "--no-show-raw-insn", elf], check=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        warn("cannot disassemble %s: %s" % (elf, e))
        return None
    funcs = {}
    cur = None
    for line in out.splitlines():
        m = _FHDR.match(line)
        if m:
            cur = Disasm(int(m.group(1), 16), m.group(2))
            funcs[cur.addr] = cur
            continue
        m = _INSN.match(line)
        if not m or cur is None:
            continue
        mn = m.group(2).lower()
        ops = m.group(3).split(";")[0].split("@")[0].strip()
        base = mn.split(".")[0]
        # stack allocation
        if base in ("push", "vpush") or (base in ("stmdb", "stmfd", "vstmdb") and ops.startswith("sp!")):
            r = _REGLIST.search(ops)
            if r:
                cur.frame += _count_regs(r.group(1))[1]
        elif base in ("sub", "subw", "subs") and re.match(r"^sp\s*,", ops):
            rest = [o.strip() for o in ops.split(",")]
            if "#" in ops:
                v = _imm(ops)
                if v is not None and v > 0:
                    cur.frame += v
            elif len(rest) >= 2:
                cur.dynamic = True  # sub sp, rN: size known only at run time
        elif base in ("add", "addw") and re.match(r"^sp\s*,", ops) and "#" in ops:
            v = _imm(ops)
            if v is not None and v < 0:
                cur.frame += -v
        elif base.startswith("str") and re.search(r"\[sp,\s*#-(\d+)\]!", ops):
            cur.frame += int(re.search(r"\[sp,\s*#-(\d+)\]!", ops).group(1))
        # control flow
        if base in ("bl", "blx"):
            t = _TARGET.search(ops)
            if t:
                cur.calls.append((int(t.group(1), 16), t.group(2)))
            else:
                cur.indirect = True   # blx rN
        elif base in ("b", "bx") or re.match(r"^b(eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al)$", base):
            t = _TARGET.search(ops)
            if t:
                if t.group(3) is None and int(t.group(1), 16) != cur.addr:
                    cur.calls.append((int(t.group(1), 16), t.group(2)))  # tail call
            elif base == "bx" and ops.strip() != "lr":
                cur.indirect = True
        # (ldr pc, [rX, rY, lsl #2] is a switch table, pop/ldr pc, [sp] a return)
    cfi = cfi_frames(elf, objdump)
    for d in funcs.values():
        d.how = "prologue"
        c = cfi.get(d.addr & ~1)
        if c is not None:
            d.how = "cfi" if c >= d.frame else "prologue>cfi"
            d.frame = max(d.frame, c)
    return funcs


# --------------------------------------------------------------------------
# Analysis


class Cycle(Exception):
    def __init__(self, path):
        Exception.__init__(self, " -> ".join(path))
        self.path = path


def worst_case(funcs, key, memo, stack):
    """(total bytes, path keys, set of indirect-call funcs, unresolved names,
    dynamic funcs) for the deepest path starting at key."""
    if key in memo:
        return memo[key]
    if key in stack:
        i = stack.index(key)
        raise Cycle([funcs[k].name for k in stack[i:]] + [funcs[key].name])
    stack.append(key)
    f = funcs[key]
    best = (0, [])
    ind = set([key]) if f.indirect else set()
    unres = set(f.unresolved)
    dyn = set([key]) if f.qual.startswith("dynamic") and f.qual != "dynamic,bounded" else set()
    for c in f.callees:
        tot, path, ci, cu, cd = worst_case(funcs, c, memo, stack)
        ind |= ci
        unres |= cu
        dyn |= cd
        if tot > best[0] or not best[1]:
            best = (tot, path)
    stack.pop()
    res = (f.frame + best[0], [key] + best[1], ind, unres, dyn)
    memo[key] = res
    return res


def deepest_arrival(funcs, entries):
    """{key: (bytes in use once key's frame is set up, path from an entry)}:
    the longest path from any entry to each function (a DAG: run after
    find_cycle)."""
    best = {}

    def visit(k, depth, path):
        d = depth + funcs[k].frame
        if k in best and best[k][0] >= d:
            return
        best[k] = (d, path + [k])
        for c in funcs[k].callees:
            visit(c, d, path + [k])

    for e in entries:
        visit(e, 0, [])
    return best


def find_cycle(funcs):
    color = {}
    for start in sorted(funcs):
        if start in color:
            continue
        work = [(start, iter(funcs[start].callees))]
        path = [start]
        color[start] = 1
        while work:
            k, it = work[-1]
            nxt = next(it, None)
            if nxt is None:
                color[k] = 2
                work.pop()
                path.pop()
                continue
            c = color.get(nxt, 0)
            if c == 1:
                i = path.index(nxt)
                return [funcs[x].name for x in path[i:]] + [funcs[nxt].name]
            if c == 0:
                color[nxt] = 1
                path.append(nxt)
                work.append((nxt, iter(funcs[nxt].callees)))
    return None


def add_pointer_edges(funcs, path):
    """Add the edges of a --pointers file. A line whose files are not among
    the .ci inputs is skipped (a partial build); a listed function missing
    from a listed file is an error (the list went stale). The caller keeps
    its indirect flag: a user may install a callback there too."""
    by_file = {}
    for f in funcs.values():
        if f.lib or not f.ci:
            continue
        stem = os.path.splitext(os.path.basename(f.ci))[0]
        name = bare(f.title)
        by_file.setdefault(stem, {})
        for n in (name, name.split(".")[0]):  # clones: helper.constprop.0
            by_file[stem].setdefault(n, f.key)

    def find(ref, lineno):
        if ":" not in ref:
            warn("%s:%d: %s is not FILE:FUNCTION" % (path, lineno, ref))
            return False, None
        fname, func = ref.split(":", 1)
        stem = os.path.splitext(fname)[0]
        if stem not in by_file:
            return True, None  # that file is not in this graph
        key = by_file[stem].get(func)
        if key is None:
            warn("%s:%d: %s has no function %s" % (path, lineno, fname, func))
            return False, None
        return True, key

    ok = True
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            good, caller = find(words[0], lineno)
            ok = ok and good
            for ref in words[1:]:
                good, callee = find(ref, lineno)
                ok = ok and good
                if caller is not None and callee is not None:
                    if not funcs[caller].indirect:
                        warn("%s:%d: %s makes no call through a pointer" % (path, lineno, words[0]))
                        ok = False
                    funcs[caller].add_callee(callee)
    return ok


def add_library(funcs, dis):
    """Give every unresolved callee that the ELF defines a library Func."""
    if dis is None:
        return
    by_name = {}
    for d in dis.values():
        by_name.setdefault(d.name, d)

    def lib_func(d):
        key = "lib|" + d.name
        if key not in funcs:
            funcs[key] = Func(key, d.name, d.name, None, "", d.frame,
                              "dynamic" if d.dynamic else d.how, lib=True)
            funcs[key].indirect = d.indirect
            for addr, name in d.calls:
                t = dis.get(addr) or by_name.get(name)
                if t is None:
                    funcs[key].unresolved.append(name)
                else:
                    funcs[key].add_callee(lib_func(t))
        return key

    for f in list(funcs.values()):
        if f.lib:
            continue
        still = []
        for name in f.unresolved:
            d = by_name.get(name)
            if d is None:
                still.append(name)
            else:
                f.add_callee(lib_func(d))
        f.unresolved = still


_RELOC = re.compile(r"^\s+[0-9a-fA-F]+:\s+(R_ARM_(?:THM_CALL|THM_JUMP24|THM_JUMP19|THM_PC22|CALL|JUMP24|PC24))\s+(\S+)")


def object_calls(obj, objdump):
    """{function symbol: (set of directly called symbols, has indirect call)}
    from the relocations of an object built with -ffunction-sections (every
    call to another function, local or not, goes through a relocation)."""
    try:
        out = subprocess.run([objdump, "-dr", "--no-show-raw-insn", obj], check=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        warn("cannot disassemble %s: %s" % (obj, e))
        return None
    res = {}
    cur = None
    for line in out.splitlines():
        m = _FHDR.match(line)
        if m:
            cur = res.setdefault(m.group(2), [set(), False])
            continue
        if cur is None:
            continue
        m = _RELOC.match(line)
        if m:
            sym = re.sub(r"[+-]0x[0-9a-fA-F]+$", "", m.group(2))
            if sym.startswith(".text."):
                sym = sym[len(".text."):]
            cur[0].add(sym)
            continue
        m = _INSN.match(line)
        if m:
            base = m.group(2).lower().split(".")[0]
            ops = m.group(3).split("@")[0].strip()
            if base == "blx" and re.match(r"^r\d+$|^ip$|^lr$", ops):
                cur[1] = True
            elif base == "bx" and ops != "lr" and re.match(r"^(r\d+|ip)$", ops):
                cur[1] = True
    return {k: (v[0], v[1]) for k, v in res.items()}


def check_with_objects(funcs, raw_edges, objs, objdump):
    """Replace each function's direct-call edges by what its object's
    relocations say, when the object is there. Returns (new raw edges,
    notes about differences)."""
    notes = []
    by_ci = {}
    for f in funcs.values():
        by_ci.setdefault(f.ci, {})[bare(f.title)] = f
    checked = set()   # (ci, title) whose edges come from the object
    extra = []
    for ci, obj in objs.items():
        calls = object_calls(obj, objdump)
        if calls is None:
            continue
        for bname, f in by_ci.get(ci, {}).items():
            if bname not in calls:
                continue
            checked.add((ci, f.title))
            callees, indirect = calls[bname]
            have = {bare(dst) for c, src, dst in raw_edges
                    if c == ci and src == f.title and dst != INDIRECT}
            for sym in sorted(callees - have):
                notes.append("%s: call %s -> %s is in the code but not in the .ci file; added"
                             % (ci, f.name, sym))
                extra.append((ci, f.title, sym))
            for sym in sorted(have - callees):
                notes.append("%s: call %s -> %s is in the .ci file but not in the code "
                             "(optimized away); ignored" % (ci, f.name, sym))
            if indirect:
                has_ind = any(c == ci and src == f.title and dst == INDIRECT
                              for c, src, dst in raw_edges)
                if not has_ind:
                    notes.append("%s: %s calls through a pointer (blx/bx reg) but the .ci "
                                 "file has no indirect edge; flagged" % (ci, f.name))
                    extra.append((ci, f.title, INDIRECT))
            # keep only the .ci edges confirmed by the object
            raw_edges = [(c, src, dst) for c, src, dst in raw_edges
                         if not (c == ci and src == f.title and dst != INDIRECT
                                 and bare(dst) not in callees)]
    return raw_edges + extra, notes


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("ci", nargs="+", help=".ci files (or directories holding them)")
    ap.add_argument("--su", nargs="*", default=None,
                    help=".su files (default: next to each .ci file)")
    ap.add_argument("--entries", default=None,
                    help="file with the public entry functions, one per line "
                         "(default: defined non-static functions matching --entry-regex)")
    ap.add_argument("--entry-regex", default=r"^drip_")
    ap.add_argument("--elf", default=None,
                    help="linked ELF: estimate library callees' frames from its disassembly")
    ap.add_argument("--objdump", default="arm-none-eabi-objdump")
    ap.add_argument("--no-objects", action="store_true",
                    help="do not check the .ci call edges against the relocations of the "
                         ".o next to each .ci file")
    ap.add_argument("--top", type=int, default=10, help="entries and frames to list (0: all)")
    ap.add_argument("--json", default=None, help="also write the figures as JSON here")
    ap.add_argument("--pointers", default=None,
                    help="file of the library's own function-pointer calls (FILE:CALLER "
                         "FILE:CALLEE...): added as call edges")
    args = ap.parse_args(argv)

    ci_files = []
    for p in args.ci:
        if os.path.isdir(p):
            ci_files += sorted(os.path.join(p, n) for n in os.listdir(p) if n.endswith(".ci"))
        else:
            ci_files.append(p)
    if not ci_files:
        print("stack_usage.py: no .ci files", file=sys.stderr)
        return 2
    su_files = args.su
    if su_files is None:
        su_files = [os.path.splitext(p)[0] + ".su" for p in ci_files]
        su_files = [p for p in su_files if os.path.exists(p)]

    funcs, raw_edges = load_ci(ci_files)
    if not funcs:
        print("stack_usage.py: no functions found in the .ci files", file=sys.stderr)
        return 2
    objs = {}
    if not args.no_objects:
        for p in ci_files:
            o = os.path.splitext(p)[0] + ".o"
            if os.path.exists(o):
                objs[p] = o
    notes = []
    if objs:
        raw_edges, notes = check_with_objects(funcs, raw_edges, objs, args.objdump)
    resolve_edges(funcs, raw_edges)
    if args.pointers and not add_pointer_edges(funcs, args.pointers):
        return 2
    dis = disassemble(args.elf, args.objdump) if args.elf else None
    add_library(funcs, dis)

    # entry functions
    if args.entries:
        with open(args.entries, encoding="utf-8") as f:
            names = [ln.strip() for ln in f if ln.strip()]
    else:
        rx = re.compile(args.entry_regex)
        names = sorted({f.title for f in funcs.values()
                        if not f.lib and ":" not in f.title and rx.search(f.title)})
    public = {}
    for f in funcs.values():
        if not f.lib and ":" not in f.title:
            public.setdefault(f.title, f.key)
    entries = []
    for n in names:
        if n in public:
            entries.append(public[n])
        else:
            warn("entry %s has no node in the .ci files" % n)

    # a static name defined in several files is shown as name@file
    seen = {}
    for f in funcs.values():
        seen.setdefault(f.name, set()).add(f.ci)
    for f in funcs.values():
        if len(seen[f.name]) > 1 and f.ci:
            f.name = "%s@%s" % (f.name, os.path.splitext(os.path.basename(f.ci))[0])

    cycle = find_cycle(funcs)
    result = {"ci_files": ci_files, "cycle": cycle, "entries": [], "worst": None,
              "indirect_callers": [], "unresolved_callees": [], "dynamic_frames": [],
              "library_frames": [], "frames": [], "call_graph_notes": notes,
              "checked_against_objects": sorted(objs.values())}

    frames = load_su(su_files)
    frames.sort(key=lambda r: (-r["bytes"], r["name"]))
    result["frames"] = frames

    ind_all = sorted((f for f in funcs.values() if f.indirect and not f.lib),
                     key=lambda f: f.name)
    result["indirect_callers"] = [{"name": f.name, "loc": f.loc} for f in ind_all]

    if cycle:
        print("RECURSION: %s" % " -> ".join(cycle))
        print("worst-case stack: unbounded (the call graph has a cycle)")
    else:
        rows = []
        memo = {}
        for k in entries:
            tot, path, ind, unres, dyn = worst_case(funcs, k, memo, [])
            rows.append({"name": funcs[k].name, "stack": tot, "frame": funcs[k].frame,
                         "path": [funcs[p].name + (" [lib]" if funcs[p].lib else "") for p in path],
                         "path_frames": [funcs[p].frame for p in path],
                         "indirect_via": sorted(funcs[x].name for x in ind),
                         "unresolved": sorted(unres),
                         "dynamic": sorted(funcs[x].name for x in dyn)})
        rows.sort(key=lambda r: (-r["stack"], r["name"]))
        result["entries"] = rows
        top = rows if args.top <= 0 else rows[:args.top]
        print("worst-case stack per public function (frames summed along the deepest call path):")
        print("  %6s  %5s  %s" % ("stack", "frame", "function and path"))
        for r in top:
            flags = []
            if r["indirect_via"]:
                flags.append("+callbacks")
            if r["unresolved"]:
                flags.append("+unknown: " + ",".join(r["unresolved"]))
            if r["dynamic"]:
                flags.append("+dynamic")
            path = " -> ".join("%s(%d)" % (n, b) for n, b in zip(r["path"], r["path_frames"]))
            print("  %6d  %5d  %s%s" % (r["stack"], r["frame"], path,
                                       ("  [" + "; ".join(flags) + "]") if flags else ""))
        if len(rows) > len(top):
            print("  ... %d more (all at or below %d B)" % (len(rows) - len(top), top[-1]["stack"]))
        if rows:
            w = rows[0]
            result["worst"] = {"stack": w["stack"], "entry": w["name"], "path": w["path"]}
            print("worst-case stack: %d B (%s)" % (w["stack"], " -> ".join(w["path"])))
        else:
            print("worst-case stack: no entry functions found")

    libs = sorted((f for f in funcs.values() if f.lib), key=lambda f: f.name)
    result["library_frames"] = [{"name": f.name, "frame": f.frame, "qualifier": f.qual,
                                 "callees": [funcs[c].name for c in f.callees]} for f in libs]
    if libs:
        print("library callees (frames from the linked ELF: CFI where present, else prologue):")
        for f in libs:
            print("  %6d  %-8s %s%s" % (f.frame, f.qual, f.name,
                                       (" -> " + ", ".join(funcs[c].name for c in f.callees))
                                       if f.callees else ""))
    unres = sorted({n for f in funcs.values() for n in f.unresolved})
    result["unresolved_callees"] = unres
    if unres:
        print("NOT COUNTED (callee defined nowhere we can see%s): %s"
              % ("" if args.elf else "; pass --elf to estimate library frames", ", ".join(unres)))
    dyn = sorted((f for f in funcs.values() if f.qual.startswith("dynamic")
                  and f.qual != "dynamic,bounded"), key=lambda f: f.name)
    result["dynamic_frames"] = [{"name": f.name, "loc": f.loc, "frame": f.frame} for f in dyn]
    if dyn:
        print("UNBOUNDED frames (VLA/alloca, size counted is the fixed part only): "
              + ", ".join("%s (%s)" % (f.name, f.loc or "library") for f in dyn))
    if notes:
        print("call graph checked against the objects' relocations:")
        for n in notes:
            print("  " + n)
    if ind_all:
        print("indirect calls (the figures exclude what user callbacks use) in: "
              + ", ".join("%s (%s)" % (f.name, f.loc) for f in ind_all))
        if not cycle:
            arr = deepest_arrival(funcs, entries)
            worst_cb = None
            for item, f in zip(result["indirect_callers"], ind_all):
                if f.key in arr:
                    d, path = arr[f.key]
                    item["stack_at_call"] = d
                    item["path"] = [funcs[k].name for k in path]
                    if worst_cb is None or d > worst_cb[0]:
                        worst_cb = (d, item["path"])
            if worst_cb:
                result["stack_at_callback"] = {"stack": worst_cb[0], "path": worst_cb[1]}
                print("a callback is entered with up to %d B of library stack in use (%s -> callback):"
                      " add the callback's own use to that" % (worst_cb[0], " -> ".join(worst_cb[1])))
    else:
        print("indirect calls: none (no function pointers called)")

    if frames:
        topf = frames if args.top <= 0 else frames[:args.top]
        print("largest frames (.su):")
        for r in topf:
            print("  %6d  %-8s %s (%s:%d)" % (r["bytes"], r["qualifier"], r["name"],
                                           r["file"], r["line"]))

    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2, sort_keys=True)
            f.write("\n")
    return 1 if cycle else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
