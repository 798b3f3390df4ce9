package io.mqttdispatcher.leakcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.junit.platform.launcher.listeners.TestExecutionSummary.Failure;

/**
 * Runs small test classes through JUnit, with the check registered the way every module's tests
 * have it, and reads how they ended: the leak fails its fixture class, not this class.
 */
class NettyLeakCheckTest {
  @Test
  void a_buffer_dropped_without_release_fails_its_test_class_with_the_leak_record() {
    // given a test class that drops a pooled buffer without releasing it
    // when JUnit runs it
    TestExecutionSummary summary = run(LeakingFixture.class);

    // then the test itself passes and the class fails, naming the leak and where it was made
    assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
    List<Failure> failures = summary.getFailures();
    assertThat(failures).hasSize(1);
    assertThat(failures.get(0).getTestIdentifier().isContainer()).isTrue();
    assertThat(failures.get(0).getException())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Netty reported 1 leaked buffer(s) by the end of")
        .hasMessageContaining(LeakingFixture.class.getName())
        .hasMessageContaining("LEAK: ByteBuf.release() was not called")
        .hasMessageContaining("drops_a_buffer");
    // and the report was handed over once: nothing is left for the next class
    assertThat(LeakRecorder.get().collect()).isEmpty();
  }

  @Test
  void a_released_buffer_leaves_its_test_class_passing() {
    TestExecutionSummary summary = run(ReleasingFixture.class);

    assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
    assertThat(summary.getFailures()).isEmpty();
  }

  private static TestExecutionSummary run(Class<?> fixture) {
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    LauncherFactory.create()
        .execute(
            LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(fixture))
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .build(),
            listener);
    return listener.getSummary();
  }

  /** Records where each buffer was made, whatever level the run was started with. */
  abstract static class ParanoidFixture {
    private static ResourceLeakDetector.Level before = ResourceLeakDetector.Level.SIMPLE;

    @BeforeAll
    static void paranoid() {
      before = ResourceLeakDetector.getLevel();
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @AfterAll
    static void restore() {
      ResourceLeakDetector.setLevel(before);
    }
  }

  static class LeakingFixture extends ParanoidFixture {
    @Test
    void drops_a_buffer() {
      ByteBuf buffer = PooledByteBufAllocator.DEFAULT.buffer(16);
      buffer.writeInt(42);
    }
  }

  static class ReleasingFixture extends ParanoidFixture {
    @Test
    void releases_its_buffer() {
      ByteBuf buffer = PooledByteBufAllocator.DEFAULT.buffer(16);
      buffer.writeInt(42);
      buffer.release();
    }
  }
}
