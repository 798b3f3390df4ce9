/**
 * Routing rules: which broker group a device goes to, from its CONNECT (client id, username,
 * transport, source address, user properties) or a hash of its client id. The rules come from one
 * YAML file, validated and swapped whole on reload; the balancing policy then picks a broker inside
 * the group.
 */
@NullMarked
package io.mqttdispatcher.dispatcher.routing;

import org.jspecify.annotations.NullMarked;
