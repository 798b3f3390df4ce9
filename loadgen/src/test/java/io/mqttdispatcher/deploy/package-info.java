/**
 * Tests of the operator-facing files in {@code deploy/}: the YAML parses, the Kubernetes objects
 * and the compose services agree with each other, and every option they pass exists in the jars.
 */
package io.mqttdispatcher.deploy;
