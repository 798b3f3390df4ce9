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

async function scriptedServer (reasonCode = 0, serverReference) {
  const sockets = new Set()
  const state = { answer: connack(reasonCode, serverReference), connects: 0, connectTimes: [] }
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    socket.once('data', (data) => {
      if (data[0] !== 0x10) return socket.destroy()
      state.connects++
      state.connectTimes.push(performance.now())
      socket.write(state.answer)
      if (reasonCode !== 0) socket.end()
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.address = `127.0.0.1:${server.address().port}`
  state.redirectTo = (reference) => { state.answer = connack(0x9c, reference) }
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
