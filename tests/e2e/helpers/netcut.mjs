// Cuts one browser's connectivity to Janus inside the test's network namespace (tests/lib/netns-run).
//
// What carries the traffic there: every process of the test (Janus, queue service, each Chromium)
// lives in the one namespace, and Janus's only ICE address is the veth address 10.77.0.1, which
// the browsers' host candidates use too; so media goes from 10.77.0.1 to 10.77.0.1 over `lo`, and
// signalling goes over `lo` to 127.0.0.1 as well. Taking an interface down would cut every party
// at once. What tells one browser's packets apart are ports: Janus gives each handle's
// PeerConnection its own UDP port (the remote end of that browser's selected candidate pair), and
// each browser has its own TCP connection to Janus's WebSocket port (found through the browser's
// processes). nftables drops exactly those, on the input hook, so senders see loss, not errors
// (a drop on output would make send() fail with EPERM).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let tables = 0;

// Why a failure and not a skip: these tests are the only proof of the fault handling; a machine
// without the tools (nftables, iproute2's ss; scripts/install-deps installs them) must say so.
export function requireNetcutTools() {
  for (const tool of ['nft', 'ss']) {
    try {
      execFileSync(tool, ['--version'], { stdio: 'ignore' });
    } catch {
      throw new Error(`netcut: \`${tool}\` is missing (Debian: ${tool === 'nft' ? 'nftables' : 'iproute2'}; scripts/install-deps)`);
    }
  }
}

// The UDP port Janus uses for this page's live PeerConnection (remote end of the selected pair).
export async function janusMediaPort(page) {
  return page.evaluate(async () => {
    const pc = (window.__bbPcs || []).filter((p) => p.connectionState !== 'closed').pop();
    if (!pc) return null;
    const stats = await pc.getStats();
    let pair = null;
    stats.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
    });
    const remote = pair && stats.get(pair.remoteCandidateId);
    return remote ? remote.port : null;
  });
}

function ppidOf(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

// Every process of the Chromium whose command line holds `marker` (its fake camera file), with
// its children (the network service owns the sockets).
function browserPids(marker) {
  const all = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  const roots = all.filter((pid) => {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return cmd.includes(`--use-file-for-fake-video-capture=${marker}`) && !cmd.some((a) => a.startsWith('--type='));
    } catch {
      return false;
    }
  });
  const pids = new Set(roots);
  for (let grew = true; grew;) {
    grew = false;
    for (const pid of all) {
      if (!pids.has(pid) && pids.has(ppidOf(pid))) { pids.add(pid); grew = true; }
    }
  }
  return pids;
}

// Local ports of the party's TCP connections to Janus's WebSocket port.
export function signallingPorts(party, janusWsPort) {
  const pids = browserPids(party.clip);
  const out = execFileSync('ss', ['-Htnp', 'state', 'established', `( dport = :${janusWsPort} )`], { encoding: 'utf8' });
  const ports = [];
  for (const line of out.split('\n')) {
    const pid = /pid=(\d+)/.exec(line);
    const local = /\s\S+:(\d+)\s+\S+:\d+\s/.exec(line);
    if (pid && local && pids.has(Number(pid[1]))) ports.push(Number(local[1]));
  }
  return ports;
}

/**
 * Drops packets until restore() is called:
 *   udpPorts: every UDP packet from or to these ports (a PeerConnection's Janus port)
 *   tcpPorts: every TCP segment from or to these ports (a browser's WebSocket to Janus)
 *   rtpTo:    only RTP/RTCP (first two bits 10) sent to these UDP ports; STUN and DTLS pass, so
 *             ICE stays connected while the media does not arrive
 */
export function cut({ udpPorts = [], tcpPorts = [], rtpTo = [] }) {
  tables += 1;
  const table = `bbcut${process.pid}_${tables}`;
  const set = (ports) => `{ ${ports.join(', ')} }`;
  const rules = [];
  if (udpPorts.length) rules.push(`udp sport ${set(udpPorts)} drop`, `udp dport ${set(udpPorts)} drop`);
  if (tcpPorts.length) rules.push(`tcp sport ${set(tcpPorts)} drop`, `tcp dport ${set(tcpPorts)} drop`);
  if (rtpTo.length) rules.push(`udp dport ${set(rtpTo)} @th,64,2 2 drop`);
  if (!rules.length) throw new Error('cut: nothing to cut');
  execFileSync('nft', ['-f', '-'], {
    input: `table inet ${table} {\n chain in {\n  type filter hook input priority 0; policy accept;\n  ${rules.join('\n  ')}\n }\n}\n`
  });
  let restored = false;
  return function restore() {
    if (restored) return;
    restored = true;
    execFileSync('nft', ['delete', 'table', 'inet', table]);
  };
}
