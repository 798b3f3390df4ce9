/**
 * The brokers a local stack runs: HiveMQ CE as a stand-alone broker process on loopback, what the
 * demo and the tests run where no mosquitto binary is installed, and where that binary is ({@link
 * io.mqttdispatcher.embedded.MosquittoBinary}).
 */
@NullMarked
package io.mqttdispatcher.embedded;

import org.jspecify.annotations.NullMarked;
