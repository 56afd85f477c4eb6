import { describe, expect, it } from 'vitest';
import { agentKeys, eventKeys, routesTo } from '../../../relay/store/logKeys.ts';

const ayse = { extensions: ['911'], agentIds: ['A-7'] };
const mehmet = { extensions: ['912'], agentIds: [] };

describe('routing', () => {
  it('routes by extension or by agent id', () => {
    expect(routesTo(ayse, { extension: '911' })).toBe(true);
    expect(routesTo(ayse, { extension: '999', agentId: 'A-7' })).toBe(true);
  });

  it("never routes one agent's call to another", () => {
    expect(routesTo(mehmet, { extension: '911', agentId: 'A-7' })).toBe(false);
    expect(routesTo(ayse, { extension: '912' })).toBe(false);
    // An agent id equal to someone else's extension number is not that extension.
    expect(routesTo(mehmet, { extension: '900', agentId: '912' })).toBe(false);
  });

  it('uses the same keys for storing and for reading', () => {
    expect(eventKeys({ extension: '911', agentId: 'A-7' })).toEqual(['ext:911', 'agent:A-7']);
    expect(eventKeys({ extension: '911' })).toEqual(['ext:911']);
    expect(agentKeys(ayse)).toEqual(['ext:911', 'agent:A-7']);
  });
});
