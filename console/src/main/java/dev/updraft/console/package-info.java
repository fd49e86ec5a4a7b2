/** The web console: an HTTP server on Netty that renders environments, services and microVMs. */
package dev.updraft.console;
