/** The {@code updraft} command line: picocli, one thin command class per verb. */
package dev.updraft.cli;
