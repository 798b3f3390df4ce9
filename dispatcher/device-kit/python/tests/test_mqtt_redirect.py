"""The helper's own tests: reference parsing, backoff, and redirect handling against scripted
servers on loopback. Run: python3 -m unittest discover -s dispatcher/device-kit/python/tests"""

import os
import queue
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import mqtt_redirect as mr  # noqa: E402
from scripted_server import ScriptedServer  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ParseTest(unittest.TestCase):
    def test_host_port_and_ipv6(self):
        self.assertEqual(mr.parse_server_reference("10.0.0.5:1884"), [mr.Endpoint("10.0.0.5", 1884)])
        self.assertEqual(mr.parse_server_reference("[::1]:1883"), [mr.Endpoint("::1", 1883)])
        self.assertEqual(repr(mr.parse_endpoint("[fd00::5]:2883")), "[fd00::5]:2883")

    def test_without_port_means_1883(self):
        self.assertEqual(mr.parse_endpoint("broker.example"), mr.Endpoint("broker.example", 1883))
        self.assertEqual(mr.parse_endpoint("[::1]"), mr.Endpoint("::1", 1883))

    def test_several_references_in_order(self):
        self.assertEqual(mr.parse_server_reference("a:1 [::1]:2  ws://c:3/mqtt"),
                         [mr.Endpoint("a", 1), mr.Endpoint("::1", 2), mr.Endpoint("c", 3, True, False, "/mqtt")])

    def test_websocket_uris(self):
        self.assertEqual(mr.parse_endpoint("ws://127.0.0.1:8083/mqtt"), mr.Endpoint("127.0.0.1", 8083, True, False, "/mqtt"))
        self.assertEqual(mr.parse_endpoint("wss://broker.example/mqtt?x=1"),
                         mr.Endpoint("broker.example", 443, True, True, "/mqtt?x=1"))
        self.assertEqual(mr.parse_endpoint("ws://[::1]"), mr.Endpoint("::1", 80, True, False, "/"))
        self.assertEqual(repr(mr.parse_endpoint("WSS://[::1]:9001/a/b")), "wss://[::1]:9001/a/b")

    def test_broken_references_are_refused_with_a_specific_message(self):
        for bad in ["host:port", "host:0", "host:70000", "::1:1883", "[::1", "[::1]x", "mqtt://h:1", "ws://:80/x", ":1883"]:
            with self.subTest(bad=bad):
                with self.assertRaises(ValueError) as e:
                    mr.parse_server_reference(bad)
                self.assertIn(bad[:4], str(e.exception))
        with self.assertRaisesRegex(ValueError, "empty"):
            mr.parse_server_reference("  ")


class BackoffTest(unittest.TestCase):
    def test_doubles_up_to_the_cap_with_jitter_between_half_and_all(self):
        self.assertAlmostEqual(mr.backoff_delay(0, 0.2, 10, lambda: 0.0), 0.1)
        self.assertAlmostEqual(mr.backoff_delay(3, 0.2, 10, lambda: 0.999999), 1.6, places=4)
        self.assertAlmostEqual(mr.backoff_delay(100, 0.2, 10, lambda: 0.0), 5.0)


class ScriptedServersTest(unittest.TestCase):
    """Scripted servers and devices made by a test, closed after it."""

    def setUp(self):
        self.servers = []
        self.devices = []

    def tearDown(self):
        for d in self.devices:
            d.close()
        for s in self.servers:
            s.close()

    def server(self, *args):
        s = ScriptedServer(*args)
        self.servers.append(s)
        return s

    def device(self, dispatcher, **kw):
        d = mr.RedirectingClient(dispatcher, client_id="py-test", connect_timeout=3, **kw)
        self.devices.append(d)
        return d


class RedirectTest(ScriptedServersTest):

    def test_follows_the_reference_and_tries_several_in_order(self):
        broker = self.server(0x00)
        dead = "127.0.0.1:%d" % free_port()
        dispatcher = self.server(mr.USE_ANOTHER_SERVER, dead + " " + broker.address)

        device = self.device(dispatcher.address)
        device.connect()

        self.assertEqual(device.broker, mr.parse_endpoint(broker.address))
        self.assertEqual(device.hops, 1)
        self.assertEqual(broker.connects, 1)

    def test_server_moved_is_followed_too(self):
        broker = self.server(0x00)
        dispatcher = self.server(mr.SERVER_MOVED, broker.address)
        device = self.device(dispatcher.address)
        device.connect()
        self.assertEqual(device.broker, mr.parse_endpoint(broker.address))

    def test_a_loop_is_an_error_naming_the_path(self):
        a = self.server(mr.USE_ANOTHER_SERVER, "127.0.0.1:1")  # replaced below once b's port is known
        b = self.server(mr.USE_ANOTHER_SERVER, a.address)
        a.answer = __import__("scripted_server").connack(mr.USE_ANOTHER_SERVER, b.address)

        with self.assertRaises(mr.RedirectLoop) as e:
            self.device(a.address).connect()
        self.assertIn("redirect loop: %s -> %s -> %s again" % (a.address, b.address, a.address), str(e.exception))

    def test_hops_are_capped(self):
        broker = self.server(0x00)
        chain = broker.address
        for _ in range(3):
            chain = self.server(mr.USE_ANOTHER_SERVER, chain).address

        with self.assertRaisesRegex(mr.RedirectLoop, "more than 2 redirects"):
            self.device(chain, max_hops=2).connect()
        self.assertEqual(self.device(chain, max_hops=3).connect() is not None, True)

    def test_other_refusals_carry_the_reason_code(self):
        dispatcher = self.server(0x88)
        with self.assertRaises(mr.ConnectFailed) as e:
            self.device(dispatcher.address).connect()
        self.assertEqual(e.exception.reason_code, 0x88)
        self.assertIn("0x88", str(e.exception))

    def test_a_redirect_without_reference_is_an_error(self):
        dispatcher = self.server(mr.USE_ANOTHER_SERVER)
        with self.assertRaisesRegex(mr.ConnectFailed, "without a Server Reference"):
            self.device(dispatcher.address).connect()


class ReconnectTest(ScriptedServersTest):
    """After a broker loss: back through the dispatcher after a capped, jittered backoff."""

    def test_each_loss_after_a_stable_landing_waits_a_first_backoff_of_100_to_200_ms(self):
        broker = self.server(0x00)
        dispatcher = self.server(mr.USE_ANOTHER_SERVER, broker.address)
        waits, landings = queue.Queue(), queue.Queue()
        device = self.device(dispatcher.address, stable_after=0.3,
                             on_reconnecting=lambda d, attempt, delay, error: waits.put((attempt, delay, error)),
                             on_connected=lambda d: landings.put(d.reconnects))
        device.connect()
        self.assertEqual(landings.get(timeout=1), 0)

        for loss in (1, 2):  # the second loss, after a landing that lasted, starts the schedule again
            time.sleep(0.4)
            lost_at = time.monotonic()
            broker.drop_clients()

            attempt, delay, error = waits.get(timeout=5)
            self.assertEqual((attempt, error), (0, None))
            self.assertTrue(0.1 <= delay <= 0.2, "first wait %g s" % delay)
            self.assertEqual(landings.get(timeout=10), loss)
            self.assertEqual(dispatcher.connects, 1 + loss)
            self.assertGreaterEqual(dispatcher.connect_times[loss] - lost_at, delay)
            self.assertTrue(waits.empty())

    def test_failed_passes_double_the_wait_up_to_the_cap_then_give_up(self):
        broker = self.server(0x00)
        dispatcher = self.server(mr.USE_ANOTHER_SERVER, broker.address)
        waits, gave_up = queue.Queue(), queue.Queue()
        device = self.device(dispatcher.address, reconnect_attempts=4, max_backoff=0.5,
                             on_reconnecting=lambda d, attempt, delay, error: waits.put((attempt, delay, error)),
                             on_gave_up=lambda d, e: gave_up.put(e))
        device.connect()
        dispatcher.close()  # nothing answers at the dispatcher's address any more

        broker.drop_clients()

        self.assertIsInstance(gave_up.get(timeout=15), mr.ConnectFailed)
        recorded = [waits.get_nowait() for _ in range(waits.qsize())]
        self.assertEqual([attempt for attempt, _, _ in recorded], [0, 1, 2, 3])
        for (attempt, delay, error), ceiling in zip(recorded, [0.2, 0.4, 0.5, 0.5]):
            self.assertTrue(ceiling / 2 <= delay <= ceiling, "wait %d: %g s" % (attempt, delay))
            self.assertEqual(error is None, attempt == 0)
        self.assertEqual(device.reconnects, 0)

    def test_after_server_moved_the_next_pass_still_starts_at_the_dispatcher(self):
        broker = self.server(0x00)
        dispatcher = self.server(mr.SERVER_MOVED, broker.address)
        landings = queue.Queue()
        device = self.device(dispatcher.address, on_connected=lambda d: landings.put(d.reconnects))
        device.connect()
        landings.get(timeout=1)

        broker.drop_clients()

        self.assertEqual(landings.get(timeout=10), 1)
        self.assertEqual(dispatcher.connects, 2)  # 0x9D was followed once, not stored

    def test_landings_that_do_not_last_do_not_reset_the_backoff(self):
        flapping = self.server(0x00, None, 0.05)  # accepts the CONNECT, drops the device 50 ms later
        dispatcher = self.server(mr.USE_ANOTHER_SERVER, flapping.address)
        waits = queue.Queue()
        device = self.device(dispatcher.address,
                             on_reconnecting=lambda d, attempt, delay, error: waits.put(attempt))
        started = time.monotonic()
        device.connect()

        time.sleep(5 - (time.monotonic() - started))

        # Waits of 0.1-0.2, 0.2-0.4, 0.4-0.8, 0.8-1.6, 1.6-3.2 s: at most 6 landings in 5 s (the old
        # rule, each landing starting the schedule again, made about 25).
        self.assertLessEqual(flapping.connects, 6)
        attempts = [waits.get_nowait() for _ in range(waits.qsize())]
        self.assertEqual(attempts, list(range(len(attempts))))
        self.assertGreaterEqual(len(attempts), 3)

    def test_landings_that_do_not_last_count_towards_the_attempts_then_it_gives_up(self):
        flapping = self.server(0x00, None, 0.05)
        dispatcher = self.server(mr.USE_ANOTHER_SERVER, flapping.address)
        gave_up = queue.Queue()
        device = self.device(dispatcher.address, reconnect_attempts=3, on_gave_up=lambda d, e: gave_up.put(e))
        device.connect()

        error = gave_up.get(timeout=10)

        self.assertIsInstance(error, mr.ConnectFailed)
        self.assertIn("3 landings in a row did not last 20 s", str(error))
        self.assertEqual(flapping.connects, 4)  # connect() and 3 passes

    def test_close_then_connect_turns_reconnecting_on_again(self):
        broker = self.server(0x00)
        dispatcher = self.server(mr.USE_ANOTHER_SERVER, broker.address)
        landings = queue.Queue()
        device = self.device(dispatcher.address, on_connected=lambda d: landings.put(d.reconnects))
        device.connect()
        device.close()
        device.connect()
        self.assertEqual([landings.get(timeout=1), landings.get(timeout=1)], [0, 0])

        broker.drop_clients()

        self.assertEqual(landings.get(timeout=10), 1)
        self.assertEqual(dispatcher.connects, 3)

    def test_an_exception_from_on_connected_after_a_loss_goes_to_on_error_and_reconnecting_goes_on(self):
        broker = self.server(0x00)
        dispatcher = self.server(mr.USE_ANOTHER_SERVER, broker.address)
        landings, errors = queue.Queue(), queue.Queue()

        def on_connected(d):
            landings.put(d.reconnects)
            if d.reconnects == 1:
                raise RuntimeError("subscribe failed")
        device = self.device(dispatcher.address, on_connected=on_connected, on_error=lambda d, e: errors.put(e))
        device.connect()
        landings.get(timeout=1)

        broker.drop_clients()
        self.assertEqual(landings.get(timeout=10), 1)
        self.assertEqual(str(errors.get(timeout=1)), "subscribe failed")
        broker.drop_clients()

        self.assertEqual(landings.get(timeout=10), 2)

    def test_a_qos1_publish_made_between_brokers_is_sent_on_the_next_broker(self):
        broker = self.server(0x00)
        dispatcher = self.server(mr.USE_ANOTHER_SERVER, broker.address)
        waits, landings = queue.Queue(), queue.Queue()
        device = self.device(dispatcher.address,
                             on_reconnecting=lambda d, attempt, delay, error: waits.put(attempt),
                             on_connected=lambda d: landings.put(d.reconnects))
        device.connect()
        landings.get(timeout=1)
        broker.drop_clients()
        waits.get(timeout=5)  # the device knows it is between brokers

        queued = device.publish("gap/1", b"made between brokers", qos=1)
        dropped = device.publish("gap/0", b"qos 0", qos=0)

        self.assertIsInstance(queued, mr.QueuedPublish)
        self.assertTrue(queued.wait_for_publish(10))
        self.assertEqual(landings.get(timeout=1), 1)
        self.assertEqual(broker.published, ["gap/1"])
        self.assertEqual(dropped.rc, mr.mqtt.MQTT_ERR_NO_CONN)

    def test_publishes_beyond_max_queued_are_refused_and_the_queue_fails_when_it_gives_up(self):
        broker = self.server(0x00)
        dispatcher = self.server(mr.USE_ANOTHER_SERVER, broker.address)
        waits, gave_up = queue.Queue(), queue.Queue()
        device = self.device(dispatcher.address, max_queued=2, reconnect_attempts=1,
                             on_reconnecting=lambda d, attempt, delay, error: waits.put(attempt),
                             on_gave_up=lambda d, e: gave_up.put(e))
        device.connect()
        dispatcher.close()
        broker.drop_clients()
        waits.get(timeout=5)

        first = device.publish("gap/1", b"1", qos=1)
        device.publish("gap/2", b"2", qos=1)
        with self.assertRaisesRegex(mr.QueueFull, "2 publishes already wait"):
            device.publish("gap/3", b"3", qos=1)

        gave_up.get(timeout=10)
        with self.assertRaises(mr.ConnectFailed):
            first.wait_for_publish(1)

    def test_max_backoff_below_the_first_wait_is_refused(self):
        with self.assertRaisesRegex(ValueError, "max_backoff must be at least 0.2 s"):
            mr.RedirectingClient("127.0.0.1:1883", max_backoff=0.1)


if __name__ == "__main__":
    unittest.main()
