/**
 * Load balancing: P2C over PeakEWMA, per-endpoint breakers, the failfast queue, weighted splits.
 */
package dev.updraft.mesh.balance;
