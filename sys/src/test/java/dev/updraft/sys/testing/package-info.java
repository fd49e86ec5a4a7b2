/** JUnit conditions and probes every module's tests share: what a test needs from the machine. */
package dev.updraft.sys.testing;
