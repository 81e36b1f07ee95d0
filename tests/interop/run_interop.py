#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""TLS interop matrix: port/mbedtls (tls_probe, and the host tool for the
stream rows) against `openssl s_server`, `gnutls-serv` and the replay server.

  run_interop.py BUILD_DIR [--md docs/interop.md] [--mbedtls3 DIR] [--bench N]

--bench N: instead of the matrix, the cost of a reconnect with and without
session resumption: N connections each way (tls_probe, --no-resume for the
full ones) to openssl s_server (TLS 1.2 and 1.3) and to the replay server;
prints the medians of handshake bytes and wall time (first connection left
out). Figures only, no verdict.

Rows: TLS 1.2 and 1.3, RSA and ECDSA certificates, a chain with an
intermediate, the server certificate replaced between two keep-alive
connections, alerts (client certificate required, TLS 1.1 only, missing
intermediate), and a TCP close without close_notify before the terminal
event (must end `truncated`, never `completed`). Each probe row is two
connections: the second one shows whether the session was resumed.

Every server listens inside a private network namespace (the script re-runs
itself under `unshare -n` with only loopback up), because gnutls-serv
cannot bind to 127.0.0.1 alone. Certificates are made by openssl at run
time in a temporary directory. With --md the table is written from this
run's results (never by hand). Exit 1 when a row does not give what it
expects; 77 when a tool is missing.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def sh(*cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


# ---- certificates ---------------------------------------------------------------

EXT = {
    "ca": "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
          "subjectKeyIdentifier=hash\n",
    "int": "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n"
           "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
    "leaf": "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
            "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost\nauthorityKeyIdentifier=keyid\n",
}


def make_certs(d):
    cnf = os.path.join(d, "req.cnf")
    with open(cnf, "w") as f:
        f.write("[req]\ndistinguished_name=dn\nprompt=no\n[dn]\n")
    for k, v in EXT.items():
        with open(os.path.join(d, k + ".ext"), "w") as f:
            f.write(v)

    def key(name, kind):
        args = ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"] if kind == "rsa" else \
            ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]
        sh("openssl", "genpkey", *args, "-out", os.path.join(d, name + ".key"))

    def cert(name, cn, kind, issuer, ext):
        key(name, kind)
        p = lambda s: os.path.join(d, s)
        sh("openssl", "req", "-config", cnf, "-new", "-key", p(name + ".key"), "-subj", "/CN=" + cn,
           "-out", p(name + ".csr"))
        sign = ["-signkey", p(name + ".key")] if issuer is None else \
            ["-CA", p(issuer + ".pem"), "-CAkey", p(issuer + ".key")]
        sh("openssl", "x509", "-req", "-in", p(name + ".csr"), *sign, "-days", "2", "-sha256",
           "-set_serial", "0x%x" % int.from_bytes(os.urandom(8), "big"),
           "-extfile", p(ext + ".ext"), "-out", p(name + ".pem"))

    cert("rsa-ca", "interop RSA CA", "rsa", None, "ca")
    cert("rsa", "localhost", "rsa", "rsa-ca", "leaf")
    cert("ec-ca", "interop ECDSA CA", "ec", None, "ca")
    cert("ec", "localhost", "ec", "ec-ca", "leaf")
    cert("root", "interop root", "ec", None, "ca")
    cert("int", "interop intermediate", "ec", "root", "int")
    cert("chain", "localhost", "ec", "int", "leaf")
    cat = lambda out, *names: open(os.path.join(d, out), "w").write(
        "".join(open(os.path.join(d, n)).read() for n in names))
    cat("chain-full.pem", "chain.pem", "int.pem")       # leaf + intermediate
    cat("trust.pem", "rsa-ca.pem", "ec-ca.pem", "root.pem")  # the roots only


# ---- servers --------------------------------------------------------------------

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port, proc, log):
    for _ in range(100):
        if proc.poll() is not None:
            break
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not start: " + open(log).read()[-500:])


class Server:
    def __init__(self, d, kind, cert, key, tls, extra=(), port=None):
        self.port = port or free_port()
        self.log = os.path.join(d, "srv-%d-%s.log" % (self.port, kind))
        c, k = os.path.join(d, cert), os.path.join(d, key)
        if kind == "openssl":
            v = {"1.2": ["-tls1_2"], "1.3": ["-tls1_3"], "1.1": ["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"],
                 "any": []}[tls]
            if cert == "chain-full.pem":  # s_server reads one certificate from -cert
                c = os.path.join(d, "chain.pem")
                extra = ["-cert_chain", os.path.join(d, "int.pem"), *extra]
            cmd = ["openssl", "s_server", "-accept", "127.0.0.1:%d" % self.port, "-cert", c, "-key", k,
                   "-www", "-naccept", "1000", *v, *extra]
        else:
            prio = {"1.2": "NORMAL:-VERS-ALL:+VERS-TLS1.2", "1.3": "NORMAL:-VERS-ALL:+VERS-TLS1.3",
                    "any": "NORMAL"}[tls]
            cmd = ["gnutls-serv", "--http", "--port", str(self.port), "--x509certfile", c,
                   "--x509keyfile", k, "--priority", prio, *(extra or ["--disable-client-cert"])]
        self.p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=open(self.log, "w"),
                                  stderr=subprocess.STDOUT)
        wait_port(self.port, self.p, self.log)
        if kind == "openssl":
            time.sleep(0.05)  # wait_port's probe connection is s_server's first accept: let it finish

    def stop(self):
        self.p.terminate()
        try:
            self.p.wait(5)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()


def probe(bin_, port, trust, n=2, extra=()):
    out = subprocess.run([bin_, "localhost", str(port), trust, str(n), *extra], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, timeout=60, text=True).stdout
    rows = []
    for line in out.splitlines():
        if line.startswith("conn="):
            rows.append(dict(re.findall(r'(\w+)=("[^"]*"|\S+)', line)))
    return rows, out


NOTES = ("1. Mbed TLS 3.6.6 in its default configuration (no `MBEDTLS_USE_PSA_CRYPTO`) "
         "sends one ClientHello for TLS 1.2 and 1.3 that offers the `rsa_pss_rsae_*` "
         "signature algorithms (needed for TLS 1.3), but its TLS 1.2 code accepts them only "
         "with `MBEDTLS_USE_PSA_CRYPTO` (`mbedtls_ssl_tls12_sig_alg_is_supported`). OpenSSL 3 "
         "and GnuTLS choose RSA-PSS for an RSA key, so a TLS-1.2-only server with an RSA "
         "certificate is refused with ILLEGAL_PARAMETER (-0x6600). Checked by hand: the same "
         "s_server restricted to `-sigalgs RSA+SHA256` connects. Not a dripfeed fault; a "
         "firmware that must reach such servers enables `MBEDTLS_USE_PSA_CRYPTO` (or the "
         "server offers TLS 1.3, where RSA works: see the 1.3 rows). 2.28 offers no PSS "
         "in TLS 1.2 and connects.\n"
         "2. TLS 1.3 with a client certificate required: the client's handshake ends "
         "before the server judges the (empty) client certificate, so the refusal is an "
         "alert on the first read, reported as the transport error of that read.\n")


def describe(rows):
    if not rows:
        return "no output"
    r0 = rows[0]
    if r0["rc"] != "0":
        return "refused: %s (%s, mbedtls -0x%s)" % (r0["err"].strip('"'), r0["rc"], r0["mbedtls"][3:])
    if r0["end"] == "error":  # TLS 1.3: the server's verdict comes after the client's handshake
        return "handshake done, then refused on read: %s (%s, mbedtls -0x%s; note 2)" % (
            r0["err"].strip('"'), r0["last"], r0["mbedtls"][3:])
    res = "ok %s %s" % (r0["version"], r0["suite"])
    return res


def median(v):
    v = sorted(v)
    return v[len(v) // 2] if v else 0


def start_replay(d):
    """The project's replay server on 127.0.0.1 with certificates of its own
    in d/replay: (process, port, certificates dir). The caller stops it."""
    certs_dir = os.path.join(d, "replay")
    sh("sh", os.path.join(ROOT, "tests/server/mkcerts.sh"), certs_dir)
    ready = os.path.join(d, "replay.port")
    if os.path.exists(ready):
        os.unlink(ready)
    rs = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests/server/replay_server.py"),
                           "--cert", os.path.join(certs_dir, "server.pem"),
                           "--key", os.path.join(certs_dir, "server.key"),
                           "--transcripts", os.path.join(ROOT, "tests/transcripts"),
                           "--port", "0", "--ready-file", ready],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if os.path.exists(ready) and open(ready).read().strip():
                break
            time.sleep(0.05)
        return rs, int(open(ready).read()), certs_dir
    except (OSError, ValueError):
        rs.terminate()
        rs.wait()
        raise


def bench(d, probes, n):
    make_certs(d)
    trust = os.path.join(d, "trust.pem")
    rs, rport, certs_dir = start_replay(d)
    print("| server | mbedTLS | TLS | handshake, full: bytes out + in, us | resumed: bytes out + in, us "
          "| saved per reconnect |\n|---|---|---|---|---|---|")
    try:
        targets = [("openssl s_server, ECDSA P-256", "1.2"), ("openssl s_server, ECDSA P-256", "1.3"),
                   ("replay server (Python ssl), ECDSA P-256", "any")]
        for name, tls in targets:
            s = None
            if name.startswith("openssl"):
                s = Server(d, "openssl", "ec.pem", "ec.key", tls)
                port, ca = s.port, trust
            else:
                port, ca = rport, os.path.join(certs_dir, "ca.pem")
            try:
                for lib, b in probes:
                    if tls == "1.3" and lib == "2.28":
                        continue
                    figs = {}
                    for mode, extra in (("full", ["--no-resume"]), ("resumed", [])):
                        out = subprocess.run([b, "localhost", str(port), ca, str(n + 1), *extra],
                                             stdout=subprocess.PIPE, text=True, timeout=120).stdout
                        rows = [dict(re.findall(r'(\w+)=("[^"]*"|\S+)', l)) for l in out.splitlines()
                                if l.startswith("conn=")][1:]
                        rows = [r for r in rows if r["rc"] == "0" and r["resumed"] == ("1" if mode == "resumed" else "0")]
                        figs[mode] = (len(rows), median([int(r["hs_tx"]) for r in rows]),
                                      median([int(r["hs_rx"]) for r in rows]),
                                      median([int(r["hs_us"]) for r in rows]),
                                      rows[0]["version"] if rows else "-")
                    f, r = figs["full"], figs["resumed"]
                    print("| %s | %s | %s | %d + %d B, %d us (n=%d) | %d + %d B, %d us (n=%d) | %d B, %d us (%.0f%%) |" % (
                        name, lib, f[4], f[1], f[2], f[3], f[0], r[1], r[2], r[3], r[0],
                        (f[1] + f[2]) - (r[1] + r[2]), f[3] - r[3], 100.0 * (f[3] - r[3]) / max(f[3], 1)))
            finally:
                if s:
                    s.stop()
    finally:
        rs.terminate()
        rs.wait()
    return 0


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    build = os.path.abspath(sys.argv[1])
    md = None
    m3 = None
    if "--md" in sys.argv:
        md = os.path.abspath(sys.argv[sys.argv.index("--md") + 1])
    if "--mbedtls3" in sys.argv:
        m3 = os.path.abspath(sys.argv[sys.argv.index("--mbedtls3") + 1])
    for tool in ("openssl", "gnutls-serv", "unshare", "ip"):
        if shutil.which(tool) is None:
            print("interop: %s missing: skipped" % tool)
            return 77
    if os.environ.get("DRIP_INTEROP_NETNS") != "1":
        env = dict(os.environ, DRIP_INTEROP_NETNS="1")
        unshare = ["unshare", "-n"] if os.geteuid() == 0 else ["unshare", "-rn"]
        return subprocess.run(unshare + ["sh", "-c", 'ip link set lo up && exec "$@"', "sh",
                                         sys.executable, *sys.argv], env=env).returncode

    probes = [("2.28", os.path.join(build, "tls_probe"))]
    if m3 and os.path.exists(os.path.join(m3, "tls_probe")):
        probes.append(("3.6", os.path.join(m3, "tls_probe")))
    for _, b in probes:
        if not os.access(b, os.X_OK):
            print("interop: no %s" % b)
            return 1
    d = tempfile.mkdtemp(prefix="drip_interop.")
    if "--bench" in sys.argv:
        try:
            return bench(d, probes, int(sys.argv[sys.argv.index("--bench") + 1]))
        finally:
            shutil.rmtree(d, ignore_errors=True)
    results, bad = [], []
    t0 = time.time()
    try:
        make_certs(d)
        trust = os.path.join(d, "trust.pem")
        certs = [("RSA 2048", "rsa.pem", "rsa.key"), ("ECDSA P-256", "ec.pem", "ec.key"),
                 ("ECDSA, chain root > intermediate > leaf", "chain-full.pem", "chain.key")]

        def row(server, cert, tls, lib, rows, want_ok, note=""):
            got = describe(rows)
            ok_now = bool(rows) and rows[0]["rc"] == "0" and rows[0]["end"] != "error"
            resumed = "-"
            close = "-"
            if ok_now and len(rows) > 1:
                resumed = "yes" if rows[1].get("resumed") == "1" and rows[1]["rc"] == "0" else "no"
                close = rows[0]["end"]
            passed = ok_now == want_ok
            if want_ok and ok_now and resumed != "yes" and not note:
                passed = False
            verdict = "pass" if passed else "FAIL"
            if note and passed:
                verdict = "pass (known refusal, note %s)" % note
            results.append((server, cert, tls, lib, got, resumed, close, verdict))
            if not passed:
                bad.append(results[-1])

        for server in ("openssl", "gnutls"):
            for cname, cf, kf in certs:
                for tls in ("1.2", "1.3"):
                    s = Server(d, server, cf, kf, tls)
                    try:
                        for lib, b in probes:
                            rows, _ = probe(b, s.port, trust)
                            # mbedTLS 2.28 has no TLS 1.3: refused is the right answer.
                            # 3.6 in its default config refuses a TLS 1.2 RSA-PSS
                            # ServerKeyExchange it offered: a known refusal (note 1).
                            known = lib == "3.6" and tls == "1.2" and cname.startswith("RSA")
                            row(server, cname, tls, lib, rows,
                                want_ok=not (tls == "1.3" and lib == "2.28") and not known,
                                note="1" if known else "")
                    finally:
                        s.stop()

        # The certificate replaced between two keep-alive connections: the
        # second connection offers the old session to a new server process
        # (new ticket keys, an RSA certificate instead of ECDSA): full handshake.
        for lib, b in probes:
            port = free_port()
            s = Server(d, "openssl", "ec.pem", "ec.key", "any", port=port)
            pr = subprocess.Popen([b, "localhost", str(port), trust, "2", "--gap-ms", "1500"],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            time.sleep(0.7)
            s.stop()
            s = Server(d, "openssl", "rsa.pem", "rsa.key", "any", port=port)
            out = pr.communicate(timeout=30)[0]
            s.stop()
            rows = [dict(re.findall(r'(\w+)=("[^"]*"|\S+)', l)) for l in out.splitlines() if l.startswith("conn=")]
            passed = len(rows) == 2 and rows[0]["rc"] == "0" and rows[1]["rc"] == "0" and rows[1]["resumed"] == "0"
            results.append(("openssl", "ECDSA, then RSA on a new server (same port)", "any", lib,
                            "second connection: " + (describe(rows[1:]) if len(rows) > 1 else "none"),
                            "no (full handshake)" if passed else "?", rows[0]["end"] if rows else "-",
                            "pass" if passed else "FAIL"))
            if not passed:
                bad.append(results[-1])

        # Alerts and refusals.
        cases = [
            ("openssl", "ECDSA, client certificate required", "ec.pem", "ec.key", "any", ["-Verify", "1"]),
            ("gnutls", "ECDSA, client certificate required", "ec.pem", "ec.key", "any", ["--require-client-cert"]),
            ("openssl", "ECDSA, server offers TLS 1.1 only", "ec.pem", "ec.key", "1.1", []),
            ("openssl", "chain, server omits the intermediate", "chain.pem", "chain.key", "any", []),
            ("gnutls", "chain, server omits the intermediate", "chain.pem", "chain.key", "any", []),
        ]
        for server, cname, cf, kf, tls, extra in cases:
            s = Server(d, server, cf, kf, tls, extra)
            try:
                for lib, b in probes:
                    rows, _ = probe(b, s.port, trust, n=1)
                    row(server, cname, tls, lib, rows, want_ok=False)
            finally:
                s.stop()

        # A TCP close without close_notify before the terminal event, through
        # the whole client (host tool): `truncated`, never `completed`.
        rs, rport, certs_dir = start_replay(d)
        try:
            tools = [("2.28", os.path.join(build, "dripfeed"))]
            if m3 and os.path.exists(os.path.join(m3, "dripfeed")):
                tools.append(("3.6", os.path.join(m3, "dripfeed")))
            for fault, want in (("", "completed"), ("drop_after=300", "truncated"),
                                ("drop_after=300,reset=1", "truncated"), ("drop_after=0", "truncated")):
                for lib, tool in tools:
                    args = [tool, "stream", "--base-url", "https://localhost:%d/v1" % rport,
                            "--ca", os.path.join(certs_dir, "ca.pem"), "--retries", "0",
                            "--header", "X-Drip-Chunk: 64,64"]
                    if fault:
                        args += ["--header", "X-Drip-Fault: " + fault]
                    p = subprocess.run(args + ["x"], env=dict(os.environ, OPENAI_API_KEY="sk-x"),
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
                    m = re.search(r"state=(\w+)", p.stderr)
                    state = m.group(1) if m else "?"
                    results.append(("replay server (Python ssl)", "ECDSA; fault " + (fault or "none")
                                    + (", TCP FIN without close_notify" if "drop" in fault and "reset" not in fault
                                       else ", TCP RST" if "reset" in fault else ""),
                                    "any", lib, "state " + state, "-", "-",
                                    "pass" if state == want else "FAIL"))
                    if state != want:
                        bad.append(results[-1])
        finally:
            rs.terminate()
            rs.wait()
    finally:
        shutil.rmtree(d, ignore_errors=True)

    head = ("| server | certificate / case | TLS offered by server | mbedTLS | result | "
            "resumed on reconnect | first close | verdict |\n|---|---|---|---|---|---|---|---|\n")
    table = head + "".join("| " + " | ".join(r) + " |\n" for r in results)
    print(table)
    print("interop: %d rows, %d failed (%.1f s)" % (len(results), len(bad), time.time() - t0))
    if md:
        ver = lambda c: subprocess.run(c, stdout=subprocess.PIPE, text=True).stdout.splitlines()[0]
        with open(md, "w") as f:
            f.write("<!-- SPDX-License-Identifier: Apache-2.0 -->\n# TLS interop matrix\n\n"
                    "Generated by `tests/interop/run_interop.py BUILD --md docs/interop.md` "
                    "(CTest `interop_tls` runs the same matrix without writing this file). "
                    "Client: port/posix + port/mbedtls (`tests/interop/tls_probe.c`: two "
                    "connections, GET /, read to the end), and for the replay-server rows the "
                    "host tool `dripfeed stream`. Servers: %s; %s; the replay server "
                    "(Python ssl). Each server in a private network namespace on 127.0.0.1. "
                    "\"first close\": how the server ended the first connection (close_notify, "
                    "or eof = TCP close without it). A row passes when it gives what it should: "
                    "the good ones connect and resume, the refusals are refused.\n\n"
                    % (ver(["openssl", "version"]), ver(["gnutls-serv", "--version"])))
            f.write(table)
            f.write("\n%d rows, %d failed.\n\nNotes:\n\n%s" % (len(results), len(bad), NOTES))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
