/** JUnit conditions every module's tests share: what a test needs from the machine it runs on. */
package dev.updraft.sys.testing;
