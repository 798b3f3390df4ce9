/** Capped exponential backoff with jitter, shared by the device kit and the probe. */
@NullMarked
package io.mqttdispatcher.backoff;

import org.jspecify.annotations.NullMarked;
