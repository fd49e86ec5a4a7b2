/** Test fixtures for the VMM: freestanding guests built with gcc, their reports, a QEMU runner. */
package dev.updraft.vmm.testing;
