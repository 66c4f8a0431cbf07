// pg.mjs: a private PostgreSQL cluster for tests (initdb in a fresh temp dir, loopback only,
// private socket folder, fsync off). As root the server runs as the `postgres` user.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const PG_BIN = process.env.BB_PG_BIN || '/usr/lib/postgresql/15/bin';
const isRoot = process.getuid && process.getuid() === 0;
const clusters = new Set();

/** A free TCP port on 127.0.0.1 (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function bin(name) {
  const p = path.join(PG_BIN, name);
  if (!fs.existsSync(p)) {
    throw new Error(`PostgreSQL binary ${p} missing: install postgresql-15 (scripts/install-deps)`);
  }
  return p;
}

// Runs a PostgreSQL tool, as the postgres user when we are root (initdb refuses root).
function run(name, args, opts = {}) {
  const cmd = isRoot ? 'runuser' : bin(name);
  const argv = isRoot ? ['-u', 'postgres', '--', bin(name), ...args] : args;
  const r = spawnSync(cmd, argv, { encoding: 'utf8', ...opts });
  if (r.status !== 0 && !opts.allowFail) {
    throw new Error(`${name} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  }
  return r;
}

export class PgCluster {
  constructor() {
    this.dir = null;
    this.port = 0;
    this.user = 'postgres';
  }

  /** initdb + start; returns this. */
  async start() {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-pg-'));
    this.base = base;
    this.dir = path.join(base, 'data');
    this.sock = path.join(base, 'sock');
    this.log = path.join(base, 'pg.log');
    fs.mkdirSync(this.sock);
    if (isRoot) {
      fs.chmodSync(base, 0o755);
      execFileSync('chown', ['-R', 'postgres:postgres', base]);
    }
    run('initdb', ['-D', this.dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '-N']);
    this.port = await freePort();
    fs.appendFileSync(path.join(this.dir, 'postgresql.conf'), [
      `listen_addresses = '127.0.0.1'`, `port = ${this.port}`, `unix_socket_directories = '${this.sock}'`,
      'fsync = off', 'synchronous_commit = off', 'full_page_writes = off', 'max_connections = 200',
      `timezone = 'UTC'`, '',
    ].join('\n'));
    clusters.add(this);
    this.pgStart();
    return this;
  }

  pgStart() {
    run('pg_ctl', ['-D', this.dir, '-l', this.log, '-w', '-t', '60', 'start']);
  }

  /** Fast shutdown (clients are disconnected). */
  pgStop() {
    run('pg_ctl', ['-D', this.dir, '-m', 'fast', '-w', 'stop'], { allowFail: true });
  }

  /** Immediate shutdown: like a crash. */
  pgKill() {
    run('pg_ctl', ['-D', this.dir, '-m', 'immediate', '-w', 'stop'], { allowFail: true });
  }

  /** Makes the server wait for `standbyName` at every commit (synchronous replication): a
   * transaction the client saw committed is then on the standby as well. */
  syncReplicationTo(standbyName) {
    fs.appendFileSync(path.join(this.dir, 'postgresql.conf'),
      `synchronous_commit = on\nsynchronous_standby_names = '${standbyName}'\n`);
    run('pg_ctl', ['-D', this.dir, 'reload']);
  }

  /** A streaming standby of this cluster (pg_basebackup -R into its own data dir, own port and
   * socket folder), started; it names itself `name` to the primary. Returns the new PgCluster. */
  async startStandby(name = 'standby1') {
    const s = new PgCluster();
    s.base = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-pg-standby-'));
    s.dir = path.join(s.base, 'data');
    s.sock = path.join(s.base, 'sock');
    s.log = path.join(s.base, 'pg.log');
    fs.mkdirSync(s.sock);
    if (isRoot) {
      fs.chmodSync(s.base, 0o755);
      execFileSync('chown', ['-R', 'postgres:postgres', s.base]);
    }
    run('pg_basebackup', ['-D', s.dir, '-R', '-X', 'stream', '-c', 'fast', '-d',
      `host=127.0.0.1 port=${this.port} user=postgres`]);
    s.port = await freePort();
    // Later lines win: own port and socket; not waiting for a standby of its own once promoted;
    // the walreceiver's application_name is what synchronous_standby_names names.
    fs.appendFileSync(path.join(s.dir, 'postgresql.conf'), [
      `port = ${s.port}`, `unix_socket_directories = '${s.sock}'`, `synchronous_standby_names = ''`, '',
    ].join('\n'));
    fs.appendFileSync(path.join(s.dir, 'postgresql.auto.conf'),
      `primary_conninfo = 'host=127.0.0.1 port=${this.port} user=postgres application_name=${name}'\n`);
    clusters.add(s);
    s.pgStart();
    return s;
  }

  /** pg_ctl promote; resolves when the standby accepts writes (the caller's load keeps running). */
  promote() {
    const cmd = isRoot ? 'runuser' : bin('pg_ctl');
    const args = ['-D', this.dir, '-w', '-t', '60', 'promote'];
    const argv = isRoot ? ['-u', 'postgres', '--', bin('pg_ctl'), ...args] : args;
    return new Promise((resolve, reject) => {
      execFile(cmd, argv, { encoding: 'utf8' }, (err, stdout, stderr) =>
        (err ? reject(new Error(`pg_ctl promote failed: ${stderr || stdout}`)) : resolve()));
    });
  }

  url(db = 'postgres') {
    return `postgresql://postgres@127.0.0.1:${this.port}/${db}`;
  }

  /** Runs SQL through psql; returns stdout (tuples only, unaligned, `|` separated). */
  psql(sql, db = 'postgres') {
    const r = spawnSync(bin('psql'), ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-d', this.url(db), '-c', sql],
      { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
    return r.stdout.trim();
  }

  /** Like psql, without blocking this process's event loop (for SQL that runs a while). */
  psqlAsync(sql, db = 'postgres') {
    return new Promise((resolve, reject) => {
      execFile(bin('psql'), ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-d', this.url(db), '-c', sql],
        { encoding: 'utf8' }, (err, stdout, stderr) => (err ? reject(new Error(`psql failed: ${stderr}`)) : resolve(stdout.trim())));
    });
  }

  /** Creates a database and returns its URL. */
  createDb(name) {
    this.psql(`CREATE DATABASE ${name}`);
    return this.url(name);
  }

  destroy() {
    if (!this.dir) return;
    this.pgKill();
    fs.rmSync(this.base, { recursive: true, force: true });
    clusters.delete(this);
    this.dir = null;
  }
}

/** Starts a cluster with one database `bb`; returns { pg, url }. */
export async function startPg() {
  const pg = await new PgCluster().start();
  const url = pg.createDb('bb');
  return { pg, url };
}

process.on('exit', () => {
  for (const c of clusters) {
    try { c.destroy(); } catch { /* best effort at exit */ }
  }
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => process.exit(130));
}
