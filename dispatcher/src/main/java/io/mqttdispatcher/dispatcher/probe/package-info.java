/**
 * The dispatcher's side of probe report protocol v1: a TCP server (Vert.x) that authenticates each
 * probe and feeds its reports to the broker registry.
 */
@NullMarked
package io.mqttdispatcher.dispatcher.probe;

import org.jspecify.annotations.NullMarked;
