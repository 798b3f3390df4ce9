/**
 * Tests only: a JUnit extension that turns a leak reported by Netty's leak detector into a failed
 * test class, with the leak's record as the message.
 */
@NullMarked
package io.mqttdispatcher.leakcheck;

import org.jspecify.annotations.NullMarked;
