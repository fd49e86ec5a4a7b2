/** Mesh benchmarks: a fixed-rate HTTP/1.1 load generator for tail latency without wrk2. */
package dev.updraft.bench.mesh;
