/** Linux system calls through the FFM API: the one place in updraft that touches native code. */
package dev.updraft.sys;
