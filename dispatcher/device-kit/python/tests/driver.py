"""Drives mqtt_redirect for the Java integration test (PythonHelperIT), one event per stdout line:

  ready paho=<version>
  landed <broker> hops=<n> reconnects=<n>     after each landing, then it publishes to <topic>
  published <topic>                           the broker acknowledged it (QoS 1)
  error <Class>: <message>                    connect failed; exit code 2
  gave-up <message>                           reconnecting stopped

It stops when stdin closes (the test's handle) or after 120 s.
Usage: python3 driver.py DISPATCHER CLIENT_ID TOPIC [tls]
(tls: TLS at every hop, trusting any certificate: the tests' certificate is self-signed)
"""

import os
import ssl
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import paho.mqtt  # noqa: E402
import mqtt_redirect as mr  # noqa: E402

_out = threading.Lock()


def say(line):
    with _out:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def main():
    dispatcher, client_id, topic = sys.argv[1:4]
    tls = sys.argv[4:5] == ["tls"]

    def configure(client):
        if tls:
            client.tls_set(cert_reqs=ssl.CERT_NONE)
            client.tls_insecure_set(True)
    say("ready paho=%s" % paho.mqtt.__version__)

    def on_connected(device):
        say("landed %r hops=%d reconnects=%d" % (device.broker, device.hops, device.reconnects))
        info = device.client.publish(topic, ("hello from %s via %r" % (client_id, device.broker)).encode(), qos=1)
        info.wait_for_publish(10)
        if info.is_published():
            say("published %s" % topic)

    device = mr.RedirectingClient(dispatcher, client_id=client_id, configure=configure, connect_timeout=5, max_backoff=2,
                                  on_connected=on_connected,
                                  on_gave_up=lambda d, e: say("gave-up %s" % e))
    try:
        device.connect()
    except mr.ConnectFailed as e:
        say("error %s: %s" % (type(e).__name__, e))
        return 2
    done = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait(120)
    device.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
