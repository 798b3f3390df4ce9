/**
 * The local demo stack: brokers, a probe per broker and a dispatcher as separate processes on free
 * loopback ports, started and stopped by {@link io.mqttdispatcher.loadgen.demo.DemoStack}.
 */
@NullMarked
package io.mqttdispatcher.loadgen.demo;

import org.jspecify.annotations.NullMarked;
