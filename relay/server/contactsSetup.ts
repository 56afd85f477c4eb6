// The contact feed as the config asks for it: the older single file or folder (which must load
// before the relay serves), or `contacts.sources` polled on their own intervals (a CRM that is down
// at start-up is reported, and the contacts stored from before stay in service).
import type { FastifyInstance } from 'fastify';
import { type ContactsFeed, createContactsFeed } from '../contacts/contactsFeed.ts';
import { FeedSignal } from '../contacts/feedSignal.ts';
import { createSources } from '../contacts/sources/sourceRegistry.ts';
import { SourceSet } from '../contacts/sources/sourceSet.ts';
import type { Clock } from '../http/clock.ts';
import type { Metrics } from '../http/metrics.ts';
import type { CallStores } from '../store/createStores.ts';
import type { RelayConfig } from './config.ts';

/** How long start-up waits for the sources' first polls (Fastify gives onReady 10 s in all). */
export const FIRST_LOAD_WAIT_MS = 5_000;

export interface ContactsSetup {
  feed: ContactsFeed | null;
  sources: SourceSet | null;
  /** Raised when a source's poll changed the feed (sources mode only). */
  moved: FeedSignal;
}

export function setUpContacts(
  app: FastifyInstance,
  config: RelayConfig,
  deps: { clock: Clock; metrics: Metrics; stores: CallStores | null },
): ContactsSetup {
  const { clock, metrics, stores } = deps;
  const moved = new FeedSignal();
  const common = {
    log: app.log,
    clock,
    region: config.ingest.defaultRegion,
    historyStore: (region: string, versions: number) => stores?.contactHistory(region, versions),
  };
  if (config.contactSources) {
    const sources = new SourceSet(createSources(config.contactSources, app.log), {
      log: app.log,
      now: () => clock.now(),
      onFailure: () => metrics.contactReloadFailures.inc(),
      // The change is in the feed already: a browser told to sync finds it.
      onChange: () => moved.notify(),
    });
    metrics.trackContactSources(() => sources.states());
    const feed = createContactsFeed({ ...common, sources });
    app.addHook('onReady', async () => {
      // The feed opens its stored history first, so a source that is down serves what it had.
      await feed.refresh(true);
      sources.start();
      // A quick first load is in service before the first request; a long one (a million rows)
      // goes on in the background: the relay takes calls meanwhile and the feed fills as it reads.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        sources.firstPolls(),
        new Promise((done) => {
          timer = setTimeout(done, FIRST_LOAD_WAIT_MS);
        }),
      ]);
      clearTimeout(timer);
    });
    app.addHook('onClose', () => sources.close());
    return { feed, sources, moved };
  }
  if (!config.contacts) return { feed: null, sources: null, moved };
  const feed = createContactsFeed({
    ...common,
    source: config.contacts,
    onReloadFailure: () => metrics.contactReloadFailures.inc(),
  });
  // Loaded before the first request, so a missing or headerless file stops start-up with a
  // clear message instead of serving an empty list; later failures keep the last good file.
  app.addHook('onReady', async () => {
    await feed.refresh(true);
    const error = feed.error();
    if (error) throw new Error(`contacts: ${error}`);
  });
  return { feed, sources: null, moved };
}
