/**
 * Moving live devices: rebalance plans and evacuations, started on any dispatcher replica, carried
 * by the donors' probes (protocol v2) so every replica agrees, and finished by whichever replica
 * first sees a donor within its thresholds.
 */
@NullMarked
package io.mqttdispatcher.dispatcher.rebalance;

import org.jspecify.annotations.NullMarked;
