/** Test fixtures of the device kit: real brokers and an in-process dispatcher on loopback. */
package io.mqttdispatcher.devicekit.testing;
