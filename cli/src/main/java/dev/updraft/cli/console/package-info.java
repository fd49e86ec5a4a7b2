/** {@code updraft console}: the web console and its token. */
package dev.updraft.cli.console;
