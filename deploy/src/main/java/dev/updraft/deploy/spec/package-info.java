/** The environment spec (updraft.yaml): shapes, validation with positions, JSON Schema. */
package dev.updraft.deploy.spec;
