/** Preview environments: an environment cloned under a new name, with a copy of its data. */
package dev.updraft.deploy.preview;
