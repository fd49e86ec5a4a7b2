/** Retries and their budget, and the classification of responses as success or failure. */
package dev.updraft.mesh.resilience;
