// The owner of a journal record: the agent's CRM user id from the mapping, with `journal.crmUsers`
// only as the fallback, and a change of the mapping reaching the next call without a restart.
import { afterEach, describe, expect, it } from 'vitest';
import type { JournalRecord, JournalWriter, WriteResult } from '../../../../relay/journal/journalTypes.ts';
import { buildApp } from '../../../../relay/server/app.ts';
import { ADMIN_TOKEN, AYSE_TOKEN, MEHMET_TOKEN, SECRET, testConfig } from '../helpers.ts';

class RecordingWriter implements JournalWriter {
  readonly kind = 'test';
  readonly name = 'crm';
  readonly written: JournalRecord[] = [];

  async write(record: JournalRecord): Promise<WriteResult> {
    this.written.push(record);
    return { crmId: `18x${this.written.length}` };
  }

  async close() {}
}

const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function relay(crm: RecordingWriter, crmUsers: Record<string, string>) {
  const config = testConfig({
    agents: [
      {
        user: 'ayse',
        extensions: ['911'],
        crmUserId: '19x5',
        token: AYSE_TOKEN,
      },
      { user: 'mehmet', extensions: ['912'], token: MEHMET_TOKEN },
      // A user name that is also a property every object inherits: crmUsers must not find one.
      { user: 'constructor', extensions: ['913'], token: 'test-token-constructor-0123456789' },
    ],
    journal: {
      writers: [
        {
          name: 'hook',
          kind: 'webhook',
          url: 'http://127.0.0.1:9/hook',
          secret: 'journal-secret-0123456789',
        },
      ],
      settleSeconds: 0,
      missedCallTasks: false,
      crmUsers,
    },
  });
  const app = buildApp({ config, logger: false, journalWriters: [crm], journalRetryBaseMs: 50 });
  apps.push(app);
  await app.ready();
  const answered = async (callId: string, extension: string) => {
    for (const state of ['answered', 'hangup']) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/calls',
        headers: { authorization: `Bearer ${SECRET}` },
        payload: { direction: 'inbound', callId, state, extension, callerId: '05559990000' },
      });
      expect(res.statusCode, res.body).toBe(200);
    }
  };
  const record = async (callId: string) => {
    const end = Date.now() + 5000;
    for (;;) {
      const found = crm.written.find((r) => r.callId === callId);
      if (found) return found;
      if (Date.now() > end) throw new Error(`no record of ${callId}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const change = (user: string, body: object) =>
    app.inject({
      method: 'PUT',
      url: `/v1/admin/agents/${user}`,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: body,
    });
  return { answered, record, change };
}

describe("a journal record's owner", () => {
  it("is the mapping's crmUserId, over journal.crmUsers; crmUsers covers agents without one", async () => {
    const crm = new RecordingWriter();
    const { answered, record } = await relay(crm, { ayse: '5', mehmet: '6' });
    await answered('c1', '911');
    await answered('c2', '912');
    await answered('c3', '913');
    expect((await record('c1')).agent, 'the mapping wins').toEqual({
      user: 'ayse',
      crmUserId: '19x5',
      extension: '911',
    });
    expect((await record('c2')).agent, 'crmUsers is the fallback').toEqual({
      user: 'mehmet',
      crmUserId: '6',
      extension: '912',
    });
    expect((await record('c3')).agent, 'neither: no owner id').toEqual({
      user: 'constructor',
      extension: '913',
    });
  });

  it('follows an admin change of the mapping at the next call, without a restart', async () => {
    const crm = new RecordingWriter();
    const { answered, record, change } = await relay(crm, {});
    await answered('c1', '911');
    expect((await record('c1')).agent?.crmUserId).toBe('19x5');
    expect((await change('ayse', { crmUserId: '19x9' })).statusCode).toBe(200);
    expect((await change('mehmet', { crmUserId: '19x6' })).statusCode).toBe(200);
    await answered('c2', '911');
    await answered('c3', '912');
    expect((await record('c2')).agent?.crmUserId).toBe('19x9');
    expect((await record('c3')).agent?.crmUserId).toBe('19x6');
    expect((await change('ayse', { crmUserId: '' })).statusCode).toBe(200);
    await answered('c4', '911');
    expect((await record('c4')).agent, 'cleared: no owner id').not.toHaveProperty('crmUserId');
  });
});
