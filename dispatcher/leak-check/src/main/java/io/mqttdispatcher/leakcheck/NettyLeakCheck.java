package io.mqttdispatcher.leakcheck;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a buffer that was never released, with the leak's record
 * (where the buffer was made and last touched) as the message. JUnit registers it for every test
 * class through {@code META-INF/services} once {@code
 * junit.jupiter.extensions.autodetection.enabled} is set (the root pom sets it for surefire and
 * failsafe). A leak is reported at the end of the class that runs when the collector finds the
 * buffer, usually the class that dropped it.
 */
public final class NettyLeakCheck implements BeforeAllCallback, AfterAllCallback {
  @Override
  public void beforeAll(ExtensionContext context) {
    LeakRecorder.get().checkReporting();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    List<String> leaks = LeakRecorder.get().collect();
    if (!leaks.isEmpty()) {
      throw new AssertionError(
          "Netty reported "
              + leaks.size()
              + " leaked buffer(s) by the end of "
              + context.getRequiredTestClass().getName()
              + ":\n"
              + String.join("\n", leaks));
    }
  }
}
