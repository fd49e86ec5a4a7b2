/** The local target: a supervisor process that runs services, databases and routers here. */
package dev.updraft.deploy.local;
