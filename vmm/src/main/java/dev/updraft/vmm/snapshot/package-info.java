/**
 * Snapshots: the state file's format and contents, memory files, diff merges, the uffd hand-over.
 */
package dev.updraft.vmm.snapshot;
