// The server's API, typed by its views: who I am, channels, threads, posts, presses and uploads.
// @ts-check
import { formatBytes } from './dom.js';

/** @typedef {import('../../web-views.ts').ChannelMessagesView} ChannelMessagesView */
/** @typedef {import('../../web-views.ts').ChannelsView} ChannelsView */
/** @typedef {import('../../web-views.ts').MeView} MeView */
/** @typedef {import('../../web-views.ts').PostedView} PostedView */
/** @typedef {import('../../web-views.ts').PostMessageRequest} PostMessageRequest */
/** @typedef {import('../../web-views.ts').PressRequest} PressRequest */
/** @typedef {import('../../web-views.ts').RenameRequest} RenameRequest */
/** @typedef {import('../../web-views.ts').ThreadView} ThreadView */
/** @typedef {import('../../web-views.ts').UploadRefusedView} UploadRefusedView */
/** @typedef {import('../../web-views.ts').UploadView} UploadView */

/** A refusal by the server: its status and its message. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * The server's answer to a request; a refusal (an ErrorView) becomes an ApiError with its status and message.
 * Who this browser is comes from the server (a signed cookie or the person's own token): requests carry no user.
 * @param {string} path
 * @param {RequestInit} [options]
 * @returns {Promise<unknown>}
 */
async function api(path, options = {}) {
  const res = await fetch(path, { credentials: 'same-origin', ...options });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, body.error || `${res.status} ${res.statusText}`);
  return body;
}

/**
 * @param {string} path
 * @param {PostMessageRequest | PressRequest | RenameRequest} body
 */
const postJson = (path, body) =>
  api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

/** GET /api/me: who this browser is, as the server decided. */
export const getMe = async () => /** @type {MeView} */ (await api('/api/me'));

/** @param {RenameRequest} body POST /api/me: a guest's new name. */
export const rename = async (body) => /** @type {MeView} */ (await postJson('/api/me', body));

/** GET /api/channels: the channels and the upload limit. */
export const getChannels = async () => /** @type {ChannelsView} */ (await api('/api/channels'));

/** @param {string} channel GET a channel's messages (thread roots, with their summaries). */
export const getChannelMessages = async (channel) =>
  /** @type {ChannelMessagesView} */ (await api(`/api/channels/${encodeURIComponent(channel)}/messages`));

/** @param {string} id GET a thread: its root and replies (an ApiError 404 when the server lost it). */
export const getThread = async (id) =>
  /** @type {ThreadView} */ (await api(`/api/threads/${encodeURIComponent(id)}`));

/** @param {PostMessageRequest} body POST a message, opening a thread or replying in one. */
export const postMessage = async (body) => /** @type {PostedView} */ (await postJson('/api/messages', body));

/** @param {PressRequest} body POST the press of a message's button. */
export const pressAction = (body) => postJson('/api/actions', body);

/**
 * Uploads the file; one over the limit is refused here, before any byte is sent (the server cuts off a larger
 * upload anyway, and answers 413 with the refusal).
 * @param {File} file
 * @param {number} maxUploadMb
 * @returns {Promise<string>} the upload's id, for the message that carries it
 */
export async function upload(file, maxUploadMb) {
  if (file.size > maxUploadMb * 1048576) {
    throw new Error(`${file.name} is ${formatBytes(file.size)}; the limit is ${maxUploadMb} MB.`);
  }
  const res = await fetch(`/api/uploads?name=${encodeURIComponent(file.name)}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': file.type || 'application/octet-stream' },
    body: file,
  });
  const body = /** @type {UploadView | UploadRefusedView} */ (await res.json());
  if (!res.ok) throw new Error('error' in body ? body.error : 'upload failed');
  return body.id;
}
