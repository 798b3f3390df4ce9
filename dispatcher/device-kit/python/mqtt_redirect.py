"""Follow an MQTT v5 dispatcher's redirect with paho-mqtt (1.6 or 2.x); no other dependency.

The dispatcher answers CONNECT with CONNACK 0x9C (Use another server) or 0x9D (Server moved) and a
Server Reference. RedirectingClient connects there with the same settings, follows at most
``max_hops`` redirects, refuses a loop, and goes back through the dispatcher when the broker drops
the device later, after a capped, jittered backoff (the first pass waits 100-200 ms too: the
broker's probe needs that moment to tell the dispatcher the broker is gone)::

    from mqtt_redirect import RedirectingClient

    device = RedirectingClient("dispatcher.example:1883", client_id="sensor-42",
                               configure=lambda c: c.username_pw_set("sensor-42", secret),
                               on_connected=lambda d: d.client.subscribe("cmd/42", qos=1))
    device.connect()                    # raises ConnectFailed / RedirectLoop
    device.publish("sensors/42", b"21.5", qos=1).wait_for_publish(5)   # queued while between brokers
    device.close()

A landing that does not last ``stable_after`` seconds does not reset the backoff: a broker that
accepts the device and drops it at once sees it back after ever longer waits, and counts as a
failed pass towards ``reconnect_attempts``.

A reference is ``host:port``, ``host`` (port 1883), ``[ipv6]:port``, ``ws://host:port/path`` or
``wss://...``, or several separated by spaces, tried in order.
"""

import logging
import random
import threading
import time
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt

DEFAULT_MQTT_PORT = 1883
DEFAULT_MAX_HOPS = 3
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_RECONNECT_ATTEMPTS = 10
DEFAULT_FIRST_BACKOFF = 0.2
DEFAULT_MAX_BACKOFF = 5.0
DEFAULT_STABLE_AFTER = 20.0
DEFAULT_MAX_QUEUED = 100

USE_ANOTHER_SERVER = 0x9C
SERVER_MOVED = 0x9D

PAHO_2 = hasattr(mqtt, "CallbackAPIVersion")

LOG = logging.getLogger("mqtt_redirect")


class ConnectFailed(Exception):
    """No broker reached: refused (``reason_code`` set when a server answered), unreachable, timed out."""

    def __init__(self, message, reason_code=None):
        super().__init__(message)
        self.reason_code = reason_code


class RedirectLoop(ConnectFailed):
    """A reference named an endpoint that had already redirected the device, or too many hops."""


class QueueFull(Exception):
    """A QoS 1 or 2 publish made between brokers found ``max_queued`` publishes already waiting."""


class QueuedPublish:
    """A QoS 1 or 2 publish made while the device was between brokers, sent on the next broker it
    lands on. Answers like paho's MQTTMessageInfo: ``wait_for_publish(timeout)``, ``is_published()``."""

    def __init__(self, topic, payload, qos, retain, properties):
        self.message = (topic, payload, qos, retain, properties)
        self._sent = threading.Event()
        self._info = None
        self._error = None

    def _send(self, client):
        self._info = client.publish(*self.message)
        self._sent.set()

    def _fail(self, error):
        self._error = error
        self._sent.set()

    def wait_for_publish(self, timeout=None):
        """True once the broker acknowledged it, False after ``timeout`` s; raises ConnectFailed when
        the device gave up or was closed before it reached a broker."""
        deadline = None if timeout is None else time.monotonic() + timeout
        if not self._sent.wait(timeout):
            return False
        if self._error is not None:
            raise self._error
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        try:
            self._info.wait_for_publish(left)
        except (RuntimeError, ValueError):  # paho: the client lost its broker before sending it
            return False
        return self._info.is_published()

    def is_published(self):
        return self._info is not None and self._info.is_published()


class Endpoint:
    """Where to connect: host, port, and for a ws:// or wss:// URI the WebSocket path and TLS."""

    __slots__ = ("host", "port", "websocket", "tls", "path")

    def __init__(self, host, port, websocket=False, tls=False, path=""):
        if not host:
            raise ValueError("empty host")
        if not 1 <= port <= 65535:
            raise ValueError("port %d is outside 1..65535" % port)
        self.host, self.port, self.websocket, self.tls, self.path = host, port, websocket, tls, path

    def same_socket(self, other):
        return self.port == other.port and self.host.lower() == other.host.lower()

    def host_port(self):
        return ("[%s]:%d" if ":" in self.host else "%s:%d") % (self.host, self.port)

    def __eq__(self, other):
        return isinstance(other, Endpoint) and (self.host, self.port, self.websocket, self.tls, self.path) == (
            other.host, other.port, other.websocket, other.tls, other.path)

    def __hash__(self):
        return hash((self.host, self.port, self.path))

    def __repr__(self):
        if not self.websocket:
            return self.host_port()
        return "%s://%s%s" % ("wss" if self.tls else "ws", self.host_port(), self.path)


def _port(value, digits):
    if not digits.isdigit():
        raise ValueError("'%s': port must be a number" % value)
    port = int(digits)
    if not 1 <= port <= 65535:
        raise ValueError("'%s': port must be within 1..65535" % value)
    return port


def parse_endpoint(value):
    """One endpoint; raises ValueError naming the accepted forms."""
    v = value.strip()
    if not v:
        raise ValueError("empty endpoint")
    lower = v.lower()
    if lower.startswith(("ws://", "wss://")):
        uri = urlsplit(v)
        if not uri.hostname:
            raise ValueError("'%s' names no host" % value)
        try:
            explicit = uri.port
        except ValueError:
            raise ValueError("'%s': port must be a number within 1..65535" % value) from None
        tls = lower.startswith("wss://")
        path = (uri.path or "/") + ("?" + uri.query if uri.query else "")
        return Endpoint(uri.hostname, explicit or (443 if tls else 80), True, tls, path)
    if "://" in lower:
        raise ValueError("'%s': only ws:// and wss:// URIs are understood; write other endpoints as host:port" % value)
    if v.startswith("["):
        close = v.find("]")
        if close < 0:
            raise ValueError("'%s': missing ']' after the IPv6 address" % value)
        rest = v[close + 1:]
        if not rest:
            return Endpoint(v[1:close], DEFAULT_MQTT_PORT)
        if not rest.startswith(":"):
            raise ValueError("'%s' is not [IPV6]:PORT (e.g. [::1]:1883)" % value)
        return Endpoint(v[1:close], _port(value, rest[1:]))
    if v.count(":") > 1:
        raise ValueError("'%s': write an IPv6 address in brackets, e.g. [::1]:1883" % value)
    if ":" not in v:
        return Endpoint(v, DEFAULT_MQTT_PORT)
    host, digits = v.split(":")
    if not host:
        raise ValueError("'%s' is not HOST:PORT (e.g. 127.0.0.1:1883)" % value)
    return Endpoint(host, _port(value, digits))


def parse_server_reference(reference):
    """The endpoints a Server Reference names, in the order to try them."""
    parts = (reference or "").split()
    if not parts:
        raise ValueError("empty Server Reference")
    return [parse_endpoint(p) for p in parts]


def backoff_delay(attempt, first=DEFAULT_FIRST_BACKOFF, cap=DEFAULT_MAX_BACKOFF, rand=random.random):
    """Wait before retry number ``attempt`` (0 first): between half and all of min(cap, first * 2^attempt)."""
    ceiling = min(cap, first * (2 ** min(max(attempt, 0), 30)))
    return ceiling / 2 + rand() * (ceiling / 2)


def _code(reason):
    return getattr(reason, "value", reason)


class RedirectingClient:
    """An MQTT v5 device that reaches its broker through the dispatcher. ``client`` is the paho client
    on the broker the device is on now (its network loop runs in a background thread)."""

    def __init__(self, dispatcher, client_id="", configure=None, keepalive=60, clean_start=True,
                 properties=None, transport="tcp", ws_path="/mqtt", max_hops=DEFAULT_MAX_HOPS,
                 connect_timeout=DEFAULT_CONNECT_TIMEOUT, reconnect_attempts=DEFAULT_RECONNECT_ATTEMPTS,
                 max_backoff=DEFAULT_MAX_BACKOFF, stable_after=DEFAULT_STABLE_AFTER, max_queued=DEFAULT_MAX_QUEUED,
                 on_connected=None, on_gave_up=None, on_reconnecting=None, on_error=None):
        """``dispatcher``: a reference as above. ``configure(client)`` is applied to the paho client
        of every hop (credentials, TLS, on_message, ...). ``transport``/``ws_path`` are the device's
        own transport for ``host:port`` endpoints; a ws:// or wss:// reference overrides them.
        ``on_connected(device)`` runs after each landing on a broker (subscribe there), including
        after a loss; ``on_gave_up(device, error)`` when reconnecting stopped;
        ``on_reconnecting(device, attempt, delay, error)`` before each wait after a loss (error None
        for the wait that follows the loss itself; delay in seconds). ``attempt`` counts the passes
        since the last landing that lasted ``stable_after`` seconds: a loss after such a landing
        starts again at 0, a landing that did not last counts as a failed pass. ``max_queued``:
        QoS 1 and 2 publishes (``publish``) held while the device is between brokers; one more
        raises QueueFull. An exception raised by ``on_connected`` after a loss is logged and given
        to ``on_error(device, error)``; the device stays on the broker (from ``connect()`` it is
        raised)."""
        if not 1 <= max_hops <= 10:
            raise ValueError("max_hops must be within 1..10, got %r" % max_hops)
        if max_backoff < DEFAULT_FIRST_BACKOFF:
            raise ValueError("max_backoff must be at least %g s, got %r" % (DEFAULT_FIRST_BACKOFF, max_backoff))
        self.dispatchers = parse_server_reference(dispatcher)
        self.client_id = client_id
        self.configure = configure or (lambda c: None)
        self.keepalive = keepalive
        self.clean_start = clean_start
        self.properties = properties
        self.transport = transport
        self.ws_path = ws_path
        self.max_hops = max_hops
        self.connect_timeout = connect_timeout
        self.reconnect_attempts = reconnect_attempts
        self.max_backoff = max_backoff
        if stable_after < 0:
            raise ValueError("stable_after must be 0 or more seconds, got %r" % stable_after)
        self.stable_after = stable_after
        if max_queued < 0:
            raise ValueError("max_queued must be 0 or more, got %r" % max_queued)
        self.max_queued = max_queued
        self.on_connected = on_connected or (lambda d: None)
        self.on_gave_up = on_gave_up or (lambda d, e: None)
        self.on_reconnecting = on_reconnecting or (lambda d, attempt, delay, error: None)
        self.on_error = on_error or (lambda d, error: None)
        self.client = None
        self.broker = None
        self.hops = 0
        self.reconnects = 0
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._landed_at = 0.0
        self._failed_passes = 0  # passes since the last landing that lasted stable_after
        self._between_brokers = False
        self._queued = []
        self._generation = 0

    def connect(self):
        """Connects through the dispatcher and follows its redirect; blocks at most ``connect_timeout``
        per endpoint tried. Returns the paho client on the broker. After ``close()`` it connects
        again, and reconnecting after a loss is on again."""
        self._closed.clear()
        self._generation += 1  # a reconnect still running from before a close() stops
        self._land()
        self._failed_passes = 0
        self._flush()
        self.on_connected(self)
        return self.client

    def publish(self, topic, payload=None, qos=0, retain=False, properties=None):
        """Publishes on the current broker (paho's MQTTMessageInfo). While the device is between
        brokers a QoS 1 or 2 publish is queued, in order, and sent on the next broker (a
        QueuedPublish); a QoS 0 one is dropped (rc MQTT_ERR_NO_CONN, as paho does)."""
        with self._lock:
            client = self.client
            if client is not None and not self._between_brokers:
                info = client.publish(topic, payload, qos, retain, properties)
                if info.rc != mqtt.MQTT_ERR_NO_CONN or qos == 0:
                    return info
            if qos == 0:
                dropped = QueuedPublish(topic, payload, qos, retain, properties)
                dropped.rc = mqtt.MQTT_ERR_NO_CONN
                dropped._fail(ConnectFailed("not on a broker: QoS 0 publish to %s dropped" % topic))
                return dropped
            if self._closed.is_set():
                raise ConnectFailed("the device is closed")
            if len(self._queued) >= self.max_queued:
                raise QueueFull("%d publishes already wait for the next broker (max_queued)" % len(self._queued))
            queued = QueuedPublish(topic, payload, qos, retain, properties)
            queued.rc = mqtt.MQTT_ERR_SUCCESS
            self._queued.append(queued)
            return queued

    def close(self):
        """Disconnects from the broker and stops reconnecting; queued publishes fail."""
        self._closed.set()
        with self._lock:
            client = self.client
        if client is not None:
            client.disconnect()
            client.loop_stop()
        self._fail_queued(ConnectFailed("the device was closed before it reached a broker"))

    def _flush(self):
        with self._lock:
            queued, self._queued = self._queued, []
            self._between_brokers = False
            for q in queued:
                q._send(self.client)

    def _fail_queued(self, error):
        with self._lock:
            queued, self._queued = self._queued, []
        for q in queued:
            q._fail(error)

    # -- one pass: dispatcher -> broker --------------------------------------------------------

    def _land(self):
        redirected_by = []
        candidates = self.dispatchers
        hops = 0
        while True:
            failures = []
            redirect = None
            for target in candidates:
                if any(target.same_socket(v) for v in redirected_by):
                    continue
                try:
                    client, code, reference = self._try(target)
                except ConnectFailed as e:
                    failures.append(e)
                    continue
                if code == 0:
                    with self._lock:
                        self.client, self.broker, self.hops = client, target, hops
                        self._landed_at = time.monotonic()
                    return
                if code not in (USE_ANOTHER_SERVER, SERVER_MOVED):
                    failures.append(ConnectFailed("%r refused the connection: CONNACK 0x%02X" % (target, code), code))
                    continue
                redirect = (target, code, reference)
                break
            if redirect is None:
                if len(failures) == 1:
                    raise failures[0]
                raise ConnectFailed("no endpoint answered: " + "; ".join(str(f) for f in failures),
                                    failures[-1].reason_code if failures else None)
            target, code, reference = redirect
            redirected_by.append(target)
            candidates = self._next(target, code, reference, redirected_by, hops)
            hops += 1

    def _next(self, source, code, reference, redirected_by, hops):
        if not reference:
            raise ConnectFailed("%r answered 0x%02X without a Server Reference" % (source, code), code)
        try:
            endpoints = parse_server_reference(reference)
        except ValueError as e:
            raise ConnectFailed("%r sent an unusable Server Reference '%s': %s" % (source, reference, e), code)
        path = " -> ".join(repr(v) for v in redirected_by)
        if all(any(e.same_socket(v) for v in redirected_by) for e in endpoints):
            raise RedirectLoop("redirect loop: %s -> %r again; an advertised broker endpoint points back at a "
                               "dispatcher" % (path, endpoints[0]), code)
        if hops + 1 > self.max_hops:
            raise RedirectLoop("more than %d redirects: %s -> %s" % (self.max_hops, path, reference), code)
        return endpoints

    def _try(self, target):
        """CONNECT to one endpoint: (client, reason code, Server Reference); raises ConnectFailed when
        no CONNACK came."""
        websocket = target.websocket or (self.transport == "websockets")
        client = new_client(self.client_id, "websockets" if websocket else "tcp")
        if websocket:
            client.ws_set_options(path=target.path if target.websocket else self.ws_path)
        self.configure(client)
        if target.websocket and target.tls and getattr(client, "_ssl_context", None) is None:
            client.tls_set()  # wss:// without the device's own TLS settings: the platform defaults
        if target.websocket and not target.tls and getattr(client, "_ssl_context", None) is not None:
            raise ConnectFailed("%r is plain WebSocket but the device is configured for TLS" % target)
        _set_connect_timeout(client, self.connect_timeout)
        answered = threading.Event()
        result = {}

        def on_connect(c, userdata, flags, reason, properties=None):
            result["code"] = _code(reason)
            result["reference"] = getattr(properties, "ServerReference", None) if properties is not None else None
            answered.set()

        def on_disconnect(c, userdata, *args):
            if answered.is_set() and result.get("code") == 0 and c is self.client:
                self._lost(c)

        client.on_connect = on_connect
        client.on_disconnect = on_disconnect
        try:
            client.connect(target.host, target.port, self.keepalive, clean_start=self.clean_start,
                           properties=self.properties)
        except (OSError, ValueError) as e:
            raise ConnectFailed("cannot connect to %r: %s" % (target, e)) from e
        client.loop_start()
        if not answered.wait(self.connect_timeout):
            client.disconnect()
            client.loop_stop()
            raise ConnectFailed("no CONNACK from %r within %g s" % (target, self.connect_timeout))
        if result["code"] != 0:
            client.disconnect()
            client.loop_stop()
        return client, result["code"], result["reference"]

    # -- after a broker loss ---------------------------------------------------------------------

    def _lost(self, client):
        with self._lock:
            self._between_brokers = True
            held = time.monotonic() - self._landed_at
        if self._closed.is_set() or self.reconnect_attempts == 0:
            return
        threading.Thread(target=self._reconnect, args=(client, held, self._generation), name="mqtt-redirect-reconnect",
                         daemon=True).start()

    def _reconnect(self, lost, held, generation):
        # The first pass waits a first backoff too: the broker's probe sees the same loss and needs a
        # moment to tell the dispatcher, which would otherwise send a device that returns at once
        # straight back to the dead broker; the jitter spreads the devices that lost it. A loss after a
        # landing that lasted stable_after starts the schedule again; one after a landing that did not
        # last goes on with it, so a broker that accepts and drops devices is not flooded by them.
        lost.loop_stop()
        first = 0 if held >= self.stable_after else self._failed_passes
        error = None
        if first >= self.reconnect_attempts:
            error = ConnectFailed("broker %r dropped the device %.1f s after it landed; %d landings in a row did "
                                  "not last %g s" % (self.broker, held, first, self.stable_after))
        for attempt in range(first, self.reconnect_attempts):
            delay = backoff_delay(attempt, cap=self.max_backoff)
            if error is None:
                LOG.info("lost broker %r after %.1f s, going back through the dispatcher in %d ms (attempt %d)",
                         self.broker, held, delay * 1000, attempt)
            else:
                LOG.debug("reconnect attempt %d failed (%s), next in %d ms", attempt, error, delay * 1000)
            self.on_reconnecting(self, attempt, delay, error)
            if self._closed.wait(delay) or generation != self._generation:
                return
            try:
                self._land()
            except ConnectFailed as e:
                error = e
                continue
            self._failed_passes = attempt + 1
            self.reconnects += 1
            LOG.info("reconnected through the dispatcher to broker %r", self.broker)
            if self._closed.is_set():
                self.client.disconnect()
                return
            self._flush()  # first: publishes made in on_connected go straight to the broker
            try:
                self.on_connected(self)
            except Exception as e:  # the application's hook must not stop the device
                LOG.exception("on_connected raised after landing on %r", self.broker)
                self.on_error(self, e)
            return
        LOG.warning("gave up reconnecting after %d passes: %s", self.reconnect_attempts, error)
        self._fail_queued(error)
        self.on_gave_up(self, error)


def new_client(client_id="", transport="tcp"):
    """A paho MQTT v5 client on paho 1.6 or 2.x (2.x: callback API version 2) that does not reconnect
    by itself: after a loss, the device goes back through the dispatcher instead."""
    if PAHO_2:
        return mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5,
                           transport=transport, reconnect_on_failure=False)
    return mqtt.Client(client_id=client_id, protocol=mqtt.MQTTv5, transport=transport, reconnect_on_failure=False)


def _set_connect_timeout(client, seconds):
    if isinstance(getattr(type(client), "connect_timeout", None), property):
        client.connect_timeout = seconds
    else:  # paho 1.6 keeps it private
        client._connect_timeout = seconds
