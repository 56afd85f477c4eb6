// How the load generator talks to each relay: subscribe one agent (WebSocket, resumable from a
// cursor) and publish one ~300-byte event to that agent's channel (HTTP POST, open loop).
import http from 'node:http';
import WebSocket from 'ws';
import { agentToken, BENCH_SECRET, extensionOf } from './servers.ts';

/** `seq` is null for a message that only moves the cursor (our relay's welcome). */
export type OnEvent = (seq: number | null, cursor: string) => void;

export interface Target {
  connect(agent: number, resumeFrom: string | null, onEvent: OnEvent): Promise<WebSocket>;
  publish(agent: number, seq: number, done: (ok: boolean) => void): void;
}

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function post(url: string, body: string, headers: Record<string, string>, done: (ok: boolean) => void): void {
  const req = http.request(
    url,
    { method: 'POST', agent: httpAgent, headers: { 'content-length': Buffer.byteLength(body), ...headers } },
    (res) => {
      res.resume();
      res.on('end', () => done((res.statusCode ?? 500) < 300));
    },
  );
  req.on('error', () => done(false));
  req.end(body);
}

// Padding brings the event to about 300 bytes on the wire, like a real call with a recording URL.
const recording = (seq: number) =>
  `https://pbx.example.com/recordings/2026/11/22/${seq}-${'x'.repeat(40)}.wav`;

export function ours(base: string): Target {
  const wsUrl = `${base.replace(/^http/, 'ws')}/v1/stream`;
  return {
    connect(agent, resumeFrom, onEvent) {
      return new Promise((ok, fail) => {
        const ws = new WebSocket(wsUrl);
        ws.once('open', () =>
          ws.send(JSON.stringify({ type: 'hello', token: agentToken(agent), after: resumeFrom ?? '' })),
        );
        ws.once('error', fail);
        ws.on('message', (data) => {
          const msg = JSON.parse(String(data));
          if (msg.type === 'welcome') {
            // Like the extension: a first connection keeps the relay's head as its cursor, so a
            // reconnect before its first call still replays what it missed.
            if (!resumeFrom) onEvent(null, msg.cursor);
            ok(ws);
          } else if (msg.type === 'call') onEvent(Number(msg.event.callId.slice(1)), msg.event.id);
        });
      });
    },
    publish(agent, seq, done) {
      const body = JSON.stringify({
        callId: `b${seq}`,
        state: 'ringing',
        extension: extensionOf(agent),
        callerId: '+905334979714',
        dialed: '+902125551234',
        keypress: '1',
        recordingUrl: recording(seq),
      });
      post(
        `${base}/v1/calls`,
        body,
        { authorization: `Bearer ${BENCH_SECRET}`, 'content-type': 'application/json' },
        done,
      );
    },
  };
}

export function nchan(base: string): Target {
  const wsBase = base.replace(/^http/, 'ws');
  return {
    connect(agent, resumeFrom, onEvent) {
      return new Promise((ok, fail) => {
        const headers: Record<string, string> = resumeFrom ? { 'Last-Event-ID': resumeFrom } : {};
        const ws = new WebSocket(`${wsBase}/sub/ch${agent}`, 'ws+meta.nchan', { headers });
        ws.once('open', () => ok(ws));
        ws.once('error', fail);
        ws.on('message', (data) => {
          // ws+meta.nchan frames: "id: <msgid>\ncontent-type: …\n\n<body>".
          const text = String(data);
          const split = text.indexOf('\n\n');
          const id = /^id: (.*)$/m.exec(text.slice(0, split))?.[1] ?? '';
          onEvent(JSON.parse(text.slice(split + 2)).event.seq, id);
        });
      });
    },
    publish(agent, seq, done) {
      const body = JSON.stringify({
        type: 'call',
        event: {
          id: `0.${seq}`,
          seq,
          callId: `b${seq}`,
          state: 'ringing',
          extension: extensionOf(agent),
          callerId: '+905334979714',
          dialed: '+902125551234',
          keypress: '1',
          direction: 'inbound',
          at: new Date().toISOString(),
          recordingUrl: recording(seq),
          source: 'generic',
        },
      });
      post(`${base}/pub/ch${agent}`, body, { 'content-type': 'application/json' }, done);
    },
  };
}
