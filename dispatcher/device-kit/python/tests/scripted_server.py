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


def _read_packet(conn):
    """(first byte, body) of one MQTT packet; raises OSError or IndexError when the peer is gone."""
    first = conn.recv(1)[0]
    length, shift = 0, 0
    while True:
        b = conn.recv(1)[0]
        length += (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            break
    body = b""
    while len(body) < length:
        chunk = conn.recv(length - len(body))
        if not chunk:
            raise OSError("closed")
        body += chunk
    return first, body


def _drop(conn):
    # shutdown first: a close alone does not end a connection another thread is reading
    try:
        conn.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    conn.close()


class ScriptedServer:
    """``drop_after``: seconds after which an accepted connection is closed (a broker that accepts the
    device and drops it), None to hold it. An accepting server answers PUBLISH QoS 1 with PUBACK
    and keeps the topics it received in ``published``."""

    def __init__(self, reason_code=0x00, server_reference=None, drop_after=None):
        self.answer = connack(reason_code, server_reference)
        self.accepts = reason_code == 0x00
        self.drop_after = drop_after
        self.connects = 0
        self.connect_times = []  # time.monotonic() of each CONNECT answered
        self.published = []
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
                first, _ = _read_packet(conn)
                if first != 0x10:
                    conn.close()
                    continue
                self.connects += 1
                self.connect_times.append(time.monotonic())
                conn.sendall(self.answer)
            except (OSError, IndexError):
                conn.close()
                continue
            if not self.accepts:
                conn.close()
                continue
            self._open.append(conn)
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()
            if self.drop_after is not None:
                threading.Timer(self.drop_after, _drop, args=(conn,)).start()

    def _session(self, conn):
        conn.settimeout(None)
        try:
            while True:
                first, body = _read_packet(conn)
                if first & 0xF0 == 0x30:  # PUBLISH: topic, then a packet id when QoS > 0
                    n = int.from_bytes(body[:2], "big")
                    self.published.append(body[2:2 + n].decode("utf-8"))
                    if (first >> 1) & 3:
                        conn.sendall(b"\x40\x02" + body[2 + n:4 + n])  # PUBACK, packet id
                elif first & 0xF0 == 0xC0:  # PINGREQ
                    conn.sendall(b"\xd0\x00")
        except (OSError, IndexError):
            pass

    def drop_clients(self):
        """Closes every accepted connection, as a broker that dies (the listener stays)."""
        open_now, self._open = self._open, []
        for c in open_now:
            _drop(c)

    def close(self):
        self._stop.set()
        self._sock.close()
        self._thread.join(2)
        for c in self._open:
            _drop(c)
