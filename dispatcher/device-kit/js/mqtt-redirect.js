'use strict'
/**
 * Follow an MQTT v5 dispatcher's redirect with MQTT.js 5.x; no other dependency.
 *
 * The dispatcher answers CONNECT with CONNACK 0x9C (Use another server) or 0x9D (Server moved) and a
 * Server Reference. RedirectingClient connects there with the same options, follows at most
 * `maxHops` redirects, refuses a loop, and goes back through the dispatcher when the broker drops
 * the device later, after a capped, jittered backoff (the first pass waits 100-200 ms too: the
 * broker's probe needs that moment to tell the dispatcher the broker is gone):
 *
 *   const { RedirectingClient } = require('./mqtt-redirect')
 *   const device = new RedirectingClient('dispatcher.example:1883', { clientId: 'sensor-42' })
 *   device.on('connect', (d) => d.client.subscribe('cmd/42', { qos: 1 }))  // after each landing
 *   device.on('message', (topic, payload) => handle(topic, payload))       // from every broker
 *   device.on('error', (e) => console.warn(e))                             // a hook that threw, ...
 *   await device.connect()             // rejects with ConnectFailed / RedirectLoop
 *   await device.publish('sensors/42', '21.5', { qos: 1 })  // queued while between brokers
 *   await device.close()
 *
 * A landing that does not last `stableAfterMs` does not reset the backoff: a broker that accepts
 * the device and drops it at once sees it back after ever longer waits, and counts as a failed pass
 * towards `reconnectAttempts`.
 *
 * A reference is `host:port`, `host` (port 1883), `[ipv6]:port`, `ws://host:port/path` or
 * `wss://...`, or several separated by spaces, tried in order.
 */
const { EventEmitter } = require('node:events')
const mqtt = require('mqtt')

const DEFAULT_MQTT_PORT = 1883
const DEFAULT_MAX_HOPS = 3
const DEFAULT_CONNECT_TIMEOUT_MS = 5000
const DEFAULT_RECONNECT_ATTEMPTS = 10
const DEFAULT_FIRST_BACKOFF_MS = 200
const DEFAULT_MAX_BACKOFF_MS = 5000
const DEFAULT_STABLE_AFTER_MS = 20000
const DEFAULT_MAX_QUEUED = 100
const USE_ANOTHER_SERVER = 0x9c
const SERVER_MOVED = 0x9d

/** No broker reached: refused (`reasonCode` set when a server answered), unreachable, timed out. */
class ConnectFailed extends Error {
  constructor (message, reasonCode) {
    super(message)
    this.name = 'ConnectFailed'
    this.reasonCode = reasonCode
  }
}

/** A reference named an endpoint that had already redirected the device, or too many hops. */
class RedirectLoop extends ConnectFailed {
  constructor (message, reasonCode) {
    super(message, reasonCode)
    this.name = 'RedirectLoop'
  }
}

/** A QoS 1 or 2 publish made between brokers found `maxQueued` publishes already waiting. */
class QueueFull extends Error {
  constructor (message) {
    super(message)
    this.name = 'QueueFull'
  }
}

/** Where to connect: host, port, and for a ws:// or wss:// URI the WebSocket path and TLS. */
class Endpoint {
  constructor (host, port, websocket = false, tls = false, path = '') {
    if (!host) throw new Error('empty host')
    if (!(port >= 1 && port <= 65535)) throw new Error(`port ${port} is outside 1..65535`)
    Object.assign(this, { host, port, websocket, tls, path })
  }

  sameSocket (other) {
    return this.port === other.port && this.host.toLowerCase() === other.host.toLowerCase()
  }

  hostPort () {
    return this.host.includes(':') ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`
  }

  toString () {
    return this.websocket ? `${this.tls ? 'wss' : 'ws'}://${this.hostPort()}${this.path}` : this.hostPort()
  }
}

function port (value, digits) {
  if (!/^[0-9]+$/.test(digits)) throw new Error(`'${value}': port must be a number`)
  const p = Number(digits)
  if (p < 1 || p > 65535) throw new Error(`'${value}': port must be within 1..65535`)
  return p
}

/** One endpoint; throws naming the accepted forms. */
function parseEndpoint (value) {
  const v = value.trim()
  if (!v) throw new Error('empty endpoint')
  const lower = v.toLowerCase()
  if (lower.startsWith('ws://') || lower.startsWith('wss://')) {
    let uri
    try {
      uri = new URL(v)
    } catch (e) {
      throw new Error(`'${value}' is not a WebSocket URI: ${e.message}`)
    }
    if (!uri.hostname) throw new Error(`'${value}' names no host`)
    const tls = lower.startsWith('wss://')
    const host = uri.hostname.replace(/^\[(.*)\]$/, '$1')
    return new Endpoint(host, uri.port ? Number(uri.port) : (tls ? 443 : 80), true, tls, (uri.pathname || '/') + uri.search)
  }
  if (lower.includes('://')) {
    throw new Error(`'${value}': only ws:// and wss:// URIs are understood; write other endpoints as host:port`)
  }
  if (v.startsWith('[')) {
    const close = v.indexOf(']')
    if (close < 0) throw new Error(`'${value}': missing ']' after the IPv6 address`)
    const rest = v.slice(close + 1)
    if (!rest) return new Endpoint(v.slice(1, close), DEFAULT_MQTT_PORT)
    if (!rest.startsWith(':')) throw new Error(`'${value}' is not [IPV6]:PORT (e.g. [::1]:1883)`)
    return new Endpoint(v.slice(1, close), port(value, rest.slice(1)))
  }
  const parts = v.split(':')
  if (parts.length > 2) throw new Error(`'${value}': write an IPv6 address in brackets, e.g. [::1]:1883`)
  if (parts.length === 1) return new Endpoint(v, DEFAULT_MQTT_PORT)
  if (!parts[0]) throw new Error(`'${value}' is not HOST:PORT (e.g. 127.0.0.1:1883)`)
  return new Endpoint(parts[0], port(value, parts[1]))
}

/** The endpoints a Server Reference names, in the order to try them. */
function parseServerReference (reference) {
  const parts = (reference || '').trim().split(/\s+/).filter(Boolean)
  if (parts.length === 0) throw new Error('empty Server Reference')
  return parts.map(parseEndpoint)
}

/** Wait before retry number `attempt` (0 first): between half and all of min(cap, first * 2^attempt). */
function backoffDelay (attempt, firstMs = DEFAULT_FIRST_BACKOFF_MS, capMs = DEFAULT_MAX_BACKOFF_MS, random = Math.random) {
  const ceiling = Math.min(capMs, firstMs * 2 ** Math.min(Math.max(attempt, 0), 30))
  return ceiling / 2 + random() * (ceiling / 2)
}

/**
 * The device's MQTT.js options aimed at `target`: a `host:port` keeps the device's protocol (mqtt,
 * mqtts, ws, wss) and WebSocket path; a ws:// URI switches to WebSocket with its path, wss:// also
 * to TLS (the device's TLS options travel along either way).
 */
function optionsFor (device, target) {
  const options = { ...device, host: target.host, port: target.port, protocolVersion: 5, reconnectPeriod: 0 }
  delete options.hostname
  delete options.servers
  if (target.websocket) {
    options.protocol = target.tls ? 'wss' : 'ws'
    options.path = target.path
  } else if (!options.protocol) {
    options.protocol = 'mqtt'
  }
  return options
}

/**
 * An MQTT v5 device that reaches its broker through the dispatcher. `client` is the MQTT.js client
 * on the broker the device is on now; a new one at every hop. Events, which outlive the hops:
 * 'connect' (device) after each landing, 'message' (topic, payload, packet) from whichever broker,
 * 'reconnecting' (attempt, delayMs, error) and 'giveup' (error) after a loss, 'error' (error) when
 * an application hook or listener threw or rejected. Without an 'error' listener or `onError` such
 * an error is a process warning: the helper never ends its host process.
 */
class RedirectingClient extends EventEmitter {
  /**
   * @param dispatcher a reference as above
   * @param options MQTT.js options for every hop (clientId, username, password, keepalive, clean,
   *   properties, TLS: ca/cert/key/rejectUnauthorized, protocol, path for WebSocket)
   * @param settings maxHops, connectTimeoutMs, reconnectAttempts, maxBackoffMs, stableAfterMs,
   *   maxQueued, configure(client) on each hop's new MQTT.js client (listeners of its own),
   *   onConnected(device) after each landing (subscribe there), onGaveUp(device, error),
   *   onReconnecting(device, attempt, delayMs, error) before each wait after a loss (no error for the
   *   wait that follows the loss itself; attempt counts the passes since the last landing that
   *   lasted stableAfterMs), onError(device, error) when a hook threw or rejected
   */
  constructor (dispatcher, options = {}, settings = {}) {
    super({ captureRejections: true }) // an async listener's rejection comes to the method below
    this.dispatchers = parseServerReference(dispatcher)
    this.options = options
    this.maxHops = settings.maxHops ?? DEFAULT_MAX_HOPS
    if (!(this.maxHops >= 1 && this.maxHops <= 10)) throw new Error(`maxHops must be within 1..10, got ${this.maxHops}`)
    this.connectTimeoutMs = settings.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
    this.reconnectAttempts = settings.reconnectAttempts ?? DEFAULT_RECONNECT_ATTEMPTS
    this.maxBackoffMs = settings.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS
    if (!(this.maxBackoffMs >= DEFAULT_FIRST_BACKOFF_MS)) {
      throw new Error(`maxBackoffMs must be at least ${DEFAULT_FIRST_BACKOFF_MS}, got ${this.maxBackoffMs}`)
    }
    this.stableAfterMs = settings.stableAfterMs ?? DEFAULT_STABLE_AFTER_MS
    if (!(this.stableAfterMs >= 0)) throw new Error(`stableAfterMs must be 0 or more, got ${this.stableAfterMs}`)
    this.maxQueued = settings.maxQueued ?? DEFAULT_MAX_QUEUED
    if (!(this.maxQueued >= 0)) throw new Error(`maxQueued must be 0 or more, got ${this.maxQueued}`)
    this.configure = settings.configure ?? (() => {})
    this.onConnected = settings.onConnected ?? (() => {})
    this.onGaveUp = settings.onGaveUp ?? (() => {})
    this.onReconnecting = settings.onReconnecting ?? (() => {})
    this.onError = settings.onError
    this.client = null
    this.broker = null
    this.hops = 0
    this.reconnects = 0
    this.closed = false
    this._landedAt = 0
    this._failedPasses = 0 // passes since the last landing that lasted stableAfterMs
    this._betweenBrokers = false
    this._queued = []
    this._generation = 0
  }

  /**
   * Connects through the dispatcher and follows its redirect; resolves with the MQTT.js client on
   * the broker. After close() it connects again, and reconnecting after a loss is on again.
   */
  async connect () {
    this.closed = false
    this._generation++ // a reconnect still pending from before a close() stops
    clearTimeout(this._retryTimer)
    await this._land()
    this._failedPasses = 0
    await this._landed()
    return this.client
  }

  /**
   * Publishes on the current broker (resolves as MQTT.js publishAsync does). While the device is
   * between brokers a QoS 1 or 2 publish is queued, in order, and sent on the next broker; more than
   * `maxQueued` rejects with QueueFull, and the queue rejects with ConnectFailed when the device
   * gives up or is closed. A QoS 0 publish between brokers rejects at once.
   */
  publish (topic, message, opts = {}) {
    if (this.client && !this._betweenBrokers && this.client.connected) return this.client.publishAsync(topic, message, opts)
    if (!opts.qos) return Promise.reject(new ConnectFailed(`not on a broker: QoS 0 publish to ${topic} dropped`))
    if (this.closed) return Promise.reject(new ConnectFailed('the device is closed'))
    if (this._queued.length >= this.maxQueued) {
      return Promise.reject(new QueueFull(`${this._queued.length} publishes already wait for the next broker (maxQueued)`))
    }
    return new Promise((resolve, reject) => this._queued.push({ topic, message, opts, resolve, reject }))
  }

  /** Disconnects from the broker and stops reconnecting; queued publishes reject. */
  async close () {
    this.closed = true
    clearTimeout(this._retryTimer)
    this._failQueued(new ConnectFailed('the device was closed before it reached a broker'))
    if (this.client) await this.client.endAsync()
  }

  /** After each landing: the queued publishes, then the application's hook and 'connect' listeners. */
  async _landed () {
    this._betweenBrokers = false
    const queued = this._queued.splice(0)
    for (const q of queued) this.client.publishAsync(q.topic, q.message, q.opts).then(q.resolve, q.reject)
    try {
      await this.onConnected(this)
    } catch (e) {
      this._report(e)
    }
    try {
      this.emit('connect', this)
    } catch (e) {
      this._report(e)
    }
  }

  _failQueued (error) {
    for (const q of this._queued.splice(0)) q.reject(error)
  }

  /** A rejected promise returned by an async listener (captureRejections). */
  [Symbol.for('nodejs.rejection')] (error) {
    this._report(error)
  }

  /** An application hook or listener failed: to the application, never out of the helper. */
  _report (error) {
    try {
      if (this.onError) this.onError(this, error)
      if (this.listenerCount('error') > 0) this.emit('error', error)
      else if (!this.onError) process.emitWarning(`mqtt-redirect: an application hook failed: ${error?.stack ?? error}`)
    } catch (e) {
      process.emitWarning(`mqtt-redirect: the error handler failed too: ${e?.stack ?? e}`)
    }
  }

  _emitSafely (event, ...args) {
    try {
      this.emit(event, ...args)
    } catch (e) {
      this._report(e)
    }
  }

  async _land () {
    const redirectedBy = []
    let candidates = this.dispatchers
    for (let hops = 0; ; hops++) {
      const failures = []
      let redirect = null
      for (const target of candidates) {
        if (redirectedBy.some((v) => target.sameSocket(v))) continue
        let answer
        try {
          answer = await this._try(target)
        } catch (e) {
          failures.push(e)
          continue
        }
        if (answer.code === 0) {
          this._adopt(answer.client, target, hops)
          return
        }
        if (answer.code !== USE_ANOTHER_SERVER && answer.code !== SERVER_MOVED) {
          failures.push(new ConnectFailed(`${target} refused the connection: CONNACK 0x${hex(answer.code)}`, answer.code))
          continue
        }
        redirect = { target, ...answer }
        break
      }
      if (!redirect) {
        if (failures.length === 1) throw failures[0]
        throw new ConnectFailed(`no endpoint answered: ${failures.map((f) => f.message).join('; ')}`, failures.at(-1)?.reasonCode)
      }
      redirectedBy.push(redirect.target)
      candidates = this._next(redirect, redirectedBy, hops)
    }
  }

  _next ({ target, code, reference }, redirectedBy, hops) {
    if (!reference) throw new ConnectFailed(`${target} answered 0x${hex(code)} without a Server Reference`, code)
    let endpoints
    try {
      endpoints = parseServerReference(reference)
    } catch (e) {
      throw new ConnectFailed(`${target} sent an unusable Server Reference '${reference}': ${e.message}`, code)
    }
    const path = redirectedBy.join(' -> ')
    if (endpoints.every((e) => redirectedBy.some((v) => e.sameSocket(v)))) {
      throw new RedirectLoop(`redirect loop: ${path} -> ${endpoints[0]} again; an advertised broker endpoint points back at a dispatcher`, code)
    }
    if (hops + 1 > this.maxHops) throw new RedirectLoop(`more than ${this.maxHops} redirects: ${path} -> ${reference}`, code)
    return endpoints
  }

  /** CONNECT to one endpoint: resolves { client, code, reference }; rejects with ConnectFailed when no CONNACK came. */
  _try (target) {
    return new Promise((resolve, reject) => {
      const client = mqtt.connect({ ...optionsFor(this.options, target), connectTimeout: this.connectTimeoutMs })
      let connack = null
      const timer = setTimeout(() => finish(new ConnectFailed(`no CONNACK from ${target} within ${this.connectTimeoutMs} ms`)), this.connectTimeoutMs)
      const finish = (error) => {
        clearTimeout(timer)
        client.on('error', () => {}) // late socket errors of a client being let go must not crash the process
        client.removeListener('packetreceive', onPacket)
        client.removeListener('error', onError)
        client.removeListener('close', onClose)
        client.removeListener('connect', onConnect)
        if (error) {
          client.end(true)
          reject(error)
        } else if (connack.reasonCode === 0) {
          resolve({ client, code: 0 })
        } else {
          client.end(true)
          resolve({ client, code: connack.reasonCode, reference: connack.properties?.serverReference })
        }
      }
      const onPacket = (packet) => {
        if (packet.cmd === 'connack') connack = packet
      }
      const onConnect = () => finish()
      const onError = (e) => (connack ? finish() : finish(new ConnectFailed(`cannot connect to ${target}: ${e.message}`)))
      const onClose = () => (connack ? finish() : finish(new ConnectFailed(`cannot connect to ${target}: connection closed before CONNACK`)))
      client.on('packetreceive', onPacket)
      client.on('connect', onConnect)
      client.on('error', onError)
      client.on('close', onClose)
      try {
        this.configure(client)
      } catch (e) {
        this._report(e)
      }
    })
  }

  _adopt (client, broker, hops) {
    Object.assign(this, { client, broker, hops })
    this._landedAt = performance.now()
    client.on('error', () => {}) // errors after landing end in 'close', handled below
    client.on('message', (topic, payload, packet) => this._emitSafely('message', topic, payload, packet))
    client.once('close', () => {
      if (this.client !== client) return
      this._betweenBrokers = true
      if (!this.closed) this._lost(performance.now() - this._landedAt)
    })
  }

  // The first pass waits a first backoff too: the broker's probe sees the same loss and needs a
  // moment to tell the dispatcher, which would otherwise send a device that returns at once straight
  // back to the dead broker; the jitter spreads the devices that lost it. A loss after a landing that
  // lasted stableAfterMs starts the schedule again; one after a landing that did not last goes on
  // with it, so a broker that accepts and drops devices is not flooded by them.
  _lost (heldMs) {
    if (this.reconnectAttempts === 0) return
    const generation = this._generation
    const giveUp = (error) => {
      this._failQueued(error)
      try {
        this.onGaveUp(this, error)
      } catch (e) {
        this._report(e)
      }
      this._emitSafely('giveup', error)
    }
    const wait = (n, error) => {
      if (n >= this.reconnectAttempts) return giveUp(error)
      const delayMs = backoffDelay(n, DEFAULT_FIRST_BACKOFF_MS, this.maxBackoffMs)
      try {
        this.onReconnecting(this, n, delayMs, error)
      } catch (e) {
        this._report(e)
      }
      this._emitSafely('reconnecting', n, delayMs, error)
      this._retryTimer = setTimeout(() => pass(n).catch((e) => this._report(e)), delayMs)
    }
    const pass = async (n) => {
      if (this.closed || generation !== this._generation) return
      try {
        await this._land()
      } catch (e) {
        return wait(n + 1, e)
      }
      this._failedPasses = n + 1
      this.reconnects++
      if (this.closed || generation !== this._generation) return this.client.endAsync()
      await this._landed()
    }
    const first = heldMs >= this.stableAfterMs ? 0 : this._failedPasses
    if (first >= this.reconnectAttempts) {
      return giveUp(new ConnectFailed(`broker ${this.broker} dropped the device ${(heldMs / 1000).toFixed(1)} s after it landed; ` +
        `${first} landings in a row did not last ${this.stableAfterMs / 1000} s`))
    }
    wait(first, undefined)
  }
}

function hex (code) {
  return Number(code).toString(16).toUpperCase().padStart(2, '0')
}

module.exports = {
  RedirectingClient,
  ConnectFailed,
  RedirectLoop,
  QueueFull,
  Endpoint,
  parseEndpoint,
  parseServerReference,
  backoffDelay,
  optionsFor,
  USE_ANOTHER_SERVER,
  SERVER_MOVED
}
