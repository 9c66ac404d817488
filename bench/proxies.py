"""Counting proxies on 127.0.0.1, for bench/run.py (standard library only).

CountingTcpProxy relays a TCP port byte for byte (git daemon's git://) and
counts the bytes in each direction. CountingHttpProxy sits between nip and
Kubo's RPC API: it reads each HTTP/1.1 request and response far enough to know
where it ends (Content-Length, chunked, or until the server closes), relays
them unchanged on one upstream connection per client connection, and counts
requests (per API call too) and every byte on the wire (headers, bodies and
chunk framing) in each direction. Both count a chunk before relaying it, so
once the client has read its last byte the counters hold it.

Both run threaded in the benchmark's own process; `snapshot()` is read before
and after an operation and the difference is the operation's traffic.
"""
import socket
import socketserver
import threading

CHUNK = 1 << 16


class _Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.up = 0        # client -> server bytes
        self.down = 0      # server -> client bytes
        self.conns = 0
        self.calls = {}    # API call -> requests

    def add(self, up=0, down=0):
        with self.lock:
            self.up += up
            self.down += down

    def snapshot(self):
        with self.lock:
            return {"requests": self.requests, "up": self.up, "down": self.down,
                    "conns": self.conns, "calls": dict(self.calls)}


def diff(after, before):
    """The traffic between two snapshots."""
    d = {k: after[k] - before[k] for k in ("requests", "up", "down", "conns")}
    d["bytes"] = d["up"] + d["down"]
    d["calls"] = {k: v - before["calls"].get(k, 0) for k, v in after["calls"].items()
                  if v - before["calls"].get(k, 0)}
    return d


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class _Proxy:
    handler = None

    def __init__(self, upstream_host, upstream_port):
        self.upstream = (upstream_host, upstream_port)
        self.stats = _Stats()
        self.server = _Server(("127.0.0.1", 0), self.handler)
        self.server.proxy = self
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        self.thread.start()

    def snapshot(self):
        return self.stats.snapshot()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _nodelay(s):
    try:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:
        pass


class _TcpHandler(socketserver.BaseRequestHandler):
    def handle(self):
        px = self.server.proxy
        cli = self.request
        with px.stats.lock:
            px.stats.conns += 1
        try:
            up = socket.create_connection(px.upstream, timeout=30)
        except OSError:
            return
        up.settimeout(None)
        _nodelay(cli)
        _nodelay(up)

        def pump(src, dst, key):
            try:
                while True:
                    data = src.recv(CHUNK)
                    if not data:
                        break
                    px.stats.add(**{key: len(data)})
                    dst.sendall(data)
            except OSError:
                pass
            finally:
                try:
                    dst.shutdown(socket.SHUT_WR)
                except OSError:
                    pass

        t = threading.Thread(target=pump, args=(up, cli, "down"), daemon=True)
        t.start()
        pump(cli, up, "up")
        t.join()
        up.close()


class CountingTcpProxy(_Proxy):
    """127.0.0.1:<port> -> upstream, counting bytes each way."""
    handler = _TcpHandler


class _Eof(Exception):
    pass


def _read_head(f):
    """One request or response head (start line and headers, CRLF CRLF included), or None at EOF."""
    lines = []
    while True:
        line = f.readline(65537)
        if not line:
            if lines:
                raise _Eof("connection closed inside a message head")
            return None
        if not lines and line in (b"\r\n", b"\n"):
            continue  # stray CRLF between messages
        lines.append(line)
        if line in (b"\r\n", b"\n"):
            return b"".join(lines)
        if len(lines) > 200:
            raise _Eof("message head too long")


def _headers(head):
    out = {}
    for line in head.split(b"\r\n")[1:]:
        if b":" in line:
            k, v = line.split(b":", 1)
            out[k.strip().lower().decode("latin-1")] = v.strip().decode("latin-1")
    return out


def _relay_exact(src, dst, n):
    done = 0
    while done < n:
        data = src.read1(min(n - done, CHUNK))
        if not data:
            raise _Eof("connection closed inside a body")
        dst.sendall(data)
        done += len(data)
    return done


def _relay_body(src, dst, headers, is_request, count):
    """Relays one message body; returns True when the body ran to EOF (the connection is done)."""
    te = headers.get("transfer-encoding", "").lower()
    if "chunked" in te:
        while True:
            line = src.readline(65537)
            if not line:
                raise _Eof("connection closed inside a chunked body")
            count(len(line))
            dst.sendall(line)
            size = int(line.split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while True:  # trailers (Kubo sends X-Stream-Error there), then the empty line
                    t = src.readline(65537)
                    count(len(t))
                    dst.sendall(t)
                    if t in (b"\r\n", b"\n", b""):
                        return False
            count(_relay_exact(src, dst, size + 2))  # data and its CRLF
    if "content-length" in headers:
        count(_relay_exact(src, dst, int(headers["content-length"])))
        return False
    if is_request:
        return False
    while True:  # a response delimited by the server closing the connection
        data = src.read1(CHUNK)
        if not data:
            return True
        count(len(data))
        dst.sendall(data)


class _HttpHandler(socketserver.BaseRequestHandler):
    def handle(self):
        px = self.server.proxy
        st = px.stats
        cli = self.request
        with st.lock:
            st.conns += 1
        try:
            up = socket.create_connection(px.upstream, timeout=30)
        except OSError:
            return
        up.settimeout(None)
        _nodelay(cli)
        _nodelay(up)
        rc = cli.makefile("rb", buffering=CHUNK)
        ru = up.makefile("rb", buffering=CHUNK)
        count_up = lambda n: st.add(up=n)
        count_down = lambda n: st.add(down=n)
        try:
            while True:
                head = _read_head(rc)
                if head is None:
                    return
                start = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
                method, target = start[0], start[1] if len(start) > 1 else ""
                call = target.split("?", 1)[0]
                call = call[len("/api/v0/"):] if call.startswith("/api/v0/") else call
                with st.lock:
                    st.requests += 1
                    st.calls[call] = st.calls.get(call, 0) + 1
                    st.up += len(head)
                h = _headers(head)
                up.sendall(head)
                _relay_body(rc, up, h, True, count_up)
                while True:
                    rhead = _read_head(ru)
                    if rhead is None:
                        return
                    count_down(len(rhead))
                    cli.sendall(rhead)
                    status = int(rhead.split(b" ", 2)[1])
                    if 100 <= status < 200 and status != 101:
                        continue
                    break
                rh = _headers(rhead)
                if method == "HEAD" or status in (204, 304) or status == 101:
                    closed = status == 101
                else:
                    closed = _relay_body(ru, cli, rh, False, count_down)
                if closed or rh.get("connection", "").lower() == "close" or h.get("connection", "").lower() == "close":
                    return
        except (OSError, ValueError, _Eof):
            return
        finally:
            for s in (rc, ru):
                try:
                    s.close()
                except OSError:
                    pass
            for s in (up,):
                try:
                    s.close()
                except OSError:
                    pass


class CountingHttpProxy(_Proxy):
    """127.0.0.1:<port> -> an HTTP/1.1 server (Kubo's RPC API), counting requests and bytes."""
    handler = _HttpHandler

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"
