/** The microVM monitor against QEMU's microvm machine on the same test guests, in one run. */
package dev.updraft.bench.vm;
