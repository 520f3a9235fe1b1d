"""A small local web server for the built site: under any subpath, with any
headers, quiet about connections a browser drops. Used by the tests and by
scripts/page_weight.py. It listens on 127.0.0.1 only.
"""
import functools
import http.server
import sys
import threading
import urllib.parse


class _Handler(http.server.SimpleHTTPRequestHandler):
    prefix = "/"
    headers_to_send = {}

    def translate_path(self, path):
        parsed = urllib.parse.urlsplit(path).path
        if not parsed.startswith(self.prefix):
            return "/nonexistent-outside-prefix"
        return super().translate_path("/" + parsed[len(self.prefix):])

    def end_headers(self):
        for k, v in self.headers_to_send.items():
            self.send_header(k, v)
        super().end_headers()

    def log_message(self, *args):
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A browser that drops a connection it no longer needs is not an error.
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


class Server:
    """serve(directory, prefix, headers) -> Server; .url is the base URL.
    Use as a context manager, or call .close()."""

    def __init__(self, directory, prefix="/", headers=None, host="127.0.0.1"):
        if not prefix.startswith("/") or not prefix.endswith("/"):
            raise ValueError(f"prefix must start and end with '/': {prefix!r}")
        handler = type("Handler", (_Handler,), {"prefix": prefix, "headers_to_send": dict(headers or {})})
        self._server = _QuietServer((host, 0), functools.partial(handler, directory=str(directory)))
        self.url = f"http://{host}:{self._server.server_address[1]}{prefix}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self):
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


serve = Server
