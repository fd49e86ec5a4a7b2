/** MicroVMs the console watches: Firecracker API sockets and the calls it makes on them. */
package dev.updraft.console.vm;
