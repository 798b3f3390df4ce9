/**
 * Moving live devices, end to end: real Mosquitto brokers, in-process probes and dispatchers, real
 * devices.
 */
package io.mqttdispatcher.rebalance;
