/** Server-side HTML: Java text blocks, every value escaped, and SVG charts. */
package dev.updraft.console.html;
