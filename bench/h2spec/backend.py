import http.server
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def _body(self):
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                self.rfile.read(size + 2) if size else None
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b""):
                        pass
                    return
        else:
            self.rfile.read(int(self.headers.get("content-length", 0)))
    def _answer(self):
        self._body()
        data = b"hello from backend\n"
        self.send_response(200)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _answer
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", 18081), H).serve_forever()
