/** Proxy configuration: YAML file, command-line flags and UPDRAFT_MESH_* variables, validated. */
package dev.updraft.mesh.config;
