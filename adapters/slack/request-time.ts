// Slack's replay guard, both ways: a request stamped more than five minutes from our clock, in the past or in the
// future, is refused (Bolt's own check looks only at the past). The clock is injectable for tests.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Slack's guidance: reject anything more than five minutes from local time. */
export const MAX_REQUEST_SKEW_S = 5 * 60;

/** True when the X-Slack-Request-Timestamp header is a time within five minutes of `nowMs`, either way. */
export function requestTimeOk(header: string | string[] | undefined, nowMs: number = Date.now()): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value || !/^\d+$/.test(value)) return false;
  return Math.abs(nowMs / 1000 - Number(value)) <= MAX_REQUEST_SKEW_S;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Wraps an HTTP receiver's listener: POSTs with a timestamp out of range get 401 before Bolt reads them (Bolt then
 * verifies the signature of the rest, which binds the timestamp to the body).
 */
export function refuseSkewedRequests(listener: Listener, now: () => number = Date.now): Listener {
  return (req, res) => {
    if (req.method === 'POST' && !requestTimeOk(req.headers['x-slack-request-timestamp'], now())) {
      res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Request timestamp missing or more than five minutes from server time.\n');
      req.resume();
      return;
    }
    listener(req, res);
  };
}
