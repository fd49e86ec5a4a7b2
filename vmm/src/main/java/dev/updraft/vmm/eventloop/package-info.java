/** The VMM thread: one epoll loop for ioeventfds, TAP devices, the console and timers. */
package dev.updraft.vmm.eventloop;
