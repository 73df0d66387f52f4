/**
 * Covenant's pure core: vocabulary, events, projections, terms, decisions and invariants
 * (ARCHITECTURE.md §2–§6). No I/O, no clock, no randomness: JDK only.
 */
package org.covenant.core;
