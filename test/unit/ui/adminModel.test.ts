import { describe, expect, it } from 'vitest';
import {
  type AgentView,
  draftFieldOf,
  draftFromAgent,
  draftToBody,
  EMPTY_DRAFT,
  importChanges,
  parseList,
  shortList,
  sortAgents,
  validateAdminToken,
  validateDraft,
  validateLabel,
} from '../../../options/admin/adminModel.ts';

const draft = (over: Partial<typeof EMPTY_DRAFT>) => ({
  ...EMPTY_DRAFT,
  user: 'zeynep',
  extensions: '914',
  ...over,
});

describe('parseList', () => {
  it('splits on commas, semicolons and any whitespace, dropping empty items', () => {
    expect(parseList(' 911, 912;913\t914\n 915 ,, ')).toEqual(['911', '912', '913', '914', '915']);
    expect(parseList('   ')).toEqual([]);
  });
});

describe('validateDraft (the relay rules, where they are typed)', () => {
  it('accepts a well-formed new agent', () => {
    expect(validateDraft(draft({ agentIds: 'zeynep@pbx' }), { isNew: true, users: ['ayse'] })).toEqual({});
  });

  it('needs a user of 1-64 allowed characters, not one already in the table', () => {
    expect(validateDraft(draft({ user: ' ' }), { isNew: true }).user?.key).toBe('adminErrUserEmpty');
    expect(validateDraft(draft({ user: 'ay se' }), { isNew: true }).user?.key).toBe('adminErrUser');
    expect(validateDraft(draft({ user: 'x'.repeat(65) }), { isNew: true }).user?.key).toBe('adminErrUser');
    expect(validateDraft(draft({ user: 'ayse' }), { isNew: true, users: ['ayse'] }).user).toEqual({
      key: 'adminErrUserExists',
      subs: ['ayse'],
    });
  });

  it('does not check the user when editing (it cannot change)', () => {
    expect(validateDraft(draft({ user: 'ayse' }), { isNew: false, users: ['ayse'] })).toEqual({});
  });

  it('names the first bad extension and the first bad agent id', () => {
    const errors = validateDraft(draft({ extensions: '911, 9 1 2x!', agentIds: 'ok, bad/id' }), {
      isNew: true,
    });
    expect(errors.extensions).toEqual({ key: 'adminErrExtension', subs: ['2x!'] });
    expect(errors.agentIds).toEqual({ key: 'adminErrAgentId', subs: ['bad/id'] });
  });

  it('refuses repeats and more than 100 items', () => {
    expect(validateDraft(draft({ extensions: '911 911' }), { isNew: true }).extensions).toEqual({
      key: 'adminErrTwice',
      subs: ['911'],
    });
    const many = Array.from({ length: 101 }, (_, i) => String(i)).join(' ');
    expect(validateDraft(draft({ extensions: many }), { isNew: true }).extensions?.key).toBe(
      'adminErrTooMany',
    );
  });

  it('needs at least one extension or agent id', () => {
    expect(validateDraft(draft({ extensions: ' , ' }), { isNew: true }).extensions?.key).toBe(
      'adminErrNeedOne',
    );
    expect(validateDraft(draft({ extensions: '', agentIds: 'a1' }), { isNew: true })).toEqual({});
  });

  it('limits the name to 200 characters without control characters', () => {
    expect(validateDraft(draft({ name: 'n'.repeat(201) }), { isNew: true }).name?.key).toBe('adminErrName');
    expect(validateDraft(draft({ name: 'a\nb' }), { isNew: true }).name?.key).toBe('adminErrName');
    expect(validateDraft(draft({ name: 'Zeynep Şahin' }), { isNew: true }).name).toBeUndefined();
  });

  it('takes an empty CRM user id or one of the relay rule: at most 100 of letters, digits, . _ : @ -', () => {
    for (const crmUserId of ['', '19x5', ' 5 ', '5e8c2f4a-1b3d-4e6f-9a0b-7c2d1e3f4a5b', 'x'.repeat(100)])
      expect(validateDraft(draft({ crmUserId }), { isNew: true }).crmUserId, crmUserId).toBeUndefined();
    for (const crmUserId of ['19 x5', '5\n', '\u202e5', 'x'.repeat(101)])
      expect(validateDraft(draft({ crmUserId }), { isNew: false }).crmUserId, crmUserId).toEqual({
        key: 'adminErrCrmUserId',
        subs: ['100'],
      });
  });
});

describe('drafts and bodies', () => {
  const agent: AgentView = {
    user: 'ayse',
    name: 'Ayşe',
    extensions: ['911', '913'],
    agentIds: ['911'],
    tokens: [],
  };

  it('round-trips an agent through the form', () => {
    expect(draftToBody(draftFromAgent(agent))).toEqual({
      user: 'ayse',
      name: 'Ayşe',
      extensions: ['911', '913'],
      agentIds: ['911'],
    });
  });

  it('leaves an empty name out, so the relay uses the user', () => {
    expect(draftToBody(draft({ name: '  ' }))).not.toHaveProperty('name');
  });

  it('carries the CRM user id both ways, trimmed, and leaves an empty one out', () => {
    const draftOf = draftFromAgent({ ...agent, crmUserId: '19x5' });
    expect(draftOf.crmUserId).toBe('19x5');
    expect(draftFromAgent(agent).crmUserId, 'none set: an empty field').toBe('');
    expect(draftToBody({ ...draftOf, crmUserId: ' 19x7 ' }).crmUserId).toBe('19x7');
    expect(draftToBody(draft({ crmUserId: ' ' }))).not.toHaveProperty('crmUserId');
  });
});

describe('draftFieldOf (where a relay refusal is shown)', () => {
  it('maps indexed and prefixed relay fields to the form field', () => {
    expect(draftFieldOf('extensions[2]')).toBe('extensions');
    expect(draftFieldOf('agentIds[0]')).toBe('agentIds');
    expect(draftFieldOf('crmUserId')).toBe('crmUserId');
    expect(draftFieldOf('agents[3].user')).toBe('user');
    expect(draftFieldOf('name')).toBe('name');
  });

  it('has no field for names the form does not show', () => {
    expect(draftFieldOf('(body)')).toBeUndefined();
    expect(draftFieldOf('csv')).toBeUndefined();
    expect(draftFieldOf(undefined)).toBeUndefined();
  });
});

describe('tokens and labels', () => {
  it('takes an admin token of 16-256 printable characters without spaces', () => {
    expect(validateAdminToken('')?.key).toBe('adminErrTokenEmpty');
    expect(validateAdminToken('short')?.key).toBe('adminErrTokenFormat');
    expect(validateAdminToken('has a space in it 1234')?.key).toBe('adminErrTokenFormat');
    expect(validateAdminToken('admin-token-e2e-0123456789')).toBeUndefined();
  });

  it('limits a token label to 100 characters without control characters', () => {
    expect(validateLabel('Chrome on desk 12')).toBeUndefined();
    expect(validateLabel('x'.repeat(101))?.key).toBe('adminErrLabel');
    expect(validateLabel('a\tb')?.key).toBe('adminErrLabel');
  });
});

describe('import summaries', () => {
  it('counts the changes and shortens long lists', () => {
    const summary = {
      ok: true as const,
      dryRun: true,
      added: ['a'],
      changed: ['b', 'c'],
      removed: [],
      unchanged: 4,
    };
    expect(importChanges(summary)).toBe(3);
    expect(importChanges({ ...summary, added: [], changed: [] })).toBe(0);
    const users = Array.from({ length: 13 }, (_, i) => `u${i}`);
    expect(shortList(users)).toEqual({ shown: users.slice(0, 10), more: 3 });
    expect(shortList(['a'])).toEqual({ shown: ['a'], more: 0 });
  });

  it('sorts agents by user without changing the input', () => {
    const list = [{ user: 'mehmet' }, { user: 'ayse' }] as AgentView[];
    expect(sortAgents(list).map((a) => a.user)).toEqual(['ayse', 'mehmet']);
    expect(list[0]?.user).toBe('mehmet');
  });
});
