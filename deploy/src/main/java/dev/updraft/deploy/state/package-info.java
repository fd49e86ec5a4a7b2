/** The state directory at rest: private files and the environment key that seals secret values. */
package dev.updraft.deploy.state;
