/** Browser tests of the console: Selenium driving headless chromium. */
package dev.updraft.console.browser;
