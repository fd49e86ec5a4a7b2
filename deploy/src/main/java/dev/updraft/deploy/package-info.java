/** The deployment engine: environment spec, plan, journaled apply with rollback (issue 5). */
package dev.updraft.deploy;
