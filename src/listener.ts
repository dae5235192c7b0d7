import { EventHub } from './core/events.js';
import { senderUrl } from './core/sender-url.js';
import type { IncomingWebhook, Verdict } from './core/types.js';
import type { CaptureLimits } from './capture/limits.js';
import type { ProviderHint } from './config/file.js';
import type { SecretMap } from './config/secrets.js';
import { Pipeline, type Deliverer, type ResponsePolicy } from './pipeline.js';
import type { GenericDefinition } from './signatures/types.js';

/** Everything `hookdev listen` needs, already parsed and validated. */
export interface ListenerConfig {
  host: string;
  port: number;
  dbPath: string;
  response: ResponsePolicy;
  limits: Partial<CaptureLimits>;
  secrets: SecretMap;
  providerHints: ProviderHint[];
  generic: GenericDefinition[];
  /** Forced provider for every request (`--provider`). */
  provider?: string;
  passthrough: boolean;
  /** Builds the forwarding layer once the store is open (null: no forwarding). */
  makeDeliverer?: (ctx: { deliveries: import('./store/index.js').DeliverySink; events: EventHub }) => Promise<Deliverer | null>;
}

export interface RunningListener {
  url: string;
  port: number;
  pipeline: Pipeline;
  events: EventHub;
  store: import('./store/index.js').Store;
  /** The one owner of queued writes to `store` (flush() it before reading what was just queued). */
  writes: import('./store/index.js').WriteBatcher;
  close(): Promise<void>;
}

export function providerForPath(hints: ProviderHint[], url: string): string | undefined {
  const path = url.split('?')[0] ?? url;
  return hints.find((h) => path.startsWith(h.pathPrefix))?.provider;
}

/** Open the history, build the pipeline and start the HTTP door. */
export async function startListener(config: ListenerConfig, events = new EventHub()): Promise<RunningListener> {
  const [{ openStore }, { startCaptureServer }, signatures] = await Promise.all([
    import('./store/index.js'),
    import('./capture/server.js'),
    import('./signatures/index.js'),
  ]);
  const { startCheckpointer, WriteBatcher } = await import('./store/index.js');
  // Refuse to start on a history we cannot write: otherwise every request would be answered 503.
  const store = openStore(config.dbPath, { mustWrite: true });
  const checkpointer = await startCheckpointer(store);
  const writes = new WriteBatcher(store, (err) => events.emit({ type: 'error', message: `could not save a delivery record: ${err.message}` }));
  const analyze = (incoming: IncomingWebhook): Verdict =>
    signatures.analyze({
      body: incoming.body,
      headers: incoming.headers,
      url: senderUrl(incoming),
      method: incoming.method,
      secrets: config.secrets,
      now: Math.floor(incoming.receivedAt / 1000),
      provider: config.provider ?? providerForPath(config.providerHints, incoming.url),
      generic: config.generic,
    });
  let deliverer: Deliverer | null = null;
  try {
    deliverer = config.makeDeliverer ? await config.makeDeliverer({ deliveries: writes, events }) : null;
  } catch (err) {
    await checkpointer.stop();
    store.close();
    throw err;
  }
  const pipeline = new Pipeline({
    writes,
    analyze,
    response: config.response,
    deliverer: deliverer ?? undefined,
    passthrough: config.passthrough,
    events,
  });
  let capture;
  try {
    capture = await startCaptureServer({
      host: config.host,
      port: config.port,
      handler: pipeline.handle,
      limits: config.limits,
      onClientProblem: (message, detail) => events.emit({ type: 'warning', message, detail }),
    });
  } catch (err) {
    await checkpointer.stop();
    store.close();
    throw err;
  }
  let closed = false;
  return {
    url: capture.url,
    port: capture.port,
    pipeline,
    events,
    store,
    writes,
    async close() {
      if (closed) return;
      closed = true;
      await capture.close();
      await pipeline.close();
      await checkpointer.stop();
      store.close();
    },
  };
}
