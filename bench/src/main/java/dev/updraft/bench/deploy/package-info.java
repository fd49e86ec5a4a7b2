/** Deploy benchmarks: planning a large generated spec. */
package dev.updraft.bench.deploy;
