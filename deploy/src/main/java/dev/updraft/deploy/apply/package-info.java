/** The engine: plan the change, apply it as a graph with health gates, roll back on failure. */
package dev.updraft.deploy.apply;
