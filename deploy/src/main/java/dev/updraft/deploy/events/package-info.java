/** Typed deployment events, secret redaction, and the console and JSON views of them. */
package dev.updraft.deploy.events;
