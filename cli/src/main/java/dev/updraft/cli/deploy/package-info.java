/**
 * The {@code updraft deploy} commands and the top-level {@code up}, {@code status}, {@code down}.
 */
package dev.updraft.cli.deploy;
