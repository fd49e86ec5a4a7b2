"""An HTTP/1.1 backend for proxy tests: Python's http.server, keep-alive, recording every byte.

Usage: recording_server.py LOG_DIR
Prints the port it listens on (127.0.0.1, ephemeral), then serves until killed. Every connection
appends the bytes it receives, as received, to LOG_DIR/conn-N.bin. GET and HEAD get a small fixed
body; other methods read a Content-Length body and answer its length. The handler ignores
Transfer-Encoding, as many small servers do: a chunked body sent where none belongs is read as the
next request, and the recording shows it.
"""
import http.server
import itertools
import os
import sys
import threading

LOG_DIR = sys.argv[1]
COUNTER = itertools.count(1)


class Tee:
    def __init__(self, raw, path):
        self.raw = raw
        self.out = open(path, "ab", buffering=0)

    def _record(self, data):
        if data:
            self.out.write(data)
        return data

    def readline(self, size=-1):
        return self._record(self.raw.readline(size))

    def read(self, size=-1):
        return self._record(self.raw.read(size))

    def close(self):
        self.out.close()
        self.raw.close()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Head and body are separate writes; without TCP_NODELAY the body waits for a delayed ACK.
    disable_nagle_algorithm = True

    def setup(self):
        super().setup()
        self.rfile = Tee(self.rfile, os.path.join(LOG_DIR, "conn-%d.bin" % next(COUNTER)))

    def _answer(self, body):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        self._answer(b"hello from python\n")

    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length) if length else b""
        self._answer(b"%d\n" % len(data))

    do_PUT = do_POST
    do_DELETE = do_GET

    def log_message(self, format, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
