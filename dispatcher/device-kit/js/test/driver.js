'use strict'
// Drives mqtt-redirect.js for the Java integration test (NodeHelperIT), one event per stdout line:
//   ready mqtt=<version>
//   landed <broker> hops=<n> reconnects=<n>    after each landing, then it publishes to <topic>
//   published <topic>                          the broker acknowledged it (QoS 1)
//   publish-failed <topic> <message>           it did not reach a broker
//   reconnecting <attempt>                     before each wait after a loss
//   app-error <message>                        an application hook failed (the 'error' event)
//   error <Class>: <message>                   connect failed; exit code 2 when it was the first
//   gave-up <message>                          reconnecting stopped
//   closed                                     after a close command
//   armed <topic>                              after a publish-in-gap command
// Commands, one a line on stdin: 'publish <topic>' (QoS 1, through the device: queued while it is
// between brokers), 'publish-in-gap <topic>' (the same, made at the next wait after a loss, when the
// device is between brokers), 'close', 'connect', 'fail-hook' (the next 'connect' listener rejects, as
// subscribeAsync does when the broker drops the device before SUBACK). It stops when stdin closes
// (the test's handle) or after 120 s.
// Usage: node test/driver.js DISPATCHER CLIENT_ID TOPIC [tls]
// (tls: TLS at every hop, trusting any certificate: the tests' certificate is self-signed)
const readline = require('node:readline')
const mr = require('../mqtt-redirect')

const say = (line) => process.stdout.write(line + '\n')

function publish (device, topic, text) {
  device.publish(topic, text, { qos: 1 }).then(
    () => say(`published ${topic}`),
    (e) => say(`publish-failed ${topic} ${e.message}`))
}

async function main () {
  const [dispatcher, clientId, topic, transport] = process.argv.slice(2)
  const tls = transport === 'tls' ? { protocol: 'mqtts', rejectUnauthorized: false } : {}
  say(`ready mqtt=${require('mqtt/package.json').version}`)
  let failHook = false
  const device = new mr.RedirectingClient(dispatcher, { clientId, ...tls }, { connectTimeoutMs: 5000 })
  device.on('connect', async (d) => {
    say(`landed ${d.broker} hops=${d.hops} reconnects=${d.reconnects}`)
    if (failHook) {
      failHook = false
      throw new Error("the application's hook failed")
    }
    publish(d, topic, `hello from ${clientId} via ${d.broker}`)
  })
  const inGap = []
  device.on('reconnecting', (attempt) => {
    say(`reconnecting ${attempt}`)
    while (inGap.length) publish(device, inGap.pop(), `queued by ${clientId}`)
  })
  device.on('giveup', (e) => say(`gave-up ${e.message}`))
  device.on('error', (e) => say(`app-error ${e.message}`))
  try {
    await device.connect()
  } catch (e) {
    say(`error ${e.name}: ${e.message}`)
    process.exitCode = 2
    return
  }
  const stop = setTimeout(() => process.stdin.destroy(), 120000)
  const lines = readline.createInterface({ input: process.stdin })
  for await (const line of lines) {
    const words = line.trim().split(/\s+/)
    try {
      if (words[0] === 'publish') publish(device, words[1], `queued by ${clientId}`)
      else if (words[0] === 'publish-in-gap') {
        inGap.push(words[1])
        say(`armed ${words[1]}`)
      }
      else if (line.trim() === 'close') {
        await device.close()
        say('closed')
      } else if (line.trim() === 'connect') await device.connect()
      else if (line.trim() === 'fail-hook') failHook = true
    } catch (e) {
      say(`error ${e.name}: ${e.message}`)
    }
  }
  clearTimeout(stop)
  await device.close()
}

main().catch((e) => {
  say(`error ${e.name}: ${e.message}`)
  process.exitCode = 3
})
