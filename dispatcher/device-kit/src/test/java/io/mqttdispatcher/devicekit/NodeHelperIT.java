package io.mqttdispatcher.devicekit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.slf4j.LoggerFactory;

/**
 * {@code js/mqtt-redirect.js} on MQTT.js against the real dispatcher. Needs {@code node} on PATH
 * and the packages of {@code js/package-lock.json} ({@code npm ci} in {@code js/}); skipped,
 * loudly, without them.
 */
class NodeHelperIT extends HelperContract {

  @BeforeAll
  static void findNode() {
    String missing = null;
    if (!runs("node", "--version")) {
      missing =
          "no 'node' on PATH; install Node.js 18 or later (apt-get install -y nodejs npm; .ci/run does)";
    } else if (!Files.isDirectory(Path.of("js/node_modules/mqtt"))) {
      missing = "MQTT.js is not installed; run 'npm ci' in dispatcher/device-kit/js (.ci/run does)";
    }
    if (missing != null) {
      String message = "SKIPPED the Node device helper tests: " + missing;
      LoggerFactory.getLogger(NodeHelperIT.class).warn(message);
      assumeTrue(false, message);
    }
  }

  private static boolean runs(String... command) {
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  List<String> driver(String dispatcher, String clientId, String topic, boolean tls) {
    return List.of("node", "test/driver.js", dispatcher, clientId, topic, tls ? "tls" : "tcp");
  }

  @Override
  List<String> ownTests() {
    return List.of("node", "--test", "test/mqtt-redirect.test.js");
  }

  @Override
  Path directory() {
    return Path.of("js");
  }
}
