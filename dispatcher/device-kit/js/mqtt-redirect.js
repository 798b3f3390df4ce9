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
 *   const device = new RedirectingClient('dispatcher.example:1883', { clientId: 'sensor-42' },
 *     { onConnected: (d) => d.client.subscribe('cmd/42', { qos: 1 }) })
 *   await device.connect()             // rejects with ConnectFailed / RedirectLoop
 *   await device.client.publishAsync('sensors/42', '21.5', { qos: 1 })
 *   await device.close()
 *
 * A reference is `host:port`, `host` (port 1883), `[ipv6]:port`, `ws://host:port/path` or
 * `wss://...`, or several separated by spaces, tried in order.
 */
const mqtt = require('mqtt')

const DEFAULT_MQTT_PORT = 1883
const DEFAULT_MAX_HOPS = 3
const DEFAULT_CONNECT_TIMEOUT_MS = 5000
const DEFAULT_RECONNECT_ATTEMPTS = 10
const DEFAULT_FIRST_BACKOFF_MS = 200
const DEFAULT_MAX_BACKOFF_MS = 5000
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
 * on the broker the device is on now.
 */
class RedirectingClient {
  /**
   * @param dispatcher a reference as above
   * @param options MQTT.js options for every hop (clientId, username, password, keepalive, clean,
   *   properties, TLS: ca/cert/key/rejectUnauthorized, protocol, path for WebSocket)
   * @param settings maxHops, connectTimeoutMs, reconnectAttempts, maxBackoffMs,
   *   onConnected(device) after each landing (subscribe there), onGaveUp(device, error),
   *   onReconnecting(device, attempt, delayMs, error) before each wait after a loss (attempt 0 and
   *   no error for the wait that follows the loss itself)
   */
  constructor (dispatcher, options = {}, settings = {}) {
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
    this.onConnected = settings.onConnected ?? (() => {})
    this.onGaveUp = settings.onGaveUp ?? (() => {})
    this.onReconnecting = settings.onReconnecting ?? (() => {})
    this.client = null
    this.broker = null
    this.hops = 0
    this.reconnects = 0
    this.closed = false
  }

  /** Connects through the dispatcher and follows its redirect; resolves with the MQTT.js client on the broker. */
  async connect () {
    await this._land()
    await this.onConnected(this)
    return this.client
  }

  /** Disconnects from the broker and stops reconnecting. */
  async close () {
    this.closed = true
    clearTimeout(this._retryTimer)
    if (this.client) await this.client.endAsync()
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
    })
  }

  _adopt (client, broker, hops) {
    Object.assign(this, { client, broker, hops })
    client.on('error', () => {}) // errors after landing end in 'close', handled below
    client.once('close', () => {
      if (!this.closed && this.client === client) this._lost()
    })
  }

  // The first pass waits a first backoff too: the broker's probe sees the same loss and needs a
  // moment to tell the dispatcher, which would otherwise send a device that returns at once straight
  // back to the dead broker; the jitter spreads the devices that lost it. Each loss starts the
  // schedule again.
  _lost () {
    if (this.reconnectAttempts === 0) return
    const wait = (n, error) => {
      if (n >= this.reconnectAttempts) return this.onGaveUp(this, error)
      const delayMs = backoffDelay(n, DEFAULT_FIRST_BACKOFF_MS, this.maxBackoffMs)
      this.onReconnecting(this, n, delayMs, error)
      this._retryTimer = setTimeout(() => pass(n), delayMs)
    }
    const pass = async (n) => {
      if (this.closed) return
      try {
        await this._land()
      } catch (e) {
        return wait(n + 1, e)
      }
      this.reconnects++
      if (this.closed) return this.client.endAsync()
      await this.onConnected(this)
    }
    wait(0, undefined)
  }
}

function hex (code) {
  return Number(code).toString(16).toUpperCase().padStart(2, '0')
}

module.exports = {
  RedirectingClient,
  ConnectFailed,
  RedirectLoop,
  Endpoint,
  parseEndpoint,
  parseServerReference,
  backoffDelay,
  optionsFor,
  USE_ANOTHER_SERVER,
  SERVER_MOVED
}
