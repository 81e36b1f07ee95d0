#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Run `dripfeed decode` over the golden captures and compare with the stored results.

    run_golden.py DRIPFEED CAPTURE_DIR [--big FILE]... [--buffer N] [--summary-only]
                  [--timeout S] [--jobs N]
    run_golden.py --self-test CAPTURE_DIR [...]     (refdecode.py stands in for DRIPFEED)

For every CAPTURE_DIR/NAME.http (and every --big FILE) the tool is run as

    DRIPFEED decode --api API [--events] [--feed N] [--buffer N] < CAPTURE

with API `chat` for names starting with `chat-`, else `responses`, for every feed size in
FEEDS (no --feed flag, then 1, 2, 3, 7, 64, 4096), with and without --events. A capture
passes when
  * the output is byte-identical for every feed size (separately with and without --events),
  * the output without --events equals NAME.expected (the one summary line),
  * the output with --events equals NAME.events (event lines + summary line); with
    --summary-only only its last line is compared, with NAME.expected,
  * the exit status is 0 when the expected state is `completed`, else 1, for every run.
NAME.events is required for captures in CAPTURE_DIR and optional for --big files.
`--buffer N` is passed to every run (e.g. 512 for the small-buffer pass).

One line per capture is printed, then `N passed, M failed`; the exit status is 1 if any
capture failed.
"""

import argparse
import concurrent.futures
import json
import os
import signal
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FEEDS = (None, 1, 2, 3, 7, 64, 4096)


def api_for(path):
    return 'chat' if os.path.basename(path).startswith('chat-') else 'responses'


def read_or_none(path):
    try:
        with open(path, 'rb') as f:
            return f.read()
    except OSError:
        return None


def first_difference(got, want):
    """Short human description of where two outputs differ."""
    g, w = got.split(b'\n'), want.split(b'\n')
    for i, (a, b) in enumerate(zip(g, w)):
        if a != b:
            col = next((j for j, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            lo = max(0, col - 60)
            return 'line %d col %d: got %r, want %r' % (
                i + 1, col + 1, a[lo:col + 80], b[lo:col + 80])
    return 'got %d lines, want %d lines' % (len(g) - 1, len(w) - 1)


class Run:
    """One invocation of the tool."""

    def __init__(self, prefix, capture, api, events, feed, buffer, timeout):
        self.args = ['decode', '--api', api]
        if events:
            self.args.append('--events')
        if feed is not None:
            self.args += ['--feed', str(feed)]
        if buffer is not None:
            self.args += ['--buffer', str(buffer)]
        self.cmd = prefix + self.args
        self.capture = capture
        self.events = events
        self.timeout = timeout
        self.stdout = None
        self.status = None
        self.problem = None

    def label(self):
        return ' '.join(self.args[3:]) or '(no options)'

    def __call__(self):
        with open(self.capture, 'rb') as f:
            try:
                p = subprocess.run(self.cmd, stdin=f, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, timeout=self.timeout)
            except subprocess.TimeoutExpired:
                self.problem = 'timed out after %ss' % self.timeout
                return self
            except OSError as e:
                self.problem = 'cannot run: %s' % e
                return self
        self.stdout, self.status = p.stdout, p.returncode
        if p.returncode < 0:
            try:
                name = signal.Signals(-p.returncode).name
            except ValueError:
                name = str(-p.returncode)
            self.problem = 'killed by %s; stderr: %r' % (name, p.stderr[-300:])
        elif p.returncode == 2:
            self.problem = 'exit status 2 (bad usage); stderr: %r' % p.stderr[-300:]
        return self


def check_capture(pool, prefix, capture, base, opts, need_events):
    """Run every variant for one capture; return a list of problems (empty = pass).
    The stored results are BASE.expected and BASE.events."""
    api = api_for(capture)
    expected = read_or_none(base + '.expected')
    events_path = base + '.events'
    events_want = None if opts.summary_only else read_or_none(events_path)
    problems = []
    if expected is None:
        return ['missing .expected file']
    if need_events and events_want is None and not opts.summary_only:
        problems.append('missing %s' % os.path.basename(events_path))
    try:
        state = json.loads(expected.decode('utf-8', 'surrogateescape'))['state']
    except (ValueError, KeyError, TypeError):
        return ['unreadable .expected file']
    want_status = 0 if state == 'completed' else 1

    runs = [Run(prefix, capture, api, ev, feed, opts.buffer, opts.timeout)
            for ev in (False, True) for feed in FEEDS]
    for r in pool.map(lambda r: r(), runs):
        if r.problem:
            problems.append('%s: %s' % (r.label(), r.problem))
    if problems:
        return problems

    for events in (False, True):
        group = [r for r in runs if r.events == events]
        base = group[0]
        for r in group[1:]:
            if r.stdout != base.stdout:
                problems.append('%s differs from %s: %s' % (
                    r.label(), base.label(), first_difference(r.stdout, base.stdout)))
        if not events:
            if base.stdout != expected:
                problems.append('summary: ' + first_difference(base.stdout, expected))
        elif events_want is not None:
            if base.stdout != events_want:
                problems.append('--events: ' + first_difference(base.stdout, events_want))
        else:
            last = base.stdout.rstrip(b'\n').rsplit(b'\n', 1)[-1] + b'\n'
            if last != expected:
                problems.append('--events summary line: ' + first_difference(last, expected))
    bad = sorted({r.status for r in runs if r.status != want_status})
    if bad:
        problems.append('exit status %s, want %d (state %s)' % (
            ','.join(map(str, bad)), want_status, state))
    return problems


def main(argv=None):
    ap = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        usage='%(prog)s [options] DRIPFEED CAPTURE_DIR\n'
              '       %(prog)s --self-test [options] CAPTURE_DIR')
    ap.add_argument('paths', nargs='+', help=argparse.SUPPRESS)
    ap.add_argument('--big', action='append', default=[], metavar='FILE',
                    help='an extra capture (e.g. from gen_big.py) with FILE.expected')
    ap.add_argument('--buffer', type=int, help='pass --buffer N to every run')
    ap.add_argument('--summary-only', action='store_true',
                    help='compare only summary lines, not the --events lines')
    ap.add_argument('--self-test', action='store_true',
                    help='use refdecode.py in place of the binary (tests this runner)')
    ap.add_argument('--timeout', type=float, default=300.0, help='seconds per run')
    ap.add_argument('--jobs', type=int, default=os.cpu_count() or 2)
    args = ap.parse_args(argv)

    if args.self_test:
        prefix = [sys.executable, os.path.join(HERE, 'refdecode.py')]
        capdir = args.paths[-1]
    elif len(args.paths) == 2:
        prefix = [os.path.abspath(args.paths[0])]
        capdir = args.paths[1]
        if not os.access(prefix[0], os.X_OK):
            ap.error('%s is not an executable file' % args.paths[0])
    else:
        ap.error('expected DRIPFEED CAPTURE_DIR')
    if not os.path.isdir(capdir):
        ap.error('%s is not a directory' % capdir)

    # (capture, base name of its stored results, .events required)
    captures = [(os.path.join(capdir, n), os.path.join(capdir, n[:-5]), True)
                for n in sorted(os.listdir(capdir)) if n.endswith('.http')]
    captures += [(b, b, False) for b in args.big]      # gen_big.py writes OUT.expected
    if not captures:
        ap.error('no captures found in %s' % capdir)

    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for path, base, need_events in captures:
            problems = check_capture(pool, prefix, path, base, args, need_events)
            name = os.path.basename(path)
            if problems:
                failed += 1
                print('FAIL %s' % name)
                for p in problems[:8]:
                    print('     %s' % p)
                if len(problems) > 8:
                    print('     ... %d more' % (len(problems) - 8))
            else:
                passed += 1
                print('ok   %s' % name)
            sys.stdout.flush()
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
