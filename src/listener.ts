import { EventHub } from './core/events.js';
import { maskSecret } from './core/secrets.js';
import { senderUrl } from './core/sender-url.js';
import type { IncomingWebhook, Verdict } from './core/types.js';
import type { CaptureLimits } from './capture/limits.js';
import type { ProviderHint } from './config/file.js';
import type { SecretMap } from './config/secrets.js';
import { Pipeline, type ResponsePolicy } from './pipeline.js';
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
  /** The forwarder (built once the store is open; its module is loaded only when set). Null: no forwarding. */
  forward: ForwardSettings | null;
  /** The relay door (`--relay`; the client module is loaded only when set). Null: the HTTP door only. */
  relay: RelayDoorSettings | null;
}

/** Forwarding settings, as the forwarder takes them (the write batcher and events are added when it is built). */
export type ForwardSettings = Omit<import('./forward/index.js').ForwarderOptions, 'deliveries' | 'events'>;

export interface RelayDoorSettings {
  url: string;
  /** Undefined: the saved default channel. */
  channel: string | undefined;
  token: string;
}

export interface RunningListener {
  url: string;
  port: number;
  pipeline: Pipeline;
  events: EventHub;
  store: import('./store/index.js').Store;
  /** The one owner of queued writes to `store` (flush() it before reading what was just queued). */
  writes: import('./store/index.js').WriteBatcher;
  /** The forwarder, when `forward` was set. */
  forwarder: import('./forward/index.js').Forwarder | null;
  /**
   * The relay door, when `relay` was set. Not awaited at start: local capture runs (and Ctrl-C works) while the
   * relay is out of reach; a refusal (bad token, channel taken) rejects `tunnel.done`.
   */
  tunnel: import('./tunnel/client.js').Tunnel | null;
  close(): Promise<void>;
}

/** Which providers have secrets, each shown by its last 4 characters only (for the start-up banner). */
function maskedSecrets(secrets: SecretMap): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [provider, list] of Object.entries(secrets)) out[provider] = list.map(maskSecret);
  return out;
}

export function providerForPath(hints: ProviderHint[], url: string): string | undefined {
  const path = url.split('?')[0] ?? url;
  return hints.find((h) => path.startsWith(h.pathPrefix))?.provider;
}

/** Open the history, build the pipeline and the forwarder, and start both doors (HTTP, and the relay when set). */
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
  let forwarder: import('./forward/index.js').Forwarder | null = null;
  try {
    if (config.forward) {
      const { makeForwarder } = await import('./forward/index.js');
      forwarder = await makeForwarder({ ...config.forward, deliveries: writes, events });
    }
  } catch (err) {
    await checkpointer.stop();
    store.close();
    throw err;
  }
  const pipeline = new Pipeline({
    writes,
    analyze,
    response: config.response,
    deliverer: forwarder ?? undefined,
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
  // The HTTP door is open: said before the relay door starts, so `listening` is the first line a script reads.
  const forwardTo = config.forward ? [...config.forward.targets, ...(config.forward.routes ?? []).map((r) => r.to)] : [];
  events.emit({
    type: 'listening',
    url: capture.url,
    door: 'http',
    detail: { db: config.dbPath, port: capture.port, forwardTo, secrets: maskedSecrets(config.secrets) },
  });
  let tunnel: import('./tunnel/client.js').Tunnel | null = null;
  if (config.relay) {
    try {
      tunnel = await startRelayDoor(config.relay, pipeline.handle, events, config.limits.maxBody);
    } catch (err) {
      await capture.close();
      await pipeline.close();
      await checkpointer.stop();
      store.close();
      throw err;
    }
  }
  let closed = false;
  return {
    url: capture.url,
    port: capture.port,
    pipeline,
    events,
    store,
    writes,
    forwarder,
    tunnel,
    async close() {
      if (closed) return;
      closed = true;
      await tunnel?.close().catch(() => undefined);
      await capture.close();
      await pipeline.close();
      await checkpointer.stop();
      store.close();
    },
  };
}

/** The relay door: relayed requests go through the same pipeline (and the same body limit) as the HTTP door. */
async function startRelayDoor(
  relay: RelayDoorSettings,
  handle: import('./core/types.js').RequestHandler,
  events: EventHub,
  maxBody: number | undefined,
): Promise<import('./tunnel/client.js').Tunnel> {
  const [{ connectTunnel }, { defaultChannel }, { describeTunnelState, describeTunnelLog }] = await Promise.all([
    import('./tunnel/client.js'),
    import('./config/channel.js'),
    import('./tunnel/tunnel-events.js'),
  ]);
  const channel = relay.channel ?? defaultChannel();
  const tunnel = connectTunnel({
    relayUrl: relay.url,
    channel,
    token: relay.token,
    maxBody,
    onRequest: handle,
    onState: (state) => {
      const e = describeTunnelState(state);
      if (e) events.emit(e);
    },
    log: (entry) => {
      const e = describeTunnelLog(entry);
      if (e) events.emit(e);
    },
  });
  tunnel.ready.then(
    (publicUrl) => events.emit({ type: 'listening', url: publicUrl, door: 'relay', detail: { channel } }),
    () => undefined,
  );
  return tunnel;
}
