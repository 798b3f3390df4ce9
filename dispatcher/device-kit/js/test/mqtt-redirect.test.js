'use strict'
// The helper's own tests: reference parsing, backoff, and redirect handling against scripted servers
// on loopback. Run: npm test (node --test).
const test = require('node:test')
const assert = require('node:assert')
const net = require('node:net')
const mr = require('../mqtt-redirect')
const { scriptedServer } = require('./scripted-server')

test('reads host:port, [ipv6]:port and a missing port as 1883', () => {
  assert.deepStrictEqual(mr.parseServerReference('10.0.0.5:1884'), [new mr.Endpoint('10.0.0.5', 1884)])
  assert.deepStrictEqual(mr.parseServerReference('[::1]:1883'), [new mr.Endpoint('::1', 1883)])
  assert.strictEqual(String(mr.parseEndpoint('[fd00::5]:2883')), '[fd00::5]:2883')
  assert.deepStrictEqual(mr.parseEndpoint('broker.example'), new mr.Endpoint('broker.example', 1883))
  assert.deepStrictEqual(mr.parseEndpoint('[::1]'), new mr.Endpoint('::1', 1883))
})

test('keeps several references in order', () => {
  assert.deepStrictEqual(mr.parseServerReference('a:1 [::1]:2  ws://c:3/mqtt'),
    [new mr.Endpoint('a', 1), new mr.Endpoint('::1', 2), new mr.Endpoint('c', 3, true, false, '/mqtt')])
})

test('reads WebSocket URIs with path and default ports', () => {
  assert.deepStrictEqual(mr.parseEndpoint('ws://127.0.0.1:8083/mqtt'), new mr.Endpoint('127.0.0.1', 8083, true, false, '/mqtt'))
  assert.deepStrictEqual(mr.parseEndpoint('wss://broker.example/mqtt?x=1'), new mr.Endpoint('broker.example', 443, true, true, '/mqtt?x=1'))
  assert.deepStrictEqual(mr.parseEndpoint('ws://[::1]'), new mr.Endpoint('::1', 80, true, false, '/'))
  assert.strictEqual(String(mr.parseEndpoint('WSS://[::1]:9001/a/b')), 'wss://[::1]:9001/a/b')
})

test('refuses broken references with a specific message', () => {
  for (const bad of ['host:port', 'host:0', 'host:70000', '::1:1883', '[::1', '[::1]x', 'mqtt://h:1', 'ws://:80/x', ':1883']) {
    assert.throws(() => mr.parseServerReference(bad), (e) => e.message.includes(bad.slice(0, 4)), bad)
  }
  assert.throws(() => mr.parseServerReference('  '), /empty/)
})

test('backoff doubles up to the cap, jittered between half and all', () => {
  assert.strictEqual(mr.backoffDelay(0, 200, 10000, () => 0), 100)
  assert.ok(Math.abs(mr.backoffDelay(3, 200, 10000, () => 0.999999) - 1600) < 0.01)
  assert.strictEqual(mr.backoffDelay(100, 200, 10000, () => 0), 5000)
})

test('a host:port keeps the device transport and TLS options, a ws URI sets WebSocket and its path', () => {
  const device = { clientId: 'd', protocol: 'mqtts', ca: 'CA', rejectUnauthorized: true }
  const plain = mr.optionsFor(device, mr.parseEndpoint('10.0.0.7:8883'))
  assert.strictEqual(plain.protocol, 'mqtts')
  assert.strictEqual(plain.ca, 'CA')
  assert.strictEqual(plain.host, '10.0.0.7')
  const wss = mr.optionsFor(device, mr.parseEndpoint('wss://broker:9443/ws'))
  assert.deepStrictEqual([wss.protocol, wss.path, wss.port, wss.ca], ['wss', '/ws', 9443, 'CA'])
  assert.strictEqual(mr.optionsFor({}, mr.parseEndpoint('ws://b:80/mqtt')).protocol, 'ws')
})

function freePort () {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

test('redirects', async (t) => {
  const servers = []
  const devices = []
  const server = async (...args) => { const s = await scriptedServer(...args); servers.push(s); return s }
  const device = (dispatcher, settings = {}) => {
    const d = new mr.RedirectingClient(dispatcher, { clientId: 'js-test' }, { connectTimeoutMs: 3000, ...settings })
    devices.push(d)
    return d
  }
  t.after(async () => {
    for (const d of devices) await d.close().catch(() => {})
    for (const s of servers) await s.close()
  })

  await t.test('follows the reference, trying several in order', async () => {
    const broker = await server(0)
    const dead = `127.0.0.1:${await freePort()}`
    const dispatcher = await server(mr.USE_ANOTHER_SERVER, `${dead} ${broker.address}`)
    const d = device(dispatcher.address)
    await d.connect()
    assert.strictEqual(String(d.broker), broker.address)
    assert.strictEqual(d.hops, 1)
    assert.strictEqual(broker.connects, 1)
  })

  await t.test('follows 0x9D Server moved too', async () => {
    const broker = await server(0)
    const dispatcher = await server(mr.SERVER_MOVED, broker.address)
    const d = device(dispatcher.address)
    await d.connect()
    assert.strictEqual(String(d.broker), broker.address)
  })

  await t.test('a loop is an error naming the path', async () => {
    const a = await server(mr.USE_ANOTHER_SERVER, '127.0.0.1:1')
    const b = await server(mr.USE_ANOTHER_SERVER, a.address)
    a.redirectTo(b.address)
    await assert.rejects(device(a.address).connect(),
      (e) => e instanceof mr.RedirectLoop && e.message.includes(`redirect loop: ${a.address} -> ${b.address} -> ${a.address} again`))
  })

  await t.test('hops are capped', async () => {
    const broker = await server(0)
    let chain = broker.address
    for (let i = 0; i < 3; i++) chain = (await server(mr.USE_ANOTHER_SERVER, chain)).address
    await assert.rejects(device(chain, { maxHops: 2 }).connect(), (e) => e instanceof mr.RedirectLoop && /more than 2 redirects/.test(e.message))
    const d = device(chain, { maxHops: 3 })
    await d.connect()
    assert.strictEqual(d.hops, 3)
  })

  await t.test('other refusals carry the reason code', async () => {
    const dispatcher = await server(0x88)
    await assert.rejects(device(dispatcher.address).connect(), (e) => e instanceof mr.ConnectFailed && e.reasonCode === 0x88 && /0x88/.test(e.message))
  })

  await t.test('a redirect without a reference is an error', async () => {
    const dispatcher = await server(mr.USE_ANOTHER_SERVER)
    await assert.rejects(device(dispatcher.address).connect(), /without a Server Reference/)
  })
})

test('after a broker loss', async (t) => {
  const servers = []
  const devices = []
  const server = async (...args) => { const s = await scriptedServer(...args); servers.push(s); return s }
  const device = (dispatcher, settings) => {
    const d = new mr.RedirectingClient(dispatcher, { clientId: 'js-test' }, { connectTimeoutMs: 3000, ...settings })
    devices.push(d)
    return d
  }
  t.after(async () => {
    for (const d of devices) await d.close().catch(() => {})
    for (const s of servers) await s.close()
  })

  await t.test('each loss after a stable landing waits a first backoff of 100-200 ms before the dispatcher', async () => {
    const broker = await server(0)
    const dispatcher = await server(mr.USE_ANOTHER_SERVER, broker.address)
    const waits = []
    const landings = []
    const landed = (n) => waitFor(() => landings.length >= n, 10000, `landing ${n}`)
    const d = device(dispatcher.address, {
      stableAfterMs: 300,
      onReconnecting: (dev, attempt, delayMs, error) => waits.push({ attempt, delayMs, error }),
      onConnected: (dev) => landings.push(dev.reconnects)
    })
    await d.connect()

    for (const loss of [1, 2]) { // the second loss, after a landing that lasted, starts the schedule again
      await sleep(400)
      const lostAt = performance.now()
      broker.dropClients()

      await landed(loss + 1)
      assert.strictEqual(waits.length, loss)
      const { attempt, delayMs, error } = waits[loss - 1]
      assert.deepStrictEqual([attempt, error], [0, undefined])
      assert.ok(delayMs >= 100 && delayMs <= 200, `first wait ${delayMs} ms`)
      assert.strictEqual(landings[loss], loss)
      assert.strictEqual(dispatcher.connects, 1 + loss)
      assert.ok(dispatcher.connectTimes[loss] - lostAt >= delayMs - 1, // timers may fire up to 1 ms early
        `back at the dispatcher ${dispatcher.connectTimes[loss] - lostAt} ms after the loss, wait ${delayMs} ms`)
    }
  })

  await t.test('failed passes double the wait up to the cap, then it gives up', async () => {
    const broker = await server(0)
    const dispatcher = await server(mr.USE_ANOTHER_SERVER, broker.address)
    const waits = []
    let gaveUp = null
    const d = device(dispatcher.address, {
      reconnectAttempts: 4,
      maxBackoffMs: 500,
      onReconnecting: (dev, attempt, delayMs, error) => waits.push({ attempt, delayMs, error }),
      onGaveUp: (dev, error) => { gaveUp = error }
    })
    await d.connect()
    await dispatcher.close() // nothing answers at the dispatcher's address any more

    broker.dropClients()

    await waitFor(() => gaveUp !== null, 15000, 'giving up')
    assert.ok(gaveUp instanceof mr.ConnectFailed, String(gaveUp))
    assert.deepStrictEqual(waits.map((w) => w.attempt), [0, 1, 2, 3])
    waits.forEach(({ attempt, delayMs, error }, i) => {
      const ceiling = [200, 400, 500, 500][i]
      assert.ok(delayMs >= ceiling / 2 && delayMs <= ceiling, `wait ${attempt}: ${delayMs} ms`)
      assert.strictEqual(error === undefined, attempt === 0)
    })
    assert.strictEqual(d.reconnects, 0)
  })

  await t.test('after 0x9D Server moved the next pass still starts at the dispatcher', async () => {
    const broker = await server(0)
    const dispatcher = await server(mr.SERVER_MOVED, broker.address)
    const d = device(dispatcher.address)
    await d.connect()

    broker.dropClients()

    await waitFor(() => d.reconnects === 1, 10000, 'the landing after the loss')
    assert.strictEqual(dispatcher.connects, 2) // 0x9D was followed once, not stored
  })

  await t.test('landings that do not last do not reset the backoff', async () => {
    const flapping = await server(0, undefined, 50) // accepts the CONNECT, drops the device 50 ms later
    const dispatcher = await server(mr.USE_ANOTHER_SERVER, flapping.address)
    const attempts = []
    const d = device(dispatcher.address, { onReconnecting: (dev, attempt) => attempts.push(attempt) })
    const started = performance.now()
    await d.connect()

    await sleep(5000 - (performance.now() - started))

    // Waits of 0.1-0.2, 0.2-0.4, 0.4-0.8, 0.8-1.6, 1.6-3.2 s: at most 6 landings in 5 s (the old rule,
    // each landing starting the schedule again, made about 25).
    assert.ok(flapping.connects <= 6, `${flapping.connects} landings in 5 s`)
    assert.ok(attempts.length >= 3, `attempts ${attempts}`)
    assert.deepStrictEqual(attempts, attempts.map((_, i) => i))
  })

  await t.test('landings that do not last count towards the attempts, then it gives up', async () => {
    const flapping = await server(0, undefined, 50)
    const dispatcher = await server(mr.USE_ANOTHER_SERVER, flapping.address)
    let gaveUp = null
    const d = device(dispatcher.address, { reconnectAttempts: 3 })
    d.on('giveup', (e) => { gaveUp = e })
    await d.connect()

    await waitFor(() => gaveUp !== null, 10000, 'giving up')

    assert.ok(gaveUp instanceof mr.ConnectFailed)
    assert.match(gaveUp.message, /3 landings in a row did not last 20 s/)
    assert.strictEqual(flapping.connects, 4) // connect() and 3 passes
  })

  await t.test('close() then connect() turns reconnecting on again', async () => {
    const broker = await server(0)
    const dispatcher = await server(mr.USE_ANOTHER_SERVER, broker.address)
    const landings = []
    const d = device(dispatcher.address, { onConnected: (dev) => landings.push(dev.reconnects) })
    await d.connect()
    await d.close()
    await d.connect()

    broker.dropClients()

    await waitFor(() => landings.length === 3, 10000, 'a landing after the loss')
    assert.deepStrictEqual(landings, [0, 0, 1])
    assert.strictEqual(dispatcher.connects, 3)
  })

  await t.test('a throwing or rejecting onConnected is reported and reconnecting goes on', async () => {
    const broker = await server(0)
    const dispatcher = await server(mr.USE_ANOTHER_SERVER, broker.address)
    const unhandled = []
    const onUnhandled = (e) => unhandled.push(e)
    process.on('unhandledRejection', onUnhandled)
    t.after(() => process.removeListener('unhandledRejection', onUnhandled))
    const errors = []
    let landings = 0
    const d = device(dispatcher.address, {
      onConnected: async () => {
        landings++
        if (landings === 2) throw new Error('subscribe failed: the broker dropped the device before SUBACK')
        if (landings === 3) null.subscribe() // a plain bug: TypeError thrown
      }
    })
    d.on('error', (e) => errors.push(e))
    await d.connect()

    for (const n of [2, 3, 4]) {
      broker.dropClients()
      await waitFor(() => landings === n, 10000, `landing ${n}`)
    }

    assert.deepStrictEqual(errors.map((e) => e.constructor.name), ['Error', 'TypeError'])
    assert.match(errors[0].message, /before SUBACK/)
    assert.deepStrictEqual(unhandled, [])
    assert.strictEqual(d.reconnects, 3)
  })

  await t.test('an async connect listener that rejects is reported as an error event', async () => {
    const broker = await server(0)
    const dispatcher = await server(mr.USE_ANOTHER_SERVER, broker.address)
    const unhandled = []
    const onUnhandled = (e) => unhandled.push(e)
    process.on('unhandledRejection', onUnhandled)
    t.after(() => process.removeListener('unhandledRejection', onUnhandled))
    const errors = []
    const d = device(dispatcher.address)
    d.on('connect', async (dev) => {
      if (dev.reconnects === 1) throw new Error('no SUBACK')
    })
    d.on('error', (e) => errors.push(e.message))
    await d.connect()

    broker.dropClients()
    await waitFor(() => errors.length === 1, 10000, 'the error event')
    broker.dropClients()
    await waitFor(() => d.reconnects === 2 && d.client.connected, 10000, 'the next landing')

    assert.deepStrictEqual(errors, ['no SUBACK'])
    assert.deepStrictEqual(unhandled, [])
  })

  await t.test('without an error listener a failing hook is a process warning, not a crash', async () => {
    const broker = await server(0)
    const dispatcher = await server(mr.USE_ANOTHER_SERVER, broker.address)
    const warnings = []
    const onWarning = (w) => warnings.push(w.message)
    process.on('warning', onWarning)
    t.after(() => process.removeListener('warning', onWarning))
    const d = device(dispatcher.address, { onConnected: () => { throw new Error('hook bug') } })

    await d.connect()

    await waitFor(() => warnings.some((w) => w.includes('hook bug')), 2000, 'the warning')
    assert.strictEqual(d.client.connected, true)
  })

  await t.test('message and connect listeners survive hops; configure runs on each hop', async () => {
    const broker = await server(0)
    const dispatcher = await server(mr.USE_ANOTHER_SERVER, broker.address)
    const messages = []
    const connects = []
    let configured = 0
    const d = device(dispatcher.address, { stableAfterMs: 0, configure: (client) => { configured++ } })
    d.on('message', (topic, payload) => messages.push(`${topic}=${payload}`))
    d.on('connect', (dev) => connects.push(String(dev.broker)))
    await d.connect()
    broker.sendToClients('cmd/1', 'first broker connection')
    await waitFor(() => messages.length === 1, 2000, 'the first message')

    broker.dropClients()
    await waitFor(() => connects.length === 2, 10000, 'the second landing')
    broker.sendToClients('cmd/2', 'second broker connection')
    await waitFor(() => messages.length === 2, 2000, 'the second message')

    assert.deepStrictEqual(messages, ['cmd/1=first broker connection', 'cmd/2=second broker connection'])
    assert.deepStrictEqual(connects, [broker.address, broker.address])
    assert.strictEqual(configured, 4) // dispatcher and broker, twice
  })

  await t.test('a QoS 1 publish made between brokers is sent on the next broker', async () => {
    const broker = await server(0)
    const dispatcher = await server(mr.USE_ANOTHER_SERVER, broker.address)
    const d = device(dispatcher.address)
    let reconnecting = false
    d.on('reconnecting', () => { reconnecting = true })
    await d.connect()
    broker.dropClients()
    await waitFor(() => reconnecting, 5000, 'the device between brokers')

    const queued = d.publish('gap/1', 'made between brokers', { qos: 1 })
    await assert.rejects(d.publish('gap/0', 'qos 0', { qos: 0 }), /QoS 0 publish to gap\/0 dropped/)

    await queued
    assert.deepStrictEqual(broker.published, ['gap/1'])
    assert.strictEqual(d.reconnects, 1)
  })

  await t.test('publishes beyond maxQueued are refused; the queue rejects when it gives up', async () => {
    const broker = await server(0)
    const dispatcher = await server(mr.USE_ANOTHER_SERVER, broker.address)
    const d = device(dispatcher.address, { maxQueued: 2, reconnectAttempts: 1 })
    let reconnecting = false
    d.on('reconnecting', () => { reconnecting = true })
    await d.connect()
    await dispatcher.close()
    broker.dropClients()
    await waitFor(() => reconnecting, 5000, 'the device between brokers')

    const first = d.publish('gap/1', '1', { qos: 1 })
    const second = d.publish('gap/2', '2', { qos: 1 })
    await assert.rejects(d.publish('gap/3', '3', { qos: 1 }), (e) => e instanceof mr.QueueFull && /2 publishes already wait/.test(e.message))

    await assert.rejects(first, mr.ConnectFailed)
    await assert.rejects(second, mr.ConnectFailed)
  })

  await t.test('a max backoff below the first wait is refused', () => {
    assert.throws(() => new mr.RedirectingClient('127.0.0.1:1883', {}, { maxBackoffMs: 100 }), /maxBackoffMs must be at least 200/)
  })
})

function sleep (ms) {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))
}

/** Resolves when `condition()` holds, polling every 10 ms; rejects after `timeoutMs`. */
async function waitFor (condition, timeoutMs, what) {
  const deadline = performance.now() + timeoutMs
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
