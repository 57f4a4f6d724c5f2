// The local web chat as a ChatSurface: the bot's posts and edits go to the chat's Redis store, and start() opens the
// way in (receiver), the page's files (vendor assets) and the live stream.
import path from 'node:path';
import type { OutgoingMessage, ThreadRef } from '../../contract/messages.ts';
import type { ChatSurface, PostedMessage, PostOptions } from '../../contract/surface.ts';
import { LiveEvents } from './live-events.ts';
import { prepareVendorAssets } from './vendor-assets.ts';
import { cookieSecret, WebIdentity } from './web-identity.ts';
import type { WebAdapterOptions } from './web-options.ts';
import { chatUrl, WebReceiver } from './web-receiver.ts';
import { newId, WebStore } from './web-store.ts';
import { WebUploads } from './web-uploads.ts';

const BOT_USER = { id: 'linguacodus', name: 'Linguacodus' };
const MB = 1024 * 1024;

/** Uploads whose record expired (with their sessions) leave the disk this often. */
const UPLOAD_SWEEP_MS = 60 * 60 * 1000;

export interface WebSurface extends ChatSurface {
  /** The address the chat is served at (after start). */
  url(): string;
}

export function createWebSurface(options: WebAdapterOptions): WebSurface {
  const log = options.logger.child({ surface: 'web' });
  const dataRoot = path.resolve(options.dataDir);
  const vendorDir = path.join(dataRoot, 'web', 'vendor');
  let redis: ReturnType<WebAdapterOptions['connectRedis']> | null = null;
  let store: WebStore | null = null;
  let live: LiveEvents | null = null;
  let receiver: WebReceiver | null = null;
  let sweeper: NodeJS.Timeout | null = null;

  // Posting works without start(): a worker-only process can still deliver into the chat through Redis.
  const getStore = (): WebStore => {
    if (!store) {
      redis = options.connectRedis('linguacodus-web');
      store = new WebStore(redis, options.keyPrefix, options.ttlSeconds);
    }
    return store;
  };
  const uploads = new WebUploads(path.join(dataRoot, 'web', 'uploads'), options.maxUploadMb * MB, getStore);
  const sweepUploads = () =>
    uploads.sweep().catch((err: unknown) => log.warn({ err }, 'upload sweep failed'));

  return {
    name: 'web',
    url() {
      return receiver?.url() ?? chatUrl(options.host, options.port);
    },
    async start(handler) {
      const s = getStore();
      await prepareVendorAssets(vendorDir);
      live = new LiveEvents(() => options.connectRedis('linguacodus-web-events'), s.eventsChannel);
      await live.start();
      await sweepUploads();
      receiver = new WebReceiver({
        options,
        identity: new WebIdentity(await cookieSecret(dataRoot, options.cookieSecret)),
        dataRoot,
        vendorDir,
        store: getStore,
        uploads,
        live,
        handler,
        logger: log,
      });
      await receiver.listen();
      sweeper = setInterval(sweepUploads, UPLOAD_SWEEP_MS);
      sweeper.unref();
      log.info({ url: receiver.url() }, 'web chat listening');
    },
    async post(
      thread: ThreadRef,
      message: OutgoingMessage,
      postOptions?: PostOptions,
    ): Promise<PostedMessage> {
      const stored = await getStore().add(
        {
          id: newId(),
          channel: thread.channel,
          thread: thread.thread,
          user: BOT_USER,
          bot: true,
          text: message.text,
          blocks: message.blocks,
          files: [],
          ts: Date.now(),
          editedTs: null,
        },
        postOptions?.idempotencyKey,
      );
      return { messageId: stored.id };
    },
    async edit(_thread: ThreadRef, messageId: string, message: OutgoingMessage): Promise<void> {
      const done = await getStore().replace(messageId, { text: message.text, blocks: message.blocks });
      if (!done) log.warn({ messageId }, 'edit of a message that is gone (its history expired)');
    },
    async stop() {
      if (sweeper) clearInterval(sweeper);
      sweeper = null;
      // Streams first: an open SSE response would keep the server from closing.
      await live?.stop();
      live = null;
      await receiver?.close();
      receiver = null;
      await Promise.allSettled([redis?.quit()]);
      redis = null;
      store = null;
    },
  };
}
