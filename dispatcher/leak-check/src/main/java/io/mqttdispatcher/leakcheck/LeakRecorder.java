package io.mqttdispatcher.leakcheck;

import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakTracker;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * What Netty's buffer leak detector reported in this JVM. Netty reports a leak only when it tracks
 * the next buffer after the garbage collector found an unreleased one, and then only to its log;
 * {@link #collect()} makes both happen now and hands the reports over, so a test can fail on them.
 */
public final class LeakRecorder {
  private static final LeakRecorder INSTANCE = new LeakRecorder(bufferLeakDetector());

  private static final long GC_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final ResourceLeakDetector<ByteBuf> detector;

  /** The detector's record of every tracked buffer not yet released (or not yet reported). */
  private final Set<?> unreleased;

  private final Queue<String> leaks = new ConcurrentLinkedQueue<>();

  private LeakRecorder(ResourceLeakDetector<ByteBuf> detector) {
    this.detector = detector;
    this.unreleased = field(ResourceLeakDetector.class, "allLeaks", Set.class, detector);
    detector.setLeakListener(
        (resourceType, records) ->
            leaks.add(
                "LEAK: "
                    + resourceType
                    + ".release() was not called before it was garbage-collected."
                    + (records.isEmpty() ? " (no access records at this leak detection level)" : "")
                    + records));
  }

  /** The one recorder, listening to the detector of every Netty buffer. */
  public static LeakRecorder get() {
    return INSTANCE;
  }

  /**
   * Throws when a leak could go unseen: Netty drops leak reports without a word while its
   * detector's logger does not log errors.
   */
  public void checkReporting() {
    if (ResourceLeakDetector.isEnabled()
        && !InternalLoggerFactory.getInstance(ResourceLeakDetector.class).isErrorEnabled()) {
      throw new IllegalStateException(
          "Netty drops leak reports while the logger "
              + ResourceLeakDetector.class.getName()
              + " does not log errors: switch it back on in this module's test logging configuration");
    }
  }

  /**
   * Runs the garbage collector, makes the detector report every buffer it found unreleased, and
   * returns those reports; each report is returned once. Costs nothing while every tracked buffer
   * has been released: then none can leak, and no collection is needed.
   */
  public List<String> collect() {
    if (!unreleased.isEmpty()) {
      awaitGarbageCollection();
      report();
      // The collector's references reach the detector's queue one by one: a leak queued after the
      // report above is reported here, or else at the next class.
      Thread.yield();
      report();
    }
    List<String> reported = new ArrayList<>();
    for (String leak = leaks.poll(); leak != null; leak = leaks.poll()) {
      reported.add(leak);
    }
    return reported;
  }

  /** The detector reports what the collector queued each time it starts tracking a buffer. */
  private void report() {
    ByteBuf probe = Unpooled.wrappedBuffer(new byte[1]);
    ResourceLeakTracker<ByteBuf> tracker = detector.trackForcibly(probe);
    tracker.close(probe);
  }

  /** Returns once a garbage collection has cleared a weak reference made for the purpose. */
  private static void awaitGarbageCollection() {
    ReferenceQueue<Object> cleared = new ReferenceQueue<>();
    WeakReference<Object> sentinel = new WeakReference<>(new Object(), cleared);
    long deadline = System.nanoTime() + GC_TIMEOUT_NANOS;
    try {
      do {
        System.gc();
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              "no garbage collection within 10 s of System.gc(): is -XX:+DisableExplicitGC set?"
                  + " Netty's leaks cannot be checked without one");
        }
      } while (cleared.remove(100) == null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a garbage collection", e);
    } finally {
      Reference.reachabilityFence(sentinel);
    }
  }

  /** The detector every {@link AbstractByteBuf} reports to. */
  @SuppressWarnings("unchecked")
  private static ResourceLeakDetector<ByteBuf> bufferLeakDetector() {
    return field(AbstractByteBuf.class, "leakDetector", ResourceLeakDetector.class, null);
  }

  /** A field Netty keeps private; a Netty that renamed it fails every test class, saying which. */
  private static <T> T field(Class<?> owner, String name, Class<T> type, @Nullable Object from) {
    try {
      Field field = owner.getDeclaredField(name);
      field.setAccessible(true);
      return type.cast(field.get(from));
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "cannot reach Netty's "
              + owner.getSimpleName()
              + "."
              + name
              + " (the leak check reads it): has this Netty version renamed it?",
          e);
    }
  }
}
