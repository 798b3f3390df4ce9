"""A scripted MQTT v5 server for the helper's own tests: real sockets, literal CONNACK bytes.

Each connection's CONNECT is read and answered with one CONNACK: a redirect (0x9C/0x9D with a
Server Reference) or an accept (0x00, then held open until the server stops or drops its clients,
as a broker that dies). The real dispatcher
is tested from the Java side (dispatcher/device-kit, PythonHelperIT).
"""

import socket
import threading
import time


def _varint(n):
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def connack(reason_code, server_reference=None):
    props = b""
    if server_reference is not None:
        ref = server_reference.encode("utf-8")
        props = b"\x1c" + len(ref).to_bytes(2, "big") + ref  # 0x1C Server Reference, UTF-8 string
    body = b"\x00" + bytes([reason_code]) + _varint(len(props)) + props  # flags, reason code, properties
    return b"\x20" + _varint(len(body)) + body  # CONNACK, remaining length


class ScriptedServer:
    def __init__(self, reason_code=0x00, server_reference=None):
        self.answer = connack(reason_code, server_reference)
        self.accepts = reason_code == 0x00
        self.connects = 0
        self.connect_times = []  # time.monotonic() of each CONNECT answered
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._open = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.settimeout(5)
            try:
                first = conn.recv(1)  # CONNECT fixed header
                length, shift = 0, 0
                while True:
                    b = conn.recv(1)[0]
                    length += (b & 0x7F) << shift
                    shift += 7
                    if not b & 0x80:
                        break
                while length > 0:
                    length -= len(conn.recv(length))
                if first != b"\x10":
                    conn.close()
                    continue
                self.connects += 1
                self.connect_times.append(time.monotonic())
                conn.sendall(self.answer)
            except (OSError, IndexError):
                conn.close()
                continue
            if self.accepts:
                self._open.append(conn)
            else:
                conn.close()

    def drop_clients(self):
        """Closes every accepted connection, as a broker that dies (the listener stays)."""
        open_now, self._open = self._open, []
        for c in open_now:
            c.close()

    def close(self):
        self._stop.set()
        self._sock.close()
        self._thread.join(2)
        for c in self._open:
            c.close()
