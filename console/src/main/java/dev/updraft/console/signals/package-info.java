/** Golden signals: the mesh router's Prometheus metrics, sampled into 15 minutes of history. */
package dev.updraft.console.signals;
