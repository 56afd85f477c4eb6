import { describe, expect, it } from 'vitest';
import { ListenerIndex } from '../../../relay/store/listenerIndex.ts';
import type { CallEvent } from '../../../shared/callEvent.ts';

const event = (extension: string, agentId?: string) => ({ id: 'e.1', extension, agentId }) as CallEvent;

describe('ListenerIndex', () => {
  it("calls only the listeners on the event's keys, once each", () => {
    const index = new ListenerIndex();
    const heard: string[] = [];
    index.add(() => heard.push('ayse'), { keys: ['ext:911', 'agent:911'] });
    index.add(() => heard.push('mehmet'), { keys: ['ext:912'] });
    index.add(() => heard.push('monitor'));
    index.dispatch(event('911', '911'));
    expect(heard.sort()).toEqual(['ayse', 'monitor']);
  });

  it('stops calling a listener after it unsubscribes, and keeps others going when one throws', () => {
    const errors: unknown[] = [];
    const index = new ListenerIndex((e) => errors.push(e));
    const heard: string[] = [];
    const off = index.add(() => heard.push('a'), { keys: ['ext:1'] });
    index.add(
      () => {
        throw new Error('broken');
      },
      { keys: ['ext:1'] },
    );
    index.add(() => heard.push('c'), { keys: ['ext:1'] });
    index.dispatch(event('1'));
    off();
    index.dispatch(event('1'));
    expect(heard).toEqual(['a', 'c', 'c']);
    expect(errors).toHaveLength(2);
  });

  it('tells every subscriber about a gap', () => {
    const index = new ListenerIndex();
    let gaps = 0;
    index.add(() => {}, { keys: ['ext:1'], onGap: () => gaps++ });
    index.add(() => {}, { onGap: () => gaps++ });
    index.gap();
    expect(gaps).toBe(2);
  });
});
