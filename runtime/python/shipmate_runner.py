"""Runs one replica of an Azure ML entry script as a local HTTP process.

Environment:
  SHIPMATE_ENTRY_SCRIPT  absolute path of the entry script (defines init() and run(raw_data))
  SHIPMATE_SOURCE_DIR    absolute directory put first on sys.path and made the working directory
  SHIPMATE_HOST          address to listen on (default 127.0.0.1)
  SHIPMATE_PORT          port to listen on (required; 0 picks a free one, named in the ready line)
  SHIPMATE_MODEL_PATHS   JSON object {"<model name>": "<folder of that model version>"},
                         read by the azureml.core.model shim beside this file
  AZUREML_MODEL_DIR      passed through untouched for the entry script

HTTP/1.1 with keep-alive:
  GET  /health  200 {"status": "ready"} (503 while init() runs)
  POST /score   body as text to run(); 200 with json.dumps(result), 500 ModelRunError if it raises

Exit codes: 0 after SIGTERM or SIGINT, 2 bad environment, 3 the entry script failed to load
or init() raised, 4 the address could not be bound.
"""

import importlib.util
import json
import os
import signal
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RUNTIME_DIR = os.path.dirname(os.path.abspath(__file__))
EXIT_BAD_ENV = 2
EXIT_INIT_FAILED = 3
EXIT_BIND_FAILED = 4
# In-flight requests get this long to finish after SIGTERM; the caller kills after its own grace.
DRAIN_SECONDS = 10.0
KEEP_ALIVE_SECONDS = 65

run_lock = threading.Lock()
state = {'ready': False, 'stopping': False, 'in_flight': 0, 'run': None}
state_lock = threading.Lock()
stop_requested = threading.Event()


def fail(code, message):
    sys.stderr.write('shipmate-runner: %s\n' % message)
    sys.stderr.flush()
    sys.exit(code)


def read_settings(env):
    entry = env.get('SHIPMATE_ENTRY_SCRIPT', '')
    source_dir = env.get('SHIPMATE_SOURCE_DIR', '')
    port_text = env.get('SHIPMATE_PORT', '')
    if not os.path.isabs(entry) or not os.path.isfile(entry):
        fail(EXIT_BAD_ENV, 'SHIPMATE_ENTRY_SCRIPT must be the absolute path of a file, got %r'
             % entry)
    if not os.path.isabs(source_dir) or not os.path.isdir(source_dir):
        fail(EXIT_BAD_ENV, 'SHIPMATE_SOURCE_DIR must be an absolute directory, got %r'
             % source_dir)
    if not port_text.isdigit() or int(port_text) > 65535:
        fail(EXIT_BAD_ENV, 'SHIPMATE_PORT must be an integer from 0 to 65535, got %r' % port_text)
    return entry, source_dir, env.get('SHIPMATE_HOST') or '127.0.0.1', int(port_text)


def error_body(code, message):
    return {'error': {'code': code, 'message': message}}


def to_json(value):
    # numpy arrays and scalars answer tolist(); Azure ML scripts often forget to convert.
    def fallback(obj):
        if hasattr(obj, 'tolist'):
            return obj.tolist()
        raise TypeError('Object of type %s is not JSON serializable' % type(obj).__name__)

    # NaN and Infinity are not JSON: a result holding them is an error, not a 200 a client
    # cannot parse.
    return json.dumps(value, default=fallback, allow_nan=False)


def score(raw_data):
    try:
        with run_lock:
            result = state['run'](raw_data)
        return 200, to_json(result)
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        sys.stderr.flush()
        message = '%s: %s' % (type(exc).__name__, exc)
        return 500, json.dumps(error_body('ModelRunError', message))


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    disable_nagle_algorithm = True
    timeout = KEEP_ALIVE_SECONDS

    def log_message(self, format, *args):
        pass

    def version_string(self):
        return 'shipmate-runner'

    def route(self):
        return self.path.split('?', 1)[0]

    def send_json(self, status, body):
        data = body.encode('utf-8')
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        if state['stopping'] or self.close_connection:
            self.send_header('Connection', 'close')
            self.close_connection = True
        self.end_headers()
        self.wfile.write(data)

    def send_error_json(self, status, code, message):
        self.send_json(status, json.dumps(error_body(code, message)))

    def read_body(self):
        if 'chunked' in self.headers.get('Transfer-Encoding', '').lower():
            return self.read_chunked()
        length = self.headers.get('Content-Length', '0').strip() or '0'
        if not length.isdigit():
            raise ValueError('Content-Length must be a non-negative integer')
        return self.rfile.read(int(length))

    def read_chunked(self):
        parts = []
        while True:
            size = int(self.rfile.readline().split(b';', 1)[0].strip(), 16)
            if size == 0:
                while self.rfile.readline() not in (b'\r\n', b'\n', b''):
                    pass
                return b''.join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline()

    def do_GET(self):
        path = self.route()
        if path == '/score':
            return self.send_error_json(405, 'MethodNotAllowed', 'use POST /score')
        if path != '/health':
            return self.send_error_json(404, 'NotFound', 'no route for GET %s' % path)
        if not state['ready']:
            return self.send_json(503, '{"status": "starting"}')
        self.send_json(200, '{"status": "ready"}')

    def do_POST(self):
        path = self.route()
        try:
            raw = self.read_body().decode('utf-8')
        except (ValueError, UnicodeDecodeError) as exc:
            self.close_connection = True
            return self.send_error_json(400, 'BadRequest', 'unreadable body: %s' % exc)
        if path == '/health':
            return self.send_error_json(405, 'MethodNotAllowed', 'use GET /health')
        if path != '/score':
            return self.send_error_json(404, 'NotFound', 'no route for POST %s' % path)
        if not state['ready']:
            return self.send_error_json(503, 'NotReady', 'init() has not finished')
        with state_lock:
            state['in_flight'] += 1
        try:
            status, body = score(raw)
            self.send_json(status, body)
        finally:
            with state_lock:
                state['in_flight'] -= 1

    def do_other(self):
        # The body, if any, is left unread, so this connection cannot carry another request.
        self.close_connection = True
        self.send_error_json(405, 'MethodNotAllowed', 'use GET /health or POST /score')

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_other


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def load_entry_script(entry):
    stem = os.path.splitext(os.path.basename(entry))[0]
    name = stem if stem.isidentifier() and stem not in sys.modules else '__shipmate_entry__'
    spec = importlib.util.spec_from_file_location(name, entry)
    if spec is None or spec.loader is None:
        raise ImportError('cannot load %s as a Python module' % entry)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    if not callable(getattr(module, 'run', None)):
        raise AttributeError('%s defines no run(raw_data) function' % entry)
    return module


def on_signal(signum, frame):
    if not state['ready']:
        # Still loading: no request can be in flight, so leaving at once is the clean stop.
        sys.exit(0)
    stop_requested.set()


def drain(server):
    state['stopping'] = True
    server.shutdown()
    deadline = time.monotonic() + DRAIN_SECONDS
    while state['in_flight'] > 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    server.server_close()


def watch_parent():
    # A supervisor killed with SIGKILL cannot stop its replicas; they notice and leave, so
    # no orphan keeps a port and a model in memory.
    parent = os.environ.get('SHIPMATE_PARENT_PID')
    if not parent or not parent.isdigit():
        return
    def loop():
        while os.getppid() == int(parent):
            time.sleep(1)
        os._exit(0)
    threading.Thread(target=loop, daemon=True).start()


def main():
    entry, source_dir, host, port = read_settings(os.environ)
    watch_parent()
    sys.stdout.reconfigure(line_buffering=True)
    sys.path[:] = [source_dir, RUNTIME_DIR] + [p for p in sys.path if p != RUNTIME_DIR]
    os.chdir(source_dir)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    try:
        server = Server((host, port), Handler)
    except OSError as exc:
        fail(EXIT_BIND_FAILED, 'cannot listen on %s:%d: %s' % (host, port, exc))
    serve = {'poll_interval': 0.1}
    threading.Thread(target=server.serve_forever, kwargs=serve, daemon=True).start()

    try:
        module = load_entry_script(entry)
        if callable(getattr(module, 'init', None)):
            module.init()
    except Exception:
        traceback.print_exc(file=sys.stderr)
        fail(EXIT_INIT_FAILED, 'init failed for %s' % entry)
    state['run'] = module.run
    state['ready'] = True
    print('shipmate-runner ready port=%d' % server.server_address[1], flush=True)

    stop_requested.wait()
    drain(server)
    sys.exit(0)


if __name__ == '__main__':
    main()
