#!/usr/bin/env python3
"""generate.py: turns the protocol catalogue (protocol/*.json) into the files every part uses.

  C      bb_protocol.h / bb_protocol.c (written into the build folder by meson; the plugin and
         the queue service link them through the bb_protocol library)
  JS     web-client/widget/protocol.js (committed: the web client is served as it is)
  docs   docs/protocol.md, and the blocks between <!-- protocol:NAME --> and <!-- /protocol:NAME -->
         in other docs/*.md (committed)

Usage:
  generate.py --c-header H --c-source C      write the C files (meson)
  generate.py --write                        rewrite protocol.js and the docs in the source tree
  generate.py --check                        exit 1 and name every stale file (a test runs this)

Why generated: names, numbers, limits and state lists once lived in seven places and drifted
(errors reaching citizens as 4700, limits in bytes here and characters there). The catalogue is
the only place they are written; everything else is derived and checked for staleness.
Only the Python standard library is used, so the build needs nothing beyond meson's Python.
"""
import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
JS_OUT = os.path.join(ROOT, 'web-client', 'widget', 'protocol.js')
DOC_OUT = os.path.join(ROOT, 'docs', 'protocol.md')
DOCS_DIR = os.path.join(ROOT, 'docs')

FIELD_TYPES = {'text', 'id', 'int', 'enum', 'bool', 'id_array', 'text_array'}
ROLES = {'citizen', 'clerk', 'any'}
JSEPS = {'none', 'offer', 'answer'}
NAME_RE = re.compile(r'^[a-z][a-z0-9_]*$')


class CatalogueError(Exception):
    pass


def load():
    cat = {}
    for part in ('errors', 'limits', 'values', 'janus-api', 'internal-api', 'rest-api'):
        with open(os.path.join(HERE, part + '.json'), encoding='utf-8') as f:
            cat[part] = json.load(f)
    return cat


# ---------------------------------------------------------------------------------------------
# Consistency of the catalogue itself

def check(cat):
    """Refuses a catalogue with duplicate names or numbers or dangling references, so a typo in
    the JSON fails the build instead of generating a silently wrong table."""
    problems = []

    def unique(items, key, what):
        seen = set()
        for it in items:
            v = it[key]
            if v in seen:
                problems.append(f'duplicate {what}: {v}')
            seen.add(v)

    errors = cat['errors']['errors']
    unique(errors, 'name', 'error name')
    unique(errors, 'number', 'error number')
    names = {e['name'] for e in errors}
    for e in errors:
        if not NAME_RE.match(e['name']):
            problems.append(f'bad error name {e["name"]}')
        if not 4700 <= e['number'] <= 4799:
            problems.append(f'error {e["name"]}: number outside 4700-4799')
        if 'janus' in e and e['janus'] not in names:
            problems.append(f'error {e["name"]}: janus mapping to unknown error {e["janus"]}')
        if 'janus' in e and 'janus' in e['scopes']:
            problems.append(f'error {e["name"]}: reaches browsers and is mapped at the same time')
        if 'internal' in e['scopes'] and 'janus' not in e['scopes'] and 'janus' not in e:
            problems.append(f'error {e["name"]}: the plugin can get it but has no janus mapping')

    texts = cat['limits']['texts']
    unique(texts, 'name', 'text limit')
    unique(cat['limits']['sizes'], 'name', 'size')
    unique(cat['limits']['counts'], 'name', 'count')
    limit_names = {t['name'] for t in texts}

    lists = cat['values']['lists']
    unique(lists, 'name', 'list')
    list_names = {lst['name']: [v['name'] for v in lst['values']] for lst in lists}
    for lst in lists:
        unique(lst['values'], 'name', f'value of {lst["name"]}')
    states = list_names['ticket_state']
    for ev in next(lst for lst in lists if lst['name'] == 'ticket_event')['values']:
        for s in ev['from'] + [ev['to']]:
            if s not in states:
                problems.append(f'ticket_event {ev["name"]}: unknown state {s}')

    def check_fields(owner, fields):
        unique(fields, 'name', f'field of {owner}')
        for f in fields:
            t = f['type']
            if t not in FIELD_TYPES:
                problems.append(f'{owner}.{f["name"]}: unknown type {t}')
            if t in ('text', 'text_array') and f.get('limit') not in limit_names:
                problems.append(f'{owner}.{f["name"]}: unknown limit {f.get("limit")}')
            if t == 'enum' and f.get('list') not in list_names:
                problems.append(f'{owner}.{f["name"]}: unknown list {f.get("list")}')
            if t == 'int' and not (isinstance(f.get('min'), int) and isinstance(f.get('max'), int)
                                   and f['min'] <= f['max']):
                problems.append(f'{owner}.{f["name"]}: int without min <= max')
            if t.endswith('_array') and not f.get('max_items'):
                problems.append(f'{owner}.{f["name"]}: array without max_items')

    janus = cat['janus-api']
    unique(janus['requests'], 'name', 'Janus request')
    unique(janus['events'], 'name', 'Janus event')
    events = {e['name'] for e in janus['events']}
    for r in janus['requests']:
        if r['role'] not in ROLES or r['jsep'] not in JSEPS:
            problems.append(f'request {r["name"]}: bad role or jsep')
        for a in r['answers']:
            if a not in events:
                problems.append(f'request {r["name"]}: unknown answer event {a}')
        check_fields('request ' + r['name'], r['fields'])

    internal = cat['internal-api']
    unique(internal['ops'], 'name', 'internal op')
    unique(internal['events'], 'name', 'internal event')
    for op in internal['ops']:
        check_fields('op ' + op['name'], op['fields'])
    unique(cat['rest-api']['bodies'], 'name', 'REST body')
    for b in cat['rest-api']['bodies']:
        if b['method'] not in ('POST', 'PUT', 'PATCH'):
            problems.append(f'REST body {b["name"]}: method {b["method"]}')
        check_fields('REST body ' + b['name'], b['fields'])
    if problems:
        raise CatalogueError('\n'.join(problems))


def op_fields(op):
    """Clerk ops carry the clerk's session token first; the catalogue says so once (`clerk`)."""
    fields = list(op['fields'])
    if op['clerk']:
        fields.insert(0, {'name': 'session', 'type': 'text', 'limit': 'clerk_session', 'required': True})
    return fields


def cname(s):
    return re.sub(r'[^A-Za-z0-9]', '_', s).upper()


def c_string(s):
    return json.dumps(s, ensure_ascii=False)


def c_comment(s):
    return s.replace('*/', '* /').replace('`', '')


# ---------------------------------------------------------------------------------------------
# C

def gen_c(cat):
    limits = {t['name']: t for t in cat['limits']['texts']}
    lists = cat['values']['lists']
    errors = sorted(cat['errors']['errors'], key=lambda e: e['number'])
    h = []
    w = h.append
    w('/* bb_protocol.h: the protocol catalogue (the JSON files in protocol/) for C: errors, limits, lists,')
    w(' * Janus requests and internal ops with their fields. Generated by protocol/generate.py at build')
    w(' * time; do not edit. Used by the Janus plugin and the queue service alike. */')
    w('#ifndef BB_PROTOCOL_H')
    w('#define BB_PROTOCOL_H')
    w('')
    w('#include <stddef.h>')
    w('')
    w('/* ---- errors: the number is the Janus API error_code ---- */')
    w('typedef enum bb_error_code {')
    w('\tBB_E_NONE = 0,')
    for e in errors:
        w(f'\tBB_E_{cname(e["name"])} = {e["number"]},   /* {c_comment(e["doc"])} */')
    w('} bb_error_code;')
    w(f'#define BB_E_N {len(errors)}')
    w('')
    w('typedef struct bb_error_info {')
    w('\tbb_error_code code;')
    w('\tconst char *name;      /* the code on the wire */')
    w('\tint http;              /* HTTP status in REST answers */')
    w('\tbb_error_code janus;   /* what a browser gets when this comes from the queue service */')
    w('} bb_error_info;')
    w('extern const bb_error_info bb_errors[BB_E_N];')
    w('/* "internal" for BB_E_NONE or an unknown number. */')
    w('const char *bb_error_name(bb_error_code code);')
    w('int bb_error_http(bb_error_code code);')
    w('/* BB_E_NONE for a name that is not in the catalogue. */')
    w('bb_error_code bb_error_parse(const char *name);')
    w('bb_error_code bb_error_janus(bb_error_code code);')
    w('')
    w('/* ---- limits: text fields in characters (code points), sizes in bytes ---- */')
    for t in cat['limits']['texts']:
        w(f'#define BB_MAX_{cname(t["name"])} {t["max"]}   /* {c_comment(t["doc"])} */')
    for s in cat['limits']['sizes']:
        w(f'#define BB_SIZE_{cname(s["name"])} {s["bytes"]}   /* {c_comment(s["doc"])} */')
    for c in cat['limits']['counts']:
        w(f'#define BB_COUNT_{cname(c["name"])} {c["items"]}   /* {c_comment(c["doc"])} */')
    w('')
    w('/* ---- value lists: bb_<list>_names[i] is the name of BB_<LIST>_<VALUE> = i ---- */')
    for lst in lists:
        ln = lst['name']
        w(f'typedef enum bb_proto_{ln} {{')
        for i, v in enumerate(lst['values']):
            w(f'\tBB_{cname(ln)}_{cname(v["name"])} = {i},')
        w(f'\tBB_{cname(ln)}_N = {len(lst["values"])}')
        w(f'}} bb_proto_{ln};')
        w(f'extern const char *const bb_{ln}_names[BB_{cname(ln)}_N];')
    w('/* Index of name in names[0..n-1], or -1. */')
    w('int bb_proto_lookup(const char *const *names, int n, const char *name);')
    w('/* ticket_event transitions: target state, or -1 where the event is illegal in that state. */')
    w('extern const int bb_ticket_transitions[BB_TICKET_STATE_N][BB_TICKET_EVENT_N];')
    w('extern const unsigned char bb_ticket_state_final[BB_TICKET_STATE_N];')
    w('')
    w('/* ---- fields of requests and ops ---- */')
    w('typedef enum bb_proto_field_type {')
    w('\tBB_FIELD_TEXT,        /* string, valid UTF-8, no control characters, <= max_chars */')
    w('\tBB_FIELD_ID,          /* positive integer */')
    w('\tBB_FIELD_INT,         /* integer in [min, max] */')
    w('\tBB_FIELD_ENUM,        /* string, one of values */')
    w('\tBB_FIELD_BOOL,')
    w('\tBB_FIELD_ID_ARRAY,    /* array of positive integers, <= max_items */')
    w('\tBB_FIELD_TEXT_ARRAY,  /* array of texts, <= max_items */')
    w('} bb_proto_field_type;')
    w('')
    w('typedef struct bb_proto_field {')
    w('\tconst char *name;')
    w('\tbb_proto_field_type type;')
    w('\tunsigned char required;')
    w('\tunsigned char nonempty;     /* an empty text is refused even when optional */')
    w('\tunsigned char multiline;    /* TEXT: line breaks and tabs allowed */')
    w('\tint max_chars;              /* TEXT, TEXT_ARRAY items */')
    w('\tint max_items;              /* arrays */')
    w('\tconst char *const *values;  /* ENUM */')
    w('\tint n_values;')
    w('\tlong long min, max;         /* INT */')
    w('} bb_proto_field;')
    w('')
    w('typedef enum bb_audience { BB_AUDIENCE_CITIZEN, BB_AUDIENCE_CLERK, BB_AUDIENCE_ANY } bb_audience;')
    w('typedef enum bb_jsep_need { BB_JSEP_NONE, BB_JSEP_OFFER, BB_JSEP_ANSWER } bb_jsep_need;')
    w('')
    w('/* ---- Janus API requests (browser -> plugin) ---- */')
    w('typedef enum bb_janus_request_id {')
    for i, r in enumerate(cat['janus-api']['requests']):
        w(f'\tBB_JREQ_{cname(r["name"])} = {i},')
    w(f'\tBB_JREQ_N = {len(cat["janus-api"]["requests"])}')
    w('} bb_janus_request_id;')
    w('typedef struct bb_janus_request {')
    w('\tconst char *name;')
    w('\tbb_audience audience;')
    w('\tbb_jsep_need jsep;')
    w('\tunsigned char needs_queue;   /* refused with queue_unavailable while the service is away */')
    w('\tconst bb_proto_field *fields;')
    w('\tint n_fields;')
    w('\tconst char *answer;          /* the usual answer event */')
    w('} bb_janus_request;')
    w('extern const bb_janus_request bb_janus_requests[BB_JREQ_N];')
    w('/* The request of that name (and its id), or NULL. */')
    w('const bb_janus_request *bb_janus_request_find(const char *name, bb_janus_request_id *id);')
    w('')
    w('/* ---- Janus API events (plugin -> browser), the value of "buergerbuero" ---- */')
    for e in cat['janus-api']['events']:
        w(f'#define BB_JEV_{cname(e["name"])} {c_string(e["name"])}')
    w('')
    w('/* ---- internal API ops (plugin -> queue service) ---- */')
    w('typedef enum bb_op_id {')
    for i, op in enumerate(cat['internal-api']['ops']):
        w(f'\tBB_OP_{cname(op["name"])} = {i},')
    w(f'\tBB_OP_N = {len(cat["internal-api"]["ops"])}')
    w('} bb_op_id;')
    w('typedef struct bb_internal_op {')
    w('\tconst char *name;')
    w('\tunsigned char clerk;         /* needs `session`, a clerk session token */')
    w('\tconst bb_proto_field *fields;')
    w('\tint n_fields;')
    w('} bb_internal_op;')
    w('extern const bb_internal_op bb_internal_ops[BB_OP_N];')
    w('const bb_internal_op *bb_internal_op_find(const char *name, bb_op_id *id);')
    w('')
    w('/* ---- REST request bodies (queue service router) ---- */')
    w('typedef enum bb_rest_body_id {')
    for i, b in enumerate(cat['rest-api']['bodies']):
        w(f'\tBB_REST_{cname(b["name"])} = {i},')
    w(f'\tBB_REST_N = {len(cat["rest-api"]["bodies"])}')
    w('} bb_rest_body_id;')
    w('typedef struct bb_rest_body {')
    w('\tconst char *name;')
    w('\tconst char *method;')
    w('\tconst char *path;')
    w('\tconst bb_proto_field *fields;')
    w('\tint n_fields;')
    w('} bb_rest_body;')
    w('extern const bb_rest_body bb_rest_bodies[BB_REST_N];')
    w('')
    w('/* ---- internal API events (queue service -> plugin), the value of "event" ---- */')
    for e in cat['internal-api']['events']:
        w(f'#define BB_IEV_{cname(e["name"])} {c_string(e["name"])}')
    w('')
    w('#endif')
    header = '\n'.join(h) + '\n'

    c = []
    w = c.append
    w('/* bb_protocol.c: tables of the protocol catalogue (protocol/). Generated by protocol/generate.py; do not edit. */')
    w('#include "bb_protocol.h"')
    w('')
    w('#include <string.h>')
    w('')
    w('const bb_error_info bb_errors[BB_E_N] = {')
    for e in errors:
        janus = e.get('janus', e['name'])
        w(f'\t{{ BB_E_{cname(e["name"])}, {c_string(e["name"])}, {e["http"]}, BB_E_{cname(janus)} }},')
    w('};')
    w('')
    w('static const bb_error_info *error_info(bb_error_code code) {')
    w('\tfor(int i = 0; i < BB_E_N; i++)')
    w('\t\tif(bb_errors[i].code == code)')
    w('\t\t\treturn &bb_errors[i];')
    w('\treturn NULL;')
    w('}')
    w('')
    w('const char *bb_error_name(bb_error_code code) {')
    w('\tconst bb_error_info *e = error_info(code);')
    w('\treturn e ? e->name : "internal";')
    w('}')
    w('')
    w('int bb_error_http(bb_error_code code) {')
    w('\tconst bb_error_info *e = error_info(code);')
    w('\treturn e ? e->http : 500;')
    w('}')
    w('')
    w('bb_error_code bb_error_parse(const char *name) {')
    w('\tfor(int i = 0; name && i < BB_E_N; i++)')
    w('\t\tif(strcmp(bb_errors[i].name, name) == 0)')
    w('\t\t\treturn bb_errors[i].code;')
    w('\treturn BB_E_NONE;')
    w('}')
    w('')
    w('bb_error_code bb_error_janus(bb_error_code code) {')
    w('\tconst bb_error_info *e = error_info(code);')
    w('\treturn e ? e->janus : BB_E_INTERNAL;')
    w('}')
    w('')
    for lst in lists:
        ln = lst['name']
        w(f'const char *const bb_{ln}_names[BB_{cname(ln)}_N] = {{')
        for v in lst['values']:
            w(f'\t{c_string(v["name"])},')
        w('};')
    w('')
    w('int bb_proto_lookup(const char *const *names, int n, const char *name) {')
    w('\tfor(int i = 0; name && i < n; i++)')
    w('\t\tif(strcmp(names[i], name) == 0)')
    w('\t\t\treturn i;')
    w('\treturn -1;')
    w('}')
    w('')
    states = [v['name'] for v in next(l for l in lists if l['name'] == 'ticket_state')['values']]
    tevents = next(l for l in lists if l['name'] == 'ticket_event')['values']
    w('const int bb_ticket_transitions[BB_TICKET_STATE_N][BB_TICKET_EVENT_N] = {')
    for s in states:
        row = []
        for ev in tevents:
            row.append(f'BB_TICKET_STATE_{cname(ev["to"])}' if s in ev['from'] else '-1')
        w(f'\t[BB_TICKET_STATE_{cname(s)}] = {{ {", ".join(row)} }},')
    w('};')
    finals = next(l for l in lists if l['name'] == 'ticket_state')['values']
    w('const unsigned char bb_ticket_state_final[BB_TICKET_STATE_N] = { '
      + ', '.join('1' if v.get('final') else '0' for v in finals) + ' };')
    w('')

    def fields_table(symbol, fields):
        w(f'static const bb_proto_field {symbol}[] = {{')
        for f in fields:
            t = f['type']
            limit = limits[f['limit']] if 'limit' in f else None
            values = f'bb_{f["list"]}_names' if t == 'enum' else 'NULL'
            n_values = f'BB_{cname(f["list"])}_N' if t == 'enum' else '0'
            w(f'\t{{ {c_string(f["name"])}, BB_FIELD_{cname(t)}, {int(bool(f.get("required")))}, '
              f'{int(bool(f.get("nonempty")))}, {int(bool(limit and limit.get("multiline")))}, '
              f'{limit["max"] if limit else 0}, {f.get("max_items", 0)}, {values}, {n_values}, '
              f'{f.get("min", 0)}LL, {f.get("max", 0)}LL }},')
        if not fields:
            w('\t{ NULL, BB_FIELD_TEXT, 0, 0, 0, 0, 0, NULL, 0, 0LL, 0LL },')
        w('};')

    for r in cat['janus-api']['requests']:
        fields_table(f'jreq_{r["name"]}_fields', r['fields'])
    w('')
    w('const bb_janus_request bb_janus_requests[BB_JREQ_N] = {')
    for r in cat['janus-api']['requests']:
        w(f'\t[BB_JREQ_{cname(r["name"])}] = {{ {c_string(r["name"])}, BB_AUDIENCE_{cname(r["role"])}, '
          f'BB_JSEP_{cname(r["jsep"])}, {int(r["queue"])}, jreq_{r["name"]}_fields, {len(r["fields"])}, '
          f'{c_string(r["answers"][0])} }},')
    w('};')
    w('')
    w('const bb_janus_request *bb_janus_request_find(const char *name, bb_janus_request_id *id) {')
    w('\tfor(int i = 0; name && i < BB_JREQ_N; i++) {')
    w('\t\tif(strcmp(bb_janus_requests[i].name, name) == 0) {')
    w('\t\t\tif(id)')
    w('\t\t\t\t*id = (bb_janus_request_id)i;')
    w('\t\t\treturn &bb_janus_requests[i];')
    w('\t\t}')
    w('\t}')
    w('\treturn NULL;')
    w('}')
    w('')
    for op in cat['internal-api']['ops']:
        fields_table(f'op_{op["name"]}_fields', op_fields(op))
    w('')
    w('const bb_internal_op bb_internal_ops[BB_OP_N] = {')
    for op in cat['internal-api']['ops']:
        w(f'\t[BB_OP_{cname(op["name"])}] = {{ {c_string(op["name"])}, {int(op["clerk"])}, '
          f'op_{op["name"]}_fields, {len(op_fields(op))} }},')
    w('};')
    w('')
    for b in cat['rest-api']['bodies']:
        fields_table(f'rest_{b["name"]}_fields', b['fields'])
    w('')
    w('const bb_rest_body bb_rest_bodies[BB_REST_N] = {')
    for b in cat['rest-api']['bodies']:
        w(f'\t[BB_REST_{cname(b["name"])}] = {{ {c_string(b["name"])}, {c_string(b["method"])}, '
          f'{c_string(b["path"])}, rest_{b["name"]}_fields, {len(b["fields"])} }},')
    w('};')
    w('')
    w('const bb_internal_op *bb_internal_op_find(const char *name, bb_op_id *id) {')
    w('\tfor(int i = 0; name && i < BB_OP_N; i++) {')
    w('\t\tif(strcmp(bb_internal_ops[i].name, name) == 0) {')
    w('\t\t\tif(id)')
    w('\t\t\t\t*id = (bb_op_id)i;')
    w('\t\t\treturn &bb_internal_ops[i];')
    w('\t\t}')
    w('\t}')
    w('\treturn NULL;')
    w('}')
    source = '\n'.join(c) + '\n'
    return header, source


# ---------------------------------------------------------------------------------------------
# JavaScript

def js_value(v):
    return json.dumps(v, ensure_ascii=False, indent=2)


def gen_js(cat):
    limits = {t['name']: t for t in cat['limits']['texts']}
    out = []
    w = out.append
    w('// protocol.js: the protocol catalogue (protocol/*.json) for the widget and the console: error')
    w('// codes, text limits in characters, value lists, Janus requests and events, and the text check')
    w('// every interface applies. Generated by protocol/generate.py; do not edit (a test fails when stale).')
    w('')
    errors = {e['name']: {'number': e['number'], 'http': e['http']}
              for e in sorted(cat['errors']['errors'], key=lambda e: e['number'])}
    w(f'export const ERRORS = Object.freeze({js_value(errors)});')
    w('')
    w('// Text limits in characters (Unicode code points).')
    w(f'export const LIMITS = Object.freeze({js_value({t["name"]: t["max"] for t in cat["limits"]["texts"]})});')
    w('// Sizes in bytes.')
    w(f'export const SIZES = Object.freeze({js_value({s["name"]: s["bytes"] for s in cat["limits"]["sizes"]})});')
    w('// Counts of items in one message.')
    w(f'export const COUNTS = Object.freeze({js_value({c["name"]: c["items"] for c in cat["limits"]["counts"]})});')
    multiline = sorted(t['name'] for t in cat['limits']['texts'] if t.get('multiline'))
    w(f'const MULTILINE = new Set({js_value(multiline)});')
    w('')
    lists = {lst['name']: [v['name'] for v in lst['values']] for lst in cat['values']['lists']}
    w(f'export const LISTS = Object.freeze({js_value(lists)});')
    w('')
    reqs = {}
    for r in cat['janus-api']['requests']:
        reqs[r['name']] = {
            'role': r['role'], 'jsep': r['jsep'], 'answers': r['answers'],
            'fields': {f['name']: ({'type': f['type'], 'limit': f['limit']} if 'limit' in f else
                                   {'type': f['type'], 'list': f['list']} if 'list' in f else
                                   {'type': f['type']}) for f in r['fields']},
        }
    w(f'export const REQUESTS = Object.freeze({js_value(reqs)});')
    bodies = {}
    for b in cat['rest-api']['bodies']:
        bodies[b['name']] = {
            'method': b['method'], 'path': b['path'],
            'fields': {f['name']: {k: f[k] for k in ('type', 'limit', 'list', 'min', 'max', 'max_items', 'required')
                                   if k in f} for f in b['fields']},
        }
    w(f'export const REST_BODIES = Object.freeze({js_value(bodies)});')
    w(f'export const EVENTS = Object.freeze({js_value({e["name"]: e["to"] for e in cat["janus-api"]["events"]})});')
    w('')
    w('// Number of characters as every server counts them: code points, not UTF-16 units.')
    w('export function charCount(text) {')
    w('  let n = 0;')
    w('  for (const _ of String(text)) n += 1; // eslint-disable-line no-unused-vars')
    w('  return n;')
    w('}')
    w('')
    w('// The servers\' rule for a text field, so the browser can say what is wrong before sending:')
    w('// null when fine, else {code: "too_large", max} or {code: "invalid_text"}. Control characters')
    w('// (C0, DEL, C1) are refused; line breaks and tabs only where the field is multi-line.')
    w('export function checkText(text, limit) {')
    w('  const max = LIMITS[limit];')
    w('  if (max === undefined) throw new Error(`unknown limit ${limit}`);')
    w('  const s = String(text);')
    w('  let n = 0;')
    w('  for (const ch of s) {')
    w('    const cp = ch.codePointAt(0);')
    w('    if (cp >= 0xd800 && cp <= 0xdfff) return { code: \'invalid_text\' };')
    w('    const allowedSpace = MULTILINE.has(limit) && (cp === 0x09 || cp === 0x0a || cp === 0x0d);')
    w('    if ((cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) && !allowedSpace) return { code: \'invalid_text\' };')
    w('    n += 1;')
    w('  }')
    w('  return n > max ? { code: \'too_large\', max } : null;')
    w('}')
    return '\n'.join(out) + '\n'


# ---------------------------------------------------------------------------------------------
# Docs

def md_escape(s):
    return s.replace('|', '\\|')


def field_doc(f, limits):
    t = f['type']
    if t == 'text':
        d = f'text ≤ {limits[f["limit"]]["max"]}'
    elif t == 'id':
        d = 'positive integer'
    elif t == 'enum':
        d = 'one of `' + f['list'] + '`'
    elif t == 'int':
        d = f'integer {f["min"]}…{f["max"]}'
    elif t == 'id_array':
        d = f'array of positive integers (≤ {f["max_items"]})'
    elif t == 'text_array':
        d = f'array of texts ≤ {limits[f["limit"]]["max"]} (≤ {f["max_items"]})'
    else:
        d = t
    name = f'`{f["name"]}`' + ('' if f.get('required') else '?')
    return f'{name} ({d})'


def doc_blocks(cat):
    """Named Markdown blocks; docs/protocol.md holds all of them, other docs embed some."""
    limits = {t['name']: t for t in cat['limits']['texts']}
    lists = cat['values']['lists']
    blocks = {}

    rows = ['| number | code | HTTP | where | meaning |', '|---|---|---|---|---|']
    for e in sorted(cat['errors']['errors'], key=lambda e: e['number']):
        where = ', '.join(e['scopes'])
        if 'janus' in e:
            where += f' (browsers get `{e["janus"]}`)'
        rows.append(f'| {e["number"]} | `{e["name"]}` | {e["http"]} | {where} | {md_escape(e["doc"])} |')
    blocks['errors'] = '\n'.join(rows)

    rows = ['| limit | characters | used for |', '|---|---|---|']
    for t in cat['limits']['texts']:
        ml = ' (line breaks allowed)' if t.get('multiline') else ''
        rows.append(f'| `{t["name"]}` | {t["max"]} | {md_escape(t["doc"])}{ml} |')
    rows += ['', '| size | bytes | of |', '|---|---|---|']
    for s in cat['limits']['sizes']:
        rows.append(f'| `{s["name"]}` | {s["bytes"]} | {md_escape(s["doc"])} |')
    rows += ['', '| count | items | of |', '|---|---|---|']
    for c in cat['limits']['counts']:
        rows.append(f'| `{c["name"]}` | {c["items"]} | {md_escape(c["doc"])} |')
    blocks['limits'] = '\n'.join(rows)

    out = []
    for lst in lists:
        if lst['name'] == 'ticket_event':
            continue
        head = f'- `{lst["name"]}`' + (f' — {lst["doc"]}' if lst.get('doc') else '') + ':'
        vals = []
        for v in lst['values']:
            s = f'`{v["name"]}`'
            if v.get('doc'):
                s += f' ({v["doc"]})'
            vals.append(s)
        out.append(head + ' ' + ', '.join(vals))
    blocks['lists'] = '\n'.join(out)

    rows = ['| event | from | to |', '|---|---|---|']
    for ev in next(l for l in lists if l['name'] == 'ticket_event')['values']:
        rows.append(f'| `{ev["name"]}` | {", ".join("`" + s + "`" for s in ev["from"])} | `{ev["to"]}` |')
    blocks['ticket-transitions'] = '\n'.join(rows)

    def request_rows(role_filter):
        rows = ['| request | who | fields | JSEP | answer | what it does |', '|---|---|---|---|---|---|']
        for r in cat['janus-api']['requests']:
            if r['role'] not in role_filter:
                continue
            fields = ', '.join(field_doc(f, limits) for f in r['fields']) or '—'
            jsep = {'none': '—', 'offer': 'offer', 'answer': 'answer'}[r['jsep']]
            answers = ' / '.join(f'`{a}`' for a in r['answers'])
            rows.append(f'| `{r["name"]}` | {r["role"]} | {fields} | {jsep} | {answers} | {md_escape(r["doc"])} |')
        return '\n'.join(rows)

    blocks['janus-requests-citizen'] = request_rows({'citizen', 'any'})
    blocks['janus-requests-clerk'] = request_rows({'clerk', 'any'})
    blocks['janus-requests'] = request_rows({'citizen', 'clerk', 'any'})

    def event_rows(to_filter):
        rows = ['| event | payload |', '|---|---|']
        for e in cat['janus-api']['events']:
            if e['to'] in to_filter:
                rows.append(f'| `{e["name"]}` | {md_escape(e["doc"])} |')
        return '\n'.join(rows)

    blocks['janus-events-citizen'] = event_rows({'citizen', 'both'})
    blocks['janus-events-clerk'] = event_rows({'clerk', 'both'})
    blocks['janus-events'] = event_rows({'citizen', 'clerk', 'both'})

    rows = ['| op | arguments | what it does |', '|---|---|---|']
    for op in cat['internal-api']['ops']:
        fields = ', '.join(field_doc(f, limits) for f in op_fields(op)) or '—'
        rows.append(f'| `{op["name"]}` | {fields} | {md_escape(op["doc"])} |')
    blocks['internal-ops'] = '\n'.join(rows)

    rows = ['| event | payload |', '|---|---|']
    for e in cat['internal-api']['events']:
        rows.append(f'| `{e["name"]}` | {md_escape(e["doc"])} |')
    blocks['internal-events'] = '\n'.join(rows)

    rows = ['| request | body fields | what it does |', '|---|---|---|']
    for b in cat['rest-api']['bodies']:
        fields = ', '.join(field_doc(f, limits) for f in b['fields'])
        rows.append(f'| `{b["method"]} {b["path"]}` | {fields} | {md_escape(b["doc"])} |')
    blocks['rest-bodies'] = '\n'.join(rows)
    return blocks


def gen_protocol_md(cat, blocks):
    parts = [
        '# Protocol catalogue',
        '',
        'Generated from `protocol/*.json` by `protocol/generate.py`; do not edit (a test fails when this',
        'file is stale). The same catalogue generates the C tables of the Janus plugin and the queue',
        'service and `web-client/widget/protocol.js`. Narrative and examples: [janus-api.md](janus-api.md),',
        '[internal-api.md](internal-api.md), [rest-api.md](rest-api.md).',
        '',
        '## Errors',
        'Every error of every interface. Janus API errors carry the number as `error_code` and the code as',
        '`error`; the internal API and REST carry the code as `error.code`; REST answers with the HTTP',
        'status. Clients show their own text for each code (widget and console: key `err.<code>` in every',
        'language), never the server\'s `message`.',
        '',
        blocks['errors'],
        '',
        '## Text limits',
        'Texts are counted in characters (Unicode code points), the same way by every server and by the',
        'browser. A text must be valid UTF-8 without control characters (U+0000–U+001F, U+007F–U+009F);',
        'line breaks and tabs are allowed only where noted. Over the limit → `too_large` with `field` and',
        '`max_chars`; invalid UTF-8 or a control character → `invalid_text` with `field`.',
        '',
        blocks['limits'],
        '',
        '## Value lists',
        blocks['lists'],
        '',
        '## Ticket transitions',
        'One transition function in the queue service and a trigger in the database check these.',
        '',
        blocks['ticket-transitions'],
        '',
        '## Janus API requests',
        blocks['janus-requests'],
        '',
        '## Janus API events',
        blocks['janus-events'],
        '',
        '## Internal API ops',
        blocks['internal-ops'],
        '',
        '## Internal API events',
        blocks['internal-events'],
        '',
        '## REST request bodies',
        'JSON bodies are checked against these fields before anything else (`?` = optional).',
        '',
        blocks['rest-bodies'],
        '',
    ]
    return '\n'.join(parts)


BLOCK_RE = re.compile(r'(<!-- protocol:([a-z-]+) -->\n)(.*?)(<!-- /protocol:\2 -->)', re.S)


def fill_blocks(text, blocks, path):
    def repl(m):
        name = m.group(2)
        if name not in blocks:
            raise CatalogueError(f'{path}: unknown generated block {name}')
        return m.group(1) + blocks[name] + '\n' + m.group(4)
    return BLOCK_RE.sub(repl, text)


def source_outputs(cat):
    """{path: content} of every generated file kept in the source tree."""
    blocks = doc_blocks(cat)
    outputs = {JS_OUT: gen_js(cat), DOC_OUT: gen_protocol_md(cat, blocks)}
    for name in sorted(os.listdir(DOCS_DIR)):
        path = os.path.join(DOCS_DIR, name)
        if not name.endswith('.md') or path == DOC_OUT:
            continue
        with open(path, encoding='utf-8') as f:
            text = f.read()
        if '<!-- protocol:' in text:
            outputs[path] = fill_blocks(text, blocks, path)
    return outputs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--c-header')
    ap.add_argument('--c-source')
    ap.add_argument('--write', action='store_true')
    ap.add_argument('--check', action='store_true')
    args = ap.parse_args()
    try:
        cat = load()
        check(cat)
    except (CatalogueError, KeyError, ValueError) as e:
        print(f'protocol catalogue: {e}', file=sys.stderr)
        return 1
    if args.c_header or args.c_source:
        header, source = gen_c(cat)
        for path, content in ((args.c_header, header), (args.c_source, source)):
            if path:
                with open(path, 'w', encoding='utf-8') as f:
                    f.write(content)
    if args.write or args.check:
        try:
            outputs = source_outputs(cat)
        except CatalogueError as e:
            print(f'protocol catalogue: {e}', file=sys.stderr)
            return 1
        stale = []
        for path, content in outputs.items():
            try:
                with open(path, encoding='utf-8') as f:
                    current = f.read()
            except FileNotFoundError:
                current = None
            if current != content:
                stale.append(os.path.relpath(path, ROOT))
                if args.write:
                    with open(path, 'w', encoding='utf-8') as f:
                        f.write(content)
        if args.check and stale:
            for s in stale:
                print(f'stale: {s} (run protocol/generate.py --write)', file=sys.stderr)
            return 1
        if args.write:
            for s in stale:
                print(f'wrote {s}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
