// Runs one replica of an ES-module entry script (exports init?() and run(rawData)) as a local
// HTTP process. Same contract as runtime/python/shipmate_runner.py:
//
//   SHIPMATE_ENTRY_SCRIPT  absolute path of the entry module
//   SHIPMATE_SOURCE_DIR    absolute directory made the working directory
//   SHIPMATE_HOST          address to listen on (default 127.0.0.1)
//   SHIPMATE_PORT          port (required; 0 picks a free one, named in the ready line)
//   SHIPMATE_MODEL_PATHS, AZUREML_MODEL_DIR  passed through for the entry script
//
//   GET  /health  200 {"status":"ready"} (503 while init() runs)
//   POST /score   body as a string to run(); 200 with JSON.stringify(result),
//                 500 {"error":{"code":"ModelRunError",...}} if it throws
//
// Exit codes: 0 after SIGTERM or SIGINT, 2 bad environment, 3 the entry script failed to
// load or init() threw, 4 the address could not be bound.
import { createServer } from 'node:http';
import { isAbsolute } from 'node:path';
import { statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const EXIT_BAD_ENV = 2;
const EXIT_INIT_FAILED = 3;
const EXIT_BIND_FAILED = 4;
// In-flight requests get this long to finish after SIGTERM; the caller kills after its own grace.
const DRAIN_MS = 10_000;
const KEEP_ALIVE_MS = 65_000;

const state = { ready: false, stopping: false, run: undefined };
let queue = Promise.resolve();

function fail(code, message) {
  process.stderr.write(`shipmate-runner: ${message}\n`);
  process.exit(code);
}

function isKind(path, kind) {
  try {
    const stats = statSync(path);
    return kind === 'directory' ? stats.isDirectory() : stats.isFile();
  } catch {
    return false;
  }
}

function readSettings(env) {
  const entry = env.SHIPMATE_ENTRY_SCRIPT ?? '';
  const sourceDir = env.SHIPMATE_SOURCE_DIR ?? '';
  const portText = env.SHIPMATE_PORT ?? '';
  if (!isAbsolute(entry) || !isKind(entry, 'file')) {
    fail(EXIT_BAD_ENV, `SHIPMATE_ENTRY_SCRIPT must be the absolute path of a file, got '${entry}'`);
  }
  if (!isAbsolute(sourceDir) || !isKind(sourceDir, 'directory')) {
    fail(EXIT_BAD_ENV, `SHIPMATE_SOURCE_DIR must be an absolute directory, got '${sourceDir}'`);
  }
  if (!/^\d+$/.test(portText) || Number(portText) > 65535) {
    fail(EXIT_BAD_ENV, `SHIPMATE_PORT must be an integer from 0 to 65535, got '${portText}'`);
  }
  return { entry, sourceDir, host: env.SHIPMATE_HOST || '127.0.0.1', port: Number(portText) };
}

function send(res, status, body) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  if (state.stopping) res.setHeader('Connection', 'close');
  res.end(body);
}

function sendError(res, status, code, message) {
  send(res, status, JSON.stringify({ error: { code, message } }));
}

function describe(error) {
  if (!(error instanceof Error)) return `Error: ${String(error)}`;
  // A subclass that does not set name still reports its class, as Python's type name would.
  const type = error.name === 'Error' ? error.constructor.name : error.name;
  return `${type}: ${error.message}`;
}

// Azure ML runs one request at a time per worker; the queue keeps that promise for async run().
function score(rawData) {
  const result = queue.then(async () => {
    try {
      const value = await state.run(rawData);
      return { status: 200, body: JSON.stringify(value === undefined ? null : value) };
    } catch (error) {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      const body = { error: { code: 'ModelRunError', message: describe(error) } };
      return { status: 500, body: JSON.stringify(body) };
    }
  });
  queue = result;
  return result;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const decoder = new TextDecoder('utf-8', { fatal: true });
let inFlight = 0;

async function handle(req, res) {
  const path = (req.url ?? '/').split('?', 1)[0];
  const bytes = await readBody(req);
  if (path === '/health' && req.method === 'GET') {
    if (!state.ready) return send(res, 503, '{"status":"starting"}');
    return send(res, 200, '{"status":"ready"}');
  }
  if (path === '/score' && req.method === 'POST') {
    if (!state.ready) return sendError(res, 503, 'NotReady', 'init() has not finished');
    let rawData;
    try {
      rawData = decoder.decode(bytes);
    } catch (error) {
      return sendError(res, 400, 'BadRequest', `unreadable body: ${describe(error)}`);
    }
    inFlight += 1;
    try {
      const { status, body } = await score(rawData);
      return send(res, status, body);
    } finally {
      inFlight -= 1;
    }
  }
  if (path === '/health' || path === '/score') {
    return sendError(res, 405, 'MethodNotAllowed', 'use GET /health or POST /score');
  }
  return sendError(res, 404, 'NotFound', `no route for ${req.method} ${path}`);
}

function listen(server, host, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve(server.address().port);
    });
  });
}

function stop(server) {
  if (!state.ready) process.exit(0);
  if (state.stopping) return;
  state.stopping = true;
  server.close();
  server.closeIdleConnections();
  const started = Date.now();
  const timer = setInterval(() => {
    if (inFlight === 0 || Date.now() - started > DRAIN_MS) process.exit(0);
  }, 20);
  timer.unref();
  server.once('close', () => process.exit(0));
}

// A supervisor killed with SIGKILL cannot stop its replicas; they notice and leave.
function watchParent() {
  const parent = Number(process.env.SHIPMATE_PARENT_PID);
  if (!Number.isInteger(parent) || parent <= 0) return;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(0);
  }, 1_000).unref();
}

async function main() {
  const { entry, sourceDir, host, port } = readSettings(process.env);
  watchParent();
  process.chdir(sourceDir);
  const server = createServer({ keepAliveTimeout: KEEP_ALIVE_MS }, (req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) sendError(res, 500, 'InternalError', describe(error));
    });
  });
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  process.on('SIGTERM', () => stop(server));
  process.on('SIGINT', () => stop(server));

  let boundPort;
  try {
    boundPort = await listen(server, host, port);
  } catch (error) {
    fail(EXIT_BIND_FAILED, `cannot listen on ${host}:${port}: ${describe(error)}`);
  }

  try {
    const module = await import(pathToFileURL(entry).href);
    if (typeof module.run !== 'function') throw new TypeError(`${entry} exports no run(rawData)`);
    if (typeof module.init === 'function') await module.init();
    state.run = module.run;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    fail(EXIT_INIT_FAILED, `init failed for ${entry}`);
  }
  state.ready = true;
  process.stdout.write(`shipmate-runner ready port=${boundPort}\n`);
}

await main();
