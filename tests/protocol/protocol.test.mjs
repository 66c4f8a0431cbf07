// protocol.test.mjs: the browser's copy of the text rule (web-client/widget/protocol.js) against
// protocol/text-cases.json, the same cases the C rule is tested against (test_text.c).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const root = process.env.BB_SOURCE_ROOT || path.resolve(import.meta.dirname, '../..');
const { checkText, charCount, LIMITS } = await import(path.join(root, 'web-client/widget/protocol.js'));
const { cases } = JSON.parse(fs.readFileSync(path.join(root, 'protocol/text-cases.json'), 'utf8'));

test('checkText agrees with the C rule on every shared case', () => {
  assert.ok(cases.length > 10);
  for (const c of cases) {
    const r = checkText(c.text, c.limit);
    assert.equal(r ? r.code : 'ok', c.expect, c.doc);
    if (r && r.code === 'too_large') assert.equal(r.max, LIMITS[c.limit], c.doc);
  }
});

test('characters are code points, not UTF-16 units', () => {
  assert.equal(charCount('😀😀'), 2);
  assert.equal('😀😀'.length, 4);
  assert.equal(charCount('Çağrı'), 5);
  assert.equal(checkText('\ud800', 'ticket_name').code, 'invalid_text');
});
