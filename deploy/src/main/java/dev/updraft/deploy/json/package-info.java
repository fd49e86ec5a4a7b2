/**
 * The engine's own JSON (journal lines, supervisor messages, --json events) without data binding.
 */
package dev.updraft.deploy.json;
