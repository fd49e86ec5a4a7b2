/** The {@code updraft mesh} commands. */
package dev.updraft.cli.mesh;
