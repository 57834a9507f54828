import type { RequestHandler } from 'express';

const windowSeconds = 5 * 60;

/**
 * Refuses a Slack request whose timestamp is more than five minutes from now in either
 * direction. Bolt refuses old ones; a timestamp from the future would otherwise stretch the
 * replay window, so it is refused here, before Bolt reads the body.
 */
export function timestampWindow(now: () => number = Date.now): RequestHandler {
  return (req, res, next) => {
    const header = req.headers['x-slack-request-timestamp'];
    const timestamp = Number(Array.isArray(header) ? header[0] : header);
    if (Number.isFinite(timestamp) && Math.abs(now() / 1000 - timestamp) > windowSeconds) {
      res.status(401).send();
      return;
    }
    next();
  };
}
