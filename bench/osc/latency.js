// SPDX-License-Identifier: GPL-3.0-or-later
//
// OSC latency (issue 16): a change set by one OSC peer, until another registered
// peer has its feedback, against the same change set and seen through scarlettd's
// socket by two JSON-RPC clients: p50 and p99 over N back-to-back changes (the next
// is sent when the last one's feedback arrived), both through the same Node loop.
//
// Run (bench/osc/run.sh does): SCARLETTD_BUILD=build N=2000 node latency.js
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const osc = require('osc');

const BUILD = process.env.SCARLETTD_BUILD;
const N = Number(process.env.N || 2000);
const MODEL = 'scarlett-gen3-18i20';
const CONTROL = 'Mix A Input 01 Playback Volume';
const ADDRESS = '/mix/A/input/1';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(s.length * q))];
  return { n: s.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s[s.length - 1] };
}

/** A newline-delimited JSON-RPC connection. */
function rpc(socketPath, onNotification) {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    const pending = new Map();
    let buffer = '';
    let id = 0;
    socket.setEncoding('utf8');
    socket.setNoDelay?.(true);
    socket.on('data', (chunk) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf('\n')) >= 0) {
        const message = JSON.parse(buffer.slice(0, end));
        buffer = buffer.slice(end + 1);
        if (message.id !== undefined && pending.has(message.id)) {
          pending.get(message.id)(message);
          pending.delete(message.id);
        } else if (message.method) {
          onNotification?.(message);
        }
      }
    });
    socket.once('error', reject);
    socket.once('connect', () => resolve({
      call(method, params) {
        return new Promise((r) => {
          pending.set(++id, r);
          socket.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n');
        });
      },
      send(method, params) {
        socket.write(JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }) + '\n');
      },
      close() { socket.destroy(); },
    }));
  });
}

function udpPeer(port, onMessage) {
  return new Promise((resolve) => {
    const p = new osc.UDPPort({ localAddress: '127.0.0.1', localPort: 0, remoteAddress: '127.0.0.1', remotePort: port, metadata: true });
    p.on('message', onMessage);
    p.once('ready', () => resolve(p));
    p.open();
  });
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'scarlett-osc-bench-'));
  for (const d of ['run', 'sim']) fs.mkdirSync(path.join(work, d), { mode: 0o700 });
  const env = {
    ...process.env, XDG_RUNTIME_DIR: path.join(work, 'run'), XDG_CONFIG_HOME: path.join(work, 'config'),
    SCARLETT_SIM_DIR: path.join(work, 'sim'), HOME: work,
    ALSA_CONFIG_PATH: `/usr/share/alsa/alsa.conf:${path.join(BUILD, 'sim/plugin/scarlett-sim.conf')}`,
  };
  delete env.SCARLETTD_SOCKET_DIR;
  const socketPath = path.join(work, 'run/scarlettd/control.sock');
  const daemon = spawn(path.join(BUILD, 'daemon/scarlettd'), ['-q', '--simulate', MODEL], { env, stdio: 'ignore' });
  let bridge;
  try {
    for (let k = 0; k < 150 && !fs.existsSync(socketPath); ++k) await sleep(100);
    await sleep(500);
    // Back to back is thousands of messages a second: over the default per-peer rate.
    bridge = spawn(path.join(BUILD, 'bridges/osc/scarlett-osc'), ['--listen', '127.0.0.1:0', '--rate', '100000'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    bridge.stderr.setEncoding('utf8');
    bridge.stderr.on('data', (chunk) => { log += chunk; });
    let port = 0;
    for (let k = 0; k < 100 && !(port && log.includes('connected to scarlettd')); ++k) {
      await sleep(100);
      port = Number((log.match(/listening on 127\.0\.0\.1:(\d+)/) || [])[1] || 0);
    }
    await sleep(300);

    // Values that alternate, so that every set is a change (dB, within the range).
    const db = (k) => (k % 2 ? -10 : -20) - (k % 7);

    // OSC: peer A sets, peer B (registered) has the feedback.
    let waiting = null;
    const sender = await udpPeer(port, () => {});
    const listener = await udpPeer(port, (m) => {
      if (m.address === ADDRESS && waiting) waiting(process.hrtime.bigint());
    });
    listener.send({ address: '/subscribe', args: [{ type: 's', value: ADDRESS }] });
    await sleep(200);
    const oscTimes = [];
    for (let k = 0; k < N + 50; ++k) {
      const arrived = new Promise((r) => { waiting = r; });
      const start = process.hrtime.bigint();
      sender.send({ address: ADDRESS, args: [{ type: 'f', value: db(k) }] });
      const end = await Promise.race([arrived, sleep(2000).then(() => null)]);
      if (k >= 50 && end) oscTimes.push(Number(end - start) / 1e3);
      if (k % 100 === 99) listener.send({ address: '/subscribe', args: [{ type: 's', value: ADDRESS }] });
    }
    sender.close();
    listener.close();

    // The daemon's socket: client A sets, client B (subscribed) has the notification.
    let notified = null;
    const b = await rpc(socketPath, (m) => {
      if (m.method === 'controls.changed' && notified) notified(process.hrtime.bigint());
    });
    await b.call('subscribe', { controls: [CONTROL], topics: ['values'], snapshot: false });
    const a = await rpc(socketPath);
    const rpcTimes = [];
    for (let k = 0; k < N + 50; ++k) {
      const arrived = new Promise((r) => { notified = r; });
      const start = process.hrtime.bigint();
      a.send('controls.set', { changes: [{ control: CONTROL, db: db(k) }] });
      const end = await Promise.race([arrived, sleep(2000).then(() => null)]);
      if (k >= 50 && end) rpcTimes.push(Number(end - start) / 1e3);
    }
    a.close();
    b.close();

    const o = stats(oscTimes);
    const r = stats(rpcTimes);
    const f = (x) => x.toFixed(0);
    console.log(`RESULT osc_latency n=${o.n} p50_us=${f(o.p50)} p90_us=${f(o.p90)} p99_us=${f(o.p99)} max_us=${f(o.max)}`);
    console.log(`RESULT socket_latency n=${r.n} p50_us=${f(r.p50)} p90_us=${f(r.p90)} p99_us=${f(r.p99)} max_us=${f(r.max)}`);
    console.log(`RESULT osc_vs_socket p50_ratio=${(o.p50 / r.p50).toFixed(2)} p99_ratio=${(o.p99 / r.p99).toFixed(2)}`);
  } finally {
    if (bridge) bridge.kill();
    daemon.kill();
    await sleep(500);
    fs.rmSync(work, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
