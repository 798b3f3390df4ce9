"""Drives mqtt_redirect for the Java integration test (PythonHelperIT), one event per stdout line:

  ready paho=<version>
  landed <broker> hops=<n> reconnects=<n>     after each landing, then it publishes to <topic>
  published <topic>                           the broker acknowledged it (QoS 1)
  publish-failed <topic> <message>            it did not reach a broker
  reconnecting <attempt>                      before each wait after a loss
  app-error <message>                         on_connected raised after a loss (on_error)
  error <Class>: <message>                    connect failed; exit code 2 when it was the first
  gave-up <message>                           reconnecting stopped
  closed                                      after a close command
  armed <topic>                               after a publish-in-gap command

Commands, one a line on stdin: ``publish <topic>`` (QoS 1, through the device: queued while it is
between brokers), ``publish-in-gap <topic>`` (the same, made at the next wait after a loss, when
the device is between brokers), ``close``, ``connect``, ``fail-hook`` (the next on_connected raises). It stops when
stdin closes (the test's handle) or after 120 s.
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


def publish(device, topic, text):
    def wait():
        try:
            info = device.publish(topic, text.encode(), qos=1)  # paho's MQTTMessageInfo or a QueuedPublish
            info.wait_for_publish(10)
            if info.is_published():
                say("published %s" % topic)
            else:
                say("publish-failed %s not acknowledged within 10 s" % topic)
        except (mr.ConnectFailed, mr.QueueFull, RuntimeError, ValueError) as e:  # paho: not sent
            say("publish-failed %s %s" % (topic, e))
    threading.Thread(target=wait, daemon=True).start()


def main():
    dispatcher, client_id, topic = sys.argv[1:4]
    tls = sys.argv[4:5] == ["tls"]
    fail_hook = threading.Event()

    def configure(client):
        if tls:
            client.tls_set(cert_reqs=ssl.CERT_NONE)
            client.tls_insecure_set(True)
    say("ready paho=%s" % paho.mqtt.__version__)

    def on_connected(device):
        say("landed %r hops=%d reconnects=%d" % (device.broker, device.hops, device.reconnects))
        if fail_hook.is_set():
            fail_hook.clear()
            raise RuntimeError("the application's hook failed")
        publish(device, topic, "hello from %s via %r" % (client_id, device.broker))

    in_gap = []

    def on_reconnecting(device, attempt, delay, error):
        say("reconnecting %d" % attempt)
        while in_gap:
            publish(device, in_gap.pop(), "queued by %s" % client_id)

    device = mr.RedirectingClient(dispatcher, client_id=client_id, configure=configure, connect_timeout=5,
                                  on_connected=on_connected,
                                  on_reconnecting=on_reconnecting,
                                  on_gave_up=lambda d, e: say("gave-up %s" % e),
                                  on_error=lambda d, e: say("app-error %s" % e))
    try:
        device.connect()
    except mr.ConnectFailed as e:
        say("error %s: %s" % (type(e).__name__, e))
        return 2
    done = threading.Event()

    def commands():
        for line in sys.stdin:
            words = line.split()
            try:
                if words[:1] == ["publish"]:
                    publish(device, words[1], "queued by %s" % client_id)
                elif words[:1] == ["publish-in-gap"]:
                    in_gap.append(words[1])
                    say("armed %s" % words[1])
                elif words == ["close"]:
                    device.close()
                    say("closed")
                elif words == ["connect"]:
                    device.connect()
                elif words == ["fail-hook"]:
                    fail_hook.set()
            except mr.ConnectFailed as e:
                say("error %s: %s" % (type(e).__name__, e))
        done.set()
    threading.Thread(target=commands, daemon=True).start()
    done.wait(120)
    device.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
