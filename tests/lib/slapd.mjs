// slapd.mjs: a private OpenLDAP server for tests: Debian's /usr/sbin/slapd with a generated
// slapd.conf (mdb backend, modules from /usr/lib/ldap) in a fresh temp dir, loaded with slapadd,
// listening on 127.0.0.1:<free port> only, its operation log (BIND, SRCH ...) kept for the test.
// As root it drops to the `openldap` user once listening (slapd -u/-g); never a system service.
// With `tls` it also gets a certificate for 127.0.0.1 from a CA made here (ca.pem), offers
// StartTLS on ldap:// and listens on ldaps:// on a second port.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './pg.mjs';

const SLAPD = process.env.BB_SLAPD_BIN || '/usr/sbin/slapd';
const SLAPADD = process.env.BB_SLAPADD_BIN || '/usr/sbin/slapadd';
const LDAPMODIFY = process.env.BB_LDAPMODIFY_BIN || '/usr/bin/ldapmodify';
const MODULES = '/usr/lib/ldap';
const SCHEMA = '/etc/ldap/schema';
const isRoot = process.getuid && process.getuid() === 0;
const servers = new Set();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A throw-away CA and a certificate for 127.0.0.1 signed by it, in dir (openssl). */
function makeCerts(dir) {
  const ssl = (...args) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=bb-test-directory-ca');
  ssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  fs.writeFileSync(path.join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext');
  return { ca: path.join(dir, 'ca.pem'), cert: path.join(dir, 'server.pem'), key: path.join(dir, 'server.key') };
}

function need(file, pkg) {
  if (!fs.existsSync(file)) throw new Error(`${file} missing: install ${pkg} (scripts/install-deps)`);
}

/** Resolves when a TCP connection to host:port succeeds. */
function canConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

export class Slapd {
  /** suffix: the tree's root; rootPw: password of cn=admin,<suffix> (test data only). */
  constructor({ suffix = 'dc=landkreis,dc=test', rootPw = 'root-secret-for-tests' } = {}) {
    this.suffix = suffix;
    this.rootDn = `cn=admin,${suffix}`;
    this.rootPw = rootPw;
    this.log = '';
    this.proc = null;
  }

  /** Writes slapd.conf, loads `ldif` (the entries below the suffix; the suffix entry itself is
   * added here) and starts the server; resolves once it accepts connections. `acl` lines go
   * before the database's defaults. */
  async start(ldif, { acl = [], tls = false } = {}) {
    need(SLAPD, 'slapd');
    need(SLAPADD, 'slapd');
    need(path.join(MODULES, 'back_mdb.so'), 'slapd');
    this.base = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-slapd-'));
    this.data = path.join(this.base, 'data');
    this.conf = path.join(this.base, 'slapd.conf');
    fs.mkdirSync(this.data);
    const dc = this.suffix.split(',')[0].split('=')[1];
    this.tls = tls ? makeCerts(this.base) : null;
    fs.writeFileSync(this.conf, [
      ...(this.tls ? [`TLSCACertificateFile ${this.tls.ca}`, `TLSCertificateFile ${this.tls.cert}`,
        `TLSCertificateKeyFile ${this.tls.key}`] : []),
      ...['core', 'cosine', 'inetorgperson', 'nis'].map((s) => `include ${SCHEMA}/${s}.schema`),
      `modulepath ${MODULES}`, 'moduleload back_mdb',
      `pidfile ${this.base}/slapd.pid`, `argsfile ${this.base}/slapd.args`,
      'database mdb', 'maxsize 10485760', `suffix "${this.suffix}"`,
      `rootdn "${this.rootDn}"`, `rootpw ${this.rootPw}`, `directory ${this.data}`,
      ...acl, '',
    ].join('\n'));
    const all = `dn: ${this.suffix}\nobjectClass: dcObject\nobjectClass: organization\ndc: ${dc}\no: ${dc}\n\n${ldif}`;
    const ldifFile = path.join(this.base, 'init.ldif');
    fs.writeFileSync(ldifFile, all);
    const r = spawnSync(SLAPADD, ['-f', this.conf, '-l', ldifFile], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`slapadd failed (${r.status}): ${r.stderr}`);
    if (isRoot) {
      fs.chmodSync(this.base, 0o755);
      execFileSync('chown', ['-R', 'openldap:openldap', this.base]);
    }
    servers.add(this);
    if (!this.port) this.port = await freePort();
    this.url = `ldap://127.0.0.1:${this.port}`;
    if (this.tls && !this.ldapsPort) this.ldapsPort = await freePort();
    if (this.tls) this.ldapsUrl = `ldaps://127.0.0.1:${this.ldapsPort}`;
    await this.run();
    return this;
  }

  /** Starts the server process (again, after stop()) on the same port and data. */
  async run() {
    const listen = this.tls ? `${this.url}/ ${this.ldapsUrl}/` : `${this.url}/`;
    const args = ['-f', this.conf, '-h', listen, '-d', '256'];   // 256 = stats: one line per operation
    if (isRoot) args.push('-u', 'openldap', '-g', 'openldap');
    this.proc = spawn(SLAPD, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const proc = this.proc;
    this.exited = new Promise((resolve) => proc.on('exit', (code, sig) => resolve({ code, sig })));
    const collect = (d) => { this.log += d.toString(); };
    proc.stdout.on('data', collect);
    proc.stderr.on('data', collect);
    const until = Date.now() + 15000;
    while (!(await canConnect(this.port))) {
      if (proc.exitCode !== null) throw new Error(`slapd exited (${proc.exitCode}): ${this.log}`);
      if (Date.now() > until) throw new Error(`slapd did not listen in time: ${this.log}`);
      await sleep(50);
    }
  }

  /** Applies an LDIF of changes (ldapmodify as the root DN). */
  modify(ldif) {
    need(LDAPMODIFY, 'ldap-utils');
    const r = spawnSync(LDAPMODIFY, ['-x', '-H', this.url, '-D', this.rootDn, '-w', this.rootPw],
      { input: ldif, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ldapmodify failed (${r.status}): ${r.stderr}`);
  }

  /** Freezes the server (SIGSTOP): connections are still accepted by the kernel, nothing answers. */
  pause() { this.proc.kill('SIGSTOP'); this.paused = true; }

  resume() { this.proc.kill('SIGCONT'); this.paused = false; }

  /** Stops the server process; data and port stay for run(). */
  async stop() {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode) return;
    if (this.paused) this.resume();
    this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(t);
  }

  /** Stops the server and removes its files. */
  async destroy() {
    await this.stop();
    if (this.base) fs.rmSync(this.base, { recursive: true, force: true });
    servers.delete(this);
    this.base = null;
  }
}

process.on('exit', () => {
  for (const s of servers) {
    try {
      if (s.proc && s.proc.exitCode === null) s.proc.kill('SIGKILL');
      if (s.base) fs.rmSync(s.base, { recursive: true, force: true });
    } catch { /* best effort at exit */ }
  }
});
