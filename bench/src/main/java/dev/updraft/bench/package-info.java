/** Benchmarks that run updraft and its anchors side by side and print ratios. */
package dev.updraft.bench;
