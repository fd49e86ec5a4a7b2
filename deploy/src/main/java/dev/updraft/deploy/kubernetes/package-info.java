/** The kubernetes target: fabric8 objects, server-side apply, rollouts followed by watches. */
package dev.updraft.deploy.kubernetes;
