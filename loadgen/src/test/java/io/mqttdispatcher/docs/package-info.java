/**
 * Tests of the repository's documentation: every relative link and anchor in the Markdown files
 * resolves, the README stays short, and the classes the architecture page names exist.
 */
package io.mqttdispatcher.docs;
