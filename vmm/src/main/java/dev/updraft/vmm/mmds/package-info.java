/**
 * The microVM metadata service (MMDS): the data store, session tokens, the HTTP answers the guest
 * gets, and the network stack that intercepts its traffic to the MMDS address.
 */
package dev.updraft.vmm.mmds;
