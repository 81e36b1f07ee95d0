#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The ecosystem manifests: check them, and make what their tools would make.

    manifests.py check [ROOT]             every manifest: required fields, the
                                          version of drip_version.h, paths that exist
    manifests.py stage-idf ROOT OUT       copy the files idf_component.yml `files:`
                                          would upload into OUT (a component dir)
    manifests.py jsmn-standin OUT         OUT/espressif__jsmn laid out as the
                                          registry's espressif/jsmn, from Debian's
                                          libjsmn-dev header (/usr/include/jsmn.h)
    manifests.py idf-requires YML         the dependencies a manifest adds to a
                                          component's requirements, one per line:
                                          public|private NAME [override-path]
    manifests.py arduino-export ROOT OUT  the Arduino library (library.properties,
                                          src/, examples/) in OUT/dripfeed

Prints 'N passed, M failed' for `check` and exits 1 on any failure.
"""
import json
import os
import re
import shutil
import sys

import yaml

# What the component manager leaves out of every upload (a subset of its
# built-in list: VCS, IDE and build output), applied before `files:`.
IDF_DEFAULT_EXCLUDE = ["**/.git/**", "**/.github/**", "**/.vscode/**", "**/.idea/**",
                       "**/__pycache__/**", "**/*.pyc", "**/build/**", "build-*/**",
                       "**/managed_components/**", "**/sdkconfig", "**/sdkconfig.old",
                       "**/dependencies.lock", "**/.DS_Store"]
# Arduino's library.properties categories (Library specification 1.5).
ARDUINO_CATEGORIES = {"Display", "Communication", "Signal Input/Output", "Sensors",
                      "Device Control", "Timing", "Data Storage", "Data Processing", "Other"}


def glob_re(pat):
    """A component-manager / gitignore-like glob as a regex over '/' paths."""
    out, i = "", 0
    while i < len(pat):
        if pat.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pat.startswith("**", i):
            out += ".*"
            i += 2
        elif pat[i] == "*":
            out += "[^/]*"
            i += 1
        elif pat[i] == "?":
            out += "[^/]"
            i += 1
        elif pat[i] == "[":
            j = pat.index("]", i)
            out += pat[i:j + 1]
            i = j + 1
        else:
            out += re.escape(pat[i])
            i += 1
    return re.compile(out + r"\Z")


def repo_files(root):
    """Every file under root, as '/' paths, without .git and build directories."""
    res = []
    for d, dirs, files in os.walk(root):
        rel = os.path.relpath(d, root)
        # .git anywhere; build*/ (build/, build-*/) only at the root
        dirs[:] = sorted(x for x in dirs
                         if x != ".git" and not (rel == "." and x.startswith("build")))
        for f in files:
            p = f if rel == "." else f"{rel}/{f}".replace(os.sep, "/")
            res.append(p)
    return sorted(res)


def idf_upload_files(root, manifest):
    files = manifest.get("files", {}) or {}
    exc = [glob_re(p) for p in IDF_DEFAULT_EXCLUDE + list(files.get("exclude", []))]
    inc = [glob_re(p) for p in files.get("include", [])]
    return [p for p in repo_files(root)
            if any(r.match(p) for r in inc) or not any(r.match(p) for r in exc)]


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def header_version(root):
    txt = open(os.path.join(root, "core/include/dripfeed/drip_version.h"), encoding="utf-8").read()
    parts = [re.search(rf"#define DRIPFEED_VERSION_{k} (\d+)", txt).group(1)
             for k in ("MAJOR", "MINOR", "PATCH")]
    s = re.search(r'#define DRIPFEED_VERSION_STRING "([^"]+)"', txt).group(1)
    return ".".join(parts), s


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def ok(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL: {what}")
        return cond


def caret_admits(constraint, version):
    """'^X.Y.Z' (or '*') admits version, the component manager's semver rule."""
    if constraint == "*":
        return True
    m = re.fullmatch(r"\^(\d+)\.(\d+)\.(\d+)", constraint)
    if not m:
        return False
    want = tuple(int(x) for x in m.groups())
    have = tuple(int(x) for x in version.split("."))
    if have < want:
        return False
    if want[0] > 0:
        return have[0] == want[0]
    return have[:2] == want[:2] if want[1] > 0 else have == want


def check_idf(root, version, c):
    m = load_yaml(os.path.join(root, "idf_component.yml"))
    c.ok(m.get("version") == version, f"idf_component.yml version {m.get('version')!r} != {version}")
    for k in ("description", "url", "repository", "license"):
        c.ok(isinstance(m.get(k), str) and m[k].strip(), f"idf_component.yml: no {k}")
    c.ok(m.get("license") == "Apache-2.0", "idf_component.yml: license is not Apache-2.0")
    c.ok(isinstance(m.get("targets"), list) and "esp32" in m["targets"],
         "idf_component.yml: targets must list esp32")
    deps = m.get("dependencies", {})
    c.ok(deps.get("idf") == ">=5.0", "idf_component.yml: idf must be \">=5.0\"")
    jsmn = deps.get("espressif/jsmn")
    c.ok(isinstance(jsmn, dict) and jsmn.get("require") == "public"
         and caret_admits(jsmn.get("version", ""), "1.1.0"),
         "idf_component.yml: espressif/jsmn ^1.1.0, require: public")
    files = m.get("files", {})
    c.ok(files.get("include") and files.get("exclude"), "idf_component.yml: files include/exclude")
    allf = repo_files(root)
    for pat in files.get("include", []):
        r = glob_re(pat)
        c.ok(any(r.match(p) for p in allf), f"idf_component.yml: include {pat!r} matches no file")
    up = set(idf_upload_files(root, m))
    for need in ("CMakeLists.txt", "Kconfig", "idf_component.yml", "LICENSE",
                 "boards/esp32/idf/component.cmake", "core/src/drip_client.c",
                 "core/include/dripfeed/drip_version.h", "port/mbedtls/drip_tls.c"):
        c.ok(need in up, f"idf_component.yml: upload lacks {need}")
    for bad in ("tests/", "examples/host_cli/", "boards/stm32/", "port/posix/"):
        c.ok(not any(p.startswith(bad) for p in up), f"idf_component.yml: upload carries {bad}")
    for ex in m.get("examples", []):
        d = os.path.join(root, ex["path"])
        c.ok(os.path.isfile(os.path.join(d, "CMakeLists.txt")), f"idf example {ex['path']} missing")
        em = os.path.join(d, "main", "idf_component.yml")
        if c.ok(os.path.isfile(em), f"{em} missing"):
            edeps = load_yaml(em)["dependencies"]
            dd = [v for k, v in edeps.items() if k.endswith("/dripfeed")]
            c.ok(len(dd) == 1 and caret_admits(dd[0].get("version", ""), version),
                 f"{em}: dripfeed dependency admitting {version}")
            if dd:
                ov = os.path.normpath(os.path.join(d, "main", dd[0].get("override_path", "")))
                c.ok(ov == os.path.normpath(root), f"{em}: override_path is not the repository root")


def check_pio(root, version, c):
    m = json.load(open(os.path.join(root, "library.json"), encoding="utf-8"))
    c.ok(m.get("version") == version, f"library.json version {m.get('version')!r} != {version}")
    for k in ("name", "description", "keywords", "license", "homepage"):
        c.ok(m.get(k), f"library.json: no {k}")
    c.ok(m.get("repository", {}).get("type") == "git" and m["repository"].get("url"),
         "library.json: repository type/url")
    c.ok({"espidf", "arduino"} <= set(m.get("frameworks", [])), "library.json: frameworks")
    c.ok({"espressif32", "ststm32"} <= set(m.get("platforms", [])), "library.json: platforms")
    b = m.get("build", {})
    allf = repo_files(root)
    flt = b.get("srcFilter", [])
    c.ok(flt, "library.json: build.srcFilter")
    for f in flt:
        mm = re.fullmatch(r"([+-])<(.+)>", f)
        if c.ok(mm, f"library.json: srcFilter entry {f!r}") and mm.group(1) == "+":
            r = glob_re(mm.group(2))
            c.ok(any(r.match(p) for p in allf), f"library.json: srcFilter {f!r} matches no file")
    for d in [b.get("includeDir")] + [f[2:] for f in b.get("flags", []) if f.startswith("-I")]:
        if d:
            c.ok(os.path.isdir(os.path.join(root, d)), f"library.json: include dir {d} missing")
    if b.get("extraScript"):
        c.ok(os.path.isfile(os.path.join(root, b["extraScript"])), "library.json: extraScript missing")
    for ex in m.get("examples", []):
        for f in ex.get("files", []):
            c.ok(os.path.isfile(os.path.join(root, ex["base"], f)),
                 f"library.json: example file {ex['base']}/{f} missing")
    c.ok(m.get("examples"), "library.json: examples")
    for k, v in m.get("export", {}).items():
        for pat in v:
            r = glob_re(pat)
            c.ok(any(r.match(p) for p in allf), f"library.json: export {k} {pat!r} matches no file")


def read_properties(path):
    props = {}
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line and not line.startswith("#"):
            k, _, v = line.partition("=")
            props[k.strip()] = v.strip()
    return props


def check_arduino(root, version, c):
    p = read_properties(os.path.join(root, "arduino/library.properties"))
    for k in ("name", "version", "author", "maintainer", "sentence", "paragraph", "category",
              "url", "architectures"):
        c.ok(p.get(k), f"library.properties: no {k}")
    c.ok(p.get("version") == version, f"library.properties version {p.get('version')!r} != {version}")
    c.ok(p.get("category") in ARDUINO_CATEGORIES, f"library.properties: category {p.get('category')!r}")
    c.ok(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 _.-]*", p.get("name", "")) is not None,
         "library.properties: name characters")
    for h in filter(None, p.get("includes", "").split(",")):
        c.ok(os.path.isfile(os.path.join(root, "arduino/src", h.strip())),
             f"library.properties: includes {h} missing in arduino/src")
    ex = os.path.join(root, "arduino/examples")
    names = sorted(os.listdir(ex)) if os.path.isdir(ex) else []
    c.ok(names, "arduino: no examples")
    for n in names:
        c.ok(os.path.isfile(os.path.join(ex, n, n + ".ino")), f"arduino example {n}/{n}.ino missing")


def check_zephyr(root, version, c):
    m = load_yaml(os.path.join(root, "zephyr/module.yml"))
    c.ok(m.get("name") == "dripfeed", "zephyr/module.yml: name")
    b = m.get("build", {})
    for k in ("cmake", "kconfig"):
        c.ok(b.get(k), f"zephyr/module.yml: build.{k}")
    cm = os.path.join(root, b.get("cmake", ""), "CMakeLists.txt")
    kc = os.path.join(root, b.get("kconfig", ""))
    if c.ok(os.path.isfile(cm), f"{cm} missing") and c.ok(os.path.isfile(kc), f"{kc} missing"):
        txt = open(cm, encoding="utf-8").read()
        c.ok("zephyr_library()" in txt, "zephyr CMakeLists: zephyr_library()")
        for src in re.findall(r"\$\{DRIPFEED_DIR\}/([\w/.*-]+\.[ch])", txt):
            r = glob_re(src)
            c.ok(any(r.match(p) for p in repo_files(root)), f"zephyr CMakeLists: {src} missing")
        ktxt = open(kc, encoding="utf-8").read()
        for sym in set(re.findall(r"CONFIG_(DRIPFEED\w*)", txt)):
            c.ok(re.search(rf"^\s*(menu)?config {sym}\b", ktxt, re.M), f"zephyr: {sym} not in Kconfig")
    for s in m.get("samples", []):
        d = os.path.join(root, s)
        for f in ("CMakeLists.txt", "prj.conf", "src/main.c"):
            c.ok(os.path.isfile(os.path.join(d, f)), f"zephyr sample {s}/{f} missing")
    c.ok(m.get("samples"), "zephyr/module.yml: samples")


def check_snippets(root, version, c):
    """The README's install lines name this version (one version everywhere)."""
    readme = open(os.path.join(root, "README.md"), encoding="utf-8").read()
    for want in (f'idf.py add-dependency "dripfeed/dripfeed^{version}"',
                 f"dripfeed/dripfeed@^{version}", f"revision: v{version}",
                 f"find_package(dripfeed {version.rsplit('.', 1)[0]}"):
        c.ok(want in readme, f"README.md: no {want!r}")


def check(root):
    c = Checks()
    version, vstring = header_version(root)
    c.ok(version == vstring, f"drip_version.h: string {vstring} != {version}")
    cm = open(os.path.join(root, "CMakeLists.txt"), encoding="utf-8").read()
    pv = re.search(r"project\(dripfeed VERSION ([\d.]+)", cm)
    c.ok(pv and pv.group(1) == version, f"CMakeLists.txt project(VERSION) != {version}")
    ch = open(os.path.join(root, "CHANGELOG.md"), encoding="utf-8").read()
    rel = re.findall(r"^## \[([^\]]+)\]", ch, re.M)
    c.ok(rel[:1] == ["Unreleased"] or rel[:1] == [version], "CHANGELOG.md: first section")
    c.ok(version in rel, f"CHANGELOG.md: no [{version}] section")
    for name, fn in (("ESP-IDF", check_idf), ("PlatformIO", check_pio),
                     ("Arduino", check_arduino), ("Zephyr", check_zephyr),
                     ("README install lines", check_snippets)):
        before = c.failed
        try:
            fn(root, version, c)
        except (OSError, KeyError, ValueError, TypeError, AttributeError, yaml.YAMLError) as e:
            c.ok(False, f"{name}: {type(e).__name__}: {e}")
        print(f"{name}: {'ok' if c.failed == before else 'FAILED'}")
    print(f"{c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


def stage_idf(root, out):
    m = load_yaml(os.path.join(root, "idf_component.yml"))
    if os.path.isdir(out):
        shutil.rmtree(out)
    files = idf_upload_files(root, m)
    for p in files:
        dst = os.path.join(out, p)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(os.path.join(root, p), dst)
    print(f"stage-idf: {len(files)} files in {out}")
    return 0


def jsmn_standin(out, header="/usr/include/jsmn.h"):
    """The registry's layout (include/jsmn.h, src/jsmn.c, Kconfig, CMakeLists.txt,
    idf_component.yml) around Debian's jsmn 1.1.0 single header."""
    d = os.path.join(out, "espressif__jsmn")
    os.makedirs(os.path.join(d, "include"), exist_ok=True)
    os.makedirs(os.path.join(d, "src"), exist_ok=True)
    shutil.copy2(header, os.path.join(d, "include", "jsmn.h"))
    note = "Stand-in made by scripts/manifests.py jsmn-standin (host check only)"
    files = {
        "src/jsmn.c": f"/* {note}: the header's code, compiled once. */\n#include \"jsmn.h\"\n",
        "idf_component.yml": f"# {note}\nversion: \"1.1.0\"\n"
                             "description: \"JSMN: minimalistic JSON parser in C\"\n"
                             "dependencies:\n  idf: \">=4.3\"\n",
        "Kconfig": f"# {note}\nmenu \"jsmn\"\n    config JSMN_PARENT_LINKS\n        bool \"parent links\"\n"
                   "        default n\n    config JSMN_STRICT\n        bool \"strict mode\"\n"
                   "        default n\n    config JSMN_STATIC\n        bool \"static API\"\n"
                   "        default n\nendmenu\n",
        "CMakeLists.txt": f"# {note}\nidf_component_register(SRCS \"src/jsmn.c\" INCLUDE_DIRS \"include\")\n"
                          "if(CONFIG_JSMN_PARENT_LINKS)\n  target_compile_definitions(${COMPONENT_LIB} "
                          "PRIVATE JSMN_PARENT_LINKS)\nendif()\nif(CONFIG_JSMN_STRICT)\n"
                          "  target_compile_definitions(${COMPONENT_LIB} PRIVATE JSMN_STRICT)\nendif()\n",
    }
    for name, text in files.items():
        with open(os.path.join(d, name), "w", encoding="utf-8") as f:
            f.write(text)
    print(f"jsmn-standin: {d}")
    return 0


def idf_requires(path):
    deps = (load_yaml(path) or {}).get("dependencies", {}) or {}
    for name, spec in deps.items():
        if name == "idf":
            continue
        spec = spec if isinstance(spec, dict) else {"version": spec}
        req = spec.get("require", "private")
        if spec.get("public") is True:
            req = "public"
        if req == "no":
            continue
        line = f"{req} {name.replace('/', '__')}"
        if spec.get("override_path"):
            line += " " + os.path.normpath(os.path.join(os.path.dirname(path), spec["override_path"]))
        print(line)
    return 0


def arduino_export(root, out, jsmn="/usr/include/jsmn.h"):
    """dripfeed/ as the Arduino IDE and Library Manager want it: library.properties,
    src/ (the wrapper, core's headers under src/dripfeed/, core's sources under
    src/core/, jsmn.h with its MIT notice), examples/, LICENSE."""
    lib = os.path.join(out, "dripfeed")
    if os.path.isdir(lib):
        shutil.rmtree(lib)
    shutil.copytree(os.path.join(root, "arduino"), lib,
                    ignore=shutil.ignore_patterns("README.md"))
    shutil.copytree(os.path.join(root, "core/include/dripfeed"), os.path.join(lib, "src/dripfeed"))
    shutil.copytree(os.path.join(root, "core/src"), os.path.join(lib, "src/core"))
    shutil.copy2(jsmn, os.path.join(lib, "src/jsmn.h"))   # MIT; its notice is in the header
    shutil.copy2(os.path.join(root, "LICENSE"), os.path.join(lib, "LICENSE"))
    print(f"arduino-export: {lib}")
    return 0


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[0], argv[1:]
    here = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    if cmd == "check":
        return check(args[0] if args else here)
    if cmd == "stage-idf" and len(args) == 2:
        return stage_idf(*args)
    if cmd == "jsmn-standin" and len(args) == 1:
        return jsmn_standin(args[0])
    if cmd == "idf-requires" and len(args) == 1:
        return idf_requires(args[0])
    if cmd == "arduino-export" and len(args) == 2:
        return arduino_export(*args)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
