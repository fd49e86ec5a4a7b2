/** What the console shows, read from the deploy engine's journal and the local supervisor. */
package dev.updraft.console.model;
