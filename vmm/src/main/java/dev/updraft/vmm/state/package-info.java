/** How device models save and restore their state as values, and the bytes those values become. */
package dev.updraft.vmm.state;
