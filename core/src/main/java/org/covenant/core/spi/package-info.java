/**
 * Ports: the interfaces the core needs from the outside (ARCHITECTURE.md §1), implemented by
 * adapters in other modules and named technology + port ({@code SqliteEventStore}).
 */
package org.covenant.core.spi;
