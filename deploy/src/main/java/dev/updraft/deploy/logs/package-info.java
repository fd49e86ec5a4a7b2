/** Instance logs: stamped lines in rotated private files, read back, filtered and followed. */
package dev.updraft.deploy.logs;
