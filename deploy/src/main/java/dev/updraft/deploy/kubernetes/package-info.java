/**
 * The kubernetes target: images built and pushed with jib, fabric8 objects, server-side apply,
 * rollouts followed by watches.
 */
package dev.updraft.deploy.kubernetes;
