package io.mqttdispatcher.devicekit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.slf4j.LoggerFactory;

/**
 * {@code python/mqtt_redirect.py} on paho-mqtt against the real dispatcher. Runs the first Python
 * that imports paho: {@code -Ddevicekit.python=...}, else {@code python3} on PATH, else {@code
 * /usr/bin/python3} (Debian's {@code python3-paho-mqtt}). Skipped, loudly, without one.
 */
class PythonHelperIT extends HelperContract {
  private static @Nullable String python;

  @BeforeAll
  static void findPython() {
    List<String> candidates = new ArrayList<>();
    String chosen = System.getProperty("devicekit.python");
    if (chosen != null && !chosen.isBlank()) {
      candidates.add(chosen);
    }
    candidates.add("python3");
    candidates.add("/usr/bin/python3");
    python = candidates.stream().filter(PythonHelperIT::importsPaho).findFirst().orElse(null);
    if (python == null) {
      String message =
          "SKIPPED the Python device helper tests: no python3 with paho-mqtt (tried "
              + candidates
              + "); install it with 'apt-get install -y python3-paho-mqtt' (.ci/run does)";
      LoggerFactory.getLogger(PythonHelperIT.class).warn(message);
      assumeTrue(false, message);
    }
  }

  private static boolean importsPaho(String executable) {
    try {
      Process p =
          new ProcessBuilder(executable, "-c", "import paho.mqtt.client")
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
    return List.of(
        python, "-u", "tests/driver.py", dispatcher, clientId, topic, tls ? "tls" : "tcp");
  }

  @Override
  List<String> ownTests() {
    return List.of(python, "-m", "unittest", "discover", "-s", "tests");
  }

  @Override
  Path directory() {
    return Path.of("python");
  }
}
