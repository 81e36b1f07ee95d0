#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write sdkconfig.h and sdkconfig.cmake from the DEFAULTS of Kconfig files.

A stand-in for ESP-IDF's kconfgen, enough for the Kconfig subset boards/esp32
uses (config / int / bool / string / default / range / choice / depends on
SYMBOL [&& SYMBOL ...]). It checks that every default lies in its range, so
a bad default fails here the way menuconfig would refuse it. A symbol whose
dependency is off is left out; a choice whose default is left out takes its
first member that is not, as menuconfig does.

    gen_sdkconfig.py OUTDIR [--set NAME=VALUE ...] Kconfig [Kconfig.projbuild ...]

--set replaces a default (bool y/n, int, quoted string); y on a choice
member selects it. The ESP-IDF symbols our Kconfig depends on come from
Kconfig.esp-idf here (ESP-IDF's defaults).
"""
import re
import sys


def parse(paths):
    syms = {}          # name -> {"type", "default", "range", "depends"}
    order = []
    choices = []       # (default_name, [member names])
    for path in paths:
        cur = None
        choice = None
        help_indent = None
        for raw in open(path, encoding="utf-8"):
            line = raw.strip()
            indent = len(raw) - len(raw.lstrip())
            if help_indent is not None:
                if not line or indent > help_indent:
                    continue          # help text
                help_indent = None
            if not line or line.startswith("#"):
                continue
            if line == "help":
                help_indent = indent
                continue
            m = re.match(r"^(config|menuconfig)\s+(\w+)$", line)
            if m:
                cur = {"type": None, "default": None, "range": None, "depends": []}
                syms[m.group(2)] = cur
                order.append(m.group(2))
                if choice is not None:
                    choice[1].append(m.group(2))
                continue
            if re.match(r"^choice(\s+\w+)?$", line):
                choice = [None, []]
                cur = None
                continue
            if line == "endchoice":
                choices.append(tuple(choice))
                choice = None
                cur = None
                continue
            if line.startswith(("menu ", "endmenu")):
                cur = None
                continue
            if line.startswith("prompt "):
                continue
            m = re.match(r"^depends on\s+(!?\w+(\s*&&\s*!?\w+)*)$", line)
            if m and cur is not None:
                cur["depends"] = [d.strip() for d in m.group(1).split("&&")]
                continue
            m = re.match(r'^(int|bool|string)(\s+".*")?$', line)
            if m and cur is not None:
                cur["type"] = m.group(1)
                continue
            m = re.match(r"^default\s+(.+)$", line)
            if m:
                if choice is not None and cur is None:
                    choice[0] = m.group(1).strip()
                elif cur is not None:
                    cur["default"] = m.group(1).strip()
                continue
            m = re.match(r"^range\s+(-?\d+)\s+(-?\d+)$", line)
            if m and cur is not None:
                cur["range"] = (int(m.group(1)), int(m.group(2)))
                continue
            sys.exit(f"gen_sdkconfig: {path}: cannot read: {line}")
    return syms, order, choices


def resolve(syms, choices, sets):
    """Apply --set, the choices and the dependencies: name -> value, None if off."""
    for name, value in sets.items():
        if name not in syms:
            sys.exit(f"gen_sdkconfig: --set {name}: no such symbol")
        syms[name]["default"] = value
    member_of = {m: i for i, (_, members) in enumerate(choices) for m in members}
    val, picks = {}, {}

    def visible(name):
        for dep in syms[name]["depends"]:
            neg, dep = dep.startswith("!"), dep.lstrip("!")
            if dep not in syms:
                sys.exit(f"gen_sdkconfig: {name} depends on unknown symbol {dep}")
            if (get(dep) == "y") == neg:
                return False
        return True

    def pick(i):  # the selected member of choice i
        if i not in picks:
            default, members = choices[i]
            wanted = [m for m in members if sets.get(m) == "y"]
            if len(wanted) > 1:
                sys.exit(f"gen_sdkconfig: --set selects {wanted}: one choice member only")
            if wanted and not visible(wanted[0]):
                sys.exit(f"gen_sdkconfig: --set {wanted[0]}=y but its dependency is off")
            order = wanted + ([default] if default else []) + members
            picks[i] = next((m for m in order if visible(m) and sets.get(m) != "n"), None)
        return picks[i]

    def get(name):
        if name not in val:
            if not visible(name):
                val[name] = None
            elif name in member_of:
                val[name] = "y" if pick(member_of[name]) == name else "n"
            else:
                val[name] = syms[name]["default"]
        return val[name]

    for name in syms:
        get(name)
    return val, member_of


def main():
    args, sets = sys.argv[1:], {}
    while len(args) > 2 and args[1] == "--set":
        name, _, value = args[2].partition("=")
        sets[name] = value
        del args[1:3]
    out, paths = args[0], args[1:]
    syms, order, choices = parse(paths)
    val, member_of = resolve(syms, choices, sets)
    note = "from Kconfig defaults" + "".join(f", {k}={v}" for k, v in sets.items())
    h = [f"/* Generated by gen_sdkconfig.py {note} (host check only). */"]
    c = [f"# Generated by gen_sdkconfig.py {note} (host check only)."]
    for name in order:
        s = syms[name]
        t, d = s["type"], val[name]
        if t is None or (s["default"] is None and name not in member_of):
            sys.exit(f"gen_sdkconfig: {name}: no type or no default")
        if d is None:  # dependency off: not in the configuration
            if t == "bool":
                c.append(f'set(CONFIG_{name} "")')
            continue
        if t == "int":
            v = int(d)
            if s["range"] and not s["range"][0] <= v <= s["range"][1]:
                sys.exit(f"gen_sdkconfig: {name}: {v} outside range {s['range']}")
            h.append(f"#define CONFIG_{name} {v}")
            c.append(f'set(CONFIG_{name} "{v}")')
        elif t == "bool":
            if d == "y":
                h.append(f"#define CONFIG_{name} 1")
                c.append(f'set(CONFIG_{name} "y")')
            else:
                c.append(f'set(CONFIG_{name} "")')
        else:
            if not (d.startswith('"') and d.endswith('"')):
                sys.exit(f"gen_sdkconfig: {name}: string default must be quoted")
            h.append(f"#define CONFIG_{name} {d}")
            c.append(f"set(CONFIG_{name} {d})")
    with open(f"{out}/sdkconfig.h", "w", encoding="utf-8") as f:
        f.write("\n".join(h) + "\n")
    with open(f"{out}/sdkconfig.cmake", "w", encoding="utf-8") as f:
        f.write("\n".join(c) + "\n")
    print(f"gen_sdkconfig: {len(order)} symbols")


if __name__ == "__main__":
    main()
