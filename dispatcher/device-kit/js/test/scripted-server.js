'use strict'
// A scripted MQTT v5 server for the helper's own tests: real sockets, literal CONNACK bytes. Each
// connection's CONNECT is answered with one CONNACK: a redirect (0x9C/0x9D with a Server Reference)
// or an accept (0x00, held open until the server stops or drops its clients, as a broker that dies).
// connectTimes holds the performance.now() of each CONNECT answered. The real dispatcher is tested from the Java
// side (dispatcher/device-kit, NodeHelperIT).
const net = require('node:net')

function varint (n) {
  const out = []
  do {
    let byte = n % 128
    n = Math.floor(n / 128)
    if (n) byte |= 0x80
    out.push(byte)
  } while (n)
  return Buffer.from(out)
}

function connack (reasonCode, serverReference) {
  let props = Buffer.alloc(0)
  if (serverReference !== undefined) {
    const ref = Buffer.from(serverReference, 'utf8')
    const len = Buffer.alloc(2)
    len.writeUInt16BE(ref.length)
    props = Buffer.concat([Buffer.from([0x1c]), len, ref]) // 0x1C Server Reference, UTF-8 string
  }
  const body = Buffer.concat([Buffer.from([0x00, reasonCode]), varint(props.length), props]) // flags, reason code, properties
  return Buffer.concat([Buffer.from([0x20]), varint(body.length), body]) // CONNACK, remaining length
}

function publishPacket (topic, payload) {
  const t = Buffer.from(topic, 'utf8')
  const len = Buffer.alloc(2)
  len.writeUInt16BE(t.length)
  const body = Buffer.concat([len, t, Buffer.from([0x00]), Buffer.from(payload, 'utf8')]) // topic, no properties, payload
  return Buffer.concat([Buffer.from([0x30]), varint(body.length), body]) // PUBLISH QoS 0
}

/**
 * Reads whole MQTT packets off `socket` and hands each (first byte, body) to `onPacket`.
 */
function packets (socket, onPacket) {
  let buffered = Buffer.alloc(0)
  socket.on('data', (data) => {
    buffered = Buffer.concat([buffered, data])
    for (;;) {
      let length = 0
      let i = 1
      let shift = 0
      for (; i < buffered.length; i++) {
        length += (buffered[i] & 0x7f) << shift
        shift += 7
        if (!(buffered[i] & 0x80)) break
      }
      if (i >= buffered.length || buffered.length < i + 1 + length) return
      const first = buffered[0]
      const body = buffered.subarray(i + 1, i + 1 + length)
      buffered = buffered.subarray(i + 1 + length)
      onPacket(first, body)
    }
  })
}

/**
 * `dropAfterMs`: an accepted connection is closed that long after its CONNACK (a broker that
 * accepts the device and drops it). An accepting server answers PUBLISH QoS 1 with PUBACK and keeps
 * the topics it received in `published`; `sendToClients(topic, payload)` publishes to every client.
 */
async function scriptedServer (reasonCode = 0, serverReference, dropAfterMs) {
  const sockets = new Set()
  const state = { answer: connack(reasonCode, serverReference), connects: 0, connectTimes: [], published: [] }
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    let connected = false
    packets(socket, (first, body) => {
      if (!connected) {
        if (first !== 0x10) return socket.destroy()
        connected = true
        state.connects++
        state.connectTimes.push(performance.now())
        socket.write(state.answer)
        if (reasonCode !== 0) socket.end()
        else if (dropAfterMs !== undefined) setTimeout(() => socket.destroy(), dropAfterMs)
        return
      }
      if ((first & 0xf0) === 0x30) { // PUBLISH: topic, then a packet id when QoS > 0
        const n = body.readUInt16BE(0)
        state.published.push(body.subarray(2, 2 + n).toString('utf8'))
        if ((first >> 1) & 3) socket.write(Buffer.concat([Buffer.from([0x40, 0x02]), body.subarray(2 + n, 4 + n)])) // PUBACK
      } else if ((first & 0xf0) === 0xc0) {
        socket.write(Buffer.from([0xd0, 0x00])) // PINGRESP
      }
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.address = `127.0.0.1:${server.address().port}`
  state.redirectTo = (reference) => { state.answer = connack(0x9c, reference) }
  state.sendToClients = (topic, payload) => {
    for (const s of sockets) s.write(publishPacket(topic, payload))
  }
  state.dropClients = () => {
    for (const s of sockets) s.destroy()
  }
  state.close = () => new Promise((resolve) => {
    for (const s of sockets) s.destroy()
    server.close(resolve)
  })
  return state
}

module.exports = { scriptedServer, connack }
