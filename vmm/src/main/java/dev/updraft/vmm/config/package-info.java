/** The microVM's configuration as validated values: Firecracker's resources, with its defaults. */
package dev.updraft.vmm.config;
