/**
 * HiveMQ CE as a stand-alone broker process on loopback: what the demo and the tests run where no
 * mosquitto binary is installed.
 */
@NullMarked
package io.mqttdispatcher.embedded;

import org.jspecify.annotations.NullMarked;
