'use strict'
// Drives mqtt-redirect.js for the Java integration test (NodeHelperIT), one event per stdout line:
//   ready mqtt=<version>
//   landed <broker> hops=<n> reconnects=<n>    after each landing, then it publishes to <topic>
//   published <topic>                          the broker acknowledged it (QoS 1)
//   error <Class>: <message>                   connect failed; exit code 2
//   gave-up <message>                          reconnecting stopped
// It stops when stdin closes (the test's handle) or after 120 s.
// Usage: node test/driver.js DISPATCHER CLIENT_ID TOPIC [tls]
// (tls: TLS at every hop, trusting any certificate: the tests' certificate is self-signed)
const mr = require('../mqtt-redirect')

const say = (line) => process.stdout.write(line + '\n')

async function main () {
  const [dispatcher, clientId, topic, transport] = process.argv.slice(2)
  const tls = transport === 'tls' ? { protocol: 'mqtts', rejectUnauthorized: false } : {}
  say(`ready mqtt=${require('mqtt/package.json').version}`)
  const device = new mr.RedirectingClient(dispatcher, { clientId, ...tls }, {
    connectTimeoutMs: 5000,
    maxBackoffMs: 2000,
    onConnected: async (d) => {
      say(`landed ${d.broker} hops=${d.hops} reconnects=${d.reconnects}`)
      await d.client.publishAsync(topic, `hello from ${clientId} via ${d.broker}`, { qos: 1 })
      say(`published ${topic}`)
    },
    onGaveUp: (d, e) => say(`gave-up ${e.message}`)
  })
  try {
    await device.connect()
  } catch (e) {
    say(`error ${e.name}: ${e.message}`)
    process.exitCode = 2
    return
  }
  const stop = setTimeout(() => process.stdin.destroy(), 120000)
  process.stdin.resume()
  await new Promise((resolve) => process.stdin.once('close', resolve))
  clearTimeout(stop)
  await device.close()
}

main().catch((e) => {
  say(`error ${e.name}: ${e.message}`)
  process.exitCode = 3
})
