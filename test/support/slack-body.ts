import type { IncomingMessage } from 'node:http';

// @slack/web-api sends objects and arrays as JSON strings inside a form body.
const jsonEncodedFields = new Set(['blocks', 'attachments', 'view', 'metadata', 'options']);

/**
 * Reads a Slack Web API request body into an object, the way Slack would: form-encoded
 * (fields such as `blocks` holding JSON strings are parsed back into values) or JSON.
 * Query-string parameters are merged in first, so a body field wins.
 */
export async function readSlackBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  const query = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams;
  const args: Record<string, unknown> = fromForm(query);

  if (raw.trim() === '') return args;
  if (type === 'application/json') return { ...args, ...parseJsonObject(raw) };
  return { ...args, ...fromForm(new URLSearchParams(raw)) };
}

function fromForm(params: URLSearchParams): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [key, value] of params) {
    args[key] = jsonEncodedFields.has(key) ? parseJsonOrKeep(value) : value;
  }
  return args;
}

function parseJsonOrKeep(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function parseJsonObject(raw: string): Record<string, unknown> {
  const value = JSON.parse(raw) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('the JSON body is not an object');
  }
  return value as Record<string, unknown>;
}
