/** The crash-safe journal: every release and step, appended as JSON lines and fsynced. */
package dev.updraft.deploy.journal;
