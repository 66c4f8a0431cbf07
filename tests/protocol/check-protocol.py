#!/usr/bin/env python3
"""check-protocol.py: fails when anything generated from the protocol catalogue is stale, or when
code names a request, event, error or reason that is not in the catalogue. Prints TAP.

Why both: the generator keeps C, JS and docs equal to the catalogue, but code can still spell a
name by hand ("conflict" where the server says "full", an error code compared in the widget that
no server sends). Those spots are found here by the call or comparison they appear in.
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.environ.get('BB_SOURCE_ROOT') or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROTO = os.path.join(ROOT, 'protocol')


def load(name):
    with open(os.path.join(PROTO, name + '.json'), encoding='utf-8') as f:
        return json.load(f)


errors = {e['name'] for e in load('errors')['errors']}
janus = load('janus-api')
requests = {r['name'] for r in janus['requests']}
janus_events = {e['name'] for e in janus['events']}
lists = {l['name']: {v['name'] for v in l['values']} for l in load('values')['lists']}
hangup_reasons = lists['hangup_reason']
requeue_reasons = lists['requeue_reason']
# codes only a client makes up for itself (no server sends them): connection trouble
CLIENT_CODES = {'network', 'timeout', 'closed'}
# i18n keys under err. that are not error codes: texts for situations no server names
CLIENT_ERR_KEYS = {'generic', 'janus', 'network', 'timeout'}


def sources(top, exts, skip=()):
    for d, dirs, files in os.walk(os.path.join(ROOT, top)):
        dirs[:] = [x for x in dirs if x not in ('vendor', 'node_modules')]
        for f in sorted(files):
            p = os.path.join(d, f)
            if f.endswith(exts) and not any(s in p for s in skip):
                yield p


def line_of(text, pos):
    return text.count('\n', 0, pos) + 1


def rel(p):
    return os.path.relpath(p, ROOT)


results = []


def check(name, problems):
    results.append((name, problems))


# 1. generated files are current
gen = subprocess.run([sys.executable, os.path.join(PROTO, 'generate.py'), '--check'],
                     capture_output=True, text=True)
check('generated files (protocol.js, docs) are current',
      [] if gen.returncode == 0 else gen.stderr.strip().splitlines() or ['generate.py --check failed'])

# 2. C: events and errors by generated name only; reasons from the catalogue
c_problems = []
C_CALLS = [
    (re.compile(r'\bbb_push\([^,]+,\s*"([^"]*)"'), 'event in bb_push (use BB_JEV_*)', None),
    (re.compile(r'\bbb_reply\([^,]+,\s*"([^"]*)"'), 'event in bb_reply (use BB_JEV_*)', None),
    (re.compile(r'\bbb_reply_error\([^,]+,\s*"'), 'error in bb_reply_error (use BB_E_*)', None),
    (re.compile(r'\bbb_consultation_(?:close|end_media)\([^,]+,\s*"([^"]*)"'), 'hangup reason', hangup_reasons),
    (re.compile(r'\bbb_clerk_give_back\([^;]*?,\s*"([^"]*)"\s*,'), 'requeue reason', requeue_reasons),
    (re.compile(r'\bbb_err_set\(\s*[^,]+,\s*"([^"]*)"'), 'error code', errors),
]
for p in list(sources('plugin', ('.c', '.h'))) + list(sources('queue-service', ('.c', '.h'))):
    text = open(p, encoding='utf-8').read()
    for rx, what, allowed in C_CALLS:
        for m in rx.finditer(text):
            value = m.group(1) if m.groups() else None
            if allowed is None or value not in allowed:
                c_problems.append(f'{rel(p)}:{line_of(text, m.start())}: {what}: {value or m.group(0)}')
check('C code names only catalogue events, errors and reasons', c_problems)

# 3. JS: requests, error codes, event names
js_problems = []
JS_RULES = [
    (re.compile(r"\brequest:\s*'([^']*)'"), 'request', requests),
    (re.compile(r"\.code\s*[!=]==\s*'([^']*)'"), 'error code', errors | CLIENT_CODES),
    (re.compile(r"'([a-z_]+)'\s*[!=]==\s*[\w.]*\.code\b"), 'error code', errors | CLIENT_CODES),
    (re.compile(r"\bbuergerbuero\s*[!=]==\s*'([^']*)'"), 'event', janus_events),
    (re.compile(r"\bt\(\s*'err\.([a-z_]+)'"), 'error text key', errors | CLIENT_ERR_KEYS),
]
for p in sources('web-client', ('.js',), skip=('protocol.js',)):
    text = open(p, encoding='utf-8').read()
    for rx, what, allowed in JS_RULES:
        for m in rx.finditer(text):
            if m.group(1) not in allowed:
                js_problems.append(f'{rel(p)}:{line_of(text, m.start())}: {what} not in the catalogue: {m.group(1)}')
check('web client names only catalogue requests, errors and events', js_problems)

print('TAP version 13')
print(f'1..{len(results)}')
failed = 0
for i, (name, problems) in enumerate(results, 1):
    if problems:
        failed += 1
        print(f'not ok {i} - {name}')
        for pr in problems[:50]:
            print(f'# {pr}')
    else:
        print(f'ok {i} - {name}')
sys.exit(1 if failed else 0)
