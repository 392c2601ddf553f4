// SPDX-License-Identifier: GPL-3.0-or-later
//
// scarlettd driven by json-rpc-2.0 (npm), a JSON-RPC 2.0 library nobody here wrote,
// over a Unix socket with newline framing: batches, notifications, errors and a
// subscription. The daemon is scarlettd-testbed (the real daemon on an in-memory
// device); its command socket makes changes "from outside".
//
// Run: SCARLETTD_TESTBED=path/to/scarlettd-testbed node --test scarlettd.test.js
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const {
  JSONRPCClient,
  JSONRPCServer,
  JSONRPCServerAndClient,
  JSONRPCErrorException,
} = require('json-rpc-2.0');

const TESTBED = process.env.SCARLETTD_TESTBED;
const DEVICE = 'usb-1235-8215-TESTBED';
const TIMEOUT_MS = 10000;
const DAEMON_NOTIFICATIONS = [
  'snapshot', 'controls.changed', 'controls.added', 'controls.removed',
  'device.added', 'device.removed', 'meters',
];

function deadline(promise, what, ms = TIMEOUT_MS) {
  let timer;
  const expired = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/** A stream socket speaking newline-framed lines. */
function connectLines(socketPath, onLine) {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ path: socketPath });
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        onLine(line);
      }
    });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * One connection through the library: its client sends our requests, its server
 * takes the daemon's notifications. Every line received is also kept raw, so the
 * tests can check the wire, not only what the library makes of it.
 */
class Connection {
  static async open(socketPath) {
    const connection = new Connection();
    connection.socket = await connectLines(socketPath, (line) => connection.onLine(line));
    return connection;
  }

  constructor() {
    this.lines = [];
    this.notifications = [];
    this.unmatched = [];
    this.waiters = [];
    const server = new JSONRPCServer();
    for (const method of DAEMON_NOTIFICATIONS) {
      server.addMethod(method, (params) => {
        this.notifications.push({ method, params });
        this.wake();
      });
    }
    const client = new JSONRPCClient((payload) => this.write(payload));
    this.rpc = new JSONRPCServerAndClient(server, client);
  }

  write(payload) {
    return new Promise((resolve, reject) => {
      this.socket.write(JSON.stringify(payload) + '\n', (err) => (err ? reject(err) : resolve()));
    });
  }

  onLine(line) {
    const message = JSON.parse(line);
    this.lines.push(message);
    // Errors about no request in particular (id null) have no promise to settle.
    if (!Array.isArray(message) && message.id === null) this.unmatched.push(message);
    else this.rpc.receiveAndSend(message);
    this.wake();
  }

  wake() {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Resolves once @p predicate() returns something truthy (checked on every line). */
  until(predicate, what) {
    return deadline(new Promise((resolve) => {
      const check = () => {
        const value = predicate();
        if (!value) return false;
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve(value);
        return true;
      };
      if (!check()) this.waiters.push(check);
    }), what);
  }

  request(method, params) {
    return this.rpc.timeout(TIMEOUT_MS).request(method, params);
  }

  close() {
    this.socket.end();
    this.socket.destroy();
  }
}

async function rejection(promise) {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail('the request was expected to fail');
}

let dir;
let sockets;
let testbed;
let testbedExit;
let conn;

/** One command on the testbed's socket; returns the reply after "ok". */
async function tb(command) {
  let reply;
  let socket;
  const got = new Promise((resolve) => {
    connectLines(path.join(dir, 'cmd'), (line) => resolve(line)).then((s) => {
      socket = s;
      s.write(command + '\n');
    });
  });
  try {
    reply = await deadline(got, `testbed '${command}'`);
  } finally {
    if (socket) socket.destroy();
  }
  assert.match(reply, /^ok/, `testbed '${command}': ${reply}`);
  return reply.replace(/^ok ?/, '');
}

before(async () => {
  assert.ok(TESTBED, 'SCARLETTD_TESTBED must name the scarlettd-testbed binary');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scarlettd-node-'));
  sockets = path.join(dir, 'sock');
  testbed = spawn(TESTBED, ['--socket-dir', sockets, '--control', path.join(dir, 'cmd'), '--small'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  testbedExit = new Promise((resolve) => testbed.once('exit', (code, signal) => resolve({ code, signal })));
  let out = '';
  await deadline(new Promise((resolve, reject) => {
    testbed.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.split('\n').includes('ready')) resolve();
    });
    testbedExit.then(({ code }) => reject(new Error(`testbed exited (${code}) before ready`)));
  }), 'testbed ready', 20000);
  conn = await Connection.open(path.join(sockets, 'control.sock'));
});

after(async () => {
  if (conn) conn.close();
  if (testbed && testbed.exitCode === null) {
    testbed.kill('SIGTERM');
    await deadline(testbedExit, 'testbed exit after SIGTERM').catch(() => testbed.kill('SIGKILL'));
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('requests get their results', async () => {
  const info = await conn.request('daemon.info');
  assert.equal(info.name, 'scarlettd');
  assert.equal(info.protocol.major, 1);
  assert.equal(info.devices, 1);

  const list = await conn.request('devices.list');
  assert.equal(typeof list.seq, 'number');
  assert.deepEqual(list.devices.map((d) => [d.id, d.online]), [[DEVICE, true]]);

  const got = await conn.request('controls.get', { device: DEVICE, controls: [1, 'PCM 01 Capture Enum'] });
  assert.deepEqual(got.controls.map((c) => c.value), [[160], ['Analogue 1']]);
  assert.deepEqual(got.controls[0].db, { min: -80, max: 6, mute: false });

  const set = await conn.request('controls.set', { device: DEVICE, changes: [{ control: 3, value: 'Off' }] });
  assert.deepEqual(set.controls[0].value, ['Off']);
  assert.equal(await tb(`get ${DEVICE} 3`), '0');
});

test('a batch holding a notification: one array, answers in order, none for the notification', async () => {
  const before = conn.lines.length;
  const responses = await conn.rpc.timeout(TIMEOUT_MS).requestAdvanced([
    { jsonrpc: '2.0', id: 'b-1', method: 'controls.get', params: { controls: [2] } },
    { jsonrpc: '2.0', method: 'controls.set', params: { changes: [{ control: 2, toggle: true }] } },
    { jsonrpc: '2.0', id: 'b-2', method: 'controls.get', params: { controls: [2] } },
    { jsonrpc: '2.0', id: 'b-3', method: 'no.such.method' },
  ]);
  assert.deepEqual(responses.map((r) => r.id), ['b-1', 'b-2', 'b-3']);
  const toggled = !responses[0].result.controls[0].value[0];
  assert.deepEqual(responses[1].result.controls[0].value, [toggled]);
  assert.equal(responses[2].error.code, -32601);

  const wire = conn.lines.slice(before);
  assert.equal(wire.length, 1, 'the whole batch is answered on one line');
  assert.ok(Array.isArray(wire[0]) && wire[0].length === 3);
  assert.deepEqual(wire[0].map((r) => r.id), ['b-1', 'b-2', 'b-3']);
});

test('notifications are executed and never answered', async () => {
  const before = conn.lines.length;
  conn.rpc.notify('controls.set', { device: DEVICE, changes: [{ control: 4, value: [7, 8] }] });
  conn.rpc.notify('no.such.method', {});
  conn.rpc.notify('controls.set', { changes: [{ control: 1, value: 9999 }] });
  const got = await conn.request('controls.get', { controls: [4] });
  assert.deepEqual(got.controls[0].value, [7, 8]);
  assert.equal(conn.lines.length - before, 1, 'only the request was answered');
  assert.equal(await tb(`get ${DEVICE} 4`), '7,8');
});

test('errors: codes and data clients can match on', async () => {
  let err = await rejection(conn.request('mixer.explode'));
  assert.ok(err instanceof JSONRPCErrorException);
  assert.equal(err.code, -32601);
  assert.equal(err.data.code, 'method.not_found');

  err = await rejection(conn.request('controls.list', { device: DEVICE, colour: 'red' }));
  assert.equal(err.code, -32602);
  assert.equal(err.data.code, 'params.invalid');
  assert.equal(err.data.field, 'colour');

  err = await rejection(conn.request('controls.get', { device: DEVICE, controls: 'everything' }));
  assert.equal(err.code, -32602);
  assert.equal(err.data.field, 'controls');

  err = await rejection(conn.request('controls.set', { changes: [{ control: 1, value: 173 }] }));
  assert.equal(err.code, -32005);
  assert.equal(err.data.code, 'value.invalid');
  assert.equal(err.data.min, 0);
  assert.equal(err.data.max, 172);
  assert.equal(err.data.control, 'Mix A Input 01 Playback Volume');

  err = await rejection(conn.request('controls.set', { changes: [{ control: 3, value: 'Analogue 9' }] }));
  assert.equal(err.data.code, 'value.invalid');
  assert.deepEqual(err.data.items, ['Off', 'Analogue 1', 'Analogue 2']);

  // Validated before anything is written: the valid first change is not applied.
  const before = await conn.request('controls.get', { controls: [1] });
  err = await rejection(conn.request('controls.set', {
    changes: [{ control: 1, value: 5 }, { control: 4, value: [1, 2, 3] }],
  }));
  assert.equal(err.data.code, 'value.invalid');
  const afterwards = await conn.request('controls.get', { controls: [1] });
  assert.deepEqual(afterwards.controls[0].value, before.controls[0].value);

  err = await rejection(conn.request('controls.set', { changes: [{ control: 6, value: 1 }] }));
  assert.equal(err.code, -32004);
  assert.equal(err.data.code, 'control.read_only');

  // An empty batch is one error object (id null), which no library promise waits for.
  const seen = conn.unmatched.length;
  await conn.write([]);
  const error = await conn.until(() => conn.unmatched[seen], 'reply to an empty batch');
  assert.equal(error.error.code, -32600);
  assert.equal(error.error.data.code, 'invalid_request');
});

test('a subscription gets controls.changed, filtered and coalesced to the latest value', async () => {
  const sub = await conn.request('subscribe', { controls: ['Mix A *'], snapshot: false });
  assert.equal(typeof sub.subscription, 'number');
  assert.equal(typeof sub.seq, 'number');
  assert.equal(sub.snapshot, undefined);
  const mine = (numid, value) => () => conn.notifications.find((n) => n.method === 'controls.changed'
    && n.params.subscription === sub.subscription
    && n.params.controls.some((c) => c.numid === numid && JSON.stringify(c.value) === JSON.stringify(value)));

  // An external change (front panel): carries the subscription, a newer seq and dB.
  await tb(`set ${DEVICE} 2 0`);
  await tb(`set ${DEVICE} 1 43`);
  const changed = await conn.until(mine(1, [43]), 'controls.changed for the external change');
  assert.equal(changed.params.device, DEVICE);
  assert.ok(changed.params.seq > sub.seq);
  const control = changed.params.controls.find((c) => c.numid === 1);
  assert.equal(control.name, 'Mix A Input 01 Playback Volume');
  assert.equal(control.index, 0);
  assert.ok(Math.abs(control.db_value[0] - (-80 + 43 * 86 / 172)) < 1e-9, `dB of 43: ${control.db_value}`);
  assert.ok(conn.notifications.every((n) => n.params.controls.every((c) => c.numid === 1)),
    'the glob filters out other controls');

  // A burst: whatever was coalesced, the last value seen is the final one.
  const final = JSON.parse(`[${(await tb(`burst ${DEVICE} 1 150`)).replace(/^final /, '')}]`);
  await conn.until(() => {
    const ours = conn.notifications.filter((n) => n.params.subscription === sub.subscription);
    const last = ours.length && ours[ours.length - 1].params.controls.find((c) => c.numid === 1);
    return last && JSON.stringify(last.value) === JSON.stringify(final);
  }, `latest value ${final} after a burst`);
  const seqs = conn.notifications.map((n) => n.params.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'seq never goes back');

  // Our own write: the response comes first, then one controls.changed.
  const lineOfSet = conn.lines.length;
  await conn.request('controls.set', { changes: [{ control: 1, value: 11 }] });
  await conn.until(mine(1, [11]), 'controls.changed for our own write');
  const wire = conn.lines.slice(lineOfSet);
  assert.ok(wire[0].result, `the response precedes the notification it caused: ${JSON.stringify(wire[0])}`);
  assert.equal(wire.filter((m) => m.method === 'controls.changed').length, 1);

  assert.deepEqual(await conn.request('unsubscribe', { subscription: sub.subscription }), {});
  const count = conn.notifications.length;
  await tb(`set ${DEVICE} 1 12`);
  await conn.request('daemon.info');
  assert.equal(conn.notifications.length, count, 'nothing after unsubscribe');
});

test('events.sock: a snapshot first, then changes without a subscription id', async () => {
  const events = await Connection.open(path.join(sockets, 'events.sock'));
  try {
    const snapshot = await events.until(() => events.notifications[0], 'snapshot');
    assert.equal(snapshot.method, 'snapshot');
    assert.equal(snapshot.params.snapshot.devices[0].id, DEVICE);
    // The card's six, then the daemon's own (names, links: protocol 1.1 §3).
    assert.equal(snapshot.params.snapshot.controls[DEVICE].filter((c) => c.iface !== 'daemon').length, 6);
    await tb(`set ${DEVICE} 3 2`);
    const changed = await events.until(() => events.notifications.find((n) => n.method === 'controls.changed'),
      'controls.changed on events.sock');
    assert.equal(changed.params.subscription, undefined);
    assert.deepEqual(changed.params.controls[0].value, ['Analogue 2']);
  } finally {
    events.close();
  }
});

test('SIGTERM ends the daemon cleanly', async () => {
  conn.close();
  conn = null;
  testbed.kill('SIGTERM');
  const { code, signal } = await deadline(testbedExit, 'exit after SIGTERM');
  assert.equal(signal, null);
  assert.equal(code, 0);
  assert.ok(!fs.existsSync(path.join(sockets, 'control.sock')), 'control.sock removed');
});
