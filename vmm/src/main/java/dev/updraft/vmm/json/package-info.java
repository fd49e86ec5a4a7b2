/** JSON documents as Jackson trees, read and written without an ObjectMapper. */
package dev.updraft.vmm.json;
