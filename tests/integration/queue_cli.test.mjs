// queue_cli.test.mjs: operator CLI against a real PostgreSQL: migrate is idempotent and refuses a
// changed migration, offices and clerks are managed with clear errors, passwords come from stdin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPg } from '../lib/pg.mjs';
import { cli, QueueService } from '../lib/queue.mjs';

const sourceRoot = process.env.BB_SOURCE_ROOT || path.resolve(import.meta.dirname, '../..');
let pg, url, sqlCopy;

before(async () => {
  ({ pg, url } = await startPg());
  sqlCopy = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-sql-'));
  fs.cpSync(path.join(sourceRoot, 'sql'), sqlCopy, { recursive: true });
});

after(() => {
  pg?.destroy();
  if (sqlCopy) fs.rmSync(sqlCopy, { recursive: true, force: true });
});

test('migrate applies everything once, then is idempotent', () => {
  const first = cli(url, ['migrate'], { env: { BB_SQL_DIR: sqlCopy } });
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /applied \d+ migration/);
  const second = cli(url, ['migrate'], { env: { BB_SQL_DIR: sqlCopy } });
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stdout, /schema up to date/);
  const ledger = pg.psql('SELECT version, length(checksum) FROM schema_migrations ORDER BY version', 'bb');
  assert.match(ledger, /^1\|64$/m);
});

test('migrate refuses a migration changed after it was applied', () => {
  const file = path.join(sqlCopy, 'migrations', '001_queue.sql');
  fs.appendFileSync(file, '\n-- edited after merge\n');
  const r = cli(url, ['migrate'], { env: { BB_SQL_DIR: sqlCopy } });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /001_queue was changed after it was applied/);
});

test('office add, edit, list and their errors', () => {
  let r = cli(url, ['office', 'add', '--id', 'kfz', '--name-de', 'Kfz-Zulassungsstelle', '--name-en', 'Vehicle registration',
    '--prefix', 'KFZ', '--hours', 'mon-fri 08:00-12:00,13:00-16:00; sat 09:00-12:00', '--closed', '2026-12-24']);
  assert.equal(r.status, 0, r.stderr);
  r = cli(url, ['office', 'add', '--id', 'kfz', '--name-de', 'x', '--name-en', 'y', '--prefix', 'K']);
  assert.equal(r.status, 1, 'duplicate id');
  r = cli(url, ['office', 'add', '--id', 'bad', '--name-de', 'x', '--name-en', 'y', '--prefix', 'B', '--hours', 'monday 8-12']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad --hours: hours: expected/);
  r = cli(url, ['office', 'add', '--id', 'x']);
  assert.equal(r.status, 2);
  r = cli(url, ['office', 'edit', '--id', 'kfz', '--capacity', '12', '--name-en', 'Vehicles']);
  assert.equal(r.status, 0, r.stderr);
  r = cli(url, ['office', 'edit', '--id', 'nope', '--capacity', '3']);
  assert.equal(r.status, 1);
  r = cli(url, ['office', 'list']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /kfz\s+KFZ\s+12\s+Europe\/Berlin\s+Kfz-Zulassungsstelle\s+mon 08:00-12:00, mon 13:00-16:00/);
  assert.equal(pg.psql("SELECT count(*) FROM office_hours WHERE office_id = 'kfz'", 'bb'), '11');
  assert.equal(pg.psql("SELECT day FROM office_day WHERE office_id = 'kfz'", 'bb'), '2026-12-24');
});

test('clerk add reads the password from stdin; passwd, list, disable', async () => {
  let r = cli(url, ['clerk', 'add', 'mueller', '--name', 'Frau Müller', '--offices', 'kfz'], { input: 'geheim-passwort\n' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(pg.psql("SELECT password_hash LIKE '$argon2id$%' FROM clerk WHERE login = 'mueller'", 'bb'), 't');
  r = cli(url, ['clerk', 'add', 'kurz', '--name', 'K'], { input: 'short\n' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /8 to 256 characters/);
  r = cli(url, ['clerk', 'add', 'pw', '--name', 'P', '--password', 'x'], { input: 'geheim-passwort\n' });
  assert.equal(r.status, 2, 'no password option on the command line');
  r = cli(url, ['clerk', 'add', 'mueller', '--name', 'Again'], { input: 'geheim-passwort\n' });
  assert.equal(r.status, 1, 'duplicate login');
  r = cli(url, ['clerk', 'add', 'x', '--name', 'X', '--offices', 'nope'], { input: 'geheim-passwort\n' });
  assert.equal(r.status, 1, 'unknown office');
  r = cli(url, ['clerk', 'list']);
  assert.match(r.stdout, /mueller\s+clerk\s+active\s+offline\s+kfz\s+Frau Müller/);

  // the password works for login; passwd changes it; disable ends it
  const svc = await new QueueService(url, { BB_SQL_DIR: path.join(sourceRoot, 'sql') }).start();
  try {
    const ok = await svc.http('POST', '/api/v1/clerk/login', { body: { login: 'mueller', password: 'geheim-passwort' } });
    assert.equal(ok.status, 200);
    r = cli(url, ['clerk', 'passwd', 'mueller'], { input: 'neues-passwort\n' });
    assert.equal(r.status, 0, r.stderr);
    const me = await svc.http('GET', '/api/v1/clerk/me', { headers: { authorization: `Bearer ${ok.body.token}` } });
    assert.equal(me.status, 401, 'a new password ends old sessions');
    const old = await svc.http('POST', '/api/v1/clerk/login', { body: { login: 'mueller', password: 'geheim-passwort' } });
    assert.equal(old.status, 401);
    const neu = await svc.http('POST', '/api/v1/clerk/login', { body: { login: 'mueller', password: 'neues-passwort' } });
    assert.equal(neu.status, 200);
    r = cli(url, ['clerk', 'disable', 'mueller']);
    assert.equal(r.status, 0);
    const gone = await svc.http('POST', '/api/v1/clerk/login', { body: { login: 'mueller', password: 'neues-passwort' } });
    assert.equal(gone.status, 401);
    assert.doesNotMatch(svc.log, /geheim-passwort|neues-passwort/, 'passwords never logged');
  } finally {
    await svc.stop();
  }
  r = cli(url, ['clerk', 'disable', 'nobody']);
  assert.equal(r.status, 1);
});

test('serve refuses to start without an internal secret; bad config is a usage error', () => {
  let r = cli(url, ['serve'], { env: { BB_INTERNAL_SECRET: '' } });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /internal_secret/);
  r = cli(url, ['migrate'], { env: { BB_HTTP_PORT: 'eighty' } });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /http_port/);
  const conf = path.join(sqlCopy, 'bad.conf');
  fs.writeFileSync(conf, 'no_such_key = 1\n');
  r = cli(url, ['--config', conf, 'migrate']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown key 'no_such_key'/);
  r = cli(url, ['--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /BB_INTERNAL_SECRET/);
  r = cli(url, ['frobnicate']);
  assert.equal(r.status, 2);
});

test('config file: old files without a group header and GLib key files with one both work', () => {
  // The committed sample is what `config-sample` prints (regenerate it after changing a key).
  const sample = fs.readFileSync(path.join(sourceRoot, 'queue-service/buergerbuero-queue.conf.sample'), 'utf8');
  let r = cli(url, ['config-sample']);
  assert.equal(r.status, 0);
  assert.equal(r.stdout, sample, 'queue-service/buergerbuero-queue.conf.sample is stale: regenerate with config-sample');
  // The database URL comes from the file only: `office list` works only if the file was read.
  const noEnv = { BB_DATABASE_URL: undefined };
  const old = path.join(sqlCopy, 'old.conf');
  fs.writeFileSync(old, `# written before the group header\ndatabase_url = "${url}"\nlog_level = warn\n`);
  r = cli(url, ['--config', old, 'office', 'list'], { env: noEnv });
  assert.equal(r.status, 0, r.stderr);
  const grouped = path.join(sqlCopy, 'grouped.conf');
  fs.writeFileSync(grouped, `[buergerbuero-queue]\n# comment\ndatabase_url = ${url}\n`);
  r = cli(url, ['--config', grouped, 'office', 'list'], { env: noEnv });
  assert.equal(r.status, 0, r.stderr);
  fs.writeFileSync(grouped, `[buergerbuero-queue]\ndatabase_url = postgresql:///nowhere\n`);
  r = cli(url, ['--config', grouped, 'office', 'list'], { env: noEnv });
  assert.equal(r.status, 1, 'the file\'s URL is the one used');
  fs.writeFileSync(grouped, `[buergerbuero-queue]\ndatabase_url = ${url}\n[extra]\nx = 1\n`);
  r = cli(url, ['--config', grouped, 'office', 'list'], { env: noEnv });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown group \[extra\]/);
});
