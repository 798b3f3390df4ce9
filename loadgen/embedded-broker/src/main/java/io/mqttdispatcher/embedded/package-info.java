/**
 * The brokers a local stack runs: HiveMQ CE as a stand-alone broker process on loopback, what the
 * demo and the tests run where no mosquitto binary is installed, and where installed programs such
 * as mosquitto and haproxy are ({@link io.mqttdispatcher.embedded.InstalledBinary}).
 */
@NullMarked
package io.mqttdispatcher.embedded;

import org.jspecify.annotations.NullMarked;
